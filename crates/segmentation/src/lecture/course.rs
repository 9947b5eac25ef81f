//! The lecture's entry in the course: what it teaches, its objective as MathML, and the targets
//! the report holds its runs against.

use atelier_core::course::{CourseEntry, Goal, Target};
use atelier_core::mathml::{block, frac, mi, mn, mo, paren, row, sub, under};

pub fn entry() -> CourseEntry {
    CourseEntry {
        id: <super::SegmentationLecture as atelier_lecture::Lecture>::ID,
        title: "Segmentation: fully convolutional networks and U-Net",
        teaches: "Classification gives one class per image, detection a box per object, segmentation a \
                  class per pixel. A fully convolutional network shrinks the image with convolutions and \
                  poolings, then upsamples with transposed convolutions back to full size; U-Net's skip \
                  connections bring the encoder's detail back to the decoder, which matters most at the \
                  boundaries between classes. Scored by the intersection over union of each class.",
        objective: objective(),
        objective_note: "z_p are the class scores at pixel p, y_p its true class, P the pixels of the batch; \
                         IoU_k = TP/(TP + FP + FN) of class k, mIoU its mean over the classes present.",
        make_run: "cargo xtask demo --lecture segmentation   # or: cargo xtask train segmentation && cargo xtask eval segmentation --run RUN",
        targets: vec![Target {
            metric: "miou",
            kind: Some("fashion-scenes"),
            goal: Goal::AtLeast(0.80),
            reference: "the issue's U-Net target on Fashion scenes (the M2NIST U-Net anchor reaches 0.83 on digit scenes)",
        }],
    }
}

/// `L = −1/P Σ_p log softmax(z_p)_{y_p}`, the pixel-wise log loss.
fn objective() -> String {
    let softmax = row(&[mi("softmax"), paren(&sub(&mi("z"), &mi("p")))]);
    block(&[
        mi("L"),
        mo("="),
        mo("−"),
        frac(&mn("1"), &mi("P")),
        under(&mo("∑"), &mi("p")),
        mi("log"),
        sub(&softmax, &sub(&mi("y"), &mi("p"))),
    ])
}
