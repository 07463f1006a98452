//! Publication: the ledger signs a checkpoint when its log grows, from background threads,
//! never because a reader asked for a size. Without a witness policy a signed checkpoint is
//! published at once; with one, each witness gets every new checkpoint (c2sp.org/tlog-witness)
//! and a checkpoint is published once its cosignatures meet the quorum. A witness that is down
//! or slow delays publication and never blocks a write: writes only ring a bell.

mod served;
mod signal;
mod signer;
mod witness;

use std::sync::Arc;
use std::time::Duration;

use basin_audit::policy::{Policy, PolicyError};

pub use served::{published_note, served_note};

use crate::api::metrics::PublisherMetrics;
use crate::ledger_key::LedgerKey;
use crate::store::Pool;
use signal::Signal;

/// `CHECKPOINT_INTERVAL_MS` when none is configured: at most one new checkpoint a second.
pub const CHECKPOINT_INTERVAL_MS_DEFAULT: u64 = 1000;
/// The longest interval accepted: an idle ledger still looks for work this often.
pub const CHECKPOINT_INTERVAL_MS_MAX: u64 = 60_000;
/// A witness that failed is tried again after at most this long, new writes or not.
pub const WITNESS_RETRY_SECONDS_MAX: u64 = 5;

/// A witness policy as loaded from `WITNESS_POLICY_FILE`: its text (served at
/// `/v1/log/policy`) and what it says.
#[derive(Debug)]
pub struct WitnessPolicy {
    pub text: String,
    pub policy: Policy,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    #[error("{0}")]
    Parse(#[from] PolicyError),
    #[error("witness {0} has no URL: the ledger needs one to send it checkpoints")]
    NoUrl(String),
    #[error("the policy lists logs, but none with this ledger's key and origin {0}")]
    NotThisLog(String),
}

impl WitnessPolicy {
    /// Parses the policy for this ledger: every witness needs a URL, and a policy that lists
    /// logs must list this one.
    pub fn parse(text: &str, key: &LedgerKey) -> Result<Self, PolicyFileError> {
        let policy = Policy::parse(text)?;
        if let Some(witness) = policy.witnesses().iter().find(|w| w.url.is_none()) {
            return Err(PolicyFileError::NoUrl(witness.name.clone()));
        }
        let lists_us = policy
            .logs()
            .iter()
            .any(|log| log.origin == key.origin() && log.public_key == key.public_key());
        if !policy.logs().is_empty() && !lists_us {
            return Err(PolicyFileError::NotThisLog(key.origin().to_owned()));
        }
        Ok(Self {
            text: text.to_owned(),
            policy,
        })
    }
}

/// How often the ledger signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishSettings {
    pub checkpoint_interval: Duration,
}

impl Default for PublishSettings {
    fn default() -> Self {
        Self {
            checkpoint_interval: Duration::from_millis(CHECKPOINT_INTERVAL_MS_DEFAULT),
        }
    }
}

/// What the background threads share.
struct Context {
    pool: Pool,
    key: Arc<LedgerKey>,
    policy: Option<Arc<WitnessPolicy>>,
    metrics: PublisherMetrics,
    settings: PublishSettings,
    /// Rung after every committed write.
    writes: Signal,
    /// Rung after every newly signed checkpoint (wakes the witness threads).
    signed: Signal,
}

/// The running publisher. Dropping it stops its threads (after their current step).
pub struct Publisher {
    context: Arc<Context>,
}

impl Publisher {
    /// Starts the signing thread and, with a policy, one thread per witness.
    pub fn start(
        pool: Pool,
        key: Arc<LedgerKey>,
        policy: Option<Arc<WitnessPolicy>>,
        metrics: PublisherMetrics,
        settings: PublishSettings,
    ) -> std::io::Result<Self> {
        let context = Arc::new(Context {
            pool,
            key,
            policy,
            metrics,
            settings,
            writes: Signal::default(),
            signed: Signal::default(),
        });
        let signing = Arc::clone(&context);
        std::thread::Builder::new()
            .name("checkpoint-signer".into())
            .spawn(move || signer::run(&signing))?;
        let witness_count = context
            .policy
            .as_ref()
            .map_or(0, |policy| policy.policy.witnesses().len());
        for index in 0..witness_count {
            let witnessing = Arc::clone(&context);
            std::thread::Builder::new()
                .name(format!("witness-{index}"))
                .spawn(move || witness::run(&witnessing, index))?;
        }
        Ok(Self { context })
    }

    /// Called after a write commits: the log may have grown.
    pub fn notify_write(&self) {
        self.context.writes.notify();
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.context.writes.stop();
        self.context.signed.stop();
    }
}
