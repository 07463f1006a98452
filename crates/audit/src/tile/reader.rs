//! Reading a tree through tiles, trusting nothing but a checkpoint's size and root.
//!
//! Every tile is checked before any hash from it is used, whichever hash it was fetched for:
//! - the partial tiles of the right edge (one per nonzero base-256 digit of the size) together
//!   determine the root, so they are fetched together and the root recomputed from all of their
//!   hashes must be the checkpoint's;
//! - a full tile's 256 hashes make one hash of the tile above it, which must be the one that
//!   (already checked) tile holds.
//!
//! A tile is cached only once it passed, so a corrupted tile is an error for every hash in it.
//! Go's `tlog.TileHashReader` (x/mod 0.7.0, issue 11) can return a hash from a corrupted level-0
//! tile without error when that tile was fetched for another index; here no hash is returned
//! from a tile that has not itself been checked, whatever it was fetched for.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::bundle::{decode_bundle, BundleError};
use super::{
    perfect_root, right_edge_tiles, tile_of_tree, tree_tiles, Tile, TileIndex, TILE_HEIGHT,
    TILE_WIDTH_FULL,
};
use crate::hash::{empty_root, hash_to_hex, leaf_hash, Hash, HASH_BYTES};
use crate::tree::{fold_perfect_hashes, NodeId, NodeReader};

/// Where tiles and entry bundles come from (a tlog-tiles server, a cache, a test).
pub trait TileSource {
    type Error: std::error::Error + 'static;
    /// The bytes served at `tile/<tile>`.
    fn read_tile(&self, tile: Tile) -> Result<Vec<u8>, Self::Error>;
    /// The bytes served at `tile/entries/<bundle>`.
    fn read_entry_bundle(&self, bundle: TileIndex) -> Result<Vec<u8>, Self::Error>;
}

#[derive(Debug, thiserror::Error)]
pub enum TileReadError<E: std::error::Error + 'static> {
    #[error("fetching {resource} failed")]
    Source {
        resource: String,
        #[source]
        error: E,
    },
    #[error("tile {tile} is {bytes} bytes; it must be {expected}")]
    WrongLength {
        tile: Tile,
        bytes: usize,
        expected: usize,
    },
    #[error("the tree of size {tree_size} has no {what}")]
    NotInTree { what: String, tree_size: u64 },
    #[error("tile {tile} does not hash to what tile {parent} holds for it")]
    TileMismatch { tile: Tile, parent: Tile },
    #[error("the right-edge tiles give root {computed}, but the checkpoint of size {tree_size} says {expected}")]
    RootMismatch {
        tree_size: u64,
        computed: String,
        expected: String,
    },
    #[error("entry bundle {bundle}: {source}")]
    Bundle {
        bundle: TileIndex,
        #[source]
        source: BundleError,
    },
    #[error("entry {index} in its bundle does not hash to its leaf hash in the checked tile")]
    EntryMismatch { index: u64 },
}

/// Reads the tree of one checkpoint through tiles, checking each tile it fetches. It answers
/// [`NodeReader`] too, so roots and proofs computed by [`crate::tree`] over it come from
/// checked tiles only.
pub struct TileReader<'s, S: TileSource> {
    tree_size: u64,
    root: Hash,
    source: &'s S,
    checked: RefCell<CheckedTiles>,
    tiles_fetched: Cell<usize>,
}

/// Checked tiles' hashes by (tile level, index).
type CheckedTiles = HashMap<(u8, u64), Rc<Vec<Hash>>>;

type ReadResult<T, S> = Result<T, TileReadError<<S as TileSource>::Error>>;

impl<'s, S: TileSource> TileReader<'s, S> {
    /// A reader for the tree of `tree_size` leaves whose root a checkpoint signed.
    pub fn new(tree_size: u64, root: Hash, source: &'s S) -> Self {
        Self {
            tree_size,
            root,
            source,
            checked: RefCell::new(HashMap::new()),
            tiles_fetched: Cell::new(0),
        }
    }

    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// How many tiles were fetched so far (each at most once).
    pub fn tiles_fetched(&self) -> usize {
        self.tiles_fetched.get()
    }

    /// Fetches and checks every tile of the tree (about `tree_size / 255`). The empty tree
    /// has no tiles; its root must be `SHA-256("")`.
    pub fn verify_tree(&self) -> ReadResult<(), S> {
        if self.tree_size == 0 {
            return self.check_root(empty_root());
        }
        for tile in tree_tiles(self.tree_size) {
            self.tile_hashes(tile.level(), tile.position().index())?;
        }
        Ok(())
    }

    /// The checked hashes of tile `index` at `level`, as the tree has it (full or partial).
    pub fn tile_hashes(&self, level: u8, index: u64) -> ReadResult<Rc<Vec<Hash>>, S> {
        if let Some(hashes) = self.checked.borrow().get(&(level, index)) {
            return Ok(Rc::clone(hashes));
        }
        let tile = tile_of_tree(self.tree_size, level, index)
            .ok_or_else(|| self.not_in_tree(format!("tile {level}/{}", TileIndex::full(index))))?;
        if tile.position().is_full() {
            self.check_full_tile(tile)
        } else {
            self.check_right_edge()?;
            self.checked
                .borrow()
                .get(&(level, index))
                .cloned()
                .ok_or_else(|| self.not_in_tree(format!("tile {tile}")))
        }
    }

    /// The leaves of entry bundle `index`, each checked against its leaf hash in the checked
    /// level-0 tile.
    pub fn entry_bundle(&self, index: u64) -> ReadResult<Vec<Vec<u8>>, S> {
        let tile = tile_of_tree(self.tree_size, 0, index)
            .ok_or_else(|| self.not_in_tree(format!("entry bundle {}", TileIndex::full(index))))?;
        let leaf_hashes = self.tile_hashes(0, index)?;
        let bundle = tile.position();
        let bytes =
            self.source
                .read_entry_bundle(bundle)
                .map_err(|error| TileReadError::Source {
                    resource: format!("entry bundle {bundle}"),
                    error,
                })?;
        let entries = decode_bundle(&bytes, bundle.width())
            .map_err(|source| TileReadError::Bundle { bundle, source })?;
        let first_index = index * u64::from(TILE_WIDTH_FULL);
        for (offset, (entry, expected)) in entries.iter().zip(leaf_hashes.iter()).enumerate() {
            if leaf_hash(entry) != *expected {
                return Err(TileReadError::EntryMismatch {
                    index: first_index + offset as u64,
                });
            }
        }
        Ok(entries.into_iter().map(<[u8]>::to_vec).collect())
    }

    /// A full tile is checked against the hash its parent tile (checked first) holds for it.
    /// The recursion climbs at most eight tile levels.
    fn check_full_tile(&self, tile: Tile) -> ReadResult<Rc<Vec<Hash>>, S> {
        let hashes = self.fetch(tile)?;
        let (parent, offset) = tile
            .parent()
            .ok_or_else(|| self.not_in_tree(format!("parent of tile {tile}")))?;
        let parent_index = parent.position().index();
        let parent_hashes = self.tile_hashes(parent.level(), parent_index)?;
        let mismatch = || TileReadError::TileMismatch {
            tile,
            parent: tile_of_tree(self.tree_size, parent.level(), parent_index).unwrap_or(parent),
        };
        let expected = parent_hashes.get(offset).ok_or_else(mismatch)?;
        if perfect_root(&hashes).as_ref() != Some(expected) {
            return Err(mismatch());
        }
        let hashes = Rc::new(hashes);
        self.checked
            .borrow_mut()
            .insert((tile.level(), tile.position().index()), Rc::clone(&hashes));
        Ok(hashes)
    }

    /// Fetches all the right edge's partial tiles and recomputes the root from them: RFC 6962's
    /// perfect subtrees of `[0, tree_size)`, largest first, are the set bits of the size, and
    /// the bits of base-256 digit `L` are runs of hashes in the partial tile of level `L`.
    fn check_right_edge(&self) -> ReadResult<(), S> {
        let mut edge = Vec::new();
        for tile in right_edge_tiles(self.tree_size) {
            edge.push((tile, self.fetch(tile)?));
        }
        let mut perfect_subtrees = Vec::new();
        for (tile, hashes) in edge.iter().rev() {
            let mut start = 0;
            for height in (0..TILE_HEIGHT).rev() {
                let width = 1_usize << height;
                if hashes.len() & width == 0 {
                    continue;
                }
                let run = hashes
                    .get(start..start + width)
                    .and_then(perfect_root)
                    .ok_or_else(|| self.not_in_tree(format!("run of tile {tile}")))?;
                perfect_subtrees.push(run);
                start += width;
            }
        }
        self.check_root(fold_perfect_hashes(&perfect_subtrees).unwrap_or_else(empty_root))?;
        let mut checked = self.checked.borrow_mut();
        for (tile, hashes) in edge {
            checked.insert((tile.level(), tile.position().index()), Rc::new(hashes));
        }
        Ok(())
    }

    fn check_root(&self, computed: Hash) -> ReadResult<(), S> {
        if computed != self.root {
            return Err(TileReadError::RootMismatch {
                tree_size: self.tree_size,
                computed: hash_to_hex(&computed),
                expected: hash_to_hex(&self.root),
            });
        }
        Ok(())
    }

    /// One fetch, split into hashes; the length must be the tile's width exactly.
    fn fetch(&self, tile: Tile) -> ReadResult<Vec<Hash>, S> {
        let bytes = self
            .source
            .read_tile(tile)
            .map_err(|error| TileReadError::Source {
                resource: format!("tile {tile}"),
                error,
            })?;
        self.tiles_fetched.set(self.tiles_fetched.get() + 1);
        let expected = usize::from(tile.position().width()) * HASH_BYTES;
        if bytes.len() != expected {
            return Err(TileReadError::WrongLength {
                tile,
                bytes: bytes.len(),
                expected,
            });
        }
        Ok(bytes
            .chunks_exact(HASH_BYTES)
            .map(|chunk| {
                let mut hash = [0; HASH_BYTES];
                hash.copy_from_slice(chunk);
                hash
            })
            .collect())
    }

    /// One stored node of the tree: a run of `2^(level mod 8)` hashes in a checked tile of
    /// level `level / 8`.
    fn node(&self, id: NodeId) -> ReadResult<Hash, S> {
        let beyond = || self.not_in_tree(format!("node level {} index {}", id.level, id.index));
        let level = u32::from(id.level);
        let complete_nodes = self.tree_size.checked_shr(level).unwrap_or(0);
        if id.index >= complete_nodes {
            return Err(beyond());
        }
        let tile_level = (level / TILE_HEIGHT) as u8;
        let height = level % TILE_HEIGHT;
        // Below the tree size, so within u64.
        let first = id.index << height;
        let width = u64::from(TILE_WIDTH_FULL);
        let hashes = self.tile_hashes(tile_level, first / width)?;
        let offset = (first % width) as usize;
        hashes
            .get(offset..offset + (1 << height))
            .and_then(perfect_root)
            .ok_or_else(beyond)
    }

    fn not_in_tree(&self, what: String) -> TileReadError<S::Error> {
        TileReadError::NotInTree {
            what,
            tree_size: self.tree_size,
        }
    }
}

impl<S: TileSource> NodeReader for TileReader<'_, S> {
    type Error = TileReadError<S::Error>;

    fn read_nodes(&self, ids: &[NodeId]) -> Result<Vec<Hash>, Self::Error> {
        ids.iter().map(|id| self.node(*id)).collect()
    }
}
