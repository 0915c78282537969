//! .npy reader: any bytes give an array whose length matches its shape, or an error.
#![no_main]

use std::path::Path;

use ibits_data::{parse_npy, NpyData};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = parse_npy(Path::new("fuzz.npy"), data.to_vec()) {
        let n: usize = a.shape.iter().product();
        let len = match &a.data {
            NpyData::U8(v) => v.len(),
            NpyData::I64(v) => v.len(),
            NpyData::F64(v) => {
                assert!(v.iter().all(|x| x.is_finite()));
                v.len()
            }
        };
        assert_eq!(n, len);
    }
});
