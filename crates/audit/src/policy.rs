//! Transparency-log policies (c2sp.org/tlog-policy): the logs and witnesses a party trusts and
//! the quorum of cosignatures that makes a checkpoint valid. Parsed strictly (errors name the
//! line); evaluated without I/O. The ledger pushes its checkpoints to the policy's witnesses
//! and serves the newest one that meets the quorum; verifiers refuse one that does not.

mod check;
mod parse;
mod submission;
mod view;

pub use check::{CosignedCheckpoint, PolicyCheckError};
pub use parse::{PolicyError, PolicyErrorKind, POLICY_BYTES_MAX, POLICY_NAMES_MAX};
pub use submission::{add_checkpoint_body, parse_tree_size_body, plan_submission, Submission};
pub use view::{check_extends, ExtensionCheck, SplitView};

use ed25519_dalek::VerifyingKey;

/// A log the policy accepts checkpoints from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLog {
    /// The vkey's name, which is the log's origin line.
    pub origin: String,
    pub public_key: VerifyingKey,
    pub url: Option<String>,
}

/// A witness: its name in the policy, the name and key its cosignatures carry, and its
/// submission prefix (the ledger POSTs `<url>/add-checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWitness {
    pub name: String,
    pub key_name: String,
    pub public_key: VerifyingKey,
    pub url: Option<String>,
}

/// A group member: a witness or an earlier group, by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Member {
    Witness(usize),
    Group(usize),
}

/// A group witnesses a checkpoint when at least `threshold` of its members do.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: String,
    threshold: usize,
    members: Vec<Member>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    logs: Vec<PolicyLog>,
    witnesses: Vec<PolicyWitness>,
    groups: Vec<Group>,
    /// `None` for `quorum none`: no cosignature is required.
    quorum: Option<Member>,
}

impl Policy {
    pub fn logs(&self) -> &[PolicyLog] {
        &self.logs
    }

    pub fn witnesses(&self) -> &[PolicyWitness] {
        &self.witnesses
    }

    /// Whether cosignatures by the witnesses for which `cosigned(index)` holds (indexes into
    /// [`Policy::witnesses`]) satisfy the quorum.
    pub fn quorum_met(&self, cosigned: impl Fn(usize) -> bool) -> bool {
        // Groups name only earlier groups, so one pass in definition order evaluates them all.
        let mut groups_met: Vec<bool> = Vec::with_capacity(self.groups.len());
        for group in &self.groups {
            let witnessed = group
                .members
                .iter()
                .filter(|member| match member {
                    Member::Witness(index) => cosigned(*index),
                    Member::Group(index) => groups_met.get(*index).copied().unwrap_or(false),
                })
                .count();
            groups_met.push(witnessed >= group.threshold);
        }
        match self.quorum {
            None => true,
            Some(Member::Witness(index)) => cosigned(index),
            Some(Member::Group(index)) => groups_met.get(index).copied().unwrap_or(false),
        }
    }

    /// The quorum met by the witnesses named (policy names).
    pub fn quorum_met_by(&self, names: &[&str]) -> bool {
        self.quorum_met(|index| {
            self.witnesses
                .get(index)
                .is_some_and(|witness| names.contains(&witness.name.as_str()))
        })
    }
}
