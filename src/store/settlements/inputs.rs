//! The store as an input source for the ledger core's one settlement-input path: now (issuing,
//! previews) or as of a log index (the verification endpoint: what counted when a settlement was
//! issued is a query, not a replay). Every counted reading is checked against the batch that
//! recorded it, so an altered row is reported by reading id, never used.

use std::collections::BTreeMap;

use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period};
use basin_ledger_core::entry::{AgreementVersionLogged, Entry};
use basin_ledger_core::settlement::evidence::LoggedBatch;
use basin_ledger_core::settlement::inputs::{
    add_logged_version, give_in_chunks, CountedReading, InputSource,
};
use diesel::prelude::*;

use super::super::agreements::basin_section_facts;
use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::log::entries::typed_entries;
use super::super::schema::agreement_versions;
use super::counting::{counted_before, counted_now, logged_before, Origins};
use super::evidence::logged_batches;
use crate::model::time::utc_text;

pub struct StoreInputs<'c> {
    connection: &'c mut AnyConnection,
    /// Only what the log held before this index counts; `None` is now.
    before_index: Option<u64>,
    /// The batches the counted readings came in.
    origins: Origins,
}

impl<'c> StoreInputs<'c> {
    pub fn now(connection: &'c mut AnyConnection) -> Self {
        Self {
            connection,
            before_index: None,
            origins: Origins::default(),
        }
    }

    pub fn before(connection: &'c mut AnyConnection, index: u64) -> Self {
        Self {
            connection,
            before_index: Some(index),
            origins: Origins::default(),
        }
    }

    fn logged_before(&self, index: Option<i64>) -> bool {
        logged_before(self.before_index, index)
    }
}

impl InputSource for StoreInputs<'_> {
    type Error = StoreError;

    /// From the versions' own log entries, so the ranges are the log's (as cut by `ends`).
    fn agreement_versions(
        &mut self,
        agreement: &Code,
    ) -> Result<Vec<AgreementVersionLogged>, StoreError> {
        let indices: Vec<i64> = agreement_versions::table
            .filter(agreement_versions::agreement.eq(agreement.as_str()))
            .order(agreement_versions::version.asc())
            .select(agreement_versions::log_index)
            .load(self.connection)?;
        let indices: Vec<u64> = indices
            .into_iter()
            .filter(|index| self.logged_before(Some(*index)))
            .map(|index| {
                u64::try_from(index).map_err(|_| StoreError::Corrupt(format!("log index {index}")))
            })
            .collect::<Result<_, _>>()?;
        let mut versions = Vec::new();
        for typed in typed_entries(self.connection, &indices)? {
            match typed.entry {
                Entry::AgreementVersion(version) if version.agreement == *agreement => {
                    add_logged_version(&mut versions, version)
                }
                other => return Err(integrity_of_entry(typed.index, other.kind())),
            }
        }
        Ok(versions)
    }

    fn section_facts(&mut self, basin: &Code) -> Result<BTreeMap<Code, SectionFacts>, StoreError> {
        basin_section_facts(self.connection, basin.as_str())
    }

    fn counted_readings(
        &mut self,
        sections: &[Code],
        period: Period,
        each: &mut dyn FnMut(Vec<CountedReading>),
    ) -> Result<(), StoreError> {
        let sections: Vec<String> = sections
            .iter()
            .map(|code| code.as_str().to_owned())
            .collect();
        let start = utc_text(period.start_utc());
        let end = utc_text(period.end_utc());
        self.origins.clear();
        match self.before_index {
            None => counted_now(
                self.connection,
                &mut self.origins,
                &sections,
                &start,
                &end,
                each,
            ),
            Some(before) => {
                let counted = counted_before(
                    self.connection,
                    &mut self.origins,
                    before,
                    (&sections, &start, &end),
                )?;
                give_in_chunks(counted, each);
                Ok(())
            }
        }
    }

    /// The batches `counted_readings` kept as the origins of the readings it gave.
    fn evidence_of(&mut self) -> Result<Option<Vec<LoggedBatch>>, StoreError> {
        logged_batches(self.connection, &self.origins).map(Some)
    }
}

fn integrity_of_entry(index: u64, kind: &str) -> StoreError {
    StoreError::Integrity {
        what: format!("log entry {index}"),
        reason: format!("a {kind} entry where another kind was referenced"),
    }
}
