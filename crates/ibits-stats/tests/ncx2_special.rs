//! ln Γ, ln P, ln Q and ln Φ against mpmath (50 digits) and exact identities.
//!
//! Reference values: tests/reference/ncx2/special.json, written by
//! tests/reference/ncx2/make_reference.py (mpmath 1.3, mp.dps = 50, 20 significant digits).

use ibits_stats::special::{
    ln_gamma, log1m_exp, log_add_exp, log_gamma_lr, log_gamma_ur, log_ndtr, log_ndtr_sf,
};
use serde_json::Value;

const SPECIAL_JSON: &str = include_str!("../../../tests/reference/ncx2/special.json");

fn reference() -> Value {
    serde_json::from_str(SPECIAL_JSON).expect("special.json is valid JSON")
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("finite number"),
        Value::String(s) => match s.as_str() {
            "-inf" => f64::NEG_INFINITY,
            "inf" => f64::INFINITY,
            _ => s.parse().expect("number as string"),
        },
        _ => panic!("not a number: {v}"),
    }
}

/// |got - want| <= rel·|want| + abs.
fn assert_close(what: &str, got: f64, want: f64, rel: f64, abs: f64) {
    let err = (got - want).abs();
    assert!(
        err <= rel * want.abs() + abs,
        "{what}: got {got:e}, want {want:e}, relative error {:e}",
        err / want.abs()
    );
}

#[test]
fn ln_gamma_matches_mpmath() {
    for row in reference()["ln_gamma"].as_array().unwrap() {
        let (x, want) = (number(&row[0]), number(&row[1]));
        // Relative 2e-15, plus 1e-16 absolute next to the zeros at x = 1 and 2.
        assert_close(&format!("ln Γ({x})"), ln_gamma(x), want, 2e-15, 1e-16);
    }
}

#[test]
fn log_incomplete_gamma_matches_mpmath() {
    let rows = reference()["gamma_inc"].as_array().unwrap().clone();
    assert!(rows.len() >= 100);
    for row in rows {
        let (a, x) = (number(&row[0]), number(&row[1]));
        let (want_p, want_q) = (number(&row[2]), number(&row[3]));
        // Tolerance. The smaller tail s (the one below ½) is computed directly: its logarithm
        // must be within 1e-14 relative, plus the conditioning of the problem in f64: a relative
        // change ε of x or of x/a moves ln s by up to |x - a|·ε (allow 4ε|x - a|).
        // The larger tail is ln(1 - s) ≈ -s for tiny s, so its relative error is the absolute
        // error of ln s plus the ε·|ln s| that e^(ln s) adds.
        let conditioning = 4.0 * f64::EPSILON * (x - a).abs();
        let p_is_small = want_p < -std::f64::consts::LN_2;
        let ln_small = if p_is_small { want_p } else { want_q };
        let abs_small = 1e-14 * ln_small.abs() + conditioning;
        let rel_large = 1e-14 + abs_small + 2.0 * f64::EPSILON * ln_small.abs();
        let (rel_p, rel_q) = if p_is_small {
            (abs_small / want_p.abs(), rel_large)
        } else {
            (rel_large, abs_small / want_q.abs())
        };
        let got_p = log_gamma_lr(a, x);
        let got_q = log_gamma_ur(a, x);
        assert_close(&format!("ln P({a:e}, {x:e})"), got_p, want_p, rel_p, 0.0);
        assert_close(&format!("ln Q({a:e}, {x:e})"), got_q, want_q, rel_q, 0.0);
    }
}

#[test]
fn log_ndtr_matches_mpmath() {
    for row in reference()["ln_ndtr"].as_array().unwrap() {
        let (z, want) = (number(&row[0]), number(&row[1]));
        // For z > 0, ln Φ(z) = ln(1 - Φ(-z)) ≈ -Φ(-z), and Φ(-z) = e^(ln Φ(-z)) carries ε·|ln Φ(-z)|
        // relative error from the exponential (≈ z²/2 · ε).
        let rel = 1e-14
            + if z > 0.0 {
                2.0 * f64::EPSILON * 0.5 * z * z
            } else {
                0.0
            };
        assert_close(&format!("ln Φ({z})"), log_ndtr(z), want, rel, 0.0);
        assert_close(&format!("ln Φ̄({})", -z), log_ndtr_sf(-z), want, rel, 0.0);
    }
}

#[test]
fn lower_and_upper_incomplete_gamma_sum_to_one() {
    for a in [0.5, 0.9, 1.0, 3.5, 17.0, 250.0, 4e3, 6e4] {
        for r in [0.05, 0.5, 0.8, 0.97, 1.0, 1.03, 1.3, 2.0, 5.0] {
            let x = a * r;
            let total = log_add_exp(log_gamma_lr(a, x), log_gamma_ur(a, x));
            assert!(
                total.abs() <= 1e-14,
                "P + Q - 1 at ({a}, {x}): ln = {total:e}"
            );
        }
    }
}

#[test]
fn chi_squared_two_dof_is_closed_form() {
    // χ²₂: P(1, x/2) = 1 - e^(-x/2), Q(1, x/2) = e^(-x/2).
    for x in [1e-300, 1e-12, 1e-3, 0.7, 1.386, 2.0, 10.0, 80.0, 1500.0] {
        let y = x / 2.0;
        let want_p = log1m_exp(-y);
        // ln Q = ln(1 - P) ≈ -P for tiny y carries ε·|ln P| relative error (see above).
        let rel_q = 2e-15 + 2.0 * f64::EPSILON * want_p.abs();
        assert_close(
            &format!("ln P(1, {y})"),
            log_gamma_lr(1.0, y),
            want_p,
            2e-15,
            0.0,
        );
        assert_close(
            &format!("ln Q(1, {y})"),
            log_gamma_ur(1.0, y),
            -y,
            rel_q,
            0.0,
        );
    }
}

#[test]
fn normal_tail_follows_the_asymptotic_series() {
    // ln Φ(z) = -z²/2 - ln(-z) - ½ ln(2π) + ln(1 - 1/z² + 3/z⁴ - 15/z⁶ + …)   (A&S 26.2.12)
    for z in [-1e3f64, -3e3, -1e4, -1e5, -1e7] {
        let z2 = z * z;
        let series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2);
        let want = -0.5 * z2 - (-z).ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() + series.ln();
        assert_close(&format!("ln Φ({z})"), log_ndtr(z), want, 1e-15, 0.0);
    }
}

#[test]
fn underflowing_lower_tail_stays_finite() {
    // ln P(a, x) ≈ a ln x - x - ln Γ(a+1) + ln(1 + x/(a+1) + …) for x ≪ a: exact to 1e-15 here.
    let (a, x) = (5e4f64, 1e-5f64);
    let want = a * x.ln() - x - ln_gamma(a + 1.0) + (x / (a + 1.0)).ln_1p();
    let got = log_gamma_lr(a, x);
    assert!(got.is_finite() && got < -1e6);
    assert_close("ln P(5e4, 1e-5)", got, want, 1e-15, 0.0);
}
