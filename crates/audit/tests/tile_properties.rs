//! The tile reader against the stored-subtree tree and the naive reference: every size up to
//! 600 leaves read back through tiles and bundles, proofs over checked tiles equal to proofs over
//! the tree for sampled sizes up to 70,000, and corrupted tiles and bundles refused, including
//! the case Go's `tlog.TileHashReader` gets wrong (a bad level-0 tile read for another index).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use std::collections::HashMap;
use std::sync::OnceLock;

use basin_audit::hash::{empty_root, leaf_hash, Hash};
use basin_audit::tile::{
    encode_bundle, tile_bytes, tree_bundles, tree_tiles, BundleError, Tile, TileIndex,
    TileReadError, TileReader, TileSource,
};
use basin_audit::tree::{self, MemoryTree, NodeId, NodeReader};
use proptest::prelude::*;

use common::reference_root;

const EXHAUSTIVE_SIZE_MAX: u64 = 600;
const SAMPLED_SIZE_MAX: u64 = 70_000;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unavailable(String);

/// Tiles and bundles served straight from a tree of numbered leaves, with some responses
/// replaced by whatever a test wants a bad server to send.
struct Served<'t> {
    fixture: &'t Fixture,
    replaced: HashMap<String, Vec<u8>>,
}

impl<'t> Served<'t> {
    fn honest(fixture: &'t Fixture) -> Self {
        Self {
            fixture,
            replaced: HashMap::new(),
        }
    }

    fn honest_tile(&self, tile: Tile) -> Vec<u8> {
        tile_bytes(&self.fixture.tree.read_nodes(&tile.node_ids()).unwrap())
    }

    fn honest_bundle(&self, bundle: TileIndex) -> Vec<u8> {
        let start = (bundle.index() * 256) as usize;
        let leaves = &self.fixture.leaves[start..start + usize::from(bundle.width())];
        encode_bundle(leaves.iter().map(Vec::as_slice)).unwrap()
    }

    /// Serves `tile` with byte `at` flipped.
    fn flip_tile_byte(mut self, tile: Tile, at: usize) -> Self {
        let mut bytes = self.honest_tile(tile);
        bytes[at] ^= 0x01;
        self.replaced.insert(format!("tile/{tile}"), bytes);
        self
    }
}

impl TileSource for Served<'_> {
    type Error = Unavailable;

    fn read_tile(&self, tile: Tile) -> Result<Vec<u8>, Unavailable> {
        if let Some(bytes) = self.replaced.get(&format!("tile/{tile}")) {
            return Ok(bytes.clone());
        }
        let hashes = self
            .fixture
            .tree
            .read_nodes(&tile.node_ids())
            .map_err(|error| Unavailable(error.to_string()))?;
        Ok(tile_bytes(&hashes))
    }

    fn read_entry_bundle(&self, bundle: TileIndex) -> Result<Vec<u8>, Unavailable> {
        if let Some(bytes) = self.replaced.get(&format!("tile/entries/{bundle}")) {
            return Ok(bytes.clone());
        }
        Ok(self.honest_bundle(bundle))
    }
}

struct Fixture {
    leaves: Vec<Vec<u8>>,
    leaf_hashes: Vec<Hash>,
    tree: MemoryTree,
}

impl Fixture {
    fn new(size: u64) -> Self {
        let leaves: Vec<Vec<u8>> = (0..size).map(|n| n.to_be_bytes().to_vec()).collect();
        let leaf_hashes: Vec<Hash> = leaves.iter().map(|leaf| leaf_hash(leaf)).collect();
        let tree = MemoryTree::from_leaf_hashes(leaf_hashes.iter().copied());
        Self {
            leaves,
            leaf_hashes,
            tree,
        }
    }

    fn root(&self, size: u64) -> Hash {
        tree::root(size, &self.tree).unwrap()
    }
}

fn small() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture::new(EXHAUSTIVE_SIZE_MAX))
}

fn large() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture::new(SAMPLED_SIZE_MAX))
}

fn tile(text: &str) -> Tile {
    Tile::parse(text).unwrap()
}

fn leaf_node(index: u64) -> NodeId {
    NodeId { level: 0, index }
}

#[test]
fn every_size_up_to_600_reads_back_its_root_and_every_entry_through_tiles_alone() {
    let fixture = small();
    let served = Served::honest(fixture);
    for size in 0..=EXHAUSTIVE_SIZE_MAX {
        let expected_root = reference_root(&fixture.leaf_hashes[..size as usize]);
        assert_eq!(fixture.root(size), expected_root, "size {size}");
        let reader = TileReader::new(size, expected_root, &served);
        reader.verify_tree().unwrap();
        assert_eq!(
            reader.tiles_fetched(),
            tree_tiles(size).len(),
            "size {size}"
        );
        assert_eq!(
            tree::root(size, &reader).unwrap(),
            expected_root,
            "size {size}"
        );
        let ids: Vec<NodeId> = (0..size).map(leaf_node).collect();
        if !ids.is_empty() {
            assert_eq!(
                reader.read_nodes(&ids).unwrap(),
                fixture.leaf_hashes[..size as usize],
                "size {size}"
            );
        }
        let entries: Vec<Vec<u8>> = tree_bundles(size)
            .into_iter()
            .flat_map(|bundle| reader.entry_bundle(bundle.index()).unwrap())
            .collect();
        assert_eq!(entries, fixture.leaves[..size as usize], "size {size}");
        // Nothing was fetched twice.
        assert_eq!(
            reader.tiles_fetched(),
            tree_tiles(size).len(),
            "size {size}"
        );
    }
}

#[test]
fn the_empty_tree_has_no_tiles_and_the_empty_root() {
    let served = Served::honest(small());
    TileReader::new(0, empty_root(), &served)
        .verify_tree()
        .unwrap();
    let wrong = TileReader::new(0, [0; 32], &served).verify_tree();
    assert!(matches!(wrong, Err(TileReadError::RootMismatch { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn proofs_over_checked_tiles_equal_proofs_over_the_tree(
        size in 1..=SAMPLED_SIZE_MAX,
        index_seed: u64,
        first_seed: u64,
    ) {
        let fixture = large();
        let served = Served::honest(fixture);
        let reader = TileReader::new(size, fixture.root(size), &served);
        let index = index_seed % size;
        let first = 1 + first_seed % size;
        prop_assert_eq!(tree::root(size, &reader).unwrap(), fixture.root(size));
        prop_assert_eq!(
            tree::inclusion_proof(index, size, &reader).unwrap(),
            tree::inclusion_proof(index, size, &fixture.tree).unwrap()
        );
        prop_assert_eq!(
            tree::consistency_proof(first, size, &reader).unwrap(),
            tree::consistency_proof(first, size, &fixture.tree).unwrap()
        );
        // A proof reads O(log n) nodes, so at most two tiles per level and the right edge.
        prop_assert!(reader.tiles_fetched() <= 3 * 3 + 3, "{} tiles", reader.tiles_fetched());
    }
}

/// Go's `TileHashReader` verifies the tiles on the path of the hashes asked for; a level-0 tile
/// fetched for one index then answers for another index without a check of its own. Here the
/// tile 0/000 of a 600-leaf tree is wrong at hash 5; asking for hash 200, which the bad tile
/// holds correctly, must fail, and keep failing.
#[test]
fn a_corrupted_level_0_tile_is_refused_for_every_index_it_holds() {
    let fixture = small();
    let size = 600;
    let root = fixture.root(size);
    let served = Served::honest(fixture).flip_tile_byte(tile("0/000"), 5 * 32);
    let reader = TileReader::new(size, root, &served);
    // A hash from another, honest tile is fine.
    assert_eq!(
        reader.read_nodes(&[leaf_node(300)]).unwrap(),
        vec![fixture.leaf_hashes[300]]
    );
    for attempt in 0..2 {
        let result = reader.read_nodes(&[leaf_node(200)]);
        assert!(
            matches!(
                &result,
                Err(TileReadError::TileMismatch { tile: bad, .. }) if bad.to_string() == "0/000"
            ),
            "attempt {attempt}: {result:?}"
        );
    }
    let both = reader.read_nodes(&[leaf_node(5), leaf_node(200)]);
    assert!(matches!(both, Err(TileReadError::TileMismatch { .. })));
    // A proof whose nodes come from the bad tile fails; the bundle is refused too.
    assert!(tree::inclusion_proof(7, size, &reader).is_err());
    assert!(reader.entry_bundle(0).is_err());
    assert!(reader.verify_tree().is_err());
}

#[test]
fn a_byte_flipped_anywhere_in_any_tile_fails_the_tree() {
    let fixture = small();
    let size = 600;
    let root = fixture.root(size);
    for flipped in tree_tiles(size) {
        let bytes = usize::from(flipped.position().width()) * 32;
        for at in (0..bytes).step_by(61).chain([bytes - 1]) {
            let served = Served::honest(fixture).flip_tile_byte(flipped, at);
            let result = TileReader::new(size, root, &served).verify_tree();
            assert!(
                matches!(
                    result,
                    Err(TileReadError::TileMismatch { .. } | TileReadError::RootMismatch { .. })
                ),
                "tile {flipped} byte {at}: {result:?}"
            );
        }
    }
}

#[test]
fn a_corrupted_full_level_1_tile_is_refused_below_and_above() {
    let fixture = large();
    let size = SAMPLED_SIZE_MAX;
    let root = fixture.root(size);
    let served = Served::honest(fixture).flip_tile_byte(tile("1/000"), 100);
    let reader = TileReader::new(size, root, &served);
    // Leaf 3 sits in tile 0/000, which is checked against the bad tile 1/000.
    let result = reader.read_nodes(&[leaf_node(3)]);
    assert!(
        matches!(&result, Err(TileReadError::TileMismatch { tile: bad, .. }) if bad.to_string() == "1/000"),
        "{result:?}"
    );
    // The partial tiles alone are honest: the root still reads.
    assert_eq!(tree::root(size, &reader).unwrap(), root);
}

#[test]
fn tiles_of_the_wrong_length_and_checkpoints_with_another_root_are_refused() {
    let fixture = small();
    let size = 600;
    let root = fixture.root(size);
    let mut served = Served::honest(fixture);
    let mut short = served.honest_tile(tile("0/002.p/88"));
    short.pop();
    served.replaced.insert("tile/0/002.p/88".into(), short);
    let result = TileReader::new(size, root, &served).verify_tree();
    assert!(
        matches!(
            result,
            Err(TileReadError::WrongLength {
                bytes: 2815,
                expected: 2816,
                ..
            })
        ),
        "{result:?}"
    );
    let honest = Served::honest(fixture);
    let wrong_root = fixture.root(size - 1);
    let result = TileReader::new(size, wrong_root, &honest).verify_tree();
    assert!(
        matches!(result, Err(TileReadError::RootMismatch { .. })),
        "{result:?}"
    );
}

#[test]
fn bundles_with_a_changed_missing_or_extra_entry_are_refused() {
    let fixture = small();
    let size = 600;
    let root = fixture.root(size);
    let honest = Served::honest(fixture);
    let full = TileIndex::full(1);
    let cases: Vec<(Vec<u8>, &str)> = {
        let bundle = honest.honest_bundle(full);
        let mut changed = bundle.clone();
        let last = changed.len() - 1;
        changed[last] ^= 0x80;
        let mut extra = bundle.clone();
        extra.extend_from_slice(&[0, 1, 7]);
        let missing = bundle[..bundle.len() - 10].to_vec();
        vec![(changed, "changed"), (extra, "extra"), (missing, "missing")]
    };
    for (bytes, case) in cases {
        let mut served = Served::honest(fixture);
        served
            .replaced
            .insert(format!("tile/entries/{full}"), bytes);
        let result = TileReader::new(size, root, &served).entry_bundle(1);
        let expected = match case {
            "changed" => matches!(result, Err(TileReadError::EntryMismatch { index: 511 })),
            "extra" => matches!(
                result,
                Err(TileReadError::Bundle {
                    source: BundleError::TrailingBytes { .. },
                    ..
                })
            ),
            _ => matches!(
                result,
                Err(TileReadError::Bundle {
                    source: BundleError::Truncated { .. },
                    ..
                })
            ),
        };
        assert!(expected, "{case}: {result:?}");
    }
    // A bundle the tree does not have is not fetched at all.
    let reader = TileReader::new(size, root, &honest);
    assert!(matches!(
        reader.entry_bundle(3),
        Err(TileReadError::NotInTree { .. })
    ));
    assert!(matches!(
        reader.read_nodes(&[leaf_node(600)]),
        Err(TileReadError::NotInTree { .. })
    ));
}
