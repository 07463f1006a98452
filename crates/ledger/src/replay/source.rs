//! The replayed log as an input source: the verifier gathers a settlement's inputs through the
//! same function the server issues with, from the state as it stood at the settlement's entry.

use std::collections::BTreeMap;
use std::convert::Infallible;

use basin_domain::quality::SectionFacts;

use basin_domain::{Code, Period};

use super::state::LedgerState;
use crate::entry::AgreementVersionLogged;
use crate::settlement::evidence::LoggedBatch;
use crate::settlement::inputs::{give_in_chunks, CountedReading, InputSource};
use crate::time::parse_instant;

impl InputSource for &LedgerState {
    type Error = Infallible;

    fn agreement_versions(
        &mut self,
        agreement: &Code,
    ) -> Result<Vec<AgreementVersionLogged>, Infallible> {
        Ok(self
            .agreement_versions
            .get(agreement)
            .cloned()
            .unwrap_or_default())
    }

    fn section_facts(&mut self, basin: &Code) -> Result<BTreeMap<Code, SectionFacts>, Infallible> {
        Ok(self
            .sections
            .values()
            .filter(|section| section.basin == *basin)
            .map(|section| {
                let facts = SectionFacts {
                    water_body: section.water_body,
                    target_class: section.target_class,
                };
                (section.code.clone(), facts)
            })
            .collect())
    }

    fn counted_readings(
        &mut self,
        sections: &[Code],
        period: Period,
        each: &mut dyn FnMut(Vec<CountedReading>),
    ) -> Result<(), Infallible> {
        let counted: Vec<CountedReading> = self
            .readings
            .values()
            .filter(|reading| reading.counts())
            .filter(|reading| sections.iter().any(|code| code.as_str() == reading.section))
            // Replayed times passed the ingest rules, so they parse.
            .filter(|reading| {
                parse_instant(&reading.sampled_at).is_ok_and(|at| period.contains(at))
            })
            .map(|reading| CountedReading {
                id: reading.id,
                section: reading.section.clone(),
                sampled_at: reading.sampled_at.clone(),
                values_json: reading.values_json.clone(),
                flags_json: reading.flags_json.clone(),
            })
            .collect();
        give_in_chunks(counted, each);
        Ok(())
    }

    /// The replayed readings were rebuilt from the evidence itself.
    fn evidence_of(&mut self) -> Result<Option<Vec<LoggedBatch>>, Infallible> {
        Ok(None)
    }
}
