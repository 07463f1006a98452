//! The HJ 212 gateway as a child process beside a real ledger, and a data logger's side of the
//! protocol, for the black-box tests.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use basin_hj212::encode_frame;
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};

use super::server_process::{free_port, ServerProcess};

pub const MN: &str = "GBK0001";
pub const PW: &str = "123456";
pub const STATION: &str = "gubeikou-auto";
/// Generous: the machine is shared, and nothing here asserts on time.
pub const DEADLINE: Duration = Duration::from_secs(90);

/// Runs the binary with `arguments` in `directory` (SQLite in that folder).
pub fn run(directory: &Path, arguments: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
        .args(arguments)
        .current_dir(directory)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// A ledger (SQLite in its own folder) with the Chaobai registry and the 古北口 station.
pub struct Ledger {
    pub directory: tempfile::TempDir,
    pub server: Option<ServerProcess>,
    pub port: u16,
    pub admin_token: String,
}

impl Ledger {
    /// Registers the section and the station, with `public_key` when the station signs.
    pub fn start(public_key: Option<&str>) -> Self {
        let directory = tempfile::tempdir().unwrap();
        let port = free_port();
        let server = ServerProcess::start_on_port(directory.path(), &[], port);
        let admin_token = server
            .stdout_so_far()
            .iter()
            .find_map(|line| line.split("store it now): ").nth(1).map(str::to_owned))
            .expect("admin token");
        let ledger = Self {
            directory,
            server: Some(server),
            port,
            admin_token,
        };
        let mut station = json!({"code": STATION, "name": "古北口自动站", "section": "gubeikou"});
        if let Some(public_key) = public_key {
            station["public_key"] = json!(public_key);
        }
        for (path, body) in [
            ("/v1/jurisdictions", json!({"code": "BJ", "name": "北京市"})),
            (
                "/v1/jurisdictions",
                json!({"code": "HE-CD", "name": "承德市"}),
            ),
            ("/v1/basins", json!({"code": "chaobai", "name": "潮白河"})),
            (
                "/v1/sections",
                json!({"code": "gubeikou", "name": "古北口", "basin": "chaobai",
                "river": "潮河", "water_body": "river", "target_class": "II",
                "upstream": "HE-CD", "downstream": "BJ"}),
            ),
            ("/v1/stations", station),
        ] {
            let response = ureq::post(&format!("{}{path}", ledger.url()))
                .set("Authorization", &format!("Bearer {}", ledger.admin_token))
                .send_json(body)
                .unwrap();
            assert_eq!(response.status(), 201, "{path}");
        }
        ledger
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn kill(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.child.kill().unwrap();
            server.child.wait().unwrap();
        }
    }

    pub fn restart(&mut self) {
        self.kill();
        self.server = Some(ServerProcess::start_on_port(
            self.directory.path(),
            &[],
            self.port,
        ));
    }

    pub fn get(&self, path: &str) -> Value {
        ureq::get(&format!("{}{path}", self.url()))
            .set("Authorization", &format!("Bearer {}", self.admin_token))
            .call()
            .unwrap()
            .into_json()
            .unwrap()
    }

    /// Every reading of the section, in order.
    pub fn readings(&self) -> Vec<Value> {
        let body = self.get("/v1/sections/gubeikou/readings?limit=1000");
        assert!(body["next_cursor"].is_null());
        body["items"].as_array().unwrap().clone()
    }

    /// Polls until the section holds `count` readings (or the deadline passes) and returns them.
    pub fn wait_for_readings(&self, count: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let readings = self.readings();
            if readings.len() >= count || started.elapsed() > DEADLINE {
                return readings;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// The station's key, token and stations file in a folder of their own (mode 0600 each).
pub struct StationFiles {
    pub directory: tempfile::TempDir,
    pub public_key: String,
}

impl StationFiles {
    pub fn new() -> Self {
        let directory = tempfile::tempdir().unwrap();
        let key = SigningKey::from_bytes(&[7; 32]);
        basin_ledger::key_file::create_private_key(
            &directory.path().join("gbk.key"),
            STATION,
            &key,
        )
        .unwrap();
        let public_key = basin_audit::messages::public_key_base64(&key.verifying_key());
        Self {
            directory,
            public_key,
        }
    }

    /// Mints the station's token on `ledger` and writes the stations file.
    pub fn write_for(&self, ledger: &Ledger) -> PathBuf {
        let output = run(
            ledger.directory.path(),
            &["token", "create", "--role", "station", "--subject", STATION],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let token = String::from_utf8(output.stdout).unwrap();
        self.write_stations(token.trim())
    }

    /// Writes the token file and the stations file naming it and the key.
    pub fn write_stations(&self, token: &str) -> PathBuf {
        let write_private = |name: &str, text: &str| {
            let path = self.directory.path().join(name);
            std::fs::write(&path, text).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            path
        };
        write_private("gbk.token", token);
        write_private(
            "stations.csv",
            &format!(
                "mn,station,password,key_file,token_file\n{MN},{STATION},{PW},gbk.key,gbk.token\n"
            ),
        )
    }
}

/// `hj212 serve` as a child process.
pub struct Gateway {
    pub child: Child,
    pub port: u16,
    pub metrics_port: u16,
}

impl Gateway {
    pub fn start(
        stations: &Path,
        spool: &Path,
        ledger_url: &str,
        port: u16,
        extra: &[&str],
    ) -> Self {
        let metrics_port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_basin-ledger"))
            .args([
                "hj212",
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--ledger",
                ledger_url,
            ])
            .arg("--stations")
            .arg(stations)
            .arg("--spool")
            .arg(spool)
            .args([
                "--metrics-bind",
                &format!("127.0.0.1:{metrics_port}"),
                "--flush-seconds",
                "1",
            ])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let gateway = Self {
            child,
            port,
            metrics_port,
        };
        let started = Instant::now();
        while gateway.try_metrics().is_none() || TcpStream::connect(gateway.address()).is_err() {
            assert!(started.elapsed() < DEADLINE, "the gateway did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        gateway
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn try_metrics(&self) -> Option<String> {
        ureq::get(&format!("http://127.0.0.1:{}/metrics", self.metrics_port))
            .call()
            .ok()?
            .into_string()
            .ok()
    }

    /// The value of one counter or gauge line (`name{label="value"}`), 0 when absent.
    pub fn metric(&self, series: &str) -> u64 {
        let text = self.try_metrics().unwrap_or_default();
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0)
    }

    /// Polls until `series` reaches `value` (or the deadline passes) and returns what it is.
    pub fn wait_for_metric(&self, series: &str, value: u64) -> u64 {
        let started = Instant::now();
        loop {
            let now = self.metric(series);
            if now >= value || started.elapsed() > DEADLINE {
                return now;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An hourly-data packet of the test station at `data_time` with pH and NH3-N (flags N).
pub fn hourly_segment(mn: &str, pw: &str, data_time: &str, flag: u8) -> String {
    format!(
        "QN={data_time}000;ST=21;CN=2061;PW={pw};MN={mn};Flag={flag};CP=&&DataTime={data_time};\
         w01001-Avg=7.61,w01001-Flag=N;w21003-Avg=0.270,w21003-Flag=N;w99999-Avg=1,w99999-Flag=N&&"
    )
}

pub fn frame(segment: &str) -> Vec<u8> {
    encode_frame(segment).unwrap().into_bytes()
}

/// Sends `bytes` and returns what the gateway answered within `wait` (empty for no answer).
pub fn exchange(stream: &mut TcpStream, bytes: &[u8], wait: Duration) -> String {
    stream.write_all(bytes).unwrap();
    read_for(stream, wait)
}

/// Reads until a whole line arrived, the peer closed, or `wait` passed.
pub fn read_for(stream: &mut TcpStream, wait: Duration) -> String {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut chunk = [0_u8; 4096];
    while started.elapsed() < wait && !received.ends_with(b"\r\n") {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => received.extend_from_slice(&chunk[..read]),
            Err(_) => {}
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}
