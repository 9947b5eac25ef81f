//! Curves of every metric in `metrics.csv` (PNG in a run's `plots/`, SVG in the course report):
//! one plot per metric name, one line per split (train, test, monitor, eval), the y axis
//! logarithmic where the values span decades.

use std::collections::BTreeMap;
use std::path::Path;

use crate::metrics::MetricRow;
use crate::picture::Picture;
use crate::plot::{LinePlot, Scale, Series};

/// What the step column of `metrics.csv` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepAxis {
    /// Optimisation steps (one batch, one update): the image models.
    Optimisation,
    /// Environment steps (one action): the agents.
    Environment,
}

impl StepAxis {
    /// The x axis title.
    pub fn label(self) -> &'static str {
        match self {
            StepAxis::Optimisation => "optimisation step",
            StepAxis::Environment => "environment step",
        }
    }
}

/// Points of one metric, by split.
type SplitSeries<'a> = BTreeMap<&'a str, Vec<(f64, f64)>>;

/// Writes `plots/<name>.png` for every metric name in `rows`.
pub fn write_metric_plots(rows: &[MetricRow], plots_dir: &Path, axis: StepAxis) -> Result<(), String> {
    for plot in metric_plots(rows, axis) {
        let name = plot.0;
        plot.1.save_png(&plots_dir.join(format!("{name}.png"))).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// One `(metric name, plot)` per metric name in `rows`.
pub fn metric_plots(rows: &[MetricRow], axis: StepAxis) -> Vec<(String, LinePlot)> {
    let mut by_name: BTreeMap<&str, SplitSeries> = BTreeMap::new();
    for row in rows {
        by_name.entry(&row.name).or_default().entry(&row.split).or_default().push((row.step as f64, row.value));
    }
    by_name
        .into_iter()
        .map(|(name, splits)| {
            let mut splits: Vec<(&str, Vec<(f64, f64)>)> = splits.into_iter().collect();
            splits.sort_by_key(|(split, _)| (split_rank(split), *split));
            let series: Vec<Series> = splits.into_iter().map(|(split, points)| Series::new(split, points)).collect();
            let quantity = Quantity::of(name);
            let plot = LinePlot {
                title: format!("{} per {}", quantity.name, axis.label()),
                x_label: axis.label().to_string(),
                y_label: quantity.axis_title(),
                y_scale: Scale::Auto,
                series,
            };
            (name.to_string(), plot)
        })
        .collect()
}

/// Drawing (and legend) order of the splits: the dense training curve first, so the sparse
/// evaluation curves lie on top of it; unknown splits last, by name.
fn split_rank(split: &str) -> usize {
    const ORDER: [&str; 4] = ["train", "test", "monitor", "eval"];
    ORDER.iter().position(|&known| known == split).unwrap_or(ORDER.len())
}

/// A metric's readable name and unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Quantity {
    name: String,
    unit: Option<&'static str>,
}

impl Quantity {
    /// Known metrics by their `metrics.csv` name; any other name is shown with spaces for `_`.
    fn of(metric: &str) -> Quantity {
        let known = |name: &str, unit: Option<&'static str>| Quantity { name: name.to_string(), unit };
        match metric {
            "loss" => known("loss", None),
            "mse" => known("mean squared error", Some("per pixel")),
            "noisy_input_mse" => known("mean squared error of the noisy input", Some("per pixel")),
            "psnr" => known("PSNR", Some("dB")),
            "accuracy" => known("accuracy", Some("fraction correct")),
            "learning_rate" => known("learning rate", None),
            "images_per_s" => known("throughput", Some("images/s")),
            "epsilon" => known("exploration rate ε", None),
            "td_loss" => known("TD loss", None),
            "episode_return" => known("episode return", Some("steps balanced")),
            "return_avg100" => known("mean return of the last 100 episodes", Some("steps")),
            "greedy_return" => known("greedy-policy return", Some("steps")),
            "replay_size" => known("replay buffer size", Some("transitions")),
            "q_taken" => known("Q of the action taken", None),
            "d_loss" => known("discriminator loss L_D", None),
            "g_loss" => known("generator loss L_G", None),
            "d_real" => known("mean D(x) on real images", Some("probability")),
            "d_fake" => known("mean D(G(z)) on generated images", Some("probability")),
            "kl_nats" => known("KL divergence to the prior", Some("nats")),
            "reconstruction_nats" => known("reconstruction term −log p(x|z)", Some("nats")),
            "neg_elbo_nats" => known("negative ELBO", Some("nats")),
            "fcd" => known("FCD", None),
            "inception_score" => known("Inception Score", None),
            _ => match metric.strip_suffix("_nats") {
                Some(stem) => Quantity { name: stem.replace('_', " "), unit: Some("nats") },
                None => Quantity { name: metric.replace('_', " "), unit: None },
            },
        }
    }

    fn axis_title(&self) -> String {
        match self.unit {
            Some(unit) => format!("{} ({unit})", self.name),
            None => self.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(step: u64, split: &str, name: &str, value: f64) -> MetricRow {
        MetricRow { step, epoch: 0, split: split.into(), name: name.into(), value }
    }

    #[test]
    fn one_plot_per_metric_one_series_per_split_with_units() {
        let rows = vec![
            row(10, "train", "loss", 2.3),
            row(20, "train", "loss", 0.01),
            row(20, "test", "loss", 0.05),
            row(20, "test", "beta_kl_nats", 4.0),
        ];
        let plots = metric_plots(&rows, StepAxis::Optimisation);
        let names: Vec<&str> = plots.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["beta_kl_nats", "loss"]);
        let loss = &plots[1].1;
        let splits: Vec<&str> = loss.series.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(splits, ["train", "test"], "the training curve is drawn first, under the test curve");
        assert_eq!(loss.x_label, "optimisation step");
        assert_eq!(loss.resolved_scale(), Scale::Log10, "2.3 → 0.01 spans decades");
        assert_eq!(plots[0].1.y_label, "beta kl (nats)", "unknown names keep their unit suffix");
        let agent = metric_plots(&rows, StepAxis::Environment);
        assert_eq!(agent[1].1.x_label, "environment step");
        assert_eq!(Quantity::of("psnr").axis_title(), "PSNR (dB)");
    }
}
