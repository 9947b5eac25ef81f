//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, bracket, gap, mi, mn, mo, paren, row, sub};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::LstmLecture as atelier_lecture::Lecture>::ID,
        title: "Sequences: the LSTM and PixelRNN",
        teaches: "A recurrent network carries a state through time; the LSTM's gates decide what the \
                  cell remembers, forgets and shows. The lecture predicts the next term of a progression, \
                  classifies images read row by row, and completes the bottom half of an image one row \
                  of pixels at a time (PixelRNN).",
        objective: objective(),
        objective_note: "σ is the logistic function, ⊙ the element-wise product; the gates i, f, o and the \
                         candidate g come from one fused product per step.",
        make_run: "cargo xtask demo --lecture lstm   # or: cargo xtask train lstm --task rows && cargo xtask eval lstm --run RUN",
        targets: vec![
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
    }
}

/// The LSTM cell: gates from one product, then `c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t`, `h_t = o_t ⊙ tanh(c_t)`.
fn objective() -> String {
    let t = |name: &str| sub(&mi(name), &mi("t"));
    let t_minus_1 = |name: &str| sub(&mi(name), &row(&[mi("t"), mo("−"), mn("1")]));
    let gates = row(&[t("i"), mo(","), t("f"), mo(","), t("o"), mo(","), t("g")]);
    let activations = row(&[mi("σ"), mo(","), mi("σ"), mo(","), mi("σ"), mo(","), mi("tanh")]);
    let pre = row(&[mi("W"), t("x"), mo("+"), mi("U"), t_minus_1("h"), mo("+"), mi("b")]);
    block(&[
        bracket(&gates),
        mo("="),
        bracket(&activations),
        paren(&pre),
        mo(","),
        gap(),
        t("c"),
        mo("="),
        t("f"),
        mo("⊙"),
        t_minus_1("c"),
        mo("+"),
        t("i"),
        mo("⊙"),
        t("g"),
        mo(","),
        gap(),
        t("h"),
        mo("="),
        t("o"),
        mo("⊙"),
        mi("tanh"),
        paren(&t("c")),
    ])
}
