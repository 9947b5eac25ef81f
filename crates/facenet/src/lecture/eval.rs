//! `eval facenet`: identification, verification and clustering of test identities by one run
//! (and the runs given with `--compare`), beside two baselines, raw pixels and the same network
//! untrained, in one table; figures of the main run.
//!
//! The protocol per task:
//! - **fashion**: the 10,000 test images query the 60,000 training images (Recall@k, mAP@R);
//!   verification pairs and clustering on the test images.
//! - **emoji**: test identities (never seen in training); Twitter renderings query the Google
//!   renderings; verification pairs are (Twitter, Google); clustering on the Twitter renderings.
//! - **folder**: the test identities (unseen) query each other, leaving the query out.

use std::path::{Path, PathBuf};

use crate::IdentityImages;
use atelier_core::Rng;
use atelier_evaluation::emoji::ruler::EmojiRuler;
use atelier_lecture::{Context, OpenRun};
use burn::prelude::*;

use super::data::IdentityData;
use super::embed::{Vectors, embed, for_each_distance_row, raw_pixels};
use super::figures;
use crate::clustering::{kmeans, nmi, purity};
use crate::retrieval::{Retrieval, RetrievalScores};
use crate::verification::{ScoredPair, cross_validated_accuracy, roc_auc, tar_at_far};
use crate::{EmbeddingNet, FacenetConfig, FacenetTask};

/// Same-identity and different-identity pairs each (LFW has 3,000 of each in 10 folds).
const PAIRS_EACH: usize = 3_000;
/// The false accept rate of the TAR column.
const FAR: f64 = 1e-3;
/// k-means rounds at most.
const KMEANS_ROUNDS: usize = 50;
/// Raw-pixel vectors longer than this are not clustered (k-means on 12,288-d colour pixels would
/// take minutes on two cores for a baseline).
const MAX_CLUSTERED_DIM: usize = 1024;

/// The images that query, the gallery they search, and the pairs verified.
pub struct Protocol {
    pub description: String,
    pub queries: IdentityImages,
    pub gallery: IdentityImages,
    /// The gallery is the query set (leave the query out).
    pub leave_one_out: bool,
    /// Where the second image of each verification pair comes from (the first from `queries`).
    pub partners: Partners,
    /// `(query index, partner index, same identity)`.
    pub pairs: Vec<(usize, usize, bool)>,
}

/// The set verification partners are drawn from: one of the protocol's own, so its vectors are
/// computed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partners {
    /// The query set itself (an image is never paired with itself).
    Queries,
    /// The gallery (the emoji's other style).
    Gallery,
}

impl Protocol {
    /// The images verification partners come from.
    fn partner_images(&self) -> &IdentityImages {
        match self.partners {
            Partners::Queries => &self.queries,
            Partners::Gallery => &self.gallery,
        }
    }
}

/// One row of the table: how images become vectors.
enum Method {
    RawPixels,
    Network {
        label: String,
        model: EmbeddingNet,
        step: Option<u64>,
    },
    /// The penultimate features of the frozen Fashion evaluator (a classifier trained on the
    /// same classes: a supervised upper reference, not a metric-learning baseline).
    FashionEvaluator(atelier_evaluation::Evaluator),
    /// The shared features of the frozen colour evaluator (trained on the training emoji's
    /// categories and styles, never on the test emoji).
    EmojiEvaluator(Box<EmojiRuler>),
}

/// A method's scores.
pub struct Scores {
    pub retrieval: RetrievalScores,
    pub auc: f64,
    pub accuracy: (f64, f64),
    pub tar: f64,
    pub nmi: f64,
    pub purity: f64,
}

pub fn eval(
    run: &OpenRun<FacenetConfig>,
    data: IdentityData,
    compare: &[PathBuf],
    limit: Option<usize>,
    ctx: &Context,
) -> Result<Vec<(String, f64)>, String> {
    let (config, device) = (&run.config, &run.device);
    if limit == Some(0) {
        return Err("--limit must be at least 1".into());
    }
    if data.test.image_shape != [config.input_channels, config.image_size, config.image_size] {
        return Err(format!(
            "the test images are {:?} (channels, height, width); the run was trained on {}×{}×{}",
            data.test.image_shape, config.input_channels, config.image_size, config.image_size
        ));
    }
    let protocol = protocol(config.task, data, limit)?;
    eprintln!("protocol: {}", protocol.description);
    let (step, blobs) = run.latest_checkpoint()?;
    let mut methods = vec![Method::Network {
        label: config.label(),
        model: crate::load_model(config, &blobs, device)?,
        step: Some(step),
    }];
    for other in compare {
        methods.push(load_compared(other, config, device)?);
    }
    device.seed(0);
    methods.push(Method::Network { label: "untrained".into(), model: EmbeddingNet::new(config, device), step: None });
    methods.push(Method::RawPixels);
    if let Some(evaluator) = evaluator_method(config.task, device, ctx) {
        methods.push(evaluator);
    }

    let mut all_scores = Vec::new();
    for method in &methods {
        let label = method_label(method);
        eprintln!("{label}: embedding {} queries, {} gallery images", protocol.queries.len(), protocol.gallery.len());
        let vectors = |set: &IdentityImages| -> Result<Vectors, String> {
            let all: Vec<usize> = (0..set.len()).collect();
            match method {
                Method::RawPixels => Ok(raw_pixels(set, &all)),
                Method::Network { model, .. } => embed(model, set, &all, device),
                Method::FashionEvaluator(evaluator) => {
                    let pixels = raw_pixels(set, &all).values;
                    let out = evaluator.outputs(&pixels, set.len(), device).map_err(|e| e.to_string())?;
                    Ok(Vectors { values: out.features, dim: out.feature_dim })
                }
                Method::EmojiEvaluator(ruler) => {
                    let pixels = raw_pixels(set, &all).values;
                    let out = ruler.outputs(&pixels, set.len(), device)?;
                    Ok(Vectors { values: out.features, dim: out.feature_dim })
                }
            }
        };
        let queries = vectors(&protocol.queries)?;
        let gallery = if protocol.leave_one_out { None } else { Some(vectors(&protocol.gallery)?) };
        let gallery = gallery.as_ref().unwrap_or(&queries);
        let partners = match protocol.partners {
            Partners::Queries => &queries,
            Partners::Gallery => gallery,
        };
        let (scores, figures_input) = score(&protocol, &queries, gallery, partners, device, all_scores.is_empty())?;
        if let (Some(input), Method::Network { .. }) = (figures_input, method) {
            figures::write_all(&run.dir, &protocol, &queries, &input)?;
        }
        all_scores.push(scores);
    }
    print_table(&protocol, &methods, &all_scores);
    if !compare.is_empty() {
        let opened: Vec<atelier_core::run_dir::RunDir> = compare
            .iter()
            .map(|p| atelier_core::run_dir::RunDir::open(p).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?;
        let mut runs = vec![(config.label(), &run.dir)];
        for (method, other) in methods.iter().skip(1).zip(&opened) {
            runs.push((method_label(method), other));
        }
        figures::write_curves(&run.dir.samples_dir(), &runs)?;
    }

    let mut entries = Vec::new();
    for (i, (method, scores)) in methods.iter().zip(&all_scores).enumerate() {
        let prefix = match (i, method) {
            (0, _) => String::new(),
            (_, Method::RawPixels) => "raw_pixels/".to_string(),
            (_, Method::FashionEvaluator(_) | Method::EmojiEvaluator(_)) => "evaluator_features/".to_string(),
            (_, Method::Network { step: None, .. }) => "untrained/".to_string(),
            (_, m) => format!("{}/", method_label(m)),
        };
        entries.extend(measures(&prefix, scores));
    }
    entries.push(("queries".to_string(), protocol.queries.len() as f64));
    entries.push((
        "gallery".to_string(),
        if protocol.leave_one_out { protocol.queries.len() } else { protocol.gallery.len() } as f64,
    ));
    entries.push(("checkpoint_step".to_string(), step as f64));
    Ok(entries)
}

fn method_label(method: &Method) -> String {
    match method {
        Method::RawPixels => "raw pixels".to_string(),
        Method::Network { label, .. } => label.clone(),
        Method::FashionEvaluator(_) => "Fashion evaluator features".to_string(),
        Method::EmojiEvaluator(_) => "colour evaluator features".to_string(),
    }
}

/// The frozen evaluator whose features fit the task's images, when it is installed (a missing
/// one is said, and the table goes on without it).
fn evaluator_method(task: FacenetTask, device: &Device, ctx: &Context) -> Option<Method> {
    let loaded = match task {
        FacenetTask::Fashion => {
            atelier_evaluation::fashion::load(ctx, device).map(|(evaluator, _)| Method::FashionEvaluator(evaluator))
        }
        FacenetTask::Emoji => EmojiRuler::load(device).map(|r| Method::EmojiEvaluator(Box::new(r))),
        FacenetTask::Folder => return None,
    };
    loaded.map_err(|e| eprintln!("note: no evaluator-features baseline ({e})")).ok()
}

/// A `--compare` run: a FaceNet run of the same task and image shape.
fn load_compared(path: &Path, main: &FacenetConfig, device: &Device) -> Result<Method, String> {
    let run = OpenRun::<FacenetConfig>::open_on(path, super::ID, device.clone())
        .map_err(|e| format!("--compare {}: {e}", path.display()))?;
    let config = &run.config;
    if (config.task, config.input_channels, config.image_size) != (main.task, main.input_channels, main.image_size) {
        return Err(format!(
            "--compare {}: trained on {}, not on this run's {}",
            path.display(),
            config.task.name(),
            main.task.name()
        ));
    }
    let (step, blobs) = run.latest_checkpoint()?;
    let label = format!("{} ({})", config.label(), run.name());
    Ok(Method::Network { label, model: crate::load_model(config, &blobs, device)?, step: Some(step) })
}

/// The task's query set, gallery and verification pairs; `limit` keeps the first images of each.
pub fn protocol(task: FacenetTask, data: IdentityData, limit: Option<usize>) -> Result<Protocol, String> {
    let IdentityData { train, test, .. } = data;
    let (description, queries, gallery, leave_one_out, partners) = match task {
        FacenetTask::Fashion => {
            ("test images query the training images".to_string(), test, train, false, Partners::Queries)
        }
        FacenetTask::Emoji => {
            let style =
                |name: &str| test.of_style(name).ok_or_else(|| format!("the emoji test set has no {name} renderings"));
            let twitter = test.subset(&style("twitter")?);
            let google = test.subset(&style("google")?);
            (
                "unseen emoji: Twitter renderings query the Google renderings".to_string(),
                twitter,
                google,
                false,
                Partners::Gallery,
            )
        }
        FacenetTask::Folder => (
            "unseen identities: each test image queries the other test images".to_string(),
            test.clone(),
            test,
            true,
            Partners::Queries,
        ),
    };
    let first = |set: IdentityImages| match limit {
        Some(n) if n < set.len() => set.subset(&(0..n).collect::<Vec<_>>()),
        _ => set,
    };
    let queries = first(queries);
    let gallery = if leave_one_out { queries.clone() } else { first(gallery) };
    let mut protocol = Protocol { description, queries, gallery, leave_one_out, partners, pairs: Vec::new() };
    protocol.pairs = verification_pairs(&protocol.queries, protocol.partner_images(), partners == Partners::Queries);
    if protocol.pairs.iter().all(|p| !p.2) || protocol.pairs.iter().all(|p| p.2) {
        return Err("the test set cannot make both same-identity and different-identity pairs".into());
    }
    Ok(protocol)
}

/// [`PAIRS_EACH`] same and different pairs (query, partner), seeded; `same_set` forbids pairing
/// an image with itself. Same and different pairs alternate, so every fold holds both.
fn verification_pairs(
    queries: &IdentityImages,
    partners: &IdentityImages,
    same_set: bool,
) -> Vec<(usize, usize, bool)> {
    let mut rng = Rng::new(0x7e51);
    let views = partners.views_by_identity();
    let mut pairs = Vec::with_capacity(2 * PAIRS_EACH);
    let mut tries = 0;
    while pairs.len() < 2 * PAIRS_EACH && tries < 100 * PAIRS_EACH && !queries.is_empty() {
        tries += 1;
        let a = rng.below(queries.len());
        let want_same = pairs.len() % 2 == 0;
        let identity = queries.identities[a];
        let b = if want_same {
            let own: Vec<usize> = views[identity].iter().copied().filter(|&b| !(same_set && b == a)).collect();
            if own.is_empty() {
                continue;
            }
            own[rng.below(own.len())]
        } else {
            let b = rng.below(partners.len());
            if partners.identities[b] == identity {
                continue;
            }
            b
        };
        pairs.push((a, b, want_same));
    }
    pairs
}

/// The inputs of the figures: the nearest gallery images of the first queries, and the pairs.
pub struct FigureInput {
    pub nearest: Vec<(usize, Vec<usize>)>,
    pub pairs: Vec<ScoredPair>,
    pub threshold: f32,
    pub clusters: Vec<usize>,
}

fn score(
    protocol: &Protocol,
    queries: &Vectors,
    gallery: &Vectors,
    partners: &Vectors,
    device: &Device,
    keep_figures: bool,
) -> Result<(Scores, Option<FigureInput>), String> {
    let gallery_identities =
        if protocol.leave_one_out { &protocol.queries.identities } else { &protocol.gallery.identities };
    let mut retrieval = Retrieval::default();
    let mut nearest = Vec::new();
    for_each_distance_row(queries, gallery, device, |q, row| {
        let exclude = protocol.leave_one_out.then_some(q);
        retrieval.add(row, gallery_identities, protocol.queries.identities[q], exclude);
        if keep_figures && q < figures::RETRIEVAL_QUERIES {
            nearest.push((q, crate::retrieval::nearest(row, 5, exclude)));
        }
    })?;
    let pairs: Vec<ScoredPair> = protocol
        .pairs
        .iter()
        .map(|&(a, b, same)| {
            let distance = queries.row(a).iter().zip(partners.row(b)).map(|(x, y)| (x - y) * (x - y)).sum();
            ScoredPair { distance, same }
        })
        .collect();
    let accuracy = cross_validated_accuracy(&pairs, 10);
    let (tar, _) = tar_at_far(&pairs, FAR);
    let identities: Vec<usize> = protocol.queries.identities.clone();
    let k = identities.iter().collect::<std::collections::BTreeSet<_>>().len();
    let (cluster_nmi, cluster_purity, clusters) = if queries.dim <= MAX_CLUSTERED_DIM {
        let clusters = kmeans(&queries.values, queries.dim, k, KMEANS_ROUNDS, &mut Rng::new(0xc1u64));
        (nmi(&identities, &clusters), purity(&identities, &clusters), clusters)
    } else {
        (f64::NAN, f64::NAN, Vec::new())
    };
    let scores = Scores {
        retrieval: retrieval.scores(),
        auc: roc_auc(&pairs),
        accuracy,
        tar,
        nmi: cluster_nmi,
        purity: cluster_purity,
    };
    let input = keep_figures.then(|| FigureInput {
        nearest,
        threshold: crate::verification::best_threshold(&pairs).0,
        pairs,
        clusters,
    });
    Ok((scores, input))
}

fn print_table(protocol: &Protocol, methods: &[Method], scores: &[Scores]) {
    println!(
        "{} ({} queries; {} same + {} different pairs; k-means with k = identities)",
        protocol.description,
        protocol.queries.len(),
        protocol.pairs.iter().filter(|p| p.2).count(),
        protocol.pairs.iter().filter(|p| !p.2).count()
    );
    println!(
        "{:<28} {:>9} {:>9} {:>8} {:>8} {:>15} {:>11} {:>7} {:>7}",
        "embedding", "Recall@1", "Recall@5", "mAP@R", "ROC AUC", "acc (10-fold)", "TAR@FAR1e-3", "NMI", "purity"
    );
    for (method, s) in methods.iter().zip(scores) {
        println!(
            "{:<28} {:>9.4} {:>9.4} {:>8.4} {:>8.4} {:>8.4} ± {:.3} {:>11.4} {:>7.4} {:>7.4}",
            method_label(method),
            s.retrieval.recall_at_1,
            s.retrieval.recall_at_5,
            s.retrieval.map_at_r,
            s.auc,
            s.accuracy.0,
            s.accuracy.1,
            s.tar,
            s.nmi,
            s.purity
        );
    }
}

fn measures(prefix: &str, s: &Scores) -> Vec<(String, f64)> {
    let named = [
        ("recall_at_1", s.retrieval.recall_at_1),
        ("recall_at_5", s.retrieval.recall_at_5),
        ("map_at_r", s.retrieval.map_at_r),
        ("roc_auc", s.auc),
        ("verification_accuracy", s.accuracy.0),
        ("verification_accuracy_std", s.accuracy.1),
        ("tar_at_far_1e-3", s.tar),
        ("nmi", s.nmi),
        ("purity", s.purity),
    ];
    let mut entries: Vec<(String, f64)> = named
        .into_iter()
        .filter(|(name, v)| v.is_finite() || name.starts_with("recall") || *name == "map_at_r")
        .map(|(name, v)| (format!("{prefix}{name}"), v))
        .collect();
    entries.push((format!("{prefix}queries_without_match"), s.retrieval.queries_without_match as f64));
    entries
}
