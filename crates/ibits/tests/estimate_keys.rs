//! One estimate type for every space (issue 12): a GP estimate and a trained-network estimate
//! serialise their shared quantities under the same keys, and those keys are the sweep
//! records' names for the same quantities.

use ibits::prelude::*;

fn keys(value: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = value
        .as_object()
        .expect("an object")
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

#[test]
fn gp_and_mlp_estimates_share_their_keys() {
    let mut options = TaskOptions::new("synthetic").with_sizes(40, 30);
    options.intrinsic_dim = Some(2);
    options.ambient_dim = Some(4);
    let task = options.load().unwrap();
    let targets = [Target::relative(0.5).unwrap()];
    let run = EstimateOptions {
        samples: Some(20),
        fit: FitOptions {
            bootstrap: 10,
            ..FitOptions::default()
        },
        sample_size_advice: false,
        ..EstimateOptions::default()
    };
    let gp = Space::gp(KernelOptions::named("nngp-relu"))
        .unwrap()
        .estimate(&task, &targets, &run)
        .unwrap();
    let mlp = Space::mlp(MlpSettings {
        width: Some(16),
        depth: Some(1),
        epochs: Some(30),
        train_threshold: Some(1.0),
        ..MlpSettings::default()
    })
    .unwrap()
    .estimate(&task, &targets, &run)
    .unwrap();
    let (g, m) = (
        serde_json::to_value(&gp).unwrap(),
        serde_json::to_value(&mlp).unwrap(),
    );
    assert_eq!(keys(&g), keys(&m), "top-level keys");
    assert_eq!(
        keys(&g["targets"][0]),
        keys(&m["targets"][0]),
        "per-target keys"
    );
    assert!(g["details"].get("gp").is_some() && m["details"].get("mlp").is_some());
    // The same quantities as the sweep records call them.
    for key in [
        "task",
        "n",
        "test_n",
        "k",
        "space",
        "space_label",
        "space_parameters",
        "seed",
        "mean_error",
        "samples",
        "rejected",
    ] {
        assert!(g.get(key).is_some(), "{key}");
    }
    for key in [
        "eps",
        "eps_rule",
        "exact_bits_jitter_10x",
        "fitted",
        "paper_nats",
    ] {
        assert!(g["targets"][0].get(key).is_some(), "{key}");
    }
    // Values: the GP space has an exact law, the trained networks a fitted one only.
    assert!(gp.targets[0].exact.is_some() && mlp.targets[0].exact.is_none());
    assert!(mlp.targets[0].fitted.is_some() && mlp.samples == Some(20));
    assert_eq!((gp.n, gp.test_n, gp.k), (40, 30, 2));
    assert_eq!((mlp.n, mlp.test_n, mlp.k), (40, 30, 2));
    // No second name for a quantity anywhere in the JSON.
    let text = format!("{g}{m}");
    for old in [
        "mean_test_error",
        "bits_jitter_x10",
        "n_train\"",
        "outputs\"",
    ] {
        assert!(!text.contains(old), "{old} still appears");
    }
}
