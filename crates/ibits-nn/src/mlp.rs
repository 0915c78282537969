//! The network itself: parameters, initialisation, forward pass and the hand-written backward
//! pass of the mean-squared error, all on ndarray matrix products.
//!
//! Rows are examples. Layer l holds W^(l) (fan_in x fan_out), b^(l) (fan_out) and the
//! parameterisation's multipliers s_w, s_b (see [`Init`]); for a batch A^(l-1) (B x fan_in)
//!
//! ```text
//! forward:   Z^(l) = s_w A^(l-1) W^(l) + s_b 1 b^(l)^T,   A^(l) = phi(Z^(l)),   F = Z^(L+1)
//! loss:      E = 1/(B k) sum_ic (F_ic - Y_ic)^2
//! backward:  G^(L+1) = 2/(B k) (F - Y)
//!            dE/dW^(l) = s_w A^(l-1)^T G^(l),   dE/db^(l) = s_b 1^T G^(l)
//!            G^(l-1) = (s_w G^(l) W^(l)^T) . phi'(Z^(l-1))          (. = elementwise)
//! ```
//! with A^(0) = X and L = depth. Each product runs single-threaded in `matrixmultiply` (ndarray's
//! default backend, without its threading feature), so one network's arithmetic is sequential
//! and reproducible; parallelism is across networks ([`crate::sample`]).

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis, Zip};
use ndarray_rand::RandomExt;
use rand::distr::Distribution;
use rand::Rng;
use rand_distr::StandardNormal;

use crate::architecture::{Architecture, Init};
use crate::elementwise;
use crate::error::NnError;
use crate::real::Real;

/// Rows per chunk when a whole data set is pushed through the network.
const EVAL_CHUNK: usize = 256;

/// One affine layer z = s_w a W + s_b b.
#[derive(Debug, Clone, PartialEq)]
struct Layer<T> {
    weight: Array2<T>,
    bias: Array1<T>,
    weight_scale: T,
    bias_scale: T,
}

/// A multilayer perceptron with the parameters of every layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp<T> {
    architecture: Architecture,
    layers: Vec<Layer<T>>,
}

/// dE/dW^(l) and dE/db^(l) for every layer, shaped like the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient<T> {
    /// dE/dW^(l), fan_in x fan_out, input layer first.
    pub weight: Vec<Array2<T>>,
    /// dE/db^(l), fan_out, input layer first.
    pub bias: Vec<Array1<T>>,
}

impl<T: Real> Gradient<T> {
    /// A zero gradient for `architecture`.
    pub fn zeros(architecture: &Architecture) -> Self {
        let dims = architecture.layer_dims();
        Self {
            weight: dims
                .iter()
                .map(|&(i, o)| Array2::from_elem((i, o), T::from_f64(0.0)))
                .collect(),
            bias: dims
                .iter()
                .map(|&(_, o)| Array1::from_elem(o, T::from_f64(0.0)))
                .collect(),
        }
    }
}

/// Preallocated activations for batches of up to `capacity` rows.
#[derive(Debug, Clone)]
pub(crate) struct Workspace<T> {
    capacity: usize,
    /// Z^(l) for l = 1..=L+1 (index l - 1).
    z: Vec<Array2<T>>,
    /// A^(l) = phi(Z^(l)) for hidden layers l = 1..=L (index l - 1).
    a: Vec<Array2<T>>,
    /// G^(l) = dE/dZ^(l) (index l - 1).
    g: Vec<Array2<T>>,
}

impl<T: Real> Workspace<T> {
    pub(crate) fn new(architecture: &Architecture, capacity: usize) -> Self {
        let dims = architecture.layer_dims();
        let zero = T::from_f64(0.0);
        let z: Vec<Array2<T>> = dims
            .iter()
            .map(|&(_, o)| Array2::from_elem((capacity, o), zero))
            .collect();
        let a = z[..architecture.depth()].to_vec();
        let g = z.clone();
        Self { capacity, z, a, g }
    }
}

impl<T: Real> Mlp<T> {
    /// Draw the initial parameters of `architecture` from `rng`.
    ///
    /// Layers are drawn input to output; within a layer the weights in row-major
    /// (fan_in x fan_out) order, then the biases. Every draw is made in `f64` and rounded to `T`,
    /// so `Mlp::<f32>` and `Mlp::<f64>` from equal generators start from the same network up to
    /// rounding. The laws are those of [`Init`].
    pub fn init<R: Rng + ?Sized>(architecture: &Architecture, rng: &mut R) -> Self {
        let layers = architecture
            .layer_dims()
            .into_iter()
            .map(|(fan_in, fan_out)| {
                let fan = fan_in as f64;
                let (w_law, b_law, weight_scale, bias_scale) = match architecture.init() {
                    Init::PytorchDefault => {
                        let bound = 1.0 / fan.sqrt();
                        (Law::Uniform(bound), Law::Uniform(bound), 1.0, 1.0)
                    }
                    Init::Standard { sigma_w, sigma_b } => (
                        Law::Normal(sigma_w / fan.sqrt()),
                        Law::Normal(sigma_b),
                        1.0,
                        1.0,
                    ),
                    Init::Ntk { sigma_w, sigma_b } => (
                        Law::Normal(1.0),
                        Law::Normal(1.0),
                        sigma_w / fan.sqrt(),
                        sigma_b,
                    ),
                };
                // ndarray-rand fills in row-major order, one draw per entry.
                let weight = Array2::random_using((fan_in, fan_out), Draw::<T>::new(w_law), rng);
                let bias = Array1::random_using(fan_out, Draw::<T>::new(b_law), rng);
                Layer {
                    weight,
                    bias,
                    weight_scale: T::from_f64(weight_scale),
                    bias_scale: T::from_f64(bias_scale),
                }
            })
            .collect();
        Self {
            architecture: *architecture,
            layers,
        }
    }

    /// The architecture this network was built for.
    pub fn architecture(&self) -> &Architecture {
        &self.architecture
    }

    /// W^(l) (fan_in x fan_out) of affine layer `l` (0 = input layer, depth = output layer).
    ///
    /// # Panics
    /// If `l > depth`.
    pub fn weight(&self, l: usize) -> ArrayView2<'_, T> {
        self.layers[l].weight.view()
    }

    /// b^(l) of affine layer `l`.
    ///
    /// # Panics
    /// If `l > depth`.
    pub fn bias(&self, l: usize) -> ArrayView1<'_, T> {
        self.layers[l].bias.view()
    }

    /// The same network with parameters rounded (or widened) to another float type.
    pub fn cast<U: Real>(&self) -> Mlp<U> {
        let cast = |v: T| U::from_f64(v.to_f64());
        Mlp {
            architecture: self.architecture,
            layers: self
                .layers
                .iter()
                .map(|layer| Layer {
                    weight: layer.weight.mapv(cast),
                    bias: layer.bias.mapv(cast),
                    weight_scale: cast(layer.weight_scale),
                    bias_scale: cast(layer.bias_scale),
                })
                .collect(),
        }
    }

    /// Outputs f(x) for every row of `x` (n x input_dim) -> n x output_dim.
    ///
    /// # Errors
    /// [`NnError::Shape`] if `x` does not have input_dim columns.
    pub fn predict(&self, x: ArrayView2<'_, T>) -> Result<Array2<T>, NnError> {
        self.check_inputs("x", x)?;
        let n = x.nrows();
        let mut out = Array2::from_elem((n, self.architecture.output_dim()), T::from_f64(0.0));
        let mut ws = Workspace::new(&self.architecture, EVAL_CHUNK.min(n.max(1)));
        for start in (0..n).step_by(EVAL_CHUNK) {
            let end = (start + EVAL_CHUNK).min(n);
            self.forward(x.slice(s![start..end, ..]), &mut ws);
            let last = &ws.z[self.architecture.depth()];
            out.slice_mut(s![start..end, ..])
                .assign(&last.slice(s![..end - start, ..]));
        }
        Ok(out)
    }

    /// The error of the network on (x, y): the mean over the n*k entries of the squared
    /// difference between outputs and targets.
    ///
    /// # Formula
    /// ```text
    /// e(h) = 1/(n k) * sum_i sum_c (h_c(x_i) - y_ic)^2
    /// ```
    /// accumulated in f64 whatever `T` is (docs/design.md §1; with one-hot y this is the test error
    /// of the inductive-bias definition).
    ///
    /// # Errors
    /// [`NnError::Shape`] if `x` or `y` does not match the network or each other, and
    /// [`NnError::Empty`] if they have no rows.
    pub fn mean_squared_error(
        &self,
        x: ArrayView2<'_, T>,
        y: ArrayView2<'_, T>,
    ) -> Result<f64, NnError> {
        self.check_pair(x, y)?;
        let mut ws = Workspace::new(&self.architecture, EVAL_CHUNK.min(x.nrows()));
        Ok(self.mean_squared_error_with(x, y, &mut ws))
    }

    /// The loss E = mean squared error on the batch (x, y) and its gradient with respect to
    /// every parameter, by the backward pass in the module documentation.
    ///
    /// # Errors
    /// [`NnError::Shape`] or [`NnError::Empty`] as for [`Mlp::mean_squared_error`].
    pub fn loss_and_gradient(
        &self,
        x: ArrayView2<'_, T>,
        y: ArrayView2<'_, T>,
    ) -> Result<(f64, Gradient<T>), NnError> {
        self.check_pair(x, y)?;
        let mut ws = Workspace::new(&self.architecture, x.nrows());
        let mut grad = Gradient::zeros(&self.architecture);
        let loss = self.loss_and_gradient_with(x, y, &mut ws, &mut grad);
        Ok((loss, grad))
    }

    /// Apply `update(parameter, gradient)` to every (parameter array, gradient array) pair: the
    /// hook the optimiser uses. Order: layer by layer, weights then biases.
    pub(crate) fn for_each_parameter(
        &mut self,
        grad: &Gradient<T>,
        mut update: impl FnMut(usize, ndarray::ArrayViewMutD<'_, T>, ndarray::ArrayViewD<'_, T>),
    ) {
        for (l, layer) in self.layers.iter_mut().enumerate() {
            update(
                2 * l,
                layer.weight.view_mut().into_dyn(),
                grad.weight[l].view().into_dyn(),
            );
            update(
                2 * l + 1,
                layer.bias.view_mut().into_dyn(),
                grad.bias[l].view().into_dyn(),
            );
        }
    }

    /// Mutable access to every parameter as flat slices (weights then bias, layer by layer);
    /// for finite-difference checks.
    pub fn parameters_mut(&mut self) -> Vec<&mut [T]> {
        let mut out = Vec::with_capacity(2 * self.layers.len());
        for layer in &mut self.layers {
            // Both arrays are freshly allocated standard-layout arrays, so they are contiguous.
            if let Some(w) = layer.weight.as_slice_mut() {
                out.push(w);
            }
            if let Some(b) = layer.bias.as_slice_mut() {
                out.push(b);
            }
        }
        out
    }

    /// Flat view of a gradient in the order of [`Mlp::parameters_mut`].
    pub fn flatten_gradient(grad: &Gradient<T>) -> Vec<T> {
        let mut out = Vec::new();
        for (w, b) in grad.weight.iter().zip(&grad.bias) {
            out.extend(w.iter().copied());
            out.extend(b.iter().copied());
        }
        out
    }

    pub(crate) fn mean_squared_error_with(
        &self,
        x: ArrayView2<'_, T>,
        y: ArrayView2<'_, T>,
        ws: &mut Workspace<T>,
    ) -> f64 {
        let n = x.nrows();
        let depth = self.architecture.depth();
        let mut sum = 0.0_f64;
        for start in (0..n).step_by(ws.capacity) {
            let end = (start + ws.capacity).min(n);
            self.forward(x.slice(s![start..end, ..]), ws);
            let out = ws.z[depth].slice(s![..end - start, ..]);
            Zip::from(&out)
                .and(y.slice(s![start..end, ..]))
                .for_each(|&f, &t| {
                    let d = f.to_f64() - t.to_f64();
                    sum += d * d;
                });
        }
        sum / (n * y.ncols()) as f64
    }

    /// Forward pass of the batch `x` (rows <= capacity) into `ws.z` and `ws.a`.
    pub(crate) fn forward(&self, x: ArrayView2<'_, T>, ws: &mut Workspace<T>) {
        let b = x.nrows();
        let depth = self.architecture.depth();
        let activation = self.architecture.activation();
        for (l, layer) in self.layers.iter().enumerate() {
            let (a_prev, a_rest) = ws.a.split_at_mut(l.min(depth));
            let input = if l == 0 {
                x
            } else {
                a_prev[l - 1].slice(s![..b, ..])
            };
            let mut z = ws.z[l].slice_mut(s![..b, ..]);
            for mut row in z.rows_mut() {
                Zip::from(&mut row)
                    .and(&layer.bias)
                    .for_each(|z, &b| *z = layer.bias_scale * b);
            }
            T::gemm(
                layer.weight_scale,
                input,
                layer.weight.view(),
                true,
                z.view_mut(),
            );
            if l < depth {
                let mut a = a_rest[0].slice_mut(s![..b, ..]);
                match (z.as_slice(), a.as_slice_mut()) {
                    (Some(z), Some(a)) => elementwise::activate(activation, z, a),
                    _ => Zip::from(&mut a)
                        .and(&z)
                        .for_each(|a, &z| *a = activation.apply(z)),
                }
            }
        }
    }

    /// Forward and backward pass on the batch (x, y) (rows <= capacity); writes the gradient
    /// into `grad` and returns the batch loss.
    pub(crate) fn loss_and_gradient_with(
        &self,
        x: ArrayView2<'_, T>,
        y: ArrayView2<'_, T>,
        ws: &mut Workspace<T>,
        grad: &mut Gradient<T>,
    ) -> f64 {
        self.forward(x, ws);
        let b = x.nrows();
        let depth = self.architecture.depth();
        let activation = self.architecture.activation();
        let k = y.ncols();
        let two_over_bk = T::from_f64(2.0 / (b * k) as f64);

        let mut loss = 0.0_f64;
        {
            let out = ws.z[depth].slice(s![..b, ..]);
            let mut g = ws.g[depth].slice_mut(s![..b, ..]);
            Zip::from(&mut g).and(&out).and(y).for_each(|g, &f, &t| {
                let d = f - t;
                let d64 = d.to_f64();
                loss += d64 * d64;
                *g = two_over_bk * d;
            });
        }
        loss /= (b * k) as f64;

        for l in (0..=depth).rev() {
            let layer = &self.layers[l];
            let (g_below, g_here) = ws.g.split_at_mut(l);
            let g = g_here[0].slice(s![..b, ..]);
            let input = if l == 0 {
                x
            } else {
                ws.a[l - 1].slice(s![..b, ..])
            };
            T::gemm(
                layer.weight_scale,
                input.t(),
                g,
                false,
                grad.weight[l].view_mut(),
            );
            let column_sums = g.sum_axis(Axis(0));
            Zip::from(&mut grad.bias[l])
                .and(&column_sums)
                .for_each(|db, &s| *db = layer.bias_scale * s);
            if l > 0 {
                let mut g_prev = g_below[l - 1].slice_mut(s![..b, ..]);
                T::gemm(
                    layer.weight_scale,
                    g,
                    layer.weight.t(),
                    false,
                    g_prev.view_mut(),
                );
                let (z, a) = (
                    ws.z[l - 1].slice(s![..b, ..]),
                    ws.a[l - 1].slice(s![..b, ..]),
                );
                match (g_prev.as_slice_mut(), z.as_slice(), a.as_slice()) {
                    (Some(g), Some(z), Some(a)) => {
                        elementwise::multiply_by_derivative(activation, g, z, a)
                    }
                    _ => Zip::from(&mut g_prev)
                        .and(z)
                        .and(a)
                        .for_each(|g, &z, &a| *g *= activation.derivative(z, a)),
                }
            }
        }
        loss
    }

    fn check_inputs(&self, what: &'static str, x: ArrayView2<'_, T>) -> Result<(), NnError> {
        let d = self.architecture.input_dim();
        if x.ncols() != d {
            return Err(NnError::Shape {
                what,
                expected: (x.nrows(), d),
                got: x.dim(),
            });
        }
        Ok(())
    }

    fn check_pair(&self, x: ArrayView2<'_, T>, y: ArrayView2<'_, T>) -> Result<(), NnError> {
        self.check_inputs("x", x)?;
        if x.nrows() == 0 {
            return Err(NnError::Empty("x"));
        }
        let expected = (x.nrows(), self.architecture.output_dim());
        if y.dim() != expected {
            return Err(NnError::Shape {
                what: "y",
                expected,
                got: y.dim(),
            });
        }
        Ok(())
    }
}

/// The law of one initial parameter, drawn in f64.
#[derive(Debug, Clone, Copy)]
enum Law {
    /// U(-bound, bound).
    Uniform(f64),
    /// N(0, std^2).
    Normal(f64),
}

impl Law {
    fn draw<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        match self {
            Law::Uniform(bound) => bound * (2.0 * rng.random::<f64>() - 1.0),
            Law::Normal(std) => std * rng.sample::<f64, _>(StandardNormal),
        }
    }
}

/// A [`Law`] drawn in f64 and rounded to `T`, as a distribution for ndarray-rand.
#[derive(Debug, Clone, Copy)]
struct Draw<T> {
    law: Law,
    float: std::marker::PhantomData<T>,
}

impl<T> Draw<T> {
    fn new(law: Law) -> Self {
        Self {
            law,
            float: std::marker::PhantomData,
        }
    }
}

impl<T: Real> Distribution<T> for Draw<T> {
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> T {
        T::from_f64(self.law.draw(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::Activation;
    use approx::assert_relative_eq;
    use ndarray::array;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn small_data(n: usize, d: usize, k: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let x = Array2::from_shape_simple_fn((n, d), || rng.sample::<f64, _>(StandardNormal));
        let y = Array2::from_shape_fn((n, k), |(i, c)| if (i % k) == c { 1.0 } else { 0.0 });
        (x, y)
    }

    #[test]
    fn forward_matches_a_hand_computed_network() {
        // 2-2-1 ReLU network with NTK multipliers set by hand: s_w = 2/sqrt(2), s_b = 0.5.
        let arch = Architecture::new(
            2,
            2,
            1,
            1,
            Activation::Relu,
            Init::Ntk {
                sigma_w: 2.0,
                sigma_b: 0.5,
            },
        )
        .unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(0));
        net.layers[0].weight = array![[1.0, -1.0], [2.0, 0.5]];
        net.layers[0].bias = array![0.0, 1.0];
        net.layers[1].weight = array![[1.0], [-3.0]];
        net.layers[1].bias = array![2.0];
        let x = array![[1.0, 1.0], [-1.0, 0.0]];
        let sw = 2.0 / 2.0_f64.sqrt();
        // Row 1: z1 = sw*[3, -0.5] + 0.5*[0, 1] = [3 sw, 0.5 - 0.5 sw]; relu -> [3 sw, 0]
        //        f = sw*(3 sw) + 0.5*2 = 3 sw^2 + 1 = 7.
        // Row 2: z1 = sw*[-1, 1] + [0, 0.5] -> relu [0, sw + 0.5]; f = sw*(-3 (sw + 0.5)) + 1.
        let want = [3.0 * sw * sw + 1.0, sw * (-3.0 * (sw + 0.5)) + 1.0];
        let got = net.predict(x.view()).unwrap();
        for (g, w) in got.iter().zip(want) {
            assert_relative_eq!(*g, w, max_relative = 1e-15);
        }
    }

    /// The ReLU on/off pattern of every hidden unit for the data x.
    fn relu_pattern(net: &Mlp<f64>, x: ArrayView2<'_, f64>) -> Vec<bool> {
        let mut ws = Workspace::new(net.architecture(), x.nrows());
        net.forward(x, &mut ws);
        let depth = net.architecture().depth();
        ws.z[..depth]
            .iter()
            .flat_map(|z| z.iter().map(|v| *v > 0.0).collect::<Vec<_>>())
            .collect()
    }

    /// Finite-difference gradient check: max over parameters of
    /// |g - g_fd| / max(|g|, |g_fd|, floor), floor = 1e-6 * max |g| (components that are zero
    /// to working precision cannot carry a relative error).
    ///
    /// g_fd is the fourth-order central difference
    /// (-E(p+2h) + 8E(p+h) - 8E(p-h) + E(p-2h)) / (12h), h = 1e-4: its truncation error is
    /// O(h^4) for smooth activations, and for ReLU it is exact whenever no unit changes sign
    /// between p-2h and p+2h (the loss is then a quadratic in one parameter) — which is
    /// verified for every parameter, shrinking h where a unit would cross its kink.
    fn gradient_check(activation: Activation, depth: usize, init: Init) -> f64 {
        let (n, d, k, width) = (7, 5, 3, 6);
        let arch = Architecture::new(d, width, depth, k, activation, init).unwrap();
        let mut net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(11 + depth as u64));
        let (x, y) = small_data(n, d, k, 5);
        let (_, grad) = net.loss_and_gradient(x.view(), y.view()).unwrap();
        let analytic = Mlp::flatten_gradient(&grad);
        let base_pattern = relu_pattern(&net, x.view());
        let mut numeric = Vec::with_capacity(analytic.len());
        let sizes: Vec<usize> = net.parameters_mut().iter().map(|p| p.len()).collect();
        for (block, &len) in sizes.iter().enumerate() {
            for j in 0..len {
                let original = net.parameters_mut()[block][j];
                let loss_at = |net: &mut Mlp<f64>, offset: f64| {
                    net.parameters_mut()[block][j] = original + offset;
                    let loss = net.mean_squared_error(x.view(), y.view()).unwrap();
                    let pattern = relu_pattern(net, x.view());
                    net.parameters_mut()[block][j] = original;
                    (loss, pattern)
                };
                let mut h = 1e-4;
                let derivative = loop {
                    let points: Vec<(f64, Vec<bool>)> = [2.0, 1.0, -1.0, -2.0]
                        .iter()
                        .map(|m| loss_at(&mut net, m * h))
                        .collect();
                    let same_pattern = points.iter().all(|(_, p)| *p == base_pattern);
                    if activation != Activation::Relu || same_pattern {
                        let e: Vec<f64> = points.iter().map(|(l, _)| *l).collect();
                        break (-e[0] + 8.0 * e[1] - 8.0 * e[2] + e[3]) / (12.0 * h);
                    }
                    h /= 10.0;
                    assert!(h > 1e-9, "a ReLU unit sits on its kink");
                };
                numeric.push(derivative);
            }
        }
        let scale = analytic.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
        assert!(scale > 0.0);
        analytic
            .iter()
            .zip(&numeric)
            .map(|(a, f)| (a - f).abs() / a.abs().max(f.abs()).max(1e-6 * scale))
            .fold(0.0, f64::max)
    }

    #[test]
    fn backward_pass_matches_finite_differences_for_every_activation_and_depth() {
        let inits = [
            Init::PytorchDefault,
            Init::Ntk {
                sigma_w: 1.5,
                sigma_b: 0.2,
            },
            Init::Standard {
                sigma_w: 1.3,
                sigma_b: 0.1,
            },
        ];
        for activation in Activation::ALL {
            for depth in 0..=3 {
                for init in inits {
                    let rel = gradient_check(activation, depth, init);
                    println!("{activation} depth {depth} {init}: max relative error {rel:.2e}");
                    assert!(
                        rel < 1e-6,
                        "{activation} depth {depth} {init}: relative error {rel:e}"
                    );
                }
            }
        }
    }

    #[test]
    fn f32_network_agrees_with_f64() {
        let arch = Architecture::new(5, 16, 2, 3, Activation::Erf, Init::PytorchDefault).unwrap();
        let net64 = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(1));
        let net32 = Mlp::<f32>::init(&arch, &mut ChaCha8Rng::seed_from_u64(1));
        assert_eq!(net64.cast::<f32>(), net32);
        let (x, y) = small_data(9, 5, 3, 2);
        let e64 = net64.mean_squared_error(x.view(), y.view()).unwrap();
        let e32 = net32
            .mean_squared_error(x.mapv(|v| v as f32).view(), y.mapv(|v| v as f32).view())
            .unwrap();
        assert_relative_eq!(e64, e32, max_relative = 1e-5);
    }

    #[test]
    fn chunked_evaluation_equals_one_batch() {
        // More rows than EVAL_CHUNK, so predict() and the error loop cross chunk borders.
        let arch = Architecture::new(3, 8, 2, 2, Activation::Tanh, Init::PytorchDefault).unwrap();
        let net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(3));
        let (x, y) = small_data(EVAL_CHUNK + 37, 3, 2, 4);
        let (loss, _) = net.loss_and_gradient(x.view(), y.view()).unwrap();
        let mse = net.mean_squared_error(x.view(), y.view()).unwrap();
        let pred = net.predict(x.view()).unwrap();
        let direct = (&pred - &y).mapv(|v| v * v).mean().unwrap();
        assert_relative_eq!(loss, mse, max_relative = 1e-13);
        assert_relative_eq!(direct, mse, max_relative = 1e-13);
    }

    #[test]
    fn shape_errors_name_the_array() {
        let arch = Architecture::new(3, 4, 1, 2, Activation::Relu, Init::PytorchDefault).unwrap();
        let net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(0));
        let x = Array2::<f64>::zeros((5, 4));
        assert_eq!(
            net.predict(x.view()),
            Err(NnError::Shape {
                what: "x",
                expected: (5, 3),
                got: (5, 4)
            })
        );
        let x = Array2::<f64>::zeros((5, 3));
        let y = Array2::<f64>::zeros((4, 2));
        assert_eq!(
            net.mean_squared_error(x.view(), y.view()),
            Err(NnError::Shape {
                what: "y",
                expected: (5, 2),
                got: (4, 2)
            })
        );
    }

    #[test]
    fn pytorch_default_init_has_the_uniform_bounds_and_variance() {
        // Var U(-b, b) = b^2 / 3 with b = 1/sqrt(fan_in).
        let arch =
            Architecture::new(400, 300, 1, 2, Activation::Relu, Init::PytorchDefault).unwrap();
        let net = Mlp::<f64>::init(&arch, &mut ChaCha8Rng::seed_from_u64(9));
        let w = net.weight(0);
        let bound = 1.0 / 400.0_f64.sqrt();
        assert!(w.iter().all(|v| v.abs() < bound));
        let var = w.mapv(|v| v * v).mean().unwrap();
        // 120,000 draws: the sample variance is within 1% of b^2/3 with overwhelming probability.
        assert_relative_eq!(var, bound * bound / 3.0, max_relative = 0.01);
    }
}
