//! Laws of the test error.

mod ncx2;
pub use ncx2::Ncx2;

mod sankaran;
pub use sankaran::Sankaran;

mod gx2;
pub use gx2::{
    certified, BracketRoute, Gx2, Gx2LogCdf, Gx2Method, LnCdfBracket, RubenOptions, RubenSeries,
    Saddlepoint, SaddlepointFormula, ZERO_WEIGHT_ABSOLUTE, ZERO_WEIGHT_RELATIVE,
};
