//! Algorithm 1 in the shared training loop: `k` discriminator steps, then one generator step.

use std::collections::BTreeMap;

use atelier_train::state::{GENERATOR_BLOB, blob, players_from_blobs, players_to_blobs};
use atelier_train::{Experiment, Figure, ImageBatch, StepContext, StepOutput, module_from_bytes};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use burn::tensor::Distribution;

use crate::config::DcganConfig;
use crate::loss::{discriminator_loss, generator_loss, mean_probability};
use crate::model::{Discriminator, Generator, to_model_range};
use crate::samples::{Progression, interpolation_figure, sample_grid};

/// Checkpoint blob names.
const PROGRESSION: &str = "progression";
/// Interpolation rows in the per-epoch figures.
const INTERPOLATION_PAIRS: usize = 3;

/// Both networks, both optimizers, and the progression strip.
pub struct DcganExperiment {
    pub generator: Generator,
    pub discriminator: Discriminator,
    generator_optimizer: ModuleOptimizer,
    discriminator_optimizer: ModuleOptimizer,
    pub config: DcganConfig,
    pub progression: Progression,
}

/// DCGAN's Adam: β₁ from the config (0.5), β₂ = 0.999, PyTorch's ε = 1e-8.
fn adam(config: &DcganConfig) -> ModuleOptimizer {
    atelier_train::pytorch_adam_beta1(config.beta_1)
}

/// What one discriminator step measured (detached scalars `[1]`).
pub struct DiscriminatorStep {
    /// `L_D`.
    pub loss: Tensor<1>,
    /// Mean `D(x)` on the real images.
    pub real: Tensor<1>,
    /// Mean `D(G(z))` on the fakes.
    pub fake: Tensor<1>,
}

impl DcganExperiment {
    /// Fresh networks on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: DcganConfig, device: &Device) -> Self {
        Self {
            generator: Generator::new(config.latent, device),
            discriminator: Discriminator::new(device),
            generator_optimizer: adam(&config),
            discriminator_optimizer: adam(&config),
            config,
            progression: Progression::default(),
        }
    }

    /// `z ~ N(0, I)` drawn on the device (seeded by the loop before every step). `[m, latent]`
    pub fn noise(&self, m: usize, device: &Device) -> Tensor<2> {
        Tensor::random([m, self.config.latent], Distribution::Normal(0.0, 1.0), device)
    }

    /// One discriminator step on real images `[m, 1, 28, 28]` (in `[−1, 1]`) and fakes `G(z)`
    /// detached from `G`. Updates `D` only.
    pub fn discriminator_step(&mut self, real: Tensor<4>, fake: Tensor<4>) -> DiscriminatorStep {
        let real_logits = self.discriminator.forward(real); // [m, 1]
        let fake_logits = self.discriminator.forward(fake.detach()); // [m, 1]
        let loss =
            discriminator_loss(real_logits.clone(), fake_logits.clone(), self.config.label_smoothing.real_target());
        let grads = GradientsParams::from_grads(loss.backward(), &self.discriminator);
        self.discriminator =
            self.discriminator_optimizer.step(self.config.learning_rate, self.discriminator.clone(), grads);
        DiscriminatorStep {
            loss: loss.detach(),
            real: mean_probability(real_logits.detach()),
            fake: mean_probability(fake_logits.detach()),
        }
    }

    /// One generator step on fakes `G(z)` (graph into `G` kept): `D`'s parameters take no
    /// gradient and are not stepped. Updates `G` only. Returns the detached loss.
    pub fn generator_step(&mut self, fake: Tensor<4>) -> Tensor<1> {
        let frozen = self.discriminator.clone().no_grad();
        let loss = generator_loss(self.config.generator_loss, frozen.forward(fake));
        let grads = GradientsParams::from_grads(loss.backward(), &self.generator);
        self.generator = self.generator_optimizer.step(self.config.learning_rate, self.generator.clone(), grads);
        loss.detach()
    }
}

impl Experiment for DcganExperiment {
    type Batch = ImageBatch;

    fn train_step(&mut self, batch: ImageBatch, ctx: &mut StepContext) -> StepOutput {
        // The strip of the epoch that just ended, drawn before the first step of the next.
        if ctx.epoch > 0 && !self.progression.has(ctx.epoch - 1) {
            self.progression.record(ctx.epoch - 1, &self.generator, self.config.latent, &ctx.device);
        }
        let images = batch.len();
        let real = to_model_range(batch.images); // [B, 1, 28, 28]
        let chunks = real.chunk(self.config.discriminator_steps, 0); // k × [m, 1, 28, 28]
        let mut last_fake = None;
        let mut d_steps = Vec::with_capacity(chunks.len());
        for real in chunks {
            let m = real.dims()[0];
            let fake = self.generator.forward(self.noise(m, &ctx.device)); // [m, 1, 28, 28]
            d_steps.push(self.discriminator_step(real, fake.clone()));
            last_fake = Some(fake);
        }
        let g_loss = last_fake.map(|fake| self.generator_step(fake));
        let k = d_steps.len() as f32;
        let mean = |pick: fn(&DiscriminatorStep) -> Tensor<1>| {
            d_steps.iter().map(pick).reduce(|a, b| a + b).map(|sum| sum.div_scalar(k))
        };
        let mut output = StepOutput::new(images);
        for (name, value) in [
            ("d_loss", mean(|s| s.loss.clone())),
            ("d_real", mean(|s| s.real.clone())),
            ("d_fake", mean(|s| s.fake.clone())),
            ("g_loss", g_loss),
        ] {
            if let Some(value) = value {
                output = output.with(name, value);
            }
        }
        output
    }

    /// Held-out real images and fresh fakes through both networks in inference mode: the same
    /// losses and probabilities, with no update (a `D(x)` far above the training one on test
    /// images would say `D` memorises the training set).
    fn valid_step(&self, batch: ImageBatch, _ctx: &mut StepContext) -> StepOutput {
        let (generator, discriminator) = (self.generator.valid(), self.discriminator.valid());
        let real = to_model_range(batch.images.without_autodiff());
        let m = real.dims()[0];
        let device = real.device();
        let z = Tensor::random([m, self.config.latent], Distribution::Normal(0.0, 1.0), &device);
        let real_logits = discriminator.forward(real);
        let fake_logits = discriminator.forward(generator.forward(z));
        StepOutput::new(m)
            .with(
                "d_loss",
                discriminator_loss(real_logits.clone(), fake_logits.clone(), self.config.label_smoothing.real_target()),
            )
            .with("d_real", mean_probability(real_logits))
            .with("d_fake", mean_probability(fake_logits.clone()))
            .with("g_loss", generator_loss(self.config.generator_loss, fake_logits))
    }

    fn figures(&self, _batch: ImageBatch, ctx: &mut StepContext) -> Vec<Figure> {
        let latent = self.config.latent;
        vec![
            sample_grid(&self.generator, latent, &ctx.device),
            self.progression.figure(&self.generator, latent, ctx.epoch, &ctx.device),
            interpolation_figure(&self.generator, latent, INTERPOLATION_PAIRS, &ctx.device),
        ]
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut blobs = players_to_blobs(
            &self.generator,
            &self.discriminator,
            &self.generator_optimizer,
            &self.discriminator_optimizer,
        )?;
        blobs.push((PROGRESSION.to_string(), self.progression.to_bytes().map_err(|e| e.to_string())?));
        Ok(blobs)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let blob = |name: &str| blob(blobs, name);
        let config = self.config;
        // The strip's images live where the generator's samples do: its device, without autodiff.
        let device =
            self.generator.devices().into_iter().next().ok_or("the generator has no device")?.without_autodiff();
        let (generator, discriminator, generator_optimizer, discriminator_optimizer) =
            players_from_blobs((self.generator, self.discriminator), (adam(&config), adam(&config)), blobs)?;
        Ok(Self {
            generator,
            discriminator,
            generator_optimizer,
            discriminator_optimizer,
            progression: Progression::from_bytes(blob(PROGRESSION)?, &device)?,
            config,
        })
    }
}

/// Loads just the generator from checkpoint blobs (sampling and evaluation), on `device`.
pub fn load_generator(
    config: &DcganConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<Generator, String> {
    module_from_bytes(Generator::new(config.latent, device), blob(blobs, GENERATOR_BLOB)?)
}
