//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, frac, mi, mn, mo, paren, row, sub, sum, sup, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::AutoencoderLecture as atelier_lecture::Lecture>::ID,
        title: "Autoencoders: plain, denoising, sparse, latent morphing",
        teaches: "An encoder squeezes the image into a code of k numbers and a decoder rebuilds it; \
                  trained on reconstruction alone, the code becomes a compressed description that beats \
                  PCA at the same size. Noise on the input makes it a denoiser; walking between two codes \
                  morphs one garment into another.",
        objective: objective(),
        objective_note: "f_θ encodes, g_φ decodes; quality is reported as PSNR = 10·log₁₀(1/MSE).",
        make_run: "cargo xtask demo --lecture autoencoder   # or: cargo xtask train autoencoder && cargo xtask eval autoencoder --run RUN",
        targets: vec![
            Target {
                metric: "test_psnr_db",
                kind: Some("plain"),
                goal: Goal::AtLeast(21.0),
                reference: "README: 21.17 dB at k = 32, 10 epochs; PyTorch reference 20.95 dB",
            },
            Target {
                metric: "psnr_gain_over_pca_db",
                kind: Some("plain"),
                goal: Goal::AtLeast(0.0),
                reference: "README: +2.97 dB over PCA at k = 32",
            },
            Target {
                metric: "denoising_gain_db",
                kind: Some("denoising"),
                goal: Goal::AtLeast(6.0),
                reference: "README: +6.91 dB at σ = 0.3, k = 32, 10 epochs",
            },
        ],
    }
}

/// `min_{θ,φ} (1/N) ∑ᵢ ‖xᵢ − g_φ(f_θ(xᵢ))‖²`.
fn objective() -> String {
    let x_i = sub(&mi("x"), &mi("i"));
    let code = row(&[sub(&mi("f"), &mi("θ")), paren(&x_i)]);
    let recon = row(&[sub(&mi("g"), &mi("φ")), paren(&code)]);
    let norm = row(&[mo("‖"), x_i.clone(), mo("−"), recon, mo("‖")]);
    block(&[
        under(&mi("min"), &row(&[mi("θ"), mo(","), mi("φ")])),
        frac(&mn("1"), &mi("N")),
        sum(&row(&[mi("i"), mo("="), mn("1")]), &mi("N")),
        sup(&norm, &mn("2")),
    ])
}
