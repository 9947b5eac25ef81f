//! The registry: every lecture the runner knows, in the course's order, each on one line. Adding
//! a lecture is its crate, its line here and its dependency in this crate's `Cargo.toml`; nothing
//! else in the runner names a lecture.

use atelier_lecture::Registry;

/// The lectures, in the order the course teaches them.
pub fn lectures() -> Registry {
    Registry::new(vec![
        &atelier_classifier::lecture::LECTURE,
        &atelier_autoencoder::lecture::LECTURE,
        &atelier_vae::lecture::LECTURE,
        &atelier_dcgan::lecture::LECTURE,
        &atelier_lstm::lecture::LECTURE,
        &atelier_dqn::lecture::LECTURE,
        &atelier_pix2pix::lecture::LECTURE,
        &atelier_cyclegan::lecture::LECTURE,
        &atelier_segmentation::lecture::LECTURE,
        &atelier_facenet::lecture::LECTURE,
        &atelier_style::lecture::LECTURE,
        // Instruments the course trains but does not teach.
        &atelier_evaluation::emoji::lecture::LECTURE,
    ])
}
