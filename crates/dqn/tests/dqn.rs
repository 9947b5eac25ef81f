//! The DQN lecture's behaviour: CartPole against hand-computed trajectories, termination versus
//! truncation, the TD target and losses on chosen values, refusals, learning, determinism, resume.

use atelier_backend::test_backends;
use atelier_core::Rng;
use atelier_core::picture::Picture;
use atelier_dqn::agent::{Policy, greedy_returns, load_policy};
use atelier_dqn::config::{Exploration, LrSchedule, TargetKind, TargetUpdate, TdLoss};
use atelier_dqn::env::{MAX_EPISODE_STEPS, THETA_THRESHOLD};
use atelier_dqn::figures::filmstrip;
use atelier_dqn::model::QNetwork;
use atelier_dqn::replay::ReplayBuffer;
use atelier_dqn::td::{td_loss, td_target};
use atelier_dqn::{CartPole, DqnAgent, DqnConfig, Environment, EpisodeEnd};
use atelier_testkit::{exclusive_rng, shared_rng};
use atelier_train::StepContext;
use atelier_train::agent::Agent;
use atelier_train::seed::{Stream, derive};
use burn::prelude::*;

fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

#[test]
fn cartpole_reproduces_a_hand_computed_trajectory() {
    // Provenance: the step equations of `env` (gymnasium's CartPole-v1, Euler) evaluated by hand in
    // Python float64 from s0 = [0.01, −0.02, 0.03, 0.04] with actions 1, 0, 0. Step 1 in detail:
    //   sin θ = 0.0299955002, cos θ = 0.9995500337
    //   temp  = (10 + 0.05·0.04²·sin θ)/1.1                      = 9.0909112724
    //   θ̈     = (9.8·sin θ − cos θ·temp)/(0.5·(4/3 − 0.1·cos²θ/1.1)) = −14.1534358980
    //   ẍ     = temp − 0.05·θ̈·cos θ/1.1                          = 9.7339597874
    //   s1    = [0.01 + 0.02·(−0.02), −0.02 + 0.02·ẍ, 0.03 + 0.02·0.04, 0.04 + 0.02·θ̈]
    let expected: [[f64; 4]; 3] = [
        [0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081],
        [0.013093583914951107, -0.020868848948191993, 0.025938625640799837, 0.0591679999394166],
        [0.012676206935987267, -0.21635292104612766, 0.02712198563958817, 0.3599205713784138],
    ];
    let mut env = CartPole::from_state([0.01, -0.02, 0.03, 0.04]);
    for (action, want) in [1, 0, 0].into_iter().zip(expected) {
        let t = env.step(action);
        for (got, want) in env.state.iter().zip(want) {
            assert!(close(*got, want, 1e-12), "{:?} vs {want:?}", env.state);
        }
        assert_eq!(t.reward, 1.0);
        assert_eq!(t.end, EpisodeEnd::Running);
        assert_eq!(t.observation, env.state.map(|v| v as f32));
    }
}

#[test]
fn always_pushing_right_terminates_at_step_nine() {
    // Provenance: the same equations iterated in Python from the zero state with action 1: after
    // step 9, θ = −0.21518604988500967 < −12° = −0.2094 rad, x = 0.1407 (first step with |θ| > 12°).
    let mut env = CartPole::from_state([0.0; 4]);
    for step in 1..=9 {
        let t = env.step(1);
        if step < 9 {
            assert_eq!(t.end, EpisodeEnd::Running, "step {step}");
        } else {
            assert_eq!(t.end, EpisodeEnd::Terminated);
            assert!(t.end.is_over());
            assert!(close(env.state[2], -0.21518604988500967, 1e-12), "{:?}", env.state);
            assert!(env.state[2] < -THETA_THRESHOLD);
        }
    }
}

#[test]
fn the_time_limit_truncates_and_a_fall_at_the_limit_terminates() {
    let mut env = CartPole::from_state([0.0; 4]);
    env.steps = MAX_EPISODE_STEPS - 1;
    assert_eq!(env.step(0).end, EpisodeEnd::Truncated, "step 500 of a balanced pole is a truncation");
    let mut falling = CartPole::from_state([0.0, 0.0, THETA_THRESHOLD - 1e-4, 2.0]);
    falling.steps = MAX_EPISODE_STEPS - 1;
    assert_eq!(falling.step(1).end, EpisodeEnd::Terminated, "a fall at the limit is terminal");
    let mut off_track = CartPole::from_state([2.399, 1.0, 0.0, 0.0]);
    assert_eq!(off_track.step(1).end, EpisodeEnd::Terminated, "the cart left the track");
}

#[test]
fn reset_is_uniform_in_the_box_and_follows_the_seed() {
    let mut env = CartPole::default();
    let mut rng = Rng::new(3);
    let first = env.reset(&mut rng);
    for _ in 0..200 {
        let obs = env.reset(&mut rng);
        assert!(obs.iter().all(|v| (-0.05..0.05).contains(v)), "{obs:?}");
        assert_eq!(env.steps, 0);
    }
    assert_eq!(CartPole::default().reset(&mut Rng::new(3)), first);
    assert_ne!(CartPole::default().reset(&mut Rng::new(4)), first);
}

#[test]
fn td_targets_bootstrap_through_truncation_but_not_termination() {
    for (backend, device) in test_backends() {
        // Two transitions with reward 1, γ = 0.9; next-state values Q⁻(s', ·) = [2, 5] and [4, 3];
        // online Q(s', ·) = [1, 0] and [0, 1] (Double DQN picks actions 0 and 1).
        // The first s' is terminal (d = 1), the second truncated (d = 0: it bootstraps).
        let t2 = |v: [[f32; 2]; 2]| Tensor::<2>::from_floats(v, &device);
        let t1 = |v: [f32; 2]| Tensor::<1>::from_floats(v, &device).reshape([2, 1]);
        let rewards = t1([1.0, 1.0]);
        let terminals = t1([1.0, 0.0]);
        let next_target = t2([[2.0, 5.0], [4.0, 3.0]]);
        let next_online = t2([[1.0, 0.0], [0.0, 1.0]]);
        let dqn = td_target(
            TargetKind::Dqn,
            0.9,
            rewards.clone(),
            terminals.clone(),
            next_target.clone(),
            next_online.clone(),
        );
        // DQN: y = [1 + 0, 1 + 0.9·max(4, 3)] = [1, 4.6]
        let dqn = to_vec(dqn);
        assert!(close(dqn[0].into(), 1.0, 1e-6) && close(dqn[1].into(), 4.6, 1e-6), "{backend}: {dqn:?}");
        // Double DQN: y = [1, 1 + 0.9·Q⁻(s', argmax Q(s', ·) = 1) = 1 + 0.9·3] = [1, 3.7]
        let double = to_vec(td_target(TargetKind::DoubleDqn, 0.9, rewards, terminals, next_target, next_online));
        assert!(close(double[0].into(), 1.0, 1e-6) && close(double[1].into(), 3.7, 1e-6), "{backend}: {double:?}");
    }
}

#[test]
fn mse_and_huber_losses_on_chosen_values() {
    for (backend, device) in test_backends() {
        let col = |v: [f32; 3]| Tensor::<1>::from_floats(v, &device).reshape([3, 1]);
        // δ = [0.5, −2, 3]
        let (q, y) = (col([1.5, 0.0, 3.0]), col([1.0, 2.0, 0.0]));
        // MSE: (0.25 + 4 + 9)/3 = 4.41667
        let mse: f32 = td_loss(TdLoss::Mse, q.clone(), y.clone()).into_scalar();
        assert!(close(mse.into(), 13.25 / 3.0, 1e-5), "{backend}: {mse}");
        // Huber κ = 1: (½·0.25 + (2 − ½) + (3 − ½))/3 = (0.125 + 1.5 + 2.5)/3 = 1.375
        let huber: f32 = td_loss(TdLoss::Huber { delta: 1.0 }, q, y).into_scalar();
        assert!(close(huber.into(), 1.375, 1e-5), "{backend}: {huber}");
    }
}

fn small_config() -> DqnConfig {
    DqnConfig {
        total_steps: 1_200,
        hidden: vec![16, 16],
        learning_rate: 1e-3,
        buffer_capacity: 500,
        batch_size: 16,
        learning_starts: 200,
        train_every: 50,
        gradient_steps: 4,
        target_update: TargetUpdate::Soft { tau: 0.5, every: 100 },
        exploration: Exploration { start: 1.0, end: 0.1, fraction: 0.5 },
        target: TargetKind::DoubleDqn,
        eval_every: 600,
        eval_episodes: 3,
        ..DqnConfig::default()
    }
}

#[test]
fn inconsistent_settings_are_refused_naming_the_setting() {
    assert!(DqnConfig::default().validate().is_ok());
    let refused = |edit: fn(&mut DqnConfig), needle: &str| {
        let mut c = DqnConfig::default();
        edit(&mut c);
        let err = c.validate().unwrap_err();
        assert!(err.contains(needle), "expected '{needle}' in: {err}");
    };
    refused(|c| c.buffer_capacity = 32, "buffer_capacity (32) is smaller than batch_size (64)");
    refused(|c| c.learning_starts = 100_000, "learning would start after the run ends");
    refused(|c| c.exploration.start = 1.5, "exploration.start");
    refused(|c| c.exploration.end = -0.1, "exploration.end");
    refused(|c| c.exploration.fraction = 0.0, "exploration.fraction");
    refused(|c| c.gamma = 1.2, "gamma");
    refused(|c| c.learning_rate = 0.0, "learning_rate");
    refused(|c| c.hidden = vec![64, 0], "hidden[1]");
    refused(|c| c.target_update = TargetUpdate::Soft { tau: 0.0, every: 1 }, "target_update.tau");
    refused(|c| c.target_update = TargetUpdate::Hard { every: 0 }, "target_update.every");
    refused(|c| c.loss = TdLoss::Huber { delta: -1.0 }, "loss.delta");
    refused(|c| c.total_steps = 0, "total_steps");
    refused(|c| c.learning_starts = 10, "learning_starts (10) is smaller than batch_size");
    refused(|c| c.lr_schedule = LrSchedule::Linear { end_factor: 1.5 }, "lr_schedule.end_factor");
    refused(|c| c.lr_schedule = LrSchedule::StepDecay { every_epochs: 2, factor: 0.5 }, "counted in steps");
}

#[test]
fn the_learning_rate_follows_its_schedule() {
    let c = DqnConfig {
        total_steps: 1000,
        learning_rate: 1e-3,
        lr_schedule: LrSchedule::Linear { end_factor: 0.0 },
        ..DqnConfig::default()
    };
    assert!(close(c.learning_rate_at(0), 1e-3, 1e-15));
    assert!(close(c.learning_rate_at(500), 5e-4, 1e-15));
    assert!(close(c.learning_rate_at(1000), 0.0, 1e-15));
    let c = DqnConfig { lr_schedule: LrSchedule::Linear { end_factor: 0.1 }, ..c };
    assert!(close(c.learning_rate_at(1000), 1e-4, 1e-15));
    let c = DqnConfig { lr_schedule: LrSchedule::Constant, ..c };
    assert!(close(c.learning_rate_at(700), 1e-3, 1e-15));
}

#[test]
fn epsilon_falls_linearly_then_stays() {
    let c = DqnConfig {
        total_steps: 1000,
        exploration: Exploration { start: 1.0, end: 0.1, fraction: 0.5 },
        ..DqnConfig::default()
    };
    assert!(close(c.epsilon(0), 1.0, 1e-12));
    assert!(close(c.epsilon(250), 0.55, 1e-12));
    assert!(close(c.epsilon(500), 0.1, 1e-12));
    assert!(close(c.epsilon(999), 0.1, 1e-12));
}

#[test]
fn replay_buffer_overwrites_the_oldest_and_round_trips() {
    let device = Device::flex();
    let mut buffer = ReplayBuffer::new(3, 4);
    for i in 0..5 {
        let v = i as f32;
        buffer.push(&[v; 4], i % 2, v, &[v + 0.5; 4], i == 4);
    }
    assert_eq!(buffer.len(), 3);
    // Slots hold transitions 3, 4, 2 (0 and 1 were overwritten).
    let batch = buffer.gather(&[0, 1, 2], &device);
    assert_eq!(to_vec(batch.rewards), vec![3.0, 4.0, 2.0]);
    assert_eq!(to_vec(batch.terminals), vec![0.0, 1.0, 0.0]);
    assert_eq!(batch.actions.into_data().try_into_vec_as::<i64>().unwrap(), vec![1, 0, 0]);
    assert_eq!(to_vec(batch.next_observations)[..4], [3.5; 4]);
    let bytes = buffer.to_bytes();
    assert_eq!(ReplayBuffer::from_bytes(&bytes, 3, 4).unwrap(), buffer);
    let err = ReplayBuffer::from_bytes(&bytes, 10, 4).unwrap_err();
    assert!(err.contains("capacity 3"), "{err}");
    assert!(ReplayBuffer::from_bytes(&bytes[..bytes.len() - 1], 3, 4).is_err());
}

#[test]
fn soft_update_interpolates_and_tau_one_copies() {
    let _rng = shared_rng();
    let device = Device::flex();
    device.seed(1);
    let a = QNetwork::new(4, &[8], 2, &device);
    let b = QNetwork::new(4, &[8], 2, &device);
    let x = Tensor::<2>::ones([1, 4], &device);
    let copy = b.clone().soft_update(&a, 1.0);
    assert_eq!(to_vec(copy.forward(x.clone())), to_vec(a.forward(x.clone())));
    let half = b.clone().soft_update(&a, 0.5);
    let (wa, wb, wh) =
        (to_vec(a.layers[0].weight.val()), to_vec(b.layers[0].weight.val()), to_vec(half.layers[0].weight.val()));
    for ((a, b), h) in wa.iter().zip(&wb).zip(&wh) {
        assert!(close(f64::from(*h), f64::from(0.5 * a + 0.5 * b), 1e-6));
    }
}

#[test]
fn learns_the_values_of_a_one_state_problem() {
    let _rng = shared_rng();
    // One state, two actions, terminal transitions: Q(s, 0) → 1 (reward 1), Q(s, 1) → 0.
    // CPU backends only: 200 updates take ~50 s on wgpu's software Vulkan (llvmpipe); the wgpu path
    // of the same ops is covered by the TD target and loss tests.
    for (backend, device) in test_backends().into_iter().filter(|(b, _)| b.is_cpu()) {
        let device = device.autodiff();
        device.seed(0);
        let config = DqnConfig { learning_rate: 1e-2, batch_size: 16, loss: TdLoss::Mse, ..small_config() };
        let mut agent = DqnAgent::new(config, &device);
        let s = [0.01, -0.02, 0.03, 0.04];
        for _ in 0..8 {
            agent.remember(s, 0, 1.0, s, true);
            agent.remember(s, 1, 0.0, s, true);
        }
        let mut rng = Rng::new(5);
        let first: f32 = agent.update(&mut rng).0.into_scalar();
        let mut last = first;
        for _ in 0..200 {
            last = agent.update(&mut rng).0.into_scalar();
        }
        assert!(last < 1e-3 && last < first / 10.0, "{backend}: loss {first} → {last}");
        let plain = device.clone().without_autodiff();
        let q = to_vec(agent.online.valid().forward(Tensor::<2>::from_floats([s], &plain)));
        assert!(close(q[0].into(), 1.0, 0.05) && close(q[1].into(), 0.0, 0.05), "{backend}: {q:?}");
        assert_eq!(DqnAgent::greedy_actions(&agent.online.valid(), &[s], &plain).unwrap(), vec![0]);
    }
}

/// Runs environment steps `from..to` as the agent loop does (device and host RNG seeded from
/// `(seed, t)`).
/// Returns the finished episodes' returns and the TD losses of the training phases.
fn run_steps(agent: &mut DqnAgent, device: &Device, seed: u64, from: u64, to: u64) -> (Vec<f64>, Vec<f32>) {
    let (mut returns, mut losses) = (Vec::new(), Vec::new());
    for step in from..to {
        let derived = derive(seed, Stream::Step, step);
        device.seed(derived);
        let mut ctx = StepContext { step, epoch: 0, device: device.clone(), rng: Rng::new(derived) };
        let out = agent.env_step(&mut ctx).unwrap();
        returns.extend(out.episode_return);
        for (name, value) in out.learning.metrics {
            if name == "td_loss" {
                losses.push(value.into_scalar());
            }
        }
    }
    (returns, losses)
}

#[test]
fn same_seed_same_numbers_and_resume_repeats_the_run() {
    let _rng = exclusive_rng();
    for (backend, device) in test_backends().into_iter().filter(|(b, _)| b.is_cpu()) {
        let device = device.autodiff();
        let fresh = || {
            device.seed(derive(7, Stream::Init, 0));
            DqnAgent::new(small_config(), &device)
        };
        let mut a = fresh();
        let (returns_a, losses_a) = run_steps(&mut a, &device, 7, 0, 1_000);
        let mut b = fresh();
        let (returns_b, losses_b) = run_steps(&mut b, &device, 7, 0, 1_000);
        assert!(!losses_a.is_empty() && returns_a.len() > 10, "{backend}: the agent acted and learned");
        assert_eq!((&returns_a, &losses_a), (&returns_b, &losses_b), "{backend}: same seed, same numbers");

        // Stop at step 600 (mid-episode, buffer and optimizer warm), save, restore, go on.
        let mut c = fresh();
        let (mut returns_c, mut losses_c) = run_steps(&mut c, &device, 7, 0, 600);
        let blobs = c.state().unwrap().into_iter().collect();
        let mut resumed = fresh().load_state(&blobs).unwrap();
        let (more_returns, more_losses) = run_steps(&mut resumed, &device, 7, 600, 1_000);
        returns_c.extend(more_returns);
        losses_c.extend(more_losses);
        assert_eq!((&returns_c, &losses_c), (&returns_a, &losses_a), "{backend}: resume repeats the run");
        let probe = Tensor::<2>::from_floats([[0.01, 0.2, -0.03, 0.1], [0.5, -0.4, 0.1, -0.2]], &device);
        assert_eq!(
            to_vec(resumed.online.forward(probe.clone())),
            to_vec(a.online.forward(probe)),
            "{backend}: same weights"
        );
        assert_eq!(a.evaluate(5, 11).unwrap(), resumed.evaluate(5, 11).unwrap());
        let plain = device.clone().without_autodiff();
        let policy = load_policy(&small_config(), &blobs, Policy::Final, &plain).unwrap();
        let err = load_policy(&small_config(), &blobs, Policy::Best, &plain).unwrap_err();
        assert!(err.contains("no best policy yet"), "{err}");
        assert_eq!(greedy_returns(&policy, 2, 3, &device.clone().without_autodiff()).unwrap().len(), 2);
        let mut partial = blobs.clone();
        partial.remove("replay");
        let err = fresh().load_state(&partial).err().unwrap();
        assert!(err.contains("'replay'"), "{err}");
    }
}

#[test]
fn greedy_returns_follow_the_seed_and_the_filmstrip_draws_frames() {
    let _rng = shared_rng();
    let device = Device::flex();
    device.seed(2);
    let network = QNetwork::new(4, &[8], 2, &device);
    let returns = greedy_returns(&network, 10, 3, &device).unwrap();
    assert_eq!(returns.len(), 10);
    assert!(returns.iter().all(|&r| (1.0..=500.0).contains(&r)));
    assert_eq!(returns, greedy_returns(&network, 10, 3, &device).unwrap());
    let states: Vec<[f64; 4]> = (0..30).map(|i| [0.0, 0.0, 0.01 * i as f64, 0.0]).collect();
    let strip = filmstrip(&states, "test").render().unwrap();
    assert!(strip.width() > 8 * 200 && strip.height() > 100);
    assert_ne!(strip.pixels().iter().filter(|&&p| p < 100).count(), 0, "something dark was drawn");
}
