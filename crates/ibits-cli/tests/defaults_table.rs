//! The defaults table of docs/cli.md ("## Defaults") against the library's definitions: every
//! row's default is the value the owning crate uses, and every definition listed has a row.

use std::collections::BTreeMap;

use ibits::experiment::Settings;
use ibits::fitted::FitOptions;
use ibits::kernels::{Kernel, KernelOptions, KernelSpec, Mlp};
use ibits::{EstimateOptions, MlpSettings, TaskOptions};

/// (key, default) of every row of the table.
fn table() -> BTreeMap<String, String> {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/cli.md")).unwrap();
    let section = doc
        .split("\n## Defaults\n")
        .nth(1)
        .expect("a Defaults section");
    section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let key = cells[1].replace('`', "");
            let default = cells[3].trim_matches('`').to_string();
            (key, default)
        })
        .collect()
}

/// The library's value of every default, as the table writes it.
fn library() -> BTreeMap<String, String> {
    let relu = KernelOptions::named("nngp-relu").spec().unwrap();
    let KernelSpec::Fixed(Kernel::NngpRelu(m)) = relu else {
        panic!("nngp-relu expected, got {relu:?}");
    };
    assert_eq!(
        m,
        Mlp::new(
            KernelOptions::DEFAULT_DEPTH,
            std::f64::consts::SQRT_2,
            KernelOptions::DEFAULT_NETWORK_SIGMA_B
        )
        .unwrap()
    );
    let rbf_median = KernelOptions::default().spec().unwrap()
        == KernelSpec::RbfMedian {
            amplitude: KernelOptions::DEFAULT_AMPLITUDE,
        };
    let fit = FitOptions::default();
    let settings = Settings::default();
    let m = TaskOptions::DEFAULT_INTRINSIC_DIM;
    [
        ("source", TaskOptions::default().source),
        ("intrinsic_dim", m.to_string()),
        (
            "ambient_dim",
            format!("max({}, m)", TaskOptions::DEFAULT_AMBIENT_DIM),
        ),
        ("outputs", TaskOptions::DEFAULT_OUTPUTS.to_string()),
        (
            "teacher_size",
            TaskOptions::DEFAULT_TEACHER_SIZE.to_string(),
        ),
        ("kernel", KernelOptions::default().kernel),
        (
            "bandwidth",
            if rbf_median { "median" } else { "?" }.to_string(),
        ),
        ("amplitude", KernelOptions::DEFAULT_AMPLITUDE.to_string()),
        ("degree", KernelOptions::DEFAULT_DEGREE.to_string()),
        ("depth (kernels)", KernelOptions::DEFAULT_DEPTH.to_string()),
        (
            "sigma_b (network kernels)",
            KernelOptions::DEFAULT_NETWORK_SIGMA_B.to_string(),
        ),
        ("width", MlpSettings::DEFAULT_WIDTH.to_string()),
        ("depth (networks)", MlpSettings::DEFAULT_DEPTH.to_string()),
        ("epochs", MlpSettings::DEFAULT_EPOCHS.to_string()),
        ("batch_size", MlpSettings::DEFAULT_BATCH_SIZE.to_string()),
        ("lr", MlpSettings::DEFAULT_LR.to_string()),
        ("beta1", MlpSettings::DEFAULT_BETA1.to_string()),
        ("beta2", MlpSettings::DEFAULT_BETA2.to_string()),
        (
            "train_threshold",
            MlpSettings::DEFAULT_TRAIN_THRESHOLD.to_string(),
        ),
        (
            "sigma_b (networks)",
            MlpSettings::DEFAULT_SIGMA_B.to_string(),
        ),
        (
            "samples (GP, ibits estimate)",
            EstimateOptions::DEFAULT_GP_SAMPLES.to_string(),
        ),
        (
            "samples (MLP, ibits estimate)",
            EstimateOptions::DEFAULT_MLP_SAMPLES.to_string(),
        ),
        ("bootstrap", fit.bootstrap.to_string()),
        ("confidence", fit.confidence.to_string()),
        (
            "settings.samples (experiment files)",
            settings.samples.to_string(),
        ),
        (
            "settings.test_n (experiment files)",
            settings.test_n.to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[test]
fn the_defaults_table_matches_the_library() {
    let (doc, lib) = (table(), library());
    assert_eq!(
        doc.keys().collect::<Vec<_>>(),
        lib.keys().collect::<Vec<_>>(),
        "rows of docs/cli.md vs definitions"
    );
    for (key, value) in &lib {
        assert_eq!(&doc[key], value, "default of {key}");
    }
    // The MLP settings resolve their defaults through the same constants.
    let plan = MlpSettings::default().sample_config(4, 2, 10, 0).unwrap();
    assert_eq!(plan.architecture().width(), MlpSettings::DEFAULT_WIDTH);
    assert_eq!(plan.architecture().depth(), MlpSettings::DEFAULT_DEPTH);
}
