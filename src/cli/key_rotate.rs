//! `key rotate`: replaces the ledger key (API.md "Keys and rotation"), run while the server is
//! stopped (it refuses while a server holds the key file's lock, `key_file_lock`). The old key is kept beside the key file as `<LEDGER_KEY_FILE>.<key id>.retired`,
//! stays valid for the overlap (both keys sign checkpoints), and the log gets `key.added` for
//! the new key, which signs settlements from now on.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

use crate::key_file;
use crate::key_file_lock;
use crate::ledger_key::{retired_key_path, LedgerKey};
use crate::model::time::utc_text;
use crate::store::{ledger_keys, DatabaseUrl};

/// `--overlap-seconds` when none is given: one day.
pub const OVERLAP_SECONDS_DEFAULT: u64 = 86_400;
/// The longest overlap accepted: a year.
pub const OVERLAP_SECONDS_MAX: u64 = 366 * 86_400;

pub struct RotateOptions<'a> {
    pub database_url: &'a DatabaseUrl,
    pub key_file: &'a Path,
    pub origin: &'a str,
    pub overlap_seconds: u64,
}

/// What `key rotate` prints.
#[derive(Debug)]
pub struct Rotated {
    pub old_key_id: String,
    pub new_key_id: String,
    pub new_vkey: String,
    pub retired_file: PathBuf,
    pub old_valid_to: String,
}

impl Rotated {
    pub fn to_text(&self) -> String {
        format!(
            "retired_key_id: {}\nretired_file: {}\nretired_valid_to: {}\nkey_id: {}\nvkey: {}\n",
            self.old_key_id,
            self.retired_file.display(),
            self.old_valid_to,
            self.new_key_id,
            self.new_vkey
        )
    }
}

pub fn rotate(options: &RotateOptions<'_>) -> anyhow::Result<Rotated> {
    if options.overlap_seconds > OVERLAP_SECONDS_MAX {
        return Err(anyhow!(
            "--overlap-seconds {} is above the maximum {OVERLAP_SECONDS_MAX}",
            options.overlap_seconds
        ));
    }
    // Refused while a server signs with this key file: it would go on with the old key alone.
    let _lock = key_file_lock::hold_for_rotation(options.key_file)?;
    let old = LedgerKey::load(options.key_file, options.origin)?
        .ok_or_else(|| anyhow!("{}: no ledger key file", options.key_file.display()))?;
    let pool = crate::server::open_database(options.database_url)?;
    let new = LedgerKey::generate(options.origin)?;
    let now = chrono::Utc::now();
    let overlap = chrono::Duration::seconds(i64::try_from(options.overlap_seconds)?);
    let old_valid_to = utc_text(now + overlap);
    // Both files are written before the database changes, so a failure leaves the old key in
    // force and nothing lost; the new key replaces the key file only once the log names it.
    let retired_file = retired_key_path(options.key_file, old.key_id());
    key_file::create_private_key(&retired_file, options.origin, old.signing_key())?;
    let mut staged = options.key_file.as_os_str().to_owned();
    staged.push(".new");
    let staged = PathBuf::from(staged);
    let written = key_file::create_private_key(&staged, options.origin, new.signing_key())
        .map_err(anyhow::Error::from)
        .and_then(|()| {
            let mut connection = pool.get()?;
            ledger_keys::rotate(&mut connection, &old, &new, &utc_text(now), &old_valid_to)?;
            Ok(())
        });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&staged);
        let _ = std::fs::remove_file(&retired_file);
        return Err(error);
    }
    std::fs::rename(&staged, options.key_file).with_context(|| {
        format!(
            "moving {} to {}",
            staged.display(),
            options.key_file.display()
        )
    })?;
    Ok(Rotated {
        old_key_id: old.key_id().to_owned(),
        new_key_id: new.key_id().to_owned(),
        new_vkey: new.vkey()?,
        retired_file,
        old_valid_to,
    })
}
