//! The course's lectures in teaching order: what each one teaches, its objective, the model
//! whose runs illustrate it, and the targets and references the README quotes for it.

use crate::math;
use crate::targets::{Goal, Target};

/// One lecture of the course.
#[derive(Debug)]
pub struct Lecture {
    /// Stable identifier (the section's anchor and `demo --lecture`'s name).
    pub id: &'static str,
    pub title: &'static str,
    /// What the lecture teaches, in two or three sentences.
    pub teaches: &'static str,
    /// The objective as MathML (no script needed to render it).
    pub objective: fn() -> String,
    /// What the symbols of the objective mean.
    pub objective_note: &'static str,
    /// The `model.name` of the runs that belong to this lecture (`config.json`).
    pub model: &'static str,
    /// How to make a run, when there is none.
    pub make_run: &'static str,
    /// The README's targets and references for this lecture's runs.
    pub targets: &'static [Target],
}

/// Every lecture the project has, in the course's order.
pub const COURSE: &[Lecture] = &[
    Lecture {
        id: "classifier",
        title: "From the perceptron to convolutional networks",
        teaches: "A classifier maps an image to class probabilities and is trained by minimising the \
                  cross-entropy. The lecture climbs from the perceptron and the multi-layer perceptron to \
                  a CNN and a VGG-style network, then reuses frozen convolutions for transfer learning; \
                  the frozen CNN becomes the evaluator that scores the generative models.",
        objective: math::cross_entropy,
        objective_note: "ŷ = softmax(f_θ(x)) over C = 10 classes; y is the one-hot label.",
        model: "classifier",
        make_run: "cargo xtask demo --lecture classifier   # or: cargo xtask train classifier && cargo xtask eval classifier --run RUN",
        targets: &[
            Target {
                metric: "test_accuracy",
                kind: Some("cnn"),
                goal: Goal::AtLeast(0.92),
                reference: "README: 0.9256 at 10 epochs; the PyTorch reference of this CNN reaches 0.918",
            },
            Target {
                metric: "test_accuracy",
                kind: Some("vgg"),
                goal: Goal::AtLeast(0.935),
                reference: "README: 0.9352 at 12 epochs, rate ÷10 after 9",
            },
        ],
    },
    Lecture {
        id: "autoencoder",
        title: "Autoencoders: plain, denoising, sparse, latent morphing",
        teaches: "An encoder squeezes the image into a code of k numbers and a decoder rebuilds it; \
                  trained on reconstruction alone, the code becomes a compressed description that beats \
                  PCA at the same size. Noise on the input makes it a denoiser; walking between two codes \
                  morphs one garment into another.",
        objective: math::autoencoder,
        objective_note: "f_θ encodes, g_φ decodes; quality is reported as PSNR = 10·log₁₀(1/MSE).",
        model: "autoencoder",
        make_run: "cargo xtask demo --lecture autoencoder   # or: cargo xtask train autoencoder && cargo xtask eval autoencoder --run RUN",
        targets: &[
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
    },
    Lecture {
        id: "vae",
        title: "Variational autoencoders",
        teaches: "The VAE makes the autoencoder generative: the encoder outputs a Gaussian over codes, \
                  the prior is N(0, I), and training maximises a lower bound on the likelihood. Sampling \
                  the prior and decoding gives new images; the KL term keeps the latent space smooth.",
        objective: math::elbo,
        objective_note: "Reported in nats per image: −ELBO = reconstruction + KL (lower is better).",
        model: "vae",
        make_run: "cargo xtask demo --lecture vae   # or: cargo xtask train vae && cargo xtask eval vae --run RUN",
        targets: &[Target {
            metric: "test_neg_elbo_nats",
            kind: Some("bernoulli"),
            goal: Goal::AtMost(242.25),
            reference: "README: 240.90 nats at 10 epochs; the PyTorch reference of this architecture 242.25",
        }],
    },
    Lecture {
        id: "dcgan",
        title: "Generative adversarial networks: DCGAN",
        teaches: "A generator turns noise into images and a discriminator tells them from real ones; \
                  they play a minimax game (Algorithm 1: k discriminator steps, one generator step). The \
                  non-saturating generator loss keeps its gradient alive when the discriminator wins. \
                  Samples are scored with the frozen evaluator: FCD, Inception Score, class coverage.",
        objective: math::gan,
        objective_note: "D(x) is the probability that x is real; the generator minimises −log D(G(z)) in practice.",
        model: "dcgan",
        make_run: "cargo xtask demo --lecture dcgan   # or: cargo xtask train dcgan && cargo xtask eval dcgan --run RUN",
        targets: &[
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
    },
    Lecture {
        id: "lstm",
        title: "Sequences: the LSTM and PixelRNN",
        teaches: "A recurrent network carries a state through time; the LSTM's gates decide what the \
                  cell remembers, forgets and shows. The lecture predicts the next term of a progression, \
                  classifies images read row by row, and completes the bottom half of an image one row \
                  of pixels at a time (PixelRNN).",
        objective: math::lstm,
        objective_note: "σ is the logistic function, ⊙ the element-wise product; the gates i, f, o and the \
                         candidate g come from one fused product per step.",
        model: "lstm",
        make_run: "cargo xtask demo --lecture lstm   # or: cargo xtask train lstm --task rows && cargo xtask eval lstm --run RUN",
        targets: &[
            Target {
                metric: "test_accuracy",
                kind: Some("rows"),
                goal: Goal::AtLeast(0.89),
                reference: "README: 0.8901 at 15 epochs (0.8989 with the rate ÷10 after 15)",
            },
            Target {
                metric: "bottom_half_nll_nats",
                kind: Some("complete"),
                goal: Goal::AtMost(271.7),
                reference: "a coin flip per pixel costs 271.7 nats; README: 62.67 at 10 epochs",
            },
        ],
    },
    Lecture {
        id: "dqn",
        title: "Deep Q-learning",
        teaches: "An agent learns the value of each action from its own experience: a replay buffer \
                  breaks the correlation between consecutive steps, a target network holds the \
                  bootstrap target still, and ε-greedy exploration decays. On CartPole-v1 a good policy \
                  balances the pole for all 500 steps.",
        objective: math::dqn,
        objective_note: "θ⁻ is the target network (copied from θ every 10 steps), D the replay buffer, \
                         ℓ the Huber loss.",
        model: "dqn",
        make_run: "cargo xtask demo --lecture dqn   # or: cargo xtask train dqn && cargo xtask eval dqn --run RUN --episodes 100",
        targets: &[Target {
            metric: "mean_return",
            kind: None,
            goal: Goal::AtLeast(475.0),
            reference: "CartPole-v1's solved threshold; README: 500.0 ± 0.0 on seeds 0–2 at 100k steps",
        }],
    },
    Lecture {
        id: "pix2pix",
        title: "Image-to-image translation: pix2pix",
        teaches: "A conditional GAN learns a mapping from one picture to another from aligned pairs: a \
                  U-Net generator (an encoder–decoder whose skip connections carry the details across) \
                  and a PatchGAN discriminator that judges each patch of the (input, output) pair. The L1 \
                  term alone gives blurry averages; the adversarial term makes the outputs sharp and \
                  realistic. Tasks: Twitter → Google emoji, colorization (L → ab) and edges → image.",
        objective: math::pix2pix,
        objective_note: "x is the input image, y its target; λ = 100. The discriminator sees the pair (x, y) or \
                         (x, G(x)); --gan-weight 0 trains the L1-only U-Net baseline.",
        model: "pix2pix",
        make_run: "cargo xtask demo --lecture pix2pix   # or: cargo xtask train pix2pix && cargo xtask eval pix2pix --run RUN",
        targets: &[
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
    },
    Lecture {
        id: "cyclegan",
        title: "Unpaired translation: CycleGAN",
        teaches: "Without pairs there is no target to copy: two generators G: X → Y and F: Y → X each fool \
                  a discriminator of their output domain, and the cycle-consistency loss asks F(G(x)) to \
                  come back to x, which ties each output to its input. Adversarial losses alone would map \
                  every input to any plausible image of the other domain. Twitter ↔ Google emoji are split \
                  so that no emoji is seen in both styles, yet the test emoji exist in both, so every \
                  translation is scored against its true counterpart.",
        objective: math::cyclegan,
        objective_note: "D_X and D_Y judge the domains X and Y with least-squares GAN losses, \
                         ℒ_GAN(G, D_Y) = 𝔼_y[(D_Y(y) − 1)²] + 𝔼_x[D_Y(G(x))²] (and likewise for F, D_X); \
                         λ_cyc = 10, λ_id = 0.5 λ_cyc; the discriminators see a history of 50 generated images.",
        model: "cyclegan",
        make_run: "cargo xtask demo --lecture cyclegan   # or: cargo xtask train cyclegan && cargo xtask eval cyclegan --run RUN",
        targets: &[
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
    },
    Lecture {
        id: "segmentation",
        title: "Segmentation: fully convolutional networks and U-Net",
        teaches: "Classification gives one class per image, detection a box per object, segmentation a \
                  class per pixel. A fully convolutional network shrinks the image with convolutions and \
                  poolings, then upsamples with transposed convolutions back to full size; U-Net's skip \
                  connections bring the encoder's detail back to the decoder, which matters most at the \
                  boundaries between classes. Scored by the intersection over union of each class.",
        objective: math::segmentation,
        objective_note: "z_p are the class scores at pixel p, y_p its true class, P the pixels of the batch; \
                         IoU_k = TP/(TP + FP + FN) of class k, mIoU its mean over the classes present.",
        model: "segmentation",
        make_run: "cargo xtask demo --lecture segmentation   # or: cargo xtask train segmentation && cargo xtask eval segmentation --run RUN",
        targets: &[Target {
            metric: "miou",
            kind: Some("fashion-scenes"),
            goal: Goal::AtLeast(0.80),
            reference: "the issue's U-Net target on Fashion scenes (the M2NIST U-Net anchor reaches 0.83 on digit scenes)",
        }],
    },
    Lecture {
        id: "facenet",
        title: "Metric learning: FaceNet's triplet loss",
        teaches: "Instead of a class, learn a distance: an embedding on the unit sphere where views of one \
                  identity are close and views of others far, with a margin. Most triplets already satisfy \
                  it, so FaceNet mines them inside large batches: for each positive pair, a semi-hard \
                  negative, farther than the positive but within the margin. A new identity then needs no \
                  retraining: recognition, verification and clustering are by distance alone.",
        objective: math::facenet,
        objective_note: "f(x) is the unit-length embedding, (a, p, n) an anchor, a positive of its identity and a \
                         negative of another, α the margin; T are the triplets chosen by mining.",
        model: "facenet",
        make_run: "cargo xtask demo --lecture facenet   # or: cargo xtask train facenet && cargo xtask eval facenet --run RUN",
        targets: &[Target {
            metric: "recall_at_1",
            kind: Some("fashion"),
            goal: Goal::AtLeast(0.90),
            reference: "test queries against the training gallery, above the published 0.899 of a triplet-trained AlexNet",
        }],
    },
];

/// The lecture with this id.
pub fn lecture(id: &str) -> Option<&'static Lecture> {
    COURSE.iter().find(|l| l.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_each_objective_is_mathml() {
        for (i, a) in COURSE.iter().enumerate() {
            assert!(COURSE[i + 1..].iter().all(|b| b.id != a.id), "{} twice", a.id);
            let math = (a.objective)();
            assert!(math.starts_with("<math display=\"block\">") && math.ends_with("</math>"), "{}", a.id);
            assert_eq!(math.matches('<').count(), math.matches('>').count(), "{}", a.id);
        }
        assert_eq!(lecture("vae").map(|l| l.model), Some("vae"));
        assert!(lecture("nope").is_none());
    }
}
