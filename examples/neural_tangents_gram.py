#!/usr/bin/env python3
"""The exact inductive bias of a kernel that ibits does not compute: the NNGP of an infinitely
wide convolutional network from neural-tangents, handed to ibits.gp_from_gram.

neural-tangents is optional (not needed by ibits or its tests):

    pip install ./python neural-tangents "jax==0.4.35" "jaxlib==0.4.35" "tf2jax==0.3.6"
    # (neural-tangents 0.6.5 does not import with the newest jax or tf2jax)
    python3 examples/neural_tangents_gram.py

Prints the bits at 0.5 x the mean error for the CNN NNGP and, on the same task, for ibits' own
fully connected ReLU NNGP — the bits of inductive bias that locality and weight sharing add or
remove on this task.
"""
import numpy as np

import ibits

try:
    from neural_tangents import stax
except ImportError as e:  # pragma: no cover - optional dependency
    raise SystemExit(f"this example needs neural-tangents: pip install neural-tangents ({e})")

N_TRAIN, N_TEST = 300, 200
task = ibits.load_task("mnist", n_train=N_TRAIN, n_test=N_TEST)
images = lambda x: x.reshape(-1, 28, 28, 1)  # noqa: E731  (NHWC, as stax expects)

# A ReLU CNN of depth 3 (3x3 filters, 'SAME' padding), flatten readout, NTK parameterisation.
_, _, kernel_fn = stax.serial(
    stax.Conv(1, (3, 3), padding="SAME", W_std=np.sqrt(2.0), b_std=0.1), stax.Relu(),
    stax.Conv(1, (3, 3), padding="SAME", W_std=np.sqrt(2.0), b_std=0.1), stax.Relu(),
    stax.Conv(1, (3, 3), padding="SAME", W_std=np.sqrt(2.0), b_std=0.1), stax.Relu(),
    stax.Flatten(), stax.Dense(1, W_std=np.sqrt(2.0), b_std=0.1),
)
x, xt = images(task.x_train), images(task.x_test)
K_xx = np.asarray(kernel_fn(x, x, "nngp"), dtype=np.float64)
K_xt = np.asarray(kernel_fn(x, xt, "nngp"), dtype=np.float64)
K_tt = np.asarray(kernel_fn(xt, xt, "nngp"), dtype=np.float64)
# f32 round-off leaves K_xx asymmetric at ~1e-7; ibits asks for symmetry to 1e-10.
K_xx, K_tt = (K_xx + K_xx.T) / 2, (K_tt + K_tt.T) / 2

cnn = ibits.gp_from_gram(K_xx, K_xt, K_tt, task.y_train, task.y_test, targets_rel=[0.5],
                         samples=0, name="mnist")
fc = ibits.gp(task, kernel=ibits.kernels.NngpRelu(depth=3), targets_rel=[0.5], samples=0)
for label, est in (("CNN NNGP (neural-tangents)", cnn), ("FC ReLU NNGP (ibits)", fc)):
    t = est.targets[0]
    print(f"{label:28s} mean error {est.mean_error:.4f}, eps = {t.eps:.4f}: "
          f"{t.exact.bits:.1f} bits (exact, {t.exact.method})")
