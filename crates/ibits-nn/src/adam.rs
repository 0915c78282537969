//! The Adam optimiser, step for step as `torch.optim.Adam` (no weight decay, no amsgrad).

use ndarray::{ArrayD, Zip};
use serde::{Deserialize, Serialize};

use crate::elementwise::{adam_element, adam_update, AdamStep};
use crate::error::NnError;
use crate::mlp::{Gradient, Mlp};
use crate::real::Real;

/// Adam's hyper-parameters.
///
/// # Formula
/// ```text
/// m_t = beta1 m_(t-1) + (1 - beta1) g_t
/// v_t = beta2 v_(t-1) + (1 - beta2) g_t^2
/// p_t = p_(t-1) - (lr / (1 - beta1^t)) * m_t / (sqrt(v_t) / sqrt(1 - beta2^t) + eps)
/// ```
/// which is `torch.optim.Adam`'s update (the bias corrections applied as in its
/// `_single_tensor_adam`); defaults lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8.
///
/// # Reference
/// Kingma & Ba (2015), "Adam: a method for stochastic optimization", ICLR, Algorithm 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdamConfig {
    learning_rate: f64,
    beta1: f64,
    beta2: f64,
    epsilon: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

impl AdamConfig {
    /// Validated hyper-parameters.
    ///
    /// # Errors
    /// [`NnError`] unless lr > 0, 0 <= beta1 < 1, 0 <= beta2 < 1 and eps > 0, all finite.
    pub fn new(learning_rate: f64, beta1: f64, beta2: f64, epsilon: f64) -> Result<Self, NnError> {
        if !(learning_rate.is_finite() && learning_rate > 0.0) {
            return Err(NnError::LearningRate(learning_rate));
        }
        if !(0.0..1.0).contains(&beta1) {
            return Err(NnError::Beta1(beta1));
        }
        if !(0.0..1.0).contains(&beta2) {
            return Err(NnError::Beta2(beta2));
        }
        if !(epsilon.is_finite() && epsilon > 0.0) {
            return Err(NnError::AdamEpsilon(epsilon));
        }
        Ok(Self {
            learning_rate,
            beta1,
            beta2,
            epsilon,
        })
    }

    /// The step size lr.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }
    /// First-moment decay beta1.
    pub fn beta1(&self) -> f64 {
        self.beta1
    }
    /// Second-moment decay beta2.
    pub fn beta2(&self) -> f64 {
        self.beta2
    }
    /// The denominator's epsilon.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }
}

/// Adam's state for one network: the moment estimates m, v of every parameter and the step t.
#[derive(Debug, Clone)]
pub struct Adam<T> {
    config: AdamConfig,
    step: u64,
    first_moment: Vec<ArrayD<T>>,
    second_moment: Vec<ArrayD<T>>,
}

impl<T: Real> Adam<T> {
    /// Zero moments for the parameters of `network`.
    pub fn new(config: AdamConfig, network: &Mlp<T>) -> Self {
        let arch = network.architecture();
        let shapes: Vec<Vec<usize>> = arch
            .layer_dims()
            .into_iter()
            .flat_map(|(i, o)| [vec![i, o], vec![o]])
            .collect();
        let zeros = |shape: &Vec<usize>| ArrayD::from_elem(shape.clone(), T::from_f64(0.0));
        Self {
            config,
            step: 0,
            first_moment: shapes.iter().map(zeros).collect(),
            second_moment: shapes.iter().map(zeros).collect(),
        }
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.step
    }

    /// One Adam step on `network` with gradient `grad`.
    pub fn step(&mut self, network: &mut Mlp<T>, grad: &Gradient<T>) {
        self.step += 1;
        let t = self.step as f64;
        let c = self.config;
        let bias_correction1 = 1.0 - c.beta1.powf(t);
        let bias_correction2 = 1.0 - c.beta2.powf(t);
        let coefficients = AdamStep {
            beta1: T::from_f64(c.beta1),
            beta2: T::from_f64(c.beta2),
            one_minus_beta1: T::from_f64(1.0 - c.beta1),
            one_minus_beta2: T::from_f64(1.0 - c.beta2),
            step_size: T::from_f64(c.learning_rate / bias_correction1),
            inv_sqrt_bias_correction2: T::from_f64(1.0 / bias_correction2.sqrt()),
            epsilon: T::from_f64(c.epsilon),
        };
        let (first, second) = (&mut self.first_moment, &mut self.second_moment);
        network.for_each_parameter(grad, |index, mut param, g| {
            let (m, v) = (&mut first[index], &mut second[index]);
            match (
                param.as_slice_mut(),
                g.as_slice(),
                m.as_slice_mut(),
                v.as_slice_mut(),
            ) {
                (Some(p), Some(g), Some(m), Some(v)) => adam_update(p, g, m, v, &coefficients),
                _ => Zip::from(param)
                    .and(&g)
                    .and(m)
                    .and(v)
                    .for_each(|p, &g, m, v| adam_element(p, g, m, v, &coefficients)),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use crate::architecture::{Architecture, Init};
    use approx::assert_relative_eq;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn validates_hyper_parameters() {
        assert_eq!(
            AdamConfig::new(0.0, 0.9, 0.999, 1e-8),
            Err(NnError::LearningRate(0.0))
        );
        assert_eq!(
            AdamConfig::new(1e-3, 1.0, 0.999, 1e-8),
            Err(NnError::Beta1(1.0))
        );
        assert_eq!(
            AdamConfig::new(1e-3, 0.9, -0.1, 1e-8),
            Err(NnError::Beta2(-0.1))
        );
        assert!(matches!(
            AdamConfig::new(1e-3, 0.9, 0.999, f64::NAN),
            Err(NnError::AdamEpsilon(_))
        ));
        assert_eq!(
            AdamConfig::new(1e-3, 0.9, 0.999, 1e-8),
            Ok(AdamConfig::default())
        );
    }

    #[test]
    fn first_steps_follow_the_closed_form() {
        // With a constant gradient g, m_t = (1 - b1^t) g and v_t = (1 - b2^t) g^2, so every step
        // moves each parameter by exactly lr * g / (|g| + eps) (Kingma & Ba 2015, sec. 2.1).
        let arch = Architecture::new(2, 3, 1, 1, Activation::Relu, Init::PytorchDefault).unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(0));
        let start = net.clone();
        let mut grad = Gradient::zeros(&arch);
        for (l, w) in grad.weight.iter_mut().enumerate() {
            w.fill(0.5 * (l as f64 + 1.0));
        }
        for b in &mut grad.bias {
            b.fill(-2.0);
        }
        let config = AdamConfig::new(0.01, 0.9, 0.999, 1e-8).unwrap();
        let mut adam = Adam::new(config, &net);
        for _ in 0..3 {
            adam.step(&mut net, &grad);
        }
        for l in 0..=1 {
            let g = 0.5 * (l as f64 + 1.0);
            let moved = &start.weight(l) - &net.weight(l);
            for m in moved.iter() {
                assert_relative_eq!(*m, 3.0 * 0.01 * g / (g + 1e-8), max_relative = 1e-12);
            }
            let moved = &start.bias(l) - &net.bias(l);
            for m in moved.iter() {
                assert_relative_eq!(*m, -3.0 * 0.01 * 2.0 / (2.0 + 1e-8), max_relative = 1e-12);
            }
        }
        assert_eq!(adam.steps(), 3);
    }
}
