//! Certified inversion brackets (`certified::inversion_bracket`) against exact values:
//! containment of the truth and the width achieved.

use ibits_stats::law::certified::{inversion_bracket, LnCdfBracket};
use ibits_stats::special::{log1m_exp, log_add_exp};
use ibits_stats::{Gx2, Ncx2, RubenOptions};

/// Relative accuracy granted to the references (Ncx2, the closed form, Ruben's rounding).
const REFERENCE_SLACK: f64 = 1e-12;

fn bracket(law: &Gx2, x: f64) -> LnCdfBracket {
    let t = law.saddlepoint(x).t;
    inversion_bracket(law, x, t).unwrap_or_else(|| panic!("no bracket at x = {x}"))
}

/// Asserts `lower ≤ [ref_lo, ref_hi] ≤ upper` (with the references' slack) and the width
/// `upper − lower ≤ max_width` nats; returns the width.
fn check(label: &str, b: LnCdfBracket, ref_lo: f64, ref_hi: f64, max_width: f64) -> f64 {
    let slack = |v: f64| REFERENCE_SLACK * v.abs() + 1e-300;
    assert!(
        b.lower <= ref_hi + slack(ref_hi) && ref_lo - slack(ref_lo) <= b.upper,
        "{label}: bracket [{:e}, {:e}] misses [{ref_lo:e}, {ref_hi:e}]",
        b.lower,
        b.upper
    );
    let width = b.upper - b.lower;
    assert!(
        width <= max_width,
        "{label}: width {width:e} nats > {max_width:e} (bracket [{:e}, {:e}])",
        b.lower,
        b.upper
    );
    width
}

/// ln P[w χ²_m ≤ x] for even m: P = e^{−z} Σ_{k ≥ m/2} z^k/k! = 1 − e^{−z} Σ_{k < m/2} z^k/k!,
/// z = x/(2w).
fn central_even_log_cdf(w: f64, m: u32, x: f64) -> f64 {
    let z = x / (2.0 * w);
    let half = f64::from(m / 2);
    if z < half {
        // Series from k = m/2 on, in logs: ln(z^k/k!) = k ln z − ln k!.
        let ln_fact: f64 = (1..=m / 2).map(|k| f64::from(k).ln()).sum();
        let mut ln_term = half * z.ln() - ln_fact;
        let mut sum = ln_term;
        let mut k = half;
        loop {
            k += 1.0;
            ln_term += z.ln() - k.ln();
            let next = log_add_exp(sum, ln_term);
            if next == sum {
                break;
            }
            sum = next;
        }
        sum - z
    } else {
        let mut ln_term = 0.0;
        let mut sum = 0.0;
        for k in 1..m / 2 {
            ln_term += z.ln() - f64::from(k).ln();
            sum = log_add_exp(sum, ln_term);
        }
        log1m_exp(sum - z)
    }
}

#[test]
fn central_even_dof_matches_the_closed_form() {
    // (w, m, x): bulk, deep lower tail (ln P ≈ −1e3 for m = 200), near and above the mean.
    let cases = [
        (1.0, 2, 1e-3),
        (1.0, 2, 1.0),
        (1.0, 2, 2.0),
        (1.0, 2, 40.0),
        (0.25, 4, 0.01),
        (3.0, 10, 30.0),
        (3.0, 10, 31.0),
        (3.0, 10, 120.0),
        (1e-8, 200, 1e-9),
        (1e8, 200, 1e8),
    ];
    for (w, m, x) in cases {
        let law = Gx2::new(&[w], &[f64::from(m)], &[0.0], 0.0).unwrap();
        let reference = central_even_log_cdf(w, m, x);
        let width = check(
            &format!("{w}·χ²_{m} at {x}"),
            bracket(&law, x),
            reference,
            reference,
            1e-12 * reference.abs() + 2e-9,
        );
        println!("{w}·χ²_{m} at {x}: ln P = {reference:e}, width {width:.2e} nats");
    }
}

#[test]
fn single_terms_match_ncx2() {
    // (m, d, w, x), m non-integer and 1; deep tails ln P ≈ −6e5 and −9e5.
    let cases = [
        (1.0, 0.0, 1.0, 1e-8),
        (1.0, 0.0, 1.0, 0.1),
        (1.0, 0.0, 1.0, 1.0),
        (1.0, 0.0, 1.0, 5.0),
        (1.0, 0.0, 1.0, 60.0),
        (0.5, 0.0, 2.0, 0.3),
        (1.0, 4.0, 1.0, 0.5),
        (1.0, 4.0, 1.0, 5.0),
        (3.7, 2.0, 0.1, 0.05),
        (3.7, 2.0, 0.1, 0.57),
        (3.7, 2.0, 0.1, 3.0),
        (1e4, 0.0, 1.0, 1e-50),
        (2e4, 30.0, 1e-3, 1e-43),
        (2e4, 30.0, 1e-3, 20.0),
    ];
    for (m, d, w, x) in cases {
        let law = Gx2::new(&[w], &[m], &[d], 0.0).unwrap();
        let reference = Ncx2::scaled(m, d, w).unwrap().log_cdf(x);
        let width = check(
            &format!("{w}·χ'²_{m}({d}) at {x}"),
            bracket(&law, x),
            reference,
            reference,
            1e-12 * reference.abs() + 5e-9,
        );
        println!("{w}·χ'²_{m}({d}) at {x}: ln P = {reference:e}, width {width:.2e} nats");
    }
}

#[test]
fn equal_weights_sum_to_one_ncx2() {
    let law = Gx2::new(&[0.7, 0.7, 0.7], &[1.0, 2.0, 0.5], &[0.3, 0.0, 2.0], 1.5).unwrap();
    let single = Ncx2::scaled(3.5, 2.3, 0.7).unwrap();
    for y in [0.01, 0.5, 2.0, 4.0, 4.2, 10.0, 40.0] {
        let reference = single.log_cdf(y);
        check(
            &format!("equal weights at {y}"),
            bracket(&law, 1.5 + y),
            reference,
            reference,
            1e-12 * reference.abs() + 5e-9,
        );
    }
}

#[test]
fn wide_weight_spreads_match_rubens_series() {
    let laws = [
        Gx2::new(&[1.0, 1e-12], &[1.0, 1.0], &[0.0, 0.0], 0.0).unwrap(),
        Gx2::new(&[1.0, 1e-6, 1e-12], &[1.0, 2.0, 1.0], &[0.5, 0.0, 3.0], 0.0).unwrap(),
        Gx2::new(&[1e-12, 1.0], &[3.0, 2.5], &[1.0, 0.2], 0.0).unwrap(),
        Gx2::new(&[2.0, 0.5], &[1.0, 1.0], &[0.0, 1.0], 0.25).unwrap(),
        Gx2::new(&[1.0, 0.3, 0.05], &[1.0, 2.0, 1.5], &[0.2, 0.0, 1.0], 0.0).unwrap(),
    ];
    let mut compared = 0;
    for law in &laws {
        let mean = law.mean();
        for f in [1e-6, 0.01, 0.3, 0.9, 1.0, 1.1, 3.0] {
            let x = law.offset() + f * (mean - law.offset());
            let series = law.ruben_log_cdf(x, &RubenOptions::default());
            if !series.converged {
                continue;
            }
            compared += 1;
            let ref_hi = log_add_exp(series.log_cdf, series.log_truncation_bound);
            check(
                &format!("{law:?} at {x}"),
                bracket(law, x),
                series.log_cdf,
                ref_hi,
                1e-12 * series.log_cdf.abs() + 5e-9,
            );
        }
    }
    println!("Ruben comparisons: {compared}");
    assert!(compared >= 12, "Ruben converged at only {compared} points");
}

#[test]
fn twenty_thousand_terms() {
    // Equal weights: one ncx2 of 20,000 degrees of freedom.
    let n = 20_000;
    let law = Gx2::new(&vec![0.5; n], &vec![1.0; n], &vec![0.01; n], 0.0).unwrap();
    let single = Ncx2::scaled(n as f64, 0.01 * n as f64, 0.5).unwrap();
    let mean = law.mean();
    for f in [1e-3, 0.5, 0.97, 1.0, 1.01, 1.05] {
        let x = f * mean;
        let reference = single.log_cdf(x);
        let start = std::time::Instant::now();
        let b = bracket(&law, x);
        let elapsed = start.elapsed();
        let width = check(
            &format!("20,000 equal terms at {f}·mean"),
            b,
            reference,
            reference,
            1e-12 * reference.abs() + 5e-9,
        );
        println!("20,000 equal terms at {f}·mean: ln P = {reference:e}, width {width:.2e} nats, {elapsed:?}");
    }
    // Spread weights (1e-6 .. 1): certified and narrow; checked against Ruben where it converges.
    let weights: Vec<f64> = (0..n)
        .map(|j| 10f64.powf(-6.0 * j as f64 / n as f64))
        .collect();
    let law = Gx2::new(&weights, &vec![1.0; n], &vec![0.0; n], 0.0).unwrap();
    let mean = law.mean();
    for f in [1e-2, 0.5, 0.9, 1.0, 1.1] {
        let x = f * mean;
        let start = std::time::Instant::now();
        let b = bracket(&law, x);
        let elapsed = start.elapsed();
        assert!(b.is_certified(), "spread weights at {f}·mean: {b:?}");
        let width = b.upper - b.lower;
        assert!(
            width <= 1e-12 * b.lower.abs() + 5e-9,
            "spread weights at {f}·mean: {b:?}"
        );
        let sp = law.saddlepoint(x).log_cdf;
        assert!(
            (sp - b.lower).abs() < 1e-3 * sp.abs() + 1e-3,
            "{sp} vs {b:?}"
        );
        println!(
            "20,000 spread terms at {f}·mean: [{:e}, {:e}], width {width:.2e} nats, {elapsed:?}",
            b.lower, b.upper
        );
    }
}

#[test]
fn no_bracket_outside_the_support() {
    let law = Gx2::new(&[1.0], &[1.0], &[0.0], 2.0).unwrap();
    assert!(inversion_bracket(&law, 2.0, -1.0).is_none());
    assert!(inversion_bracket(&law, 1.0, -1.0).is_none());
    assert!(inversion_bracket(&law, f64::NAN, -1.0).is_none());
    assert!(inversion_bracket(&law, 3.0, 0.5).is_none()); // at the pole 1/(2w)
                                                          // Scales whose products would overflow f64: declined, never a wrong bracket.
    let tiny = Gx2::new(&[1e-300], &[2.0], &[0.0], 0.0).unwrap();
    if let Some(b) = inversion_bracket(&tiny, 3e-300, tiny.saddlepoint(3e-300).t) {
        let reference = central_even_log_cdf(1.0, 2, 3.0);
        assert!(
            b.lower <= reference && reference <= b.upper,
            "{b:?} vs {reference}"
        );
    }
}
