//! A dataset as read from disk, before subsetting and preprocessing.

use ndarray::Array2;

/// Input features of every row: bytes for images (kept compact until rows are chosen), or
/// reals.
#[derive(Debug, Clone)]
pub(crate) enum Features {
    /// u8 pixels, `cols` per row, row-major.
    Pixels { data: Vec<u8>, cols: usize },
    /// Real features.
    Real(Array2<f64>),
}

impl Features {
    pub(crate) fn nrows(&self) -> usize {
        match self {
            Self::Pixels { data, cols } => data.len().checked_div(*cols).unwrap_or(0),
            Self::Real(a) => a.nrows(),
        }
    }

    pub(crate) fn ncols(&self) -> usize {
        match self {
            Self::Pixels { cols, .. } => *cols,
            Self::Real(a) => a.ncols(),
        }
    }

    /// The chosen rows as an f64 matrix, in the order given.
    pub(crate) fn select(&self, rows: &[usize]) -> Array2<f64> {
        let d = self.ncols();
        let mut out = Array2::<f64>::zeros((rows.len(), d));
        match self {
            Self::Pixels { data, cols } => {
                for (mut dst, &r) in out.rows_mut().into_iter().zip(rows) {
                    let src = &data[r * cols..(r + 1) * cols];
                    for (o, &p) in dst.iter_mut().zip(src) {
                        *o = f64::from(p);
                    }
                }
            }
            Self::Real(a) => {
                for (mut dst, &r) in out.rows_mut().into_iter().zip(rows) {
                    dst.assign(&a.row(r));
                }
            }
        }
        out
    }
}

/// All rows of a dataset (the official training split first, when there is one).
#[derive(Debug, Clone)]
pub(crate) struct RawData {
    /// Name used in tasks and messages.
    pub name: String,
    /// Where the rows came from (files, format, checksum status).
    pub origin: String,
    /// Inputs.
    pub features: Features,
    /// Class of each row, when the data are labelled with classes.
    pub labels: Option<Vec<usize>>,
    /// Name of each class (index = class).
    pub class_names: Vec<String>,
    /// Real targets (rows x outputs), when a regression target exists.
    pub targets: Option<Array2<f64>>,
    /// Rows `0..n` form the official training split and the rest the test split.
    pub train_rows: Option<usize>,
    /// Image height and width when each row is an image.
    pub image: Option<(usize, usize)>,
    /// Largest possible pixel value (255 for u8 images, 16 for the 8x8 digits).
    pub pixel_max: Option<f64>,
    /// True for the project's vendored tables, whose default scaling is standardisation.
    pub standardize_by_default: bool,
}
