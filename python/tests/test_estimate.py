"""Estimates from Python: tasks, GP spaces, Gram matrices, trained networks, and agreement
with the command line to the last digit."""

import math

import numpy as np
import pandas as pd
import pytest

import ibits
from ibits import kernels


# Fields that measure the run rather than the estimate, and the command line's description of
# the task it loaded (Python has it on the Task).
RUN_FIELDS = {"total_s", "threads", "details", "task_description"}


def as_json(value):
    """A Python result as JSON carries it: infinities become null (JSON has no infinity)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, float) and math.isinf(value):
        return None
    return value


def same_estimate(a, b, skip=()):
    """Every field of two estimates equal (floats to the last digit), run timings aside."""
    a = as_json(a.to_dict() if hasattr(a, "to_dict") else a)
    b = as_json(b.to_dict() if hasattr(b, "to_dict") else b)
    for key in set(a) | set(b):
        if key in RUN_FIELDS or key in skip:
            continue
        assert a.get(key) == b.get(key), f"{key}: {a.get(key)!r} != {b.get(key)!r}"


def test_load_task_gives_read_only_arrays_of_the_stated_shapes(mnist):
    assert (mnist.n, mnist.test_n, mnist.k, mnist.input_dim) == (200, 100, 10, 784)
    assert mnist.x_train.shape == (200, 784) and mnist.y_test.shape == (100, 10)
    assert mnist.x_train.dtype == np.float64
    assert 0.0 <= mnist.x_train.min() and mnist.x_train.max() <= 1.0  # pixels / 255
    np.testing.assert_array_equal(mnist.y_train.sum(axis=1), 1.0)  # one-hot rows
    assert mnist.labels_train[:5] == list(np.argmax(mnist.y_train[:5], axis=1))
    with pytest.raises(ValueError):
        mnist.x_train[0, 0] = 1.0
    assert "mnist" in repr(mnist)


def test_load_task_rejects_unknown_options_and_sources():
    with pytest.raises(ValueError, match="n_trian"):
        ibits.load_task("mnist", n_trian=10)
    with pytest.raises(ValueError, match="n_train"):
        ibits.load_task("mnist", n_train=0)
    with pytest.raises((ValueError, OSError)):
        ibits.load_task("no-such-dataset")
    with pytest.raises(OSError, match="missing.npy"):
        ibits.load_task("npy:missing.npy,missing_y.npy")


def test_gp_on_a_task_equals_gp_on_its_arrays(mnist):
    a = ibits.gp(mnist, kernel=kernels.Rbf(), targets_rel=[0.5], samples=0)
    b = ibits.gp(
        mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test,
        kernel=kernels.Rbf(), targets_rel=[0.5], samples=0, name="mnist",
    )
    same_estimate(a, b)
    t = a.targets[0]
    assert a.unit == "bits" and a.space == "gp-rbf" and (a.n, a.test_n, a.k) == (200, 100, 10)
    assert math.isclose(t.eps, 0.5 * a.mean_error, rel_tol=1e-15)
    # Chernoff is a lower bound on the exact bits; both positive for eps below the mean.
    assert t.exact.bits >= t.exact.chernoff_bits - 1e-9 > 0
    # The certified bracket holds the point value; its lower end is at least Chernoff's.
    lower, upper = t.exact.bits_bracket
    assert t.exact.chernoff_bits - 1e-9 <= lower <= t.exact.bits <= upper
    assert t.exact.certified == math.isfinite(upper)


@pytest.mark.parametrize(
    "kernel",
    [kernels.Rbf(), kernels.Rbf(bandwidth=3.0), kernels.NngpRelu(depth=2), kernels.NtkRelu(depth=1),
     kernels.NngpErf(depth=1), kernels.Linear(), kernels.Polynomial(degree=2)],
)
def test_gp_from_gram_of_ibits_kernels_equals_gp(synthetic, kernel):
    targets = dict(targets_rel=[0.3, 0.7], targets=[0.05])
    direct = ibits.gp(synthetic, kernel=kernel, samples=0, **targets)
    g = ibits.gram(kernel, synthetic)
    assert g.K_xx.shape == (60, 60) and g.K_xt.shape == (60, 80) and g.K_tt.shape == (80, 80)
    from_gram = ibits.gp_from_gram(
        g.K_xx, g.K_xt, g.K_tt, synthetic.y_train, synthetic.y_test, samples=0, **targets
    )
    assert from_gram.space == "gp-gram"
    assert math.isclose(from_gram.mean_error, direct.mean_error, rel_tol=1e-12)
    for a, b in zip(direct.targets, from_gram.targets):
        assert math.isclose(a.eps, b.eps, rel_tol=1e-12)
        for key in ("bits", "chernoff_bits", "ln_cdf"):
            if key in a.exact:
                assert math.isclose(a.exact[key], b.exact[key], rel_tol=1e-12), key


def test_gram_reports_the_median_bandwidth_it_used(synthetic):
    g = ibits.gram(kernels.Rbf(), synthetic)
    assert g.kernel["name"] == "rbf" and g.kernel["bandwidth"] > 0
    assert "median" in g.rule
    np.testing.assert_allclose(np.diag(g.K_xx), 1.0)  # amplitude 1


def test_python_and_command_line_agree_to_the_last_digit(cli):
    args = ["estimate", "--task", "mnist", "--n-train", 200, "--n-test", 100, "--kernel", "nngp-relu",
            "--depth", 2, "--target-rel", "0.3,0.6", "--samples", 200, "--bootstrap", 50, "--seed", 3]
    from_cli = cli(*args)
    task = ibits.load_task("mnist", n_train=200, n_test=100)
    from_py = ibits.gp(task, kernel=kernels.NngpRelu(depth=2), targets_rel=[0.3, 0.6],
                       samples=200, bootstrap=50, seed=3)
    same_estimate(from_py, from_cli)


def test_gram_from_the_command_line_agrees_with_python(cli, synthetic, tmp_path):
    g = ibits.gram(kernels.NngpRelu(depth=2), synthetic)
    for name, block in (("kxx", g.K_xx), ("kxt", g.K_xt), ("ktt", g.K_tt)):
        np.save(tmp_path / f"{name}.npy", block)
    np.save(tmp_path / "x.npy", synthetic.x_train)
    np.save(tmp_path / "xt.npy", synthetic.x_test)
    np.save(tmp_path / "y.npy", np.asarray(synthetic.labels_train, dtype=np.int64))
    np.save(tmp_path / "yt.npy", np.asarray(synthetic.labels_test, dtype=np.int64))
    task = f"npy:{tmp_path}/x.npy,{tmp_path}/y.npy,{tmp_path}/xt.npy,{tmp_path}/yt.npy"
    from_cli = cli("estimate", "--task", task, "--n-train", 60, "--n-test", 80, "--kernel", "gram", "--gram-train", tmp_path / "kxx.npy",
                   "--gram-cross", tmp_path / "kxt.npy", "--gram-test", tmp_path / "ktt.npy",
                   "--target-rel", "0.5", "--samples", 0)
    from_py = ibits.gp_from_gram(g.K_xx, g.K_xt, g.K_tt, synthetic.y_train, synthetic.y_test,
                                 targets_rel=[0.5], samples=0)
    direct = ibits.gp(synthetic, kernel=kernels.NngpRelu(depth=2), targets_rel=[0.5], samples=0)
    same_estimate(from_py, from_cli, skip={"task", "warnings"})
    assert math.isclose(from_cli["targets"][0]["exact"]["bits"], direct.targets[0].exact.bits,
                        rel_tol=1e-12)


def test_mlp_space_trains_networks_and_fits_their_errors(synthetic):
    est = ibits.mlp(synthetic, width=64, depth=1, epochs=300, lr=0.01, samples=12, train_threshold=0.05,
                    targets_rel=[0.9], bootstrap=20, sample_size_advice=False)
    assert est.space == "mlp" and est.samples + est.rejected == 12
    t = est.targets[0]
    assert t.exact is None and t.fitted.bits > 0 and t.counted["bits"] >= 0
    assert est.space_parameters["width"] == 64


def test_results_are_plain_objects_and_become_dataframes(synthetic):
    ests = [ibits.gp(synthetic, kernel=k, targets_rel=[0.5], samples=0)
            for k in (kernels.NngpRelu(depth=1), kernels.NtkRelu(depth=1))]
    frame = pd.DataFrame(ests)
    assert list(frame["space_label"]) == [e.space_label for e in ests]
    assert frame["mean_error"].dtype == np.float64
    rows = pd.DataFrame([r for e in ests for r in e.rows()])
    assert rows["exact.bits"].tolist() == [e.targets[0].exact.bits for e in ests]
    plain = ests[0].to_dict()
    assert type(plain) is dict and type(plain["targets"][0]) is dict
    assert plain["targets"][0]["exact"]["bits"] == ests[0].targets[0].exact.bits


def test_kernel_classes_carry_exactly_the_options_the_library_reads():
    for cls in (kernels.Rbf, kernels.Linear, kernels.Polynomial, kernels.NngpRelu,
                kernels.NngpErf, kernels.NtkRelu):
        fields = {f for f in cls.__dataclass_fields__}
        assert fields == set(ibits._native.kernel_options_read(cls.name)), cls.__name__


# Bad input: exceptions with the library's messages, never a crash.

def test_mismatched_shapes_are_value_errors(synthetic):
    x, y, xt, yt = synthetic.x_train, synthetic.y_train, synthetic.x_test, synthetic.y_test
    with pytest.raises(ValueError, match="y_train"):
        ibits.gp(x, y[:-1], xt, yt, samples=0)
    with pytest.raises(ValueError, match="x_test"):
        ibits.gp(x, y, xt[:, :-1], yt, samples=0)
    with pytest.raises(ValueError, match="2-D"):
        ibits.gp(x[None], y, xt, yt, samples=0)
    with pytest.raises(ValueError, match="four arrays"):
        ibits.gp(x, y, samples=0)
    with pytest.raises(ValueError, match="Task alone"):
        ibits.gp(synthetic, y, samples=0)


def test_nan_inputs_are_value_errors(synthetic):
    x = synthetic.x_train.copy()
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match="finite|NaN"):
        ibits.gp(x, synthetic.y_train, synthetic.x_test, synthetic.y_test, samples=0)
    y = synthetic.y_test.copy()
    y[0, 0] = np.inf
    with pytest.raises(ValueError, match="y_test"):
        ibits.gp(synthetic.x_train, synthetic.y_train, synthetic.x_test, y, samples=0)


def test_bad_gram_matrices_are_value_errors(synthetic):
    g = ibits.gram(kernels.Rbf(), synthetic)
    y, yt = synthetic.y_train, synthetic.y_test
    skew = g.K_xx.copy()
    skew[0, 1] += 0.1
    with pytest.raises(ValueError, match="symmetric"):
        ibits.gp_from_gram(skew, g.K_xt, g.K_tt, y, yt, samples=0)
    with pytest.raises(ValueError, match="K_XT"):
        ibits.gp_from_gram(g.K_xx, g.K_xt.T, g.K_tt, y, yt, samples=0)
    nan = g.K_tt.copy()
    nan[2, 2] = np.nan
    with pytest.raises(ValueError, match="finite"):
        ibits.gp_from_gram(g.K_xx, g.K_xt, nan, y, yt, samples=0)
    with pytest.raises(ValueError, match="K_XX"):
        ibits.gp_from_gram(g.K_xx[:-1, :-1], g.K_xt, g.K_tt, y, yt, samples=0)


def test_bad_targets_and_options_are_value_errors(synthetic):
    for kwargs in (dict(targets=[0.0]), dict(targets=[-1.0]), dict(targets_rel=[float("nan")])):
        with pytest.raises(ValueError, match="target|eps"):
            ibits.gp(synthetic, samples=0, **kwargs)
    with pytest.raises(ValueError, match="bandwidth"):
        ibits.gp(synthetic, kernel=kernels.Rbf(bandwidth=-1.0), samples=0)
    with pytest.raises(ValueError, match="degree"):
        ibits.gp(synthetic, kernel=kernels.Polynomial(degree=0), samples=0)
    with pytest.raises(ValueError, match="widht"):
        ibits.mlp(synthetic, widht=3)
    with pytest.raises(ValueError, match="kernel"):
        ibits.gp(synthetic, kernel="rbf")


def test_a_run_too_large_for_memory_is_a_memory_error(synthetic):
    with pytest.raises(MemoryError, match="memory|GiB|MiB"):
        ibits.gp(synthetic, samples=0, max_memory=1000)
