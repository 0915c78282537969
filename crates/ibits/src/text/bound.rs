//! The text of `ibits bound`: the ICML 2023 upper bound on inductive bias complexity
//! (Boopathy et al., arXiv:2305.01034) in bits, its quantities with their sources, and the
//! intermediate quantities of its formula.

use std::fmt::Write as _;

use crate::bound::BoundReport;

/// `x` with 4 significant digits from its log10 (works beyond f64): "1.485e16".
fn sci_from_log10(log10: f64) -> String {
    if !log10.is_finite() {
        return if log10 == f64::NEG_INFINITY {
            "0".to_string()
        } else {
            "not finite".to_string()
        };
    }
    let mut exponent = log10.floor();
    let mut mantissa = 10f64.powf(log10 - exponent);
    if format!("{mantissa:.3}").starts_with("10") {
        mantissa /= 10.0;
        exponent += 1.0;
    }
    format!("{mantissa:.3}e{exponent}")
}

/// A quantity: plain with up to 6 decimals in [1e-3, 1e6) (and 0), scientific otherwise.
fn num(x: f64) -> String {
    if x == 0.0 || (1e-3..1e6).contains(&x.abs()) {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        format!("{x:.6e}")
    }
}

/// The text of `ibits bound`.
///
/// Lines: a title; the bound in bits (4 significant digits, from its log10 so that values
/// beyond f64 print) with its log10, and the published value for an unchanged preset; what it
/// was computed from; one row per quantity (symbol, name, value, source; R and delta in input
/// units); how m and delta were measured on a task; the formula's intermediate quantities
/// (M, K, E, dim Theta, dim Theta_q, W, L_f, bits per dimension); warnings.
pub fn bound(r: &BoundReport) -> String {
    let b = &r.bound;
    let i = &b.inputs;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ICML 2023 upper bound on inductive bias complexity (Boopathy et al., arXiv:2305.01034)"
    );
    if b.bits == 0.0 {
        let _ = write!(out, "  bound        0 bits");
    } else {
        let _ = write!(
            out,
            "  bound        {} bits  (log10 {:.4})",
            sci_from_log10(b.log10_bits),
            b.log10_bits
        );
    }
    match r.published_bits {
        Some(p) => {
            let _ = writeln!(out, "; published {} bits", sci_from_log10(p.log10()));
        }
        None => {
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "computed from {}:", r.computed_from);
    if let Some(t) = &r.task {
        let _ = writeln!(out, "  task         {}", t.description);
    }
    let s = &r.sources;
    let rows: [(&str, &str, f64, &str); 8] = [
        ("n", "training points", i.train_points(), &s.train_points),
        (
            "m",
            "intrinsic dimension",
            i.intrinsic_dim(),
            &s.intrinsic_dim,
        ),
        (
            "R",
            "largest input norm (input units)",
            i.radius(),
            &s.radius,
        ),
        (
            "delta",
            "class separation (input units)",
            i.separation(),
            &s.separation,
        ),
        (
            "eps",
            "target error rate",
            i.target_error(),
            &s.target_error,
        ),
        ("D", "output dimension", i.output_dim(), &s.output_dim),
        (
            "P",
            "discrete states",
            i.discrete_states(),
            &s.discrete_states,
        ),
        ("B", "output bound", i.output_bound(), &s.output_bound),
    ];
    for (symbol, name, value, source) in rows {
        let _ = writeln!(out, "  {symbol:<6} {name:<33} {:<13} {source}", num(value));
    }
    if let Some(t) = &r.task {
        if let Some(d) = &t.dimension {
            let _ = writeln!(
                out,
                "  m: MLE {:.3} from k = {} neighbours of {} query points (rounded)",
                d.estimate, d.neighbours, d.queries
            );
        }
        if let Some(sep) = &t.separation {
            let _ = writeln!(
                out,
                "  delta: rows {} and {}, among {} training inputs{}",
                sep.pair.0,
                sep.pair.1,
                sep.points,
                if sep.exhaustive {
                    " (all)"
                } else {
                    " (a subset)"
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "formula: bits <= (2 D P E - n D) * log2(B sqrt(D P) L_f W / eps)"
    );
    let _ = writeln!(
        out,
        "  M = 2 pi R / delta            {}",
        num(b.max_frequency)
    );
    let _ = writeln!(out, "  K (largest degree)            {}", num(b.max_degree));
    let _ = writeln!(
        out,
        "  E (eigenfunctions)            {}",
        sci_from_log10(b.log10_eigenfunctions)
    );
    let _ = writeln!(
        out,
        "  dim Theta = 2 D P E           {}",
        sci_from_log10(b.log10_hypothesis_dim)
    );
    let _ = writeln!(
        out,
        "  dim Theta_q = dim Theta - nD  {}",
        sci_from_log10(b.log10_interpolating_dim)
    );
    let _ = writeln!(
        out,
        "  W (Wasserstein bound)         {}",
        num(b.wasserstein)
    );
    let _ = writeln!(out, "  L_f = K sqrt(D) / R           {}", num(b.lipschitz));
    let _ = writeln!(
        out,
        "  bits per dimension            {}",
        num(b.bits_per_dimension)
    );
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bound::{BoundDraft, Preset};

    #[test]
    fn scientific_notation_from_log10() {
        assert_eq!(sci_from_log10(1.485e16f64.log10()), "1.485e16");
        assert_eq!(sci_from_log10(588.745407194), "5.564e588");
        assert_eq!(sci_from_log10(2.99999999), "1.000e3");
        assert_eq!(sci_from_log10(f64::NEG_INFINITY), "0");
    }

    #[test]
    fn quantities_are_plain_or_scientific() {
        assert_eq!(num(0.0), "0");
        assert_eq!(num(17.5), "17.5");
        assert_eq!(num(6.0e7), "6.000000e7");
    }

    #[test]
    fn a_preset_prints_its_bits_and_published_value() {
        let text = bound(&BoundDraft::preset(Preset::Mnist).finish().unwrap());
        assert!(text.contains("1.485e16 bits"), "{text}");
        assert!(text.contains("; published 1.485e16 bits"), "{text}");
        assert!(text.contains("computed from preset mnist:"), "{text}");
    }
}
