//! One data segment, from the frame to the spool: parse, check MN and PW, map onto a reading,
//! apply the ledger's rules, store durably, and only then say what to answer.

use std::sync::{Arc, Mutex};

use basin_hj212::{data_reply, map_packet, parse_segment};

use super::body::{check_against_ledger_rules, SpooledReading};
use super::metrics::GatewayMetrics;
use super::spool::{NewReading, Spool, Stored};
use super::stations::Stations;

/// What the connections share.
pub struct Gateway {
    pub stations: Stations,
    pub metrics: GatewayMetrics,
    pub spool: Arc<Mutex<Spool>>,
}

/// What became of a packet: the CN=9014 segment to answer with (when the packet asked for
/// one), or the reason it was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Taken { reply: Option<String> },
    Refused { reason: &'static str },
}

/// Takes one data segment. Never panics on what a sender sent; every refusal is logged and
/// counted here.
pub async fn take_segment(gateway: &Gateway, segment: &str, peer: &str) -> Outcome {
    let outcome = decide(gateway, segment).await;
    if let Outcome::Refused { reason } = &outcome {
        gateway.metrics.refuse(reason);
        tracing::warn!(peer, reason, "HJ 212 packet refused");
    }
    outcome
}

async fn decide(gateway: &Gateway, segment: &str) -> Outcome {
    let refused = |reason| Outcome::Refused { reason };
    let packet = match parse_segment(segment) {
        Ok(packet) => packet,
        Err(error) => {
            tracing::debug!(%error, "data segment refused");
            return refused(error.label());
        }
    };
    let Some(station) = gateway.stations.by_mn(&packet.mn) else {
        return refused("unknown_mn");
    };
    if station.password != packet.password {
        return refused("wrong_pw");
    }
    let reading = match map_packet(&packet) {
        Ok(reading) => reading,
        Err(error) => {
            tracing::info!(station = %station.code, %error, "packet values refused");
            return refused(error.label());
        }
    };
    gateway
        .metrics
        .ignored_fields
        .inc_by(reading.ignored_fields as u64);
    let reply = packet.flag.wants_reply().then(|| data_reply(&packet));
    if reading.values.is_empty() {
        gateway
            .metrics
            .packets
            .with_label_values(&["no_values"])
            .inc();
        return Outcome::Taken { reply };
    }
    let spooled = SpooledReading::from_mapped(&reading);
    let now = chrono::Utc::now();
    if let Err(problem) = check_against_ledger_rules(&station.code, &spooled, now) {
        tracing::info!(station = %station.code, %problem, "reading the ledger would refuse");
        return refused("invalid_reading");
    }
    let text = match serde_json::to_string(&spooled) {
        Ok(text) => text,
        Err(error) => {
            tracing::error!(%error, "cannot write the spooled reading");
            return refused("spool_failure");
        }
    };
    let spool = Arc::clone(&gateway.spool);
    let code = station.code.clone();
    let sampled_at = spooled.sampled_at.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut spool = spool
            .lock()
            .map_err(|_| anyhow::anyhow!("the spool lock is poisoned"))?;
        Ok::<_, anyhow::Error>(spool.store(NewReading {
            station: &code,
            sampled_at: &sampled_at,
            reading: &text,
            received_at_seconds: now.timestamp(),
        })?)
    })
    .await;
    match stored {
        Ok(Ok(Stored::New)) => {
            gateway.metrics.packets.with_label_values(&["stored"]).inc();
            tracing::debug!(station = %station.code, sampled_at = %spooled.sampled_at, "spooled");
            Outcome::Taken { reply }
        }
        Ok(Ok(Stored::Duplicate)) => {
            gateway
                .metrics
                .packets
                .with_label_values(&["duplicate"])
                .inc();
            Outcome::Taken { reply }
        }
        Ok(Ok(Stored::Conflict)) => refused("conflict"),
        Ok(Err(error)) => {
            tracing::error!(error = format!("{error:#}"), "spool write failed");
            refused("spool_failure")
        }
        Err(error) => {
            tracing::error!(%error, "spool task failed");
            refused("spool_failure")
        }
    }
}
