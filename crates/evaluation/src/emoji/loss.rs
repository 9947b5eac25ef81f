//! The evaluator's training loss: both heads' cross-entropies, the style one weighted.

use atelier_layers::loss::cross_entropy;
use burn::prelude::*;

/// `L = CE(s_content, y_content) + λ·CE(s_style, y_style)`, each
/// `CE(s, y) = −1/N · Σₙ log softmax(sₙ)_{yₙ}` (mean over the batch), `λ = style_weight`.
///
/// # Shapes
/// `content_logits [N, 9]`, `content [N]`, `style_logits [N, 2]`, `style [N]` → `[1]`.
pub fn evaluator_loss(
    content_logits: Tensor<2>,
    content: Tensor<1, Int>,
    style_logits: Tensor<2>,
    style: Tensor<1, Int>,
    style_weight: f64,
) -> Tensor<1> {
    cross_entropy(content_logits, content) + cross_entropy(style_logits, style).mul_scalar(style_weight)
}

#[cfg(test)]
mod tests {
    use atelier_backend::Backend;

    use super::*;

    #[test]
    fn uniform_logits_cost_ln9_plus_weight_times_ln2() {
        let device = Backend::Flex.device().unwrap();
        let content_logits = Tensor::<2>::zeros([3, 9], &device);
        let style_logits = Tensor::<2>::zeros([3, 2], &device);
        let content = Tensor::<1, Int>::from_ints([0, 4, 8], &device);
        let style = Tensor::<1, Int>::from_ints([0, 1, 1], &device);
        let loss = |weight| {
            evaluator_loss(content_logits.clone(), content.clone(), style_logits.clone(), style.clone(), weight)
                .into_scalar::<f32>()
        };
        assert!((loss(1.0) - (9f32.ln() + 2f32.ln())).abs() < 1e-5, "{}", loss(1.0));
        assert!((loss(0.5) - (9f32.ln() + 0.5 * 2f32.ln())).abs() < 1e-5, "{}", loss(0.5));
    }

    #[test]
    fn chosen_logits_give_the_hand_computed_sum() {
        let device = Backend::Flex.device().unwrap();
        // Content: one row, logit ln 2 on the true class 0, zeros elsewhere: p = 2/(2+8) → ln 5.
        let mut row = [0.0f32; 9];
        row[0] = 2f32.ln();
        let content_logits = Tensor::<2>::from_floats([row], &device);
        // Style: logits (0, ln 3), true class 1: p = 3/4 → −ln ¾.
        let style_logits = Tensor::<2>::from_floats([[0.0, 3f32.ln()]], &device);
        let loss = evaluator_loss(
            content_logits,
            Tensor::<1, Int>::from_ints([0], &device),
            style_logits,
            Tensor::<1, Int>::from_ints([1], &device),
            2.0,
        )
        .into_scalar::<f32>();
        let expected = 5f32.ln() - 2.0 * 0.75f32.ln();
        assert!((loss - expected).abs() < 1e-5, "{loss} vs {expected}");
    }
}
