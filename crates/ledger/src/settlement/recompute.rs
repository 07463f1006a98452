//! Recomputing a logged document through the one input path: the auditor's replay and the
//! verification endpoint both ask "does this document follow from what counted when it was
//! issued?" with this function, each with its own source.

use super::document::{assemble, AssembledDocument, AssemblyError};
use super::inputs::{gather_inputs, InputError, InputRequest, InputSource};
use crate::entry::{AgreementVersionLogged, LoggedDocument};
use crate::time::parse_instant;

/// The document as recomputed, with the version it was computed from.
#[derive(Debug, Clone)]
pub struct Recomputed {
    pub version: AgreementVersionLogged,
    pub assembled: AssembledDocument,
}

#[derive(Debug, thiserror::Error)]
pub enum RecomputeError<E> {
    #[error("issued_at {0:?} is not an RFC 3339 time")]
    IssuedAt(String),
    #[error(transparent)]
    Inputs(InputError<E>),
    #[error("the document names version {named}, but version {in_effect} was in effect")]
    WrongVersion { named: i64, in_effect: i64 },
    #[error(transparent)]
    Assembly(#[from] AssemblyError),
}

/// Gathers the inputs of `document` from `source` and assembles the document again.
pub fn recompute<S: InputSource>(
    source: &mut S,
    document: &LoggedDocument,
) -> Result<Recomputed, RecomputeError<S::Error>> {
    let issued_at = parse_instant(&document.issued_at)
        .map_err(|_| RecomputeError::IssuedAt(document.issued_at.clone()))?;
    let gathered = gather_inputs(
        source,
        InputRequest {
            agreement: document.agreement.clone(),
            period: document.period,
            id: document.id.clone(),
            issued_at,
            supersedes: document.supersedes.clone(),
        },
    )
    .map_err(RecomputeError::Inputs)?;
    if gathered.version.version != document.agreement_version {
        return Err(RecomputeError::WrongVersion {
            named: document.agreement_version,
            in_effect: gathered.version.version,
        });
    }
    Ok(Recomputed {
        version: gathered.version,
        assembled: assemble(gathered.inputs)?,
    })
}
