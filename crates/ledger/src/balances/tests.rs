use std::collections::BTreeMap;

use basin_domain::money::FEN_MAGNITUDE_MAX;
use basin_domain::{Code, Fen, Period};

use super::*;
use crate::settlement::lifecycle::Status;
use crate::time::parse_instant;

fn code(text: &str) -> Code {
    Code::parse(text).unwrap()
}

fn fen(amount: i64) -> Fen {
    Fen::new(amount).unwrap()
}

/// A settlement of `amount` fen in which BJ pays HE-CD, with the given payments.
fn settlement(id: u64, period: &str, status: Status, payments: &[i64]) -> SettlementRecord {
    SettlementRecord {
        id,
        agreement: code("miyun"),
        agreement_version: 1,
        period: Period::parse(period).unwrap(),
        status,
        payer: Some(code("BJ")),
        payee: Some(code("HE-CD")),
        amount_fen: fen(1_000),
        net_fen: fen(-1_000),
        log_index: id,
        superseded_by: None,
        components: Vec::new(),
        payments: payments
            .iter()
            .map(|amount| PaymentRecord {
                reference: format!("ref-{amount}"),
                amount_fen: fen(*amount),
                paid_at: parse_instant("2025-09-01T00:00:00Z").unwrap(),
                recorded_at: parse_instant("2025-09-02T00:00:00Z").unwrap(),
                log_index: 100,
            })
            .collect(),
    }
}

fn year(settlements: Vec<SettlementRecord>) -> YearOfSettlements {
    YearOfSettlements {
        settlements,
        parties: BTreeMap::from([(
            code("miyun"),
            Parties {
                upstream: code("HE-CD"),
                downstream: code("BJ"),
            },
        )]),
    }
}

#[test]
fn yuan_text_is_exact_for_every_amount_of_fen() {
    assert_eq!(yuan_text(fen(0)), "0.00");
    assert_eq!(yuan_text(fen(5)), "0.05");
    assert_eq!(yuan_text(fen(-5)), "-0.05");
    assert_eq!(yuan_text(fen(505_167_000)), "5051670.00");
    assert_eq!(yuan_text(fen(-FEN_MAGNITUDE_MAX)), "-90071992547409.91");
    assert_eq!(yuan_text(fen(FEN_MAGNITUDE_MAX)), "90071992547409.91");
}

#[test]
fn a_superseded_settlement_owes_nothing_but_its_payments_still_count() {
    let year = year(vec![
        settlement(1, "2025-07", Status::Superseded, &[300]),
        settlement(2, "2025-07", Status::Acknowledged, &[200]),
    ]);
    let pairs = balances(&year, Some(&code("BJ"))).unwrap();
    assert_eq!(pairs.len(), 1);
    let amounts = &pairs[0].amounts;
    assert_eq!(pairs[0].counterparty, code("HE-CD"));
    assert_eq!(amounts.owed_to_counterparty_fen, fen(1_000));
    assert_eq!(amounts.paid_to_counterparty_fen, fen(500));
    assert_eq!(amounts.outstanding_to_counterparty_fen, fen(500));
    assert_eq!(amounts.net_outstanding_fen, fen(500));
    assert_eq!(
        (amounts.settlements, amounts.superseded_settlements),
        (1, 1)
    );
}

#[test]
fn the_other_side_sees_the_same_amounts_mirrored() {
    let year = year(vec![settlement(1, "2025-07", Status::Issued, &[])]);
    let upstream = balances(&year, Some(&code("HE-CD"))).unwrap();
    assert_eq!(upstream[0].amounts.owed_by_counterparty_fen, fen(1_000));
    assert_eq!(upstream[0].amounts.net_outstanding_fen, fen(-1_000));
}

#[test]
fn a_settlement_of_an_unknown_agreement_is_an_error_not_skipped() {
    let mut year = year(vec![settlement(7, "2025-07", Status::Issued, &[])]);
    year.parties.clear();
    assert_eq!(
        balances(&year, None),
        Err(BalanceError::UnknownAgreement(7))
    );
}

#[test]
fn statement_lines_are_ordered_by_period_text_then_numeric_id() {
    let year = year(vec![
        settlement(10, "2025-Q3", Status::Issued, &[]),
        settlement(9, "2025-07", Status::Issued, &[]),
        settlement(11, "2025-07", Status::Issued, &[]),
        settlement(12, "2025", Status::Issued, &[]),
    ]);
    let statement = statement(&year, &code("BJ"), 2025).unwrap();
    let order: Vec<u64> = statement
        .lines
        .iter()
        .map(|line| line.settlement.id)
        .collect();
    assert_eq!(order, [12, 9, 11, 10]);
    assert_eq!(statement.lines[0].direction, Direction::Pay);
}

#[test]
fn the_csv_starts_with_a_byte_order_mark_and_prints_missing_names_empty() {
    let year = year(vec![settlement(1, "2025-07", Status::Issued, &[400])]);
    let statement = statement(&year, &code("BJ"), 2025).unwrap();
    let bytes = statement_csv(&statement, &Names::default()).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.starts_with('\u{feff}'));
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 3, "header, settlement, payment");
    assert_eq!(
        rows[1],
        "settlement,1,miyun,,2025-07,issued,HE-CD,,pay,,,1000,10.00,400,600,,1"
    );
    assert_eq!(
        rows[2],
        "payment,1,miyun,,2025-07,issued,HE-CD,,pay,,,400,4.00,,,ref-400,100"
    );
}
