//! The gateway's Prometheus counters, served at `GET /metrics` on `--metrics-bind`. Refusals
//! are counted by reason; the reasons are a fixed set of labels (never text from a packet).

use prometheus::{Encoder, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder};

pub struct GatewayMetrics {
    registry: Registry,
    /// Frames, packets and connections refused, by reason.
    pub refused: IntCounterVec,
    /// Packets taken, by outcome (`stored`, `duplicate`, `no_values`).
    pub packets: IntCounterVec,
    /// Fields of codes the ledger does not take.
    pub ignored_fields: IntCounter,
    /// Batches by outcome (`posted`, `rejected`), failed attempts (`retried`) and 429s
    /// waited out (`rate_limited`).
    pub batches: IntCounterVec,
    /// Connections open now.
    pub connections: IntGauge,
}

impl GatewayMetrics {
    // The names, help texts and labels are literals that prometheus accepts, each registered
    // once into a registry made here: this cannot fail at run time.
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let registry = Registry::new();
        let counter_vec = |name: &str, help: &str, label: &str| {
            let vec = IntCounterVec::new(Opts::new(name, help), &[label])
                .expect("static metric definition is valid");
            registry
                .register(Box::new(vec.clone()))
                .expect("registered once");
            vec
        };
        let refused = counter_vec(
            "basin_ledger_hj212_refused_total",
            "HJ 212 frames, packets and connections refused, by reason",
            "reason",
        );
        let packets = counter_vec(
            "basin_ledger_hj212_packets_total",
            "HJ 212 data packets taken, by outcome",
            "outcome",
        );
        let batches = counter_vec(
            "basin_ledger_hj212_batches_total",
            "Reading batches posted to the ledger, by outcome",
            "outcome",
        );
        let ignored_fields = IntCounter::new(
            "basin_ledger_hj212_ignored_fields_total",
            "Packet fields of codes the ledger does not take",
        )
        .expect("static metric definition is valid");
        let connections = IntGauge::new(
            "basin_ledger_hj212_connections",
            "Data logger connections open now",
        )
        .expect("static metric definition is valid");
        for collector in [
            Box::new(ignored_fields.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(connections.clone()),
        ] {
            registry.register(collector).expect("registered once");
        }
        Self {
            registry,
            refused,
            packets,
            ignored_fields,
            batches,
            connections,
        }
    }

    pub fn refuse(&self, reason: &str) {
        self.refused.with_label_values(&[reason]).inc();
    }

    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|error| prometheus::Error::Msg(error.to_string()))
    }
}

impl Default for GatewayMetrics {
    fn default() -> Self {
        Self::new()
    }
}
