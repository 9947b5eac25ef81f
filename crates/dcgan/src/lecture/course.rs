//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, bracket, mi, mn, mo, paren, row, sub, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::DcganLecture as atelier_lecture::Lecture>::ID,
        title: "Generative adversarial networks: DCGAN",
        teaches: "A generator turns noise into images and a discriminator tells them from real ones; \
                  they play a minimax game (Algorithm 1: k discriminator steps, one generator step). The \
                  non-saturating generator loss keeps its gradient alive when the discriminator wins. \
                  Samples are scored with the frozen evaluator: FCD, Inception Score, class coverage.",
        objective: objective(),
        objective_note: "D(x) is the probability that x is real; the generator minimises −log D(G(z)) in practice.",
        make_run: "cargo xtask demo --lecture dcgan   # or: cargo xtask train dcgan && cargo xtask eval dcgan --run RUN",
        targets: vec![
            Target {
                metric: "fcd",
                kind: None,
                goal: Goal::AtMost(158.8),
                reference: "below test images blurred by σ = 1 px (FCD 158.8); README: 18.6 after 20 epochs",
            },
            Target {
                metric: "coverage",
                kind: None,
                goal: Goal::AtLeast(10.0),
                reference: "all 10 classes generated; README: 10/10",
            },
        ],
    }
}

/// `min_G max_D E_x[log D(x)] + E_z[log(1 − D(G(z)))]`.
fn objective() -> String {
    let data = row(&[mi("x"), mo("∼"), sub(&mi("p"), &mi("data"))]);
    let noise = row(&[mi("z"), mo("∼"), mi("𝒩"), paren(&row(&[mn("0"), mo(","), mi("I")]))]);
    let d_of_g = row(&[mi("D"), paren(&row(&[mi("G"), paren(&mi("z"))]))]);
    block(&[
        under(&mi("min"), &mi("G")),
        under(&mi("max"), &mi("D")),
        sub(&mi("𝔼"), &data),
        bracket(&row(&[mi("log"), mi("D"), paren(&mi("x"))])),
        mo("+"),
        sub(&mi("𝔼"), &noise),
        bracket(&row(&[mi("log"), paren(&row(&[mn("1"), mo("−"), d_of_g]))])),
    ])
}
