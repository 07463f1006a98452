//! A jurisdiction's statement for a year: every settlement it is a party to (superseded ones
//! too, marked as not counted), with its components and payments, each carrying the log index
//! that proves it, and the totals over every counterparty.

use basin_domain::{Code, Fen};

use super::{balances, Amounts, BalanceError, SettlementRecord, YearOfSettlements};

/// Which way the money of a settlement goes, seen from the statement's jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Pay,
    Receive,
    /// A zero net: nobody pays.
    None,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pay => "pay",
            Self::Receive => "receive",
            Self::None => "none",
        }
    }
}

/// One settlement of the statement, seen from its jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub settlement: SettlementRecord,
    pub counterparty: Code,
    pub direction: Direction,
    pub paid_fen: Fen,
    /// `amount_fen − paid_fen`.
    pub outstanding_fen: Fen,
}

impl StatementLine {
    /// False for a superseded settlement: listed, never counted in the totals.
    pub fn is_counted(&self) -> bool {
        self.settlement.is_counted()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub jurisdiction: Code,
    pub year: i32,
    /// Over every counterparty: the same fields as a balance.
    pub totals: Amounts,
    /// Ordered by period, then settlement id.
    pub lines: Vec<StatementLine>,
}

/// The statement of `jurisdiction` over the given year's settlements.
pub fn statement(
    year_of: &YearOfSettlements,
    jurisdiction: &Code,
    year: i32,
) -> Result<Statement, BalanceError> {
    let mut totals = Amounts::default();
    for pair in balances(year_of, Some(jurisdiction))? {
        totals.add_amounts(&pair.amounts)?;
    }
    let mut lines = Vec::new();
    for settlement in &year_of.settlements {
        let parties = year_of.parties_of(settlement)?;
        let Some(counterparty) = parties.counterparty_of(jurisdiction) else {
            continue;
        };
        let direction = if settlement.is_paid_by(jurisdiction) {
            Direction::Pay
        } else if settlement.is_paid_to(jurisdiction) {
            Direction::Receive
        } else {
            Direction::None
        };
        let paid_fen = settlement.paid_fen()?;
        lines.push(StatementLine {
            settlement: settlement.clone(),
            counterparty: counterparty.clone(),
            direction,
            paid_fen,
            outstanding_fen: settlement.amount_fen.checked_sub(paid_fen)?,
        });
    }
    // By the period's text, as the API has always ordered them: a year with periods of mixed
    // kinds lists `2025` before `2025-07` before `2025-Q3`.
    lines.sort_by_cached_key(|line| (line.settlement.period.to_string(), line.settlement.id));
    Ok(Statement {
        jurisdiction: jurisdiction.clone(),
        year,
        totals,
        lines,
    })
}
