//! Fit each loss file given on the command line (one value per line) and print one JSON line
//! per file: the fitted parameters, the maximised log-likelihood (nats) and the best wall time
//! of `--repeat` fits (seconds). Used by `benches/scipy_fit.py` for the side-by-side run with
//! scipy recorded in docs/benchmarks.md.
//!
//! Run: `cargo run --release -p ibits-stats --example fit_timing -- [--repeat N] FILE...`

use std::time::Instant;

use ibits_stats::fit::fit_ncx2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 3usize;
    if let Some(i) = args.iter().position(|a| a == "--repeat") {
        repeat = args.get(i + 1).ok_or("--repeat needs a number")?.parse()?;
        args.drain(i..=i + 1);
    }
    for path in args {
        let text = std::fs::read_to_string(&path)?;
        let samples: Vec<f64> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim().parse())
            .collect::<Result<_, _>>()?;
        let mut best = f64::INFINITY;
        let mut fit = None;
        for _ in 0..repeat.max(1) {
            let start = Instant::now();
            let result = fit_ncx2(&samples)?;
            best = best.min(start.elapsed().as_secs_f64());
            fit = Some(result);
        }
        let fit = fit.ok_or("no fit")?;
        println!(
            "{{\"file\": {path:?}, \"n\": {}, \"df\": {}, \"nc\": {}, \"scale\": {}, \"log_likelihood\": {}, \"evaluations\": {}, \"converged\": {}, \"seconds\": {}}}",
            samples.len(),
            fit.dof,
            fit.noncentrality,
            fit.scale,
            fit.log_likelihood,
            fit.evaluations,
            fit.converged,
            best
        );
    }
    Ok(())
}
