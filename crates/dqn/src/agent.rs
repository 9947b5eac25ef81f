//! The DQN agent in the shared agent loop ([`atelier_train::agent::run_agent`]): ε-greedy acting in
//! CartPole, a replay buffer, an online and a target Q-network, Adam on the TD loss of [`crate::td`].

use std::collections::BTreeMap;

use atelier_core::Rng;
use atelier_train::agent::{Agent, EnvStep};
use atelier_train::host::{DeviceReadError, to_host_f32};
use atelier_train::{
    StepContext, StepOutput, module_from_bytes, module_to_bytes, optimizer_from_bytes, optimizer_to_bytes,
};
use burn::grad_clipping::GradientClippingConfig;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{DqnConfig, TargetKind, TargetUpdate};
use crate::env::{CartPole, Environment};
use crate::figures::{Filmstrip, filmstrip};
use crate::model::QNetwork;
use crate::replay::ReplayBuffer;
use crate::td::{td_loss, td_target};

/// Observation size of CartPole.
pub const OBSERVATION_SIZE: usize = 4;

const ONLINE_BLOB: &str = "q_online";
const TARGET_BLOB: &str = "q_target";
const OPTIMIZER_BLOB: &str = "optimizer";
const REPLAY_BLOB: &str = "replay";
const EPISODE_BLOB: &str = "episode";
const BEST_BLOB: &str = "q_best";

/// Which of a run's policies to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The online network at the checkpoint.
    Final,
    /// The network of the best greedy evaluation during training up to the checkpoint.
    Best,
}

/// The agent: networks, optimizer, memory, and the episode in progress.
pub struct DqnAgent {
    pub config: DqnConfig,
    /// `Q_θ`, on the autodiff device.
    pub online: QNetwork,
    /// `Q_θ⁻`, on the plain device.
    target: QNetwork,
    optimizer: ModuleOptimizer,
    buffer: ReplayBuffer,
    episode: Episode,
    /// `online.valid()`, rebuilt after each training phase (acting needs no graph).
    acting: QNetwork,
    /// The policy of the best greedy evaluation so far (plain device).
    best: Option<QNetwork>,
    /// The autodiff training device.
    device: Device,
}

/// The environment mid-episode (checkpointed, so a resumed run continues the same episode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Episode {
    env: CartPole,
    observation: [f32; 4],
    episode_return: f64,
    /// A new episode starts at the next step (at the very start, and after an episode ends).
    needs_reset: bool,
}

/// Adam with PyTorch's defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e-8), gradient clipping from the config.
fn adam(config: &DqnConfig) -> ModuleOptimizer {
    AdamConfig::new()
        .with_epsilon(1e-8)
        .with_grad_clipping(config.max_grad_norm.map(|n| GradientClippingConfig::Norm(n as f32)))
        .init()
}

impl DqnAgent {
    /// A fresh agent on `device` (autodiff enabled), initialised from the device's current seed.
    pub fn new(config: DqnConfig, device: &Device) -> Self {
        let online = QNetwork::new(OBSERVATION_SIZE, &config.hidden, CartPole::ACTIONS, device);
        let acting = online.valid();
        Self {
            target: online.valid(),
            acting,
            online,
            best: None,
            optimizer: adam(&config),
            buffer: ReplayBuffer::new(config.buffer_capacity, OBSERVATION_SIZE),
            episode: Episode {
                env: CartPole::default(),
                observation: [0.0; 4],
                episode_return: 0.0,
                needs_reset: true,
            },
            device: device.clone(),
            config,
        }
    }

    /// Stores a transition in the replay buffer (the loop does this in [`Agent::env_step`]; tests
    /// use it to build small problems).
    pub fn remember(&mut self, observation: [f32; 4], action: usize, reward: f32, next: [f32; 4], terminal: bool) {
        self.buffer.push(&observation, action, reward, &next, terminal);
    }

    /// Transitions stored so far (at most the capacity).
    pub fn buffer_len(&self) -> usize {
        self.buffer.len()
    }

    /// One gradient update on a batch from the buffer at the initial learning rate. Returns the
    /// detached TD loss and mean `Q(s, a)`.
    pub fn update(&mut self, rng: &mut Rng) -> (Tensor<1>, Tensor<1>) {
        self.update_at(rng, self.config.learning_rate)
    }

    /// [`DqnAgent::update`] with learning rate `lr`.
    fn update_at(&mut self, rng: &mut Rng, lr: f64) -> (Tensor<1>, Tensor<1>) {
        let plain = self.device.clone().without_autodiff();
        let batch = self.buffer.sample(self.config.batch_size, rng, &plain);
        let next_q_target = self.target.forward(batch.next_observations.clone()); // [n, 2]
        let next_q_online = match self.config.target {
            TargetKind::Dqn => next_q_target.clone(),
            TargetKind::DoubleDqn => self.online.valid().forward(batch.next_observations), // [n, 2]
        };
        let targets = td_target(
            self.config.target,
            self.config.gamma,
            batch.rewards,
            batch.terminals,
            next_q_target,
            next_q_online,
        ); // [n, 1]
        let q_taken = self.online.forward(batch.observations).gather(1, batch.actions); // [n, 1]
        let loss = td_loss(self.config.loss, q_taken.clone(), targets);
        let grads = GradientsParams::from_grads(loss.backward(), &self.online);
        self.online = self.optimizer.step(lr, self.online.clone(), grads);
        (loss.detach(), q_taken.detach().mean())
    }

    /// Applies the configured target-network update if one is due after `steps_done` steps.
    fn maybe_update_target(&mut self, steps_done: u64) {
        match self.config.target_update {
            TargetUpdate::Hard { every } if steps_done.is_multiple_of(every) => self.target = self.online.valid(),
            TargetUpdate::Soft { tau, every } if steps_done.is_multiple_of(every) => {
                let target = std::mem::replace(&mut self.target, self.acting.clone());
                self.target = target.soft_update(&self.online, tau);
            }
            _ => {}
        }
    }

    /// The greedy action `argmax_a Q(s, a)` for each observation (ties go to the lower action); a
    /// failed read of `Q` back from the device is an error.
    pub fn greedy_actions(
        network: &QNetwork,
        observations: &[[f32; 4]],
        device: &Device,
    ) -> Result<Vec<usize>, DeviceReadError> {
        let n = observations.len();
        let flat: Vec<f32> = observations.iter().flatten().copied().collect();
        let x = Tensor::<2>::from_data(TensorData::new(flat, [n, OBSERVATION_SIZE]), device);
        let q = to_host_f32(network.forward(x), "the Q-values of the greedy policy")?; // [n, 2]
        Ok(q.chunks(CartPole::ACTIONS).map(|row| if row[1] > row[0] { 1 } else { 0 }).collect())
    }

    /// The greedy network on the plain device.
    pub fn policy(&self) -> &QNetwork {
        &self.acting
    }

    fn plain_device(&self) -> Device {
        self.device.clone().without_autodiff()
    }
}

/// Returns of greedy episodes run side by side (one forward pass per step for all of them); the
/// environments are reset in order from `seed`.
pub fn greedy_returns(
    network: &QNetwork,
    episodes: usize,
    seed: u64,
    device: &Device,
) -> Result<Vec<f64>, DeviceReadError> {
    let mut rng = Rng::new(seed);
    let mut envs: Vec<CartPole> = (0..episodes).map(|_| CartPole::default()).collect();
    let mut observations: Vec<[f32; 4]> = envs.iter_mut().map(|e| e.reset(&mut rng)).collect();
    let mut returns = vec![0.0; episodes];
    let mut active: Vec<usize> = (0..episodes).collect();
    while !active.is_empty() {
        let obs: Vec<[f32; 4]> = active.iter().map(|&i| observations[i]).collect();
        let actions = DqnAgent::greedy_actions(network, &obs, device)?;
        active = active
            .into_iter()
            .zip(actions)
            .filter_map(|(i, action)| {
                let t = envs[i].step(action);
                returns[i] += f64::from(t.reward);
                observations[i] = t.observation;
                (!t.end.is_over()).then_some(i)
            })
            .collect();
    }
    Ok(returns)
}

/// The states of one greedy episode from a reset seeded by `seed` (the initial state first).
pub fn greedy_trajectory(network: &QNetwork, seed: u64, device: &Device) -> Result<Vec<[f64; 4]>, DeviceReadError> {
    let mut env = CartPole::default();
    let mut observation = env.reset(&mut Rng::new(seed));
    let mut states = vec![env.state];
    loop {
        let action = DqnAgent::greedy_actions(network, &[observation], device)?[0];
        let t = env.step(action);
        states.push(env.state);
        observation = t.observation;
        if t.end.is_over() {
            return Ok(states);
        }
    }
}

impl Agent for DqnAgent {
    type Figure = Filmstrip;

    fn env_step(&mut self, ctx: &mut StepContext) -> Result<EnvStep, DeviceReadError> {
        let rng = &mut ctx.rng;
        if self.episode.needs_reset {
            self.episode.observation = self.episode.env.reset(rng);
            self.episode.episode_return = 0.0;
            self.episode.needs_reset = false;
        }
        let epsilon = self.config.epsilon(ctx.step);
        let action = if f64::from(rng.next_f32()) < epsilon {
            rng.below(CartPole::ACTIONS)
        } else {
            Self::greedy_actions(&self.acting, &[self.episode.observation], &self.plain_device())?[0]
        };
        let t = self.episode.env.step(action);
        self.buffer.push(
            &self.episode.observation,
            action,
            t.reward,
            &t.observation,
            t.end == crate::env::EpisodeEnd::Terminated,
        );
        self.episode.episode_return += f64::from(t.reward);
        self.episode.observation = t.observation;
        let episode_return = t.end.is_over().then(|| {
            self.episode.needs_reset = true;
            self.episode.episode_return
        });

        let steps_done = ctx.step + 1;
        let mut learning = StepOutput::new(0);
        if steps_done > self.config.learning_starts && steps_done.is_multiple_of(self.config.train_every) {
            let mut losses = Vec::with_capacity(self.config.gradient_steps);
            let mut q_values = Vec::with_capacity(self.config.gradient_steps);
            let lr = self.config.learning_rate_at(ctx.step);
            for _ in 0..self.config.gradient_steps {
                let (loss, q) = self.update_at(rng, lr);
                losses.push(loss);
                q_values.push(q);
            }
            self.acting = self.online.valid();
            let n = self.config.gradient_steps as f64;
            learning = StepOutput::new(self.config.gradient_steps)
                .with("td_loss", Tensor::cat(losses, 0).sum().div_scalar(n))
                .with("q_taken", Tensor::cat(q_values, 0).sum().div_scalar(n));
        }
        self.maybe_update_target(steps_done);
        Ok(EnvStep { episode_return, learning })
    }

    fn log_values(&self, step: u64) -> Vec<(&'static str, f64)> {
        vec![
            ("epsilon", self.config.epsilon(step)),
            ("learning_rate", self.config.learning_rate_at(step)),
            ("replay_size", self.buffer.len() as f64),
        ]
    }

    fn evaluate(&self, episodes: usize, seed: u64) -> Result<Vec<f64>, DeviceReadError> {
        greedy_returns(&self.acting, episodes, seed, &self.plain_device())
    }

    fn keep_best_policy(&mut self) {
        self.best = Some(self.acting.clone());
    }

    fn figures(&self, seed: u64) -> Result<Vec<(String, Filmstrip)>, DeviceReadError> {
        let states = greedy_trajectory(&self.acting, seed, &self.plain_device())?;
        Ok(vec![("filmstrip".to_string(), filmstrip(&states, "greedy policy after training"))])
    }

    fn state(&self) -> Result<Vec<(String, Vec<u8>)>, String> {
        let best = match &self.best {
            Some(best) => vec![(BEST_BLOB.to_string(), module_to_bytes(best)?)],
            None => Vec::new(),
        };
        Ok([
            (ONLINE_BLOB.to_string(), module_to_bytes(&self.online)?),
            (TARGET_BLOB.to_string(), module_to_bytes(&self.target)?),
            (OPTIMIZER_BLOB.to_string(), optimizer_to_bytes(&self.optimizer)?),
            (REPLAY_BLOB.to_string(), self.buffer.to_bytes()),
            (EPISODE_BLOB.to_string(), serde_json::to_vec(&self.episode).map_err(|e| e.to_string())?),
        ]
        .into_iter()
        .chain(best)
        .collect())
    }

    fn load_state(self, blobs: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let get = |name: &str| blobs.get(name).ok_or_else(|| format!("the checkpoint has no '{name}'"));
        let online = module_from_bytes(self.online, get(ONLINE_BLOB)?)?;
        let target = module_from_bytes(self.target, get(TARGET_BLOB)?)?;
        let optimizer = optimizer_from_bytes(adam(&self.config), get(OPTIMIZER_BLOB)?)?;
        let buffer = ReplayBuffer::from_bytes(get(REPLAY_BLOB)?, self.config.buffer_capacity, OBSERVATION_SIZE)?;
        let episode = serde_json::from_slice(get(EPISODE_BLOB)?).map_err(|e| format!("{EPISODE_BLOB}: {e}"))?;
        let best = match blobs.get(BEST_BLOB) {
            Some(bytes) => Some(module_from_bytes(self.acting.clone(), bytes)?),
            None => None,
        };
        Ok(Self {
            acting: online.valid(),
            online,
            target,
            best,
            optimizer,
            buffer,
            episode,
            device: self.device,
            config: self.config,
        })
    }
}

/// Loads one Q-network (plain device) from checkpoint blobs, for evaluation.
pub fn load_policy(
    config: &DqnConfig,
    blobs: &BTreeMap<String, Vec<u8>>,
    policy: Policy,
    device: &Device,
) -> Result<QNetwork, String> {
    let name = match policy {
        Policy::Final => ONLINE_BLOB,
        Policy::Best => BEST_BLOB,
    };
    let bytes = blobs.get(name).ok_or_else(|| match policy {
        Policy::Final => format!("the checkpoint has no '{name}'"),
        Policy::Best => "the checkpoint has no best policy yet (no greedy evaluation had run)".to_string(),
    })?;
    module_from_bytes(QNetwork::new(OBSERVATION_SIZE, &config.hidden, CartPole::ACTIONS, device), bytes)
}
