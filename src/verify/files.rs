//! A bundle on disk: `export` writes the folder, `verify --bundle` reads it back. The bundle's
//! data types and checks are the ledger core's; only the files are here.

use std::collections::BTreeMap;
use std::path::Path;

use basin_ledger_core::replay::bundle::{
    log_key_from_keys_json, BatchEvidence, Bundle, BundleEntry, ExportedReading, ExportedSettlement,
};

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
}

fn file_error(path: &Path, message: impl ToString) -> BundleError {
    BundleError::File {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

pub const CHECKPOINT_FILE: &str = "checkpoint.txt";
pub const KEYS_FILE: &str = "keys.json";
pub const ENTRIES_FILE: &str = "entries.jsonl";
pub const BATCHES_FOLDER: &str = "batches";
pub const READINGS_FILE: &str = "readings.jsonl";
pub const SETTLEMENTS_FILE: &str = "settlements.jsonl";

pub fn read_folder(folder: &Path) -> Result<Bundle, BundleError> {
    let read = |name: &str| {
        let path = folder.join(name);
        std::fs::read_to_string(&path).map_err(|error| file_error(&path, error))
    };
    let checkpoint = read(CHECKPOINT_FILE)?;
    let keys_path = folder.join(KEYS_FILE);
    let keys: serde_json::Value =
        serde_json::from_str(&read(KEYS_FILE)?).map_err(|error| file_error(&keys_path, error))?;
    let log_key =
        log_key_from_keys_json(&keys).map_err(|message| file_error(&keys_path, message))?;
    let entries_path = folder.join(ENTRIES_FILE);
    let entries = read(ENTRIES_FILE)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(number, line)| {
            serde_json::from_str(line)
                .map_err(|error| file_error(&entries_path, format!("line {}: {error}", number + 1)))
        })
        .collect::<Result<Vec<BundleEntry>, _>>()?;
    let readings_path = folder.join(READINGS_FILE);
    let readings = read(READINGS_FILE)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(number, line)| {
            serde_json::from_str(line).map_err(|error| {
                file_error(&readings_path, format!("line {}: {error}", number + 1))
            })
        })
        .collect::<Result<Vec<ExportedReading>, _>>()?;
    let settlements_path = folder.join(SETTLEMENTS_FILE);
    let settlements = read(SETTLEMENTS_FILE)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(number, line)| {
            serde_json::from_str(line).map_err(|error| {
                file_error(&settlements_path, format!("line {}: {error}", number + 1))
            })
        })
        .collect::<Result<Vec<ExportedSettlement>, _>>()?;
    let mut batches = BTreeMap::new();
    let batches_folder = folder.join(BATCHES_FOLDER);
    if batches_folder.is_dir() {
        for station in std::fs::read_dir(&batches_folder)
            .map_err(|error| file_error(&batches_folder, error))?
        {
            let station = station
                .map_err(|error| file_error(&batches_folder, error))?
                .path();
            let station_code = station
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or_default()
                .to_owned();
            for file in std::fs::read_dir(&station).map_err(|error| file_error(&station, error))? {
                let path = file.map_err(|error| file_error(&station, error))?.path();
                if path.extension().and_then(|extension| extension.to_str()) != Some("json") {
                    continue;
                }
                let batch_id = path
                    .file_stem()
                    .and_then(|stem| stem.to_str())
                    .unwrap_or_default()
                    .to_owned();
                let body = std::fs::read(&path).map_err(|error| file_error(&path, error))?;
                let signature_path = path.with_extension("sig");
                let signature = signature_path
                    .exists()
                    .then(|| {
                        std::fs::read_to_string(&signature_path).map(|text| text.trim().to_owned())
                    })
                    .transpose()
                    .map_err(|error| file_error(&signature_path, error))?;
                batches.insert(
                    (station_code.clone(), batch_id),
                    BatchEvidence { body, signature },
                );
            }
        }
    }
    Ok(Bundle {
        checkpoint,
        log_key,
        entries,
        batches,
        readings,
        settlements,
    })
}

/// Writes the bundle so that `read_folder` gives it back.
pub fn write_folder(
    bundle: &Bundle,
    folder: &Path,
    keys_json: &serde_json::Value,
) -> Result<(), BundleError> {
    let write = |path: &Path, bytes: &[u8]| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| file_error(parent, error))?;
        }
        std::fs::write(path, bytes).map_err(|error| file_error(path, error))
    };
    write(&folder.join(CHECKPOINT_FILE), bundle.checkpoint.as_bytes())?;
    let keys = serde_json::to_vec_pretty(keys_json).map_err(|error| file_error(folder, error))?;
    write(&folder.join(KEYS_FILE), &keys)?;
    let mut lines = String::new();
    for entry in &bundle.entries {
        lines.push_str(&serde_json::to_string(entry).map_err(|error| file_error(folder, error))?);
        lines.push('\n');
    }
    write(&folder.join(ENTRIES_FILE), lines.as_bytes())?;
    let mut lines = String::new();
    for reading in &bundle.readings {
        lines.push_str(&serde_json::to_string(reading).map_err(|error| file_error(folder, error))?);
        lines.push('\n');
    }
    write(&folder.join(READINGS_FILE), lines.as_bytes())?;
    let mut lines = String::new();
    for settlement in &bundle.settlements {
        lines.push_str(
            &serde_json::to_string(settlement).map_err(|error| file_error(folder, error))?,
        );
        lines.push('\n');
    }
    write(&folder.join(SETTLEMENTS_FILE), lines.as_bytes())?;
    for ((station, batch_id), evidence) in &bundle.batches {
        let path = folder
            .join(BATCHES_FOLDER)
            .join(station)
            .join(format!("{batch_id}.json"));
        write(&path, &evidence.body)?;
        if let Some(signature) = &evidence.signature {
            write(&path.with_extension("sig"), signature.as_bytes())?;
        }
    }
    Ok(())
}
