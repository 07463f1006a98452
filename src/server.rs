//! Starting the service: database, migrations, the bootstrap token, then HTTP until a signal.

use std::io::Write;
use std::path::PathBuf;

use actix_web::{web, HttpServer};

use crate::api::{build_app, state::AppState};
use crate::demo;
use crate::ledger_key::LedgerKey;
use crate::store::{self, DatabaseUrl};
use crate::tokens;

/// How long in-flight requests may finish after SIGTERM/SIGINT.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

pub struct ServeOptions {
    pub database_url: DatabaseUrl,
    pub bind: String,
    pub ledger_key_file: PathBuf,
    pub log_origin: String,
    /// Load the demo data before serving.
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

pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let pool = open_database(&options.database_url)?;
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
    let ledger_key = LedgerKey::load_or_create(&options.ledger_key_file, &options.log_origin)?;
    tracing::info!(
        origin = ledger_key.origin(),
        key_id = ledger_key.key_id(),
        "ledger key ready"
    );
    if options.demo {
        let mut connection = pool.get()?;
        let summary = demo::setup(&mut connection, &ledger_key, chrono::Utc::now())?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", summary.report(&options.bind))?;
        stdout.flush()?;
    }
    let state = web::Data::new(AppState::new(
        pool,
        options.database_url.backend_name(),
        ledger_key,
    ));
    tracing::info!(bind = %options.bind, database = ?options.database_url, "basin-ledger listening");
    HttpServer::new(move || build_app(state.clone()))
        .bind(&options.bind)?
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        .run()
        .await?;
    tracing::info!("basin-ledger stopped");
    Ok(())
}
