//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, frac, mi, mn, mo, paren, row, sub, sum, sup};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::StyleLecture as atelier_lecture::Lecture>::ID,
        title: "Texture synthesis and style transfer: matching deep feature statistics",
        teaches: "A texture is its statistics. Heeger and Bergen matched the histograms of a multi-scale \
                  pyramid's bands; Gatys et al. match the Gram matrices (the channels' correlations) of a \
                  convolutional network's layers, by gradient descent on the pixels, and add a content \
                  term to transfer a style onto a photograph. Random filters show what trained features \
                  add; every result is measured on a held-out network it was not optimised on.",
        objective: objective(),
        objective_note: "G^l is the Gram matrix of layer l's N_l feature maps over M_l positions; s the style \
                         image, p the content image (α = 0 for a texture).",
        make_run: "cargo xtask demo --lecture neural-style   # or: cargo xtask train neural-style && cargo xtask eval neural-style --run RUN",
        targets: vec![Target {
            metric: "fashion_style_vs_heeger_bergen",
            kind: Some("texture"),
            goal: Goal::AtMost(1.0),
            reference: "style distance of the synthesis over Heeger–Bergen's, both measured on the Fashion \
                        evaluator's convolutions (held out): below 1 beats the classical baseline on statistics \
                        neither was optimised for",
        }],
    }
}

/// `L(x) = α·L_content + β·Σ_l w_l·¼·Σ_ij (G^l_ij(x) − G^l_ij(s))²`.
fn objective() -> String {
    let g = |of: &str| row(&[sub(&sup(&mi("G"), &mi("l")), &mi("ij")), paren(&mi(of))]);
    block(&[
        mi("L"),
        paren(&mi("x")),
        mo("="),
        mi("α"),
        sub(&mi("L"), &mi("content")),
        paren(&row(&[mi("x"), mo(","), mi("p")])),
        mo("+"),
        mi("β"),
        sum(&row(&[mi("l")]), &row(&[])),
        sub(&mi("w"), &mi("l")),
        frac(&mn("1"), &mn("4")),
        sum(&row(&[mi("i"), mo(","), mi("j")]), &row(&[])),
        sup(&paren(&row(&[g("x"), mo("−"), g("s")])), &mn("2")),
    ])
}
