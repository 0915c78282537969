"""Shared fixtures: small real tasks and the command-line binary to compare against."""

import os
import shutil
import subprocess
import json
from pathlib import Path

import pytest

import ibits

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def mnist():
    """MNIST, n = 200 training and N = 100 test images (vendored)."""
    return ibits.load_task("mnist", n_train=200, n_test=100)


@pytest.fixture(scope="session")
def synthetic():
    """A synthetic task: m = 2 on a line in D = 10, k = 2 classes, n = 60, N = 80."""
    return ibits.load_task(
        "synthetic", n_train=60, n_test=80, intrinsic_dim=2, ambient_dim=10, outputs=2
    )


def _binary():
    """The `ibits` binary: $IBITS_BIN (must exist when set), else the newest build in target/,
    else the PATH."""
    given = os.environ.get("IBITS_BIN")
    if given:
        if not Path(given).is_file():
            raise FileNotFoundError(f"IBITS_BIN={given} does not exist")
        return given
    builds = [p for p in (REPO / "target/release/ibits", REPO / "target/debug/ibits") if p.is_file()]
    if builds:
        return str(max(builds, key=lambda p: p.stat().st_mtime))
    return shutil.which("ibits")


@pytest.fixture(scope="session")
def cli():
    """Run the command line and parse its JSON; skipped only when no binary exists and
    IBITS_BIN is unset (.ci/run sets it)."""
    binary = _binary()
    if binary is None:
        pytest.skip("no ibits binary: build it (cargo build -p ibits-cli) or set IBITS_BIN")

    def run(*args):
        done = subprocess.run(
            [binary, *map(str, args), "--json"], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run
