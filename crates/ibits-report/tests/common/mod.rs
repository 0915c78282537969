//! A cheap, deterministic cell runner for the engine and report tests: the hypothesis space is
//! "chi2", whose test error is e = scale * chi2_dof / dof; its exact bits come from the closed
//! form of the chi-squared CDF with 2 degrees of freedom, F(x) = 1 - exp(-x/2), and it draws
//! `samples` errors from the cell's seed.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ibits_report::sweep::Cell;
use ibits_report::sweep::Target;
use ibits_report::{
    BitsInterval, CellRecord, CountingBits, ErrorDistribution, FittedLaw, TargetEstimate,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Space {
    pub kind: String,
    #[serde(default = "one")]
    pub scale: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub samples: usize,
}

pub type Experiment = ibits_report::sweep::Experiment<String, Space, Settings>;

/// SplitMix64: a tiny seeded generator, enough for test data.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// chi-squared with 2 degrees of freedom: -2 ln U.
    pub fn chi2_2(&mut self) -> f64 {
        -2.0 * self.next_f64().ln()
    }
}

/// Exact bits of e = scale * chi2_2 at eps: -log2(1 - exp(-eps / (2 scale))).
pub fn chi2_2_bits(eps: f64, scale: f64) -> f64 {
    -(-(-eps / (2.0 * scale)).exp_m1()).log2()
}

pub fn run_cell(cell: &Cell<String, Space>, samples: usize) -> Result<CellRecord, String> {
    if cell.space.kind == "fail" {
        return Err(format!(
            "space kind `fail` always fails (cell {})",
            cell.index
        ));
    }
    let scale = cell.space.scale;
    let mut rng = SplitMix(cell.seed);
    let errors: Vec<f64> = (0..samples).map(|_| scale * rng.chi2_2()).collect();
    let mean = 2.0 * scale;
    let intrinsic_dim = cell
        .task
        .strip_prefix("synthetic:dim=")
        .and_then(|d| d.parse().ok());
    let estimates = cell
        .targets
        .iter()
        .map(|target| {
            let (eps, rule) = match *target {
                Target::Absolute(eps) => (eps, "absolute".to_string()),
                Target::RelativeToMean(f) => (f * mean, format!("{f} x mean error")),
            };
            let exact =
                chi2_2_bits(eps, scale) + intrinsic_dim.unwrap_or(0.0) + cell.n as f64 / 100.0;
            let hits = errors.iter().filter(|&&e| e <= eps).count() as u64;
            TargetEstimate {
                eps,
                eps_rule: rule,
                exact_bits: Some(exact),
                exact_method: Some("closed form".into()),
                ruben_bits: Some(exact),
                chernoff_bits: Some(0.8 * exact),
                exact_lower_bits: Some(0.8 * exact),
                exact_upper_bits: Some(1.02 * exact),
                exact_bits_jitter_10x: Some(exact * (1.0 + 1e-6)),
                fitted: Some(BitsInterval {
                    bits: 0.9 * exact,
                    lower: Some(0.8 * exact),
                    upper: Some(1.05 * exact),
                    level: 0.95,
                    bootstrap: Some((0.85 * exact, 1.0 * exact)),
                }),
                counting: (samples > 0).then(|| CountingBits {
                    hits,
                    samples: samples as u64,
                    bits: (hits > 0).then(|| -(hits as f64 / samples as f64).log2()),
                    lower: -((hits as f64 + 3.0) / samples as f64).min(1.0).log2(),
                    upper: (hits > 0)
                        .then(|| -((hits as f64 - 0.9).max(0.1) / samples as f64).log2()),
                    level: 0.95,
                }),
                paper_nats: Some(0.7 * exact * std::f64::consts::LN_2),
                warnings: Vec::new(),
            }
        })
        .collect();
    let density: Vec<(f64, f64)> = (1..=200)
        .map(|i| i as f64 * 0.05 * mean)
        .map(|x| (x, (-x / (2.0 * scale)).exp() / (2.0 * scale)))
        .collect();
    Ok(CellRecord {
        task: cell.task.clone(),
        intrinsic_dim,
        n: cell.n,
        test_n: cell.test_n.unwrap_or(50),
        k: 1,
        space: cell.space.kind.clone(),
        space_label: None,
        space_parameters: BTreeMap::from([("scale".to_string(), serde_json::json!(scale))]),
        seed: cell.seed,
        mean_error: Some(mean),
        samples: Some(samples),
        rejected: Some(0),
        jitter: Some(1e-10),
        clipped_mass: Some(0.0),
        distribution: (samples > 0).then(|| ErrorDistribution {
            test_errors: errors.clone(),
            exact_density: Some(density.clone()),
            fitted_law: Some(FittedLaw {
                dof: 2.0,
                noncentrality: 0.0,
                scale,
            }),
            fitted_density: Some(density.iter().map(|&(x, f)| (x, 0.9 * f)).collect()),
            exact_log_density: None,
            fitted_log_density: None,
        }),
        estimates,
        warnings: if cell.index == 0 {
            vec!["example warning".into()]
        } else {
            Vec::new()
        },
    })
}
