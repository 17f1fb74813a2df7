//! `nicctl`: bring up a ferronic NIC (see `nicctl --help` and the README).

use std::process::ExitCode;

fn main() -> ExitCode {
    // Die quietly on a closed pipe (`nicctl dump | head`).
    // SAFETY: restoring the default SIGPIPE disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let code = ferronic_host::cli::run(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
