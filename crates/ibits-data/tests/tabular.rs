//! The vendored tables: class counts published in each folder's README.md, and PCA
//! variances of iris (scikit-learn's documented PCA.explained_variance_ 4.22824171,
//! 0.24267075, 0.0782095, 0.02383509, recomputed at 40 digits with mpmath.eigsy on the exact
//! sample covariance of the raw iris features).

use approx::assert_relative_eq;
use ibits_data::{
    data_dir, datasets, load_task, parse_sklearn_csv, read_file, summarize, Pca, Preprocess,
    Scaling, Subset, TargetKind, TaskKind, TaskSpec,
};

#[rustfmt::skip]
const COUNTS: &[(&str, &[usize])] = &[
    ("iris", &[50, 50, 50]),
    ("wine", &[59, 71, 48]),
    ("breast-cancer", &[212, 357]),
    ("digits", &[178, 182, 177, 183, 181, 182, 181, 179, 174, 180]),
    ("wine-quality-red", &[10, 53, 681, 638, 199, 18]),
    ("pima-diabetes", &[500, 268]),
    ("glass", &[70, 76, 17, 13, 9, 29]),
    ("vehicle", &[218, 212, 217, 199]),
    ("ionosphere", &[126, 225]),
    ("sonar", &[111, 97]),
];

#[test]
fn every_vendored_table_has_its_published_class_counts() {
    for (name, counts) in COUNTS {
        let s = summarize(name).unwrap();
        assert_eq!(&s.train_class_counts, counts, "{name}");
        assert_eq!(s.n_test, 0, "{name}");
    }
    // Every registry entry is covered above or by the MNIST test.
    assert_eq!(datasets().len(), COUNTS.len() + 1);
    assert_eq!(
        summarize("vehicle").unwrap().class_names,
        vec!["bus", "opel", "saab", "van"]
    );
    assert_eq!(
        summarize("glass").unwrap().class_names,
        vec!["1", "2", "3", "5", "6", "7"]
    );
}

#[test]
fn iris_pca_variances_match_scikit_learn() {
    let dir = data_dir().unwrap().join("sklearn-iris");
    let path = dir.join("iris.csv");
    let t = parse_sklearn_csv(&path, read_file(&path).unwrap()).unwrap();
    let pca = Pca::fit(&t.x, 4).unwrap();
    // mpmath, 40 digits, rounded to f64 (17 significant digits).
    #[rustfmt::skip]
    let want = [4.228241706034863, 0.24267074792863343, 0.07820950004291938, 0.023835092973449434];
    for (got, want) in pca.variances.iter().zip(want) {
        assert_relative_eq!(*got, want, max_relative = 1e-12);
    }
    // Components are orthonormal.
    let g = pca.components.t().dot(&pca.components);
    for i in 0..4 {
        for j in 0..4 {
            assert!((g[(i, j)] - f64::from(u8::from(i == j))).abs() < 1e-12);
        }
    }
}

#[test]
fn tables_split_stratify_and_standardise() {
    // First rows of a class-sorted table: a warning, not silence.
    let t = load_task(&TaskSpec::named("iris", 30, 30)).unwrap();
    assert_eq!(t.train_class_counts().unwrap(), vec![30, 0, 0]);
    assert!(
        t.warnings.iter().any(|w| w.contains("no training rows")),
        "{:?}",
        t.warnings
    );

    let spec = TaskSpec {
        subset: Subset::Stratified { seed: 1 },
        ..TaskSpec::named("iris", 30, 60)
    };
    let t = load_task(&spec).unwrap();
    assert_eq!(t.train_class_counts().unwrap(), vec![10, 10, 10]);
    assert_eq!(t.test_class_counts().unwrap(), vec![20, 20, 20]);
    assert!(t.warnings.is_empty());
    // Default scaling of a table: standardised with training statistics.
    let (mean, std) = ibits_data::column_mean_std(&t.x_train);
    for j in 0..4 {
        assert!(mean[j].abs() < 1e-12 && (std[j] - 1.0).abs() < 1e-12);
    }
    // Training and test rows are disjoint and the split is reproducible.
    let again = load_task(&spec).unwrap();
    assert_eq!(again.x_test, t.x_test);

    // Defaults for a single table: a fifth for testing.
    let t = load_task(&TaskSpec {
        subset: Subset::Random { seed: 2 },
        ..TaskSpec::new("wine".parse().unwrap())
    })
    .unwrap();
    assert_eq!((t.n_train(), t.n_test()), (178 - 35, 35));
    assert_eq!(t.kind, TaskKind::Classification { classes: 3 });
}

#[test]
fn wine_quality_is_a_regression_task_on_request() {
    // Mean quality over all 1599 wines, 5.6360225140712945 (numpy on the decompressed CSV).
    let spec = TaskSpec {
        target: TargetKind::Regression,
        ..TaskSpec::named("wine-quality-red", 1599 - 1, 1)
    };
    let t = load_task(&spec).unwrap();
    assert_eq!(t.kind, TaskKind::Regression);
    assert_eq!(t.n_outputs(), 1);
    assert!(t.labels_train.is_none());
    let total = t.y_train.sum() + t.y_test.sum();
    assert_relative_eq!(total / 1599.0, 5.6360225140712945, max_relative = 1e-14);
    let e = load_task(&TaskSpec {
        target: TargetKind::Regression,
        ..TaskSpec::named("iris", 10, 10)
    })
    .unwrap_err();
    assert!(e.to_string().contains("class labels only"), "{e}");
}

#[test]
fn digits_are_images_scaled_by_sixteen() {
    let t = load_task(&TaskSpec::named("digits", 100, 100)).unwrap();
    assert_eq!(t.input_dim(), 64);
    assert!(t.x_train.iter().all(|&v| (0.0..=1.0).contains(&v)));
    assert!(t.description.contains("pixels / 16"), "{}", t.description);
    let spec = TaskSpec {
        preprocess: Preprocess {
            downsample: Some(2),
            scaling: Scaling::None,
            pca: None,
        },
        ..TaskSpec::named("digits", 100, 100)
    };
    let t2 = load_task(&spec).unwrap();
    assert_eq!(t2.input_dim(), 16);
    // Average pooling keeps the mean; unscaled = 16 x scaled.
    assert_relative_eq!(
        t2.x_train.mean().unwrap(),
        16.0 * t.x_train.mean().unwrap(),
        max_relative = 1e-12
    );
    let spec = TaskSpec {
        preprocess: Preprocess {
            pca: Some(10),
            ..Default::default()
        },
        ..TaskSpec::named("digits", 300, 100)
    };
    let t3 = load_task(&spec).unwrap();
    assert_eq!(t3.input_dim(), 10);
    // PCA scores of the training rows are centred.
    assert!(t3
        .x_train
        .mean_axis(ndarray::Axis(0))
        .unwrap()
        .iter()
        .all(|m| m.abs() < 1e-10));
}
