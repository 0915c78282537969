//! The generalized chi-squared law with positive weights, `Gx2`.
//!
//! ```text
//! e = offset + Σ_j w_j · χ'²_{m_j}(d_j)          (independent terms)
//! ```
//!
//! where `w_j > 0` is the weight of term `j`, `m_j > 0` its degrees of freedom (multiplicity) and
//! `d_j ≥ 0` its total non-centrality — the convention of Davies' algorithm and of the gx2
//! toolbox. Written with the weighted non-centralities `c_j = w_j d_j`, its cumulant generating
//! function is
//!
//! ```text
//! K(t) = offset·t + Σ_j [ -(m_j/2) ln(1 - 2 w_j t) + c_j t / (1 - 2 w_j t) ],   t < 1/(2 max_j w_j)
//! ```
//!
//! which stays finite when a weight goes to zero with `c_j` fixed (the term becomes the constant
//! `c_j`): this is the form the Gaussian-process path needs (docs/design.md §2a).
//!
//! The lower-tail log-CDF `ln P[e ≤ x]` comes from four methods, one file each:
//! - [`saddlepoint`](Gx2::saddlepoint): Lugannani–Rice with Daniels' second-order correction,
//!   in log space — the main method, accurate at any depth;
//! - [`ruben`](Gx2::ruben_log_cdf): Ruben's mixture of central chi-squared laws, summed in log
//!   space with its truncation bound — exact where it converges;
//! - [`chernoff`](Gx2::chernoff_log_cdf_bound): the Chernoff upper bound `min_{t<0} K(t) - t x`;
//! - [`small_ball`](Gx2::small_ball_log_cdf): the leading term as `x → offset`.
//!
//! [`Gx2::log_cdf`] combines them into one [`Gx2LogCdf`].
//!
//! # Reference
//! - Davies, R. B. (1980), "The distribution of a linear combination of χ² random variables",
//!   J. R. Stat. Soc. C 29(3), 323–333.
//! - Das, A. & Geisler, W. S. (2021), "A method to integrate and classify normal distributions",
//!   J. Vision 21(10):1 (the gx2 toolbox).

pub mod certified;
mod chernoff;
mod ruben;
mod saddlepoint;
mod small_ball;

use serde::Serialize;

use crate::error::LawError;
use crate::special::log1m_exp;

pub use certified::{BracketRoute, LnCdfBracket};
pub use ruben::{RubenOptions, RubenSeries};
pub use saddlepoint::{Saddlepoint, SaddlepointFormula};

/// Above this total degrees of freedom `M`, [`Gx2::log_cdf_with`] does not sum Ruben's series:
/// the saddlepoint's error, O(1/M²) nats (Daniels' second order), is then below 2.5e-13, within
/// the series' own tolerance, and the series' incomplete gamma functions of shape `M/2` cost
/// up to seconds each.
pub(crate) const RUBEN_MAX_DOF: f64 = 2e6;

/// Weights at or below this absolute value count as zero in
/// [`Gx2::from_weighted_noncentralities`].
pub const ZERO_WEIGHT_ABSOLUTE: f64 = 1e-300;

/// Weights at or below this fraction of the largest weight count as zero in
/// [`Gx2::from_weighted_noncentralities`] (they are at the round-off level of an
/// eigendecomposition).
pub const ZERO_WEIGHT_RELATIVE: f64 = 1e-15;

/// Generalized chi-squared law with positive weights, `offset + Σ_j w_j χ'²_{m_j}(d_j)`.
///
/// # Formula
/// ```text
/// e = offset + Σ_j w_j · χ'²_{m_j}(d_j)
/// K(t) = offset·t + Σ_j [ -(m_j/2) ln(1 - 2 w_j t) + c_j t / (1 - 2 w_j t) ],   c_j = w_j d_j
/// ```
/// where `w_j > 0` = weight, `m_j > 0` = degrees of freedom (multiplicity), `d_j ≥ 0` = total
/// non-centrality of term `j`, `offset` = a constant.
///
/// # Reference
/// Davies (1980), J. R. Stat. Soc. C 29(3), 323–333; Das & Geisler (2021), J. Vision 21(10):1.
#[derive(Debug, Clone, PartialEq)]
pub struct Gx2 {
    weights: Vec<f64>,
    multiplicities: Vec<f64>,
    noncentralities: Vec<f64>,
    weighted_noncentralities: Vec<f64>,
    offset: f64,
    min_weight: f64,
    max_weight: f64,
    /// Σ_j m_j.
    total_dof: f64,
    /// Σ_j d_j.
    total_noncentrality: f64,
}

impl Gx2 {
    /// A generalized chi-squared law from weights `w_j`, multiplicities `m_j` and total
    /// non-centralities `d_j` of its terms, plus a constant offset.
    ///
    /// # Formula
    /// ```text
    /// e = offset + Σ_j w_j · χ'²_{m_j}(d_j)
    /// ```
    ///
    /// # Errors
    /// - [`LawError::Gx2Empty`] if there are no terms;
    /// - [`LawError::Gx2LengthMismatch`] if the three slices differ in length;
    /// - [`LawError::Gx2Weight`] if a weight is NaN, infinite or ≤ 0;
    /// - [`LawError::Gx2Multiplicity`] if a multiplicity is NaN, infinite or ≤ 0;
    /// - [`LawError::Gx2Noncentrality`] if a non-centrality is NaN, infinite or < 0;
    /// - [`LawError::Gx2Offset`] if the offset is NaN or infinite.
    ///
    /// # Examples
    /// ```
    /// use ibits_stats::Gx2;
    /// let law = Gx2::new(&[1.0, 0.5], &[1.0, 2.0], &[0.0, 3.0], 0.0).unwrap();
    /// // mean = Σ w_j (m_j + d_j) = 1·1 + 0.5·5
    /// assert!((law.mean() - 3.5).abs() < 1e-15);
    /// ```
    pub fn new(
        weights: &[f64],
        multiplicities: &[f64],
        noncentralities: &[f64],
        offset: f64,
    ) -> Result<Self, LawError> {
        check_lengths(weights, multiplicities, noncentralities, "noncentralities")?;
        check_offset(offset)?;
        for (index, &value) in weights.iter().enumerate() {
            if !(value.is_finite() && value > 0.0) {
                return Err(LawError::Gx2Weight { index, value });
            }
        }
        check_multiplicities(multiplicities)?;
        for (index, &value) in noncentralities.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0) {
                return Err(LawError::Gx2Noncentrality { index, value });
            }
        }
        let weighted: Vec<f64> = weights
            .iter()
            .zip(noncentralities)
            .map(|(w, d)| w * d)
            .collect();
        Ok(Self::assemble(
            weights.to_vec(),
            multiplicities.to_vec(),
            noncentralities.to_vec(),
            weighted,
            offset,
        ))
    }

    /// A generalized chi-squared law from weights `w_j ≥ 0`, multiplicities `m_j` and
    /// *weighted* non-centralities `c_j = w_j d_j ≥ 0` — the Gaussian-process parametrization
    /// (docs/design.md §2a: `w_j = l_j/(N k)`, `m_j = k`, `c_j = Σ_c B_jc²/(N k)`), where a zero weight
    /// is a deterministic direction.
    ///
    /// # Formula
    /// ```text
    /// term j is random      if w_j > max(ZERO_WEIGHT_ABSOLUTE, ZERO_WEIGHT_RELATIVE · max_i w_i):
    ///                          w_j χ'²_{m_j}(c_j / w_j)
    /// term j is a constant  otherwise:  c_j, added to the offset
    /// ```
    /// with `ZERO_WEIGHT_ABSOLUTE = 1e-300` and `ZERO_WEIGHT_RELATIVE = 1e-15`. The rule is
    /// the limit of the term's cumulant generating function, `-(m/2) ln(1 - 2wt) + ct/(1 - 2wt)
    /// → c t` as `w → 0`: a weight at the round-off level of the largest one carries no
    /// information, and dividing by it would only turn noise into a huge non-centrality.
    ///
    /// # Errors
    /// - [`LawError::Gx2Empty`] if there are no terms, or no weight above the zero threshold;
    /// - [`LawError::Gx2LengthMismatch`] if the three slices differ in length;
    /// - [`LawError::Gx2Weight`] if a weight is NaN, infinite or < 0;
    /// - [`LawError::Gx2Multiplicity`] if a multiplicity is NaN, infinite or ≤ 0;
    /// - [`LawError::Gx2Noncentrality`] if a weighted non-centrality is NaN, infinite or < 0;
    /// - [`LawError::Gx2Offset`] if the offset (given, or after adding the constant terms) is
    ///   not finite.
    ///
    /// # Examples
    /// ```
    /// use ibits_stats::Gx2;
    /// // The second direction has zero variance: it adds its c = 0.25 to the offset.
    /// let law = Gx2::from_weighted_noncentralities(&[0.5, 0.0], &[2.0, 2.0], &[1.0, 0.25], 0.0)
    ///     .unwrap();
    /// assert_eq!(law.num_terms(), 1);
    /// assert!((law.offset() - 0.25).abs() < 1e-15);
    /// ```
    pub fn from_weighted_noncentralities(
        weights: &[f64],
        multiplicities: &[f64],
        weighted_noncentralities: &[f64],
        offset: f64,
    ) -> Result<Self, LawError> {
        check_lengths(
            weights,
            multiplicities,
            weighted_noncentralities,
            "weighted_noncentralities",
        )?;
        check_offset(offset)?;
        for (index, &value) in weights.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0) {
                return Err(LawError::Gx2Weight { index, value });
            }
        }
        check_multiplicities(multiplicities)?;
        for (index, &value) in weighted_noncentralities.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0) {
                return Err(LawError::Gx2Noncentrality { index, value });
            }
        }
        let largest = weights.iter().copied().fold(0.0_f64, f64::max);
        let threshold = ZERO_WEIGHT_ABSOLUTE.max(ZERO_WEIGHT_RELATIVE * largest);
        let mut kept_weights = Vec::with_capacity(weights.len());
        let mut kept_multiplicities = Vec::with_capacity(weights.len());
        let mut kept_noncentralities = Vec::with_capacity(weights.len());
        let mut kept_weighted = Vec::with_capacity(weights.len());
        let mut total_offset = offset;
        for ((&w, &m), &c) in weights
            .iter()
            .zip(multiplicities)
            .zip(weighted_noncentralities)
        {
            if w > threshold {
                kept_weights.push(w);
                kept_multiplicities.push(m);
                kept_noncentralities.push(c / w);
                kept_weighted.push(c);
            } else {
                total_offset += c;
            }
        }
        if kept_weights.is_empty() {
            return Err(LawError::Gx2Empty {
                terms: weights.len(),
            });
        }
        check_offset(total_offset)?;
        Ok(Self::assemble(
            kept_weights,
            kept_multiplicities,
            kept_noncentralities,
            kept_weighted,
            total_offset,
        ))
    }

    fn assemble(
        weights: Vec<f64>,
        multiplicities: Vec<f64>,
        noncentralities: Vec<f64>,
        weighted_noncentralities: Vec<f64>,
        offset: f64,
    ) -> Self {
        let min_weight = weights.iter().copied().fold(f64::INFINITY, f64::min);
        let max_weight = weights.iter().copied().fold(0.0_f64, f64::max);
        let total_dof = multiplicities.iter().sum();
        let total_noncentrality = noncentralities.iter().sum();
        Self {
            weights,
            multiplicities,
            noncentralities,
            weighted_noncentralities,
            offset,
            min_weight,
            max_weight,
            total_dof,
            total_noncentrality,
        }
    }

    /// The weights `w_j` of the random terms.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The multiplicities (degrees of freedom) `m_j` of the random terms.
    pub fn multiplicities(&self) -> &[f64] {
        &self.multiplicities
    }

    /// The total non-centralities `d_j` of the random terms.
    pub fn noncentralities(&self) -> &[f64] {
        &self.noncentralities
    }

    /// The weighted non-centralities `c_j = w_j d_j` of the random terms.
    pub fn weighted_noncentralities(&self) -> &[f64] {
        &self.weighted_noncentralities
    }

    /// The constant offset (including the constant terms dropped by
    /// [`Gx2::from_weighted_noncentralities`]).
    pub fn offset(&self) -> f64 {
        self.offset
    }

    /// Number of random terms.
    pub fn num_terms(&self) -> usize {
        self.weights.len()
    }

    /// Total degrees of freedom `M = Σ_j m_j`.
    pub fn total_dof(&self) -> f64 {
        self.total_dof
    }

    /// Total non-centrality `D = Σ_j d_j`.
    pub fn total_noncentrality(&self) -> f64 {
        self.total_noncentrality
    }

    /// Smallest weight `min_j w_j`.
    pub fn min_weight(&self) -> f64 {
        self.min_weight
    }

    /// Largest weight `max_j w_j`; `K(t)` is finite for `t < 1/(2 max_j w_j)`.
    pub fn max_weight(&self) -> f64 {
        self.max_weight
    }

    /// The cumulant generating function `K(t) = ln E[e^(t e)]`.
    ///
    /// # Formula
    /// ```text
    /// K(t) = offset·t + Σ_j [ -(m_j/2) ln(1 - 2 w_j t) + c_j t / (1 - 2 w_j t) ]
    /// ```
    /// with `c_j = w_j d_j`.
    ///
    /// # Remarks
    /// `+∞` for `t ≥ 1/(2 max_j w_j)` (the moment generating function diverges there); NaN for
    /// NaN `t`.
    pub fn cumulant_gf(&self, t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        if 2.0 * self.max_weight * t >= 1.0 {
            return f64::INFINITY;
        }
        let mut sum = self.offset * t;
        for ((&w, &m), &c) in self.terms() {
            let a = -2.0 * w * t;
            // ln q = ln(1 + a): ln_1p keeps |t| far below 1/w accurate.
            sum += -0.5 * m * a.ln_1p() + c * t / (1.0 + a);
        }
        sum
    }

    /// The `order`-th derivative of the cumulant generating function, `K^(r)(t)`, for r ≥ 1.
    ///
    /// # Formula
    /// ```text
    /// K'(t)     = offset + Σ_j [ m_j w_j / q_j + c_j / q_j² ]
    /// K^(r)(t)  = 2^(r-1) (r-1)! Σ_j w_j^(r-1) [ m_j w_j / q_j^r + r c_j / q_j^(r+1) ]   (r ≥ 2)
    /// ```
    /// with `q_j = 1 - 2 w_j t`, `c_j = w_j d_j`.
    ///
    /// # Remarks
    /// `order = 0` gives [`Gx2::cumulant_gf`]; `+∞` for `t ≥ 1/(2 max_j w_j)`; NaN for NaN `t`.
    pub fn cumulant_gf_derivative(&self, t: f64, order: u32) -> f64 {
        if order == 0 {
            return self.cumulant_gf(t);
        }
        if t.is_nan() {
            return f64::NAN;
        }
        if 2.0 * self.max_weight * t >= 1.0 {
            return f64::INFINITY;
        }
        let r = f64::from(order);
        let mut sum = 0.0;
        for ((&w, &m), &c) in self.terms() {
            let q = 1.0 - 2.0 * w * t;
            sum += w.powi(order as i32 - 1) * (m * w + r * c / q) / q.powi(order as i32);
        }
        let factor = 2.0_f64.powi(order as i32 - 1) * factorial(order - 1);
        if order == 1 {
            self.offset + sum
        } else {
            factor * sum
        }
    }

    /// The `order`-th cumulant `κ_r = K^(r)(0)`, r ≥ 1.
    ///
    /// # Formula
    /// ```text
    /// κ_1 = offset + Σ_j w_j (m_j + d_j)
    /// κ_r = 2^(r-1) (r-1)! Σ_j w_j^r (m_j + r d_j)      (r ≥ 2)
    /// ```
    ///
    /// # Reference
    /// Johnson, Kotz & Balakrishnan (1995), *Continuous Univariate Distributions* vol. 2,
    /// eq. 29.8 (cumulants of the non-central chi-squared), summed over independent terms.
    ///
    /// # Remarks
    /// `order = 0` gives 0 (`K(0) = 0`).
    pub fn cumulant(&self, order: u32) -> f64 {
        self.cumulant_gf_derivative(0.0, order)
    }

    /// The mean `κ_1 = offset + Σ_j w_j (m_j + d_j)`.
    pub fn mean(&self) -> f64 {
        self.cumulant(1)
    }

    /// The variance `κ_2 = 2 Σ_j w_j² (m_j + 2 d_j)`.
    pub fn variance(&self) -> f64 {
        self.cumulant(2)
    }

    /// The lower-tail log-CDF `ln P[e ≤ x]` with the default [`RubenOptions`], and everything
    /// it was computed from: see [`Gx2::log_cdf_with`].
    ///
    /// # Examples
    /// ```
    /// use ibits_stats::{Gx2, Gx2Method};
    /// // 2·χ²_2 has F(x) = 1 - exp(-x/4) exactly.
    /// let law = Gx2::new(&[2.0], &[2.0], &[0.0], 0.0).unwrap();
    /// let result = law.log_cdf(1.0);
    /// assert_eq!(result.method, Gx2Method::Ruben);
    /// assert!((result.ln_cdf - (-(-0.25_f64).exp_m1()).ln()).abs() < 1e-12);
    /// ```
    pub fn log_cdf(&self, x: f64) -> Gx2LogCdf {
        self.log_cdf_with(x, &RubenOptions::default())
    }

    /// The lower-tail log-CDF `ln P[e ≤ x]` by the most accurate available method, with the
    /// Chernoff bound and the values of each method.
    ///
    /// # Formula
    /// ```text
    /// ln_cdf = clamp( ruben   if Ruben's series converged within options.max_terms,
    ///                 saddlepoint otherwise,
    ///                 from ln(1 - e^(min_{t>0} [K(t) - t x]))
    ///                 to   chernoff = min_{t<0} [K(t) - t x] )
    /// ```
    /// (both bounds are Chernoff's: `P[e > x] ≤ e^(K(t) - t x)` for `t > 0` and
    /// `P[e ≤ x] ≤ e^(K(t) - t x)` for `t < 0`).
    ///
    /// # Remarks
    /// `x ≤ offset` gives `-∞` and `x = +∞` gives 0 (method [`Gx2Method::Exact`]); NaN gives
    /// NaN. `options.max_terms = 0` skips Ruben's series, and so do a total degrees of
    /// freedom above `RUBEN_MAX_DOF` = 2e6 and an `x` so far above the mean that the upper
    /// Chernoff bound alone makes `ln F = -0`.
    ///
    /// Cost: the saddlepoint and the bounds take at most 200 evaluations of
    /// `O(terms)` (microseconds); Ruben's series, when summed, `O(n·terms + n²)` for its `n`
    /// terms, up to `options.max_terms` (about 50–80 ms for the default 10^4).
    pub fn log_cdf_with(&self, x: f64, options: &RubenOptions) -> Gx2LogCdf {
        if x.is_nan() || x <= self.offset || x == f64::INFINITY {
            let value = if x.is_nan() {
                f64::NAN
            } else if x == f64::INFINITY {
                0.0
            } else {
                f64::NEG_INFINITY
            };
            return Gx2LogCdf {
                x,
                ln_cdf: value,
                method: Gx2Method::Exact,
                chernoff_ln_bound: value,
                saddlepoint_ln_cdf: value,
                saddlepoint_t: if x == f64::INFINITY {
                    1.0 / (2.0 * self.max_weight)
                } else {
                    f64::NEG_INFINITY
                },
                ruben_ln_cdf: Some(value),
                ruben_ln_truncation_bound: Some(f64::NEG_INFINITY),
                ruben_terms: 0,
                ln_cdf_bracket: [value, value],
                certified: !x.is_nan(),
                bracket_route: BracketRoute::Ruben,
            };
        }
        let saddle = self.saddlepoint(x);
        let chernoff = saddle.chernoff_ln_bound;
        // Beyond RUBEN_MAX_DOF degrees of freedom the saddlepoint's O(1/M²) error is below
        // Ruben's tolerance, while the incomplete gamma functions of the series become slow.
        // Far above the mean the bounds alone give ln F = -0 (1 - F below e^-745): the
        // series could only spend its budget confirming it.
        let determined = log1m_exp(saddle.chernoff_ln_sf_bound) == 0.0;
        let ruben = if options.max_terms > 0 && self.total_dof <= RUBEN_MAX_DOF && !determined {
            Some(self.ruben_with_chernoff(x, options, Some(chernoff)))
        } else {
            None
        };
        let converged = ruben.filter(|series| series.converged);
        let (value, method) = match converged {
            Some(series) => (series.log_cdf, Gx2Method::Ruben),
            None => (saddle.log_cdf, Gx2Method::Saddlepoint),
        };
        // Both Chernoff bounds hold for every method: ln F ≤ chernoff and
        // ln F ≥ ln(1 - e^chernoff_sf) (far above the mean this makes ln F = -(1 - F) exact
        // where Ruben's series carries only its absolute accuracy).
        let floor = log1m_exp(saddle.chernoff_ln_sf_bound);
        let (bracket, bracket_route) = certified::bracket(
            self,
            x,
            &saddle,
            converged.map(|series| (series.log_cdf, series.log_truncation_bound)),
        );
        // The point value lies in the certified bracket (the bracket holds for the true value):
        // a saddlepoint value outside a certified bracket is replaced by the bracket's midpoint,
        // whose error is at most half the bracket's width; Ruben's value (a lower bound within
        // its 1e-12 tolerance) is moved to the nearest end.
        let value = value.min(chernoff).max(floor);
        let (value, method) = if (bracket.lower..=bracket.upper).contains(&value) {
            (value, method)
        } else if bracket.is_certified() && method != Gx2Method::Ruben {
            (0.5 * (bracket.lower + bracket.upper), Gx2Method::Certified)
        } else {
            (value.min(bracket.upper).max(bracket.lower), method)
        };
        Gx2LogCdf {
            x,
            ln_cdf: value,
            method,
            chernoff_ln_bound: chernoff,
            saddlepoint_ln_cdf: saddle.log_cdf,
            saddlepoint_t: saddle.t,
            ruben_ln_cdf: converged.map(|series| series.log_cdf),
            ruben_ln_truncation_bound: converged.map(|series| series.log_truncation_bound),
            ruben_terms: ruben.map_or(0, |series| series.terms),
            ln_cdf_bracket: [bracket.lower, bracket.upper],
            certified: bracket.is_certified(),
            bracket_route,
        }
    }

    /// Iterator over `((w_j, m_j), c_j)`.
    fn terms(&self) -> impl Iterator<Item = ((&f64, &f64), &f64)> {
        self.weights
            .iter()
            .zip(&self.multiplicities)
            .zip(&self.weighted_noncentralities)
    }
}

/// Which method gave [`Gx2LogCdf::ln_cdf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Gx2Method {
    /// Ruben's series converged within its term budget (certified to its relative tolerance).
    Ruben,
    /// The saddlepoint approximation (Lugannani–Rice, second order).
    Saddlepoint,
    /// An exact boundary value: `x ≤ offset` (−∞) or `x = +∞` (0).
    Exact,
    /// The midpoint of the certified bracket, where the saddlepoint value fell outside it
    /// (its error is at most half the bracket's width).
    Certified,
}

impl Gx2Method {
    /// The lowercase name used in JSON output: `ruben`, `saddlepoint` or `exact`.
    pub fn name(self) -> &'static str {
        match self {
            Gx2Method::Ruben => "ruben",
            Gx2Method::Saddlepoint => "saddlepoint",
            Gx2Method::Exact => "exact",
            Gx2Method::Certified => "certified",
        }
    }
}

/// The lower-tail log-CDF of a [`Gx2`] at one point, with the value of every method.
///
/// All `ln_*` values are natural logarithms (nats) of probabilities; the `*_bits` methods give
/// `-log2` of them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Gx2LogCdf {
    /// The point `x` of `ln P[e ≤ x]`.
    pub x: f64,
    /// `ln P[e ≤ x]`, nats: Ruben's value when it converged, else the saddlepoint value; never
    /// above the Chernoff bound.
    pub ln_cdf: f64,
    /// Which method gave `ln_cdf`.
    pub method: Gx2Method,
    /// The Chernoff bound `min_{t<0} [K(t) - t x] ≥ ln P[e ≤ x]`, nats (0 for x ≥ mean).
    pub chernoff_ln_bound: f64,
    /// The saddlepoint value (Lugannani–Rice, second order), nats.
    pub saddlepoint_ln_cdf: f64,
    /// The saddlepoint `t̂` solving `K'(t̂) = x`.
    pub saddlepoint_t: f64,
    /// Ruben's value (a lower bound, within the relative tolerance), nats, when the series
    /// converged.
    pub ruben_ln_cdf: Option<f64>,
    /// Natural log of the bound on the omitted terms of Ruben's series, when it converged:
    /// `e^ruben_ln_cdf ≤ P[e ≤ x] ≤ e^ruben_ln_cdf + e^ruben_ln_truncation_bound`.
    pub ruben_ln_truncation_bound: Option<f64>,
    /// Number of series terms Ruben's method summed: up to its budget when it did not
    /// converge (fewer when it gave up early, see [`Gx2::ruben_log_cdf`]), 0
    /// when it was skipped (proved unable to converge within the budget) or not asked for.
    pub ruben_terms: usize,
    /// A certified enclosure `[lower, upper]` of `ln P[e ≤ x]`, nats, containing `ln_cdf`
    /// ([`certified::bracket`]); `lower = −∞` when no route certifies a lower bound.
    pub ln_cdf_bracket: [f64; 2],
    /// Whether the lower end of `ln_cdf_bracket` is certified (finite).
    pub certified: bool,
    /// The route that certified the lower end.
    pub bracket_route: BracketRoute,
}

impl Gx2LogCdf {
    /// `-log2 P[e ≤ x]`, bits.
    pub fn bits(&self) -> f64 {
        -self.ln_cdf / std::f64::consts::LN_2
    }

    /// The Chernoff bound in bits, a lower bound on [`Gx2LogCdf::bits`].
    pub fn chernoff_bits(&self) -> f64 {
        -self.chernoff_ln_bound / std::f64::consts::LN_2
    }

    /// Ruben's value in bits, when the series converged.
    pub fn ruben_bits(&self) -> Option<f64> {
        self.ruben_ln_cdf.map(|l| -l / std::f64::consts::LN_2)
    }

    /// The saddlepoint value in bits.
    pub fn saddlepoint_bits(&self) -> f64 {
        -self.saddlepoint_ln_cdf / std::f64::consts::LN_2
    }

    /// The certified bracket in bits, `[lower, upper]` (`upper = +∞` when not certified).
    pub fn bits_bracket(&self) -> [f64; 2] {
        let bits = |ln: f64| -ln / std::f64::consts::LN_2;
        [bits(self.ln_cdf_bracket[1]), bits(self.ln_cdf_bracket[0])]
    }
}

fn check_lengths(
    weights: &[f64],
    multiplicities: &[f64],
    noncentralities: &[f64],
    noncentrality_name: &'static str,
) -> Result<(), LawError> {
    if weights.is_empty() {
        return Err(LawError::Gx2Empty { terms: 0 });
    }
    if multiplicities.len() != weights.len() {
        return Err(LawError::Gx2LengthMismatch {
            name: "multiplicities",
            len: multiplicities.len(),
            weights: weights.len(),
        });
    }
    if noncentralities.len() != weights.len() {
        return Err(LawError::Gx2LengthMismatch {
            name: noncentrality_name,
            len: noncentralities.len(),
            weights: weights.len(),
        });
    }
    Ok(())
}

fn check_offset(offset: f64) -> Result<(), LawError> {
    if offset.is_finite() {
        Ok(())
    } else {
        Err(LawError::Gx2Offset(offset))
    }
}

fn check_multiplicities(multiplicities: &[f64]) -> Result<(), LawError> {
    for (index, &value) in multiplicities.iter().enumerate() {
        if !(value.is_finite() && value > 0.0) {
            return Err(LawError::Gx2Multiplicity { index, value });
        }
    }
    Ok(())
}

fn factorial(n: u32) -> f64 {
    (1..=n).map(f64::from).product()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_reject_bad_parameters() {
        assert_eq!(
            Gx2::new(&[], &[], &[], 0.0),
            Err(LawError::Gx2Empty { terms: 0 })
        );
        assert!(matches!(
            Gx2::new(&[1.0, 2.0], &[1.0], &[0.0, 0.0], 0.0),
            Err(LawError::Gx2LengthMismatch {
                name: "multiplicities",
                len: 1,
                weights: 2
            })
        ));
        assert!(matches!(
            Gx2::new(&[1.0], &[1.0], &[0.0, 0.0], 0.0),
            Err(LawError::Gx2LengthMismatch {
                name: "noncentralities",
                len: 2,
                weights: 1
            })
        ));
        assert!(matches!(
            Gx2::new(&[1.0, f64::NAN], &[1.0, 1.0], &[0.0, 0.0], 0.0),
            Err(LawError::Gx2Weight { index: 1, .. })
        ));
        assert!(matches!(
            Gx2::new(&[1.0, 0.0], &[1.0, 1.0], &[0.0, 0.0], 0.0),
            Err(LawError::Gx2Weight { index: 1, .. })
        ));
        assert!(matches!(
            Gx2::new(&[1.0], &[-1.0], &[0.0], 0.0),
            Err(LawError::Gx2Multiplicity { index: 0, .. })
        ));
        assert!(matches!(
            Gx2::new(&[1.0], &[1.0], &[-0.5], 0.0),
            Err(LawError::Gx2Noncentrality { index: 0, .. })
        ));
        assert!(matches!(
            Gx2::new(&[1.0], &[1.0], &[0.5], f64::INFINITY),
            Err(LawError::Gx2Offset(_))
        ));
        assert!(matches!(
            Gx2::from_weighted_noncentralities(&[-1e-20], &[1.0], &[0.5], 0.0),
            Err(LawError::Gx2Weight { index: 0, .. })
        ));
        assert_eq!(
            Gx2::from_weighted_noncentralities(&[0.0, 0.0], &[1.0, 1.0], &[0.5, 0.1], 0.0),
            Err(LawError::Gx2Empty { terms: 2 })
        );
    }

    #[test]
    fn zero_and_negligible_weights_become_offset() {
        // Weights 0 and 1e-16 (below 1e-15 · max) are constants; 2e-15 stays random.
        let law = Gx2::from_weighted_noncentralities(
            &[1.0, 0.0, 1e-16, 2e-15],
            &[1.0, 3.0, 2.0, 1.0],
            &[0.5, 0.25, 0.125, 1e-15],
            1.0,
        )
        .unwrap();
        assert_eq!(law.num_terms(), 2);
        assert_eq!(law.weights(), &[1.0, 2e-15]);
        assert_eq!(law.multiplicities(), &[1.0, 1.0]);
        assert!((law.offset() - 1.375).abs() < 1e-15);
        assert!((law.noncentralities()[0] - 0.5).abs() < 1e-15);
        assert!((law.noncentralities()[1] - 0.5).abs() < 1e-15);
        // Same K(t) as the law written out with its constant: K(t) = 1.375 t + K_random(t).
        let explicit = Gx2::new(&[1.0, 2e-15], &[1.0, 1.0], &[0.5, 0.5], 1.375).unwrap();
        for t in [-10.0, -0.3, 0.2] {
            approx::assert_relative_eq!(
                law.cumulant_gf(t),
                explicit.cumulant_gf(t),
                max_relative = 1e-14
            );
        }
    }

    #[test]
    fn cumulant_gf_is_infinite_beyond_its_pole() {
        let law = Gx2::new(&[0.5, 0.25], &[1.0, 2.0], &[1.0, 0.0], 0.0).unwrap();
        assert_eq!(law.cumulant_gf(1.0), f64::INFINITY);
        assert_eq!(law.cumulant_gf_derivative(1.5, 2), f64::INFINITY);
        assert!(law.cumulant_gf(f64::NAN).is_nan());
        assert_eq!(law.cumulant(0), 0.0);
    }
}
