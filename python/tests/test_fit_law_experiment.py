"""Fits of sampled losses, the laws against scipy, experiments and reports, Ctrl-C."""

import math
import signal
import subprocess
import sys
import time
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import ibits
from test_estimate import as_json


@pytest.fixture(scope="module")
def losses():
    """400 test errors from 0.01 * ncx2(df = 20, nc = 5), seeded."""
    rng = np.random.default_rng(7)
    return 0.01 * rng.noncentral_chisquare(20.0, 5.0, size=400)


def test_fit_recovers_the_law_and_matches_the_count(losses):
    f = ibits.fit(losses, target=0.12, bootstrap=50, seed=1)
    assert f.unit == "bits" and f.n_samples == 400 and f.target == 0.12
    # The fitted mean s (df + nc) is the sample mean to the optimiser's precision.
    assert math.isclose(f.scale * (f.dof + f.noncentrality), losses.mean(), rel_tol=1e-3)
    # bits = -log2 of the fitted law's CDF at eps, by scipy's ncx2 at the fitted parameters.
    want = -stats.ncx2.logcdf(0.12 / f.scale, f.dof, f.noncentrality) / math.log(2)
    assert math.isclose(f.bits, want, rel_tol=1e-8)
    assert f.count_below == int((losses <= 0.12).sum())
    lo, hi = f.interval_bits
    assert lo <= f.bits <= hi


def test_fit_with_several_targets_gives_one_result_each_and_a_dataframe(losses):
    fits = ibits.fit(losses, targets=[0.1, 0.15, 0.2], bootstrap=0)
    frame = pd.DataFrame(fits)
    assert list(frame["target"]) == [0.1, 0.15, 0.2]
    assert frame["bits"].is_monotonic_decreasing


def test_fit_agrees_with_the_command_line(cli, losses, tmp_path):
    path = tmp_path / "losses.npy"
    np.save(path, losses)
    from_cli = cli("fit", "--losses", path, "--target", 0.12, "--bootstrap", 30, "--seed", 4)
    from_py = ibits.fit(losses, target=0.12, bootstrap=30, seed=4).to_dict()
    assert from_cli.pop("losses") == str(path)
    assert as_json(from_py) == from_cli


def test_bad_losses_and_targets_are_value_errors(losses):
    with pytest.raises(ValueError, match="eps|target"):
        ibits.fit(losses, target=0.0)
    with pytest.raises(ValueError, match="eps|target"):
        ibits.fit(losses, target=-0.1)
    with pytest.raises(ValueError):
        ibits.fit(losses[:5], target=0.1)
    bad = losses.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError):
        ibits.fit(bad, target=0.1)
    with pytest.raises(ValueError, match="1-D"):
        ibits.fit(losses.reshape(20, 20), target=0.1)
    with pytest.raises(ValueError, match="target"):
        ibits.fit(losses)


def test_ncx2_logcdf_matches_scipy_where_scipy_is_finite():
    rng = np.random.default_rng(0)
    x = 10 ** rng.uniform(-2, 3, 20000)
    df = 10 ** rng.uniform(-1, 3, 20000)
    nc = np.where(rng.random(20000) < 0.2, 0.0, 10 ** rng.uniform(-2, 3, 20000))
    ours = ibits.law.ncx2_logcdf(x, df, nc)
    with np.errstate(all="ignore"):
        theirs = stats.ncx2.logcdf(x, df, nc)
    # scipy is accurate where its CDF is neither tiny nor within rounding of 1.
    ok = np.isfinite(theirs) & (theirs > -50) & (theirs < -1e-6)
    assert ok.sum() > 5000
    np.testing.assert_allclose(ours[ok], theirs[ok], rtol=1e-6)
    assert np.all(np.isfinite(ours)) and np.all(ours <= 0)


def test_ncx2_logcdf_broadcasts_like_scipy_and_reaches_far_below_underflow():
    x = np.array([[0.5], [1.0], [2.0]])
    out = ibits.law.ncx2_logcdf(x, np.array([1.0, 4.0]), 2.0, scale=[1.0, 3.0])
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out, stats.ncx2.logcdf(x / np.array([1.0, 3.0]), [1.0, 4.0], 2.0), rtol=1e-9)
    assert isinstance(ibits.law.ncx2_logcdf(1.0, 2.0, 0.0), float)
    # chi^2_2: ln P[X <= x] = ln(1 - e^{-x/2}) ~ ln(x/2) as x -> 0; far below f64's 1e-308.
    tiny = 1e-300
    assert math.isclose(ibits.law.ncx2_logcdf(tiny, 2.0, 0.0), math.log(tiny / 2), rel_tol=1e-12)
    deep = ibits.law.ncx2_logcdf(1e-3, 2000.0, 10.0)
    assert np.isfinite(deep) and deep < -5000
    assert ibits.law.ncx2_logcdf(0.0, 3.0, 1.0) == -np.inf
    assert ibits.law.ncx2_logcdf(np.inf, 3.0, 1.0) == 0.0


def test_law_parameters_out_of_range_are_value_errors():
    with pytest.raises(ValueError, match="index 1"):
        ibits.law.ncx2_logcdf([1.0, 1.0], [2.0, -1.0], 0.0)
    with pytest.raises(ValueError, match="NaN"):
        ibits.law.ncx2_logcdf(np.nan, 2.0, 0.0)
    with pytest.raises(ValueError):
        ibits.law.ncx2_logcdf(1.0, 2.0, -0.5)
    with pytest.raises(ValueError):
        ibits.law.ncx2_logcdf(np.ones(3), np.ones(2), 0.0)  # shapes do not broadcast
    with pytest.raises(ValueError):
        ibits.law.gx2_logcdf(1.0, [1.0, 0.0], [0.0, 0.0])


def test_gx2_of_one_term_is_the_scaled_ncx2():
    x = np.array([0.1, 1.0, 5.0, 30.0])
    one = ibits.law.gx2_logcdf(x, [2.0], [3.0], [4.0])
    np.testing.assert_allclose(one, stats.ncx2.logcdf(x / 2.0, 4.0, 3.0), rtol=1e-8)
    # Two equal weights are one term with the multiplicities and non-centralities added.
    two = ibits.law.gx2_logcdf(x, [2.0, 2.0], [1.0, 2.0], [1.0, 3.0])
    np.testing.assert_allclose(two, one, rtol=1e-10)


TOML = textwrap.dedent(
    """
    name = "tiny"
    seed = 0

    [grid]
    task = [{ source = "synthetic", intrinsic_dim = 2, ambient_dim = 6, outputs = 2 }]
    space = [{ kind = "gp", kernel = "nngp-relu", depth = [1, 2] }]
    n = [30]
    test_n = [40]
    eps_relative = [0.5]

    [settings]
    samples = 0
    """
)


def test_experiment_runs_resumes_and_reports(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TOML)
    exp = ibits.Experiment.from_toml(path)
    first = exp.run(tmp_path / "out")
    assert (first["grid"], first["ran"], first["failed"]) == (2, 2, [])
    again = exp.run(tmp_path / "out")
    assert (again["ran"], again["skipped"]) == (0, 2)
    files = ibits.report(tmp_path / "out")
    assert files["document"].name == "report.md" and files["document"].is_file()
    assert files["plots"] and all(png.is_file() and svg.is_file() for png, svg in files["plots"])
    html = ibits.report(tmp_path / "out", tmp_path / "html", format="html")
    assert html["document"].name == "report.html"
    with pytest.raises(ValueError, match="format"):
        ibits.report(tmp_path / "out", format="pdf")


def test_a_bad_experiment_file_names_its_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(TOML.replace("n = [30]", "n = [-30]"))
    with pytest.raises(ValueError, match="line"):
        ibits.Experiment.from_toml(path)
    with pytest.raises(OSError):
        ibits.Experiment.from_toml(tmp_path / "missing.toml")


def test_ctrl_c_interrupts_a_long_estimate_at_once():
    code = textwrap.dedent(
        """
        import ibits, sys
        task = ibits.load_task("mnist", n_train=4000, n_test=4000)
        print("ready", flush=True)
        ibits.gp(task, samples=10000)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - sent < 5.0, "Ctrl-C took more than 5 s"
    assert "KeyboardInterrupt" in err
    assert proc.returncode != 0
