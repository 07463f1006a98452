//! Which signed checkpoints are published, and the witnesses' cosignatures on them. The store
//! records what the publisher decided: without a witness policy a checkpoint is published once
//! signed; with one, once its verified cosignatures meet the quorum (decided in
//! `basin_audit::policy`). Readers re-verify what they read here.

use diesel::prelude::*;

use super::to_i64;
use crate::store::connection::AnyConnection;
use crate::store::error::{is_unique_violation, StoreError};
use crate::store::schema::{log_cosignatures, log_publications};

/// One witness's cosignature line on the checkpoint of `tree_size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCosignature {
    pub witness: String,
    pub signature_line: String,
    pub cosigned_at: u64,
}

/// Marks the signed checkpoint of `tree_size` published. Publishing twice (another server got
/// there first) is not an error.
pub fn publish(
    connection: &mut AnyConnection,
    tree_size: u64,
    published_at: &str,
) -> Result<(), StoreError> {
    let inserted = diesel::insert_into(log_publications::table)
        .values((
            log_publications::tree_size.eq(to_i64(tree_size)?),
            log_publications::published_at.eq(published_at),
        ))
        .execute(connection);
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// The size of the newest published checkpoint.
pub fn latest_published_size(connection: &mut AnyConnection) -> Result<Option<u64>, StoreError> {
    let size: Option<i64> = log_publications::table
        .select(diesel::dsl::max(log_publications::tree_size))
        .first(connection)?;
    size.map(to_u64).transpose()
}

pub fn is_published(connection: &mut AnyConnection, tree_size: u64) -> Result<bool, StoreError> {
    let count: i64 = log_publications::table
        .filter(log_publications::tree_size.eq(to_i64(tree_size)?))
        .count()
        .get_result(connection)?;
    Ok(count > 0)
}

/// Stores a verified cosignature; a second one by the same witness for the same size (another
/// server stored it first) is not an error.
pub fn store_cosignature(
    connection: &mut AnyConnection,
    tree_size: u64,
    cosignature: &StoredCosignature,
) -> Result<(), StoreError> {
    let inserted = diesel::insert_into(log_cosignatures::table)
        .values((
            log_cosignatures::tree_size.eq(to_i64(tree_size)?),
            log_cosignatures::witness.eq(&cosignature.witness),
            log_cosignatures::signature_line.eq(&cosignature.signature_line),
            log_cosignatures::cosigned_at.eq(to_i64(cosignature.cosigned_at)?),
        ))
        .execute(connection);
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Every stored cosignature on the checkpoint of `tree_size`, by witness name.
pub fn cosignatures(
    connection: &mut AnyConnection,
    tree_size: u64,
) -> Result<Vec<StoredCosignature>, StoreError> {
    let rows: Vec<(String, String, i64)> = log_cosignatures::table
        .filter(log_cosignatures::tree_size.eq(to_i64(tree_size)?))
        .order(log_cosignatures::witness)
        .select((
            log_cosignatures::witness,
            log_cosignatures::signature_line,
            log_cosignatures::cosigned_at,
        ))
        .load(connection)?;
    rows.into_iter()
        .map(|(witness, signature_line, cosigned_at)| {
            Ok(StoredCosignature {
                witness,
                signature_line,
                cosigned_at: to_u64(cosigned_at)?,
            })
        })
        .collect()
}

/// The largest size `witness` cosigned, as far as this database knows.
pub fn last_cosigned_size(
    connection: &mut AnyConnection,
    witness: &str,
) -> Result<Option<u64>, StoreError> {
    let size: Option<i64> = log_cosignatures::table
        .filter(log_cosignatures::witness.eq(witness))
        .select(diesel::dsl::max(log_cosignatures::tree_size))
        .first(connection)?;
    size.map(to_u64).transpose()
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative tree size {value}")))
}
