//! User data: an IDX directory, CSV and .npy files written by the tests themselves, and
//! Fashion-MNIST when the project's shared dataset folder is present.

use std::io::Write;
use std::path::Path;

use ibits_data::{load_task, LabelColumn, TaskKind, TaskSource, TaskSpec};
use ndarray_npy::WriteNpyExt;

fn idx(code: u8, dims: &[u32], payload: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, code, dims.len() as u8];
    for d in dims {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b.extend_from_slice(payload);
    b
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// 6 training and 3 test 2x2 images; image i has every pixel = 10 i; labels i mod 3.
fn write_idx_dir(dir: &Path, compress: bool) {
    let images = |n: u8, start: u8| {
        idx(
            0x08,
            &[u32::from(n), 2, 2],
            &(0..n)
                .flat_map(|i| [10 * (start + i); 4])
                .collect::<Vec<_>>(),
        )
    };
    let labels = |n: u8, start: u8| {
        idx(
            0x08,
            &[u32::from(n)],
            &(0..n).map(|i| (start + i) % 3).collect::<Vec<_>>(),
        )
    };
    let files = [
        ("train-images-idx3-ubyte", images(6, 0)),
        ("train-labels-idx1-ubyte", labels(6, 0)),
        ("t10k-images-idx3-ubyte", images(3, 6)),
        ("t10k-labels-idx1-ubyte", labels(3, 6)),
    ];
    for (name, bytes) in files {
        if compress {
            std::fs::write(dir.join(format!("{name}.gz")), gz(&bytes)).unwrap();
        } else {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
}

#[test]
fn idx_directory_loads_raw_or_gzip() {
    for compress in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        write_idx_dir(dir.path(), compress);
        let source: TaskSource = format!("idx:{}", dir.path().display()).parse().unwrap();
        let t = load_task(&TaskSpec {
            n_train: Some(4),
            ..TaskSpec::new(source)
        })
        .unwrap();
        assert_eq!((t.n_train(), t.n_test(), t.input_dim()), (4, 3, 4));
        assert_eq!(t.kind, TaskKind::Classification { classes: 3 });
        assert_eq!(t.labels_train.as_deref(), Some(&[0, 1, 2, 0][..]));
        assert_eq!(t.labels_test.as_deref(), Some(&[0, 1, 2][..]));
        assert_eq!(t.x_train[(3, 0)], 30.0 / 255.0);
        assert_eq!(t.x_test[(2, 3)], 80.0 / 255.0);
    }
}

#[test]
fn idx_directory_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write_idx_dir(dir.path(), false);
    // 5 labels for 6 images.
    std::fs::write(
        dir.path().join("train-labels-idx1-ubyte"),
        idx(0x08, &[5], &[0, 1, 2, 0, 1]),
    )
    .unwrap();
    let spec = TaskSpec::new(TaskSource::Idx(dir.path().to_path_buf()));
    let e = load_task(&spec).unwrap_err().to_string();
    assert!(
        e.contains("train-labels-idx1-ubyte") && e.contains("5 labels but"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("t10k-images-idx3-ubyte")).unwrap();
    let e = load_task(&spec).unwrap_err().to_string();
    assert!(e.contains("t10k-images-idx3-ubyte"), "{e}");
    // A SHA256SUMS in the folder is honoured.
    let dir = tempfile::tempdir().unwrap();
    write_idx_dir(dir.path(), false);
    std::fs::write(
        dir.path().join("SHA256SUMS"),
        format!("{}  train-images-idx3-ubyte\n", "0".repeat(64)),
    )
    .unwrap();
    let e = load_task(&TaskSpec::new(TaskSource::Idx(dir.path().to_path_buf())))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("train-images-idx3-ubyte") && e.contains("checksum mismatch"),
        "{e}"
    );
}

#[test]
fn csv_files_load_with_label_by_name_or_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pets.csv");
    std::fs::write(
        &path,
        "weight,kind,height\n1.0,cat,2\n2.0,dog,3\n3.0,cat,4\n4.0,dog,5\n5.0,cat,6\n",
    )
    .unwrap();
    let source: TaskSource = format!("csv:{}:kind", path.display()).parse().unwrap();
    let t = load_task(&TaskSpec {
        n_train: Some(3),
        ..TaskSpec::new(source)
    })
    .unwrap();
    assert_eq!(t.class_names, vec!["cat", "dog"]);
    assert_eq!(t.labels_train.as_deref(), Some(&[0, 1, 0][..]));
    assert_eq!(t.n_test(), 2);
    // User data are not rescaled by default.
    assert_eq!(t.x_train.row(0).to_vec(), vec![1.0, 2.0]);
    // Real-valued target column by index: regression is chosen automatically.
    let source = TaskSource::Csv {
        path: path.clone(),
        label: LabelColumn::Index(0),
        header: Default::default(),
    };
    std::fs::write(&path, "a,b\n0.5,1\n1.5,2\n2.5,3\n").unwrap();
    let t = load_task(&TaskSpec {
        n_train: Some(2),
        ..TaskSpec::new(source)
    })
    .unwrap();
    assert_eq!(t.kind, TaskKind::Regression);
    assert_eq!(t.y_train.column(0).to_vec(), vec![0.5, 1.5]);
    // Missing file: error names it.
    let e = load_task(&TaskSpec::new(
        format!("csv:{}", dir.path().join("none.csv").display())
            .parse()
            .unwrap(),
    ))
    .unwrap_err();
    assert!(e.to_string().contains("none.csv"), "{e}");
}

#[test]
fn npy_files_load_with_and_without_a_test_split() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let x = ndarray::Array2::from_shape_fn((5, 3), |(i, j)| (i * 3 + j) as f64);
    x.write_npy(std::fs::File::create(p("x.npy")).unwrap())
        .unwrap();
    ndarray::Array1::from(vec![0i64, 1, 2, 1, 0])
        .write_npy(std::fs::File::create(p("y.npy")).unwrap())
        .unwrap();
    ndarray::Array2::from_shape_fn((2, 3), |(i, j)| -((i + j) as f32))
        .write_npy(std::fs::File::create(p("xt.npy")).unwrap())
        .unwrap();
    ndarray::Array1::from(vec![2u8, 0])
        .write_npy(std::fs::File::create(p("yt.npy")).unwrap())
        .unwrap();
    let s = |parts: &[&str]| -> TaskSource {
        format!(
            "npy:{}",
            parts
                .iter()
                .map(|n| p(n).display().to_string())
                .collect::<Vec<_>>()
                .join(",")
        )
        .parse()
        .unwrap()
    };
    let t = load_task(&TaskSpec::new(s(&["x.npy", "y.npy", "xt.npy", "yt.npy"]))).unwrap();
    assert_eq!((t.n_train(), t.n_test(), t.n_outputs()), (5, 2, 3));
    assert_eq!(t.x_test.row(1).to_vec(), vec![-1.0, -2.0, -3.0]);
    assert_eq!(t.labels_test.as_deref(), Some(&[2, 0][..]));
    let t = load_task(&TaskSpec {
        n_train: Some(3),
        ..TaskSpec::new(s(&["x.npy", "y.npy"]))
    })
    .unwrap();
    assert_eq!((t.n_train(), t.n_test()), (3, 2));
    // A negative label is out of range, named with its file.
    ndarray::Array1::from(vec![0i64, 1, -4, 1, 0])
        .write_npy(std::fs::File::create(p("bad.npy")).unwrap())
        .unwrap();
    let e = load_task(&TaskSpec::new(s(&["x.npy", "bad.npy"])))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("bad.npy") && e.contains("label -4 at item 2"),
        "{e}"
    );
    // Row counts must agree.
    ndarray::Array1::from(vec![0i64, 1])
        .write_npy(std::fs::File::create(p("short.npy")).unwrap())
        .unwrap();
    let e = load_task(&TaskSpec::new(s(&["x.npy", "short.npy"])))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("short.npy") && e.contains("2 labels/targets"),
        "{e}"
    );
}

/// Fashion-MNIST from data/fashion-mnist/ (git-ignored, not vendored: docs/results.md says where
/// to get it). Skips with a message when that folder is absent, as on a fresh machine; the
/// IDX-directory path itself is tested above on files this test suite writes.
#[test]
fn fashion_mnist_loads_from_its_directory_when_present() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/fashion-mnist");
    if !dir.is_dir() {
        eprintln!(
            "skipping: {} not present (Fashion-MNIST is not vendored)",
            dir.display()
        );
        return;
    }
    let t = load_task(&TaskSpec {
        n_test: Some(10),
        ..TaskSpec::new(TaskSource::Idx(dir))
    })
    .unwrap();
    // Sanity values from shared/datasets/fashion-mnist/README.md.
    assert_eq!(
        &t.labels_train.as_ref().unwrap()[..10],
        &[9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    );
    assert_eq!(
        &t.labels_test.as_ref().unwrap()[..10],
        &[9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    );
    assert_eq!(t.train_class_counts().unwrap(), vec![6000; 10]);
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    for &v in &t.x_train {
        let s = sum + v;
        comp += if sum.abs() >= v.abs() {
            (sum - s) + v
        } else {
            (v - s) + sum
        };
        sum = s;
    }
    let mean = (sum + comp) / t.x_train.len() as f64;
    assert!((mean - 0.2860405969887955).abs() < 1e-12, "{mean}");
    assert!(
        t.description.contains("SHA-256 verified"),
        "{}",
        t.description
    );
}
