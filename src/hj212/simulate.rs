//! `basin-ledger hj212 simulate`: a data logger that replays the demo's real published rows of
//! one station (古北口 by default; the daily CNEMC file built into the binary) as CN=2061
//! packets, each carrying the row's own time as DataTime (China Standard Time) and its values as
//! published. It waits for the CN=9014 answer to each packet and sends the packet again (same
//! QN) when none comes, as a logger does after a lost reply. Synchronous on purpose: one
//! logger, one connection, one packet in flight.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use anyhow::Context;
use basin_cnemc::{parse_file, ParseOptions, Row, RowStatus};
use basin_hj212::encode_frame;
use basin_hj212::frame::{scan, Scan};
use basin_hj212::readings::PARAMETER_CODES;
use chrono::{FixedOffset, NaiveDate};
use serde::Serialize;

/// China Standard Time, UTC+08:00.
const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;
/// Bytes read at a time while waiting for an answer.
const READ_CHUNK_BYTES: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RowChoice {
    /// Every row with a time: rows not 正常 are sent with their values flagged (M maintenance,
    /// F stopped, D otherwise).
    All,
    /// Only rows published as 正常, every value flagged N.
    Normal,
}

pub struct SimulateOptions {
    pub mn: String,
    pub password: String,
    pub to: String,
    pub name: String,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub interval: Duration,
    pub reply_timeout: Duration,
    pub retries: u32,
    pub rows: RowChoice,
    /// HJ 212-2025 (Flag=9) instead of 2017 (Flag=5).
    pub version_2025: bool,
}

#[derive(Debug, Default, Serialize)]
pub struct SimulateSummary {
    pub packets: usize,
    /// DataTime of each packet answered with CN=9014, in sending order.
    pub acknowledged: Vec<String>,
    pub unacknowledged: Vec<String>,
    pub resends: usize,
    pub seconds: u64,
}

/// One packet to send.
struct Outgoing {
    data_time: String,
    qn: String,
    frame: String,
}

fn flag_letter(status: &RowStatus) -> &'static str {
    match status {
        RowStatus::Valid => "N",
        RowStatus::Invalid { reason } if reason == "维护" => "M",
        RowStatus::Invalid { reason } if reason == "停站" => "F",
        RowStatus::Invalid { .. } => "D",
    }
}

fn outgoing(row: &Row, options: &SimulateOptions) -> Option<Outgoing> {
    let china = FixedOffset::east_opt(CHINA_OFFSET_SECONDS)?;
    let local = row.sampled_at.with_timezone(&china);
    let data_time = local.format("%Y%m%d%H%M%S").to_string();
    let flag = flag_letter(&row.status);
    let fields: Vec<String> = PARAMETER_CODES
        .iter()
        .filter_map(|(hj212, code)| {
            row.values
                .get(code)
                .map(|value| format!("{hj212}-Avg={value},{hj212}-Flag={flag}"))
        })
        .collect();
    if fields.is_empty() {
        return None;
    }
    let qn = format!("{data_time}000");
    let segment = format!(
        "QN={qn};ST=21;CN=2061;PW={};MN={};Flag={};CP=&&DataTime={data_time};{}&&",
        options.password,
        options.mn,
        if options.version_2025 { 9 } else { 5 },
        fields.join(";")
    );
    Some(Outgoing {
        data_time,
        qn,
        frame: encode_frame(&segment)?,
    })
}

/// The station's rows in the range, first seen first, one per instant.
fn packets(options: &SimulateOptions) -> anyhow::Result<Vec<Outgoing>> {
    let parsed = parse_file(crate::demo::DAILY_ROWS, &ParseOptions::default())
        .context("the built-in CNEMC file")?;
    let china = FixedOffset::east_opt(CHINA_OFFSET_SECONDS).context("UTC+08:00")?;
    let mut seen = std::collections::HashSet::new();
    Ok(parsed
        .rows
        .iter()
        .filter(|row| row.name == options.name)
        .filter(|row| options.rows == RowChoice::All || row.status.is_valid())
        .filter(|row| {
            let day = row.sampled_at.with_timezone(&china).date_naive();
            options.from.is_none_or(|from| day >= from)
                && options.until.is_none_or(|until| day < until)
        })
        .filter(|row| seen.insert(row.sampled_at))
        .filter_map(|row| outgoing(row, options))
        .collect())
}

enum Answer {
    Acknowledged,
    TimedOut,
    Closed,
}

/// Reads until the CN=9014 answer with `qn` arrives, the time is up or the gateway hangs up.
fn wait_for_answer(stream: &mut TcpStream, qn: &str, timeout: Duration) -> Answer {
    let deadline = Instant::now() + timeout;
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; READ_CHUNK_BYTES];
    let wanted = format!("QN={qn}");
    loop {
        loop {
            match scan(&buffer) {
                Scan::Frame { consumed, segment } => {
                    buffer.drain(..consumed);
                    let fields: Vec<&str> = segment.split(';').collect();
                    if fields.contains(&wanted.as_str()) && fields.contains(&"CN=9014") {
                        return Answer::Acknowledged;
                    }
                }
                Scan::Refused { consumed, .. } => {
                    buffer.drain(..consumed);
                }
                Scan::Incomplete => break,
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Answer::TimedOut;
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Answer::Closed,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Answer::TimedOut
            }
            Err(_) => return Answer::Closed,
        }
    }
}

fn send_once(stream: &mut TcpStream, packet: &Outgoing, timeout: Duration) -> Answer {
    if stream.write_all(packet.frame.as_bytes()).is_err() {
        return Answer::Closed;
    }
    wait_for_answer(stream, &packet.qn, timeout)
}

fn connect(address: &SocketAddr, timeout: Duration) -> Option<TcpStream> {
    let stream = TcpStream::connect_timeout(address, timeout).ok()?;
    stream.set_nodelay(true).ok()?;
    Some(stream)
}

/// Sends every packet in the range, each until it is answered or its retries are spent.
pub fn simulate(options: &SimulateOptions) -> anyhow::Result<SimulateSummary> {
    let address = options
        .to
        .to_socket_addrs()
        .with_context(|| format!("--to {}", options.to))?
        .next()
        .with_context(|| format!("--to {} names no address", options.to))?;
    let packets = packets(options)?;
    let started = Instant::now();
    let mut summary = SimulateSummary {
        packets: packets.len(),
        ..SimulateSummary::default()
    };
    let mut stream: Option<TcpStream> = None;
    for (index, packet) in packets.iter().enumerate() {
        if index > 0 {
            std::thread::sleep(options.interval);
        }
        let mut acknowledged = false;
        for attempt in 0..=options.retries {
            if attempt > 0 {
                summary.resends += 1;
            }
            if stream.is_none() {
                stream = connect(&address, options.reply_timeout);
            }
            let Some(connected) = stream.as_mut() else {
                // The gateway is down: wait as long as an answer would have taken.
                std::thread::sleep(options.reply_timeout);
                continue;
            };
            match send_once(connected, packet, options.reply_timeout) {
                Answer::Acknowledged => {
                    acknowledged = true;
                    break;
                }
                Answer::TimedOut => {}
                Answer::Closed => stream = None,
            }
        }
        if acknowledged {
            summary.acknowledged.push(packet.data_time.clone());
        } else {
            tracing::warn!(data_time = %packet.data_time, "no CN=9014 answer; giving up on the packet");
            summary.unacknowledged.push(packet.data_time.clone());
        }
    }
    summary.seconds = started.elapsed().as_secs();
    Ok(summary)
}
