//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, frac, hat, mi, mn, mo, paren, row, sub, sum};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::ClassifierLecture as atelier_lecture::Lecture>::ID,
        title: "From the perceptron to convolutional networks",
        teaches: "A classifier maps an image to class probabilities and is trained by minimising the \
                  cross-entropy. The lecture climbs from the perceptron and the multi-layer perceptron to \
                  a CNN and a VGG-style network, then reuses frozen convolutions for transfer learning; \
                  the frozen CNN becomes the evaluator that scores the generative models.",
        objective: objective(),
        objective_note: "ŷ = softmax(f_θ(x)) over C = 10 classes; y is the one-hot label.",
        make_run: "cargo xtask demo --lecture classifier   # or: cargo xtask train classifier && cargo xtask eval classifier --run RUN",
        targets: vec![
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
    }
}

/// `L(θ) = −(1/N) ∑ᵢ ∑_c y_ic log ŷ_ic`.
fn objective() -> String {
    let ic = row(&[mi("i"), mi("c")]);
    block(&[
        mi("L"),
        paren(&mi("θ")),
        mo("="),
        mo("−"),
        frac(&mn("1"), &mi("N")),
        sum(&row(&[mi("i"), mo("="), mn("1")]), &mi("N")),
        sum(&row(&[mi("c"), mo("="), mn("1")]), &mi("C")),
        sub(&mi("y"), &ic),
        mi("log"),
        sub(&hat(&mi("y")), &ic),
    ])
}
