//! Runs the real binary as a child process on a free loopback port.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

pub struct ServerProcess {
    pub child: Child,
    pub base_url: String,
    pub stdout_lines: Receiver<String>,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl ServerProcess {
    /// Starts `basin-ledger serve` in `directory` with the given extra environment and waits
    /// until `/healthz` answers 200.
    pub fn start(directory: &Path, environment: &[(&str, &str)]) -> Self {
        Self::start_on_port(directory, environment, free_port())
    }

    /// The same on a given port (a restarted server where its clients expect it).
    pub fn start_on_port(directory: &Path, environment: &[(&str, &str)], port: u16) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_basin-ledger"));
        command
            .arg("serve")
            .current_dir(directory)
            .env_remove("DATABASE_URL")
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            // Tests wait for publication (`common::publication`); a short interval keeps that quick.
            .env("CHECKPOINT_INTERVAL_MS", "20")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (name, value) in environment {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("binary starts");
        let stdout = child.stdout.take().unwrap();
        let (sender, stdout_lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let server = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            stdout_lines,
        };
        server.wait_healthy(Duration::from_secs(60));
        server
    }

    fn wait_healthy(&self, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(response) = ureq::get(&format!("{}/healthz", self.base_url)).call() {
                if response.status() == 200 {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server did not become healthy within {limit:?}");
    }

    /// Everything the server printed on standard output so far.
    pub fn stdout_so_far(&self) -> Vec<String> {
        self.stdout_lines.try_iter().collect()
    }

    /// SIGTERM, then waits for a graceful exit and returns whether it exited successfully.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(40) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        false
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
