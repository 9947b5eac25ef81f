//! pix2pix in the shared training loop: one discriminator step, then one generator step, per
//! batch of pairs (or the generator step alone for the L1-only baseline).

use std::collections::BTreeMap;

use atelier_train::state::{GENERATOR_BLOB, blob, players_from_blobs, players_to_blobs};
use atelier_train::{Experiment, Figure, PairBatch, StepContext, StepOutput, module_from_bytes};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::colour::{display_inputs_rgb, display_rgb};
use crate::config::{Objective, Pix2PixConfig};
use crate::loss::{discriminator_loss, generator_adversarial_loss, generator_loss, l1_loss, mean_probability};
use crate::model::{PatchDiscriminator, UNetGenerator, to_model_range, to_unit_range};

/// Pairs shown in the per-epoch figure.
const FIGURE_PAIRS: usize = 8;

/// Both networks, both optimizers (the discriminator's idle in the L1-only baseline).
pub struct Pix2PixExperiment {
    pub generator: UNetGenerator,
    pub discriminator: PatchDiscriminator,
    generator_optimizer: ModuleOptimizer,
    discriminator_optimizer: ModuleOptimizer,
    pub config: Pix2PixConfig,
}

/// pix2pix's Adam: learning rate and β₁ from the config (2e-4, 0.5), β₂ = 0.999, PyTorch's ε = 1e-8.
fn adam(config: &Pix2PixConfig) -> ModuleOptimizer {
    atelier_train::pytorch_adam_beta1(config.beta_1)
}

/// What one discriminator step measured (detached scalars `[1]`).
pub struct DiscriminatorStep {
    /// `L_D` (halved).
    pub loss: Tensor<1>,
    /// Mean `D(x, y)` over the real pairs' patches.
    pub real: Tensor<1>,
    /// Mean `D(x, G(x))` over the fake pairs' patches.
    pub fake: Tensor<1>,
}

/// What one generator step measured (detached scalars `[1]`).
pub struct GeneratorStep {
    /// `L_adv`, absent in the L1-only baseline.
    pub adversarial: Option<Tensor<1>>,
    /// `L_L1`, un-weighted, in the models' `[−1, 1]` range.
    pub l1: Tensor<1>,
    /// `L_G = gan_weight·L_adv + λ·L_L1`, the loss descended.
    pub loss: Tensor<1>,
}

impl Pix2PixExperiment {
    /// Fresh networks on `device` (autodiff enabled), initialised from the device's current seed;
    /// `config` validated ([`Pix2PixConfig::validate`]).
    pub fn new(config: Pix2PixConfig, device: &Device) -> Self {
        Self {
            generator: UNetGenerator::new(&config, device),
            discriminator: PatchDiscriminator::new(&config, device),
            generator_optimizer: adam(&config),
            discriminator_optimizer: adam(&config),
            config,
        }
    }

    /// One discriminator step on the real pairs `(x, y)` and the fake pairs `(x, G(x))`, the fakes
    /// detached from `G` (all `[n, c, s, s]` in `[−1, 1]`). Updates `D` only.
    pub fn discriminator_step(&mut self, input: Tensor<4>, target: Tensor<4>, fake: Tensor<4>) -> DiscriminatorStep {
        let real_logits = self.discriminator.forward(input.clone(), target); // [n, 1, p, p]
        let fake_logits = self.discriminator.forward(input, fake.detach()); // [n, 1, p, p]
        let loss = discriminator_loss(real_logits.clone(), fake_logits.clone());
        let grads = GradientsParams::from_grads(loss.backward(), &self.discriminator);
        self.discriminator =
            self.discriminator_optimizer.step(self.config.learning_rate, self.discriminator.clone(), grads);
        DiscriminatorStep {
            loss: loss.detach(),
            real: mean_probability(real_logits.detach()),
            fake: mean_probability(fake_logits.detach()),
        }
    }

    /// One generator step on `fake = G(x)` (graph into `G` kept) against `target`: `L_adv` through
    /// a frozen `D` (no gradient, not stepped) when the objective is pix2pix, plus `λ·L_L1`.
    /// Updates `G` only.
    pub fn generator_step(&mut self, input: Tensor<4>, target: Tensor<4>, fake: Tensor<4>) -> GeneratorStep {
        let l1 = l1_loss(fake.clone(), target);
        let (adversarial, loss) = match self.config.objective() {
            Objective::Pix2Pix => {
                let frozen = self.discriminator.clone().no_grad();
                let adversarial = generator_adversarial_loss(frozen.forward(input, fake)); // [1]
                let loss =
                    generator_loss(adversarial.clone(), l1.clone(), self.config.gan_weight, self.config.l1_weight);
                (Some(adversarial), loss)
            }
            Objective::L1Only => (None, l1.clone().mul_scalar(self.config.l1_weight)),
        };
        let grads = GradientsParams::from_grads(loss.backward(), &self.generator);
        self.generator = self.generator_optimizer.step(self.config.learning_rate, self.generator.clone(), grads);
        GeneratorStep { adversarial: adversarial.map(|a| a.detach()), l1: l1.detach(), loss: loss.detach() }
    }
}

impl Experiment for Pix2PixExperiment {
    type Batch = PairBatch;

    /// `fake = G(x)` once; then `D`'s step on it (detached) and `G`'s step on it (graph kept).
    fn train_step(&mut self, batch: PairBatch, _ctx: &mut StepContext) -> StepOutput {
        let mut output = StepOutput::new(batch.len());
        let input = to_model_range(batch.inputs); // [n, c_in, s, s]
        let target = to_model_range(batch.targets); // [n, c_out, s, s]
        let fake = self.generator.forward(input.clone()); // [n, c_out, s, s]
        if self.config.objective() == Objective::Pix2Pix {
            let d = self.discriminator_step(input.clone(), target.clone(), fake.clone());
            output = output.with("d_loss", d.loss).with("d_real", d.real).with("d_fake", d.fake);
        }
        let g = self.generator_step(input, target, fake);
        if let Some(adversarial) = g.adversarial {
            output = output.with("g_gan", adversarial);
        }
        output.with("g_l1", g.l1).with("g_loss", g.loss)
    }

    /// Held-out pairs through both networks in inference mode (running batch-norm statistics, no
    /// dropout): the same metrics, no update.
    fn valid_step(&self, batch: PairBatch, _ctx: &mut StepContext) -> StepOutput {
        let output = StepOutput::new(batch.len());
        let generator = self.generator.valid();
        let input = to_model_range(batch.inputs.without_autodiff()); // [n, c_in, s, s]
        let target = to_model_range(batch.targets.without_autodiff()); // [n, c_out, s, s]
        let fake = generator.forward(input.clone()); // [n, c_out, s, s]
        let l1 = l1_loss(fake.clone(), target.clone());
        let (gan_weight, l1_weight) = (self.config.gan_weight, self.config.l1_weight);
        match self.config.objective() {
            Objective::L1Only => output.with("g_l1", l1.clone()).with("g_loss", l1.mul_scalar(l1_weight)),
            Objective::Pix2Pix => {
                let discriminator = self.discriminator.valid();
                let real_logits = discriminator.forward(input.clone(), target); // [n, 1, p, p]
                let fake_logits = discriminator.forward(input, fake); // [n, 1, p, p]
                let adversarial = generator_adversarial_loss(fake_logits.clone());
                output
                    .with("d_loss", discriminator_loss(real_logits.clone(), fake_logits.clone()))
                    .with("d_real", mean_probability(real_logits))
                    .with("d_fake", mean_probability(fake_logits))
                    .with("g_gan", adversarial.clone())
                    .with("g_l1", l1.clone())
                    .with("g_loss", generator_loss(adversarial, l1, gan_weight, l1_weight))
            }
        }
    }

    /// "translations": rows input, output, target for the first 8 pairs, in colour.
    fn figures(&self, batch: PairBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let shown = batch.len().min(FIGURE_PAIRS);
        if shown == 0 {
            return Vec::new();
        }
        let inputs = batch.inputs.without_autodiff().narrow(0, 0, shown); // [k, c_in, s, s]
        let targets = batch.targets.without_autodiff().narrow(0, 0, shown); // [k, c_out, s, s]
        let outputs = translate(&self.generator.valid(), inputs.clone()); // [k, c_out, s, s]
        let config = &self.config;
        let rows = vec![
            ("input".to_string(), display_inputs_rgb(config, inputs.clone())),
            ("output".to_string(), display_rgb(config, inputs.clone(), outputs)),
            ("target".to_string(), display_rgb(config, inputs, targets)),
        ];
        vec![Figure::Grid { name: "translations".to_string(), rows, marks: Vec::new() }]
    }

    /// Both players' blobs (the discriminator's are kept in the L1-only baseline too: one format).
    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        players_to_blobs(&self.generator, &self.discriminator, &self.generator_optimizer, &self.discriminator_optimizer)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let config = self.config;
        let (generator, discriminator, generator_optimizer, discriminator_optimizer) =
            players_from_blobs((self.generator, self.discriminator), (adam(&config), adam(&config)), blobs)?;
        Ok(Self { generator, discriminator, generator_optimizer, discriminator_optimizer, config })
    }
}

/// Loads just the generator from checkpoint blobs (translation and evaluation), on `device`.
pub fn load_generator(
    config: &Pix2PixConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<UNetGenerator, String> {
    module_from_bytes(UNetGenerator::new(config, device), blob(blobs, GENERATOR_BLOB)?)
}

/// `G(x)` in pixels: inputs `[n, c_in, s, s]` in `[0, 1]` → outputs `[n, c_out, s, s]` in `[0, 1]`.
/// `generator` is given in [`Module::valid`] mode (no dropout, running batch-norm statistics); the
/// inputs are taken off autodiff.
pub fn translate(generator: &UNetGenerator, inputs_unit: Tensor<4>) -> Tensor<4> {
    let input = to_model_range(inputs_unit.without_autodiff()); // [n, c_in, s, s]
    to_unit_range(generator.forward(input)) // [n, c_out, s, s]
}

#[cfg(test)]
mod tests;
