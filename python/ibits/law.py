"""Laws of the test error in log space, vectorised over numpy arrays.

Arguments broadcast against each other as in ``scipy.stats``; the result has the broadcast
shape. Values are natural logarithms (nats); divide by ``-ln 2`` for bits."""

from __future__ import annotations

from typing import Optional

import numpy as np
from numpy.typing import ArrayLike

from . import _native

__all__ = ["ncx2_logcdf", "gx2_logcdf"]


def _f64(name: str, value: ArrayLike) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: expected numbers, got {value!r} ({e})") from None


def ncx2_logcdf(x: ArrayLike, df: ArrayLike, nc: ArrayLike, scale: ArrayLike = 1.0) -> np.ndarray:
    """ln P[X <= x] for X ~ scale * chi'^2_df(nc) (location 0), in nats, accurate to about
    1e-13 relative wherever it is finite in f64 (far below scipy's underflow at ~1e-308).

    ``x <= 0`` gives ``-inf`` and ``x = inf`` gives 0, as in scipy; a NaN ``x``, ``df <= 0``,
    ``nc < 0`` or ``scale <= 0`` (or a non-finite parameter) raises ``ValueError``."""
    arrays = np.broadcast_arrays(
        _f64("x", x), _f64("df", df), _f64("nc", nc), _f64("scale", scale)
    )
    shape = arrays[0].shape
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
    out = _native.ncx2_logcdf(*flat)
    return out.reshape(shape) if shape else out[0]


def gx2_logcdf(
    x: ArrayLike,
    weights: ArrayLike,
    noncentralities: ArrayLike,
    multiplicities: Optional[ArrayLike] = None,
) -> np.ndarray:
    """ln P[S <= x] for S = sum_j w_j chi'^2_{m_j}(d_j) with weights w_j > 0, total
    non-centralities d_j >= 0 and multiplicities m_j > 0 (default 1), in nats: Ruben's series
    where it converges, else the saddlepoint approximation, always inside the certified bracket
    of the library (docs/design.md, "Certified brackets"; `ibits law gx2 --json` prints the
    bracket). Each point costs up to tens of milliseconds for a 20,000-term law (the
    certification).

    ``x`` may have any shape; the law's arrays are 1-D of one length."""
    xs = _f64("x", x)
    w = _f64("weights", weights).reshape(-1)
    d = _f64("noncentralities", noncentralities).reshape(-1)
    m = np.ones_like(w) if multiplicities is None else _f64("multiplicities", multiplicities).reshape(-1)
    out = _native.gx2_logcdf(np.ascontiguousarray(xs).reshape(-1), w.tolist(), d.tolist(), m.tolist())
    return out.reshape(xs.shape) if xs.shape else out[0]
