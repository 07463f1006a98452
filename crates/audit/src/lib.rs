//! Pure audit-log core of basin-ledger: RFC 8785 canonical JSON, log entries and their
//! hash chain, the RFC 6962 Merkle tree with RFC 9162 proofs, C2SP signed notes and
//! checkpoints, cosignatures, the decisions of a tlog witness, the messages settlements and
//! readings are signed over, and the C2SP tlog-tiles encoding of the tree and its entries.
//!
//! No database, no HTTP, no clock and no randomness: storage reaches the tree only
//! through [`tree::NodeReader`], and keys and times come in as arguments. The server and
//! the offline `verify` command share this code.

pub mod canonical;
pub mod entry;
pub mod hash;
pub mod messages;
pub mod note;
pub mod policy;
pub mod proof;
pub mod tile;
pub mod tree;
pub mod witness;

pub use canonical::{canonical_json, CanonicalError};
pub use entry::{check_chain, parse_leaf, ChainError, ChainWalker, EntryError, LogEntry};
pub use hash::{empty_root, leaf_hash, node_hash, Hash, ZERO_HASH};
pub use note::{Checkpoint, NoteError};
pub use proof::{
    verify_consistency, verify_inclusion, ConsistencyCheck, InclusionCheck, ProofError,
};
pub use tile::{Tile, TileIndex, TileReadError, TileReader, TileSource};
pub use tree::{MemoryTree, NodeId, NodeReader, TreeError};
