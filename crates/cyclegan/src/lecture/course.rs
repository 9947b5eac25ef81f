//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, mi, mn, mo, paren, row, sub};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::CycleganLecture as atelier_lecture::Lecture>::ID,
        title: "Unpaired translation: CycleGAN",
        teaches: "Without pairs there is no target to copy: two generators G: X → Y and F: Y → X each fool \
                  a discriminator of their output domain, and the cycle-consistency loss asks F(G(x)) to \
                  come back to x, which ties each output to its input. Adversarial losses alone would map \
                  every input to any plausible image of the other domain. Twitter ↔ Google emoji are split \
                  so that no emoji is seen in both styles, yet the test emoji exist in both, so every \
                  translation is scored against its true counterpart.",
        objective: objective(),
        objective_note: "D_X and D_Y judge the domains X and Y with least-squares GAN losses, \
                         ℒ_GAN(G, D_Y) = 𝔼_y[(D_Y(y) − 1)²] + 𝔼_x[D_Y(G(x))²] (and likewise for F, D_X); \
                         λ_cyc = 10, λ_id = 0.5 λ_cyc; the discriminators see a history of 50 generated images.",
        make_run: "cargo xtask demo --lecture cyclegan   # or: cargo xtask train cyclegan && cargo xtask eval cyclegan --run RUN",
        targets: vec![
            Target {
                metric: "x2y_looks_like_target_vs_real",
                kind: Some("twitter-google"),
                goal: Goal::AtLeast(0.7),
                reference: "Twitter → Google looks like Google ≥ 0.7 of what real Google test emoji get; README: 1.02 at 4 epochs",
            },
            Target {
                metric: "x2y_category_kept_vs_real",
                kind: Some("twitter-google"),
                goal: Goal::AtLeast(0.8),
                reference: "category kept ≥ 0.8 of what real Google test emoji get; README: 0.83 at 4 epochs",
            },
            Target {
                metric: "x2y_psnr_gain_over_identity_db",
                kind: Some("twitter-google"),
                goal: Goal::AtLeast(0.0),
                reference: "PSNR against the true Google counterpart above the Twitter input's own; README: +0.32 dB at 4 epochs",
            },
            Target {
                metric: "x2y_class_kept",
                kind: Some("edges-fashion"),
                goal: Goal::AtLeast(0.8),
                reference: "the Fashion evaluator recognises the source's class in ≥ 80% of the generated garments",
            },
        ],
    }
}

/// `L = L_GAN(G, D_Y) + L_GAN(F, D_X) + λ_cyc(‖F(G(x)) − x‖₁ + ‖G(F(y)) − y‖₁) + λ_id(‖G(y) − y‖₁ + ‖F(x) − x‖₁)`
/// (the least-squares `L_GAN` is spelled out in the lecture's note: both lines would not fit the page).
fn objective() -> String {
    let (g, f) = (|arg: String| row(&[mi("G"), paren(&arg)]), |arg: String| row(&[mi("F"), paren(&arg)]));
    let gan = |generator: &str, domain: &str| {
        let players = row(&[mi(generator), mo(","), sub(&mi("D"), &mi(domain))]);
        row(&[sub(&mi("ℒ"), &mi("GAN")), paren(&players)])
    };
    let l1 = |inner: String, target: &str| sub(&row(&[mo("‖"), inner, mo("−"), mi(target), mo("‖")]), &mn("1"));
    let lambda = |name: &str| sub(&mi("λ"), &mi(name));
    block(&[
        mi("ℒ"),
        mo("="),
        gan("G", "Y"),
        mo("+"),
        gan("F", "X"),
        mo("+"),
        lambda("cyc"),
        paren(&row(&[l1(f(g(mi("x"))), "x"), mo("+"), l1(g(f(mi("y"))), "y")])),
        mo("+"),
        lambda("id"),
        paren(&row(&[l1(g(mi("y")), "y"), mo("+"), l1(f(mi("x")), "x")])),
    ])
}
