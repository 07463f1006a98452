//! Prometheus metrics: request counts and latencies per route pattern (never per raw path, so
//! the label set stays bounded whatever clients send). This module only keeps the numbers; the
//! middleware that feeds them and the `/metrics` route live in `api::telemetry`, which reads
//! them from the shared state.

use std::time::Instant;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    durations: HistogramVec,
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
        registry
            .register(Box::new(requests.clone()))
            .expect("metric registered once");
        registry
            .register(Box::new(durations.clone()))
            .expect("metric registered once");
        Self {
            registry,
            requests,
            durations,
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
