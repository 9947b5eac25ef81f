//! The registry: every lecture the runner knows, in the course's order, each on one line. Adding
//! a lecture is its crate, its line here and its dependency in this crate's `Cargo.toml`; nothing
//! else in the runner names a lecture.

use atelier_lecture::Registry;

/// The lectures, in the order the course teaches them.
pub fn lectures() -> Registry {
    Registry::new(vec![
        &atelier_autoencoder::lecture::LECTURE,
    ])
}
