//! The certified bracket of `ln P[S ≤ x]` against independent 50-digit references.
//!
//! `tests/reference/gx2_bracket/cases.json` holds, for 1,100 random generalized chi-squared
//! laws `S = Σ_j w_j χ'²_{m_j}(d_j)` (1 to 20,000 terms, weights over up to 12 decades,
//! multiplicities 0.5–10, non-centralities 0 or 1e-3–1e6, targets `x` from 1e-6 to 2 times
//! the mean), the reference `ln P[S ≤ x]` from a Laplace inversion on a steepest-descent
//! parabola in ball arithmetic (python-flint, 280 bits; `make_reference.py` there). The terms
//! are not stored: this test regenerates every law from its seed with the same splitmix64
//! generator (documented in `make_reference.py` and in the JSON metadata), checks the
//! regeneration against the stored mean, and asserts
//!
//! ```text
//! ln_cdf_bracket[0] ≤ reference ≤ ln_cdf_bracket[1],   ln_cdf ∈ ln_cdf_bracket
//! ```
//!
//! for every case, with a slack of 1e-12 relative (plus the smallest normal f64) for the
//! reference's rounding to f64 only. Run with `--nocapture` for the summary: how many
//! brackets are certified, and their widths in bits by term-count class.

use std::time::Instant;

use ibits_stats::Gx2;
use rayon::prelude::*;
use serde_json::Value;

const CASES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/reference/gx2_bracket/cases.json"
));

/// The generator's constants, as printed by Python's `repr` (`make_reference.py`).
const SEED_BASE: u64 = 0x6962_6974_735F_6778;
/// `2.302585092994046`, Python's `math.log(10)` (the same f64).
const LN10: f64 = std::f64::consts::LN_10;
const LN_N_MAX: f64 = 9.903487552536127;
const LN_N_LARGE_MIN: f64 = 7.600902459542082;
const LN_RATIO_SPAN: f64 = 14.508657738524219;
const N_MAX: usize = 20_000;
/// At least this many cases run by default.
const MIN_CASES: usize = 1000;

/// splitmix64 (Steele, Lea & Flood 2014) with the uniform `(z >> 11) · 2^-53`.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// A regenerated law: its terms, the mean summed in the generator's order, and `x` from the
/// recipe.
struct Generated {
    seed: u64,
    weights: Vec<f64>,
    multiplicities: Vec<f64>,
    noncentralities: Vec<f64>,
    mean: f64,
    x: f64,
}

/// Case `index` of `make_reference.py`'s `generate`, draw for draw.
fn generate(index: u64) -> Generated {
    let seed = SEED_BASE.wrapping_add(index);
    let mut rng = SplitMix64(seed);
    let u_class = rng.uniform();
    let u_n = rng.uniform();
    let u_spread = rng.uniform();
    let u_zero = rng.uniform();
    let u_x = rng.uniform();
    let n = if u_class < 0.25 {
        1.0 + (3.0 * u_n).floor()
    } else if u_class < 0.37 {
        (LN_N_LARGE_MIN + u_n * LN10).exp().floor()
    } else {
        (u_n * LN_N_MAX).exp().floor()
    };
    let n = (n as usize).clamp(1, N_MAX);
    let spread = 12.0 * u_spread;
    let p_zero = u_zero;
    let mut weights = Vec::with_capacity(n);
    let mut multiplicities = Vec::with_capacity(n);
    let mut noncentralities = Vec::with_capacity(n);
    for _ in 0..n {
        let u_w = rng.uniform();
        let u_m1 = rng.uniform();
        let u_m2 = rng.uniform();
        let u_d1 = rng.uniform();
        let u_d2 = rng.uniform();
        weights.push((-(spread * u_w) * LN10).exp());
        let k = (10.0 * u_m2).floor();
        multiplicities.push(if u_m1 < 0.75 { 1.0 + k } else { 0.5 + k });
        noncentralities.push(if u_d1 < p_zero {
            0.0
        } else {
            ((-3.0 + 9.0 * u_d2) * LN10).exp()
        });
    }
    let mut mean = 0.0;
    for ((w, m), d) in weights.iter().zip(&multiplicities).zip(&noncentralities) {
        mean += w * (m + d);
    }
    let ratio = (-6.0 * LN10 + u_x * LN_RATIO_SPAN).exp();
    Generated {
        seed,
        weights,
        multiplicities,
        noncentralities,
        mean,
        x: mean * ratio,
    }
}

/// One stored case.
struct Case {
    id: u64,
    seed: u64,
    n_terms: usize,
    mean: f64,
    x: f64,
    reference: f64,
}

fn field<'a>(case: &'a Value, key: &str) -> &'a Value {
    case.get(key)
        .unwrap_or_else(|| panic!("case without `{key}`: {case}"))
}

fn parse_f64(case: &Value, key: &str) -> f64 {
    let text = field(case, key)
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string"));
    text.parse()
        .unwrap_or_else(|e| panic!("`{key}` = {text:?}: {e}"))
}

fn load() -> Vec<Case> {
    let root: Value = serde_json::from_str(CASES).expect("cases.json parses");
    assert_eq!(
        root["metadata"]["seed_base"].as_u64(),
        Some(SEED_BASE),
        "the seed base of cases.json differs from this test's"
    );
    root["cases"]
        .as_array()
        .expect("`cases` is an array")
        .iter()
        .map(|case| Case {
            id: field(case, "id").as_u64().expect("id"),
            seed: field(case, "seed").as_u64().expect("seed"),
            n_terms: field(case, "n_terms").as_u64().expect("n_terms") as usize,
            mean: parse_f64(case, "mean"),
            x: parse_f64(case, "x"),
            reference: parse_f64(case, "ln_p"),
        })
        .collect()
}

/// Term-count classes of the summary.
const CLASSES: [(&str, usize, usize); 4] = [
    ("1-3", 1, 3),
    ("4-100", 4, 100),
    ("101-2000", 101, 2000),
    (">2000", 2001, usize::MAX),
];

fn class_of(n: usize) -> usize {
    CLASSES
        .iter()
        .position(|&(_, lo, hi)| (lo..=hi).contains(&n))
        .expect("a class")
}

/// The `q`-quantile of sorted finite values (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// What one case gave.
struct Outcome {
    id: u64,
    n_terms: usize,
    certified: bool,
    width_bits: f64,
    /// `|ln_cdf − reference| / |reference|`.
    ln_cdf_rel_error: f64,
    /// The route that certified the lower end.
    route: String,
    failure: Option<String>,
}

fn check(case: &Case) -> Outcome {
    let law = generate(case.id);
    let mut failure = None;
    let law_object = Gx2::new(&law.weights, &law.multiplicities, &law.noncentralities, 0.0)
        .expect("a valid law");
    let result = law_object.log_cdf(case.x);
    let [lower, upper] = result.ln_cdf_bracket;
    let reference = case.reference;
    // Slack for the reference's rounding to f64 only (and for its underflow to 0 when
    // ln P is below the smallest f64 in magnitude).
    let slack = 1e-12 * reference.abs() + f64::MIN_POSITIVE;
    let inside = lower <= reference + slack && reference - slack <= upper;
    if !inside {
        failure = Some(format!(
            "case {} (n = {}, x = {:e}, x/mean = {:e}): reference {reference:e} outside \
             bracket [{lower:e}, {upper:e}] (route {:?}, ln_cdf {:e})",
            case.id,
            case.n_terms,
            case.x,
            case.x / case.mean,
            result.bracket_route,
            result.ln_cdf
        ));
    } else if !(lower <= result.ln_cdf && result.ln_cdf <= upper) {
        failure = Some(format!(
            "case {}: ln_cdf {:e} outside its own bracket [{lower:e}, {upper:e}]",
            case.id, result.ln_cdf
        ));
    }
    Outcome {
        id: case.id,
        n_terms: case.n_terms,
        certified: result.certified,
        width_bits: (upper - lower) / std::f64::consts::LN_2,
        ln_cdf_rel_error: (result.ln_cdf - reference).abs()
            / reference.abs().max(f64::MIN_POSITIVE),
        route: format!("{:?}", result.bracket_route),
        failure,
    }
}

/// The generator reproduces the stored laws: same seed and term count for every case, the
/// same x (to the last bits allowed for the C library's exp) and the same mean, both as the
/// generator sums it and as `Gx2::mean` does.
#[test]
fn regenerated_laws_match_the_stored_ones() {
    let cases = load();
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    for case in &cases {
        let law = generate(case.id);
        assert_eq!(law.seed, case.seed, "case {}: seed", case.id);
        assert_eq!(
            law.weights.len(),
            case.n_terms,
            "case {}: term count",
            case.id
        );
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
        assert!(
            close(law.mean, case.mean),
            "case {}: regenerated mean {:e}, stored {:e}: the generator does not match \
             make_reference.py",
            case.id,
            law.mean,
            case.mean
        );
        assert!(
            close(law.x, case.x),
            "case {}: regenerated x {:e}, stored {:e}",
            case.id,
            law.x,
            case.x
        );
    }
    for case in cases.iter().step_by(97) {
        let law = generate(case.id);
        let gx2 = Gx2::new(&law.weights, &law.multiplicities, &law.noncentralities, 0.0)
            .expect("a valid law");
        assert!(
            (gx2.mean() - case.mean).abs() <= 1e-12 * case.mean,
            "case {}: Gx2::mean {:e}, stored {:e}",
            case.id,
            gx2.mean(),
            case.mean
        );
    }
}

#[test]
fn certified_bracket_contains_the_reference() {
    let cases = load();
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    let start = Instant::now();
    let outcomes: Vec<Outcome> = cases.par_iter().map(check).collect();
    let elapsed = start.elapsed();
    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.failure.as_ref()).collect();

    println!(
        "gx2 bracket: {} cases in {:.1} s, {} certified (finite lower end), {} containment failures",
        outcomes.len(),
        elapsed.as_secs_f64(),
        outcomes.iter().filter(|o| o.certified).count(),
        failures.len()
    );
    println!(
        "{:>9} {:>6} {:>10} {:>13} {:>13} {:>13} {:>15}",
        "terms", "cases", "certified", "median bits", "90% bits", "max bits", "max ln_cdf rel"
    );
    for (k, (name, _, _)) in CLASSES.iter().enumerate() {
        let class: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| class_of(o.n_terms) == k)
            .collect();
        let mut widths: Vec<f64> = class
            .iter()
            .filter(|o| o.certified)
            .map(|o| o.width_bits)
            .filter(|w| w.is_finite())
            .collect();
        widths.sort_by(f64::total_cmp);
        let max_rel = class
            .iter()
            .map(|o| o.ln_cdf_rel_error)
            .fold(0.0_f64, f64::max);
        println!(
            "{:>9} {:>6} {:>10} {:>13.3e} {:>13.3e} {:>13.3e} {:>15.3e}",
            name,
            class.len(),
            widths.len(),
            quantile(&widths, 0.5),
            quantile(&widths, 0.9),
            widths.last().copied().unwrap_or(f64::NAN),
            max_rel
        );
    }
    let mut routes = std::collections::BTreeMap::<&str, usize>::new();
    for o in &outcomes {
        *routes.entry(o.route.as_str()).or_default() += 1;
    }
    println!("lower end certified by: {routes:?}");
    let widest = outcomes
        .iter()
        .filter(|o| o.certified && o.width_bits.is_finite())
        .max_by(|a, b| a.width_bits.total_cmp(&b.width_bits));
    if let Some(o) = widest {
        println!(
            "widest certified bracket: case {} ({} terms), {:.3e} bits",
            o.id, o.n_terms, o.width_bits
        );
    }
    for f in failures.iter().take(20) {
        println!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases outside the certified bracket; first: {}",
        failures.len(),
        outcomes.len(),
        failures[0]
    );
}

/// The hard cases of docs/validation.md ("Certified brackets"): for the first cases of each
/// kind — weights over 10+ decades, one term, one dominant term of small multiplicity, targets below
/// 1e-4 of the mean — the saddlepoint value, the bracket and the reference, in bits. Asserts
/// what the table shows: the reference inside the bracket, and how far the saddlepoint value
/// is from it. `--nocapture` prints the Markdown table.
#[test]
fn hard_cases_table() {
    let cases = load();
    let bits = |ln: f64| -ln / std::f64::consts::LN_2;
    type Kind = (&'static str, fn(&Generated, &Case) -> bool);
    let kinds: [Kind; 4] = [
        ("weights over >= 10 decades", |g, _| {
            let (lo, hi) = g
                .weights
                .iter()
                .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &w| {
                    (lo.min(w), hi.max(w))
                });
            g.weights.len() >= 3 && hi / lo >= 1e10
        }),
        ("one term", |g, _| g.weights.len() == 1),
        (
            "one dominant term (100x the next weight), multiplicity <= 1.5",
            |g, _| {
                let top = g.weights.iter().cloned().fold(0.0_f64, f64::max);
                let i = g.weights.iter().position(|&w| w == top).unwrap();
                g.weights.len() > 1
                    && g.multiplicities[i] <= 1.5
                    && g.weights.iter().filter(|&&w| w > 1e-2 * top).count() == 1
            },
        ),
        ("target below 1e-4 x mean", |_, c| c.x < 1e-4 * c.mean),
    ];
    println!("| kind | case | terms | x / mean | saddlepoint (bits) | bracket (bits) | reference (bits) | route |");
    println!("|---|---|---|---|---|---|---|---|");
    for (name, select) in kinds {
        let mut shown = 0;
        for case in &cases {
            let g = generate(case.id);
            if shown == 3 || !select(&g, case) {
                continue;
            }
            let law = Gx2::new(&g.weights, &g.multiplicities, &g.noncentralities, 0.0).unwrap();
            let r = law.log_cdf(case.x);
            let [lo, hi] = r.bits_bracket();
            let reference = bits(case.reference);
            let slack = 1e-12 * reference.abs() + 1e-300;
            assert!(
                lo - slack <= reference && reference <= hi + slack,
                "case {}",
                case.id
            );
            println!(
                "| {name} | {} | {} | {:.3e} | {:.10} | [{:.10}, {:.10}] | {:.10} | {:?} |",
                case.id,
                g.weights.len(),
                case.x / case.mean,
                r.saddlepoint_bits(),
                lo,
                hi,
                reference,
                r.bracket_route
            );
            shown += 1;
        }
        assert!(shown > 0, "no case of kind {name}");
    }
}
