"""Results as plain Python objects: dictionaries whose keys are the library's field names
(the same names as the JSON of the command line and the sweep records), readable as
attributes, that pandas turns into a DataFrame without glue."""

from __future__ import annotations

import copy
from typing import Any, Dict, List


def _wrap(value: Any) -> Any:
    if isinstance(value, dict) and not isinstance(value, Result):
        return Result(value)
    if isinstance(value, (list, tuple)):
        return [_wrap(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return copy.copy(value)


class Result(dict):
    """A result: a ``dict`` of the library's fields, also readable as attributes
    (``estimate.targets[0].exact.bits``). ``to_dict()`` gives plain nested dicts and lists;
    ``pandas.DataFrame(list_of_results)`` gives one row per result and one column per field."""

    def __init__(self, fields: Dict[str, Any]):
        super().__init__({k: _wrap(v) for k, v in fields.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no field {name!r}; fields: {', '.join(self)}"
            ) from None

    def __dir__(self) -> List[str]:
        return list(self.keys()) + list(super().__dir__())

    def to_dict(self) -> Dict[str, Any]:
        """The result as plain nested dicts and lists (a copy)."""
        return _plain(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"


class Estimate(Result):
    """The inductive bias of one hypothesis space on one task at each target (the library's
    ``ibits::Estimate``; docs/python.md lists the fields). ``rows()`` gives one flat dict per
    target for a DataFrame with one row per (space, target)."""

    def rows(self) -> List[Dict[str, Any]]:
        """One flat dict per target: the estimate's scalar fields, then the target's fields
        with nested ones joined by dots (``exact.bits``, ``fitted.interval_bits``)."""
        head = {
            k: v
            for k, v in self.items()
            if not isinstance(v, (dict, list)) or k == "space_parameters"
        }
        head.pop("space_parameters", None)
        out = []
        for t in self["targets"]:
            row = dict(head)
            _flatten("", t, row)
            out.append(row)
        return out


def _flatten(prefix: str, fields: Dict[str, Any], out: Dict[str, Any]) -> None:
    for k, v in fields.items():
        if isinstance(v, dict):
            _flatten(f"{prefix}{k}.", v, out)
        else:
            out[f"{prefix}{k}"] = _plain(v)


class Fit(Result):
    """The fitted and counted bits of sampled test errors at one target (the fields of
    ``ibits fit --json``)."""
