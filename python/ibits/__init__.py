"""ibits: inductive bias in bits.

The information needed to pick, from a hypothesis space, a hypothesis that reaches a target
test error eps on a task with a fixed training set::

    I(eps) = -log2 P_{h ~ p_h}[ e(h) <= eps ],   e(h) = 1/(N k) sum_i sum_c (h_c(x_i) - y_ic)^2

(Boopathy et al., "Towards Exact Computation of Inductive Bias", IJCAI 2024). The same API as
the Rust library: every estimate is one ``Estimate`` with the fields of ``ibits estimate
--json``; docs/python.md has the tour.

    >>> import ibits
    >>> task = ibits.load_task("mnist", n_train=200, n_test=100)
    >>> est = ibits.gp(task, kernel=ibits.kernels.Rbf(), targets_rel=[0.5], samples=0)
    >>> round(est.targets[0].exact.bits, 1) > 0
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Union, overload

import numpy as np
from numpy.typing import ArrayLike

from . import _native, kernels, law
from ._native import Task, __version__
from ._result import Estimate, Fit, Result
from .kernels import Kernel

__all__ = [
    "Estimate",
    "Experiment",
    "Fit",
    "Gram",
    "Result",
    "Task",
    "fit",
    "gp",
    "gp_from_gram",
    "gram",
    "kernels",
    "law",
    "load_task",
    "mlp",
    "report",
    "__version__",
]

PathLike = Union[str, "Path"]


def _matrix(name: str, value: Any, column: bool = False) -> np.ndarray:
    """``value`` as a 2-D float64 array: f64 arrays pass through untouched (no copy; ibits reads
    them in place), others are converted. With ``column``, a 1-D array is one column."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: expected a numeric array, got {type(value).__name__} ({e})") from None
    if column and a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        shape = "(n,) or (n, k)" if column else "(rows, columns)"
        raise ValueError(f"{name}: expected a 2-D array {shape}, got shape {a.shape}")
    return a


def _targets(
    targets: Optional[Sequence[float]], targets_rel: Optional[Sequence[float]]
) -> Dict[str, List[float]]:
    return {
        "absolute": [float(t) for t in (targets or [])],
        "relative": [float(t) for t in (targets_rel or [])],
    }


def _options(**options: Any) -> Dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}


def load_task(source: str = "mnist", *, max_memory: Optional[int] = None, **options: Any) -> Task:
    """Load a task as ``ibits estimate --task`` does: a vendored dataset (``mnist``,
    ``fashion-mnist``, ``digits``, ``iris``, ...), ``idx:DIR``, ``csv:FILE[:LABELCOL]``,
    ``npy:X,Y[,XT,YT]`` or ``synthetic``.

    Options (the fields of a sweep file's task table; unset ones take the library's
    defaults): ``n_train``, ``n_test``, ``subset`` (``first``/``random``/``stratified``),
    ``subset_seed``, ``data_seed``, ``classes``, ``target`` (``classification``/
    ``regression``), ``scaling``, ``downsample``, ``pca``, and for synthetic tasks
    ``intrinsic_dim``, ``ambient_dim``, ``outputs``, ``noise``, ``regression``, ``manifold``,
    ``curvature``, ``teacher``, ``teacher_size``, ``teacher_frequency``. ``max_memory``
    (bytes) bounds a generated task. An unknown option is a ``ValueError``."""
    return _native.load_task(_options(source=source, **options), max_memory)


def _estimate(
    space: Dict[str, Any],
    X: Any,
    Y: Any,
    X_test: Any,
    Y_test: Any,
    name: str,
    targets: Optional[Sequence[float]],
    targets_rel: Optional[Sequence[float]],
    options: Dict[str, Any],
) -> Estimate:
    target_dict = _targets(targets, targets_rel)
    if isinstance(X, Task):
        if any(a is not None for a in (Y, X_test, Y_test)):
            raise ValueError("give a Task alone, or the four arrays X, Y, X_test, Y_test")
        out = _native.estimate_task(space, X, target_dict, options)
    else:
        if any(a is None for a in (Y, X_test, Y_test)):
            raise ValueError("give a Task, or the four arrays X, Y, X_test, Y_test")
        out = _native.estimate_arrays(
            space,
            name,
            _matrix("X", X),
            _matrix("Y", Y, column=True),
            _matrix("X_test", X_test),
            _matrix("Y_test", Y_test, column=True),
            target_dict,
            options,
        )
    return Estimate(out)


def gp(
    X: Union[Task, ArrayLike],
    Y: Optional[ArrayLike] = None,
    X_test: Optional[ArrayLike] = None,
    Y_test: Optional[ArrayLike] = None,
    *,
    kernel: Optional[Kernel] = None,
    targets: Optional[Sequence[float]] = None,
    targets_rel: Optional[Sequence[float]] = None,
    samples: Optional[int] = None,
    seed: int = 0,
    bootstrap: Optional[int] = None,
    confidence: Optional[float] = None,
    jitter_check: Optional[bool] = None,
    max_memory: Optional[int] = None,
    name: str = "arrays",
) -> Estimate:
    """The inductive bias of a Gaussian-process space (``ibits estimate --space gp``): the
    exact law of the test error, plus the paper's fitted and counted estimates from
    ``samples`` posterior samples (default 10000; 0 = exact law only).

    ``X`` is a ``Task`` (from ``load_task``) or the training inputs (n x d) with ``Y`` (n x k,
    one-hot for classification), ``X_test``, ``Y_test``. ``targets`` are absolute test errors
    eps, ``targets_rel`` fractions of the space's mean error (default: 0.5 x mean).
    ``kernel`` defaults to ``kernels.Rbf()`` (median bandwidth)."""
    kernel = kernel if kernel is not None else kernels.Rbf()
    if not isinstance(kernel, Kernel):
        raise ValueError(f"kernel: expected an ibits.kernels class (e.g. Rbf()), got {kernel!r}")
    options = _options(
        samples=samples,
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        jitter_check=jitter_check,
        max_memory=max_memory,
    )
    space = {"kind": "gp", **kernel.options()}
    return _estimate(space, X, Y, X_test, Y_test, name, targets, targets_rel, options)


def mlp(
    X: Union[Task, ArrayLike],
    Y: Optional[ArrayLike] = None,
    X_test: Optional[ArrayLike] = None,
    Y_test: Optional[ArrayLike] = None,
    *,
    targets: Optional[Sequence[float]] = None,
    targets_rel: Optional[Sequence[float]] = None,
    samples: Optional[int] = None,
    seed: int = 0,
    bootstrap: Optional[int] = None,
    confidence: Optional[float] = None,
    sample_size_advice: Optional[bool] = None,
    max_memory: Optional[int] = None,
    name: str = "arrays",
    **settings: Any,
) -> Estimate:
    """The inductive bias of trained MLPs (``ibits estimate --space mlp``): ``samples``
    networks (default 100) trained from random initialisations; the paper's fitted estimate
    and the count from the test errors of those that fit the training set.

    Settings (unset ones take the library's defaults, docs/cli.md): ``width``, ``depth``,
    ``activation``, ``init``, ``sigma_w``, ``sigma_b``, ``epochs``, ``batch_size``, ``lr``,
    ``beta1``, ``beta2``, ``train_threshold``, ``early_stop``, ``precision``."""
    options = _options(
        samples=samples,
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        sample_size_advice=sample_size_advice,
        max_memory=max_memory,
    )
    space = {"kind": "mlp", **{k: v for k, v in settings.items() if v is not None}}
    return _estimate(space, X, Y, X_test, Y_test, name, targets, targets_rel, options)


def gp_from_gram(
    K_xx: ArrayLike,
    K_xt: ArrayLike,
    K_tt: ArrayLike,
    Y: ArrayLike,
    Y_test: ArrayLike,
    *,
    targets: Optional[Sequence[float]] = None,
    targets_rel: Optional[Sequence[float]] = None,
    samples: Optional[int] = None,
    seed: int = 0,
    bootstrap: Optional[int] = None,
    confidence: Optional[float] = None,
    jitter_check: Optional[bool] = None,
    max_memory: Optional[int] = None,
    name: str = "gram",
) -> Estimate:
    """The exact law (and, with ``samples``, the fitted and counted estimates) of the GP space
    of any kernel, from its blocks: ``K_xx`` = k(X, X) (n x n, symmetric), ``K_xt`` =
    k(X, X_test) (n x N), ``K_tt`` = k(X_test, X_test) (N x N, symmetric) — e.g. a ResNet or
    attention NNGP from neural-tangents. Shapes, symmetry (to 1e-10 of the largest entry) and
    finiteness are checked; the space is reported as ``gp-gram``."""
    options = _options(
        samples=samples,
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        jitter_check=jitter_check,
        max_memory=max_memory,
    )
    out = _native.estimate_gram(
        name,
        _matrix("K_xx", K_xx),
        _matrix("K_xt", K_xt),
        _matrix("K_tt", K_tt),
        _matrix("Y", Y, column=True),
        _matrix("Y_test", Y_test, column=True),
        _targets(targets, targets_rel),
        options,
    )
    return Estimate(out)


class Gram(NamedTuple):
    """Kernel blocks as an estimate computes them, with the concrete kernel."""

    K_xx: np.ndarray
    K_xt: np.ndarray
    K_tt: np.ndarray
    kernel: Dict[str, Any]
    rule: Optional[str]


def gram(kernel: Kernel, X: Union[Task, ArrayLike], X_test: Optional[ArrayLike] = None) -> Gram:
    """The blocks k(X, X), k(X, X_test), k(X_test, X_test) exactly as ``gp`` computes them
    (the median bandwidth set from X), the concrete kernel and the rule that set a
    parameter."""
    if isinstance(X, Task):
        X, X_test = X.x_train, X.x_test
    if X_test is None:
        raise ValueError("give a Task, or X and X_test")
    k_xx, k_xt, k_tt, concrete, rule = _native.gram(
        kernel.options(), _matrix("X", X), _matrix("X_test", X_test)
    )
    return Gram(k_xx, k_xt, k_tt, concrete, rule)


@overload
def fit(losses: ArrayLike, target: float, *, bootstrap: Optional[int] = ..., seed: int = ..., confidence: Optional[float] = ...) -> Fit: ...
@overload
def fit(losses: ArrayLike, target: None = ..., *, targets: Sequence[float], bootstrap: Optional[int] = ..., seed: int = ..., confidence: Optional[float] = ...) -> List[Fit]: ...


def fit(
    losses: ArrayLike,
    target: Optional[float] = None,
    *,
    targets: Optional[Sequence[float]] = None,
    bootstrap: Optional[int] = None,
    seed: int = 0,
    confidence: Optional[float] = None,
) -> Union[Fit, List[Fit]]:
    """The paper's fitted estimate from your own models' test errors (``ibits fit``): a
    scaled non-central chi-squared fitted by maximum likelihood to ``losses`` (at least 10,
    positive), the bits -log2 P[e <= eps] under it with an interval (``bootstrap`` resamples,
    default 200), the count of losses <= eps, the paper-compatible value and warnings.

    ``target=eps`` returns one ``Fit``; ``targets=[...]`` a list (one per eps)."""
    if (target is None) == (targets is None):
        raise ValueError("give target=eps or targets=[eps, ...]")
    values = np.asarray(losses, dtype=np.float64)
    if values.ndim != 1:
        values = values.reshape(-1) if values.ndim == 2 and 1 in values.shape else values
    if values.ndim != 1:
        raise ValueError(f"losses: expected a 1-D array, got shape {values.shape}")
    eps = [float(target)] if target is not None else [float(t) for t in targets]  # type: ignore[union-attr]
    out = [Fit(r) for r in _native.fit(values, eps, bootstrap, seed, confidence)]
    return out[0] if target is not None else out


class Experiment:
    """An experiment file (a grid of tasks x spaces x sizes, docs/sweeps.md), run into a
    directory: finished cells are saved at once and skipped when run again."""

    def __init__(self, path: PathLike):
        self.path = Path(path)
        _native.check_experiment(str(self.path))

    @classmethod
    def from_toml(cls, path: PathLike) -> "Experiment":
        """Read and check an experiment file (``ValueError`` naming the line of a bad value)."""
        return cls(path)

    def run(self, out_dir: PathLike, jobs: int = 1) -> Dict[str, Any]:
        """Run every unfinished cell into ``out_dir``, ``jobs`` cells at a time; what was done
        (``grid``, ``ran``, ``skipped``, ``failed``, ...)."""
        return _native.run_experiment(str(self.path), str(out_dir), jobs)

    def __repr__(self) -> str:
        return f"Experiment({str(self.path)!r})"


def report(out_dir: PathLike, out: Optional[PathLike] = None, format: str = "markdown") -> Dict[str, Any]:
    """Write the report of a sweep directory (``ibits report``): ``markdown`` (report.md and
    PNG/SVG charts) or ``html`` (one self-contained file), into ``out`` (default
    ``out_dir/report``). Returns the document and the charts written."""
    target = Path(out) if out is not None else Path(out_dir) / "report"
    return _native.report(str(out_dir), str(target), format)
