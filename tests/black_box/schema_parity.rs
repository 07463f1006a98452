//! Both backends' migrations build the same tables with the same columns.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use crate::common;

use std::collections::BTreeSet;

use basin_ledger::store::AnyConnection;
use common::TestDatabase;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

fn columns(connection: &mut AnyConnection) -> BTreeSet<(String, String)> {
    let query = match connection {
        AnyConnection::Sqlite(_) => {
            "SELECT m.name AS table_name, p.name AS column_name
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
        }
        AnyConnection::Postgresql(_) => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name
             FROM information_schema.columns WHERE table_schema = current_schema()"
        }
    };
    diesel::sql_query(query)
        .load::<Column>(connection)
        .expect("catalogue query")
        .into_iter()
        .map(|column| (column.table_name, column.column_name))
        .collect()
}

/// PostgreSQL for the comparison: `DATABASE_URL` when it names one, else the local server that
/// these machines run. Under CI its absence is a failure; elsewhere the test says it skipped.
fn postgres_url() -> Option<String> {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    use diesel::Connection;
    match diesel::PgConnection::establish(&url) {
        Ok(_) => Some(url),
        Err(error) if std::env::var_os("CI").is_some() => {
            panic!("PostgreSQL is required under CI: {error}")
        }
        Err(error) => {
            eprintln!("SKIPPED: no PostgreSQL reachable for the schema comparison ({error})");
            None
        }
    }
}

#[test]
fn sqlite_and_postgresql_have_the_same_tables_and_columns() {
    let Some(url) = postgres_url() else { return };
    let sqlite = TestDatabase::sqlite();
    let postgres = TestDatabase::postgres(&url);
    let sqlite_columns = columns(&mut sqlite.pool().get().unwrap());
    let postgres_columns = columns(&mut postgres.pool().get().unwrap());
    assert!(sqlite_columns.contains(&("log_entries".to_owned(), "leaf_hash".to_owned())));
    assert!(sqlite_columns.len() > 40, "{sqlite_columns:?}");
    let only_sqlite: Vec<_> = sqlite_columns.difference(&postgres_columns).collect();
    let only_postgres: Vec<_> = postgres_columns.difference(&sqlite_columns).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_postgres:?}"
    );
}
