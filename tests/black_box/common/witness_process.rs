//! Real `basin-ledger witness serve` processes for a witnessed ledger under test: each has its
//! own key, logs file and SQLite database in a folder, and can be stopped and started again
//! on the same database and port.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::server_process::free_port;

pub struct Witness {
    /// The witness's name in the policy.
    pub name: String,
    pub vkey: String,
    pub port: u16,
    folder: PathBuf,
    child: Option<Child>,
}

impl Witness {
    /// Creates the witness's key (`witness keygen`) in `folder`; not started yet.
    pub fn create(folder: &std::path::Path, name: &str) -> Self {
        std::fs::create_dir_all(folder).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
            .args([
                "witness",
                "keygen",
                "--name",
                &format!("{name}.witness.example"),
                "--out",
            ])
            .arg(folder.join("witness.key"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        Self {
            name: name.to_owned(),
            vkey: String::from_utf8(output.stdout)
                .unwrap()
                .trim_end()
                .to_owned(),
            port: free_port(),
            folder: folder.to_owned(),
            child: None,
        }
    }

    /// The witness's private key file (`witness keygen` wrote it).
    pub fn key_path(&self) -> PathBuf {
        self.folder.join("witness.key")
    }

    /// The policy line naming this witness.
    pub fn policy_line(&self) -> String {
        format!(
            "witness {} {} http://127.0.0.1:{}\n",
            self.name, self.vkey, self.port
        )
    }

    /// Starts `witness serve` for the log with this vkey and waits until it accepts connections.
    pub fn start(&mut self, log_vkey: &str) {
        let logs = self.folder.join("logs.txt");
        std::fs::write(&logs, format!("log {log_vkey}\n")).unwrap();
        let database = format!("sqlite://{}", self.folder.join("witness.db").display());
        let child = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
            .args(["witness", "serve", "--key"])
            .arg(self.folder.join("witness.key"))
            .arg("--logs")
            .arg(&logs)
            .args([
                "--database",
                &database,
                "--bind",
                &format!("127.0.0.1:{}", self.port),
            ])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "witness {} did not start",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the process (its database stays).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        self.stop();
    }
}
