//! Kernel options: a kernel as a user writes it (a TOML table, command-line flags, keyword
//! arguments), validated into a [`KernelSpec`].
//!
//! Fields are kept **as written** (`None` = the default stated on the field) so that an
//! experiment cell's identity depends only on what its file says; an option the chosen kernel
//! does not read is an error, decided by presence, not by value. The defaults live here:
//!
//! ```text
//! rbf          bandwidth = median pairwise distance, amplitude = 1
//! linear       sigma_w = 1, sigma_b = 1
//! polynomial   degree = 3, sigma_w = 1, sigma_b = 1
//! nngp-relu    depth = 3, sigma_w = sqrt(2), sigma_b = 0.1
//! nngp-erf     depth = 3, sigma_w = 1, sigma_b = 0.1
//! ntk-relu     depth = 3, sigma_w = sqrt(2), sigma_b = 0.1
//! ```

use ndarray::ArrayView2;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Kernel, KernelError, Linear, Mlp, Polynomial, Rbf, MEDIAN_HEURISTIC_POINTS};

/// Bandwidth of an RBF kernel: a number, or `"median"` (the median pairwise Euclidean distance
/// among the first [`MEDIAN_HEURISTIC_POINTS`] training inputs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bandwidth {
    /// A fixed bandwidth (> 0).
    Value(f64),
    /// The median heuristic.
    Median,
}

impl std::str::FromStr for Bandwidth {
    type Err = KernelError;

    fn from_str(s: &str) -> Result<Self, KernelError> {
        let t = s.trim();
        if t == "median" {
            return Ok(Self::Median);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(Self::Value(v)),
            Ok(v) => Err(KernelError::Bandwidth(v)),
            Err(_) => Err(KernelError::BandwidthRule(format!("{s:?}"))),
        }
    }
}

impl Serialize for Bandwidth {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(v) => serializer.serialize_f64(*v),
            Self::Median => serializer.serialize_str("median"),
        }
    }
}

impl<'de> Deserialize<'de> for Bandwidth {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Number(f64),
            Text(String),
        }
        match Written::deserialize(deserializer).map_err(|_| {
            D::Error::custom(KernelError::BandwidthRule("a value of another type".into()))
        })? {
            Written::Number(v) => Ok(Self::Value(v)),
            Written::Text(s) => s.parse().map_err(D::Error::custom),
        }
    }
}

/// The kernel of a Gaussian-process space, possibly with a bandwidth still to be set from the
/// training inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KernelSpec {
    /// A fully specified kernel.
    Fixed(Kernel),
    /// RBF whose bandwidth is the median pairwise distance among the first
    /// [`MEDIAN_HEURISTIC_POINTS`] training inputs.
    RbfMedian {
        /// Amplitude (prior variance).
        amplitude: f64,
    },
}

impl KernelSpec {
    /// The concrete kernel and, when a rule set a parameter, a description of the rule.
    ///
    /// # Errors
    /// As [`crate::median_pairwise_distance`] and [`Rbf::new`].
    pub fn resolve(
        &self,
        x_train: ArrayView2<'_, f64>,
    ) -> Result<(Kernel, Option<String>), KernelError> {
        match *self {
            KernelSpec::Fixed(k) => Ok((k, None)),
            KernelSpec::RbfMedian { amplitude } => {
                let rbf = Rbf::with_median_bandwidth(x_train, amplitude)?;
                let m = x_train.nrows().min(MEDIAN_HEURISTIC_POINTS);
                Ok((
                    Kernel::Rbf(rbf),
                    Some(format!(
                        "median pairwise Euclidean distance over the first {m} training inputs"
                    )),
                ))
            }
        }
    }
}

/// A kernel as written: its name and the options it reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KernelOptions {
    /// `rbf`, `linear`, `polynomial` (or `poly`), `nngp-relu`, `nngp-erf` or `ntk-relu`.
    pub kernel: String,
    /// RBF: bandwidth or `"median"` (default `"median"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<Bandwidth>,
    /// RBF: amplitude, the prior variance k(x, x) (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amplitude: Option<f64>,
    /// Polynomial: degree (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub degree: Option<u32>,
    /// NNGP / NTK: hidden layers L (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Dot-product and network kernels: weight standard deviation (default sqrt(2) for the
    /// ReLU kernels, 1 otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_w: Option<f64>,
    /// Dot-product and network kernels: bias standard deviation (default 0.1 for the network
    /// kernels, 1 for linear and polynomial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_b: Option<f64>,
}

impl Default for KernelOptions {
    /// The RBF kernel with the median-distance bandwidth.
    fn default() -> Self {
        Self::named("rbf")
    }
}

impl KernelOptions {
    /// Depth of the network kernels when none is given.
    pub const DEFAULT_DEPTH: usize = 3;
    /// Polynomial degree when none is given.
    pub const DEFAULT_DEGREE: u32 = 3;
    /// RBF amplitude when none is given.
    pub const DEFAULT_AMPLITUDE: f64 = 1.0;
    /// sigma_b of the network kernels when none is given (1 for linear and polynomial).
    pub const DEFAULT_NETWORK_SIGMA_B: f64 = 0.1;

    /// A kernel by name with every option at its default.
    pub fn named(kernel: impl Into<String>) -> Self {
        Self {
            kernel: kernel.into(),
            bandwidth: None,
            amplitude: None,
            degree: None,
            depth: None,
            sigma_w: None,
            sigma_b: None,
        }
    }

    /// The options the named kernel reads.
    ///
    /// # Errors
    /// [`KernelError::UnknownKernel`] for a name that is not a kernel.
    pub fn options_read(kernel: &str) -> Result<&'static [&'static str], KernelError> {
        Ok(match kernel {
            "rbf" => &["bandwidth", "amplitude"],
            "linear" => &["sigma_w", "sigma_b"],
            "polynomial" | "poly" => &["degree", "sigma_w", "sigma_b"],
            "nngp-relu" | "nngp-erf" | "ntk-relu" => &["depth", "sigma_w", "sigma_b"],
            other => return Err(KernelError::UnknownKernel(other.to_string())),
        })
    }

    /// The options that were written, by name.
    pub fn options_given(&self) -> Vec<&'static str> {
        [
            ("bandwidth", self.bandwidth.is_some()),
            ("amplitude", self.amplitude.is_some()),
            ("degree", self.degree.is_some()),
            ("depth", self.depth.is_some()),
            ("sigma_w", self.sigma_w.is_some()),
            ("sigma_b", self.sigma_b.is_some()),
        ]
        .into_iter()
        .filter_map(|(key, set)| set.then_some(key))
        .collect()
    }

    /// The kernel these options define, every default applied.
    ///
    /// # Errors
    /// [`KernelError::UnknownKernel`], [`KernelError::OptionNotRead`] for an option the kernel
    /// does not read, and the kernels' own parameter errors.
    pub fn spec(&self) -> Result<KernelSpec, KernelError> {
        let allowed = Self::options_read(&self.kernel)?;
        if let Some(option) = self
            .options_given()
            .into_iter()
            .find(|o| !allowed.contains(o))
        {
            return Err(KernelError::OptionNotRead {
                option,
                kernel: self.kernel.clone(),
                takes: match allowed.len() {
                    2 if allowed[0] == "bandwidth" => "bandwidth, amplitude",
                    2 => "sigma_w, sigma_b",
                    _ if allowed[0] == "degree" => "degree, sigma_w, sigma_b",
                    _ => "depth, sigma_w, sigma_b",
                },
            });
        }
        let relu = matches!(self.kernel.as_str(), "nngp-relu" | "ntk-relu");
        let network = relu || self.kernel == "nngp-erf";
        let sigma_w = self
            .sigma_w
            .unwrap_or(if relu { std::f64::consts::SQRT_2 } else { 1.0 });
        let sigma_b = self.sigma_b.unwrap_or(if network {
            Self::DEFAULT_NETWORK_SIGMA_B
        } else {
            1.0
        });
        let depth = self.depth.unwrap_or(Self::DEFAULT_DEPTH);
        Ok(KernelSpec::Fixed(match self.kernel.as_str() {
            "rbf" => {
                let amplitude = self.amplitude.unwrap_or(Self::DEFAULT_AMPLITUDE);
                match self.bandwidth.unwrap_or(Bandwidth::Median) {
                    Bandwidth::Value(b) => Kernel::Rbf(Rbf::new(b, amplitude)?),
                    Bandwidth::Median => {
                        Rbf::new(1.0, amplitude)?;
                        return Ok(KernelSpec::RbfMedian { amplitude });
                    }
                }
            }
            "linear" => Kernel::Linear(Linear::new(sigma_w, sigma_b)?),
            "polynomial" | "poly" => Kernel::Polynomial(Polynomial::new(
                self.degree.unwrap_or(Self::DEFAULT_DEGREE),
                sigma_w,
                sigma_b,
            )?),
            "nngp-relu" => Kernel::NngpRelu(Mlp::new(depth, sigma_w, sigma_b)?),
            "nngp-erf" => Kernel::NngpErf(Mlp::new(depth, sigma_w, sigma_b)?),
            _ => Kernel::NtkRelu(Mlp::new(depth, sigma_w, sigma_b)?),
        }))
    }

    /// The kernel as written, for legends: `rbf`, `nngp-relu(depth=2)`.
    pub fn label(&self) -> String {
        let mut written = Vec::new();
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(self) {
            for (key, value) in fields {
                if key != "kernel" {
                    written.push(format!("{key}={}", value.to_string().trim_matches('"')));
                }
            }
        }
        if written.is_empty() {
            self.kernel.clone()
        } else {
            format!("{}({})", self.kernel, written.join(","))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_per_kernel() {
        let KernelSpec::Fixed(Kernel::NngpRelu(m)) =
            KernelOptions::named("nngp-relu").spec().unwrap()
        else {
            panic!("nngp-relu expected");
        };
        assert_eq!(m, Mlp::new(3, std::f64::consts::SQRT_2, 0.1).unwrap());
        let KernelSpec::Fixed(Kernel::Linear(l)) = KernelOptions::named("linear").spec().unwrap()
        else {
            panic!("linear expected");
        };
        assert_eq!(l, Linear::new(1.0, 1.0).unwrap());
        assert_eq!(
            KernelOptions::default().spec().unwrap(),
            KernelSpec::RbfMedian { amplitude: 1.0 }
        );
    }

    #[test]
    fn options_not_read_are_errors_by_presence() {
        let mut o = KernelOptions::named("rbf");
        o.depth = Some(3); // the default value of the network kernels, still not read by rbf
        let e = o.spec().unwrap_err();
        assert!(
            matches!(
                e,
                KernelError::OptionNotRead {
                    option: "depth",
                    ..
                }
            ),
            "{e}"
        );
        assert!(KernelOptions::named("cosine").spec().is_err());
    }

    #[test]
    fn bandwidth_words_and_numbers() {
        let o: KernelOptions =
            serde_json::from_value(serde_json::json!({"kernel": "rbf", "bandwidth": 2.5})).unwrap();
        assert_eq!(o.bandwidth, Some(Bandwidth::Value(2.5)));
        assert_eq!(o.label(), "rbf(bandwidth=2.5)");
        let bad: Result<KernelOptions, _> =
            serde_json::from_value(serde_json::json!({"kernel": "rbf", "bandwidth": "mean"}));
        let e = bad.unwrap_err().to_string();
        assert!(e.contains("median") && e.contains("mean"), "{e}");
        assert!(matches!(
            "-1".parse::<Bandwidth>(),
            Err(KernelError::Bandwidth(_))
        ));
    }
}
