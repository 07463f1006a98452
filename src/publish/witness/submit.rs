//! One add-checkpoint request (c2sp.org/tlog-witness) and what its answer means: a verified
//! cosignature line, the witness's real size (409), or a refusal.

use std::time::Duration;

use basin_audit::note::{parse_note, verify_cosignature};
use basin_audit::policy::PolicyWitness;
use basin_audit::policy::{add_checkpoint_body, parse_tree_size_body, plan_submission, Submission};
use basin_audit::tree;

use crate::store::log::checkpoints::SignedCheckpoint;
use crate::store::log::DatabaseNodes;
use crate::store::{AnyConnection, StoreError};

/// Connecting to a witness may take this long.
pub(super) const WITNESS_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A whole add-checkpoint request may take this long.
pub(super) const WITNESS_REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// A witness answers with a few signature lines; more is refused.
const WITNESS_RESPONSE_BYTES_MAX: u64 = 64 * 1024;
#[derive(Debug, thiserror::Error)]
pub(super) enum RoundError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the witness is unreachable: {0}")]
    Unreachable(String),
    #[error("the witness refused the checkpoint of size {size} with status {status}: {body}")]
    Refused {
        size: u64,
        status: u16,
        body: String,
    },
    #[error(
        "the witness cosigned size {witness_size}, beyond this log's newest checkpoint {size}"
    )]
    WitnessAhead { witness_size: u64, size: u64 },
    #[error("the witness's answer is not a valid cosignature: {0}")]
    BadCosignature(String),
    #[error("the witness kept answering 409")]
    Conflicts,
}

impl RoundError {
    pub(super) fn outcome(&self) -> String {
        match self {
            Self::Store(_) => "store_error".into(),
            Self::Unreachable(_) => "unreachable".into(),
            Self::Refused { status, .. } => format!("refused_{status}"),
            Self::WitnessAhead { .. } => "witness_ahead".into(),
            Self::BadCosignature(_) => "bad_cosignature".into(),
            Self::Conflicts => "conflicts".into(),
        }
    }
}

pub(super) enum Answer {
    Cosigned(String, u64),
    Conflict(u64),
}

/// One add-checkpoint request for `latest`, proved from `witness_size`.
pub(super) fn submit(
    connection: &mut AnyConnection,
    agent: &ureq::Agent,
    witness: &PolicyWitness,
    latest: &SignedCheckpoint,
    witness_size: u64,
) -> Result<Answer, RoundError> {
    let (old_size, with_proof) = match plan_submission(witness_size, latest.tree_size) {
        Submission::Send { old_size, proof } => (old_size, proof),
        Submission::WitnessAhead { witness_size } => {
            return Err(RoundError::WitnessAhead {
                witness_size,
                size: latest.tree_size,
            })
        }
    };
    // The witness judges the proof: it is sent as the store computes it, so a rewritten
    // history reaches the witness, which refuses it.
    let proof = if with_proof {
        tree::consistency_proof(old_size, latest.tree_size, &DatabaseNodes::new(connection))
            .map_err(StoreError::from)?
    } else {
        Vec::new()
    };
    let body = add_checkpoint_body(old_size, &proof, &latest.note);
    let url = format!(
        "{}/add-checkpoint",
        witness.url.as_deref().unwrap_or_default()
    );
    let response = match agent
        .post(&url)
        .set("Content-Type", "text/plain; charset=utf-8")
        .send_string(&body)
    {
        Ok(response) => response,
        Err(ureq::Error::Status(409, response)) => {
            let text = read_text(response)?;
            return parse_tree_size_body(&text)
                .map(Answer::Conflict)
                .ok_or_else(|| RoundError::Refused {
                    size: latest.tree_size,
                    status: 409,
                    body: text,
                });
        }
        Err(ureq::Error::Status(status, response)) => {
            return Err(RoundError::Refused {
                size: latest.tree_size,
                status,
                body: read_text(response)?.trim_end().chars().take(200).collect(),
            })
        }
        Err(ureq::Error::Transport(error)) => {
            return Err(RoundError::Unreachable(error.to_string()))
        }
    };
    let text = read_text(response)?;
    let checkpoint_text = parse_note(&latest.note)
        .map_err(|error| RoundError::BadCosignature(error.to_string()))?
        .text;
    // Keep the one line that verifies with this witness's key; others are ignored.
    for line in text.split_inclusive('\n') {
        if let Ok(timestamp) = verify_cosignature(
            &checkpoint_text,
            line,
            &witness.key_name,
            &witness.public_key,
        ) {
            return Ok(Answer::Cosigned(line.to_owned(), timestamp));
        }
    }
    Err(RoundError::BadCosignature(
        "no line verifies with the witness's key".to_owned(),
    ))
}

fn read_text(response: ureq::Response) -> Result<String, RoundError> {
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(response.into_reader(), WITNESS_RESPONSE_BYTES_MAX),
        &mut text,
    )
    .map_err(|error| RoundError::Unreachable(error.to_string()))?;
    Ok(text)
}
