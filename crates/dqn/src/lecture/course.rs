//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, bracket, mi, mo, paren, row, sub, sup, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::DqnLecture as atelier_lecture::Lecture>::ID,
        title: "Deep Q-learning",
        teaches: "An agent learns the value of each action from its own experience: a replay buffer \
                  breaks the correlation between consecutive steps, a target network holds the \
                  bootstrap target still, and ε-greedy exploration decays. On CartPole-v1 a good policy \
                  balances the pole for all 500 steps.",
        objective: objective(),
        objective_note: "θ⁻ is the target network (copied from θ every 10 steps), D the replay buffer, \
                         ℓ the Huber loss.",
        make_run: "cargo xtask demo --lecture dqn   # or: cargo xtask train dqn && cargo xtask eval dqn --run RUN --episodes 100",
        targets: vec![Target {
            metric: "mean_return",
            kind: None,
            goal: Goal::AtLeast(475.0),
            reference: "CartPole-v1's solved threshold; README: 500.0 ± 0.0 on seeds 0–2 at 100k steps",
        }],
    }
}

/// `L(θ) = E_{(s,a,r,s′)∼D}[ℓ(r + γ max_{a′} Q_{θ⁻}(s′, a′) − Q_θ(s, a))]`.
fn objective() -> String {
    let transition =
        row(&[paren(&row(&[mi("s"), mo(","), mi("a"), mo(","), mi("r"), mo(","), mi("s′")])), mo("∼"), mi("𝒟")]);
    let target_q = row(&[sub(&mi("Q"), &sup(&mi("θ"), &mo("−"))), paren(&row(&[mi("s′"), mo(","), mi("a′")]))]);
    let q = row(&[sub(&mi("Q"), &mi("θ")), paren(&row(&[mi("s"), mo(","), mi("a")]))]);
    let td = row(&[mi("r"), mo("+"), mi("γ"), under(&mi("max"), &mi("a′")), target_q, mo("−"), q]);
    block(&[mi("L"), paren(&mi("θ")), mo("="), sub(&mi("𝔼"), &transition), bracket(&row(&[mi("ℓ"), paren(&td)]))])
}
