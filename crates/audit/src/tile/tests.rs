use super::*;

#[test]
fn a_level_one_tile_holds_nodes_of_tree_level_eight() {
    let tile = Tile::new(1, TileIndex::partial(2, 3).unwrap()).unwrap();
    assert_eq!(tile.nodes(), Some((8, 512..515)));
    assert_eq!(tile.tree_size_needed(), Some(515 * 256));
    assert_eq!(tile.to_string(), "1/002.p/3");
}

#[test]
fn tiles_beyond_any_u64_tree_have_no_nodes() {
    assert_eq!(Tile::new(8, TileIndex::full(0)).unwrap().nodes(), None);
    assert_eq!(
        Tile::new(7, TileIndex::full(0)).unwrap().tree_size_needed(),
        None
    );
    assert_eq!(
        Tile::new(0, TileIndex::full(u64::MAX)).unwrap().nodes(),
        None
    );
    assert!(Tile::new(64, TileIndex::full(0)).is_err());
}

#[test]
fn the_spec_example_of_seventy_thousand_leaves_has_the_spec_tiles() {
    // tlog-tiles: 273 full level-0 tiles, a partial one of width 112, one full level-1
    // tile, a partial level-1 tile of width 17 and a partial level-2 tile of width 1.
    let tiles = tree_tiles(70_000);
    let level = |level: u8| -> Vec<Tile> {
        tiles
            .iter()
            .copied()
            .filter(|tile| tile.level() == level)
            .collect()
    };
    assert_eq!(level(0).len(), 274);
    assert_eq!(
        level(0)[273].position(),
        TileIndex::partial(273, 112).unwrap()
    );
    assert_eq!(
        level(1),
        vec![
            Tile::new(1, TileIndex::full(0)).unwrap(),
            Tile::new(1, TileIndex::partial(1, 17).unwrap()).unwrap()
        ]
    );
    assert_eq!(
        level(2),
        vec![Tile::new(2, TileIndex::partial(0, 1).unwrap()).unwrap()]
    );
    assert_eq!(tiles.len(), 277);
    assert_eq!(right_edge_tiles(70_000).len(), 3);
    assert_eq!(tree_bundles(70_000).len(), 274);
}

#[test]
fn a_tree_of_256_leaves_is_one_full_tile_and_a_partial_tile_of_width_one() {
    assert_eq!(
        tree_tiles(256),
        vec![
            Tile::new(0, TileIndex::full(0)).unwrap(),
            Tile::new(1, TileIndex::partial(0, 1).unwrap()).unwrap()
        ]
    );
    assert!(tree_tiles(0).is_empty());
    assert_eq!(tile_of_tree(256, 0, 1), None);
    assert_eq!(
        tile_of_tree(257, 0, 1),
        Some(Tile::new(0, TileIndex::partial(1, 1).unwrap()).unwrap())
    );
}

#[test]
fn a_full_tile_hashes_into_its_parent_at_its_offset() {
    let tile = Tile::new(0, TileIndex::full(513)).unwrap();
    assert_eq!(
        tile.parent(),
        Some((Tile::new(1, TileIndex::full(2)).unwrap(), 1))
    );
    let partial = Tile::new(0, TileIndex::partial(513, 4).unwrap()).unwrap();
    assert_eq!(partial.parent(), None);
}

#[test]
fn perfect_root_needs_a_power_of_two() {
    let hashes = [[1; 32], [2; 32], [3; 32]];
    assert_eq!(perfect_root(&hashes), None);
    assert_eq!(perfect_root(&hashes[..1]), Some([1; 32]));
    assert_eq!(
        perfect_root(&hashes[..2]),
        Some(node_hash(&[1; 32], &[2; 32]))
    );
}
