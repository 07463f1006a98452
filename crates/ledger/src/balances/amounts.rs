//! The amounts between a jurisdiction and one counterparty, and how one settlement adds to them.

use basin_domain::{Code, Fen};

use super::{BalanceError, SettlementRecord};

/// Amounts between a jurisdiction and one counterparty, seen from the jurisdiction's side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Gross obligations of settlements in which the jurisdiction pays the counterparty.
    pub owed_to_counterparty_fen: Fen,
    /// Gross obligations of settlements in which the counterparty pays the jurisdiction.
    pub owed_by_counterparty_fen: Fen,
    /// `owed_to_counterparty_fen − owed_by_counterparty_fen`: positive when the jurisdiction owes.
    pub net_owed_fen: Fen,
    pub paid_to_counterparty_fen: Fen,
    pub paid_by_counterparty_fen: Fen,
    /// `owed_to_counterparty_fen − paid_to_counterparty_fen` (negative: paid more than owed).
    pub outstanding_to_counterparty_fen: Fen,
    /// `owed_by_counterparty_fen − paid_by_counterparty_fen`.
    pub outstanding_from_counterparty_fen: Fen,
    /// `net_owed_fen − (paid_to − paid_by)`: positive when the jurisdiction still owes.
    pub net_outstanding_fen: Fen,
    /// Settlements counted as obligations.
    pub settlements: u64,
    /// Superseded settlements: listed in statements, never counted as obligations.
    pub superseded_settlements: u64,
}

fn add(total: &mut Fen, amount: Fen) -> Result<(), BalanceError> {
    *total = total.checked_add(amount)?;
    Ok(())
}

impl Amounts {
    /// Adds one settlement, seen from `jurisdiction`'s side.
    pub fn add_settlement(
        &mut self,
        jurisdiction: &Code,
        settlement: &SettlementRecord,
    ) -> Result<(), BalanceError> {
        let pays = settlement.is_paid_by(jurisdiction);
        let receives = settlement.is_paid_to(jurisdiction);
        let paid = settlement.paid_fen()?;
        if settlement.is_counted() {
            self.settlements += 1;
            if pays {
                add(&mut self.owed_to_counterparty_fen, settlement.amount_fen)?;
            } else if receives {
                add(&mut self.owed_by_counterparty_fen, settlement.amount_fen)?;
            }
        } else {
            self.superseded_settlements += 1;
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
        self.net_owed_fen = self
            .owed_to_counterparty_fen
            .checked_sub(self.owed_by_counterparty_fen)?;
        self.outstanding_to_counterparty_fen = self
            .owed_to_counterparty_fen
            .checked_sub(self.paid_to_counterparty_fen)?;
        self.outstanding_from_counterparty_fen = self
            .owed_by_counterparty_fen
            .checked_sub(self.paid_by_counterparty_fen)?;
        self.net_outstanding_fen = self
            .outstanding_to_counterparty_fen
            .checked_sub(self.outstanding_from_counterparty_fen)?;
        Ok(())
    }
}
