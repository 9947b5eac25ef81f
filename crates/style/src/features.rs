//! The frozen networks whose feature maps `F^l` the style loss matches, behind one choice
//! ([`FeatureNetwork`]).

use atelier_core::Rng;
use atelier_evaluation::emoji::EmojiEvaluatorNet;
use atelier_kernels::ConvGeometry;
use burn::prelude::*;

use crate::config::FeatureNetwork;
use crate::efficientnet::EfficientNetLite0;
use crate::vgg::Vgg19;

/// Filter sizes of the random network, one layer each (small to large receptive fields).
pub const RANDOM_SIZES: [usize; 4] = [3, 5, 9, 15];
/// Filters per size.
pub const RANDOM_FILTERS: usize = 64;
/// Seed of the random filters a run optimises with.
pub const OPTIMISED_SEED: u64 = 0x5717_1E00;
/// Seed of the random filters that only measure (never optimised): a held-out network.
pub const MEASURING_SEED: u64 = 0x4D5E_A502;

/// A frozen feature extractor: images `[n, 3, h, w]` in `[0, 1]` → one feature map per layer.
pub enum FeatureNet {
    /// The colour evaluator's trunk, frozen (batch norm on its running statistics).
    Emoji(Box<EmojiEvaluatorNet>),
    /// Random zero-mean filters.
    Random(RandomFilters),
    /// ImageNet's VGG-19 up to conv5_1, frozen, with weights from a file.
    Vgg19(Box<Vgg19>),
    /// ImageNet's EfficientNet-Lite0 up to stage 5, frozen.
    EfficientNet(Box<EfficientNetLite0>),
    /// A classifier of the classifier lecture (the Fashion evaluator or a run of the user's),
    /// rebuilt frozen by that lecture; it sees the image's grey.
    Lent { net: Box<dyn FeatureMaps>, choice: FeatureNetwork, layers: usize },
}

impl FeatureNet {
    /// Random filters drawn from `seed`.
    pub fn random(seed: u64, device: &Device) -> Self {
        FeatureNet::Random(RandomFilters::new(seed, device))
    }

    /// The trunk of a loaded colour evaluator, frozen: no parameter gradients, batch norm on its
    /// running statistics (Burn's `freeze` turns the training flags off).
    pub fn emoji(net: EmojiEvaluatorNet) -> Self {
        FeatureNet::Emoji(Box::new(net.freeze()))
    }

    /// A VGG-19 with its weights loaded, frozen.
    pub fn vgg19(net: Vgg19) -> Self {
        FeatureNet::Vgg19(Box::new(net.freeze()))
    }

    /// EfficientNet-Lite0 with its weights loaded, frozen.
    pub fn efficientnet(net: EfficientNetLite0) -> Self {
        FeatureNet::EfficientNet(Box::new(net.freeze()))
    }

    /// A frozen classifier's convolutions (`choice`: fashion or classifier), or an error when it
    /// has none (a perceptron or an MLP).
    pub fn lent(net: Box<dyn FeatureMaps>, choice: FeatureNetwork, device: &Device) -> Result<Self, String> {
        let layers = net.feature_maps(Tensor::<4>::zeros([1, 1, 28, 28], device)).len();
        if layers == 0 {
            return Err(format!(
                "the classifier ({}) has no convolutions whose features could be matched",
                net.describe()
            ));
        }
        Ok(FeatureNet::Lent { net, choice, layers })
    }

    /// Which choice this is.
    pub fn choice(&self) -> FeatureNetwork {
        match self {
            FeatureNet::Emoji(_) => FeatureNetwork::Emoji,
            FeatureNet::Random(_) => FeatureNetwork::Random,
            FeatureNet::Vgg19(_) => FeatureNetwork::Vgg19,
            FeatureNet::EfficientNet(_) => FeatureNetwork::Efficientnet,
            FeatureNet::Lent { choice, .. } => *choice,
        }
    }

    /// The style layers' feature maps of images in `[0, 1]`.
    pub fn activations(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        match self {
            // [n, 32, h, w], [n, 64, h/2, w/2], [n, 128, h/4, w/4], [n, 256, h/8, w/8]
            FeatureNet::Emoji(net) => net.activations(images),
            // [n, 64, h, w] per filter size
            FeatureNet::Random(filters) => filters.activations(images),
            // conv1_1 [n, 64, h, w] … conv5_1 [n, 512, h/16, w/16]
            FeatureNet::Vgg19(net) => net.activations(images),
            // stages 1–5: [n, 16, h/2, w/2], [n, 24, h/4, w/4], [n, 40, h/8, w/8], [n, 80, h/16, w/16], [n, 112, h/16, w/16]
            FeatureNet::EfficientNet(net) => net.activations(images),
            // each convolution's output of the grey [n, 1, h, w]: for the Fashion evaluator
            // [n, 32, h, w] and [n, 64, h/2, w/2]
            FeatureNet::Lent { net, .. } => net.feature_maps(images.mean_dim(1)),
        }
    }

    /// The layer whose features carry the content (style transfer).
    pub fn content_layer(&self) -> usize {
        match self {
            FeatureNet::Emoji(_) => 2,
            FeatureNet::Random(_) => 1,
            FeatureNet::Vgg19(_) => 3,                     // conv4_1
            FeatureNet::EfficientNet(_) => 3,              // stage 4
            FeatureNet::Lent { layers, .. } => layers - 1, // the deepest convolution
        }
    }
}

/// A network another lecture lends (rebuilt through the registry by the lecture wiring): its
/// convolutions' outputs of grey images.
pub trait FeatureMaps {
    /// Each convolution's output (after its ReLU) of grey images `[n, 1, h, w]`.
    fn feature_maps(&self, images: Tensor<4>) -> Vec<Tensor<4>>;
    /// One line on the network, for errors and logs.
    fn describe(&self) -> String;
}

/// One layer of random filters per size in [`RANDOM_SIZES`], each followed by a ReLU, all on the
/// input centred to `[−1, 1]`. Each filter is drawn uniformly, made zero-mean and scaled by
/// `1/√(fan-in)` (so every layer's activations have a similar spread).
pub struct RandomFilters {
    /// `[RANDOM_FILTERS, 3, k, k]` per size.
    weights: Vec<Tensor<4>>,
}

impl RandomFilters {
    /// The filters drawn from `seed` (on the host, so every backend sees the same numbers).
    pub fn new(seed: u64, device: &Device) -> Self {
        let mut rng = Rng::new(seed);
        let weights = RANDOM_SIZES
            .iter()
            .map(|&k| {
                let fan_in = 3 * k * k;
                let scale = 1.0 / (fan_in as f32).sqrt();
                let mut values = Vec::with_capacity(RANDOM_FILTERS * fan_in);
                for _ in 0..RANDOM_FILTERS {
                    let filter: Vec<f32> = (0..fan_in).map(|_| rng.uniform(-1.0, 1.0)).collect();
                    let mean = filter.iter().sum::<f32>() / fan_in as f32;
                    values.extend(filter.iter().map(|v| (v - mean) * scale * 3f32.sqrt()));
                }
                Tensor::<4>::from_data(TensorData::new(values, [RANDOM_FILTERS, 3, k, k]), device)
            })
            .collect();
        Self { weights }
    }

    /// The filters, `[RANDOM_FILTERS, 3, k, k]` per size in [`RANDOM_SIZES`]' order.
    pub fn weights(&self) -> &[Tensor<4>] {
        &self.weights
    }

    /// `[n, 3, h, w]` in `[0, 1]` → `[n, 64, h, w]` per filter size (same padding).
    pub fn activations(&self, images: Tensor<4>) -> Vec<Tensor<4>> {
        let centred = images.mul_scalar(2.0).sub_scalar(1.0); // [n, 3, h, w] in [−1, 1]
        self.weights
            .iter()
            .map(|weight| {
                let k = weight.dims()[2];
                let geometry = ConvGeometry::symmetric([1, 1], [k / 2, k / 2], [1, 1]);
                let out = atelier_kernels::conv2d(centred.clone(), weight.clone(), None, geometry); // [n, 64, h, w]
                burn::tensor::activation::relu(out)
            })
            .collect()
    }
}
