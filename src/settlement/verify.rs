//! The auditor's settlement check: every `settlement.*` log entry against the ledger state replayed
//! up to that entry. An issued settlement must hash to its digest, carry the ledger key's
//! signature, name the agreement version in effect, and be recomputed to the same bytes from that
//! version and the readings that counted at that moment; acknowledgements must be signed by a
//! registered key of a party; the lifecycle must follow the contract; payments must add up.

use std::collections::{BTreeMap, BTreeSet};

use basin_audit::messages::{
    ack_message, parse_public_key_base64, settlement_message, verify_signature,
};
use basin_audit::note::key_id_hex;
use basin_domain::Period;
use serde_json::Value;

use super::document::{document_sha256, SupersedesRef};
use super::lifecycle::{self, Action, Status};
use super::recompute::{recompute, version_in_effect};
use crate::verify::{Failure, LedgerState, LogKey, SettlementCheck};

/// What the verifier remembers of each settlement.
struct Tracked {
    /// The log index of its `settlement.issued` entry.
    log_index: u64,
    document_sha256: String,
    agreement: String,
    period: String,
    parties: [String; 2],
    amount_fen: i64,
    status: Status,
    acknowledged: BTreeSet<String>,
    paid_fen: i64,
    references: BTreeSet<String>,
}

#[derive(Default)]
pub struct SettlementRecomputation {
    settlements: BTreeMap<String, Tracked>,
    issued_checked: usize,
}

impl SettlementCheck for SettlementRecomputation {
    fn check(
        &mut self,
        index: u64,
        kind: &str,
        body: &Value,
        state: &LedgerState,
        log_key: &LogKey,
    ) -> Result<(), Failure> {
        let fail = |what: String| Failure::at(index, what);
        match kind {
            "settlement.issued" => self.issued(index, body, state, log_key).map_err(fail),
            "settlement.acknowledged" => self.acknowledged(body, state).map_err(fail),
            "settlement.disputed" => self.disputed(body).map_err(fail),
            "settlement.paid" => self.paid(body).map_err(fail),
            "settlement.superseded" => self.superseded(body).map_err(fail),
            other => Err(fail(format!("unknown settlement entry kind {other:?}"))),
        }
    }

    fn settlements_checked(&self) -> usize {
        self.issued_checked
    }

    /// Every settlement the ledger serves must be the document the log proves, in the status
    /// the logged lifecycle reached.
    fn compare_served(
        &self,
        served: &[crate::verify::bundle::ExportedSettlement],
    ) -> Result<(), Failure> {
        let mut seen = BTreeSet::new();
        for settlement in served {
            let tracked = self.settlements.get(&settlement.id).ok_or_else(|| {
                Failure::general(format!(
                    "settlement {} is served but was never logged",
                    settlement.id
                ))
            })?;
            let served_digest =
                crate::settlement::document::sha256_hex(settlement.document.as_bytes());
            let fail = |what: &str| {
                Failure::at(
                    tracked.log_index,
                    format!("settlement {} as served {what}", settlement.id),
                )
            };
            if served_digest != tracked.document_sha256
                || settlement.document_sha256 != tracked.document_sha256
            {
                return Err(fail("differs from the document the log records"));
            }
            if settlement.amount_fen != tracked.amount_fen {
                return Err(fail("has another amount than its logged document"));
            }
            if settlement.status != tracked.status.as_str() {
                return Err(fail(&format!(
                    "is {} but the logged lifecycle says {}",
                    settlement.status,
                    tracked.status.as_str()
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

fn text<'a>(value: &'a Value, field: &str) -> Result<&'a str, String> {
    value[field]
        .as_str()
        .ok_or_else(|| format!("no {field} in the entry"))
}

impl SettlementRecomputation {
    fn issued(
        &mut self,
        index: u64,
        body: &Value,
        state: &LedgerState,
        log_key: &LogKey,
    ) -> Result<(), String> {
        let document = &body["document"];
        let digest = text(body, "document_sha256")?;
        if document_sha256(document).map_err(|error| error.to_string())? != digest {
            return Err("the document does not hash to its document_sha256".into());
        }
        let expected_key_id = key_id_hex(&log_key.origin, &log_key.public_key);
        if text(body, "key_id")? != expected_key_id {
            return Err(format!(
                "signed by key {}, not the log key {expected_key_id}",
                text(body, "key_id")?
            ));
        }
        let message = settlement_message(digest).map_err(|error| error.to_string())?;
        verify_signature(&message, &log_key.public_key, text(body, "signature")?)
            .map_err(|_| "the ledger signature on the settlement does not verify".to_owned())?;

        let id = text(document, "id")?.to_owned();
        let agreement = text(document, "agreement")?.to_owned();
        let version_number = document["agreement_version"]
            .as_u64()
            .ok_or("no agreement_version in the document")?;
        let period = Period::parse(text(document, "period")?).map_err(|error| error.to_string())?;
        let version = state
            .agreement_versions
            .get(&(agreement.clone(), version_number))
            .ok_or_else(|| {
                format!("agreement {agreement} version {version_number} was never logged")
            })?;
        let in_effect = version_in_effect(state, &agreement, period)?;
        if in_effect != Some(version_number) {
            return Err(format!(
                "names version {version_number} of {agreement}, but the version in effect for {period} is {in_effect:?}"
            ));
        }
        let supersedes: Option<SupersedesRef> =
            serde_json::from_value(document["supersedes"].clone())
                .map_err(|error| format!("supersedes: {error}"))?;
        self.check_in_force(&agreement, &period.to_string(), supersedes.as_ref())?;
        let recomputed = recompute(state, version, &id, period, document, supersedes)?;
        if recomputed.document_sha256 != digest {
            let differs: Vec<&str> = [
                "inputs",
                "components",
                "net_fen",
                "payer",
                "payee",
                "amount_fen",
            ]
            .into_iter()
            .filter(|field| recomputed.document[*field] != document[*field])
            .collect();
            return Err(format!(
                "settlement {id} does not recompute from the logged terms and readings (differs in {})",
                differs.join(", ")
            ));
        }
        self.settlements.insert(
            id,
            Tracked {
                log_index: index,
                document_sha256: digest.to_owned(),
                agreement,
                period: period.to_string(),
                parties: [
                    text(version, "upstream")?.to_owned(),
                    text(version, "downstream")?.to_owned(),
                ],
                amount_fen: document["amount_fen"].as_i64().ok_or("no amount_fen")?,
                status: Status::Issued,
                acknowledged: BTreeSet::new(),
                paid_fen: 0,
                references: BTreeSet::new(),
            },
        );
        self.issued_checked += 1;
        Ok(())
    }

    /// Only one settlement per agreement and period is in force, unless the new one names it.
    fn check_in_force(
        &self,
        agreement: &str,
        period: &str,
        supersedes: Option<&SupersedesRef>,
    ) -> Result<(), String> {
        let named = supersedes.map(|reference| reference.settlement_id.as_str());
        match self.settlements.iter().find(|(_, tracked)| {
            tracked.agreement == agreement
                && tracked.period == period
                && tracked.status != Status::Superseded
        }) {
            Some((id, tracked)) if named == Some(id.as_str()) => {
                lifecycle::check(tracked.status, Action::Supersede, tracked.amount_fen == 0)
                    .map_err(|refused| format!("settlement {id}: {refused}"))
            }
            Some((id, _)) => Err(format!(
                "settlement {id} is in force for {agreement} {period}"
            )),
            None if named.is_some() => Err("supersedes a settlement that is not in force".into()),
            None => Ok(()),
        }
    }

    fn tracked(&mut self, body: &Value, action: Action) -> Result<(String, &mut Tracked), String> {
        let id = text(body, "settlement_id")?.to_owned();
        let tracked = self
            .settlements
            .get_mut(&id)
            .ok_or_else(|| format!("settlement {id} was never issued"))?;
        lifecycle::check(tracked.status, action, tracked.amount_fen == 0)
            .map_err(|refused| format!("settlement {id}: {refused}"))?;
        Ok((id, tracked))
    }

    fn acknowledged(&mut self, body: &Value, state: &LedgerState) -> Result<(), String> {
        let jurisdiction = text(body, "jurisdiction")?.to_owned();
        let key_id = text(body, "key_id")?.to_owned();
        let (id, tracked) = self.tracked(body, Action::Acknowledge)?;
        if !tracked.parties.contains(&jurisdiction)
            || !tracked.acknowledged.insert(jurisdiction.clone())
        {
            return Err(format!(
                "{jurisdiction} may not acknowledge settlement {id} (again)"
            ));
        }
        let (public_key, retired) = state
            .jurisdiction_keys
            .get(&(jurisdiction.clone(), key_id.clone()))
            .ok_or_else(|| format!("{jurisdiction} has no key {key_id}"))?;
        if *retired {
            return Err(format!("key {key_id} of {jurisdiction} was retired"));
        }
        let key = parse_public_key_base64(public_key).map_err(|error| error.to_string())?;
        let message = ack_message(&tracked.document_sha256).map_err(|error| error.to_string())?;
        verify_signature(&message, &key, text(body, "signature")?)
            .map_err(|_| format!("the acknowledgement by {jurisdiction} does not verify"))?;
        if tracked.acknowledged.len() == tracked.parties.len() {
            tracked.status = Status::Acknowledged;
        }
        Ok(())
    }

    fn disputed(&mut self, body: &Value) -> Result<(), String> {
        let jurisdiction = text(body, "jurisdiction")?.to_owned();
        let (id, tracked) = self.tracked(body, Action::Dispute)?;
        if !tracked.parties.contains(&jurisdiction) {
            return Err(format!("{jurisdiction} is not a party to settlement {id}"));
        }
        tracked.status = Status::Disputed;
        Ok(())
    }

    fn paid(&mut self, body: &Value) -> Result<(), String> {
        let amount_fen = body["amount_fen"].as_i64().ok_or("no amount_fen")?;
        let reference = text(body, "reference")?.to_owned();
        let (id, tracked) = self.tracked(body, Action::Pay)?;
        let total = tracked
            .paid_fen
            .checked_add(amount_fen)
            .ok_or("payments overflow")?;
        if amount_fen <= 0 || total > tracked.amount_fen || !tracked.references.insert(reference) {
            return Err(format!(
                "payment of {amount_fen} fen on settlement {id} is not allowed"
            ));
        }
        tracked.paid_fen = total;
        if total == tracked.amount_fen {
            tracked.status = Status::Paid;
        }
        Ok(())
    }

    fn superseded(&mut self, body: &Value) -> Result<(), String> {
        let successor = text(body, "superseded_by")?.to_owned();
        let (id, tracked) = self.tracked(body, Action::Supersede)?;
        let (agreement, period) = (tracked.agreement.clone(), tracked.period.clone());
        tracked.status = Status::Superseded;
        match self.settlements.get(&successor) {
            Some(next) if next.agreement == agreement && next.period == period => Ok(()),
            _ => Err(format!("settlement {id} is superseded by {successor}, which does not settle {agreement} {period}")),
        }
    }
}
