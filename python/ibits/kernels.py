"""Kernels of Gaussian-process spaces, as the library names them (docs/cli.md lists each
kernel's options and defaults). An option left at ``None`` takes the library's default."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Dict, Optional, Union

__all__ = ["Kernel", "Rbf", "Linear", "Polynomial", "NngpRelu", "NngpErf", "NtkRelu"]


@dataclass(frozen=True)
class Kernel:
    """Base of the kernel classes; ``options()`` gives the library's ``KernelOptions``."""

    name = ""

    def options(self) -> Dict[str, Any]:
        """The kernel as the library reads it: its name and the options that were set."""
        out: Dict[str, Any] = {"kernel": self.name}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value
        return out


@dataclass(frozen=True)
class Rbf(Kernel):
    """k(x, y) = amplitude * exp(-|x - y|^2 / (2 bandwidth^2)); ``bandwidth="median"`` (the
    default) is the median pairwise distance of the training inputs."""

    bandwidth: Optional[Union[float, str]] = None
    amplitude: Optional[float] = None
    name = "rbf"


@dataclass(frozen=True)
class Linear(Kernel):
    """k(x, y) = sigma_b^2 + sigma_w^2 x.y / d."""

    sigma_w: Optional[float] = None
    sigma_b: Optional[float] = None
    name = "linear"


@dataclass(frozen=True)
class Polynomial(Kernel):
    """k(x, y) = (sigma_b^2 + sigma_w^2 x.y / d)^degree."""

    degree: Optional[int] = None
    sigma_w: Optional[float] = None
    sigma_b: Optional[float] = None
    name = "polynomial"


@dataclass(frozen=True)
class NngpRelu(Kernel):
    """NNGP of an infinitely wide ReLU network with ``depth`` hidden layers."""

    depth: Optional[int] = None
    sigma_w: Optional[float] = None
    sigma_b: Optional[float] = None
    name = "nngp-relu"


@dataclass(frozen=True)
class NngpErf(Kernel):
    """NNGP of an infinitely wide erf network with ``depth`` hidden layers."""

    depth: Optional[int] = None
    sigma_w: Optional[float] = None
    sigma_b: Optional[float] = None
    name = "nngp-erf"


@dataclass(frozen=True)
class NtkRelu(Kernel):
    """Neural tangent kernel of an infinitely wide ReLU network with ``depth`` hidden layers."""

    depth: Optional[int] = None
    sigma_w: Optional[float] = None
    sigma_b: Optional[float] = None
    name = "ntk-relu"
