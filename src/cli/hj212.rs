//! `hj212 serve` and `hj212 simulate` on the command line (API.md, "HJ 212 gateway").

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use crate::hj212::simulate::{simulate, RowChoice, SimulateOptions};
use crate::hj212::{
    serve, Hj212ServeOptions, CONNECTIONS_MAX_DEFAULT, FLUSH_SECONDS_DEFAULT,
    FRAME_SECONDS_DEFAULT, IDLE_SECONDS_DEFAULT,
};

#[derive(Debug, Subcommand)]
pub enum Hj212Command {
    /// Receive HJ 212 (2017 and 2025) data packets from stations' data loggers over TCP, spool
    /// them durably, answer CN=9014, and post them to the ledger as signed batches per station.
    Serve {
        /// Address and port the data loggers connect to.
        #[arg(long, env = "HJ212_BIND", default_value = "0.0.0.0:6000")]
        bind: String,
        /// The ledger's base URL, e.g. http://127.0.0.1:8080.
        #[arg(long, env = "HJ212_LEDGER_URL")]
        ledger: String,
        /// CSV `mn,station,password,key_file,token_file` (paths relative to this file; every
        /// file readable by the gateway's user only).
        #[arg(long, env = "HJ212_STATIONS_FILE")]
        stations: PathBuf,
        /// The spool folder (an embedded database; created with mode 0700 if missing).
        #[arg(long, env = "HJ212_SPOOL")]
        spool: PathBuf,
        /// Longest wait, in seconds, before spooled readings are posted (or 1,000 readings).
        #[arg(long, env = "HJ212_FLUSH_SECONDS", default_value_t = FLUSH_SECONDS_DEFAULT)]
        flush_seconds: u64,
        /// Serve Prometheus metrics at http://ADDR/metrics.
        #[arg(long, env = "HJ212_METRICS_BIND")]
        metrics_bind: Option<String>,
        /// Connections served at once; more are closed and counted.
        #[arg(long, default_value_t = CONNECTIONS_MAX_DEFAULT)]
        connections_max: usize,
        /// Seconds a connection may stay silent between frames.
        #[arg(long, default_value_t = IDLE_SECONDS_DEFAULT)]
        idle_seconds: u64,
        /// Seconds one frame may take to arrive.
        #[arg(long, default_value_t = FRAME_SECONDS_DEFAULT)]
        frame_seconds: u64,
    },
    /// Replay the demo's real published rows of one station (古北口) as hourly-data packets
    /// (CN=2061), waiting for each CN=9014 answer; prints a JSON summary.
    Simulate {
        /// The data logger's MN.
        #[arg(long)]
        mn: String,
        /// The data logger's password (PW).
        #[arg(long)]
        pw: String,
        /// The gateway's address, e.g. 127.0.0.1:6000.
        #[arg(long)]
        to: String,
        /// The published station name whose rows are replayed.
        #[arg(long, default_value = "古北口")]
        name: String,
        /// First day replayed (China time), YYYY-MM-DD.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Day after the last one replayed (China time), YYYY-MM-DD.
        #[arg(long)]
        until: Option<chrono::NaiveDate>,
        /// Milliseconds between packets (a real logger sends one an hour).
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
        /// Milliseconds to wait for the CN=9014 answer before sending again.
        #[arg(long, default_value_t = 5000)]
        reply_timeout_ms: u64,
        /// Times a packet is sent again before the simulator gives up on it.
        #[arg(long, default_value_t = 3)]
        retries: u32,
        /// Which rows to replay.
        #[arg(long, value_enum, default_value_t = RowChoice::All)]
        rows: RowChoice,
        /// Speak HJ 212-2025 (Flag=9) instead of HJ 212-2017 (Flag=5).
        #[arg(long)]
        hj212_2025: bool,
    },
}

pub fn run(command: Hj212Command) -> anyhow::Result<()> {
    match command {
        Hj212Command::Serve {
            bind,
            ledger,
            stations,
            spool,
            flush_seconds,
            metrics_bind,
            connections_max,
            idle_seconds,
            frame_seconds,
        } => actix_web::rt::System::new().block_on(serve(Hj212ServeOptions {
            bind,
            ledger_url: ledger,
            stations_file: stations,
            spool_folder: spool,
            flush_seconds,
            metrics_bind,
            connections_max,
            idle_seconds,
            frame_seconds,
        })),
        Hj212Command::Simulate {
            mn,
            pw,
            to,
            name,
            from,
            until,
            interval_ms,
            reply_timeout_ms,
            retries,
            rows,
            hj212_2025,
        } => {
            let summary = simulate(&SimulateOptions {
                mn,
                password: pw,
                to,
                name,
                from,
                until,
                interval: Duration::from_millis(interval_ms),
                reply_timeout: Duration::from_millis(reply_timeout_ms),
                retries,
                rows,
                version_2025: hj212_2025,
            })?;
            println!("{}", serde_json::to_string_pretty(&summary)?);
            Ok(())
        }
    }
}
