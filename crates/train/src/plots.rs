//! PNG curves of every metric in `metrics.csv`: one plot per metric name, one line per split.

use std::collections::BTreeMap;
use std::path::Path;

use atelier_core::metrics::MetricRow;
use atelier_core::plot::{LinePlot, Scale, Series};

/// Points of one metric, by split.
type SplitSeries<'a> = BTreeMap<&'a str, Vec<(f64, f64)>>;

/// Writes `plots/<name>.png` for every metric name in `rows` (x axis: optimisation step).
pub fn write_metric_plots(rows: &[MetricRow], plots_dir: &Path) -> Result<(), String> {
    let mut by_name: BTreeMap<&str, SplitSeries> = BTreeMap::new();
    for row in rows {
        by_name.entry(&row.name).or_default().entry(&row.split).or_default().push((row.step as f64, row.value));
    }
    for (name, splits) in by_name {
        let series: Vec<Series> =
            splits.into_iter().map(|(split, points)| Series { name: split.to_string(), points }).collect();
        let plot = LinePlot {
            title: name.replace('_', " "),
            x_label: "step".into(),
            y_label: name.to_string(),
            y_scale: Scale::Linear,
            series,
        };
        plot.save_png(&plots_dir.join(format!("{name}.png"))).map_err(|e| e.to_string())?;
    }
    Ok(())
}
