//! What every handler shares: the database pool, the ledger key and the metrics. Blocking
//! diesel work runs on actix's blocking threads through `run` and `write`, never on the async
//! executor threads.

use std::sync::Arc;

use actix_web::web;

use super::metrics::Metrics;
use super::problem::ApiError;
use super::rate_limit::{RateLimit, RateLimiter};
use crate::ledger_key::LedgerKey;
use crate::model::access::LogRead;
use crate::publish::{PublishSettings, Publisher, WitnessPolicy};
use crate::store::group_commit::GroupCommitter;
use crate::store::{AnyConnection, LogWriter, Pool, StoreError};

pub struct AppState {
    pub pool: Pool,
    pub metrics: Metrics,
    pub backend: &'static str,
    pub rate_limiter: RateLimiter,
    /// Signs checkpoints (and settlements); shared into blocking closures, hence the `Arc`.
    pub ledger_key: Arc<LedgerKey>,
    /// Where `write` queues its work: writes that arrive together commit together.
    pub writer: GroupCommitter,
    /// A read replica (`DATABASE_READ_URL`) for the GET endpoints that tolerate a slightly older
    /// snapshot (`read`); `None` reads everything from `pool`. Never used for the log.
    read_pool: Option<Pool>,
    /// Who may read the checkpoint's tiles (and receipts): token holders, or everyone.
    pub log_read: LogRead,
    /// The witness policy (`WITNESS_POLICY_FILE`), if the log is witnessed.
    pub witness_policy: Option<Arc<WitnessPolicy>>,
    pub publish_settings: PublishSettings,
    /// Signs and publishes checkpoints in the background; `None` until started.
    publisher: Option<Publisher>,
}

impl AppState {
    pub fn new(pool: Pool, backend: &'static str, ledger_key: LedgerKey) -> Self {
        Self {
            writer: GroupCommitter::start(pool.clone()),
            read_pool: None,
            pool,
            metrics: Metrics::new(),
            backend,
            rate_limiter: RateLimiter::new(RateLimit::DEFAULT),
            ledger_key: Arc::new(ledger_key),
            log_read: LogRead::Tokens,
            witness_policy: None,
            publish_settings: PublishSettings::default(),
            publisher: None,
        }
    }

    pub fn with_log_read(mut self, log_read: LogRead) -> Self {
        self.log_read = log_read;
        self
    }

    pub fn with_witness_policy(mut self, policy: Option<WitnessPolicy>) -> Self {
        self.witness_policy = policy.map(Arc::new);
        self
    }

    pub fn with_publish_settings(mut self, settings: PublishSettings) -> Self {
        self.publish_settings = settings;
        self
    }

    /// Starts the background publisher (`serve` does, and the tests' app). Without it nothing
    /// is ever published.
    pub fn start_publisher(mut self) -> std::io::Result<Self> {
        self.publisher = Some(Publisher::start(
            self.pool.clone(),
            Arc::clone(&self.ledger_key),
            self.witness_policy.clone(),
            self.metrics.publisher.clone(),
            self.publish_settings,
        )?);
        Ok(self)
    }

    /// Replaces the default per-token rate limit (configuration, tests).
    pub fn with_rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limiter = RateLimiter::new(limit);
        self
    }

    /// Serves `read` from this replica (`DATABASE_READ_URL`).
    pub fn with_read_pool(mut self, read_pool: Option<Pool>) -> Self {
        self.read_pool = read_pool;
        self
    }

    /// Runs read-only work that may see a replica's slightly older snapshot: the registry,
    /// readings, assessments, agreements, settlements and balances. Everything of the log
    /// (checkpoints, proofs, tiles, receipts, verification) and every authentication stays on
    /// the primary through `run`, so a proof never comes from a snapshot older than the
    /// checkpoint it is checked against, and a revoked token is refused at once.
    pub async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.read_pool.clone().unwrap_or_else(|| self.pool.clone());
        web::block(move || {
            let mut connection = pool.get().map_err(StoreError::from)?;
            work(&mut connection)
        })
        .await?
    }

    /// Runs read-only (or self-contained) database work on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut connection = pool.get().map_err(StoreError::from)?;
            work(&mut connection)
        })
        .await?
    }

    /// Runs `work` in a write transaction that appends its audit-log entries before commit,
    /// shared with the writes queued at the same moment (`store::group_commit`). Answers once
    /// the transaction has committed; `work`'s own error rolls back only `work`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut AnyConnection, &mut LogWriter) -> Result<T, StoreError> + Send + 'static,
    {
        let answer = self.writer.submit(work)?;
        let result = answer
            .await
            .map_err(|_| ApiError::from(StoreError::Corrupt("the writer dropped a write".into())))?
            .map_err(ApiError::from);
        // After the commit: the log may have grown, and the publisher signs it soon.
        if let Some(publisher) = &self.publisher {
            publisher.notify_write();
        }
        result
    }
}
