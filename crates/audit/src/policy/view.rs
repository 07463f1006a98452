//! Split views: a log that is not an extension of a cosigned checkpoint a party saw before.
//! Cosignatures only say that the witnesses saw a checkpoint; that the log a party is shown
//! now contains the one it saw before is checked against the log's own leaves.

use crate::hash::Hash;
use crate::note::Checkpoint;
use crate::tree::{self, MemoryTree};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitView {
    #[error("the checkpoint seen is of log {seen}, the log served is {served}")]
    OtherLog { seen: String, served: String },
    #[error(
        "split view: the checkpoint seen has {seen} entries, but the log served has only {served} \
         (a rollback, or another history)"
    )]
    Shorter { seen: u64, served: u64 },
    #[error(
        "split view: the log served is not an extension of the checkpoint seen: its first {size} \
         entries have another root (its history differs from what was seen)"
    )]
    OtherHistory { size: u64 },
}

/// What `check_extends` compares: named, because the two checkpoints could be swapped.
#[derive(Debug, Clone, Copy)]
pub struct ExtensionCheck<'a> {
    /// The cosigned checkpoint a party saw before.
    pub seen: &'a Checkpoint,
    /// The checkpoint the log is served with now.
    pub served: &'a Checkpoint,
    /// The leaf hashes of the served log's entries (at least `served.size` of them).
    pub leaf_hashes: &'a [Hash],
}

/// Checks that the served log contains the tree of the checkpoint seen before.
pub fn check_extends(check: ExtensionCheck<'_>) -> Result<(), SplitView> {
    let ExtensionCheck {
        seen,
        served,
        leaf_hashes,
    } = check;
    if seen.origin != served.origin {
        return Err(SplitView::OtherLog {
            seen: seen.origin.clone(),
            served: served.origin.clone(),
        });
    }
    let available = u64::try_from(leaf_hashes.len()).unwrap_or(u64::MAX);
    if seen.size > served.size || seen.size > available {
        return Err(SplitView::Shorter {
            seen: seen.size,
            served: served.size.min(available),
        });
    }
    let prefix = usize::try_from(seen.size).unwrap_or(usize::MAX);
    let tree = MemoryTree::from_leaf_hashes(leaf_hashes.iter().take(prefix).copied());
    match tree::root(seen.size, &tree) {
        Ok(root) if root == seen.root => Ok(()),
        _ => Err(SplitView::OtherHistory { size: seen.size }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::leaf_hash;

    fn checkpoint(leaves: &[Hash]) -> Checkpoint {
        let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
        Checkpoint {
            origin: "example.com/log".into(),
            size: leaves.len() as u64,
            root: tree::root(leaves.len() as u64, &tree).unwrap(),
        }
    }

    #[test]
    fn an_extension_passes_and_a_rewritten_prefix_or_a_shorter_log_is_a_split_view() {
        let leaves: Vec<Hash> = (0..9_u8).map(|i| leaf_hash(&[i])).collect();
        let seen = checkpoint(&leaves[..6]);
        let served = checkpoint(&leaves);
        assert_eq!(
            check_extends(ExtensionCheck {
                seen: &seen,
                served: &served,
                leaf_hashes: &leaves
            }),
            Ok(())
        );
        assert_eq!(
            check_extends(ExtensionCheck {
                seen: &seen,
                served: &seen,
                leaf_hashes: &leaves[..6]
            }),
            Ok(())
        );
        let mut forged = leaves.clone();
        forged[2] = leaf_hash(b"rewritten");
        assert_eq!(
            check_extends(ExtensionCheck {
                seen: &seen,
                served: &checkpoint(&forged),
                leaf_hashes: &forged
            }),
            Err(SplitView::OtherHistory { size: 6 })
        );
        assert_eq!(
            check_extends(ExtensionCheck {
                seen: &served,
                served: &seen,
                leaf_hashes: &leaves[..6]
            }),
            Err(SplitView::Shorter { seen: 9, served: 6 })
        );
        let mut elsewhere = seen.clone();
        elsewhere.origin = "example.com/other".into();
        assert!(matches!(
            check_extends(ExtensionCheck {
                seen: &elsewhere,
                served: &served,
                leaf_hashes: &leaves
            }),
            Err(SplitView::OtherLog { .. })
        ));
    }
}
