//! Evaluation numbers (no IO): test accuracy (`rows`), bottom-half NLL (`complete`), and the
//! next-value report beside the naive baselines (`sequence`).

use atelier_layers::loss::accuracy;
use atelier_train::host::{DeviceReadError, scalar_to_host, to_host_f32};
use burn::prelude::*;

use crate::complete::{binarize, nll_of_rows_from, row_nll};
use crate::figures::HALF;
use crate::model::{RecurrentModel, images_as_rows};
use crate::progression::{Family, SequenceBatch, SequenceItem};

/// Accuracy over all images of `batches` (`(images [n,1,28,28], labels [n])`).
pub fn test_accuracy(
    model: &RecurrentModel,
    batches: impl Iterator<Item = (Tensor<4>, Tensor<1, Int>)>,
) -> Result<f64, DeviceReadError> {
    let parts = batches.map(|(images, labels)| {
        let n = images.dims()[0];
        (accuracy(model.forward_last(images_as_rows(images)), labels), n)
    });
    weighted_mean(parts, "the test accuracy")
}

/// `−log p(bottom half | top half)` in nats, summed over the 14×28 bottom pixels, mean over images.
pub fn bottom_half_nll_nats(
    model: &RecurrentModel,
    batches: impl Iterator<Item = Tensor<4>>,
) -> Result<f64, DeviceReadError> {
    let parts = batches.map(|images| {
        let n = images.dims()[0];
        (nll_of_rows_from(row_nll(model, binarize(images)), HALF), n)
    });
    weighted_mean(parts, "the bottom-half NLL")
}

/// The mean of per-batch means, weighted by batch size (one host read at the end, of `what`).
fn weighted_mean(parts: impl Iterator<Item = (Tensor<1>, usize)>, what: &str) -> Result<f64, DeviceReadError> {
    let mut sum: Option<Tensor<1>> = None;
    let mut count = 0usize;
    for (mean, n) in parts {
        let weighted = mean.mul_scalar(n as f64);
        sum = Some(sum.map_or(weighted.clone(), |s| s + weighted));
        count += n;
    }
    sum.map_or(Ok(f64::NAN), |s| Ok(f64::from(scalar_to_host(s, what)?) / count.max(1) as f64))
}

/// The model's next-term predictions `ŷ = s·m(a/s)` for `items` (all with the same length).
/// A failed read of the predictions back from the device is an error.
pub fn predict(model: &RecurrentModel, items: &[SequenceItem], device: &Device) -> Result<Vec<f64>, DeviceReadError> {
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(1000) {
        let refs: Vec<&SequenceItem> = chunk.iter().collect();
        let batch = SequenceBatch::new(&refs, device);
        let values = to_host_f32(model.forward_last(batch.inputs) * batch.scales, "the next-term predictions")?;
        out.extend(values.into_iter().map(f64::from));
    }
    Ok(out)
}

/// Exact accuracy (after rounding) and MSE of one predictor, on one family or on all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub accuracy: f64,
    pub mse: f64,
    pub count: usize,
}

/// Scores `predictions` of `items`, restricted to `family` (None: all).
pub fn score(items: &[SequenceItem], predictions: &[f64], family: Option<Family>) -> Score {
    let (mut hits, mut squared, mut count) = (0usize, 0.0, 0usize);
    for (item, &p) in items.iter().zip(predictions) {
        if family.is_some_and(|f| f != item.family) {
            continue;
        }
        hits += usize::from(p.round() == item.next);
        squared += (p - item.next).powi(2);
        count += 1;
    }
    let denominator = count.max(1) as f64;
    Score { accuracy: hits as f64 / denominator, mse: squared / denominator, count }
}

/// The model beside the two naive baselines, overall and per family, as `eval.json` entries
/// (`next_value_accuracy`, `mse`, `last_value_accuracy`, …, `arithmetic_next_value_accuracy`, …).
pub fn sequence_entries(items: &[SequenceItem], predictions: &[f64]) -> Vec<(String, f64)> {
    let last: Vec<f64> = items.iter().map(SequenceItem::last_value).collect();
    let difference: Vec<f64> = items.iter().map(SequenceItem::repeat_last_difference).collect();
    let predictors = [("", predictions), ("last_value_", &last[..]), ("repeat_difference_", &difference[..])];
    let families = [("", None), ("arithmetic_", Some(Family::Arithmetic)), ("geometric_", Some(Family::Geometric))];
    let mut entries = Vec::new();
    for (family_name, family) in families {
        if family.is_some() && score(items, predictions, family).count == 0 {
            continue;
        }
        for (predictor, values) in predictors {
            let s = score(items, values, family);
            let accuracy_name = if predictor.is_empty() { "next_value_accuracy" } else { "accuracy" };
            entries.push((format!("{family_name}{predictor}{accuracy_name}"), s.accuracy));
            entries.push((format!("{family_name}{predictor}mse"), s.mse));
        }
    }
    entries.push(("test_sequences".to_string(), items.len() as f64));
    entries
}
