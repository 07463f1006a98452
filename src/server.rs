//! Starting the service: database, migrations, the bootstrap token, then HTTP until a signal.

use std::io::Write;

use actix_web::{web, HttpServer};

use crate::api::rate_limit::RateLimit;
use crate::api::{build_app, state::AppState};
use crate::store::{self, DatabaseUrl};
use crate::tokens;

/// How long in-flight requests may finish after SIGTERM/SIGINT.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;
/// How long a client may take to send its request head.
const CLIENT_REQUEST_TIMEOUT_SECONDS: u64 = 10;
/// How long an idle keep-alive connection is kept.
const KEEP_ALIVE_SECONDS: u64 = 30;

pub struct ServeOptions {
    pub database_url: DatabaseUrl,
    pub bind: String,
    pub rate_limit: RateLimit,
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
    let state = web::Data::new(
        AppState::new(pool, options.database_url.backend_name())
            .with_rate_limit(options.rate_limit),
    );
    tracing::info!(bind = %options.bind, database = ?options.database_url, "basin-ledger listening");
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
