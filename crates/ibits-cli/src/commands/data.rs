//! `ibits data`: list, inspect and verify datasets. Also home of [`TaskOptions`], the flags
//! that turn a task string (`mnist`, `idx:DIR`, `csv:FILE[:LABELCOL]`, `npy:...`,
//! `synthetic`) into an `ibits_data::TaskSpec`; other commands flatten it.

use std::fmt::Write as _;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use ibits_data::{
    datasets, load_task, summarize, verify_folder, DataError, DatasetInfo, FileCheck, FileStatus,
    Manifold, Preprocess, Scaling, Subset, SyntheticKind, SyntheticSpec, TargetKind, Task,
    TaskKind, TaskSource, TaskSpec, Teacher,
};
use serde::Serialize;

use crate::output::{print_json, print_text, usage};

/// Arguments of `ibits data`.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

/// `ibits data` subcommands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// List the vendored datasets: rows, features, classes, split, licence.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Describe a dataset or task: shapes, classes and counts, checksum status, licence.
    ///
    /// TASK is a vendored dataset name (see `ibits data list`), idx:DIR, csv:FILE[:LABELCOL],
    /// npy:X.npy,Y.npy[,XTEST.npy,YTEST.npy] or synthetic. Vendored datasets are described
    /// whole unless task options are given; other sources are built into a task.
    Info {
        /// Dataset name or task source.
        #[arg(value_name = "TASK")]
        task: String,
        #[command(flatten)]
        options: Box<TaskOptions>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check every vendored file against its folder's SHA256SUMS and decode each dataset.
    /// Exits with 1 if anything fails.
    Verify {
        /// Only these datasets (default: all).
        #[arg(value_name = "NAME")]
        names: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// How training and test rows are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SubsetArg {
    /// The first rows in file order.
    First,
    /// A seeded uniformly random subset.
    Random,
    /// A seeded subset with the class proportions of the data.
    Stratified,
}

/// Target kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TargetArg {
    /// Classes for labelled data, regression for real-valued targets.
    Auto,
    /// One-hot class targets.
    Classification,
    /// Real-valued targets.
    Regression,
}

/// Manifold of synthetic inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ManifoldArg {
    /// A random linear subspace.
    Linear,
    /// A random curved embedding (random Fourier features).
    Curved,
}

/// Teacher of synthetic targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TeacherArg {
    /// Random one-hidden-layer tanh network.
    Network,
    /// Random sum of cosines (approximate RBF Gaussian-process draw).
    Fourier,
}

/// The manifold and teacher of a synthetic task, as flags (`ibits data info`, `ibits estimate`)
/// or sweep-file keys of the same names.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SyntheticShape {
    /// Synthetic: manifold of the inputs [default: linear].
    #[arg(long, value_enum, help_heading = "Synthetic tasks")]
    pub manifold: Option<ManifoldArg>,
    /// Synthetic: frequency nu of the curved manifold, > 0 [default: 1].
    #[arg(long, value_name = "NU", help_heading = "Synthetic tasks")]
    pub curvature: Option<f64>,
    /// Synthetic: teacher function of the latent coordinates [default: network].
    #[arg(long, value_enum, help_heading = "Synthetic tasks")]
    pub teacher: Option<TeacherArg>,
    /// Synthetic: hidden width H of the network teacher, or number of terms J of the Fourier
    /// teacher, >= 1 [default: 100].
    #[arg(long, value_name = "H", help_heading = "Synthetic tasks")]
    pub teacher_size: Option<usize>,
    /// Synthetic: frequency of the Fourier teacher, > 0 [default: 1].
    #[arg(long, value_name = "NU", help_heading = "Synthetic tasks")]
    pub teacher_frequency: Option<f64>,
}

impl SyntheticShape {
    /// True when any of the flags was given.
    pub fn is_set(&self) -> bool {
        self.manifold.is_some()
            || self.curvature.is_some()
            || self.teacher.is_some()
            || self.teacher_size.is_some()
            || self.teacher_frequency.is_some()
    }

    /// The manifold and teacher (defaults: linear; tanh network of width 100).
    ///
    /// # Errors
    /// A usage error for --curvature without a curved manifold or --teacher-frequency without
    /// the Fourier teacher (ranges are checked by [`SyntheticSpec::validate`]).
    pub fn resolve(&self) -> anyhow::Result<(Manifold, Teacher)> {
        if self.curvature.is_some() && self.manifold != Some(ManifoldArg::Curved) {
            return Err(usage("--curvature needs --manifold curved"));
        }
        if self.teacher_frequency.is_some() && self.teacher != Some(TeacherArg::Fourier) {
            return Err(usage("--teacher-frequency needs --teacher fourier"));
        }
        let size = self.teacher_size.unwrap_or(100);
        let manifold = match self.manifold.unwrap_or(ManifoldArg::Linear) {
            ManifoldArg::Linear => Manifold::Linear,
            ManifoldArg::Curved => Manifold::Curved {
                frequency: self.curvature.unwrap_or(1.0),
            },
        };
        let teacher = match self.teacher.unwrap_or(TeacherArg::Network) {
            TeacherArg::Network => Teacher::Network { width: size },
            TeacherArg::Fourier => Teacher::Fourier {
                terms: size,
                frequency: self.teacher_frequency.unwrap_or(1.0),
            },
        };
        Ok((manifold, teacher))
    }
}

/// Flags that build a task from a task string. Flatten into a command and call
/// [`TaskOptions::spec`].
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TaskOptions {
    /// Training rows n [default: the whole official training split; for a single table, the
    /// rows not used for testing].
    #[arg(long, value_name = "N")]
    pub n_train: Option<usize>,
    /// Test rows N [default: the whole official test split; for a single table, the rest, or
    /// a fifth of it when --n-train is not given].
    #[arg(long, value_name = "N")]
    pub n_test: Option<usize>,
    /// How rows are chosen [default: first].
    #[arg(long, value_enum)]
    pub subset: Option<SubsetArg>,
    /// Seed of the random or stratified subset [default: 0].
    #[arg(long, value_name = "SEED")]
    pub subset_seed: Option<u64>,
    /// Keep only these classes (source class indices, comma-separated), relabelled 0, 1, ...
    /// in the order given; e.g. --classes 0,1.
    #[arg(long, value_delimiter = ',', value_name = "C,C,...")]
    pub classes: Option<Vec<usize>>,
    /// Classes or real targets [default: auto].
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Input scaling: auto (images / pixel max, vendored tables standardised, user data as
    /// read), none, pixel-max, standardize, or divide:S [default: auto].
    #[arg(long, value_name = "SCALING")]
    pub scaling: Option<String>,
    /// Average-pool images by this factor (must divide the height and width).
    #[arg(long, value_name = "F")]
    pub downsample: Option<usize>,
    /// Project inputs onto their top M principal components (fitted on the training rows).
    #[arg(long, value_name = "M")]
    pub pca: Option<usize>,
    /// Synthetic: intrinsic dimension m, >= 1 [default: 2].
    #[arg(long, value_name = "M", help_heading = "Synthetic tasks")]
    pub intrinsic_dim: Option<usize>,
    /// Synthetic: input dimension D, >= m [default: 20].
    #[arg(long, value_name = "D", help_heading = "Synthetic tasks")]
    pub ambient_dim: Option<usize>,
    /// Manifold and teacher of a synthetic task.
    #[command(flatten)]
    pub shape: SyntheticShape,
    /// Synthetic: number of classes (>= 2) or regression outputs (>= 1) k [default: 2].
    #[arg(long, value_name = "K", help_heading = "Synthetic tasks")]
    pub outputs: Option<usize>,
    /// Synthetic: standard deviation of the noise added to the unit-variance teacher outputs,
    /// >= 0 [default: 0].
    #[arg(long, value_name = "SIGMA", help_heading = "Synthetic tasks")]
    pub noise: Option<f64>,
    /// Synthetic: seed of the embedding, teacher and points [default: 0].
    #[arg(long, value_name = "SEED", help_heading = "Synthetic tasks")]
    pub data_seed: Option<u64>,
}

fn parse_scaling(s: &str) -> anyhow::Result<Scaling> {
    let lower = s.trim().to_ascii_lowercase();
    Ok(match lower.as_str() {
        "auto" => Scaling::Auto,
        "none" => Scaling::None,
        "pixel-max" | "pixelmax" => Scaling::PixelMax,
        "standardize" | "standardise" => Scaling::Standardize,
        other => match other.strip_prefix("divide:").map(str::parse::<f64>) {
            Some(Ok(v)) if v.is_finite() && v > 0.0 => Scaling::Divide(v),
            _ => return Err(usage(format!("--scaling {s:?}: expected auto, none, pixel-max, standardize or divide:S with S > 0"))),
        },
    })
}

impl TaskOptions {
    /// True when any synthetic-only flag was given.
    fn has_synthetic_flags(&self) -> bool {
        self.intrinsic_dim.is_some()
            || self.ambient_dim.is_some()
            || self.shape.is_set()
            || self.outputs.is_some()
            || self.noise.is_some()
            || self.data_seed.is_some()
    }

    /// True when any option that shapes a task (rather than describing a dataset) was given.
    pub fn is_set(&self) -> bool {
        self.n_train.is_some()
            || self.n_test.is_some()
            || self.subset.is_some()
            || self.subset_seed.is_some()
            || self.classes.is_some()
            || self.target.is_some()
            || self.scaling.is_some()
            || self.downsample.is_some()
            || self.pca.is_some()
            || self.has_synthetic_flags()
    }

    /// The validated task spec for `task` (a name or source string).
    ///
    /// # Errors
    /// A usage error (exit 2) for an unknown source (listing what is available) or flags that
    /// do not apply.
    pub fn spec(&self, task: &str) -> anyhow::Result<TaskSpec> {
        let mut source: TaskSource = task.parse().map_err(|e: DataError| usage(e.to_string()))?;
        if let TaskSource::Synthetic(syn) = &mut source {
            *syn = self.synthetic()?;
        } else if self.has_synthetic_flags() {
            return Err(usage(format!("synthetic-task flags (--intrinsic-dim, --noise, ...) apply only to the task 'synthetic', not {task:?}")));
        }
        if self.subset_seed.is_some() && matches!(self.subset, None | Some(SubsetArg::First)) {
            return Err(usage(
                "--subset-seed needs --subset random or --subset stratified",
            ));
        }
        let seed = self.subset_seed.unwrap_or(0);
        let subset = match self.subset.unwrap_or(SubsetArg::First) {
            SubsetArg::First => Subset::First,
            SubsetArg::Random => Subset::Random { seed },
            SubsetArg::Stratified => Subset::Stratified { seed },
        };
        let target = match self.target.unwrap_or(TargetArg::Auto) {
            TargetArg::Auto => TargetKind::Auto,
            TargetArg::Classification => TargetKind::Classification,
            TargetArg::Regression => TargetKind::Regression,
        };
        let scaling = self
            .scaling
            .as_deref()
            .map(parse_scaling)
            .transpose()?
            .unwrap_or_default();
        Ok(TaskSpec {
            source,
            n_train: self.n_train,
            n_test: self.n_test,
            subset,
            classes: self.classes.clone(),
            target,
            preprocess: Preprocess {
                scaling,
                downsample: self.downsample,
                pca: self.pca,
            },
        })
    }

    fn synthetic(&self) -> anyhow::Result<SyntheticSpec> {
        let d = SyntheticSpec::default();
        let (manifold, teacher) = self.shape.resolve()?;
        let spec = SyntheticSpec {
            intrinsic_dim: self.intrinsic_dim.unwrap_or(d.intrinsic_dim),
            ambient_dim: self.ambient_dim.unwrap_or(d.ambient_dim),
            manifold,
            teacher,
            outputs: self.outputs.unwrap_or(d.outputs),
            kind: if self.target == Some(TargetArg::Regression) {
                SyntheticKind::Regression
            } else {
                SyntheticKind::Classification
            },
            noise: self.noise.unwrap_or(0.0),
            seed: self.data_seed.unwrap_or(0),
        };
        spec.validate().map_err(|e| usage(e.to_string()))?;
        Ok(spec)
    }
}

/// Map a library error to the exit-code convention: bad names and parameters are usage
/// errors (2); bad files, checksums and I/O are failures (1).
fn data_error(e: DataError) -> anyhow::Error {
    match e {
        DataError::UnknownDataset { .. }
        | DataError::BadSource { .. }
        | DataError::InvalidParameter { .. }
        | DataError::SubsetTooLarge { .. } => usage(e.to_string()),
        other => anyhow::Error::new(other),
    }
}

/// Run `ibits data`.
pub fn run(args: &DataArgs) -> anyhow::Result<()> {
    match &args.command {
        DataCommand::List { json } => list(*json),
        DataCommand::Info {
            task,
            options,
            json,
        } => info(task, options, *json),
        DataCommand::Verify { names, json } => verify(names, *json),
    }
}

#[derive(Serialize)]
struct ListReport {
    data_dir: Option<String>,
    datasets: Vec<DatasetInfo>,
    other_sources: String,
}

fn list(json: bool) -> anyhow::Result<()> {
    let dir = ibits_data::data_dir().ok().map(|d| d.display().to_string());
    let report = ListReport {
        data_dir: dir.clone(),
        datasets: datasets().to_vec(),
        other_sources:
            "idx:DIR, csv:FILE[:LABELCOL], npy:X.npy,Y.npy[,XTEST.npy,YTEST.npy], synthetic"
                .to_string(),
    };
    if json {
        return print_json(&report);
    }
    let mut out = String::new();
    writeln!(
        out,
        "{:<18} {:>7} {:>8} {:>7}  {:<20} licence",
        "name", "rows", "features", "classes", "split"
    )?;
    for d in datasets() {
        let split = d.train_split.map_or_else(
            || "none".to_string(),
            |n| format!("{n} + {}", d.samples - n),
        );
        let classes = if d.regression {
            format!("{}/real", d.classes)
        } else {
            d.classes.to_string()
        };
        writeln!(
            out,
            "{:<18} {:>7} {:>8} {:>7}  {:<20} {}",
            d.name, d.samples, d.features, classes, split, d.licence
        )?;
    }
    writeln!(
        out,
        "\ndata directory: {}",
        dir.unwrap_or_else(|| "not found (set IBITS_DATA_DIR)".to_string())
    )?;
    writeln!(out, "other task sources: {}", report.other_sources)?;
    print_text(&out)
}

#[derive(Serialize)]
struct ClassCount {
    class: usize,
    name: String,
    train: usize,
    test: Option<usize>,
}

#[derive(Serialize)]
struct DatasetReport {
    dataset: DatasetInfo,
    path: String,
    n_train: usize,
    n_test: usize,
    input_dim: usize,
    classes: Vec<ClassCount>,
    checksums: Vec<FileStatus>,
    checksum_status: &'static str,
}

#[derive(Serialize)]
struct TaskReport {
    name: String,
    source: String,
    n_train: usize,
    n_test: usize,
    input_dim: usize,
    n_outputs: usize,
    kind: TaskKind,
    classes: Vec<ClassCount>,
    description: String,
    warnings: Vec<String>,
}

fn class_counts(names: &[String], train: &[usize], test: Option<&[usize]>) -> Vec<ClassCount> {
    names
        .iter()
        .enumerate()
        .map(|(c, name)| ClassCount {
            class: c,
            name: name.clone(),
            train: train.get(c).copied().unwrap_or(0),
            test: test.map(|t| t.get(c).copied().unwrap_or(0)),
        })
        .collect()
}

fn info(task: &str, options: &TaskOptions, json: bool) -> anyhow::Result<()> {
    let spec = options.spec(task)?;
    if let (TaskSource::Named(name), false) = (&spec.source, options.is_set()) {
        return dataset_info(name, json);
    }
    let t = load_task(&spec)
        .map_err(data_error)
        .with_context(|| format!("building task {task:?}"))?;
    task_info(task, &t, json)
}

fn dataset_info(name: &str, json: bool) -> anyhow::Result<()> {
    let summary = summarize(name).map_err(data_error)?;
    let statuses: Vec<FileStatus> = verify_folder(&summary.path)
        .map_err(data_error)?
        .into_iter()
        .filter(|s| summary.info.files.iter().any(|f| s.path.ends_with(f)))
        .collect();
    let all_ok = statuses.iter().all(|s| s.check == FileCheck::Ok);
    let split = summary.info.train_split.is_some();
    let report = DatasetReport {
        classes: class_counts(
            &summary.class_names,
            &summary.train_class_counts,
            split.then_some(summary.test_class_counts.as_slice()),
        ),
        path: summary.path.display().to_string(),
        n_train: summary.n_train,
        n_test: summary.n_test,
        input_dim: summary.info.features,
        checksums: statuses,
        checksum_status: if all_ok { "verified" } else { "MISMATCH" },
        dataset: summary.info,
    };
    if json {
        return print_json(&report);
    }
    let d = &report.dataset;
    let mut out = String::new();
    writeln!(out, "{} — {}", d.name, d.title)?;
    writeln!(out, "  path:      {}", report.path)?;
    if split {
        writeln!(
            out,
            "  rows:      {} training + {} test (official split)",
            report.n_train, report.n_test
        )?;
    } else {
        writeln!(
            out,
            "  rows:      {} (one table, no official split)",
            report.n_train
        )?;
    }
    match d.image {
        Some((h, w)) => writeln!(
            out,
            "  inputs:    {} features ({h}x{w} images, pixel values 0..={})",
            d.features,
            d.pixel_max.unwrap_or(255.0)
        )?,
        None => writeln!(out, "  inputs:    {} features", d.features)?,
    }
    let regression = if d.regression {
        " (or a real-valued regression target with --target regression)"
    } else {
        ""
    };
    writeln!(out, "  classes:   {}{regression}", d.classes)?;
    for c in &report.classes {
        match c.test {
            Some(t) => writeln!(
                out,
                "    {:>3} {:<22} train {:>6}  test {:>6}",
                c.class, c.name, c.train, t
            )?,
            None => writeln!(out, "    {:>3} {:<22} {:>6}", c.class, c.name, c.train)?,
        }
    }
    writeln!(
        out,
        "  checksums: {} ({} files against SHA256SUMS)",
        report.checksum_status,
        report.checksums.len()
    )?;
    for s in &report.checksums {
        writeln!(
            out,
            "    {} {}",
            if s.check == FileCheck::Ok {
                "ok      "
            } else {
                "MISMATCH"
            },
            s.path.display()
        )?;
    }
    writeln!(out, "  licence:   {}", d.licence)?;
    writeln!(out, "  source:    {}", d.source)?;
    print_text(&out)
}

fn task_info(task: &str, t: &Task, json: bool) -> anyhow::Result<()> {
    let classes = match (t.train_class_counts(), t.test_class_counts()) {
        (Some(a), b) => class_counts(&t.class_names, &a, b.as_deref()),
        _ => Vec::new(),
    };
    let report = TaskReport {
        name: t.name.clone(),
        source: task.to_string(),
        n_train: t.n_train(),
        n_test: t.n_test(),
        input_dim: t.input_dim(),
        n_outputs: t.n_outputs(),
        kind: t.kind,
        classes,
        description: t.description.clone(),
        warnings: t.warnings.clone(),
    };
    for w in &report.warnings {
        eprintln!("ibits: warning: {w}");
    }
    if json {
        return print_json(&report);
    }
    let mut out = String::new();
    writeln!(out, "task {} ({})", report.name, report.source)?;
    writeln!(
        out,
        "  n = {} training, N = {} test, d = {} inputs, k = {} outputs",
        report.n_train, report.n_test, report.input_dim, report.n_outputs
    )?;
    match report.kind {
        TaskKind::Classification { classes } => {
            writeln!(out, "  classification, {classes} classes (one-hot targets)")?
        }
        TaskKind::Regression => writeln!(out, "  regression (real targets)")?,
    }
    for c in &report.classes {
        writeln!(
            out,
            "    {:>3} {:<22} train {:>6}  test {:>6}",
            c.class,
            c.name,
            c.train,
            c.test.unwrap_or(0)
        )?;
    }
    writeln!(out, "  made by: {}", report.description)?;
    print_text(&out)
}

#[derive(Serialize)]
struct VerifyEntry {
    name: String,
    files: Vec<FileStatus>,
    decoded: bool,
    error: Option<String>,
}

fn verify(names: &[String], json: bool) -> anyhow::Result<()> {
    let selected: Vec<&DatasetInfo> = if names.is_empty() {
        datasets().iter().collect()
    } else {
        names
            .iter()
            .map(|n| ibits_data::dataset(n).map_err(data_error))
            .collect::<anyhow::Result<_>>()?
    };
    let dir = ibits_data::data_dir().map_err(data_error)?;
    let mut entries = Vec::new();
    for info in selected {
        let folder = dir.join(info.folder);
        // A folder whose SHA256SUMS cannot be read is one failed entry, not the end of the run.
        let files: Vec<FileStatus> = match verify_folder(&folder) {
            Ok(statuses) => statuses
                .into_iter()
                .filter(|s| info.files.iter().any(|f| s.path.ends_with(f)))
                .collect(),
            Err(e) => {
                entries.push(VerifyEntry {
                    name: info.name.to_string(),
                    files: Vec::new(),
                    decoded: false,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        let listed = files.len() == info.files.len();
        let ok = listed && files.iter().all(|s| s.check == FileCheck::Ok);
        let (decoded, error) = if ok {
            match summarize(info.name) {
                Ok(_) => (true, None),
                Err(e) => (false, Some(e.to_string())),
            }
        } else if !listed {
            (
                false,
                Some(format!(
                    "{}/SHA256SUMS does not list every data file ({:?})",
                    folder.display(),
                    info.files
                )),
            )
        } else {
            (false, Some("checksum failure".to_string()))
        };
        entries.push(VerifyEntry {
            name: info.name.to_string(),
            files,
            decoded,
            error,
        });
    }
    let failures = entries.iter().filter(|e| !e.decoded).count();
    if json {
        print_json(&entries)?;
    } else {
        let mut out = String::new();
        for e in &entries {
            for f in &e.files {
                let status = match &f.check {
                    FileCheck::Ok => "ok".to_string(),
                    FileCheck::Mismatch { actual } => {
                        format!("MISMATCH (SHA256SUMS {}, file {actual})", f.expected)
                    }
                    FileCheck::Missing { reason } => format!("MISSING ({reason})"),
                };
                writeln!(out, "{:<18} {:<8} {}", e.name, status, f.path.display())?;
            }
            match &e.error {
                None => writeln!(out, "{:<18} decoded", e.name)?,
                Some(err) => writeln!(out, "{:<18} FAILED: {err}", e.name)?,
            }
        }
        writeln!(out, "{} datasets checked, {failures} failed", entries.len())?;
        print_text(&out)?;
    }
    if failures > 0 {
        anyhow::bail!("{failures} dataset(s) failed verification (see above)");
    }
    Ok(())
}
