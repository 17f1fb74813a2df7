//! The client side: a blocking connection with a timeout.

use crate::proto::{Reply, Request, PROTOCOL};
use std::io::{self, BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why a call over the socket failed.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The socket could not be reached.
    #[error("cannot connect to {path}: {source}")]
    Connect {
        /// Socket path.
        path: PathBuf,
        /// The OS error (ENOENT: no such socket; ECONNREFUSED: nobody listens).
        #[source]
        source: io::Error,
    },
    /// Sending or receiving failed, or no reply within the timeout.
    #[error("talking to {path}: {source}")]
    Io {
        /// Socket path.
        path: PathBuf,
        /// The OS error (`WouldBlock`/`TimedOut` for a timeout).
        #[source]
        source: io::Error,
    },
    /// The server closed the connection or sent something unreadable.
    #[error("{path}: {detail}")]
    Protocol {
        /// Socket path.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
}

/// A connection to `nicsim serve`.
pub struct Client {
    path: PathBuf,
    reader: BufReader<UnixStream>,
    writer: UnixStream,
    /// The server's [`Reply::Hello`] `server` field.
    pub server: String,
    /// The server's simulated top ([`Reply::Hello`] `top`): `nic_core`
    /// or `nic`.
    pub top: String,
}

impl Client {
    /// Connects and exchanges `hello`; `timeout` bounds every reply.
    ///
    /// # Errors
    /// [`LinkError::Connect`] if nobody listens at `path`,
    /// [`LinkError::Protocol`] if the server speaks another protocol.
    pub fn connect(path: &Path, timeout: Duration) -> Result<Client, LinkError> {
        let connect = |source| LinkError::Connect {
            path: path.to_path_buf(),
            source,
        };
        let stream = UnixStream::connect(path).map_err(connect)?;
        stream.set_read_timeout(Some(timeout)).map_err(connect)?;
        let writer = stream.try_clone().map_err(connect)?;
        let mut c = Client {
            path: path.to_path_buf(),
            reader: BufReader::new(stream),
            writer,
            server: String::new(),
            top: String::new(),
        };
        match c.call(&Request::Hello)? {
            Reply::Hello {
                server,
                protocol,
                top,
                ..
            } if protocol == PROTOCOL => (c.server, c.top) = (server, top),
            other => {
                return Err(c.protocol(format!(
                    "expected a protocol {PROTOCOL} hello, got {other:?}"
                )))
            }
        }
        Ok(c)
    }

    fn protocol(&self, detail: String) -> LinkError {
        LinkError::Protocol {
            path: self.path.clone(),
            detail,
        }
    }

    /// Sends one request and waits for its reply.
    ///
    /// # Errors
    /// [`LinkError::Io`] on a socket error or timeout,
    /// [`LinkError::Protocol`] if the connection closes or the reply is not
    /// valid JSON. An [`Reply::Error`] is a successful call.
    pub fn call(&mut self, req: &Request) -> Result<Reply, LinkError> {
        let io = |source| LinkError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_vec(req).expect("requests always serialize");
        line.push(b'\n');
        self.writer.write_all(&line).map_err(io)?;
        let mut answer = String::new();
        let n = self.reader.read_line(&mut answer).map_err(io)?;
        if n == 0 {
            return Err(self.protocol("the server closed the connection".into()));
        }
        serde_json::from_str(&answer).map_err(|e| self.protocol(format!("bad reply: {e}")))
    }
}
