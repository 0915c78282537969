//! IDX reader: any bytes (raw or gzip) give a consistent array or an error, never a panic.
#![no_main]

use std::path::Path;

use ibits_data::{parse_idx, parse_idx_images, parse_idx_labels, IdxData};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.idx");
    if let Ok(a) = parse_idx(path, data.to_vec()) {
        let n: usize = a.shape.iter().product();
        let len = match &a.data {
            IdxData::U8(v) => v.len(),
            IdxData::F64(v) => {
                assert!(v.iter().all(|x| x.is_finite()));
                v.len()
            }
        };
        assert_eq!(n, len);
    }
    if let Ok(labels) = parse_idx_labels(path, data.to_vec(), Some(10)) {
        assert!(labels.iter().all(|&l| l < 10));
    }
    if let Ok(images) = parse_idx_images(path, data.to_vec()) {
        assert_eq!(
            images.pixels.len(),
            images.count * images.rows * images.cols
        );
    }
});
