//! The text of `ibits law`: laws of the test error evaluated at points, as a table. A
//! [`Case`] is one law at one point, as given on the command line or in a cases file (JSON);
//! [`evaluate`] answers it with the lower-tail ln CDF in nats, the same probability in bits and
//! the method, and [`table`] renders the answers.

use std::fmt::Write as _;

use ibits_stats::{Gx2, Ncx2};
use serde::{Deserialize, Serialize};

/// One case, as given on the command line or in a cases file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "law", rename_all = "lowercase", deny_unknown_fields)]
pub enum Case {
    /// The scaled non-central chi-squared s * chi'^2_df(nc), location 0.
    Ncx2 {
        /// Degrees of freedom (finite, > 0).
        df: f64,
        /// Non-centrality (finite, >= 0).
        nc: f64,
        /// Scale s (finite, > 0; default 1).
        #[serde(default = "unit_scale")]
        scale: f64,
        /// The point x (finite, > 0).
        x: f64,
    },
    /// The generalized chi-squared sum_j w_j chi'^2_{m_j}(d_j) with positive weights.
    Gx2 {
        /// Weights w_j (finite, > 0).
        weights: Vec<f64>,
        /// Total non-centralities d_j (finite, >= 0), one per weight.
        noncentralities: Vec<f64>,
        /// Multiplicities m_j (finite, > 0), one per weight; default 1 each.
        #[serde(default)]
        multiplicities: Option<Vec<f64>>,
        /// The point x (finite, > 0).
        x: f64,
    },
}

fn unit_scale() -> f64 {
    1.0
}

/// The answer for one case (the inputs echoed, then the results, or an error).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Answer {
    /// "ncx2" or "gx2" (or what the case said, for a malformed case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
    /// ncx2: degrees of freedom.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub df: Option<f64>,
    /// ncx2: non-centrality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nc: Option<f64>,
    /// ncx2: scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// gx2: weights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<f64>>,
    /// gx2: non-centralities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noncentralities: Option<Vec<f64>>,
    /// gx2: multiplicities (1 each when not given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplicities: Option<Vec<f64>>,
    /// The point x.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// ln P[X <= x], nats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ln_cdf: Option<f64>,
    /// -log2 P[X <= x], bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits: Option<f64>,
    /// How ln_cdf was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// gx2: the Chernoff bound in bits, a lower bound on `bits`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chernoff_bits: Option<f64>,
    /// gx2: Ruben's series in bits, when it converged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruben_bits: Option<f64>,
    /// gx2: the saddlepoint value in bits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub saddlepoint_bits: Option<f64>,
    /// gx2: a certified bracket [lower, upper] of the true bits (upper null when not
    /// certified).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits_bracket: Option<[f64; 2]>,
    /// gx2: whether the upper end of `bits_bracket` is certified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certified: Option<bool>,
    /// A malformed case: the raw input as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Value>,
    /// Why the case could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Evaluate a cases document (a JSON array of cases), one answer per case in order; a
/// malformed case gets an answer carrying its error.
///
/// # Errors
/// A message when the document is not an array.
pub fn evaluate_cases(document: &serde_json::Value) -> Result<Vec<Answer>, String> {
    match document {
        serde_json::Value::Array(items) => Ok(items.iter().map(evaluate_json).collect()),
        other => Err(format!(
            "expected a JSON array of cases ([{{\"law\": \"ncx2\", ...}}, ...]), found {}",
            json_kind(other)
        )),
    }
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

/// One case from a cases file: parsed and evaluated, or an answer carrying the error (and the
/// case as given).
pub fn evaluate_json(item: &serde_json::Value) -> Answer {
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

/// Evaluate one case: ln P[X <= x] in nats, the bits -log2 P[X <= x] and the method; for a
/// generalized chi-squared also the Chernoff, Ruben and saddlepoint bits.
///
/// # Errors
/// A one-line message naming the bad field (x <= 0, a parameter out of range).
pub fn evaluate(case: &Case) -> Result<Answer, String> {
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
                bits_bracket: Some(result.bits_bracket()),
                certified: Some(result.certified),
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

/// The text of `ibits law`: a line defining the columns, then one row per case (its index,
/// the law and its parameters, x, ln F = ln P[X <= x] in nats, bits = -log2 P[X <= x], the
/// method, and for gx2 the Chernoff lower bound and Ruben's certified value in bits), then one
/// `case i: error: ...` line per case that could not be evaluated.
pub fn table(answers: &[Answer]) -> String {
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
        "certified bits",
    ];
    let mut rows: Vec<[String; 10]> = Vec::new();
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
            match answer.bits_bracket {
                Some([lower, upper]) if upper.is_finite() => {
                    format!("[{}, {}]", number(lower), number(upper))
                }
                Some([lower, _]) => format!(">= {}", number(lower)),
                None => "-".into(),
            },
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
         bits (gx2); Ruben bits is the certified series value when it converged (gx2); the true \
         bits provably lie in the certified bracket (gx2).\n",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_answers_every_case_in_order() {
        let doc = serde_json::json!([
            {"law": "ncx2", "df": 3.0, "nc": 2.0, "x": 0.5},
            {"law": "ncx2", "df": -1.0, "nc": 2.0, "x": 0.5},
            {"law": "nope"}
        ]);
        let answers = evaluate_cases(&doc).unwrap();
        assert_eq!(answers.len(), 3);
        let bits = answers[0].bits.unwrap();
        let ln_cdf = answers[0].ln_cdf.unwrap();
        assert!((bits + ln_cdf / std::f64::consts::LN_2).abs() < 1e-12);
        assert!(answers[1].error.is_some() && answers[2].error.is_some());
        let text = table(&answers);
        assert!(text.contains("case 1: error:") && text.contains("poisson-mixture"));
        assert!(evaluate_cases(&serde_json::json!({"law": "ncx2"}))
            .unwrap_err()
            .contains("an object"));
    }

    #[test]
    fn numbers_are_plain_or_scientific() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(2.0e7), "2.0000e7");
        assert_eq!(number(f64::INFINITY), "inf");
    }

    #[test]
    fn x_must_be_positive() {
        let case = Case::Ncx2 {
            df: 1.0,
            nc: 0.0,
            scale: 1.0,
            x: 0.0,
        };
        assert!(evaluate(&case).unwrap_err().contains("x must be"));
    }
}
