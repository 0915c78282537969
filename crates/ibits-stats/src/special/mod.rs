//! Pure special functions in log space.
