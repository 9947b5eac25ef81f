//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, bracket, mi, mn, mo, paren, row, sub};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::VaeLecture as atelier_lecture::Lecture>::ID,
        title: "Variational autoencoders",
        teaches: "The VAE makes the autoencoder generative: the encoder outputs a Gaussian over codes, \
                  the prior is N(0, I), and training maximises a lower bound on the likelihood. Sampling \
                  the prior and decoding gives new images; the KL term keeps the latent space smooth.",
        objective: objective(),
        objective_note: "Reported in nats per image: −ELBO = reconstruction + KL (lower is better).",
        make_run: "cargo xtask demo --lecture vae   # or: cargo xtask train vae && cargo xtask eval vae --run RUN",
        targets: vec![Target {
            metric: "test_neg_elbo_nats",
            kind: Some("bernoulli"),
            goal: Goal::AtMost(242.25),
            reference: "README: 240.90 nats at 10 epochs; the PyTorch reference of this architecture 242.25",
        }],
    }
}

/// `log p_θ(x) ≥ E_{q_φ(z|x)}[log p_θ(x|z)] − D_KL(q_φ(z|x) ‖ N(0, I))`.
fn objective() -> String {
    let q = row(&[sub(&mi("q"), &mi("φ")), paren(&row(&[mi("z"), mo("|"), mi("x")]))]);
    let p_x_given_z = row(&[sub(&mi("p"), &mi("θ")), paren(&row(&[mi("x"), mo("|"), mi("z")]))]);
    let prior = row(&[mi("𝒩"), paren(&row(&[mn("0"), mo(","), mi("I")]))]);
    block(&[
        mi("log"),
        sub(&mi("p"), &mi("θ")),
        paren(&mi("x")),
        mo("≥"),
        sub(&mi("𝔼"), &q),
        bracket(&row(&[mi("log"), p_x_given_z])),
        mo("−"),
        sub(&mi("D"), &mi("KL")),
        paren(&row(&[q.clone(), mo("‖"), prior])),
    ])
}
