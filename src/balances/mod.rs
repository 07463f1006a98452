//! Balances: per pair of jurisdictions and per year (the settlement period's year), what each
//! side owes the other, what was paid and what is outstanding. PURE: settlements and agreement
//! parties come in as values; nothing here touches a database, HTTP or the clock.
//!
//! The rules, which the conservation property test checks over random histories:
//! - a settlement counts as an obligation of its payer to its payee for its `amount_fen` unless it
//!   was superseded (the superseding settlement replaces it, so no obligation counts twice);
//! - every recorded payment counts, on whichever settlement it was made (money that moved has
//!   moved), in the direction of that settlement;
//! - outstanding = obligations − payments, in each direction and netted.

pub mod statement;

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::model::settlement::Settlement;

/// The status of a settlement that another one replaced.
pub const SUPERSEDED: &str = "superseded";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BalanceError {
    #[error("the sum of amounts does not fit in 64 bits")]
    Overflow,
    #[error("settlement {0}: its agreement's parties are unknown")]
    UnknownAgreement(String),
    #[error("settlement {0}: the stored document's components are not as issued")]
    Document(String),
}

/// The two parties of an agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    pub upstream: String,
    pub downstream: String,
}

impl Parties {
    /// The other party, when `jurisdiction` is one of them.
    pub fn counterparty_of(&self, jurisdiction: &str) -> Option<&str> {
        if self.upstream == jurisdiction {
            Some(&self.downstream)
        } else if self.downstream == jurisdiction {
            Some(&self.upstream)
        } else {
            None
        }
    }
}

/// Amounts between a jurisdiction and one counterparty, seen from the jurisdiction's side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Amounts {
    /// Gross obligations of settlements in which the jurisdiction pays the counterparty.
    pub owed_to_counterparty_fen: i64,
    /// Gross obligations of settlements in which the counterparty pays the jurisdiction.
    pub owed_by_counterparty_fen: i64,
    /// `owed_to_counterparty_fen − owed_by_counterparty_fen`: positive when the jurisdiction owes.
    pub net_owed_fen: i64,
    pub paid_to_counterparty_fen: i64,
    pub paid_by_counterparty_fen: i64,
    /// `owed_to_counterparty_fen − paid_to_counterparty_fen` (negative: paid more than owed).
    pub outstanding_to_counterparty_fen: i64,
    /// `owed_by_counterparty_fen − paid_by_counterparty_fen`.
    pub outstanding_from_counterparty_fen: i64,
    /// `net_owed_fen − (paid_to − paid_by)`: positive when the jurisdiction still owes.
    pub net_outstanding_fen: i64,
    /// Settlements counted as obligations.
    pub settlements: u64,
    /// Superseded settlements: listed in statements, never counted as obligations.
    pub superseded_settlements: u64,
}

fn add(total: &mut i64, amount: i64) -> Result<(), BalanceError> {
    *total = total.checked_add(amount).ok_or(BalanceError::Overflow)?;
    Ok(())
}

fn sub(left: i64, right: i64) -> Result<i64, BalanceError> {
    left.checked_sub(right).ok_or(BalanceError::Overflow)
}

impl Amounts {
    /// Adds one settlement, seen from `jurisdiction`'s side.
    pub fn add_settlement(
        &mut self,
        jurisdiction: &str,
        settlement: &Settlement,
    ) -> Result<(), BalanceError> {
        let document = &settlement.document;
        let pays = document.payer.as_deref() == Some(jurisdiction);
        let receives = document.payee.as_deref() == Some(jurisdiction);
        let paid = settlement
            .payments
            .iter()
            .try_fold(0_i64, |sum, payment| sum.checked_add(payment.amount_fen))
            .ok_or(BalanceError::Overflow)?;
        if settlement.status == SUPERSEDED {
            self.superseded_settlements += 1;
        } else {
            self.settlements += 1;
            if pays {
                add(&mut self.owed_to_counterparty_fen, document.amount_fen)?;
            } else if receives {
                add(&mut self.owed_by_counterparty_fen, document.amount_fen)?;
            }
        }
        if pays {
            add(&mut self.paid_to_counterparty_fen, paid)?;
        } else if receives {
            add(&mut self.paid_by_counterparty_fen, paid)?;
        }
        self.derive()
    }

    /// Adds another set of amounts between the same two sides.
    pub fn add_amounts(&mut self, other: &Amounts) -> Result<(), BalanceError> {
        add(
            &mut self.owed_to_counterparty_fen,
            other.owed_to_counterparty_fen,
        )?;
        add(
            &mut self.owed_by_counterparty_fen,
            other.owed_by_counterparty_fen,
        )?;
        add(
            &mut self.paid_to_counterparty_fen,
            other.paid_to_counterparty_fen,
        )?;
        add(
            &mut self.paid_by_counterparty_fen,
            other.paid_by_counterparty_fen,
        )?;
        self.settlements += other.settlements;
        self.superseded_settlements += other.superseded_settlements;
        self.derive()
    }

    /// The derived fields, from the four sums.
    fn derive(&mut self) -> Result<(), BalanceError> {
        self.net_owed_fen = sub(self.owed_to_counterparty_fen, self.owed_by_counterparty_fen)?;
        self.outstanding_to_counterparty_fen =
            sub(self.owed_to_counterparty_fen, self.paid_to_counterparty_fen)?;
        self.outstanding_from_counterparty_fen =
            sub(self.owed_by_counterparty_fen, self.paid_by_counterparty_fen)?;
        self.net_outstanding_fen = sub(
            self.outstanding_to_counterparty_fen,
            self.outstanding_from_counterparty_fen,
        )?;
        Ok(())
    }
}

/// One agreement's part of a pair's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementBalance {
    pub agreement: String,
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// Everything between `jurisdiction` and `counterparty` in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PairBalance {
    pub jurisdiction: String,
    pub counterparty: String,
    #[serde(flatten)]
    pub amounts: Amounts,
    /// The same amounts per agreement, ordered by agreement code.
    pub agreements: Vec<AgreementBalance>,
}

/// The settlements of one year with their agreements' parties.
pub struct YearOfSettlements<'a> {
    pub settlements: &'a [Settlement],
    pub parties: &'a BTreeMap<String, Parties>,
}

/// Balances of `jurisdiction` with each counterparty (ordered by code); without a jurisdiction,
/// every pair, seen from the side whose code sorts first.
pub fn balances(
    year: &YearOfSettlements<'_>,
    jurisdiction: Option<&str>,
) -> Result<Vec<PairBalance>, BalanceError> {
    let mut pairs: BTreeMap<(String, String), BTreeMap<String, Amounts>> = BTreeMap::new();
    for settlement in year.settlements {
        let document = &settlement.document;
        let parties = year
            .parties
            .get(&document.agreement)
            .ok_or_else(|| BalanceError::UnknownAgreement(document.id.clone()))?;
        let (side, other) = match jurisdiction {
            Some(code) => match parties.counterparty_of(code) {
                Some(other) => (code.to_owned(), other.to_owned()),
                None => continue,
            },
            None if parties.upstream <= parties.downstream => {
                (parties.upstream.clone(), parties.downstream.clone())
            }
            None => (parties.downstream.clone(), parties.upstream.clone()),
        };
        pairs
            .entry((side.clone(), other))
            .or_default()
            .entry(document.agreement.clone())
            .or_default()
            .add_settlement(&side, settlement)?;
    }
    pairs
        .into_iter()
        .map(|((side, other), by_agreement)| {
            let mut amounts = Amounts::default();
            for part in by_agreement.values() {
                amounts.add_amounts(part)?;
            }
            Ok(PairBalance {
                jurisdiction: side,
                counterparty: other,
                amounts,
                agreements: by_agreement
                    .into_iter()
                    .map(|(agreement, amounts)| AgreementBalance { agreement, amounts })
                    .collect(),
            })
        })
        .collect()
}

/// `fen` as 元 with two decimals, by integer arithmetic: `-1234567` → `"-12345.67"`.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let magnitude = fen.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

#[cfg(test)]
mod tests {
    use super::yuan_text;

    #[test]
    fn yuan_text_is_exact_for_every_integer_amount() {
        assert_eq!(yuan_text(0), "0.00");
        assert_eq!(yuan_text(5), "0.05");
        assert_eq!(yuan_text(-5), "-0.05");
        assert_eq!(yuan_text(505_167_000), "5051670.00");
        assert_eq!(yuan_text(i64::MIN), "-92233720368547758.08");
        assert_eq!(yuan_text(i64::MAX), "92233720368547758.07");
    }
}
