//! Coverage study of the fitted path's bootstrap interval (results in docs/validation.md).
//!
//! For each law s·χ'²_ν(λ) and sample size S, draw `reps` seeded datasets, estimate the bits at
//! the true quantile eps_p (ln F(eps_p) = ln p) with a B-resample percentile bootstrap, and
//! count how often the reported 95% interval (`FittedEstimate::interval_bits`: the percentile
//! bootstrap joined with the delta-method interval) covers the true bits -log2 p, how often each
//! of its two parts alone does, and the median width of the reported interval.
//!
//! Run: `cargo run --release -p ibits-stats --example fit_coverage -- S REPS B P [dof nc scale]...`
//! e.g. `... -- 100 200 200 1e-3 100 50 0.01 20 200 1 5 3 1`

use ibits_stats::fit::{estimate_fitted, sample_ncx2, FitConfig};
use ibits_stats::Ncx2;

fn quantile(law: &Ncx2, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, law.mean());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if law.log_cdf(mid) < p.ln() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse())
        .collect::<Result<_, _>>()?;
    if args.len() < 7 || !(args.len() - 4).is_multiple_of(3) {
        return Err("usage: fit_coverage S REPS B P (dof nc scale)...".into());
    }
    let (samples, reps, bootstrap, p) =
        (args[0] as usize, args[1] as u64, args[2] as usize, args[3]);
    for law in args[4..].chunks(3) {
        let (dof, nc, scale) = (law[0], law[1], law[2]);
        let truth = Ncx2::scaled(dof, nc, scale)?;
        let eps = quantile(&truth, p);
        let true_bits = -truth.log_cdf(eps) / std::f64::consts::LN_2;
        let config = FitConfig {
            bootstrap,
            seed: 1,
            confidence: 0.95,
            profile: false,
        };
        let (mut covered, mut percentile_covered, mut delta_covered, mut delta_defined) =
            (0u64, 0u64, 0u64, 0u64);
        let mut widths = Vec::new();
        let start = std::time::Instant::now();
        for rep in 0..reps {
            let x = sample_ncx2(dof, nc, scale, samples, 1000 + rep)?;
            let estimate = estimate_fitted(&x, eps, &config)?;
            let [lo, hi] = estimate.interval_bits.ok_or("no interval")?;
            covered += u64::from(lo <= true_bits && true_bits <= hi);
            widths.push(hi - lo);
            let [plo, phi] = estimate
                .bootstrap
                .as_ref()
                .ok_or("no bootstrap")?
                .interval_bits;
            percentile_covered += u64::from(plo <= true_bits && true_bits <= phi);
            if let Some(se) = estimate.stderr_bits {
                delta_defined += 1;
                delta_covered += u64::from((estimate.bits - true_bits).abs() <= 1.959_964 * se);
            }
        }
        widths.sort_by(f64::total_cmp);
        println!(
            "law ({dof}, {nc}, {scale}) S={samples} B={bootstrap} p={p} eps={eps:.6e} true_bits={true_bits:.4}: \
             reported interval covers {covered}/{reps} = {:.3}; percentile bootstrap alone \
             {percentile_covered}/{reps}; delta method alone {delta_covered}/{delta_defined}; \
             median width {:.3} bits; {:.1} s",
            covered as f64 / reps as f64,
            widths[widths.len() / 2],
            start.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
