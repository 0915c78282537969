//! Time and peak memory of the exact GP path on MNIST (docs/benchmarks.md, "GP").
//!
//! ```text
//! cargo bench -p ibits --bench gp_exact -- [N_TRAIN] [N_TEST] [REPEAT] [--jitter-check] [--kernel-parts]
//! ```
//! `--kernel-parts` first times the median heuristic, K(X, X), K(X, X_T) and the bare faer
//! product inside K(X, X_T).
//! Runs `estimate_gp` (RBF kernel, median bandwidth, eps = 0.5 x mean error, no posterior
//! samples) and prints one JSON line per repetition: stage times, total seconds, threads and the
//! process's peak resident memory (VmHWM from /proc/self/status). Thread count: RAYON_NUM_THREADS.

use std::time::Instant;

use ibits::{estimate_gp, GpData, GpOptions, KernelSpec, Target};
use ibits_data::{load_task, TaskSpec};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let jitter_check = args.iter().any(|a| a == "--jitter-check");
    let nums: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let n_train = nums.first().copied().unwrap_or(2000);
    let n_test = nums.get(1).copied().unwrap_or(n_train);
    let repeat = nums.get(2).copied().unwrap_or(3);
    let task = match load_task(&TaskSpec::named("mnist", n_train, n_test)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gp_exact: cannot load MNIST: {e}");
            std::process::exit(1);
        }
    };
    if args.iter().any(|a| a == "--kernel-parts") {
        let t = Instant::now();
        let rbf = ibits_kernels::Rbf::with_median_bandwidth(task.x_train.view(), 1.0)
            .unwrap_or_else(|e| panic!("{e}"));
        let t_median = t.elapsed().as_secs_f64();
        let k = ibits_kernels::Kernel::Rbf(rbf);
        let t = Instant::now();
        let _ = ibits_kernels::gram(&k, task.x_train.view());
        let t_gram = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = ibits_kernels::cross_gram(&k, task.x_train.view(), task.x_test.view());
        let t_cross = t.elapsed().as_secs_f64();
        let (n, d) = task.x_train.dim();
        let a = faer::Mat::<f64>::from_fn(n, d, |i, j| task.x_train[(i, j)]);
        let b = faer::Mat::<f64>::from_fn(task.x_test.nrows(), d, |i, j| task.x_test[(i, j)]);
        let mut c = faer::Mat::<f64>::zeros(n, task.x_test.nrows());
        let t = Instant::now();
        faer::linalg::matmul::matmul(
            c.as_mut(),
            faer::Accum::Replace,
            a.as_ref(),
            b.transpose(),
            1.0,
            faer::Par::rayon(0),
        );
        let t_matmul = t.elapsed().as_secs_f64();
        println!(
            "{{\"median_s\": {t_median:.4}, \"gram_s\": {t_gram:.4}, \"cross_gram_s\": {t_cross:.4}, \"cross_matmul_only_s\": {t_matmul:.4}}}"
        );
    }
    let options = GpOptions {
        samples: 0,
        jitter_check,
        ..GpOptions::default()
    };
    let targets = [Target::RelativeToMean(0.5)];
    for rep in 0..repeat {
        let start = Instant::now();
        let est = match estimate_gp(
            &GpData::from_task(&task),
            &KernelSpec::RbfMedian { amplitude: 1.0 },
            &targets,
            &options,
            &mut |_| {},
        ) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("gp_exact: {e}");
                std::process::exit(1);
            }
        };
        let wall = start.elapsed().as_secs_f64();
        let t = &est.timing;
        println!(
            "{{\"n_train\": {n_train}, \"n_test\": {n_test}, \"rep\": {rep}, \"threads\": {}, \"seconds\": {wall:.4}, \
             \"kernel_s\": {:.4}, \"posterior_s\": {:.4}, \"spectrum_s\": {:.4}, \"exact_law_s\": {:.4}, \
             \"jitter_check_s\": {:.4}, \"bits\": {:.10}, \"saddlepoint_bits\": {:.10}, \"method\": \"{}\", \
             \"mean_error\": {:.10}, \"bandwidth\": \"{}\", \"estimated_bytes\": {}, \"estimated_seconds\": {:.2}, \
             \"peak_rss_mib\": {:.1}}}",
            est.threads,
            t.kernel_s,
            t.posterior_s,
            t.spectrum_s,
            t.exact_law_s,
            t.jitter_check_s,
            est.targets[0].exact.bits,
            est.targets[0].exact.saddlepoint_bits,
            est.targets[0].exact.method.name(),
            est.mean_error,
            est.kernel_description,
            est.resources.bytes,
            est.resources.estimated_seconds,
            peak_rss_mib().unwrap_or(f64::NAN)
        );
    }
}
