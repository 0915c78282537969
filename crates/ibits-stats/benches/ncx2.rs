//! Time of `Ncx2::log_cdf` (and `log_pdf`) on a fixed set of points, including the deep-tail
//! points of docs/design.md §8. The same points are timed for scipy by benches/scipy_ncx2.py.
//!
//! Run: `cargo bench -p ibits-stats --bench ncx2` (add `-- --quick` for a short run).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ibits_stats::Ncx2;

/// (df, nc, x) — keep in sync with POINTS in benches/scipy_ncx2.py.
#[rustfmt::skip]
pub const POINTS: [(f64, f64, f64); 14] = [
    // docs/design.md §8, nats table
    (10.0, 5.0, 2.0), (100.0, 20.0, 50.0), (1000.0, 200.0, 500.0), (1000.0, 1000.0, 300.0),
    (10000.0, 2000.0, 5000.0), (10000.0, 2000.0, 2000.0),
    // docs/design.md §8, bits table (scipy returns -inf for the last four)
    (200.0, 100.0, 5.0), (1000.0, 500.0, 240.0), (1000.0, 500.0, 150.0), (400.0, 50.0, 2.0),
    (400.0, 50.0, 0.1),
    // bulk with many mixture terms, upper tail, ln F ≈ -1e6
    (1.0, 1e5, 1e5), (1e4, 1e4, 3e4), (1e5, 1e5, 1e-4),
];

fn bench_log_cdf(c: &mut Criterion) {
    let mut group = c.benchmark_group("ncx2_log_cdf");
    for (df, nc, x) in POINTS {
        let law = Ncx2::new(df, nc).unwrap();
        group.bench_function(format!("df={df} nc={nc} x={x}"), |b| {
            b.iter(|| black_box(&law).log_cdf(black_box(x)))
        });
    }
    group.finish();
    let mut all = c.benchmark_group("ncx2_log_cdf_all_points");
    let laws: Vec<(Ncx2, f64)> = POINTS
        .iter()
        .map(|&(df, nc, x)| (Ncx2::new(df, nc).unwrap(), x))
        .collect();
    all.bench_function("14 points", |b| {
        b.iter(|| {
            laws.iter()
                .map(|(law, x)| law.log_cdf(black_box(*x)))
                .sum::<f64>()
        })
    });
    all.finish();
}

fn bench_log_pdf(c: &mut Criterion) {
    let mut group = c.benchmark_group("ncx2_log_pdf");
    for (df, nc, x) in [(10.0, 5.0, 12.0), (1000.0, 200.0, 1150.0), (1.0, 1e5, 1e5)] {
        let law = Ncx2::new(df, nc).unwrap();
        group.bench_function(format!("df={df} nc={nc} x={x}"), |b| {
            b.iter(|| black_box(&law).log_pdf(black_box(x)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_log_cdf, bench_log_pdf);
criterion_main!(benches);
