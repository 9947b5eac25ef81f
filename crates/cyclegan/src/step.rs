//! CycleGAN in the shared training loop: per batch of unpaired `(x, y)`, one step of both
//! generators together, then one step of both discriminators on images from the history buffers.

use std::collections::BTreeMap;

use atelier_train::state::{
    DISCRIMINATOR_BLOB, DISCRIMINATOR_OPTIMIZER_BLOB, GENERATOR_BLOB, GENERATOR_OPTIMIZER_BLOB, blob,
    players_from_blobs, players_to_blobs,
};
use atelier_train::{Experiment, Figure, PairBatch, StepContext, StepOutput, module_from_bytes};
use burn::optim::{GradientsParams, ModuleOptimizer};
use burn::prelude::*;

use crate::config::{CycleGanConfig, Direction};
use crate::loss::{
    GeneratorTerms, cycle_loss, discriminator_loss, generator_adversarial_loss, generator_objective, identity_loss,
};
use crate::model::{PatchDiscriminator, ResnetGenerator, to_model_range, to_unit_range};
use crate::pool::ImagePool;

/// Images per row of the per-epoch figure.
const FIGURE_IMAGES: usize = 8;
/// Checkpoint blobs of the two history buffers.
pub const POOL_X_BLOB: &str = "history_x";
pub const POOL_Y_BLOB: &str = "history_y";

/// `G: X → Y` and `F: Y → X`, stepped together by one Adam (as the paper's code).
#[derive(Module, Debug)]
pub struct Generators {
    pub g: ResnetGenerator,
    pub f: ResnetGenerator,
}

/// `D_X` (is this an `X` image?) and `D_Y`, stepped together by one Adam.
#[derive(Module, Debug)]
pub struct Discriminators {
    pub dx: PatchDiscriminator,
    pub dy: PatchDiscriminator,
}

impl Generators {
    pub fn new(config: &CycleGanConfig, device: &Device) -> Self {
        Self { g: ResnetGenerator::new(config, device), f: ResnetGenerator::new(config, device) }
    }

    /// The generator of `direction`.
    pub fn of(&self, direction: Direction) -> &ResnetGenerator {
        match direction {
            Direction::X2y => &self.g,
            Direction::Y2x => &self.f,
        }
    }
}

impl Discriminators {
    pub fn new(config: &CycleGanConfig, device: &Device) -> Self {
        Self { dx: PatchDiscriminator::new(config, device), dy: PatchDiscriminator::new(config, device) }
    }
}

pub struct CycleGanExperiment {
    pub generators: Generators,
    pub discriminators: Discriminators,
    generator_optimizer: ModuleOptimizer,
    discriminator_optimizer: ModuleOptimizer,
    /// Generated `X` images (`F(y)`) shown to `D_X`.
    pool_x: ImagePool,
    /// Generated `Y` images (`G(x)`) shown to `D_Y`.
    pool_y: ImagePool,
    pub config: CycleGanConfig,
    /// The run's length, for the learning-rate decay.
    epochs: usize,
    /// Where the history buffers are restored to.
    device: Device,
}

fn adam(config: &CycleGanConfig) -> ModuleOptimizer {
    atelier_train::pytorch_adam_beta1(config.beta_1)
}

/// What one generator step measured (detached `[1]` each).
pub struct GeneratorStep {
    pub terms: GeneratorTerms,
    pub loss: Tensor<1>,
}

/// What one discriminator step measured (detached `[1]` each).
pub struct DiscriminatorStep {
    pub dx: Tensor<1>,
    pub dy: Tensor<1>,
}

impl CycleGanExperiment {
    /// Fresh networks on `device` (autodiff enabled), initialised from the device's current seed,
    /// for a run of `epochs` (the learning-rate decay); `config` validated.
    pub fn new(config: CycleGanConfig, epochs: usize, device: &Device) -> Self {
        Self {
            generators: materialised(Generators::new(&config, device)),
            discriminators: materialised(Discriminators::new(&config, device)),
            generator_optimizer: adam(&config),
            discriminator_optimizer: adam(&config),
            pool_x: ImagePool::new(config.pool_size),
            pool_y: ImagePool::new(config.pool_size),
            config,
            epochs: epochs.max(1),
            device: device.clone(),
        }
    }

    /// One step of both generators on `x`, `y` (`[n, c, s, s]` in `[−1, 1]`) through frozen
    /// discriminators; returns the generated `(G(x), F(y))` (detached) for the discriminators.
    /// The cycle (and identity) passes run only when their weight is above 0 — with λ_cyc = 0 the
    /// reconstructions are still measured, without a graph.
    pub fn generator_step(&mut self, x: Tensor<4>, y: Tensor<4>, lr: f64) -> (GeneratorStep, Tensor<4>, Tensor<4>) {
        let (cycle_weight, identity_weight) = (self.config.cycle_weight, self.config.identity_weight());
        let gens = &self.generators;
        let fake_y = gens.g.forward(x.clone()); // G(x) [n, c, s, s]
        let fake_x = gens.f.forward(y.clone()); // F(y) [n, c, s, s]
        let (cycle_x, cycle_y) = if cycle_weight > 0.0 {
            (
                cycle_loss(gens.f.forward(fake_y.clone()), x.clone()),
                cycle_loss(gens.g.forward(fake_x.clone()), y.clone()),
            )
        } else {
            let (g, f) = (gens.g.clone().no_grad(), gens.f.clone().no_grad());
            (
                cycle_loss(f.forward(fake_y.clone().detach()), x.clone()).detach(),
                cycle_loss(g.forward(fake_x.clone().detach()), y.clone()).detach(),
            )
        };
        let identity = (identity_weight > 0.0)
            .then(|| (identity_loss(gens.f.forward(x.clone()), x), identity_loss(gens.g.forward(y.clone()), y)));
        let frozen = self.discriminators.clone().no_grad();
        let terms = GeneratorTerms {
            gan_xy: generator_adversarial_loss(frozen.dy.forward(fake_y.clone())),
            gan_yx: generator_adversarial_loss(frozen.dx.forward(fake_x.clone())),
            cycle_x,
            cycle_y,
            identity,
        };
        let loss = generator_objective(&terms, cycle_weight, identity_weight);
        let grads = GradientsParams::from_grads(loss.backward(), &self.generators);
        self.generators = self.generator_optimizer.step(lr, self.generators.clone(), grads);
        let detached = GeneratorTerms {
            gan_xy: terms.gan_xy.detach(),
            gan_yx: terms.gan_yx.detach(),
            cycle_x: terms.cycle_x.detach(),
            cycle_y: terms.cycle_y.detach(),
            identity: terms.identity.map(|(a, b)| (a.detach(), b.detach())),
        };
        (GeneratorStep { terms: detached, loss: loss.detach() }, fake_y.detach(), fake_x.detach())
    }

    /// One step of both discriminators: `D_Y` on the real `y` and on `G(x)` through its history
    /// buffer, `D_X` likewise on `x` and `F(y)`; `L = L_D(D_X) + L_D(D_Y)`.
    pub fn discriminator_step(
        &mut self,
        (x, y): (Tensor<4>, Tensor<4>),
        (fake_y, fake_x): (Tensor<4>, Tensor<4>),
        lr: f64,
        rng: &mut atelier_core::Rng,
    ) -> DiscriminatorStep {
        let shown_y = self.pool_y.query(fake_y, rng); // [n, c, s, s]
        let shown_x = self.pool_x.query(fake_x, rng); // [n, c, s, s]
        let d = &self.discriminators;
        let dy = discriminator_loss(d.dy.forward(y), d.dy.forward(shown_y));
        let dx = discriminator_loss(d.dx.forward(x), d.dx.forward(shown_x));
        let grads = GradientsParams::from_grads((dx.clone() + dy.clone()).backward(), &self.discriminators);
        self.discriminators = self.discriminator_optimizer.step(lr, self.discriminators.clone(), grads);
        DiscriminatorStep { dx: dx.detach(), dy: dy.detach() }
    }

    /// The history buffers' sizes `(X, Y)`.
    pub fn history_len(&self) -> (usize, usize) {
        (self.pool_x.len(), self.pool_y.len())
    }
}

/// Reads every parameter once. Burn initialises parameters lazily, and a clone made `no_grad()`
/// before the first read (the frozen discriminators of the very first generator step) would
/// share that pending initialisation: the originals' parameters would come out frozen too.
fn materialised<M: Module>(module: M) -> M {
    struct Touch;
    impl burn::module::ModuleVisitor for Touch {
        fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
            let _ = param.val();
        }
    }
    module.visit(&mut Touch);
    module
}

/// Adds the generators' terms to a step's metrics.
fn with_terms(output: StepOutput, terms: GeneratorTerms) -> StepOutput {
    let output = output
        .with("g_gan_xy", terms.gan_xy)
        .with("g_gan_yx", terms.gan_yx)
        .with("cycle_x", terms.cycle_x)
        .with("cycle_y", terms.cycle_y);
    match terms.identity {
        Some((x, y)) => output.with("identity_x", x).with("identity_y", y),
        None => output,
    }
}

impl Experiment for CycleGanExperiment {
    /// `inputs` = images of `X`, `targets` = images of `Y` (unrelated in training, the true
    /// counterparts in validation).
    type Batch = PairBatch;

    fn train_step(&mut self, batch: PairBatch, ctx: &mut StepContext) -> StepOutput {
        let output = StepOutput::new(batch.len());
        let lr = self.config.rate(ctx.epoch, self.epochs);
        let x = to_model_range(batch.inputs); // [n, c, s, s]
        let y = to_model_range(batch.targets); // [n, c, s, s]
        let (g, fake_y, fake_x) = self.generator_step(x.clone(), y.clone(), lr);
        let d = self.discriminator_step((x, y), (fake_y, fake_x), lr, &mut ctx.rng);
        with_terms(output, g.terms).with("g_loss", g.loss).with("d_x", d.dx).with("d_y", d.dy)
    }

    /// Held-out `(x, y)` counterparts: the same terms (no history), and the L1 of each
    /// translation against its true counterpart (`l1_xy` = mean |G(x) − y|, in `[−1, 1]` units).
    fn valid_step(&self, batch: PairBatch, _ctx: &mut StepContext) -> StepOutput {
        let output = StepOutput::new(batch.len());
        let (gens, ds) = (self.generators.valid(), self.discriminators.valid());
        let x = to_model_range(batch.inputs.without_autodiff()); // [n, c, s, s]
        let y = to_model_range(batch.targets.without_autodiff()); // [n, c, s, s]
        let fake_y = gens.g.forward(x.clone());
        let fake_x = gens.f.forward(y.clone());
        let terms = GeneratorTerms {
            gan_xy: generator_adversarial_loss(ds.dy.forward(fake_y.clone())),
            gan_yx: generator_adversarial_loss(ds.dx.forward(fake_x.clone())),
            cycle_x: cycle_loss(gens.f.forward(fake_y.clone()), x.clone()),
            cycle_y: cycle_loss(gens.g.forward(fake_x.clone()), y.clone()),
            identity: Some((
                identity_loss(gens.f.forward(x.clone()), x.clone()),
                identity_loss(gens.g.forward(y.clone()), y.clone()),
            )),
        };
        let loss = generator_objective(&terms, self.config.cycle_weight, self.config.identity_weight());
        let output = output
            .with("l1_xy", cycle_loss(fake_y.clone(), y.clone()))
            .with("l1_yx", cycle_loss(fake_x.clone(), x.clone()))
            .with("d_x", discriminator_loss(ds.dx.forward(x), ds.dx.forward(fake_x)))
            .with("d_y", discriminator_loss(ds.dy.forward(y), ds.dy.forward(fake_y)));
        with_terms(output, terms).with("g_loss", loss)
    }

    /// "translations": rows x, G(x), F(G(x)), y, F(y), G(F(y)) for the first 8 held-out pairs.
    fn figures(&self, batch: PairBatch, _ctx: &mut StepContext) -> Vec<Figure> {
        let shown = batch.len().min(FIGURE_IMAGES);
        if shown == 0 {
            return Vec::new();
        }
        let gens = self.generators.valid();
        let x = to_model_range(batch.inputs.without_autodiff().narrow(0, 0, shown)); // [k, c, s, s]
        let y = to_model_range(batch.targets.without_autodiff().narrow(0, 0, shown)); // [k, c, s, s]
        let fake_y = gens.g.forward(x.clone());
        let fake_x = gens.f.forward(y.clone());
        let rows = vec![
            ("x".to_string(), to_unit_range(x)),
            ("G(x)".to_string(), to_unit_range(fake_y.clone())),
            ("F(G(x))".to_string(), to_unit_range(gens.f.forward(fake_y))),
            ("y".to_string(), to_unit_range(y)),
            ("F(y)".to_string(), to_unit_range(fake_x.clone())),
            ("G(F(y))".to_string(), to_unit_range(gens.g.forward(fake_x))),
        ];
        vec![Figure::Grid { name: "translations".to_string(), rows, marks: Vec::new() }]
    }

    /// Both generators, both discriminators, their optimizers and both history buffers.
    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut blobs = players_to_blobs(
            &self.generators,
            &self.discriminators,
            &self.generator_optimizer,
            &self.discriminator_optimizer,
        )?;
        blobs.push((POOL_X_BLOB.to_string(), pool_to_bytes(&self.pool_x)?));
        blobs.push((POOL_Y_BLOB.to_string(), pool_to_bytes(&self.pool_y)?));
        Ok(blobs)
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let config = self.config;
        let device = self.device;
        let (generators, discriminators, generator_optimizer, discriminator_optimizer) =
            players_from_blobs((self.generators, self.discriminators), (adam(&config), adam(&config)), blobs)?;
        let image_shape = [config.channels, config.size, config.size];
        let pool = |name| {
            pool_from_bytes(blob(blobs, name)?, config.pool_size, image_shape, &device)
                .map_err(|e| format!("{name}: {e}"))
        };
        Ok(Self {
            generators,
            discriminators,
            generator_optimizer,
            discriminator_optimizer,
            pool_x: pool(POOL_X_BLOB)?,
            pool_y: pool(POOL_Y_BLOB)?,
            config,
            epochs: self.epochs,
            device,
        })
    }
}

/// A history buffer as bytes: its shape `[m, c, h, w]` as four little-endian u64, then the
/// values as little-endian f32 (nothing for an empty buffer).
fn pool_to_bytes(pool: &ImagePool) -> Result<Vec<u8>, String> {
    let Some(images) = pool.images() else { return Ok(Vec::new()) };
    let mut bytes: Vec<u8> = images.dims().iter().flat_map(|&d| (d as u64).to_le_bytes()).collect();
    let values = atelier_train::to_host_f32(images.clone(), "the history buffer").map_err(|e| e.to_string())?;
    bytes.extend(values.iter().flat_map(|v| v.to_le_bytes()));
    Ok(bytes)
}

/// The inverse of [`pool_to_bytes`], checked: whole numbers, at most `capacity` images of the
/// configured `[channels, size, size]`; anything else is an error naming what does not fit.
fn pool_from_bytes(
    bytes: &[u8],
    capacity: usize,
    image_shape: [usize; 3],
    device: &Device,
) -> Result<ImagePool, String> {
    if bytes.is_empty() {
        return Ok(ImagePool::new(capacity));
    }
    const HEADER: usize = 4 * 8;
    if bytes.len() < HEADER || !(bytes.len() - HEADER).is_multiple_of(4) {
        return Err(format!("the history buffer's {} bytes are not a shape and its values", bytes.len()));
    }
    let word = |i: usize| {
        let mut le = [0u8; 8];
        le.copy_from_slice(&bytes[i * 8..(i + 1) * 8]);
        u64::from_le_bytes(le) as usize
    };
    let dims = [word(0), word(1), word(2), word(3)]; // [m, c, h, w]
    if dims[1..] != image_shape || dims[0] > capacity {
        return Err(format!(
            "the history buffer holds {}×{:?} images; this run's configuration takes at most {capacity}×{image_shape:?}",
            dims[0],
            &dims[1..]
        ));
    }
    let values: Vec<f32> =
        bytes[HEADER..].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    if values.len() != dims.iter().product::<usize>() {
        return Err(format!("the history buffer's shape {dims:?} does not match its {} values", values.len()));
    }
    let images = Tensor::<4>::from_data(TensorData::new(values, dims), device);
    ImagePool::with_images(capacity, Some(images))
}

/// Loads both generators from checkpoint blobs (translation and evaluation), on `device`.
pub fn load_generators(
    config: &CycleGanConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    device: &Device,
) -> Result<Generators, String> {
    module_from_bytes(Generators::new(config, device), blob(blobs, GENERATOR_BLOB)?)
}

/// A generator's translation in pixels: `[n, c, s, s]` in `[0, 1]` → `[n, c, s, s]` in `[0, 1]`
/// (inputs taken off autodiff).
pub fn translate(generator: &ResnetGenerator, images_unit: Tensor<4>) -> Tensor<4> {
    to_unit_range(generator.forward(to_model_range(images_unit.without_autodiff())))
}

/// The checkpoint blobs a CycleGAN run writes.
pub const BLOBS: [&str; 6] = [
    GENERATOR_BLOB,
    DISCRIMINATOR_BLOB,
    GENERATOR_OPTIMIZER_BLOB,
    DISCRIMINATOR_OPTIMIZER_BLOB,
    POOL_X_BLOB,
    POOL_Y_BLOB,
];

#[cfg(test)]
mod tests;
