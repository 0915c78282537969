//! The plain data a report is made of: one [`CellRecord`] per grid cell, produced by whoever
//! runs the cell (the `ibits` library through the CLI), read back from JSON by the report.
//!
//! Nothing here computes an estimate; the producer fills the fields it has and leaves the rest
//! `None`. Units are in the field names: `*_bits` are bits (-log2 P), `*_nats` are nats
//! (-ln P), errors are mean squared errors per entry (docs/design.md §1, dimensionless).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Everything one grid cell produced: one task, one hypothesis space, one training-set size,
/// and an estimate for each target error.
///
/// A cell shares its hypotheses (sampled errors, exact law) across its targets, so the
/// distribution and the numerical health are stored once per cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellRecord {
    /// Task name as the user wrote it (e.g. `mnist`, `synthetic:dim=4`).
    pub task: String,
    /// Intrinsic dimension of a synthetic task; `None` for real data.
    #[serde(default)]
    pub intrinsic_dim: Option<f64>,
    /// Training-set size n.
    pub n: usize,
    /// Test-set size N.
    pub test_n: usize,
    /// Number of outputs k (classes, or regression targets).
    pub k: usize,
    /// Hypothesis-space name (e.g. `gp-rbf`, `mlp`).
    pub space: String,
    /// Short name of the hypothesis space as the user wrote it (e.g. `gp-rbf(bandwidth=median)`),
    /// used in chart legends; `None` falls back to `space` plus the parameters that differ.
    #[serde(default)]
    pub space_label: Option<String>,
    /// Every parameter of the hypothesis space, resolved (bandwidth after the median
    /// heuristic, depth, width...).
    #[serde(default)]
    pub space_parameters: BTreeMap<String, serde_json::Value>,
    /// Seed the cell ran with.
    pub seed: u64,
    /// Mean test error of the hypothesis space: E[e(h)] of the exact law, or the sample mean.
    #[serde(default)]
    pub mean_error: Option<f64>,
    /// Number of sampled hypotheses S that fit the training set (fitted and counting paths).
    #[serde(default)]
    pub samples: Option<usize>,
    /// Number of sampled hypotheses rejected because they did not fit the training set.
    #[serde(default)]
    pub rejected: Option<usize>,
    /// Jitter added to the diagonal of K_XX for the Cholesky factorization (exact path).
    #[serde(default)]
    pub jitter: Option<f64>,
    /// Sum of the negative eigenvalues of Sigma clipped to zero, relative to its trace
    /// (exact path).
    #[serde(default)]
    pub clipped_mass: Option<f64>,
    /// Sampled test errors and the laws that describe them, for the histogram.
    #[serde(default)]
    pub distribution: Option<ErrorDistribution>,
    /// One estimate per target error, in the order the experiment lists them.
    pub estimates: Vec<TargetEstimate>,
    /// Warnings about the whole cell (poorly identified fit, many rejected hypotheses...).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The estimates of the inductive bias I(eps) = -log2 P[e(h) <= eps] at one target error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetEstimate {
    /// Target error eps (mean squared error per entry).
    pub eps: f64,
    /// How eps was chosen, e.g. `absolute` or `0.05 x mean error`.
    pub eps_rule: String,
    /// Exact bits from the generalized chi-squared law (GP spaces).
    #[serde(default)]
    pub exact_bits: Option<f64>,
    /// Which method gave `exact_bits` (`ruben`, `saddlepoint`...).
    #[serde(default)]
    pub exact_method: Option<String>,
    /// Bits from Ruben's series, where it converged.
    #[serde(default)]
    pub ruben_bits: Option<f64>,
    /// Chernoff bound: ln P <= min_t [K(t) - t eps], so the bits are at least this.
    #[serde(default)]
    pub chernoff_bits: Option<f64>,
    /// Certified lower end of the exact bits (at least the Chernoff bound).
    #[serde(default)]
    pub exact_lower_bits: Option<f64>,
    /// Certified upper end of the exact bits; `None` when no route certifies one.
    #[serde(default)]
    pub exact_upper_bits: Option<f64>,
    /// Exact bits recomputed with 10x the jitter (numerical-health check).
    #[serde(default)]
    pub exact_bits_jitter_10x: Option<f64>,
    /// Bits from the maximum-likelihood scaled-ncx2 fit, with its interval.
    #[serde(default)]
    pub fitted: Option<BitsInterval>,
    /// Bits from counting sampled errors <= eps, with the Clopper–Pearson interval.
    #[serde(default)]
    pub counting: Option<CountingBits>,
    /// The paper's value (scipy-style tail with Sankaran fallback), in nats as the paper
    /// reported it.
    #[serde(default)]
    pub paper_nats: Option<f64>,
    /// Warnings about this target (fit poorly identified here, eps outside the samples...).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// A point estimate in bits with an interval (e.g. a 95% bootstrap interval), when one was
/// computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BitsInterval {
    /// Point estimate, bits.
    pub bits: f64,
    /// Lower end of the interval, bits (`None`: no interval computed).
    #[serde(default)]
    pub lower: Option<f64>,
    /// Upper end of the interval, bits (`None`: no interval computed).
    #[serde(default)]
    pub upper: Option<f64>,
    /// Coverage of the interval, e.g. 0.95.
    pub level: f64,
    /// The percentile-bootstrap interval alone, bits, when one was computed (`lower`/`upper`
    /// join it with the delta-method interval, which widens it where the fit is poorly
    /// identified).
    #[serde(default)]
    pub bootstrap: Option<(f64, f64)>,
}

/// Counting estimate: `hits` of `samples` sampled errors were <= eps.
///
/// ```text
/// bits = -log2(hits / samples),   interval = -log2 of the Clopper–Pearson bounds
/// ```
/// With no hits the point estimate and the upper end are unbounded (`None`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CountingBits {
    /// Number of sampled errors <= eps.
    pub hits: u64,
    /// Number of sampled errors.
    pub samples: u64,
    /// -log2(hits / samples); `None` when hits = 0.
    pub bits: Option<f64>,
    /// Lower end of the interval in bits (from the upper probability bound).
    pub lower: f64,
    /// Upper end in bits (from the lower probability bound); `None` when hits = 0.
    pub upper: Option<f64>,
    /// Coverage of the interval, e.g. 0.95.
    pub level: f64,
}

/// Sampled test errors and the laws that describe them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorDistribution {
    /// Test errors of the sampled hypotheses (may be empty for a purely exact cell).
    #[serde(default)]
    pub test_errors: Vec<f64>,
    /// Density of the exact law (GP) at increasing x, as (x, density) pairs.
    #[serde(default)]
    pub exact_density: Option<Vec<(f64, f64)>>,
    /// The fitted scaled non-central chi-squared law.
    #[serde(default)]
    pub fitted_law: Option<FittedLaw>,
    /// Density of the fitted law at increasing x, as (x, density) pairs (computed by the
    /// producer, which has the law's density).
    #[serde(default)]
    pub fitted_density: Option<Vec<(f64, f64)>>,
    /// Natural log of the exact density from the smallest target error to the top of the
    /// sampled range, as (x, ln density) pairs: the tail where the targets lie, whose densities
    /// underflow f64 (e.g. 1e-2800) and are kept as logarithms.
    #[serde(default)]
    pub exact_log_density: Option<Vec<(f64, f64)>>,
    /// Natural log of the fitted density on the same points.
    #[serde(default)]
    pub fitted_log_density: Option<Vec<(f64, f64)>>,
}

/// Parameters of the fitted law s * ncx2(dof, noncentrality), location 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedLaw {
    /// Degrees of freedom nu.
    pub dof: f64,
    /// Non-centrality lambda.
    pub noncentrality: f64,
    /// Scale s.
    pub scale: f64,
}

impl TargetEstimate {
    /// The headline value in bits: exact where available, else fitted, else counting.
    pub fn best_bits(&self) -> Option<(f64, &'static str)> {
        if let Some(bits) = self.exact_bits {
            return Some((bits, "exact"));
        }
        if let Some(fit) = self.fitted {
            return Some((fit.bits, "fitted"));
        }
        self.counting
            .and_then(|c| c.bits)
            .map(|bits| (bits, "counting"))
    }

    /// The paper-compatible value converted to bits: paper_nats / ln 2.
    pub fn paper_bits(&self) -> Option<f64> {
        self.paper_nats.map(|nats| nats / std::f64::consts::LN_2)
    }
}

/// Text of an optional number for tables and CSV (empty when absent).
fn cell_text(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl crate::sweep::SummaryRows for CellRecord {
    fn summary_header() -> Vec<String> {
        [
            "task",
            "intrinsic_dim",
            "space",
            "space_parameters",
            "n",
            "test_n",
            "k",
            "eps",
            "eps_rule",
            "exact_bits",
            "exact_method",
            "ruben_bits",
            "chernoff_bits",
            "exact_lower_bits",
            "exact_upper_bits",
            "exact_bits_jitter_10x",
            "fitted_bits",
            "fitted_lower_bits",
            "fitted_upper_bits",
            "fitted_bootstrap_lower_bits",
            "fitted_bootstrap_upper_bits",
            "counting_hits",
            "counting_samples",
            "counting_bits",
            "counting_lower_bits",
            "counting_upper_bits",
            "paper_nats",
            "paper_bits",
            "mean_error",
            "samples",
            "rejected",
            "jitter",
            "clipped_mass",
            "warnings",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn summary_rows(&self) -> Vec<Vec<String>> {
        let parameters = serde_json::to_string(&self.space_parameters).unwrap_or_default();
        let mut rows = Vec::new();
        let blank = TargetEstimate {
            eps: f64::NAN,
            eps_rule: String::new(),
            exact_bits: None,
            exact_method: None,
            ruben_bits: None,
            chernoff_bits: None,
            exact_lower_bits: None,
            exact_upper_bits: None,
            exact_bits_jitter_10x: None,
            fitted: None,
            counting: None,
            paper_nats: None,
            warnings: Vec::new(),
        };
        let estimates: Vec<&TargetEstimate> = if self.estimates.is_empty() {
            vec![&blank]
        } else {
            self.estimates.iter().collect()
        };
        for estimate in estimates {
            let warnings: Vec<&str> = self
                .warnings
                .iter()
                .chain(estimate.warnings.iter())
                .map(String::as_str)
                .collect();
            rows.push(vec![
                self.task.clone(),
                cell_text(self.intrinsic_dim),
                self.space.clone(),
                parameters.clone(),
                self.n.to_string(),
                self.test_n.to_string(),
                self.k.to_string(),
                cell_text(Some(estimate.eps).filter(|e| !e.is_nan())),
                estimate.eps_rule.clone(),
                cell_text(estimate.exact_bits),
                estimate.exact_method.clone().unwrap_or_default(),
                cell_text(estimate.ruben_bits),
                cell_text(estimate.chernoff_bits),
                cell_text(estimate.exact_lower_bits),
                cell_text(estimate.exact_upper_bits),
                cell_text(estimate.exact_bits_jitter_10x),
                cell_text(estimate.fitted.map(|f| f.bits)),
                cell_text(estimate.fitted.and_then(|f| f.lower)),
                cell_text(estimate.fitted.and_then(|f| f.upper)),
                cell_text(estimate.fitted.and_then(|f| f.bootstrap).map(|b| b.0)),
                cell_text(estimate.fitted.and_then(|f| f.bootstrap).map(|b| b.1)),
                estimate
                    .counting
                    .map(|c| c.hits.to_string())
                    .unwrap_or_default(),
                estimate
                    .counting
                    .map(|c| c.samples.to_string())
                    .unwrap_or_default(),
                cell_text(estimate.counting.and_then(|c| c.bits)),
                cell_text(estimate.counting.map(|c| c.lower)),
                cell_text(estimate.counting.and_then(|c| c.upper)),
                cell_text(estimate.paper_nats),
                cell_text(estimate.paper_bits()),
                cell_text(self.mean_error),
                self.samples.map(|s| s.to_string()).unwrap_or_default(),
                self.rejected.map(|s| s.to_string()).unwrap_or_default(),
                cell_text(self.jitter),
                cell_text(self.clipped_mass),
                warnings.join("; "),
            ]);
        }
        rows
    }
}
