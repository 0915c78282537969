//! Criterion benchmark of the maximum-likelihood fit of s·χ'²_ν(λ) on S = 10,000 samples
//! (the laws of the scipy comparison in docs/benchmarks.md, drawn with `sample_ncx2`).
//!
//! Run: `cargo bench -p ibits-stats --bench fit`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ibits_stats::fit::{fit_ncx2, sample_ncx2};

fn fit_10k(c: &mut Criterion) {
    let mut group = c.benchmark_group("fit_ncx2_10k");
    group.sample_size(10);
    for (dof, nc, scale) in [(5.0, 3.0, 1.0), (100.0, 50.0, 0.01), (1000.0, 300.0, 1e-3)] {
        let samples = sample_ncx2(dof, nc, scale, 10_000, 1).expect("valid law");
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("df{dof}_nc{nc}_s{scale}")),
            &samples,
            |b, samples| b.iter(|| fit_ncx2(samples).expect("fit")),
        );
    }
    group.finish();
}

criterion_group!(benches, fit_10k);
criterion_main!(benches);
