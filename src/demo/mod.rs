//! `basin-ledger serve --demo`: a ledger with real published data to look at. It registers the
//! Miyun and Guanting sections, imports the national monitoring system's daily rows for Beijing and
//! Hebei (2020-05-08 to 2021-04-05, read from the repository at build time), registers the example
//! agreements and issues a settlement for every period with enough data. Every step skips what
//! exists, so restarting with `--demo` adds nothing.

pub mod agreements;
mod registry;

use std::fmt::Write;

use anyhow::Context;
use basin_domain::evaluation::EvaluationError;
use basin_domain::period::Month;
use basin_domain::Period;
use chrono::{DateTime, Utc};

use crate::api::agreements::{prepare_agreement, NewAgreement};
use crate::import::cnemc::{import_cnemc, ImportOptions};
use crate::ledger_key::LedgerKey;
use crate::model::settlement::Settlement;
use crate::model::time::utc_text;
use crate::store::page::PageRequest;
use crate::store::settlements::queries::{list_settlements, SettlementFilter};
use crate::store::settlements::{issue, IssueRequest, SettlementError};
use crate::store::{self, AnyConnection};
use basin_ledger_core::settlement::periods::months_between;

pub(crate) const DAILY_ROWS: &[u8] =
    include_bytes!("../../examples/data/cnemc/cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv");
const STATION_MAP: &[u8] = include_bytes!("../../examples/data/cnemc/map.csv");

/// The months the daily file covers (China time).
const FIRST_MONTH: (i32, u32) = (2020, 5);
const LAST_MONTH: (i32, u32) = (2021, 4);
const YEARS: [i32; 2] = [2020, 2021];

#[derive(Debug, Clone)]
pub struct DemoSettlement {
    pub agreement: String,
    pub section: String,
    pub settlement: Settlement,
}

#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub registry_created: usize,
    pub readings_created: usize,
    pub agreements_created: usize,
    pub settlements_issued: usize,
    /// Every settlement in force for the demo agreements, by agreement then period.
    pub settlements: Vec<DemoSettlement>,
    /// (agreement, period, why): periods refused for missing data.
    pub skipped: Vec<(String, String, String)>,
}

pub fn setup(
    connection: &mut AnyConnection,
    ledger_key: &LedgerKey,
    now: DateTime<Utc>,
) -> anyhow::Result<DemoSummary> {
    let created_at = utc_text(now);
    let mut summary = DemoSummary {
        registry_created: registry::register(connection, &created_at).context("demo registry")?,
        ..DemoSummary::default()
    };
    let import = import_cnemc(
        connection,
        DAILY_ROWS,
        STATION_MAP,
        &ImportOptions {
            year: None,
            revise: false,
        },
        now,
        &mut |_, _| {},
    )
    .context("importing the demo readings")?;
    summary.readings_created = import.readings_created;
    for (code, section, body) in agreements::agreements() {
        if store::agreements::find_agreement(connection, code)?.is_none() {
            let request: NewAgreement = serde_json::from_value(body)?;
            let version = prepare_agreement(connection, &request, now)
                .map_err(|error| anyhow::anyhow!("demo agreement {code}: {:?}", error.problem()))?;
            store::write_transaction(connection, |connection, log| {
                store::agreements::create_agreement(connection, log, &version)
            })?;
            summary.agreements_created += 1;
        }
        let periods = match store::settlements::period_kind(
            &store::agreements::get_agreement_row(connection, code)?.period_kind,
        )? {
            basin_domain::PeriodKind::Year => YEARS
                .iter()
                .filter_map(|year| Period::parse(&year.to_string()).ok())
                .collect(),
            _ => demo_months(),
        };
        for period in periods {
            settle(connection, ledger_key, code, period, now, &mut summary)?;
        }
        let in_force = SettlementFilter {
            agreement: Some(code.to_owned()),
            ..SettlementFilter::default()
        };
        let page = list_settlements(
            connection,
            &in_force,
            &PageRequest {
                limit: 1000,
                after: None,
            },
        )?;
        summary.settlements.extend(
            page.items
                .into_iter()
                .filter(|settlement| settlement.status != "superseded")
                .map(|settlement| DemoSettlement {
                    agreement: code.to_owned(),
                    section: section.to_owned(),
                    settlement,
                }),
        );
    }
    Ok(summary)
}

fn demo_months() -> Vec<Period> {
    match (
        Month::new(FIRST_MONTH.0, FIRST_MONTH.1),
        Month::new(LAST_MONTH.0, LAST_MONTH.1),
    ) {
        (Ok(first), Ok(last)) => months_between(first, last),
        _ => Vec::new(),
    }
}

/// Issues the period's settlement unless one is in force; a period without enough data is
/// recorded as skipped, any other failure stops the demo.
fn settle(
    connection: &mut AnyConnection,
    ledger_key: &LedgerKey,
    agreement: &str,
    period: Period,
    now: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> anyhow::Result<()> {
    let filter = SettlementFilter {
        agreement: Some(agreement.to_owned()),
        period: Some(period.to_string()),
        status: None,
    };
    let existing = list_settlements(
        connection,
        &filter,
        &PageRequest {
            limit: 10,
            after: None,
        },
    )?;
    if existing
        .items
        .iter()
        .any(|settlement| settlement.status != "superseded")
    {
        return Ok(());
    }
    let request = IssueRequest {
        agreement: agreement.to_owned(),
        period,
        supersedes: None,
    };
    let issued = store::write_transaction_as(connection, |connection, log| {
        issue(connection, log, ledger_key, &request, now)
    });
    match issued {
        Ok(_) => summary.settlements_issued += 1,
        Err(SettlementError::Evaluation(EvaluationError::Incomplete(missing))) => {
            let why: Vec<String> = missing.iter().map(ToString::to_string).collect();
            summary
                .skipped
                .push((agreement.to_owned(), period.to_string(), why.join("; ")));
        }
        Err(error) => return Err(error).with_context(|| format!("settling {agreement} {period}")),
    }
    Ok(())
}

impl DemoSummary {
    /// What to print on standard output: the settlements and where to look.
    pub fn report(&self, bind: &str) -> String {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "Demo ready: {} registry entries, {} readings and {} agreements added now; {} settlements issued now, {} in force.",
            self.registry_created,
            self.readings_created,
            self.agreements_created,
            self.settlements_issued,
            self.settlements.len()
        );
        for item in &self.settlements {
            let document = &item.settlement.document;
            let direction = match (&document.payer, &document.payee) {
                (Some(payer), Some(payee)) => format!("{payer} pays {payee}"),
                _ => "nothing to pay".to_owned(),
            };
            let _ = writeln!(
                text,
                "  {:<28} {:<10} {:<8} settlement {:>3}: {} {} yuan",
                item.agreement,
                item.section,
                document.period,
                document.id,
                direction,
                yuan(document.amount_fen)
            );
        }
        if !self.skipped.is_empty() {
            let periods: Vec<String> = self
                .skipped
                .iter()
                .map(|(agreement, period, _)| format!("{agreement} {period}"))
                .collect();
            let _ = writeln!(text, "  not settled (missing data): {}", periods.join(", "));
        }
        let _ = writeln!(
            text,
            "Look at http://{bind}/docs/ and GET http://{bind}/v1/settlements?agreement={} with the admin token \
             printed on the first start (only its hash is stored; `basin-ledger token create --role auditor` mints a \
             read-only one).",
            agreements::MIYUN
        );
        text
    }
}

/// Fen as yuan with two decimals, by integer arithmetic.
fn yuan(amount_fen: i64) -> String {
    let sign = if amount_fen < 0 { "-" } else { "" };
    let magnitude = amount_fen.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}
