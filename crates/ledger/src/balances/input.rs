//! What balances and statements are computed from: one year's settlements as the ledger holds
//! them, reduced to the fields that move money or name it, with their agreements' parties. The
//! server builds these from its stored settlements in one conversion; the types are the ledger's
//! own so that no HTTP or storage shape leaks in.

use std::collections::BTreeMap;

use basin_domain::agreement::ComponentKind;
use basin_domain::{Code, Fen, Period};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::settlement::lifecycle::Status;

/// The two parties of an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    pub upstream: Code,
    pub downstream: Code,
}

impl Parties {
    /// The other party, when `jurisdiction` is one of them.
    pub fn counterparty_of(&self, jurisdiction: &Code) -> Option<&Code> {
        if &self.upstream == jurisdiction {
            Some(&self.downstream)
        } else if &self.downstream == jurisdiction {
            Some(&self.upstream)
        } else {
            None
        }
    }
}

/// One component's amount as the signed document lists it. Deserialised from the document's
/// `components` (its `explanation` is not needed here and is skipped), so a component that is not
/// as issued is refused rather than read field by field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ComponentAmount {
    pub kind: ComponentKind,
    pub section: Option<Code>,
    pub amount_fen: Fen,
}

/// One payment recorded against a settlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRecord {
    pub reference: String,
    pub amount_fen: Fen,
    pub paid_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// The `settlement.paid` entry.
    pub log_index: u64,
}

/// One settlement: the fields of its signed document that balances and statements use, its
/// lifecycle status and what was paid against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRecord {
    pub id: u64,
    pub agreement: Code,
    pub agreement_version: i64,
    pub period: Period,
    pub status: Status,
    /// Absent for a zero net: nobody pays.
    pub payer: Option<Code>,
    pub payee: Option<Code>,
    pub amount_fen: Fen,
    /// Positive: downstream pays upstream.
    pub net_fen: Fen,
    /// The `settlement.issued` entry.
    pub log_index: u64,
    pub superseded_by: Option<u64>,
    /// In the order of the agreement's components.
    pub components: Vec<ComponentAmount>,
    /// In log order.
    pub payments: Vec<PaymentRecord>,
}

impl SettlementRecord {
    /// The sum of the recorded payments.
    pub fn paid_fen(&self) -> Result<Fen, basin_domain::money::MoneyError> {
        self.payments.iter().try_fold(Fen::ZERO, |sum, payment| {
            sum.checked_add(payment.amount_fen)
        })
    }

    /// A superseded settlement is listed but never counted as an obligation.
    pub fn is_counted(&self) -> bool {
        self.status != Status::Superseded
    }

    /// Whether `jurisdiction` pays in this settlement.
    pub fn is_paid_by(&self, jurisdiction: &Code) -> bool {
        self.payer.as_ref() == Some(jurisdiction)
    }

    /// Whether `jurisdiction` is paid in this settlement.
    pub fn is_paid_to(&self, jurisdiction: &Code) -> bool {
        self.payee.as_ref() == Some(jurisdiction)
    }
}

/// The settlements of one year with their agreements' parties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearOfSettlements {
    pub settlements: Vec<SettlementRecord>,
    pub parties: BTreeMap<Code, Parties>,
}

impl YearOfSettlements {
    /// The parties of `settlement`'s agreement; an unknown agreement is an error, never skipped.
    pub fn parties_of(
        &self,
        settlement: &SettlementRecord,
    ) -> Result<&Parties, super::BalanceError> {
        self.parties
            .get(&settlement.agreement)
            .ok_or(super::BalanceError::UnknownAgreement(settlement.id))
    }
}
