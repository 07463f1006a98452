//! Balances: per pair of jurisdictions and per year (the settlement period's year), what each
//! side owes the other, what was paid and what is outstanding; and a jurisdiction's statement
//! of the same year, as typed lines and as CSV. Settlements and agreement parties come in as
//! values ([`input`]); nothing here touches a database, HTTP or the clock.
//!
//! The rules, which the conservation property test (`tests/balances.rs`) checks over random
//! histories:
//! - a settlement counts as an obligation of its payer to its payee for its amount unless it was
//!   superseded (the superseding settlement replaces it, so no obligation counts twice);
//! - every recorded payment counts, on whichever settlement it was made (money that moved has
//!   moved), in the direction of that settlement;
//! - outstanding = obligations − payments, in each direction and netted.

pub mod amounts;
pub mod input;
pub mod pairs;
pub mod statement;
pub mod statement_csv;

#[cfg(test)]
mod tests;

use basin_domain::money::MoneyError;

pub use amounts::Amounts;
pub use input::{ComponentAmount, Parties, PaymentRecord, SettlementRecord, YearOfSettlements};
pub use pairs::{balances, AgreementBalance, PairBalance};
pub use statement::{statement, Direction, Statement, StatementLine};
pub use statement_csv::{statement_csv, yuan_text, Names, CSV_HEADER};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BalanceError {
    #[error("a sum of amounts leaves the range of fen")]
    OutOfRange(#[from] MoneyError),
    #[error("settlement {0}: its agreement's parties are unknown")]
    UnknownAgreement(u64),
}
