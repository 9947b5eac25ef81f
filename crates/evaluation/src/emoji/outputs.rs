//! What the colour evaluator sees in a set of images, on the host, and the shares the runner
//! reports from it.

use atelier_train::host::{DeviceReadError, to_host_f32};
use burn::prelude::*;
use burn::tensor::activation::softmax;

use super::model::EmojiEvaluatorNet;
use crate::evaluator::EvaluatorOutputs;

/// `[channels, height, width]` of the images the evaluator measures.
pub const EMOJI_IMAGE_SHAPE: [usize; 3] = [3, 64, 64];

/// Images per forward pass.
const BATCH: usize = 256;

/// The evaluator's view of `count` images (host vectors, row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct EmojiEvaluatorOutputs {
    pub count: usize,
    /// `[count, feature_dim]` shared features (global average of the last block).
    pub features: Vec<f32>,
    pub feature_dim: usize,
    /// `[count, content_classes]` softmax of the content head.
    pub content_probabilities: Vec<f32>,
    pub content_classes: usize,
    /// `[count, style_classes]` softmax of the style head.
    pub style_probabilities: Vec<f32>,
    pub style_classes: usize,
}

/// Features and both heads' probabilities of `images` (`count` planar images of
/// [`EMOJI_IMAGE_SHAPE`], pixels in `[0, 1]`), in batches of 256 on `device` (a plain device: the
/// net is used in inference mode). A failed read of the outputs back from the device is an error.
///
/// # Panics
/// If `images` does not hold exactly `count` images.
pub fn outputs(
    net: &EmojiEvaluatorNet,
    images: &[f32],
    count: usize,
    device: &Device,
) -> Result<EmojiEvaluatorOutputs, DeviceReadError> {
    outputs_in_batches(net, images, count, BATCH, device)
}

fn outputs_in_batches(
    net: &EmojiEvaluatorNet,
    images: &[f32],
    count: usize,
    batch: usize,
    device: &Device,
) -> Result<EmojiEvaluatorOutputs, DeviceReadError> {
    let [c, h, w] = EMOJI_IMAGE_SHAPE;
    let pixels = c * h * w;
    assert_eq!(images.len(), count * pixels, "{count} images of {c}×{h}×{w} hold {} values", count * pixels);
    let net = net.valid(); // batch norm on its running statistics, no graph
    let device = device.clone().without_autodiff();
    let mut out = EmojiEvaluatorOutputs {
        count,
        features: Vec::new(),
        feature_dim: 0,
        content_probabilities: Vec::new(),
        content_classes: 0,
        style_probabilities: Vec::new(),
        style_classes: 0,
    };
    for start in (0..count).step_by(batch) {
        let n = batch.min(count - start);
        let x = images[start * pixels..(start + n) * pixels].to_vec();
        let x = Tensor::<4>::from_data(TensorData::new(x, [n, c, h, w]), &device); // [n, 3, 64, 64]
        let logits = net.forward(x);
        let content = softmax(logits.content, 1); // [n, 9]
        let style = softmax(logits.style, 1); // [n, 2]
        out.feature_dim = logits.features.dims()[1];
        out.content_classes = content.dims()[1];
        out.style_classes = style.dims()[1];
        out.features.extend(to_host_f32(logits.features, "the colour evaluator's features")?);
        out.content_probabilities.extend(to_host_f32(content, "the colour evaluator's content probabilities")?);
        out.style_probabilities.extend(to_host_f32(style, "the colour evaluator's style probabilities")?);
    }
    Ok(out)
}

/// The index of each row's largest value.
fn argmax_rows(rows: &[f32], width: usize) -> impl Iterator<Item = usize> + '_ {
    rows.chunks(width.max(1)).map(|row| row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).map_or(0, |(i, _)| i))
}

impl EmojiEvaluatorOutputs {
    /// The features and content probabilities as the Fashion evaluator's outputs, so that
    /// [`crate::fcd`], [`crate::inception_score`] and [`crate::coverage`] apply unchanged.
    pub fn content_view(&self) -> EvaluatorOutputs {
        EvaluatorOutputs {
            count: self.count,
            features: self.features.clone(),
            feature_dim: self.feature_dim,
            probabilities: self.content_probabilities.clone(),
            classes: self.content_classes,
        }
    }

    /// "Looks like the target style": `1/N · Σₙ [argmax p(style | xₙ) = style]` (0 for no images).
    pub fn share_of_style(&self, style: usize) -> f64 {
        let hits = argmax_rows(&self.style_probabilities, self.style_classes).filter(|&s| s == style).count();
        hits as f64 / self.count.max(1) as f64
    }

    /// "Content kept": `1/N · Σₙ [argmax p(content | xₙ) = yₙ]` with `yₙ = labels[n]`, the
    /// content of the image each one was made from (0 for no images).
    ///
    /// # Panics
    /// If there is not one label per image.
    pub fn content_kept(&self, labels: &[usize]) -> f64 {
        assert_eq!(labels.len(), self.count, "content_kept needs one label per image");
        let argmax = argmax_rows(&self.content_probabilities, self.content_classes);
        let hits = argmax.zip(labels).filter(|(predicted, label)| predicted == *label).count();
        hits as f64 / self.count.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use atelier_backend::Backend;
    use burn::tensor::Distribution;

    use super::*;
    use crate::emoji::EmojiEvaluatorConfig;

    #[test]
    fn probabilities_sum_to_one_and_batches_do_not_matter() {
        let _rng = atelier_testkit::shared_rng();
        let device = Backend::Flex.device().unwrap();
        device.seed(1);
        let net = EmojiEvaluatorNet::new(&EmojiEvaluatorConfig::default(), &device);
        let count = 3;
        let images = Tensor::<4>::random([count, 3, 64, 64], Distribution::Uniform(0.0, 1.0), &device);
        let images = atelier_testkit::to_vec(images);
        let whole = outputs(&net, &images, count, &device).unwrap();
        assert_eq!((whole.count, whole.feature_dim, whole.content_classes, whole.style_classes), (3, 256, 9, 2));
        assert_eq!(
            (whole.features.len(), whole.content_probabilities.len(), whole.style_probabilities.len()),
            (3 * 256, 3 * 9, 3 * 2)
        );
        for rows in [whole.content_probabilities.chunks(9), whole.style_probabilities.chunks(2)] {
            for row in rows {
                assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{row:?}");
            }
        }
        let in_twos = outputs_in_batches(&net, &images, count, 2, &device).unwrap();
        let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-5);
        assert!(close(&whole.features, &in_twos.features));
        assert!(close(&whole.content_probabilities, &in_twos.content_probabilities));

        let view = whole.content_view();
        assert_eq!((view.count, view.feature_dim, view.classes), (3, 256, 9));
        assert_eq!(view.probabilities, whole.content_probabilities);
    }

    #[test]
    fn shares_of_style_and_kept_content_count_argmaxes() {
        // Four images, 3 content classes, 2 styles.
        let outputs = EmojiEvaluatorOutputs {
            count: 4,
            features: vec![0.0; 4],
            feature_dim: 1,
            content_probabilities: vec![
                0.7, 0.2, 0.1, // → 0
                0.1, 0.8, 0.1, // → 1
                0.2, 0.3, 0.5, // → 2
                0.4, 0.5, 0.1, // → 1
            ],
            content_classes: 3,
            style_probabilities: vec![0.9, 0.1, 0.3, 0.7, 0.2, 0.8, 0.6, 0.4], // → 0, 1, 1, 0
            style_classes: 2,
        };
        assert_eq!(outputs.share_of_style(1), 0.5);
        assert_eq!(outputs.share_of_style(0), 0.5);
        assert_eq!(outputs.content_kept(&[0, 1, 2, 0]), 0.75);
        assert_eq!(outputs.content_kept(&[1, 0, 0, 0]), 0.0);
        let view = outputs.content_view();
        assert_eq!(crate::coverage(&view).histogram, vec![1, 2, 1]);
    }
}
