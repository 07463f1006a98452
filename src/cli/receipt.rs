//! `verify --receipt FILE --vkey VKEY`: checks one settlement receipt offline, with the
//! ledger's public key alone, and says what it proves.

use std::path::Path;

use anyhow::{anyhow, Context};
use basin_audit::note::{parse_vkey, TlogProof};
use basin_audit::policy::Policy;
use basin_ledger_core::receipt::verify_settlement_receipt_with_keys;
use serde::Serialize;

/// The largest receipt read: a leaf (≤ 65,535 bytes) in base64, 63 proof lines and a
/// checkpoint with its cosignatures fit well within it.
const RECEIPT_BYTES_MAX: u64 = 256 * 1024;

/// What a verified receipt proves, printed as JSON.
#[derive(Debug, Serialize)]
pub struct ReceiptReport {
    pub verified: bool,
    pub settlement: String,
    pub agreement: String,
    pub agreement_version: i64,
    pub period: String,
    pub net_fen: i64,
    pub amount_fen: i64,
    pub payer: Option<String>,
    pub payee: Option<String>,
    pub document_sha256: String,
    pub log_index: u64,
    pub checkpoint_size: u64,
    pub checkpoint_root: String,
    pub log_origin: String,
    /// With `--policy`: the policy's witnesses that cosigned the receipt's checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosigned_by: Option<Vec<String>>,
}

/// Checks the receipt in `path` with the ledger's vkeys (after a rotation, the key in force and
/// the retired ones, all of one origin) and, when a policy file is given, that its checkpoint
/// carries cosignatures meeting the policy's quorum.
pub fn verify_receipt_file(
    path: &Path,
    vkeys: &[String],
    policy: Option<&Path>,
) -> anyhow::Result<ReceiptReport> {
    let mut origin = None;
    let mut public_keys = Vec::with_capacity(vkeys.len());
    for vkey in vkeys {
        let (name, public_key) =
            parse_vkey(vkey.trim()).map_err(|error| anyhow!("--vkey: {error}"))?;
        if origin.get_or_insert_with(|| name.clone()) != &name {
            anyhow::bail!("--vkey: every key must name the same log origin");
        }
        public_keys.push(public_key);
    }
    let origin = origin.ok_or_else(|| anyhow!("--vkey is required"))?;
    let size = std::fs::metadata(path)
        .with_context(|| format!("{}", path.display()))?
        .len();
    if size > RECEIPT_BYTES_MAX {
        anyhow::bail!(
            "{}: {size} bytes, more than a receipt can be ({RECEIPT_BYTES_MAX})",
            path.display()
        );
    }
    let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow!(
            "receipt verification FAILED: {} is not UTF-8",
            path.display()
        )
    })?;
    let verified = verify_settlement_receipt_with_keys(&text, &origin, &public_keys)
        .map_err(|error| anyhow!("receipt verification FAILED: {error}"))?;
    let cosigned_by = match policy {
        Some(policy) => Some(cosigners(policy, &text)?),
        None => None,
    };
    let document = verified.document;
    Ok(ReceiptReport {
        verified: true,
        settlement: document.id,
        agreement: document.agreement.as_str().to_owned(),
        agreement_version: document.agreement_version,
        period: document.period.to_string(),
        net_fen: document.net_fen,
        amount_fen: document.amount_fen,
        payer: document.payer.map(|code| code.as_str().to_owned()),
        payee: document.payee.map(|code| code.as_str().to_owned()),
        document_sha256: verified.document_sha256,
        log_index: verified.index,
        checkpoint_size: verified.checkpoint.size,
        checkpoint_root: hex::encode(verified.checkpoint.root),
        log_origin: origin,
        cosigned_by,
    })
}

/// The witnesses of the policy in `path` that cosigned the receipt's checkpoint; an error
/// unless they meet its quorum.
fn cosigners(path: &Path, receipt: &str) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    let policy = Policy::parse(&text).map_err(|error| anyhow!("{}: {error}", path.display()))?;
    let parsed = TlogProof::parse(receipt)
        .map_err(|error| anyhow!("receipt verification FAILED: {error}"))?;
    let checked = policy
        .check_checkpoint(&parsed.checkpoint_note)
        .map_err(|error| anyhow!("receipt verification FAILED: its checkpoint: {error}"))?;
    Ok(checked.cosigners)
}
