//! `import cnemc`: the national publishing system's files → one reading batch per (file, station).
//! Duplicates are skipped, conflicts reported (or turned into revisions with `revise`), and a
//! re-import of the same file replays its batches and creates nothing.

mod candidate;
mod report;
mod station;

use std::collections::{BTreeMap, HashMap};

use basin_cnemc::{ParseOptions, RowStatus, StationMap};
use chrono::{DateTime, Utc};

use crate::store::AnyConnection;
use candidate::{candidate, Candidate};
pub use report::{ImportError, ImportOptions, ImportSummary, LineProblem};
use station::import_station;

pub fn import_cnemc(
    connection: &mut AnyConnection,
    file: &[u8],
    map: &[u8],
    options: &ImportOptions,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ImportSummary, ImportError> {
    let parsed = basin_cnemc::parse_file(file, &ParseOptions { year: options.year })?;
    let map = StationMap::parse(map)?;
    let mut summary = ImportSummary {
        batch_id: basin_cnemc::batch_id(&parsed.sha256_hex),
        file_sha256: parsed.sha256_hex.clone(),
        rows_read: parsed.rows_read,
        rows_without_time: parsed.down_rows.len(),
        ..ImportSummary::default()
    };
    summary
        .rejected_lines
        .extend(parsed.rejects.iter().map(|reject| LineProblem {
            line: reject.line,
            reason: reject.reason.clone(),
        }));
    let mut by_station: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    let mut station_sections: HashMap<String, Option<String>> = HashMap::new();
    for row in &parsed.rows {
        if !matches!(row.status, RowStatus::Valid) {
            summary.invalid_rows += 1;
        }
        match candidate(connection, &map, &mut station_sections, row, now)? {
            Ok((station, candidate)) => by_station.entry(station).or_default().push(candidate),
            Err(reason) => summary.rejected_lines.push(LineProblem {
                line: row.line,
                reason,
            }),
        }
    }
    let total = by_station.len();
    for (done, (station, candidates)) in by_station.into_iter().enumerate() {
        let section = station_sections
            .get(&station)
            .cloned()
            .flatten()
            .unwrap_or_default();
        import_station(
            connection,
            &station,
            &section,
            candidates,
            options,
            now,
            &mut summary,
        )?;
        progress(done + 1, total);
    }
    summary.rejected_lines.sort_by_key(|problem| problem.line);
    summary.conflict_lines.sort_by_key(|problem| problem.line);
    summary.rejected = summary.rejected_lines.len();
    summary.conflicts = summary.conflict_lines.len();
    Ok(summary)
}
