//! CSV readers: any bytes give a finite table with one label per row, or an error.
#![no_main]

use std::path::Path;

use ibits_data::{parse_csv, parse_sklearn_csv, CsvHeader, CsvOptions, LabelColumn};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    // The first byte picks the options, the rest is the file.
    let (choice, bytes) = data.split_first().map_or((0, data), |(c, rest)| (*c, rest));
    let header = [CsvHeader::Auto, CsvHeader::Present, CsvHeader::Absent][usize::from(choice % 3)];
    let label = match (choice / 3) % 4 {
        0 => LabelColumn::Last,
        1 => LabelColumn::Index(usize::from(choice / 12)),
        2 => LabelColumn::Name("label".into()),
        _ => LabelColumn::None,
    };
    if let Ok(t) = parse_csv(path, bytes.to_vec(), &CsvOptions { header, label }) {
        assert!(t.x.iter().all(|v| v.is_finite()));
        if let Some(l) = &t.labels {
            assert_eq!(l.len(), t.x.nrows());
        }
    }
    if let Ok(t) = parse_sklearn_csv(path, bytes.to_vec()) {
        assert!(t.labels.iter().all(|&l| l < t.class_names.len()));
    }
});
