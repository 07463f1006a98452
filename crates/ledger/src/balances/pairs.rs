//! Balances per pair of jurisdictions: in total and per agreement.

use std::collections::BTreeMap;

use basin_domain::Code;

use super::{Amounts, BalanceError, YearOfSettlements};

/// One agreement's part of a pair's balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementBalance {
    pub agreement: Code,
    pub amounts: Amounts,
}

/// Everything between `jurisdiction` and `counterparty` in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairBalance {
    pub jurisdiction: Code,
    pub counterparty: Code,
    pub amounts: Amounts,
    /// The same amounts per agreement, ordered by agreement code.
    pub agreements: Vec<AgreementBalance>,
}

/// Balances of `jurisdiction` with each counterparty (ordered by code); without a jurisdiction,
/// every pair, seen from the side whose code sorts first.
pub fn balances(
    year: &YearOfSettlements,
    jurisdiction: Option<&Code>,
) -> Result<Vec<PairBalance>, BalanceError> {
    let mut pairs: BTreeMap<(Code, Code), BTreeMap<Code, Amounts>> = BTreeMap::new();
    for settlement in &year.settlements {
        let parties = year.parties_of(settlement)?;
        let (side, other) = match jurisdiction {
            Some(code) => match parties.counterparty_of(code) {
                Some(other) => (code, other),
                None => continue,
            },
            None if parties.upstream <= parties.downstream => {
                (&parties.upstream, &parties.downstream)
            }
            None => (&parties.downstream, &parties.upstream),
        };
        pairs
            .entry((side.clone(), other.clone()))
            .or_default()
            .entry(settlement.agreement.clone())
            .or_default()
            .add_settlement(side, settlement)?;
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
