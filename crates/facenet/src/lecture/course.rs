//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, mi, mn, mo, paren, row, sup, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::FacenetLecture as atelier_lecture::Lecture>::ID,
        title: "Metric learning: FaceNet's triplet loss",
        teaches: "Instead of a class, learn a distance: an embedding on the unit sphere where views of one \
                  identity are close and views of others far, with a margin. Most triplets already satisfy \
                  it, so FaceNet mines them inside large batches: for each positive pair, a semi-hard \
                  negative, farther than the positive but within the margin. A new identity then needs no \
                  retraining: recognition, verification and clustering are by distance alone.",
        objective: objective(),
        objective_note: "f(x) is the unit-length embedding, (a, p, n) an anchor, a positive of its identity and a \
                         negative of another, α the margin; T are the triplets chosen by mining.",
        make_run: "cargo xtask demo --lecture facenet   # or: cargo xtask train facenet && cargo xtask eval facenet --run RUN",
        targets: vec![Target {
            metric: "recall_at_1",
            kind: Some("fashion"),
            goal: Goal::AtLeast(0.90),
            reference: "test queries against the training gallery, above the published 0.899 of a triplet-trained AlexNet",
        }],
    }
}

/// `L = Σ_{(a,p,n) ∈ T} max(0, ‖f(xᵃ) − f(xᵖ)‖² − ‖f(xᵃ) − f(xⁿ)‖² + α)`, FaceNet's triplet loss.
fn objective() -> String {
    let f = |who: &str| row(&[mi("f"), paren(&sup(&mi("x"), &mi(who)))]);
    let distance = |other: &str| sup(&row(&[mo("‖"), f("a"), mo("−"), f(other), mo("‖")]), &mn("2"));
    let triplet = row(&[mi("a"), mo(","), mi("p"), mo(","), mi("n")]);
    block(&[
        mi("L"),
        mo("="),
        under(&mo("∑"), &row(&[paren(&triplet), mo("∈"), mi("T")])),
        mi("max"),
        paren(&row(&[mn("0"), mo(","), distance("p"), mo("−"), distance("n"), mo("+"), mi("α")])),
    ])
}
