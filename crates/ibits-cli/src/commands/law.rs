//! `ibits law`: evaluate a law of the test error at points — the lower-tail ln CDF in nats, the
//! same probability in bits, the method that computed it, and (generalized chi-squared) the
//! Chernoff bound and Ruben's certified value.
//!
//! Three forms: `ibits law ncx2 ...`, `ibits law gx2 ...` (flags) and `ibits law --input
//! cases.json` (a JSON array of cases, answered in the same order; a malformed case gets an
//! `error` field instead of stopping the batch).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Subcommand;
use ibits_stats::{Gx2, Ncx2};
use serde::{Deserialize, Serialize};

use crate::output::{print_json, print_text, usage};

/// Arguments of `ibits law`.
///
/// Exit status: 0 success; 2 for a usage error (a bad flag or value, a malformed cases file, or
/// any invalid case in a batch — the other cases are still answered); 1 when the cases file
/// cannot be read.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LawArgs {
    /// The law to evaluate (or give --input).
    #[command(subcommand)]
    pub law: Option<LawCommand>,
    /// JSON file holding an array of cases, each {"law":"ncx2","df":..,"nc":..,"scale":..,"x":..}
    /// (scale optional, default 1) or {"law":"gx2","weights":[..],"noncentralities":[..],
    /// "multiplicities":[..],"x":..} (multiplicities optional, default 1 each). Answers come in
    /// the same order.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Print a JSON array (one object per case: the inputs, ln_cdf in nats, bits, method, ...)
    /// instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The law given by flags.
#[derive(Debug, Subcommand)]
pub enum LawCommand {
    /// Scaled non-central chi-squared s·χ'²_df(nc), loc 0.
    Ncx2(Ncx2Args),
    /// Generalized chi-squared Σ_j w_j·χ'²_{m_j}(d_j) with positive weights.
    Gx2(Gx2Args),
}

/// Flags of `ibits law ncx2`.
#[derive(Debug, clap::Args)]
pub struct Ncx2Args {
    /// Degrees of freedom df (finite, > 0).
    #[arg(long, allow_negative_numbers = true)]
    pub df: f64,
    /// Non-centrality nc (finite, >= 0).
    #[arg(long, allow_negative_numbers = true)]
    pub nc: f64,
    /// Scale s (finite, > 0).
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub scale: f64,
    /// Point(s) x at which to evaluate ln P[X <= x] (finite, > 0); repeat the flag or separate
    /// with commas.
    #[arg(
        long = "x",
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub x: Vec<f64>,
}

/// Flags of `ibits law gx2`.
#[derive(Debug, clap::Args)]
pub struct Gx2Args {
    /// Weights w_j of the terms (finite, > 0), comma-separated.
    #[arg(
        long,
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub weights: Vec<f64>,
    /// Total non-centralities d_j of the terms (finite, >= 0), one per weight, comma-separated.
    #[arg(
        long,
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub noncentralities: Vec<f64>,
    /// Multiplicities (degrees of freedom) m_j of the terms (finite, > 0), one per weight;
    /// default 1 each.
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    pub multiplicities: Option<Vec<f64>>,
    /// Point(s) x at which to evaluate ln P[X <= x] (finite, > 0); repeat the flag or separate
    /// with commas.
    #[arg(
        long = "x",
        required = true,
        value_delimiter = ',',
        allow_negative_numbers = true
    )]
    pub x: Vec<f64>,
}

/// One case, as given on the command line or in a cases file.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "law", rename_all = "lowercase", deny_unknown_fields)]
enum Case {
    Ncx2 {
        df: f64,
        nc: f64,
        #[serde(default = "unit_scale")]
        scale: f64,
        x: f64,
    },
    Gx2 {
        weights: Vec<f64>,
        noncentralities: Vec<f64>,
        #[serde(default)]
        multiplicities: Option<Vec<f64>>,
        x: f64,
    },
}

fn unit_scale() -> f64 {
    1.0
}

/// The answer for one case (the inputs echoed, then the results, or an error).
#[derive(Debug, Clone, Default, Serialize)]
struct Answer {
    /// "ncx2" or "gx2" (or what the case said, for a malformed case).
    #[serde(skip_serializing_if = "Option::is_none")]
    law: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    df: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nc: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scale: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    weights: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    noncentralities: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    multiplicities: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<f64>,
    /// ln P[X <= x], nats.
    #[serde(skip_serializing_if = "Option::is_none")]
    ln_cdf: Option<f64>,
    /// -log2 P[X <= x], bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    bits: Option<f64>,
    /// How ln_cdf was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    /// gx2: the Chernoff bound in bits, a lower bound on `bits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    chernoff_bits: Option<f64>,
    /// gx2: Ruben's series in bits, when it converged.
    #[serde(skip_serializing_if = "Option::is_none")]
    ruben_bits: Option<f64>,
    /// gx2: the saddlepoint value in bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    saddlepoint_bits: Option<f64>,
    /// A malformed case: the raw input as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<serde_json::Value>,
    /// Why the case could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Run `ibits law`.
pub fn run(args: &LawArgs) -> anyhow::Result<()> {
    match (&args.law, &args.input) {
        (Some(command), _) => {
            let cases = cases_from_flags(command);
            let answers = cases
                .iter()
                .map(|case| evaluate(case).map_err(usage))
                .collect::<anyhow::Result<Vec<_>>>()?;
            render(&answers, args.json)
        }
        (None, Some(path)) => run_batch(path, args.json),
        (None, None) => Err(usage(
            "`ibits law` needs a law (`ibits law ncx2 ...` or `ibits law gx2 ...`) or --input FILE",
        )),
    }
}

fn cases_from_flags(command: &LawCommand) -> Vec<Case> {
    match command {
        LawCommand::Ncx2(a) => {
            a.x.iter()
                .map(|&x| Case::Ncx2 {
                    df: a.df,
                    nc: a.nc,
                    scale: a.scale,
                    x,
                })
                .collect()
        }
        LawCommand::Gx2(a) => {
            a.x.iter()
                .map(|&x| Case::Gx2 {
                    weights: a.weights.clone(),
                    noncentralities: a.noncentralities.clone(),
                    multiplicities: a.multiplicities.clone(),
                    x,
                })
                .collect()
        }
    }
}

fn run_batch(path: &Path, json: bool) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading cases file {}", path.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        usage(format!(
            "{}: malformed JSON at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })?;
    let serde_json::Value::Array(items) = document else {
        return Err(usage(format!(
            "{}: expected a JSON array of cases ([{{\"law\": \"ncx2\", ...}}, ...]), found {}",
            path.display(),
            json_kind(&document)
        )));
    };
    let answers: Vec<Answer> = items.iter().map(evaluate_json).collect();
    render(&answers, json)?;
    let failed = answers.iter().filter(|a| a.error.is_some()).count();
    if failed > 0 {
        return Err(usage(format!(
            "{}: {failed} of {} cases are invalid (see their error fields)",
            path.display(),
            answers.len()
        )));
    }
    Ok(())
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// One case from the cases file: parsed and evaluated, or an answer carrying the error.
fn evaluate_json(item: &serde_json::Value) -> Answer {
    let failure = |error: String| Answer {
        law: item.get("law").and_then(|l| l.as_str()).map(str::to_string),
        input: Some(item.clone()),
        error: Some(error),
        ..Answer::default()
    };
    match Case::deserialize(item) {
        Ok(case) => evaluate(&case).unwrap_or_else(failure),
        Err(e) => failure(format!("malformed case: {e}")),
    }
}

/// Evaluate one case; `Err` carries a one-line message naming the bad field.
fn evaluate(case: &Case) -> Result<Answer, String> {
    let x = case_x(case);
    if !(x.is_finite() && x > 0.0) {
        return Err(format!("x must be finite and > 0, got {x}"));
    }
    match case {
        Case::Ncx2 { df, nc, scale, x } => {
            let law = Ncx2::scaled(*df, *nc, *scale).map_err(|e| format!("ncx2: {e}"))?;
            let ln_cdf = law.log_cdf(*x);
            Ok(Answer {
                law: Some("ncx2".into()),
                df: Some(*df),
                nc: Some(*nc),
                scale: Some(*scale),
                x: Some(*x),
                ln_cdf: Some(ln_cdf),
                bits: Some(to_bits(ln_cdf)),
                method: Some("poisson-mixture".into()),
                ..Answer::default()
            })
        }
        Case::Gx2 {
            weights,
            noncentralities,
            multiplicities,
            x,
        } => {
            let ones;
            let multiplicities = match multiplicities {
                Some(m) => m.as_slice(),
                None => {
                    ones = vec![1.0; weights.len()];
                    ones.as_slice()
                }
            };
            let law = Gx2::new(weights, multiplicities, noncentralities, 0.0)
                .map_err(|e| e.to_string())?;
            let result = law.log_cdf(*x);
            Ok(Answer {
                law: Some("gx2".into()),
                weights: Some(weights.clone()),
                noncentralities: Some(noncentralities.clone()),
                multiplicities: Some(multiplicities.to_vec()),
                x: Some(*x),
                ln_cdf: Some(result.ln_cdf),
                bits: Some(result.bits()),
                method: Some(result.method.name().into()),
                chernoff_bits: Some(result.chernoff_bits()),
                ruben_bits: result.ruben_bits(),
                saddlepoint_bits: Some(result.saddlepoint_bits()),
                ..Answer::default()
            })
        }
    }
}

fn case_x(case: &Case) -> f64 {
    match case {
        Case::Ncx2 { x, .. } | Case::Gx2 { x, .. } => *x,
    }
}

fn to_bits(ln_p: f64) -> f64 {
    -ln_p / std::f64::consts::LN_2
}

fn render(answers: &[Answer], json: bool) -> anyhow::Result<()> {
    if json {
        print_json(answers)
    } else {
        print_text(&table(answers))
    }
}

/// The human-readable table.
fn table(answers: &[Answer]) -> String {
    let header = [
        "#",
        "law",
        "parameters",
        "x",
        "ln F (nats)",
        "bits",
        "method",
        "Chernoff bits",
        "Ruben bits",
    ];
    let mut rows: Vec<[String; 9]> = Vec::new();
    let mut errors = String::new();
    for (index, answer) in answers.iter().enumerate() {
        if let Some(error) = &answer.error {
            let _ = writeln!(errors, "case {index}: error: {error}");
            continue;
        }
        rows.push([
            index.to_string(),
            answer.law.clone().unwrap_or_default(),
            parameters(answer),
            answer.x.map(number).unwrap_or_default(),
            answer.ln_cdf.map(number).unwrap_or_default(),
            answer.bits.map(number).unwrap_or_default(),
            answer.method.clone().unwrap_or_default(),
            answer.chernoff_bits.map(number).unwrap_or("-".into()),
            answer.ruben_bits.map(number).unwrap_or("-".into()),
        ]);
    }
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::from(
        "ln F = ln P[X <= x] in nats; bits = -log2 P[X <= x]; Chernoff bits is a lower bound on \
         bits (gx2); Ruben bits is the certified series value when it converged (gx2).\n",
    );
    let line = |cells: &[String]| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            // Left-align text columns, right-align numbers.
            if matches!(i, 1 | 2 | 6) {
                let _ = write!(text, "{cell}{}  ", " ".repeat(pad));
            } else {
                let _ = write!(text, "{}{cell}  ", " ".repeat(pad));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    out += &line(&header.map(String::from));
    for row in &rows {
        out += &line(row);
    }
    out + &errors
}

fn parameters(answer: &Answer) -> String {
    match answer.law.as_deref() {
        Some("ncx2") => format!(
            "df={} nc={} scale={}",
            answer.df.map(number).unwrap_or_default(),
            answer.nc.map(number).unwrap_or_default(),
            answer.scale.map(number).unwrap_or_default()
        ),
        _ => {
            let list = |values: &Option<Vec<f64>>| {
                let values = values.as_deref().unwrap_or_default();
                let shown: Vec<String> = values.iter().take(4).map(|&v| number(v)).collect();
                let more = if values.len() > 4 { ", ..." } else { "" };
                format!("[{}{more}]", shown.join(", "))
            };
            format!(
                "{} terms w={} m={} d={}",
                answer.weights.as_ref().map_or(0, Vec::len),
                list(&answer.weights),
                list(&answer.multiplicities),
                list(&answer.noncentralities)
            )
        }
    }
}

/// A number for the table: plain with up to 4 decimals in [1e-3, 1e7), scientific otherwise.
fn number(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else if !value.is_finite() {
        format!("{value}")
    } else if (1e-3..1e7).contains(&value.abs()) {
        let text = format!("{value:.4}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        text.to_string()
    } else {
        format!("{value:.4e}")
    }
}
