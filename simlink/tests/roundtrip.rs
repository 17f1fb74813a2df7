//! A client and the server loop over a real socket, with a toy handler.

use ferronic_simlink::{serve, Client, ErrorKind, Handler, Reply, Request, ServeOpts};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Registers as a plain array; offset 0xF000 and up answer SLVERR.
struct Regs([u32; 16]);

impl Handler for Regs {
    fn handle(&mut self, req: Request) -> Reply {
        match req {
            Request::Hello => Reply::Hello {
                server: "toy".into(),
                protocol: ferronic_simlink::PROTOCOL,
                cycles: 0,
                top: "nic_core".into(),
            },
            Request::Read { offset } if offset < 64 => Reply::Value {
                value: self.0[offset as usize / 4],
            },
            Request::Write { offset, value } if offset < 64 => {
                self.0[offset as usize / 4] = value;
                Reply::Done
            }
            Request::Rx { frames } => Reply::Frames {
                frames: frames
                    .into_iter()
                    .map(|data| ferronic_simlink::Frame {
                        queue: 1,
                        tuser: 0,
                        hash: 0,
                        tag: 0,
                        data,
                    })
                    .collect(),
                cycles: 1,
                wire: Vec::new(),
            },
            _ => Reply::Error {
                kind: ErrorKind::Slverr,
                message: "unmapped".into(),
            },
        }
    }
}

#[test]
fn two_clients_and_a_bad_line() {
    let dir = std::env::temp_dir().join(format!("simlink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("nic.sock");
    let listener = ferronic_simlink::server::bind(&path).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let opts = ServeOpts {
        stop: Some(stop.clone()),
        verbose: false,
    };
    let server = std::thread::spawn(move || serve(listener, &mut Regs([0; 16]), &opts));

    let t = Duration::from_secs(5);
    let mut a = Client::connect(&path, t).unwrap();
    let mut b = Client::connect(&path, t).unwrap();
    assert_eq!(a.server, "toy");
    let w = Request::Write {
        offset: 8,
        value: 0xdead_beef,
    };
    assert_eq!(a.call(&w).unwrap(), Reply::Done);
    // the other client sees the same device
    assert_eq!(
        b.call(&Request::Read { offset: 8 }).unwrap(),
        Reply::Value { value: 0xdead_beef }
    );
    let f = b
        .call(&Request::Rx {
            frames: vec![vec![1, 2, 3]],
        })
        .unwrap();
    assert!(matches!(f, Reply::Frames { ref frames, .. } if frames[0].data == [1, 2, 3]));
    assert!(matches!(
        a.call(&Request::Read { offset: 0xF000 }).unwrap(),
        Reply::Error {
            kind: ErrorKind::Slverr,
            ..
        }
    ));

    // a malformed line is answered, and the connection stays usable
    let mut raw = UnixStream::connect(&path).unwrap();
    raw.write_all(b"{\"op\":\"frobnicate\"}\n{\"op\":\"read\",\"offset\":8}\n")
        .unwrap();
    let mut r = BufReader::new(raw);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.contains("\"kind\":\"protocol\""), "{line}");
    line.clear();
    r.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), r#"{"reply":"value","value":3735928559}"#);

    // a second server on a live socket is refused, and nobody is disturbed
    assert_eq!(
        ferronic_simlink::server::bind(&path).unwrap_err().kind(),
        std::io::ErrorKind::AddrInUse
    );
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap().unwrap();
    // nobody listens now: connecting fails with a Connect error
    drop((a, b));
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(
        Client::connect(&path, t),
        Err(ferronic_simlink::LinkError::Connect { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}
