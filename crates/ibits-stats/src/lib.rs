//! Special functions and probability laws in log space for ibits.
//!
//! Everything the inductive-bias estimate needs from probability theory lives here, ordered as
//! the data flows:
//!
//! - [`special`]: pure functions — ln Γ, the regularized incomplete gamma ln P(a, x) and
//!   ln Q(a, x), the normal log-CDF ln Φ(z) — accurate where the values underflow f64.
//! - [`law`]: laws of the test error — the scaled non-central chi-squared [`Ncx2`], the
//!   generalized chi-squared [`Gx2`] (saddlepoint, Ruben's series, Chernoff, small-ball), and
//!   Sankaran's approximation kept only to reproduce the paper.
//! - [`fit`]: maximum-likelihood fit of a scaled ncx2 to sampled losses, bootstrap and counting.
//!
//! Conventions: a `log_*` value is a natural logarithm (nats); a value in bits ends in `_bits`
//! (bits = -ln P / ln 2). Constructors validate and return `Result`; methods on a valid value
//! return plain `f64`.

pub mod error;
pub mod fit;
pub mod law;
pub mod special;

pub use error::LawError;
pub use law::Ncx2;
pub use law::Sankaran;
pub use law::{
    BracketRoute, Gx2, Gx2LogCdf, Gx2Method, LnCdfBracket, RubenOptions, RubenSeries, Saddlepoint,
    SaddlepointFormula,
};
