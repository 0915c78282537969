//! The paper-compatible value: what the published code of Boopathy et al. (2024) returns, for
//! comparison only.
//!
//! The paper's `utils.inductive_bias` (FieteLab/Exact-Inductive-Bias, `utils.py`) computes
//!
//! ```text
//! nats = -scipy.stats.ncx2.logcdf(eps, df, nc, loc=0, scale)
//! if nats is +inf:  nats = z²/2,   z = Sankaran's normal deviate at eps      (law::Sankaran)
//! ```
//!
//! in **nats** (not bits). scipy (≥ 1.9) takes `logcdf = log(cdf)`. For λ > 0 the CDF is
//! Boost's (`scipy.special.chndtr`), which returns exactly 0 — so the log is `-inf` — whenever
//! the first term of its series underflows f64 (below 2^-1074, `ln < -744.44`), long before the
//! CDF itself does (for λ ≥ 200 the CDF is typically still above 1e-230 there). For λ = 0 scipy
//! switches to the central law (`chdtr`, Cephes `igam`), which returns 0 when its prefactor
//! `y^a e^(-y) / Γ(a)` has a logarithm below `-ln(f64::MAX) = -709.78` (`a = ν/2`, `y = x/2`,
//! outside `|a - y| ≤ 0.4 a`, where P is never small). The first term is:
//!
//! ```text
//! λ = 0:            y^a e^(-y) / Γ(a)          (compared with -709.78, not -744.44)
//! x > ν + λ:        never (Boost sums the upper tail and returns 1 - Q)
//! 0 < λ < 200:      e^(-λ/2) · (x/2)^(ν/2) e^(-x/2) / Γ(ν/2 + 1)     (Ding 1992, AS 275)
//! λ ≥ 200:          Pois(k; λ/2) · P(ν/2 + k, x/2),  k = round(λ/2)  (Benton & Krishnamoorthy 2003)
//! ```
//! with `x = eps / s`. [`paper_compatible`] evaluates that term in log space to decide which
//! branch the paper's code takes, and otherwise returns the exact `-ln F(eps)` (which is what
//! scipy's finite value approximates). Checked against scipy 1.17.1 on 3,000 random
//! (ν, λ, x) and 2,000 central points next to the switch: the branch agreed everywhere
//! (`tests/refs/fit_paper.py`).
//!
//! What it does **not** reproduce: the paper's parameters came from scipy's own
//! `ncx2.fit(floc=0)` (Nelder–Mead that stops early on the likelihood ridge); here the value is
//! computed at the parameters it is given (ibits passes its own maximum-likelihood fit).

use serde::Serialize;

use crate::error::LawError;
use crate::law::{Ncx2, Sankaran};
use crate::special::{ln_gamma, log_gamma_lr, log_poisson_pmf};

/// ln(2^-1074), the logarithm of the smallest positive (subnormal) f64.
const LN_SMALLEST_SUBNORMAL: f64 = -744.440_071_921_381_3;
/// ln(f64::MAX), Cephes' MAXLOG.
const LN_MAX: f64 = 709.782_712_893_384;

/// The paper-compatible value and how it was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PaperCompatible {
    /// The paper's reported number, in nats (not bits).
    pub nats: f64,
    /// True when scipy's CDF underflows and the paper's code falls back to Sankaran's z²/2.
    pub sankaran_fallback: bool,
}

/// What the paper's code returns at `target` for the law s·χ'²_ν(λ) (see the module
/// documentation).
///
/// # Errors
/// [`LawError`] if a parameter is out of range (ν > 0, λ >= 0, s > 0, all finite).
pub fn paper_compatible(
    target: f64,
    dof: f64,
    noncentrality: f64,
    scale: f64,
) -> Result<PaperCompatible, LawError> {
    let law = Ncx2::scaled(dof, noncentrality, scale)?;
    if scipy_cdf_underflows(target / scale, dof, noncentrality) {
        let nats = Sankaran::scaled(dof, noncentrality, scale)?.paper_fallback_nats(target);
        Ok(PaperCompatible {
            nats,
            sankaran_fallback: true,
        })
    } else {
        Ok(PaperCompatible {
            nats: -law.log_cdf(target),
            sankaran_fallback: false,
        })
    }
}

/// True when Boost's ncx2 CDF (as called by scipy) returns exactly 0 at `x` (unscaled).
pub fn scipy_cdf_underflows(x: f64, dof: f64, noncentrality: f64) -> bool {
    if x <= 0.0 {
        return true;
    }
    if noncentrality == 0.0 {
        let (a, y) = (0.5 * dof, 0.5 * x);
        return (a - y).abs() > 0.4 * a && a * y.ln() - y - ln_gamma(a) < -LN_MAX;
    }
    let ln_first = if x > dof + noncentrality {
        return false;
    } else if noncentrality < 200.0 {
        0.5 * dof * (0.5 * x).ln() - 0.5 * x - ln_gamma(0.5 * dof + 1.0) - 0.5 * noncentrality
    } else {
        let k = (0.5 * noncentrality).round(); // Boost's iround: half away from zero
        log_poisson_pmf(k, 0.5 * noncentrality) + log_gamma_lr(0.5 * dof + k, 0.5 * x)
    };
    ln_first < LN_SMALLEST_SUBNORMAL
}

#[cfg(test)]
mod tests {
    use super::*;

    // (df, nc, x, scipy 1.17.1 `ncx2.logcdf(x, df, nc)` is -inf): tests/refs/fit_paper.py.
    // Points on both sides of the switch in each of Boost's branches.
    #[rustfmt::skip]
    const SCIPY_UNDERFLOW: [(f64, f64, f64, bool); 13] = [
        (200.0, 100.0, 5.0, false),     // docs/design.md §8: scipy gives 466.50 bits
        (1000.0, 500.0, 240.0, true),   // docs/design.md §8: scipy -inf (true value 765.44 bits)
        (1000.0, 500.0, 150.0, true),
        (400.0, 50.0, 2.0, true),
        (400.0, 50.0, 0.1, true),
        (10.0, 5.0, 2.0, false),
        (1000.0, 1000.0, 300.0, true),
        (1000.0, 1000.0, 700.0, false),
        (400.0, 50.0, 30.0, false),
        (400.0, 0.0, 4.0, true),        // central: ln P = -726.6, prefactor -721.3
        (400.0, 0.0, 4.25, false),      // central: ln P = -714.6 is still finite in scipy
        (400.0, 0.0, 20.0, false),
        (50.0, 300.0, 10.0, false),
    ];

    #[test]
    fn fallback_switch_matches_scipy() {
        for (df, nc, x, underflows) in SCIPY_UNDERFLOW {
            assert_eq!(
                scipy_cdf_underflows(x, df, nc),
                underflows,
                "df {df} nc {nc} x {x}"
            );
        }
    }

    // Where scipy is finite the paper's value is -ln F: docs/design.md §8, 466.50 bits at
    // (200, 100, 5); where it is -inf, Sankaran's z²/2 from the paper's own code (numpy):
    // (1000, 500, 240) -> 493.62251876994316 nats.
    #[test]
    fn reproduces_the_papers_numbers() {
        let finite = paper_compatible(5.0, 200.0, 100.0, 1.0).unwrap();
        assert!(!finite.sankaran_fallback);
        approx::assert_relative_eq!(
            finite.nats / std::f64::consts::LN_2,
            466.5031052141476,
            max_relative = 1e-10
        );
        let fallback = paper_compatible(240.0, 1000.0, 500.0, 1.0).unwrap();
        assert!(fallback.sankaran_fallback);
        approx::assert_relative_eq!(fallback.nats, 493.62251876994316, max_relative = 1e-12);
        // Scale enters as eps / s.
        let scaled = paper_compatible(0.24, 1000.0, 500.0, 1e-3).unwrap();
        approx::assert_relative_eq!(scaled.nats, fallback.nats, max_relative = 1e-12);
    }
}
