//! `basin-ledger hj212 serve`: the HJ 212 gateway for automatic stations' data loggers, and
//! `hj212 simulate`, a logger that replays the demo's real 古北口 rows (API.md, "HJ 212 gateway").
//!
//! The protocol itself (CRC, frames, data segments, packet → reading, the 9014 answer) is the
//! pure `basin_hj212` crate. Here: the tokio codec, the TCP server with its bounds, the durable
//! spool, the poster that signs and posts batches, and the metrics endpoint.

mod body;
mod codec;
mod connection;
mod intake;
mod ledger_client;
pub mod metrics;
mod poster;
pub mod simulate;
mod spool;
pub mod stations;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use connection::{serve_connection, ConnectionLimits};
use intake::Gateway;
use metrics::GatewayMetrics;
use poster::{run_poster, PosterOptions};
use spool::Spool;

/// Connections served at once; one more is accepted, counted and closed at once.
pub const CONNECTIONS_MAX_DEFAULT: usize = 100;
/// Seconds a connection may stay silent between frames (loggers reconnect for the next hour).
pub const IDLE_SECONDS_DEFAULT: u64 = 300;
/// Seconds one frame may take to arrive once its first byte has.
pub const FRAME_SECONDS_DEFAULT: u64 = 30;
/// Seconds a spooled reading waits at most before it is posted.
pub const FLUSH_SECONDS_DEFAULT: u64 = 60;
/// Pause after a failed `accept` (out of file descriptors, say), so the loop cannot spin.
const ACCEPT_FAILURE_PAUSE: Duration = Duration::from_millis(100);

pub struct Hj212ServeOptions {
    pub bind: String,
    pub ledger_url: String,
    pub stations_file: PathBuf,
    pub spool_folder: PathBuf,
    pub flush_seconds: u64,
    pub metrics_bind: Option<String>,
    pub connections_max: usize,
    pub idle_seconds: u64,
    pub frame_seconds: u64,
}

/// Reads the stations, opens the spool, starts the poster and the metrics endpoint, and serves
/// data loggers until the process is stopped.
pub async fn serve(options: Hj212ServeOptions) -> anyhow::Result<()> {
    let stations = stations::read_stations(&options.stations_file)?;
    if stations.is_empty() {
        anyhow::bail!(
            "stations file {} lists no station",
            options.stations_file.display()
        );
    }
    let spool = Spool::open(&options.spool_folder)
        .with_context(|| format!("spool {}", options.spool_folder.display()))?;
    let poster_spool = Spool::open(&options.spool_folder)
        .with_context(|| format!("spool {}", options.spool_folder.display()))?;
    let station_count = stations.len();
    let gateway = Arc::new(Gateway {
        stations,
        metrics: GatewayMetrics::new(),
        spool: Arc::new(Mutex::new(spool)),
    });
    let listener = TcpListener::bind(&options.bind)
        .await
        .with_context(|| format!("cannot listen on {}", options.bind))?;
    let poster_gateway = Arc::clone(&gateway);
    let poster_options = PosterOptions {
        ledger_url: options.ledger_url.clone(),
        flush_seconds: options.flush_seconds,
    };
    std::thread::Builder::new()
        .name("hj212-poster".into())
        .spawn(move || run_poster(poster_gateway, poster_spool, poster_options))
        .context("starting the poster")?;
    if let Some(metrics_bind) = &options.metrics_bind {
        let metrics_gateway = Arc::clone(&gateway);
        let server = HttpServer::new(move || {
            let gateway = Arc::clone(&metrics_gateway);
            App::new().route(
                "/metrics",
                web::get().to(move || {
                    let gateway = Arc::clone(&gateway);
                    async move {
                        match gateway.metrics.render() {
                            Ok(text) => HttpResponse::Ok()
                                .content_type("text/plain; version=0.0.4")
                                .body(text),
                            Err(_) => HttpResponse::InternalServerError().finish(),
                        }
                    }
                }),
            )
        })
        .workers(1)
        .disable_signals()
        .bind(metrics_bind)
        .with_context(|| format!("cannot listen on {metrics_bind}"))?
        .run();
        actix_web::rt::spawn(server);
    }
    tracing::info!(
        bind = %options.bind,
        ledger = %options.ledger_url,
        stations = station_count,
        "HJ 212 gateway listening"
    );
    let limits = ConnectionLimits {
        idle: Duration::from_secs(options.idle_seconds),
        frame: Duration::from_secs(options.frame_seconds),
    };
    let permits = Arc::new(Semaphore::new(options.connections_max));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(ACCEPT_FAILURE_PAUSE).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            gateway.metrics.refuse("too_many_connections");
            tracing::warn!(%peer, "too many connections; closed");
            drop(stream);
            continue;
        };
        let gateway = Arc::clone(&gateway);
        gateway.metrics.connections.inc();
        actix_web::rt::spawn(async move {
            serve_connection(Arc::clone(&gateway), stream, peer.to_string(), limits).await;
            gateway.metrics.connections.dec();
            drop(permit);
        });
    }
}
