//! The readings queries that grow with the ledger read ranges of an index, on both backends: a
//! month's assessment, a settlement's counted readings, the batches that recorded them and their
//! log entries, and a section's reading list. The statements are the store's own (captured as they
//! run on the demo ledger), explained by the database: `EXPLAIN` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite.
//! A full scan of `readings`, `reading_batches` or `log_entries` fails the test.
//!
//! The demo tables are small, and PostgreSQL would rightly scan a small table whatever its
//! indexes; with sequential scans priced out (`enable_seqscan = off`) it still scans only when no
//! index can serve the statement, which is the regression these tests look for. Generic plans
//! (`plan_cache_mode = force_generic_plan`) make the plan independent of the values bound.

use crate::common;

use std::sync::{Arc, Mutex};

use basin_domain::Period;
use basin_ledger::demo;
use basin_ledger::ledger_key::{LedgerKey, LOG_ORIGIN_DEFAULT};
use basin_ledger::model::time::utc_text;
use basin_ledger::store::page::PageRequest;
use basin_ledger::store::readings::{readings_in_period, section_readings};
use basin_ledger::store::settlements::{preview, IssueRequest};
use basin_ledger::store::AnyConnection;
use common::TestDatabase;
use diesel::connection::{InstrumentationEvent, SimpleConnection};
use diesel::prelude::*;
use diesel::sql_types::Text;

/// The tables whose every read must go through an index.
const GROWING_TABLES: [&str; 3] = ["readings", "reading_batches", "log_entries"];

/// Every statement the store sends while `work` runs, as SQL text without its binds.
fn statements_of(
    connection: &mut AnyConnection,
    work: impl FnOnce(&mut AnyConnection),
) -> Vec<String> {
    let captured = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&captured);
    connection.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text
                .split(" -- binds: ")
                .next()
                .unwrap_or_default()
                .to_owned();
            sink.lock().unwrap().push(sql);
        }
    });
    work(connection);
    connection.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let statements = captured.lock().unwrap().clone();
    statements
}

/// The statements that read one of the growing tables.
fn reads_of_growing_tables(statements: &[String]) -> Vec<String> {
    statements
        .iter()
        .filter(|sql| sql.trim_start().to_uppercase().starts_with("SELECT"))
        .filter(|sql| {
            GROWING_TABLES.iter().any(|table| {
                // A join is written `FROM ("a" LEFT OUTER JOIN "b" ON …)`.
                [format!("\"{table}\""), format!("`{table}`")]
                    .iter()
                    .any(|quoted| {
                        sql.contains(&format!("FROM {quoted}"))
                            || sql.contains(&format!("FROM ({quoted}"))
                            || sql.contains(&format!("JOIN {quoted}"))
                    })
            })
        })
        .cloned()
        .collect()
}

#[derive(QueryableByName)]
struct PostgresPlanLine {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

#[derive(QueryableByName)]
struct SqlitePlanLine {
    #[diesel(sql_type = Text)]
    detail: String,
}

/// The database's plan for one captured statement, one line per plan node.
fn plan_of(connection: &mut AnyConnection, sql: &str) -> Vec<String> {
    match connection {
        AnyConnection::Postgresql(inner) => {
            inner
                .batch_execute(
                    "SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan; DEALLOCATE ALL",
                )
                .unwrap();
            inner
                .batch_execute(&format!("PREPARE probe AS {sql}"))
                .unwrap();
            let parameters = (1..)
                .take_while(|number| sql.contains(&format!("${number}")))
                .map(|_| "NULL")
                .collect::<Vec<_>>();
            let explain = if parameters.is_empty() {
                "EXPLAIN EXECUTE probe".to_owned()
            } else {
                format!("EXPLAIN EXECUTE probe({})", parameters.join(", "))
            };
            let lines: Vec<PostgresPlanLine> = diesel::sql_query(explain).load(inner).unwrap();
            inner.batch_execute("DEALLOCATE probe").unwrap();
            lines.into_iter().map(|line| line.line).collect()
        }
        AnyConnection::Sqlite(inner) => {
            let lines: Vec<SqlitePlanLine> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
                .load(inner)
                .unwrap();
            lines.into_iter().map(|line| line.detail).collect()
        }
    }
}

/// The growing table a plan reads whole, if any: a sequential scan (PostgreSQL) or `SCAN`
/// (SQLite), or an index walked from end to end with no condition bounding it (PostgreSQL's way
/// around a disabled sequential scan).
fn scans_a_growing_table(plan: &[String]) -> Option<&'static str> {
    for (position, line) in plan.iter().enumerate() {
        let node = line.trim_start().trim_start_matches("->").trim();
        for table in GROWING_TABLES {
            let sqlite =
                node == format!("SCAN {table}") || node.starts_with(&format!("SCAN {table} "));
            let sequential = node.starts_with(&format!("Seq Scan on {table} "));
            let unbounded_index = (node.starts_with("Index Scan using ")
                || node.starts_with("Index Only Scan using "))
                && node.contains(&format!(" on {table} "))
                && !plan[position + 1..]
                    .iter()
                    .take_while(|detail| !detail.contains("->"))
                    .any(|detail| detail.contains("Index Cond:"));
            if sqlite || sequential || unbounded_index {
                return Some(table);
            }
        }
    }
    None
}

/// Whether a plan reads `readings` as a range of the (section, sampled_at, id) index, bounded by
/// the section: not merely the index's name (PostgreSQL can walk an index whole, with a condition
/// on a later column only).
fn reads_a_section_range(plan: &str) -> bool {
    let sqlite = plan.contains("SEARCH readings USING INDEX readings_section_time (section")
        || plan.contains("SEARCH readings USING COVERING INDEX readings_section_time (section");
    let lines: Vec<&str> = plan.lines().collect();
    let postgres = lines.iter().enumerate().any(|(position, line)| {
        line.contains("readings_section_time on readings")
            && lines[position + 1..]
                .iter()
                .take_while(|detail| !detail.contains("->"))
                .filter_map(|detail| detail.split("Index Cond: ").nth(1))
                .any(|condition| condition.trim_start_matches('(').starts_with("section "))
    });
    sqlite || postgres
}

/// Explains every read of a growing table among `statements`, fails on a full scan, and returns
/// the plans (to check which index served).
fn assert_index_range_scans(
    connection: &mut AnyConnection,
    what: &str,
    statements: &[String],
) -> Vec<String> {
    let reads = reads_of_growing_tables(statements);
    assert!(
        !reads.is_empty(),
        "{what} read none of {GROWING_TABLES:?}: {statements:#?}"
    );
    let mut plans = Vec::new();
    for sql in reads {
        let plan = plan_of(connection, &sql);
        if let Some(table) = scans_a_growing_table(&plan) {
            panic!("{what} scans all of {table}:\n{sql}\n{}", plan.join("\n"));
        }
        plans.push(plan.join("\n"));
    }
    plans
}

fn demo_ledger(database: &TestDatabase) -> basin_ledger::store::Pool {
    let pool = database.pool();
    let mut connection = pool.get().unwrap();
    let key = LedgerKey::generate(LOG_ORIGIN_DEFAULT).unwrap();
    demo::setup(&mut connection, &key, chrono::Utc::now()).unwrap();
    if let AnyConnection::Postgresql(inner) = &mut *connection {
        inner.batch_execute("ANALYZE").unwrap();
    }
    pool
}

fn month_bounds(text: &str) -> (String, String) {
    let period = Period::parse(text).unwrap();
    (utc_text(period.start_utc()), utc_text(period.end_utc()))
}

#[test]
fn a_months_assessment_reads_a_range_of_the_section_time_index() {
    let database = TestDatabase::new();
    let pool = demo_ledger(&database);
    let mut connection = pool.get().unwrap();
    let (start, end) = month_bounds("2020-07");
    let statements = statements_of(&mut connection, |connection| {
        let counted =
            readings_in_period(connection, &["gubeikou".to_owned()], &start, &end, true).unwrap();
        assert!(!counted.is_empty(), "the demo has July 2020 at gubeikou");
    });
    let plans = assert_index_range_scans(&mut connection, "a month's assessment", &statements);
    assert!(
        plans.iter().all(|plan| reads_a_section_range(plan)),
        "{plans:#?}"
    );
}

#[test]
fn without_the_section_time_index_the_assessment_reads_no_section_range() {
    let database = TestDatabase::new();
    let pool = demo_ledger(&database);
    let mut connection = pool.get().unwrap();
    connection
        .batch_execute("DROP INDEX readings_section_time")
        .unwrap();
    let (start, end) = month_bounds("2020-07");
    let statements = statements_of(&mut connection, |connection| {
        readings_in_period(connection, &["gubeikou".to_owned()], &start, &end, true).unwrap();
    });
    let reads = reads_of_growing_tables(&statements);
    assert_eq!(reads.len(), 1, "{statements:#?}");
    let plan = plan_of(&mut connection, &reads[0]);
    assert!(!reads_a_section_range(&plan.join("\n")), "{plan:#?}");
}

#[test]
fn a_settlements_readings_of_several_sections_as_of_a_log_index_read_index_ranges() {
    let database = TestDatabase::new();
    let pool = demo_ledger(&database);
    let mut connection = pool.get().unwrap();
    let (start, end) = month_bounds("2020");
    let sections = ["gubeikou".to_owned(), "bahaoqiao".to_owned()];
    let statements = statements_of(&mut connection, |connection| {
        // Every reading, whatever counts now: the verification endpoint's query.
        let all = readings_in_period(connection, &sections, &start, &end, false).unwrap();
        assert!(!all.is_empty());
    });
    let plans = assert_index_range_scans(&mut connection, "a settlement's readings", &statements);
    assert!(
        plans.iter().all(|plan| reads_a_section_range(plan)),
        "{plans:#?}"
    );
}

#[test]
fn issuing_a_yearly_settlement_reads_its_readings_and_batches_through_indexes() {
    let database = TestDatabase::new();
    let pool = demo_ledger(&database);
    let mut connection = pool.get().unwrap();
    let request = IssueRequest {
        agreement: demo::agreements::GUANTING_ANNUAL.into(),
        period: Period::parse("2020").unwrap(),
        supersedes: None,
    };
    let statements = statements_of(&mut connection, |connection| {
        let previewed = preview(connection, &request, chrono::Utc::now()).unwrap();
        assert!(previewed.dry_run);
    });
    let plans = assert_index_range_scans(&mut connection, "a settlement's inputs", &statements);
    assert!(
        plans.iter().any(|plan| reads_a_section_range(plan)),
        "{plans:#?}"
    );
    assert!(
        plans
            .iter()
            .any(|plan| plan.contains("reading_batches_batch_id")),
        "the batches are found by batch id: {plans:#?}"
    );
    assert!(
        plans.iter().any(|plan| plan.contains("log_entries")),
        "their log entries are read by index: {plans:#?}"
    );
}

#[test]
fn a_sections_reading_list_pages_through_the_section_time_index() {
    let database = TestDatabase::new();
    let pool = demo_ledger(&database);
    let mut connection = pool.get().unwrap();
    let (start, end) = month_bounds("2020-07");
    let statements = statements_of(&mut connection, |connection| {
        let first = section_readings(
            connection,
            "gubeikou",
            Some(&start),
            Some(&end),
            &PageRequest {
                limit: 10,
                after: None,
            },
        )
        .unwrap();
        let last = first.items.last().unwrap();
        section_readings(
            connection,
            "gubeikou",
            Some(&start),
            Some(&end),
            &PageRequest {
                limit: 10,
                after: Some((last.sampled_at.clone(), last.id)),
            },
        )
        .unwrap();
    });
    let plans = assert_index_range_scans(&mut connection, "a section's reading list", &statements);
    assert!(
        plans.iter().all(|plan| reads_a_section_range(plan)),
        "{plans:#?}"
    );
}
