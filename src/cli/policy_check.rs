//! `verify --policy FILE [--checkpoint SEEN]`: what a witness policy adds to `verify`. The
//! checkpoint the ledger serves must carry cosignatures that meet the policy's quorum; with a
//! checkpoint seen before, that one must meet it too, and the log served must be an extension
//! of it (a split view shows up against what a party saw before). The checks themselves are
//! pure (`basin_audit::policy`); this only reads the files and reports.

use std::path::Path;

use anyhow::{anyhow, Context};
use basin_audit::hash::{leaf_hash, Hash};
use basin_audit::policy::{check_extends, ExtensionCheck, Policy};

use crate::verify::Bundle;

/// Checks `bundle` (fetched or read) against the policy file, if one was given, and against
/// the cosigned checkpoint seen before (`seen`, its note text), which it hands back.
pub fn check(
    policy_file: Option<&Path>,
    bundle: &Bundle,
    seen: Option<String>,
) -> anyhow::Result<Option<String>> {
    if let Some(path) = policy_file {
        check_policy(path, bundle, seen.as_deref())?;
    }
    Ok(seen)
}

/// The quorum part alone, for `verify --url`, whose own replay checks that the log served
/// extends the checkpoint seen (the entries are not held in memory as a bundle there).
pub fn check_quorum(path: &Path, served: &str, seen: Option<&str>) -> anyhow::Result<()> {
    let policy = read_policy(path)?;
    policy
        .check_checkpoint(served)
        .map_err(|error| anyhow!("verification FAILED: the served checkpoint: {error}"))?;
    if let Some(seen) = seen {
        policy
            .check_checkpoint(seen)
            .map_err(|error| anyhow!("verification FAILED: the checkpoint seen before: {error}"))?;
    }
    Ok(())
}

fn read_policy(path: &Path) -> anyhow::Result<Policy> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    Policy::parse(&text).map_err(|error| anyhow!("{}: {error}", path.display()))
}

fn check_policy(path: &Path, bundle: &Bundle, seen: Option<&str>) -> anyhow::Result<()> {
    let policy = read_policy(path)?;
    let served = policy
        .check_checkpoint(&bundle.checkpoint)
        .map_err(|error| anyhow!("verification FAILED: the served checkpoint: {error}"))?;
    let Some(seen) = seen else {
        return Ok(());
    };
    let seen = policy
        .check_checkpoint(seen)
        .map_err(|error| anyhow!("verification FAILED: the checkpoint seen before: {error}"))?;
    // From the leaf bytes themselves, not the hashes served beside them.
    let leaf_hashes: Vec<Hash> = bundle
        .entries
        .iter()
        .map(|entry| leaf_hash(entry.leaf.as_bytes()))
        .collect();
    check_extends(ExtensionCheck {
        seen: &seen.checkpoint,
        served: &served.checkpoint,
        leaf_hashes: &leaf_hashes,
    })
    .map_err(|error| anyhow!("verification FAILED: {error}"))
}
