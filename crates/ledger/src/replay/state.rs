//! The ledger's state as the log rebuilds it: the registry, bureau keys, agreement versions
//! (with each range cut short by later versions) and every reading with its status, exactly as
//! they stood at each entry.

use std::collections::{BTreeMap, BTreeSet};

use basin_domain::Code;

use serde::{Deserialize, Serialize};

use super::bundle::EvidenceSource;
use super::ledger_keys::LedgerKeyHistory;
use super::reading::ReplayedReading;
use super::reading_ids::ReadingIds;
use super::signatures::SignatureCheck;
use super::stored::StoredReadings;
use super::Failure;
use crate::entry::{
    AgreementVersionLogged, BasinCreated, Entry, JurisdictionCreated, SectionCreated,
    StationCreated, TypedEntry, LEDGER_KEY_OWNER,
};
use crate::settlement::decisions::PartyKey;
use crate::settlement::inputs::add_logged_version;

/// Serializable, so that an incremental verifier keeps it between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LedgerState {
    pub jurisdictions: BTreeMap<Code, JurisdictionCreated>,
    pub basins: BTreeMap<Code, BasinCreated>,
    pub sections: BTreeMap<Code, SectionCreated>,
    pub stations: BTreeMap<Code, StationCreated>,
    /// (jurisdiction, key id) → the key.
    #[serde(with = "super::pairs")]
    pub jurisdiction_keys: BTreeMap<(Code, String), PartyKey>,
    /// Agreement → its versions, oldest first.
    pub agreement_versions: BTreeMap<Code, Vec<AgreementVersionLogged>>,
    /// The readings held in memory: all of them, or (when `readings_partial`) those this run
    /// added or read from [`StoredReadings`]. Not in the snapshot: the caller stores them as rows.
    #[serde(skip)]
    pub readings: BTreeMap<i64, ReplayedReading>,
    #[serde(skip)]
    pub(super) readings_partial: bool,
    /// Readings added or changed since the caller last took them.
    #[serde(skip)]
    pub(super) changed_readings: BTreeSet<i64>,
    /// Every reading id used so far.
    pub(super) reading_ids: ReadingIds,
    pub batches_checked: usize,
    pub signed_batches_checked: usize,
    /// Each signing station's active keys (key id → base64 public key): its key at creation,
    /// then `key.added` / `key.retired` with the station as owner. An empty set still means
    /// the station signs: all its keys are retired.
    #[serde(default)]
    pub station_key_sets: BTreeMap<Code, BTreeMap<String, String>>,
    /// The ledger's own keys as the log rotated them.
    #[serde(default)]
    pub ledger_keys: LedgerKeyHistory,
    /// Station keys already decoded (a point decompression each), by their base64 text.
    #[serde(skip)]
    pub(super) station_keys: BTreeMap<String, ed25519_dalek::VerifyingKey>,
}

impl LedgerState {
    /// How many readings the log recorded so far (held in memory or not).
    pub fn reading_count(&self) -> u64 {
        self.reading_ids.count()
    }

    /// Applies one entry. Settlement entries change nothing here: the settlement check follows
    /// them, seeing this state exactly as of each one.
    /// Station signatures are not checked here but pushed onto `signatures`.
    pub fn apply(
        &mut self,
        typed: &TypedEntry,
        evidence: &dyn EvidenceSource,
        signatures: &mut Vec<SignatureCheck>,
        stored: &mut dyn StoredReadings,
    ) -> Result<(), Failure> {
        let index = typed.index;
        match &typed.entry {
            Entry::JurisdictionCreated(body) => {
                self.jurisdictions.insert(body.code.clone(), body.clone());
            }
            Entry::BasinCreated(body) => {
                self.basins.insert(body.code.clone(), body.clone());
            }
            Entry::SectionCreated(body) => {
                self.sections.insert(body.code.clone(), body.clone());
            }
            Entry::StationCreated(body) => {
                if let (Some(public_key), Some(key_id)) = (&body.public_key, &body.key_id) {
                    self.station_key_sets.insert(
                        body.code.clone(),
                        BTreeMap::from([(key_id.clone(), public_key.clone())]),
                    );
                }
                self.stations.insert(body.code.clone(), body.clone());
            }
            Entry::KeyAdded(key) | Entry::KeyRetired(key) => {
                let retired = matches!(typed.entry, Entry::KeyRetired(_));
                if key.owner.as_str() == LEDGER_KEY_OWNER {
                    return self.ledger_keys.apply(index, retired, key);
                }
                if self.stations.contains_key(&key.owner)
                    && !self.jurisdictions.contains_key(&key.owner)
                {
                    let active = self.station_key_sets.entry(key.owner.clone()).or_default();
                    if retired {
                        active.remove(&key.key_id);
                    } else {
                        active.insert(key.key_id.clone(), key.public_key.clone());
                    }
                    return Ok(());
                }
                self.jurisdiction_keys.insert(
                    (key.owner.clone(), key.key_id.clone()),
                    PartyKey {
                        public_key: key.public_key.clone(),
                        retired,
                    },
                );
            }
            Entry::AgreementVersion(version) => self.apply_version(version),
            Entry::ReadingsBatch(batch) => {
                self.apply_batch(index, &typed.time, batch, evidence, signatures, stored)?
            }
            Entry::ReadingInvalidated(invalidated) => {
                let id = invalidated.reading_id;
                let reading = self.reading_to_change(id, stored)?.ok_or_else(|| {
                    Failure::at(index, format!("invalidates unknown reading {id}"))
                })?;
                reading.invalidated = true;
            }
            Entry::SettlementIssued(_)
            | Entry::SettlementAcknowledged(_)
            | Entry::SettlementDisputed(_)
            | Entry::SettlementPaid(_)
            | Entry::SettlementSuperseded(_) => {}
        }
        Ok(())
    }

    fn apply_version(&mut self, version: &AgreementVersionLogged) {
        let versions = self
            .agreement_versions
            .entry(version.agreement.clone())
            .or_default();
        add_logged_version(versions, version.clone());
    }
}
