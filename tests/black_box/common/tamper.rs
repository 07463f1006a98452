//! Altering stored rows behind the ledger's back, as a dishonest operator (or a damaged disk)
//! would: the integrity tests' one way in.

use diesel::prelude::*;

/// Runs one SQL statement that must change exactly one row.
pub fn execute(pool: &basin_ledger::store::Pool, statement: &str) {
    let mut connection = pool.get().expect("connection");
    let changed = diesel::sql_query(statement)
        .execute(&mut *connection)
        .expect("tampering statement runs");
    assert_eq!(changed, 1, "{statement}");
}
