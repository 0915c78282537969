//! The Berry–Esseen bracket (`certified::berry_esseen_bracket`) against exact values: the
//! closed-form CDF of `w χ²_m` (m even), the scaled non-central chi-squared of `Ncx2` (single
//! terms, and many equal weights merged into one term), and Ruben's converged series with its
//! truncation bound; from near and above the mean down to ln P ≈ -1e6, with 1 to 20,000 terms.
//! Also its width on Gaussian-process-like laws and its cost.

use std::f64::consts::LN_2;
use std::time::Instant;

use ibits_stats::law::certified::berry_esseen_bracket;
use ibits_stats::special::{ln_gamma, log1m_exp, log_add_exp};
use ibits_stats::{Gx2, LnCdfBracket, Ncx2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Relative accuracy granted to the references (Ncx2 is validated to 1e-13, the closed form
/// below is a sum of positive terms).
const REFERENCE_REL: f64 = 1e-12;

fn bits(ln_p: f64) -> f64 {
    -ln_p / LN_2
}

/// `ln P[w χ²_m ≤ x]` for even `m`: `P = e^(-y) Σ_{k ≥ m/2} y^k/k!` with `y = x/(2w)` below
/// the mean, `1 - e^(-y) Σ_{k < m/2} y^k/k!` above, in log space.
fn central_even_ln_cdf(w: f64, m: u32, x: f64) -> f64 {
    assert!(m.is_multiple_of(2));
    let y = x / (2.0 * w);
    let half = m / 2;
    let term = |k: u32| f64::from(k) * y.ln() - ln_gamma(f64::from(k) + 1.0);
    if y < f64::from(half) {
        let mut sum = f64::NEG_INFINITY;
        let mut k = half;
        loop {
            let t = term(k);
            sum = log_add_exp(sum, t);
            if t < sum - 40.0 && f64::from(k) > y {
                break;
            }
            k += 1;
        }
        -y + sum
    } else {
        let mut sum = f64::NEG_INFINITY;
        for k in 0..half {
            sum = log_add_exp(sum, term(k));
        }
        log1m_exp(-y + sum)
    }
}

/// The bracket at the law's own saddlepoint, checked against everything that must hold
/// whatever the reference: `lower ≤ upper ≤ Chernoff` (and ≤ 0).
fn bracket_at(law: &Gx2, x: f64, what: &str) -> LnCdfBracket {
    let saddle = law.saddlepoint(x);
    let b = berry_esseen_bracket(law, x, saddle.t).unwrap_or(LnCdfBracket::NONE);
    assert!(
        !b.lower.is_nan() && !b.upper.is_nan(),
        "{what}: NaN bracket {b:?}"
    );
    assert!(b.lower <= b.upper, "{what}: lower > upper: {b:?}");
    assert!(b.upper <= 0.0, "{what}: upper > 0: {b:?}");
    // The Chernoff value is itself rounded (and the bracket carries its own rounding
    // allowance): equal within the callers' relative SAFETY of 1e-12.
    let chernoff = saddle.chernoff_ln_bound;
    assert!(
        b.upper <= chernoff + 1e-12 * (chernoff.abs() + 1.0),
        "{what}: upper {} above the Chernoff bound {chernoff}",
        b.upper
    );
    b
}

/// The bracket contains `reference` (granted its relative accuracy).
fn assert_contains(b: &LnCdfBracket, reference: f64, what: &str) {
    let slack = REFERENCE_REL * reference.abs() + 1e-15;
    assert!(
        b.lower <= reference + slack && reference <= b.upper + slack,
        "{what}: {reference} not in [{}, {}]",
        b.lower,
        b.upper
    );
}

/// Width of a certified bracket in bits, relative to the bits of the reference value.
fn relative_width(b: &LnCdfBracket, reference: f64) -> f64 {
    (b.upper - b.lower) / reference.abs()
}

#[test]
fn contains_the_closed_form_of_central_chi_squares() {
    let fracs = [1e-3, 0.01, 0.1, 0.3, 0.7, 0.95, 1.0, 1.05, 1.5, 3.0];
    for &(w, m) in &[(0.7, 2), (1.3, 10), (0.01, 100), (3.0, 2000), (0.5, 20_000)] {
        let law = Gx2::new(&[w], &[f64::from(m)], &[0.0], 0.0).unwrap();
        for &frac in &fracs {
            let x = frac * law.mean();
            let reference = central_even_ln_cdf(w, m, x);
            let what = format!("{w}·χ²_{m} at {frac}·mean (ln P = {reference})");
            let b = bracket_at(&law, x, &what);
            assert_contains(&b, reference, &what);
            // Many degrees of freedom in one term: the term itself is nearly normal.
            if m >= 2000 && frac <= 0.7 {
                assert!(b.is_certified(), "{what}: not certified {b:?}");
            }
        }
    }
}

#[test]
fn contains_single_noncentral_terms_down_to_minus_a_million_nats() {
    let cases = [
        // (weight, dof, noncentrality, fraction of the mean)
        (1.0, 1.0, 0.0, 0.3),
        (2.5, 0.3, 4.0, 0.05),
        (0.1, 3.7, 12.0, 0.5),
        (1.0, 1000.0, 1000.0, 0.2),
        (4.0, 1e4, 2e3, 0.25),
        (1e-3, 5e4, 1e4, 0.02),
        (1.0, 2e5, 0.0, 0.01),
        (7.0, 4e5, 1e5, 5e-3),
        (1.0, 1e6, 0.0, 1e-3),
        (1.0, 1e4, 500.0, 0.99),
        (1.0, 1e4, 500.0, 1.01),
        (1.0, 1e4, 500.0, 1.3),
    ];
    let mut deepest = 0.0_f64;
    for &(w, m, d, frac) in &cases {
        let law = Gx2::new(&[w], &[m], &[d], 0.0).unwrap();
        let x = frac * law.mean();
        let reference = Ncx2::scaled(m, d, w).unwrap().log_cdf(x);
        let what = format!("{w}·χ'²_{m}({d}) at {frac}·mean (ln P = {reference})");
        let b = bracket_at(&law, x, &what);
        assert_contains(&b, reference, &what);
        if m >= 1e4 {
            assert!(b.is_certified(), "{what}: not certified {b:?}");
            deepest = deepest.min(b.lower);
        }
    }
    assert!(deepest < -1e6, "deepest certified lower bound {deepest}");
}

#[test]
fn contains_many_equal_weights_merged_into_one_term() {
    let mut rng = ChaCha8Rng::seed_from_u64(20_100);
    for &(n, w, m) in &[
        (10usize, 0.3, 1.0),
        (1000, 2.0, 1.0),
        (5000, 0.04, 1.0),
        (20_000, 1.0, 1.0),
        (20_000, 0.5, 5.0),
    ] {
        let d: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 2.0).collect();
        let law = Gx2::new(&vec![w; n], &vec![m; n], &d, 0.25).unwrap();
        let merged = Ncx2::scaled(m * n as f64, d.iter().sum(), w).unwrap();
        for &frac in &[0.01, 0.05, 0.2, 0.5, 0.9, 0.999, 1.0, 1.001, 1.1, 2.0] {
            let x = 0.25 + frac * (law.mean() - 0.25);
            let reference = merged.log_cdf(x - 0.25);
            let what = format!("{n} × {w}·χ'²_{m} at {frac}·mean (ln P = {reference:.6e})");
            let b = bracket_at(&law, x, &what);
            assert_contains(&b, reference, &what);
            if n >= 1000 {
                assert!(b.is_certified(), "{what}: not certified {b:?}");
            }
            if n == 20_000 && frac <= 0.2 {
                // Deep (1e4 .. 1e5 nats) and many terms: tight.
                assert!(reference < -1e3, "{what}");
                assert!(relative_width(&b, reference) < 2e-3, "{what}: {b:?}");
            }
        }
    }
}

#[test]
fn one_dominant_term_gives_no_lower_bound_but_a_valid_upper_one() {
    // One χ²_1 term: L ≈ 0.56·√96/2^1.5 ≈ 1.9 > 1/4, so the lower integrand is zero.
    let law = Gx2::new(&[1.0], &[1.0], &[0.0], 0.0).unwrap();
    let x = 0.01;
    let b = berry_esseen_bracket(&law, x, law.saddlepoint(x).t);
    if let Some(b) = b {
        assert_eq!(b.lower, f64::NEG_INFINITY);
        assert!(b.upper >= Ncx2::new(1.0, 0.0).unwrap().log_cdf(x));
    }
    // Inputs that certify nothing.
    assert!(berry_esseen_bracket(&law, -1.0, -1.0).is_none());
    assert!(berry_esseen_bracket(&law, f64::NAN, -1.0).is_none());
    assert!(berry_esseen_bracket(&law, 0.5, 0.5).is_none());
    assert!(berry_esseen_bracket(&law, 0.5, f64::NAN).is_none());
}

/// A law with `n` terms: weights log-uniform on [spread, 1], multiplicities from {1, 1, 2, 3}
/// or non-integer, non-centralities uniform on [0, s] with s from {0, 1, 5}.
fn random_law(rng: &mut ChaCha8Rng, n: usize, spread: f64) -> Gx2 {
    let weights: Vec<f64> = (0..n).map(|_| spread.powf(rng.random::<f64>())).collect();
    let multiplicities: Vec<f64> = (0..n)
        .map(|_| [1.0, 1.0, 2.0, 3.0, 0.5 + rng.random::<f64>()][rng.random_range(0..5)])
        .collect();
    let noncentralities: Vec<f64> = (0..n)
        .map(|_| rng.random::<f64>() * [0.0, 1.0, 5.0][rng.random_range(0..3)])
        .collect();
    Gx2::new(&weights, &multiplicities, &noncentralities, 0.0).unwrap()
}

#[test]
fn random_laws_respect_their_references() {
    let mut rng = ChaCha8Rng::seed_from_u64(2010);
    let fracs = [1e-3, 0.02, 0.1, 0.3, 0.6, 0.9, 0.99, 1.0, 1.02, 1.2, 2.0];
    let mut checked = 0;
    for case in 0..300 {
        let frac = fracs[rng.random_range(0..fracs.len())];
        match case % 3 {
            // Single terms and equal weights: Ncx2 is exact.
            0 | 1 => {
                let n = if case % 3 == 0 {
                    1
                } else {
                    [2, 10, 300, 3000][rng.random_range(0..4)]
                };
                let w = 10f64.powf(rng.random_range(-3.0..3.0));
                let m = [1.0, 2.0, 0.3 + 3.0 * rng.random::<f64>(), 50.0][rng.random_range(0..4)];
                let d: Vec<f64> = (0..n)
                    .map(|_| rng.random::<f64>() * [0.0, 1.0, 20.0][rng.random_range(0..3)])
                    .collect();
                let law = Gx2::new(&vec![w; n], &vec![m; n], &d, 0.0).unwrap();
                let x = frac * law.mean();
                let reference = Ncx2::scaled(m * n as f64, d.iter().sum(), w)
                    .unwrap()
                    .log_cdf(x);
                let what = format!("case {case}: {n} × {w}·χ'²_{m} at {frac}·mean");
                let b = bracket_at(&law, x, &what);
                assert_contains(&b, reference, &what);
                checked += 1;
            }
            // General laws: Ruben's converged series brackets the truth.
            _ => {
                let n = [2, 5, 20, 100][rng.random_range(0..4)];
                let spread = [0.5, 0.1][rng.random_range(0..2)];
                let law = random_law(&mut rng, n, spread);
                let x = frac * law.mean();
                let what = format!("case {case}: random {n}-term law at {frac}·mean");
                let b = bracket_at(&law, x, &what);
                let result = law.log_cdf(x);
                if let (Some(value), Some(truncation)) =
                    (result.ruben_ln_cdf, result.ruben_ln_truncation_bound)
                {
                    let slack = REFERENCE_REL * value.abs() + 1e-15;
                    assert!(
                        b.lower <= log_add_exp(value, truncation) + slack,
                        "{what}: lower {} above Ruben's upper {}",
                        b.lower,
                        log_add_exp(value, truncation)
                    );
                    assert!(
                        value <= b.upper + slack,
                        "{what}: upper {} below Ruben {value}",
                        b.upper
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 250, "only {checked} cases had a reference");
}

#[test]
fn any_tilt_gives_a_valid_bracket() {
    // The bound holds for every t where K is finite, not only at the saddlepoint.
    let law = Gx2::new(&vec![1.0; 3000], &vec![1.0; 3000], &vec![0.0; 3000], 0.0).unwrap();
    let x = 0.4 * law.mean();
    let reference = Ncx2::new(3000.0, 0.0).unwrap().log_cdf(x);
    let t_hat = law.saddlepoint(x).t;
    for factor in [0.5, 0.9, 0.99, 1.0, 1.01, 1.1, 2.0] {
        let b = berry_esseen_bracket(&law, x, factor * t_hat).unwrap_or(LnCdfBracket::NONE);
        assert!(b.lower <= b.upper, "t = {factor}·t̂: {b:?}");
        assert_contains(&b, reference, &format!("t = {factor}·t̂"));
    }
    for t in [-1e-6, 0.0, 1e-6, 0.3] {
        let b = berry_esseen_bracket(&law, x, t).unwrap_or(LnCdfBracket::NONE);
        assert_contains(&b, reference, &format!("t = {t}"));
    }
}

/// A Gaussian-process-like law: `n` weights log-uniform within a factor 10, one output
/// (m = 1), small non-centralities.
fn gp_like_law(n: usize, seed: u64) -> Gx2 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let weights: Vec<f64> = (0..n).map(|_| 0.1f64.powf(rng.random::<f64>())).collect();
    let noncentralities: Vec<f64> = (0..n).map(|_| 0.2 * rng.random::<f64>()).collect();
    Gx2::new(&weights, &vec![1.0; n], &noncentralities, 0.0).unwrap()
}

#[test]
fn width_on_gp_like_laws() {
    // Measured widths relative to the bits (seeded laws, so reproducible): 5000 terms at
    // 0.05, 0.2, 0.5 × mean (6720, 2486, 551 bits): 0.181%, 0.415%, 1.317%; 20,000 terms
    // (26883, 9938, 2190 bits): 0.045%, 0.103%, 0.329%. Limits: those plus about 10%.
    let cases = [
        (
            5000usize,
            1u64,
            [(0.05, 0.0020), (0.2, 0.0046), (0.5, 0.0145)],
        ),
        (20_000, 2, [(0.05, 0.0005), (0.2, 0.00115), (0.5, 0.0036)]),
    ];
    for &(n, seed, limits) in &cases {
        let law = gp_like_law(n, seed);
        for &(frac, limit) in &limits {
            let x = frac * law.mean();
            let what = format!("GP-like {n} terms at {frac}·mean");
            let b = bracket_at(&law, x, &what);
            assert!(b.is_certified(), "{what}: not certified {b:?}");
            let saddle = law.saddlepoint(x).log_cdf;
            // The saddlepoint (error O(1/M²)) sits inside.
            assert!(
                b.lower <= saddle && saddle <= b.upper,
                "{what}: {saddle} vs {b:?}"
            );
            let width_bits = bits(b.lower) - bits(b.upper);
            let relative = width_bits / bits(saddle);
            println!(
                "{what}: {:.1} bits, bracket width {width_bits:.3} bits ({:.3}%), \
                 lower loses {:.3} bits",
                bits(saddle),
                100.0 * relative,
                bits(b.lower) - bits(saddle)
            );
            assert!(relative < limit, "{what}: relative width {relative}");
        }
    }
}

#[test]
fn cost_is_a_few_passes_over_the_terms() {
    let law = gp_like_law(20_000, 3);
    let x = 0.3 * law.mean();
    let t = law.saddlepoint(x).t;
    let calls = 20;
    let start = Instant::now();
    let mut sink = 0.0;
    for _ in 0..calls {
        sink += berry_esseen_bracket(&law, x, t).unwrap().lower;
    }
    let per_call = start.elapsed() / calls;
    println!("20,000 terms: {per_call:?} per call ({sink})");
    // Generous for unoptimised test builds; release builds take well under a millisecond.
    assert!(per_call.as_millis() < 100, "{per_call:?}");
}
