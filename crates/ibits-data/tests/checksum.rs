//! A corrupted vendored file is an error that names the file. This test points
//! IBITS_DATA_DIR at a temporary copy of one dataset folder, so it lives in its own test
//! binary (the variable is process-wide).

use ibits_data::{load_task, TaskSpec, DATA_DIR_ENV};

#[test]
fn corrupt_file_is_a_checksum_error_naming_it_and_missing_dir_names_both_places() {
    let real = ibits_data::data_dir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("sklearn-iris");
    std::fs::create_dir(&folder).unwrap();
    for f in ["iris.csv", "SHA256SUMS"] {
        std::fs::copy(real.join("sklearn-iris").join(f), folder.join(f)).unwrap();
    }
    let mut bytes = std::fs::read(folder.join("iris.csv")).unwrap();
    let last = bytes.len() - 2;
    bytes[last] = if bytes[last] == b'1' { b'2' } else { b'1' }; // change one label
    std::fs::write(folder.join("iris.csv"), bytes).unwrap();

    std::env::set_var(DATA_DIR_ENV, tmp.path());
    let e = load_task(&TaskSpec::named("iris", 10, 10))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("iris.csv") && e.contains("checksum mismatch"),
        "{e}"
    );

    std::env::set_var(DATA_DIR_ENV, tmp.path().join("nowhere"));
    let e = load_task(&TaskSpec::named("iris", 10, 10))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("nowhere")
            && e.contains(ibits_data::COMPILED_DATA_DIR)
            && e.contains("IBITS_DATA_DIR"),
        "{e}"
    );
    std::env::remove_var(DATA_DIR_ENV);
}
