//! Prometheus metrics: request counts and latencies per route pattern (never per raw path, so
//! the label set stays bounded whatever clients send). This module only keeps the numbers; the
//! middleware that feeds them and the `/metrics` route live in `api::telemetry`, which reads
//! them from the shared state.

use std::time::Instant;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
    /// Fed by the publisher's threads, hence shareable.
    pub publisher: PublisherMetrics,
}

/// The publisher's: checkpoints it could not sign, and per witness of the policy (label
/// `witness`, its policy name) the last size it cosigned, how far that is behind the newest
/// signed checkpoint, and what each submission came to.
#[derive(Clone)]
pub struct PublisherMetrics {
    pub signing_failures: IntCounter,
    pub cosigned_size: IntGaugeVec,
    pub lag_entries: IntGaugeVec,
    pub submissions: IntCounterVec,
}

impl Metrics {
    // The metric names, help texts and label sets are literals that prometheus accepts, and each
    // collector is registered once into a registry made here: these cannot fail at run time, and
    // a server without its metrics should not start.
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "basin_ledger_http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("static metric definition is valid");
        let durations = HistogramVec::new(
            HistogramOpts::new(
                "basin_ledger_http_request_duration_seconds",
                "HTTP request latency by method and route",
            ),
            &["method", "route"],
        )
        .expect("static metric definition is valid");
        let publisher = PublisherMetrics {
            signing_failures: IntCounter::new(
                "basin_ledger_checkpoint_signing_failures_total",
                "Rounds in which the publisher could not sign the log's checkpoint (see the log)",
            )
            .expect("static metric definition is valid"),
            cosigned_size: IntGaugeVec::new(
                Opts::new(
                    "basin_ledger_witness_cosigned_tree_size",
                    "The largest tree size each witness has cosigned",
                ),
                &["witness"],
            )
            .expect("static metric definition is valid"),
            lag_entries: IntGaugeVec::new(
                Opts::new(
                    "basin_ledger_witness_lag_entries",
                    "Entries between the newest signed checkpoint and the witness's last cosigned one",
                ),
                &["witness"],
            )
            .expect("static metric definition is valid"),
            submissions: IntCounterVec::new(
                Opts::new(
                    "basin_ledger_witness_submissions_total",
                    "add-checkpoint requests to each witness by outcome",
                ),
                &["witness", "outcome"],
            )
            .expect("static metric definition is valid"),
        };
        let collectors: [Box<dyn prometheus::core::Collector>; 6] = [
            Box::new(requests.clone()),
            Box::new(durations.clone()),
            Box::new(publisher.signing_failures.clone()),
            Box::new(publisher.cosigned_size.clone()),
            Box::new(publisher.lag_entries.clone()),
            Box::new(publisher.submissions.clone()),
        ];
        for collector in collectors {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Self {
            registry,
            requests,
            durations,
            publisher,
        }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, started: Instant) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.durations
            .with_label_values(&[method, route])
            .observe(started.elapsed().as_secs_f64());
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|error| prometheus::Error::Msg(error.to_string()))
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
