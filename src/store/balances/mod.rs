//! One year's settlements, with their agreements' parties and the names statements print, read
//! in one transaction so balances and statements add up within a single snapshot, and turned
//! into the ledger core's typed input (`records`), where the computation lives.

mod records;

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::model::settlement::Settlement;
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::schema::{agreements, jurisdictions, settlements};
use crate::store::settlements::queries::get_settlement;

pub use records::{names, settlement_record, year_of_settlements, Names, Parties, RecordError};

/// More settlements than this in one year is refused rather than summed slowly (a monthly
/// agreement issues 12; this leaves room for thousands of agreements and their corrections).
pub const SETTLEMENTS_PER_YEAR_MAX: i64 = 20_000;

pub struct YearData {
    /// Ordered by period, then id.
    pub settlements: Vec<Settlement>,
    pub parties: BTreeMap<String, Parties>,
    pub names: Names,
}

/// The settlements whose period lies in `year` (optionally of one agreement), re-verified as
/// they are read, with every agreement's parties and every jurisdiction's and agreement's name.
pub fn load_year(
    connection: &mut AnyConnection,
    year: i32,
    agreement: Option<&str>,
) -> Result<YearData, StoreError> {
    connection.transaction(|connection| {
        // Periods are `2025`, `2025-Q3` or `2025-07`: all begin with the year's four digits.
        let mut query = settlements::table
            .filter(settlements::period.like(format!("{year:04}%")))
            .order((settlements::period.asc(), settlements::id.asc()))
            .select(settlements::id)
            .limit(SETTLEMENTS_PER_YEAR_MAX + 1)
            .into_boxed();
        if let Some(agreement) = agreement {
            query = query.filter(settlements::agreement.eq(agreement.to_owned()));
        }
        let ids: Vec<i64> = query.load(connection)?;
        if ids.len() as i64 > SETTLEMENTS_PER_YEAR_MAX {
            return Err(StoreError::InvalidParameter {
                parameter: "year",
                message: format!("has more than {SETTLEMENTS_PER_YEAR_MAX} settlements"),
            });
        }
        let settlements = ids
            .into_iter()
            .map(|id| get_settlement(connection, id))
            .collect::<Result<Vec<_>, _>>()?;
        let agreement_rows: Vec<(String, String, String, String)> = agreements::table
            .select((
                agreements::code,
                agreements::name,
                agreements::upstream,
                agreements::downstream,
            ))
            .load(connection)?;
        let jurisdiction_names: BTreeMap<String, String> = jurisdictions::table
            .select((jurisdictions::code, jurisdictions::name))
            .load::<(String, String)>(connection)?
            .into_iter()
            .collect();
        let mut parties = BTreeMap::new();
        let mut agreement_names = BTreeMap::new();
        for (code, name, upstream, downstream) in agreement_rows {
            parties.insert(
                code.clone(),
                Parties {
                    upstream,
                    downstream,
                },
            );
            agreement_names.insert(code, name);
        }
        Ok(YearData {
            settlements,
            parties,
            names: Names {
                jurisdictions: jurisdiction_names,
                agreements: agreement_names,
            },
        })
    })
}
