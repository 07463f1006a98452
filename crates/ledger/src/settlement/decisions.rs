//! Lifecycle decisions as pure functions. Each takes a snapshot of a settlement and a request,
//! and returns what to record (and the status it moves to) or why it is refused. The store
//! carries a decision out; the auditor's replay makes the same decision from the log and
//! requires the log to agree.

use basin_audit::messages::{ack_message, parse_public_key_base64, verify_signature};
use basin_domain::Code;

use super::lifecycle::{check, Action, Refused, Status};
use crate::entry::{SettlementAcknowledged, SettlementDisputed, SettlementPaid};

/// What a decision needs to know of a settlement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SettlementSnapshot {
    pub id: String,
    pub status: Status,
    pub amount_fen: i64,
    pub document_sha256: String,
    /// (upstream, downstream).
    pub parties: (Code, Code),
    pub acknowledgements: Vec<SettlementAcknowledged>,
    pub payments: Vec<SettlementPaid>,
}

impl SettlementSnapshot {
    fn is_party(&self, jurisdiction: &Code) -> bool {
        self.parties.0 == *jurisdiction || self.parties.1 == *jurisdiction
    }

    pub fn paid_fen(&self) -> i64 {
        self.payments.iter().map(|payment| payment.amount_fen).sum()
    }

    fn allow(&self, action: Action) -> Result<(), Refusal> {
        check(self.status, action, self.amount_fen == 0).map_err(Refusal::Lifecycle)
    }
}

/// A registered key of a party, as the registry holds it when the request arrives.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartyKey {
    pub public_key: String,
    pub retired: bool,
}

/// Record something new (moving to `new_status` if set), or answer a retry with what was
/// recorded before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Record { new_status: Option<Status> },
    Replay,
}

/// Which request field a refusal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestField {
    Jurisdiction,
    KeyId,
    Signature,
    AmountFen,
    PaidAt,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{jurisdiction} is not a party ({} or {})", parties.0.as_str(), parties.1.as_str())]
    NotAParty {
        jurisdiction: Code,
        parties: (Code, Code),
    },
    /// The same party already recorded this with other content (a 409 naming the field).
    #[error("{what}")]
    Conflicts { field: RequestField, what: String },
    /// The request itself is invalid for this settlement (a 422 naming the field).
    #[error("{what}")]
    Invalid { field: RequestField, what: String },
    /// The stored key of the party does not parse: corruption, not the client's fault.
    #[error("stored key: {0}")]
    CorruptKey(String),
    #[error(transparent)]
    Lifecycle(Refused),
}

/// An acknowledgement by a party, signed with one of its registered keys.
pub fn decide_acknowledgement(
    settlement: &SettlementSnapshot,
    request: &SettlementAcknowledged,
    key: Option<&PartyKey>,
) -> Result<Decision, Refusal> {
    if !settlement.is_party(&request.jurisdiction) {
        return Err(not_a_party(settlement, &request.jurisdiction));
    }
    if let Some(earlier) = settlement
        .acknowledgements
        .iter()
        .find(|earlier| earlier.jurisdiction == request.jurisdiction)
    {
        if earlier.key_id == request.key_id && earlier.signature == request.signature {
            return Ok(Decision::Replay);
        }
        return Err(Refusal::Conflicts {
            field: RequestField::Jurisdiction,
            what: format!(
                "{} acknowledged settlement {} already",
                request.jurisdiction.as_str(),
                settlement.id
            ),
        });
    }
    settlement.allow(Action::Acknowledge)?;
    let invalid = |field, what| Refusal::Invalid { field, what };
    let public_key = match key {
        None => {
            return Err(invalid(
                RequestField::KeyId,
                format!(
                    "{} has no registered key {}",
                    request.jurisdiction.as_str(),
                    request.key_id
                ),
            ))
        }
        Some(PartyKey { retired: true, .. }) => {
            return Err(invalid(
                RequestField::KeyId,
                format!("key {} was retired", request.key_id),
            ))
        }
        Some(PartyKey { public_key, .. }) => parse_public_key_base64(public_key)
            .map_err(|error| Refusal::CorruptKey(format!("{}: {error}", request.key_id)))?,
    };
    let message = ack_message(&settlement.document_sha256)
        .map_err(|error| Refusal::CorruptKey(error.to_string()))?;
    verify_signature(&message, &public_key, &request.signature).map_err(|error| {
        invalid(
            RequestField::Signature,
            format!(
                "{error}: expected key {} to sign \"basin-ledger/ack/v1\\n{}\\n\"",
                request.key_id, settlement.document_sha256
            ),
        )
    })?;
    // Both parties acknowledged: this one and the other one recorded before.
    let both = !settlement.acknowledgements.is_empty();
    Ok(Decision::Record {
        new_status: both.then_some(Status::Acknowledged),
    })
}

/// A dispute by a party moves the settlement to `disputed`.
pub fn decide_dispute(
    settlement: &SettlementSnapshot,
    request: &SettlementDisputed,
) -> Result<Decision, Refusal> {
    if !settlement.is_party(&request.jurisdiction) {
        return Err(not_a_party(settlement, &request.jurisdiction));
    }
    settlement.allow(Action::Dispute)?;
    Ok(Decision::Record {
        new_status: Some(Status::Disputed),
    })
}

/// A payment, idempotent on its reference; payments add up to at most the amount.
pub fn decide_payment(
    settlement: &SettlementSnapshot,
    request: &SettlementPaid,
) -> Result<Decision, Refusal> {
    if let Some(earlier) = settlement
        .payments
        .iter()
        .find(|earlier| earlier.reference == request.reference)
    {
        if earlier.amount_fen == request.amount_fen && earlier.paid_at == request.paid_at {
            return Ok(Decision::Replay);
        }
        let (field, name) = if earlier.amount_fen != request.amount_fen {
            (RequestField::AmountFen, "amount_fen")
        } else {
            (RequestField::PaidAt, "paid_at")
        };
        return Err(Refusal::Conflicts {
            field,
            what: format!(
                "payment {} was recorded with a different {name} ({} fen paid at {})",
                request.reference, earlier.amount_fen, earlier.paid_at
            ),
        });
    }
    settlement.allow(Action::Pay)?;
    let outstanding = settlement.amount_fen - settlement.paid_fen();
    if request.amount_fen <= 0 || request.amount_fen > outstanding {
        return Err(Refusal::Invalid {
            field: RequestField::AmountFen,
            what: format!(
                "{} fen is not a payment of the {outstanding} fen outstanding of settlement {}",
                request.amount_fen, settlement.id
            ),
        });
    }
    Ok(Decision::Record {
        new_status: (request.amount_fen == outstanding).then_some(Status::Paid),
    })
}

/// Why a new settlement may not be issued for an agreement and period.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SupersessionRefusal {
    #[error("settlement {in_force} ({status}) already settles this period; name it in supersedes to replace it")]
    InForce { in_force: String, status: Status },
    #[error("settlement {named} is not the one in force for this agreement and period")]
    NotInForce { named: String },
    #[error("settlement {named}: {refused}")]
    Lifecycle { named: String, refused: Refused },
}

/// What the supersession rule weighs of the settlement in force for an agreement and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InForce {
    pub id: String,
    pub status: Status,
    pub amount_fen: i64,
}

impl SettlementSnapshot {
    pub fn in_force(&self) -> InForce {
        InForce {
            id: self.id.clone(),
            status: self.status,
            amount_fen: self.amount_fen,
        }
    }
}

/// At most one settlement per agreement and period is in force: a new one must name the one in
/// force (which must not be paid) in `supersedes`. Returns the id it supersedes.
pub fn decide_supersession(
    in_force: Option<&InForce>,
    named: Option<&str>,
) -> Result<Option<String>, SupersessionRefusal> {
    match (in_force, named) {
        (None, None) => Ok(None),
        (Some(current), None) => Err(SupersessionRefusal::InForce {
            in_force: current.id.clone(),
            status: current.status,
        }),
        (Some(current), Some(named)) if current.id == named => {
            check(current.status, Action::Supersede, current.amount_fen == 0).map_err(
                |refused| SupersessionRefusal::Lifecycle {
                    named: named.to_owned(),
                    refused,
                },
            )?;
            Ok(Some(current.id.clone()))
        }
        (_, Some(named)) => Err(SupersessionRefusal::NotInForce {
            named: named.to_owned(),
        }),
    }
}

fn not_a_party(settlement: &SettlementSnapshot, jurisdiction: &Code) -> Refusal {
    Refusal::NotAParty {
        jurisdiction: jurisdiction.clone(),
        parties: settlement.parties.clone(),
    }
}
