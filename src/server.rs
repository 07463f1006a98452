//! Starting the service: the ledger key, database, migrations, the bootstrap token, then HTTP
//! until a signal.

use std::io::Write;
use std::path::PathBuf;

use actix_web::{web, HttpServer};

use crate::api::rate_limit::RateLimit;
use crate::api::LogRead;
use crate::api::{build_app, state::AppState};
use crate::demo;
use crate::key_file_lock;
use crate::ledger_key::{read_retired_keys, KeySource, LedgerKey, RetiredKey};
use crate::model::time::utc_text;
use crate::publish::{PublishSettings, WitnessPolicy};
use crate::store::{self, ledger_keys, DatabaseUrl};
use crate::tokens;
use basin_audit::messages::public_key_base64;

/// How long in-flight requests may finish after SIGTERM/SIGINT.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;
/// How long a client may take to send its request head.
const CLIENT_REQUEST_TIMEOUT_SECONDS: u64 = 10;
/// How long an idle keep-alive connection is kept.
const KEEP_ALIVE_SECONDS: u64 = 30;

pub struct ServeOptions {
    pub database_url: DatabaseUrl,
    /// A replica for the GET endpoints that may read a slightly older snapshot.
    pub database_read_url: Option<DatabaseUrl>,
    pub bind: String,
    pub rate_limit: RateLimit,
    pub ledger_key_file: PathBuf,
    pub log_origin: String,
    pub publish: PublishSettings,
    pub log_read: LogRead,
    /// A c2sp.org/tlog-policy file naming the witnesses and their quorum.
    pub witness_policy: Option<PathBuf>,
    /// Load the demo data (idempotently) before serving.
    pub demo: bool,
}

/// Opens the database and brings its schema up to date.
pub fn open_database(url: &DatabaseUrl) -> anyhow::Result<store::Pool> {
    let pool = store::open_pool(url)?;
    let mut connection = pool.get()?;
    let applied = store::run_migrations(&mut connection)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database schema migrated");
    }
    Ok(pool)
}

/// Records the ledger key in the database, refusing one that differs from the key the
/// database's log is already signed with.
pub fn register_ledger_key(pool: &store::Pool, key: &LedgerKey) -> anyhow::Result<()> {
    let mut connection = pool.get()?;
    ledger_keys::register(&mut connection, key, &utc_text(chrono::Utc::now()))?;
    Ok(())
}

/// Adds the retired keys kept beside the key file (`key rotate`), each with the `valid_to`
/// the database gives it: they co-sign checkpoints until then, and verify what they signed.
pub fn with_retired_keys(
    pool: &store::Pool,
    key: LedgerKey,
    key_file: &std::path::Path,
) -> anyhow::Result<LedgerKey> {
    let files = read_retired_keys(key_file, key.origin())?;
    if files.is_empty() {
        return Ok(key);
    }
    let records = ledger_keys::all(&mut *pool.get()?)?;
    let mut retired = Vec::with_capacity(files.len());
    for (key_id, signing_key) in files {
        let public_key = public_key_base64(&signing_key.verifying_key());
        let valid_to = records
            .iter()
            .find(|record| record.public_key == public_key)
            .and_then(|record| record.valid_to.clone())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "retired ledger key file for key {key_id} beside {}: this database knows no                      such retired key",
                    key_file.display()
                )
            })?;
        tracing::info!(key_id, valid_to, "retired ledger key loaded");
        retired.push(RetiredKey::new(signing_key, key_id, valid_to));
    }
    Ok(key.with_retired(retired))
}

/// Creates the ledger key file on a database that has no ledger key yet. A missing file on a
/// database already signed by a key is refused instead: a new key could not sign for that
/// log, and a stray new key file would only mislead the next start.
fn create_ledger_key(options: &ServeOptions, pool: &store::Pool) -> anyhow::Result<LedgerKey> {
    let path = &options.ledger_key_file;
    if let Some(active) = ledger_keys::active(&mut *pool.get()?)? {
        anyhow::bail!(
            "ledger key file {} does not exist, but this database's log is signed by key {} of \
             origin {:?}; restore that key file (a new key cannot sign for this log)",
            path.display(),
            active.key_id,
            active.origin
        );
    }
    let (key, source) = LedgerKey::load_or_create(path, &options.log_origin)?;
    if source == KeySource::Created {
        tracing::info!(
            path = %path.display(),
            key_id = key.key_id(),
            "created a new ledger key (mode 0600); back it up"
        );
    }
    Ok(key)
}

pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    // Held until the server stops, so that `key rotate` refuses to run under it.
    let _key_file_lock = key_file_lock::hold_for_serving(&options.ledger_key_file)?;
    // An existing key file is checked first, so a refused key stops the start before the
    // database is touched.
    let existing_key = LedgerKey::load(&options.ledger_key_file, &options.log_origin)?;
    let pool = open_database(&options.database_url)?;
    let ledger_key = match existing_key {
        Some(key) => key,
        None => create_ledger_key(&options, &pool)?,
    };
    // Before the bootstrap token, so a key the database refuses stops the start first.
    register_ledger_key(&pool, &ledger_key)?;
    let ledger_key = with_retired_keys(&pool, ledger_key, &options.ledger_key_file)?;
    {
        let mut connection = pool.get()?;
        if let Some(secret) = tokens::bootstrap_admin_token(&mut connection, chrono::Utc::now())? {
            // Standard output only: logs (standard error) never carry a token.
            let mut stdout = std::io::stdout().lock();
            writeln!(
                stdout,
                "Bootstrap admin token (shown once, store it now): {secret}"
            )?;
            stdout.flush()?;
        }
    }
    if options.demo {
        let mut connection = pool.get()?;
        let summary = demo::setup(&mut connection, &ledger_key, chrono::Utc::now())?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", summary.report(&options.bind))?;
        stdout.flush()?;
    }
    let witness_policy = match &options.witness_policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
            let policy = WitnessPolicy::parse(&text, &ledger_key)
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
            tracing::info!(
                witnesses = policy.policy.witnesses().len(),
                "witness policy loaded"
            );
            Some(policy)
        }
        None => None,
    };
    // The replica is read as it is: it is the primary's to migrate.
    let read_pool = options
        .database_read_url
        .as_ref()
        .map(store::open_pool)
        .transpose()?;
    let state = web::Data::new(
        AppState::new(pool, options.database_url.backend_name(), ledger_key)
            .with_read_pool(read_pool)
            .with_rate_limit(options.rate_limit)
            .with_log_read(options.log_read)
            .with_witness_policy(witness_policy)
            .with_publish_settings(options.publish)
            .start_publisher()?,
    );
    tracing::info!(bind = %options.bind, database = ?options.database_url, origin = %options.log_origin, "basin-ledger listening");
    HttpServer::new(move || build_app(state.clone()))
        .bind(&options.bind)?
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        // A client that trickles its request head is cut off instead of holding a worker.
        .client_request_timeout(std::time::Duration::from_secs(
            CLIENT_REQUEST_TIMEOUT_SECONDS,
        ))
        .keep_alive(std::time::Duration::from_secs(KEEP_ALIVE_SECONDS))
        .run()
        .await?;
    tracing::info!("basin-ledger stopped");
    Ok(())
}
