//! `embed_migrations!` does not notice new migration folders by itself: rebuild when they change.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
