//! The experience replay buffer: a ring of the last `capacity` transitions, sampled uniformly.
//!
//! Kept on the host (observations are 4 floats; a batch is copied to the device once per update)
//! and serialisable to bytes, so a checkpoint holds it and a resumed run samples exactly what the
//! uninterrupted run would have sampled.

use atelier_core::Rng;
use burn::prelude::*;

/// Transitions `(s, a, r, s', terminal)` in flat arrays, oldest overwritten first.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayBuffer {
    capacity: usize,
    obs_dim: usize,
    /// `[capacity · obs_dim]`
    observations: Vec<f32>,
    /// `[capacity · obs_dim]`
    next_observations: Vec<f32>,
    actions: Vec<u32>,
    rewards: Vec<f32>,
    /// 1 when `s'` is terminal (not for a truncation: that still bootstraps).
    terminals: Vec<f32>,
    /// Where the next transition goes.
    head: usize,
    len: usize,
}

/// A sampled batch on the device.
pub struct Batch {
    /// `[n, obs_dim]`
    pub observations: Tensor<2>,
    /// `[n, 1]` (Int)
    pub actions: Tensor<2, Int>,
    /// `[n, 1]`
    pub rewards: Tensor<2>,
    /// `[n, obs_dim]`
    pub next_observations: Tensor<2>,
    /// `[n, 1]`, 1 for a terminal `s'`
    pub terminals: Tensor<2>,
}

const MAGIC: &[u8; 8] = b"ATLRPLY1";

impl ReplayBuffer {
    pub fn new(capacity: usize, obs_dim: usize) -> Self {
        Self {
            capacity,
            obs_dim,
            observations: Vec::new(),
            next_observations: Vec::new(),
            actions: Vec::new(),
            rewards: Vec::new(),
            terminals: Vec::new(),
            head: 0,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Stores one transition, overwriting the oldest when full.
    pub fn push(&mut self, observation: &[f32], action: usize, reward: f32, next: &[f32], terminal: bool) {
        debug_assert_eq!(observation.len(), self.obs_dim);
        let d = self.obs_dim;
        let terminal = if terminal { 1.0 } else { 0.0 };
        if self.len < self.capacity {
            self.observations.extend_from_slice(observation);
            self.next_observations.extend_from_slice(next);
            self.actions.push(action as u32);
            self.rewards.push(reward);
            self.terminals.push(terminal);
            self.len += 1;
        } else {
            let i = self.head;
            self.observations[i * d..(i + 1) * d].copy_from_slice(observation);
            self.next_observations[i * d..(i + 1) * d].copy_from_slice(next);
            self.actions[i] = action as u32;
            self.rewards[i] = reward;
            self.terminals[i] = terminal;
        }
        self.head = (self.head + 1) % self.capacity;
    }

    /// `n` transitions drawn uniformly with replacement, as device tensors.
    pub fn sample(&self, n: usize, rng: &mut Rng, device: &Device) -> Batch {
        let indices: Vec<usize> = (0..n).map(|_| rng.below(self.len)).collect();
        self.gather(&indices, device)
    }

    /// The transitions at `indices` as device tensors.
    pub fn gather(&self, indices: &[usize], device: &Device) -> Batch {
        let (n, d) = (indices.len(), self.obs_dim);
        let mut obs = Vec::with_capacity(n * d);
        let mut next = Vec::with_capacity(n * d);
        let mut actions = Vec::with_capacity(n);
        let mut rewards = Vec::with_capacity(n);
        let mut terminals = Vec::with_capacity(n);
        for &i in indices {
            obs.extend_from_slice(&self.observations[i * d..(i + 1) * d]);
            next.extend_from_slice(&self.next_observations[i * d..(i + 1) * d]);
            actions.push(self.actions[i] as i64);
            rewards.push(self.rewards[i]);
            terminals.push(self.terminals[i]);
        }
        let float = |values: Vec<f32>, cols: usize| Tensor::<2>::from_data(TensorData::new(values, [n, cols]), device);
        Batch {
            observations: float(obs, d),
            actions: Tensor::<2, Int>::from_data(TensorData::new(actions, [n, 1]), device),
            rewards: float(rewards, 1),
            next_observations: float(next, d),
            terminals: float(terminals, 1),
        }
    }

    /// The buffer as bytes (little-endian; exact floats).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.len * (8 * self.obs_dim + 12));
        out.extend_from_slice(MAGIC);
        for v in [self.capacity, self.obs_dim, self.head, self.len] {
            out.extend_from_slice(&(v as u64).to_le_bytes());
        }
        for v in self.observations.iter().chain(&self.next_observations).chain(&self.rewards).chain(&self.terminals) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for a in &self.actions {
            out.extend_from_slice(&a.to_le_bytes());
        }
        out
    }

    /// Reads [`ReplayBuffer::to_bytes`]'s bytes; refuses a buffer of another shape.
    pub fn from_bytes(bytes: &[u8], capacity: usize, obs_dim: usize) -> Result<Self, String> {
        let bad = |why: &str| format!("replay buffer: {why}");
        if bytes.len() < 40 || &bytes[..8] != MAGIC {
            return Err(bad("not a replay buffer blob"));
        }
        let word = |i: usize| u64::from_le_bytes(bytes[8 + 8 * i..16 + 8 * i].try_into().unwrap_or([0; 8])) as usize;
        let (cap, dim, head, len) = (word(0), word(1), word(2), word(3));
        if cap != capacity || dim != obs_dim {
            return Err(bad(&format!(
                "saved with capacity {cap} and observation size {dim}, the config says {capacity} and {obs_dim}"
            )));
        }
        if len > cap || head >= cap.max(1) {
            return Err(bad("inconsistent length"));
        }
        let floats = len * (2 * dim + 2);
        if bytes.len() != 40 + 4 * floats + 4 * len {
            return Err(bad("truncated"));
        }
        let mut words = bytes[40..].chunks_exact(4).map(|c| [c[0], c[1], c[2], c[3]]);
        let mut take = |k: usize| -> Vec<f32> { (&mut words).take(k).map(f32::from_le_bytes).collect() };
        let observations = take(len * dim);
        let next_observations = take(len * dim);
        let rewards = take(len);
        let terminals = take(len);
        let actions = words.map(u32::from_le_bytes).collect();
        Ok(Self { capacity, obs_dim, observations, next_observations, actions, rewards, terminals, head, len })
    }
}
