//! `witness keygen` and `witness serve`: a C2SP tlog-witness (API.md, "Witnesses and
//! policies") that a bureau runs beside, not inside, the ledger it watches. It has its own key,
//! its own logs file and its own database; it shares with the ledger only the pure audit core.

pub mod http;
pub mod store;

use std::path::{Path, PathBuf};

use actix_web::{App, HttpServer};
use anyhow::Context;
use basin_audit::note::{cosigner_vkey, is_valid_key_name};
use basin_audit::witness::WitnessedLogs;
use ed25519_dalek::SigningKey;
use rand_core::OsRng;

use crate::key_file;
use crate::store::DatabaseUrl;
use http::WitnessState;
use store::WitnessStore;

/// A logs file lists a few logs; anything much larger is not one.
const LOGS_FILE_BYTES_MAX: u64 = 1024 * 1024;

/// Creates the witness key file `out` (mode 0600, the `keygen` text form) and returns the
/// witness vkey `<name>+<key id>+<base64(0x04 ‖ public key)>`.
pub fn keygen(name: &str, out: &Path) -> anyhow::Result<String> {
    if !is_valid_key_name(name) {
        anyhow::bail!("--name {name:?} is not a valid key name (non-empty, no spaces, no `+`)");
    }
    let signing_key = SigningKey::generate(&mut OsRng);
    key_file::create_private_key(out, name, &signing_key)?;
    Ok(cosigner_vkey(name, &signing_key.verifying_key())?)
}

pub struct WitnessServeOptions {
    pub key: PathBuf,
    pub logs: PathBuf,
    pub database: String,
    pub bind: String,
}

/// Reads the key and the logs file, opens the database and serves until stopped.
pub async fn serve(options: WitnessServeOptions) -> anyhow::Result<()> {
    let state = open(&options)?;
    // Printed so that the operator can hand it to the log (its policy's `witness` line).
    println!(
        "{}",
        cosigner_vkey(&state.name, &state.signing_key.verifying_key())?
    );
    tracing::info!(
        witness = %state.name,
        bind = %options.bind,
        "witness listening"
    );
    HttpServer::new(move || App::new().configure(http::configure(state.clone())))
        .bind(&options.bind)
        .with_context(|| format!("cannot listen on {}", options.bind))?
        .run()
        .await?;
    Ok(())
}

/// Everything `serve` needs before it listens; errors name the file at fault.
pub fn open(options: &WitnessServeOptions) -> anyhow::Result<WitnessState> {
    let (name, signing_key) = key_file::read_private_key(&options.key)?;
    let logs = read_logs_file(&options.logs)?;
    let url = DatabaseUrl::parse(&options.database)?;
    let store = WitnessStore::open(&url, logs.origins())
        .with_context(|| format!("witness database {url:?}"))?;
    Ok(WitnessState {
        name,
        signing_key: signing_key.into(),
        logs: logs.into(),
        store,
        clock: http::system_clock,
    })
}

fn read_logs_file(path: &Path) -> anyhow::Result<WitnessedLogs> {
    use std::io::Read;
    let file =
        std::fs::File::open(path).with_context(|| format!("logs file {}", path.display()))?;
    let mut text = String::new();
    file.take(LOGS_FILE_BYTES_MAX + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("logs file {}", path.display()))?;
    if text.len() as u64 > LOGS_FILE_BYTES_MAX {
        anyhow::bail!(
            "logs file {} is larger than {LOGS_FILE_BYTES_MAX} bytes",
            path.display()
        );
    }
    WitnessedLogs::parse(&text).with_context(|| format!("logs file {}", path.display()))
}
