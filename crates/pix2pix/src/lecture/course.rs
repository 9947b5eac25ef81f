//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, bracket, gap, mi, mn, mo, paren, row, sub, sup, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::Pix2pixLecture as atelier_lecture::Lecture>::ID,
        title: "Image-to-image translation: pix2pix",
        teaches: "A conditional GAN learns a mapping from one picture to another from aligned pairs: a \
                  U-Net generator (an encoder–decoder whose skip connections carry the details across) \
                  and a PatchGAN discriminator that judges each patch of the (input, output) pair. The L1 \
                  term alone gives blurry averages; the adversarial term makes the outputs sharp and \
                  realistic. Tasks: Twitter → Google emoji, colorization (L → ab) and edges → image.",
        objective: objective(),
        objective_note: "x is the input image, y its target; λ = 100. The discriminator sees the pair (x, y) or \
                         (x, G(x)); --gan-weight 0 trains the L1-only U-Net baseline.",
        make_run: "cargo xtask demo --lecture pix2pix   # or: cargo xtask train pix2pix && cargo xtask eval pix2pix --run RUN",
        targets: vec![
            Target {
                metric: "psnr_gain_over_identity_db",
                kind: Some("twitter-to-google"),
                goal: Goal::AtLeast(3.0),
                reference: "the issue's target over the Twitter input (11.70 dB); README: L1-only +3.44 dB, pix2pix +2.88 dB at 15 epochs, +2.999 at 25",
            },
            Target {
                metric: "looks_like_google",
                kind: Some("twitter-to-google"),
                goal: Goal::AtLeast(0.497),
                reference: "above the L1-only U-Net's 0.497 (the GAN term's claim); README: pix2pix 0.838, real Google 0.893",
            },
            Target {
                metric: "psnr_pooled_db",
                kind: Some("colorize"),
                goal: Goal::AtLeast(15.98),
                reference: "above the grey input (L with ab = 0: 15.98 dB pooled on the test split)",
            },
            Target {
                metric: "class_kept",
                kind: Some("edges2fashion"),
                goal: Goal::AtLeast(0.85),
                reference: "the Fashion evaluator recognises the source's class in ≥ 85% of the generated garments",
            },
        ],
    }
}

/// `G* = arg min_G max_D L_cGAN(G, D) + λ L_L1(G)`, with
/// `L_cGAN = E_{x,y}[log D(x, y)] + E_x[log(1 − D(x, G(x)))]` and `L_L1 = E_{x,y}‖y − G(x)‖₁`.
fn objective() -> String {
    let g_of_x = row(&[mi("G"), paren(&mi("x"))]);
    let pair = |second: String| paren(&row(&[mi("x"), mo(","), second]));
    let l = |name: &str| sub(&mi("ℒ"), &mi(name));
    block(&[
        sup(&mi("G"), &mo("*")),
        mo("="),
        under(&row(&[mi("arg"), mi("min")]), &mi("G")),
        under(&mi("max"), &mi("D")),
        l("cGAN"),
        paren(&row(&[mi("G"), mo(","), mi("D")])),
        mo("+"),
        mi("λ"),
        l("L1"),
        paren(&mi("G")),
        mo(","),
        gap(),
        l("cGAN"),
        mo("="),
        sub(&mi("𝔼"), &row(&[mi("x"), mo(","), mi("y")])),
        bracket(&row(&[mi("log"), mi("D"), pair(mi("y"))])),
        mo("+"),
        sub(&mi("𝔼"), &mi("x")),
        bracket(&row(&[mi("log"), paren(&row(&[mn("1"), mo("−"), mi("D"), pair(g_of_x.clone())]))])),
        mo(","),
        gap(),
        l("L1"),
        mo("="),
        sub(&mi("𝔼"), &row(&[mi("x"), mo(","), mi("y")])),
        sub(&row(&[mo("‖"), mi("y"), mo("−"), g_of_x, mo("‖")]), &mn("1")),
    ])
}
