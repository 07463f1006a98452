//! C2SP tlog-tiles (v0.1): the tree served as tiles of 256 consecutive hashes, and the leaves
//! as entry bundles.
//!
//! A level-`L` tile holds hashes of tree level `8·L`: the `n`-th one holds the stored nodes
//! `{ level: 8·L, index: n·256 + i }` for `i` below its width, which is 256 for a full tile
//! and `1..=255` for the partial tile on the tree's right edge. Paths name the index in the
//! `x001/x234/067` form ([`TileIndex`]); entry bundles are length-prefixed leaves
//! ([`encode_bundle`]); [`TileReader`] reads a tree through tiles and checks every tile it
//! uses against a checkpoint's root before it returns any hash from it.

mod bundle;
mod evidence;
mod path;
mod reader;

use std::fmt;
use std::ops::Range;

use crate::hash::{node_hash, Hash, HASH_BYTES};
use crate::tree::NodeId;

pub use bundle::{decode_bundle, encode_bundle, BundleError, BUNDLE_ENTRY_BYTES_MAX};
pub use evidence::{decode_evidence, encode_evidence, EvidenceError, EvidenceRecord};
pub use path::TilePathError;
pub use reader::{TileReadError, TileReader, TileSource};

/// Tree levels per tile level: a tile is a perfect subtree of height 8 (tlog-tiles).
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile, and entries in a full bundle.
pub const TILE_WIDTH_FULL: u16 = 1 << TILE_HEIGHT;
/// The largest level a tile path may name (tlog-tiles: "between 0 and 63").
pub const TILE_LEVEL_MAX: u8 = 63;
/// The bytes of a full hash tile: 256 hashes of 32 bytes.
pub const TILE_BYTES_MAX: usize = TILE_WIDTH_FULL as usize * HASH_BYTES;

/// A tile's place within its level and its width: the `<N>[.p/<W>]` of a tile path. Entry
/// bundles are named by the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileIndex {
    index: u64,
    width: u16,
}

impl TileIndex {
    /// The full tile `index` (256 wide).
    pub fn full(index: u64) -> Self {
        Self {
            index,
            width: TILE_WIDTH_FULL,
        }
    }

    /// The partial tile `index` of `width` hashes, `1..=255`.
    pub fn partial(index: u64, width: u16) -> Result<Self, TilePathError> {
        if width == 0 || width >= TILE_WIDTH_FULL {
            return Err(TilePathError::Width);
        }
        Ok(Self { index, width })
    }

    pub fn index(self) -> u64 {
        self.index
    }

    /// The number of hashes (or entries): 256 for a full tile.
    pub fn width(self) -> u16 {
        self.width
    }

    pub fn is_full(self) -> bool {
        self.width == TILE_WIDTH_FULL
    }
}

/// `x001/x234/067`, then `.p/<W>` for a partial tile.
impl fmt::Display for TileIndex {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&path::encode_index(self.index))?;
        if !self.is_full() {
            write!(formatter, ".p/{}", self.width)?;
        }
        Ok(())
    }
}

/// A hash tile: its level and its place in that level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    level: u8,
    position: TileIndex,
}

impl Tile {
    pub fn new(level: u8, position: TileIndex) -> Result<Self, TilePathError> {
        if level > TILE_LEVEL_MAX {
            return Err(TilePathError::Level);
        }
        Ok(Self { level, position })
    }

    pub fn level(self) -> u8 {
        self.level
    }

    pub fn position(self) -> TileIndex {
        self.position
    }

    /// The stored nodes whose hashes the tile holds, in order: tree level `8·L` and a range of
    /// indexes. `None` when they lie beyond any tree of at most `u64::MAX` leaves.
    pub fn nodes(self) -> Option<(u8, Range<u64>)> {
        let tree_level = u8::try_from(u32::from(self.level) * TILE_HEIGHT)
            .ok()
            .filter(|level| *level < 64)?;
        let start = self
            .position
            .index
            .checked_mul(u64::from(TILE_WIDTH_FULL))?;
        let end = start.checked_add(u64::from(self.position.width))?;
        // Each node spans 2^tree_level leaves; the last must end within u64.
        end.checked_mul(1_u64 << tree_level)?;
        Some((tree_level, start..end))
    }

    /// The node ids of [`Tile::nodes`].
    pub fn node_ids(self) -> Vec<NodeId> {
        self.nodes()
            .map(|(level, indexes)| indexes.map(|index| NodeId { level, index }).collect())
            .unwrap_or_default()
    }

    /// The smallest tree that holds every hash of this tile: `(N·256 + W)·256^L` leaves.
    pub fn tree_size_needed(self) -> Option<u64> {
        let (tree_level, indexes) = self.nodes()?;
        indexes.end.checked_mul(1_u64 << tree_level)
    }

    /// The hash of a full tile: the node one tile level up that its 256 hashes make.
    pub fn parent(self) -> Option<(Tile, usize)> {
        if !self.position.is_full() || self.level >= TILE_LEVEL_MAX {
            return None;
        }
        let width = u64::from(TILE_WIDTH_FULL);
        let parent = Tile {
            level: self.level + 1,
            position: TileIndex::full(self.position.index / width),
        };
        Some((parent, (self.position.index % width) as usize))
    }
}

/// `<L>/<N>[.p/<W>]`, the path below `tile/`.
impl fmt::Display for Tile {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.level, self.position)
    }
}

/// The full tiles a tree of `tree_size` leaves has at `level`.
pub fn full_tiles(tree_size: u64, level: u8) -> u64 {
    (u32::from(level) + 1)
        .checked_mul(TILE_HEIGHT)
        .and_then(|shift| tree_size.checked_shr(shift))
        .unwrap_or(0)
}

/// The width of the partial tile a tree of `tree_size` leaves has at `level` (0: none).
pub fn partial_width(tree_size: u64, level: u8) -> u16 {
    let hashes = u32::from(level)
        .checked_mul(TILE_HEIGHT)
        .and_then(|shift| tree_size.checked_shr(shift))
        .unwrap_or(0);
    (hashes % u64::from(TILE_WIDTH_FULL)) as u16
}

/// Tile `index` of `level` as the tree of `tree_size` leaves has it: full, the partial one on
/// its right edge, or `None` when the tree has no such tile.
pub fn tile_of_tree(tree_size: u64, level: u8, index: u64) -> Option<Tile> {
    if level > TILE_LEVEL_MAX {
        return None;
    }
    let full = full_tiles(tree_size, level);
    let position = if index < full {
        TileIndex::full(index)
    } else if index == full {
        TileIndex::partial(index, partial_width(tree_size, level)).ok()?
    } else {
        return None;
    };
    Some(Tile { level, position })
}

/// The partial tiles of the tree's right edge, lowest level first: one per nonzero base-256
/// digit of `tree_size`, so at most eight. Together they determine the root.
pub fn right_edge_tiles(tree_size: u64) -> Vec<Tile> {
    (0..8_u8)
        .filter_map(|level| {
            let index = full_tiles(tree_size, level);
            TileIndex::partial(index, partial_width(tree_size, level))
                .ok()
                .map(|position| Tile { level, position })
        })
        .collect()
}

/// Every tile of the tree of `tree_size` leaves, level 0 first, each level in index order:
/// about `tree_size / 255` tiles.
pub fn tree_tiles(tree_size: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    for level in 0..8_u8 {
        for index in 0..full_tiles(tree_size, level) {
            tiles.push(Tile {
                level,
                position: TileIndex::full(index),
            });
        }
        if let Ok(position) = TileIndex::partial(
            full_tiles(tree_size, level),
            partial_width(tree_size, level),
        ) {
            tiles.push(Tile { level, position });
        }
    }
    tiles
}

/// The entry bundles of the tree of `tree_size` leaves: its level-0 tiles' positions.
pub fn tree_bundles(tree_size: u64) -> Vec<TileIndex> {
    let mut bundles: Vec<TileIndex> = (0..full_tiles(tree_size, 0)).map(TileIndex::full).collect();
    if let Ok(partial) = TileIndex::partial(full_tiles(tree_size, 0), partial_width(tree_size, 0)) {
        bundles.push(partial);
    }
    bundles
}

/// The tile's bytes: its hashes, concatenated.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flatten().copied().collect()
}

/// RFC 6962 §2.1 root of a perfect subtree given its `2^k` bottom hashes; `None` for a count
/// that is not a power of two.
pub fn perfect_root(hashes: &[Hash]) -> Option<Hash> {
    if !hashes.len().is_power_of_two() {
        return None;
    }
    let mut level: Vec<Hash> = hashes.to_vec();
    while level.len() > 1 {
        level = level
            .chunks_exact(2)
            .map(|pair| node_hash(&pair[0], &pair[1]))
            .collect();
    }
    level.first().copied()
}

#[cfg(test)]
mod tests;
