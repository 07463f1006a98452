//! The auditor's settlement check: every `settlement.*` entry against the state replayed up to
//! that entry. An issued settlement must hash to its digest, carry the log key's signature, and
//! be recomputed to the same bytes through the one input path; every later entry must be what
//! the lifecycle decisions (the server's own) allow.

use std::collections::{BTreeMap, BTreeSet};

use super::bundle::{ExportedSettlement, LogKey};
use super::state::LedgerState;
use super::Failure;
use crate::entry::{Entry, SettlementIssued, TypedEntry};
use crate::settlement::decisions::{
    decide_acknowledgement, decide_dispute, decide_payment, decide_supersession, Decision,
    SettlementSnapshot,
};
use crate::settlement::document::sha256_hex;
use crate::settlement::lifecycle::Status;
use crate::settlement::recompute::{recompute, RecomputeError, Recomputed};

/// What the verifier remembers of each settlement.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Tracked {
    /// The log index of its `settlement.issued` entry.
    log_index: u64,
    agreement: String,
    period: String,
    snapshot: SettlementSnapshot,
}

/// Serializable, so that an incremental verifier keeps it between runs.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct SettlementRecomputation {
    settlements: BTreeMap<String, Tracked>,
    issued_checked: usize,
}

impl SettlementRecomputation {
    pub fn settlements_checked(&self) -> usize {
        self.issued_checked
    }

    pub(super) fn check(
        &mut self,
        typed: &TypedEntry,
        state: &LedgerState,
        log_key: &LogKey,
    ) -> Result<(), Failure> {
        let fail = |what: String| Failure::at(typed.index, what);
        match &typed.entry {
            Entry::SettlementIssued(issued) => self
                .issued(typed.index, issued, state, log_key)
                .map_err(fail),
            Entry::SettlementAcknowledged(request) => {
                let tracked = self.tracked(&request.settlement_id).map_err(&fail)?;
                let key = state
                    .jurisdiction_keys
                    .get(&(request.jurisdiction.clone(), request.key_id.clone()));
                let decision =
                    decide_acknowledgement(&tracked.snapshot, request, key).map_err(|refused| {
                        fail(format!("settlement {}: {refused}", request.settlement_id))
                    })?;
                tracked.snapshot.acknowledgements.push(request.clone());
                apply(tracked, decision).map_err(fail)
            }
            Entry::SettlementDisputed(request) => {
                let tracked = self.tracked(&request.settlement_id).map_err(&fail)?;
                let decision = decide_dispute(&tracked.snapshot, request).map_err(|refused| {
                    fail(format!("settlement {}: {refused}", request.settlement_id))
                })?;
                apply(tracked, decision).map_err(fail)
            }
            Entry::SettlementPaid(request) => {
                let tracked = self.tracked(&request.settlement_id).map_err(&fail)?;
                let decision = decide_payment(&tracked.snapshot, request).map_err(|refused| {
                    fail(format!("settlement {}: {refused}", request.settlement_id))
                })?;
                tracked.snapshot.payments.push(request.clone());
                apply(tracked, decision).map_err(fail)
            }
            Entry::SettlementSuperseded(request) => {
                let successor = self
                    .settlements
                    .get(&request.superseded_by)
                    .map(|next| (next.agreement.clone(), next.period.clone()));
                let tracked = self.tracked(&request.settlement_id).map_err(&fail)?;
                if successor.as_ref() != Some(&(tracked.agreement.clone(), tracked.period.clone()))
                {
                    return Err(fail(format!(
                        "settlement {} is superseded by {}, which does not settle {} {}",
                        request.settlement_id,
                        request.superseded_by,
                        tracked.agreement,
                        tracked.period
                    )));
                }
                tracked.snapshot.status = Status::Superseded;
                Ok(())
            }
            other => Err(fail(format!("{} is not a settlement entry", other.kind()))),
        }
    }

    fn tracked(&mut self, id: &str) -> Result<&mut Tracked, String> {
        self.settlements
            .get_mut(id)
            .ok_or_else(|| format!("settlement {id} was never issued"))
    }

    fn issued(
        &mut self,
        index: u64,
        issued: &SettlementIssued,
        state: &LedgerState,
        log_key: &LogKey,
    ) -> Result<(), String> {
        let digest = &issued.document_sha256;
        let sealed_by = state.ledger_keys.settlement_key(&issued.key_id, log_key)?;
        issued
            .check_seal(&log_key.origin, &sealed_by)
            .map_err(|error| error.to_string())?;
        let document = issued
            .typed_document()
            .map_err(|error| format!("the document does not have its fields: {error}"))?;
        let period = document.period.to_string();
        let in_force = self.settlements.values().find(|tracked| {
            tracked.agreement == document.agreement.as_str()
                && tracked.period == period
                && tracked.snapshot.status != Status::Superseded
        });
        let named = document
            .supersedes
            .as_ref()
            .map(|reference| reference.settlement_id.as_str());
        decide_supersession(
            in_force.map(|tracked| tracked.snapshot.in_force()).as_ref(),
            named,
        )
        .map_err(|refused| refused.to_string())?;
        let Recomputed {
            version,
            assembled: recomputed,
        } = recompute(&mut &*state, &document).map_err(|error| match error {
            RecomputeError::Assembly(error) => {
                format!("recomputing settlement {}: {error}", document.id)
            }
            other => other.to_string(),
        })?;
        let parties = (version.upstream.clone(), version.downstream.clone());
        if recomputed.document_sha256 != *digest {
            let differs: Vec<&str> = [
                "inputs",
                "components",
                "net_fen",
                "payer",
                "payee",
                "amount_fen",
            ]
            .into_iter()
            .filter(|field| recomputed.document[*field] != issued.document[*field])
            .collect();
            return Err(format!(
                "settlement {} does not recompute from the logged terms and readings (differs in {})",
                document.id,
                differs.join(", ")
            ));
        }
        self.settlements.insert(
            document.id.clone(),
            Tracked {
                log_index: index,
                agreement: document.agreement.as_str().to_owned(),
                period,
                snapshot: SettlementSnapshot {
                    id: document.id,
                    status: Status::Issued,
                    amount_fen: document.amount_fen,
                    document_sha256: digest.clone(),
                    parties,
                    acknowledgements: Vec::new(),
                    payments: Vec::new(),
                },
            },
        );
        self.issued_checked += 1;
        Ok(())
    }

    /// Every settlement the ledger serves must be the document the log proves, in the status
    /// the logged lifecycle reached.
    pub fn compare_served(&self, served: &[ExportedSettlement]) -> Result<(), Failure> {
        let mut seen = BTreeSet::new();
        for settlement in served {
            let tracked = self.settlements.get(&settlement.id).ok_or_else(|| {
                Failure::general(format!(
                    "settlement {} is served but was never logged",
                    settlement.id
                ))
            })?;
            let fail = |what: &str| {
                Failure::at(
                    tracked.log_index,
                    format!("settlement {} as served {what}", settlement.id),
                )
            };
            let expected = &tracked.snapshot.document_sha256;
            if sha256_hex(settlement.document.as_bytes()) != *expected
                || settlement.document_sha256 != *expected
            {
                return Err(fail("differs from the document the log records"));
            }
            if settlement.amount_fen != tracked.snapshot.amount_fen {
                return Err(fail("has another amount than its logged document"));
            }
            if settlement.status != tracked.snapshot.status.as_str() {
                return Err(fail(&format!(
                    "is {} but the logged lifecycle says {}",
                    settlement.status,
                    tracked.snapshot.status.as_str()
                )));
            }
            seen.insert(settlement.id.clone());
        }
        if let Some((id, tracked)) = self.settlements.iter().find(|(id, _)| !seen.contains(*id)) {
            return Err(Failure::at(
                tracked.log_index,
                format!("settlement {id} was logged but is not served"),
            ));
        }
        Ok(())
    }
}

fn apply(tracked: &mut Tracked, decision: Decision) -> Result<(), String> {
    match decision {
        Decision::Record { new_status } => {
            if let Some(status) = new_status {
                tracked.snapshot.status = status;
            }
            Ok(())
        }
        Decision::Replay => Err(format!(
            "settlement {}: the log records the same request twice",
            tracked.snapshot.id
        )),
    }
}
