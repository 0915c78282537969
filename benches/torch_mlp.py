#!/usr/bin/env python3
"""PyTorch baseline for the MLP training benchmark in docs/benchmarks.md.

Trains the same network as `cargo bench -p ibits-nn --bench mlp_train` with the same settings:
784-256-256-10 ReLU MLP (depth 2 = two hidden layers), PyTorch-default nn.Linear initialisation,
Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8), MSE to one-hot targets (mean over batch*10 entries),
minibatches of 64 in a fresh random order every epoch with the last partial batch kept, 20 epochs,
on the first 1000 MNIST training images (pixels / 255) and evaluated on the first 1000 test images.
Test error = mean over N*k entries of (f_c(x_i) - y_ic)^2, as in ibits.

Minibatches are taken by indexing tensors (no DataLoader, which would only add overhead to the
baseline). `torch.set_num_threads(t)` sets the intra-op threads.

    python3 benches/torch_mlp.py --mnist data/mnist [--threads 1] [--dtype float32|float64]
        [--repeats 3] [--samples 0] [--also-run-ibits]

With --also-run-ibits the script then runs the Rust benchmark (`cargo bench -p ibits-nn --bench
mlp_train`, f64 and f32) in the same session and prints all rows side by side.
"""

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time

import numpy as np
import torch


def read_idx(path):
    for candidate in (path + ".gz", path):
        if os.path.exists(candidate):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(candidate, "rb") as f:
                return f.read()
    raise FileNotFoundError(path + "(.gz)")


def mnist_split(directory, prefix, n):
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"))
    assert int.from_bytes(images[0:4], "big") == 0x0803
    assert int.from_bytes(labels[0:4], "big") == 0x0801
    rows, cols = int.from_bytes(images[8:12], "big"), int.from_bytes(images[12:16], "big")
    d = rows * cols
    x = np.frombuffer(images, dtype=np.uint8, count=n * d, offset=16).reshape(n, d) / 255.0
    y = np.eye(10)[np.frombuffer(labels, dtype=np.uint8, count=n, offset=8)]
    return x, y


def make_net(width, depth):
    layers, fan_in = [], 784
    for _ in range(depth):
        layers += [torch.nn.Linear(fan_in, width), torch.nn.ReLU()]
        fan_in = width
    layers.append(torch.nn.Linear(fan_in, 10))
    return torch.nn.Sequential(*layers)


def train_one(seed, x, y, xt, yt, args, dtype):
    torch.manual_seed(seed)
    net = make_net(args.width, args.depth).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.MSELoss()
    n = x.shape[0]
    for _ in range(args.epochs):
        perm = torch.randperm(n)
        for start in range(0, n, args.batch_size):
            idx = perm[start:start + args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
    with torch.no_grad():
        train_error = torch.mean((net(x) - y) ** 2).item()
        test_error = torch.mean((net(xt) - yt) ** 2).item()
    return train_error, test_error


def torch_rows(args):
    torch.set_num_threads(args.threads)
    dtype = {"float32": torch.float32, "float64": torch.float64}[args.dtype]
    xa, ya = mnist_split(args.mnist, "train", args.n)
    xb, yb = mnist_split(args.mnist, "t10k", args.n_test)
    x, y, xt, yt = (torch.tensor(a, dtype=dtype) for a in (xa, ya, xb, yb))
    train_one(1234, x, y, xt, yt, args, dtype)  # warm-up (allocator, kernels)
    best, errors = float("inf"), None
    for r in range(args.repeats):
        start = time.perf_counter()
        errors = train_one(r, x, y, xt, yt, args, dtype)
        best = min(best, time.perf_counter() - start)
    row = {
        "impl": "pytorch",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "dtype": args.dtype,
        "threads": torch.get_num_threads(),
        "arch": f"784-{args.width}x{args.depth}-10",
        "n": args.n,
        "n_test": args.n_test,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "seconds_one_network": round(best, 4),
        "train_error": errors[0],
        "test_error": errors[1],
    }
    if args.samples > 0:
        start = time.perf_counter()
        test_errors = [train_one(10_000 + s, x, y, xt, yt, args, dtype)[1] for s in range(args.samples)]
        row["samples"] = args.samples
        row["seconds_all_samples"] = round(time.perf_counter() - start, 3)
        row["mean_test_error"] = float(np.mean(test_errors))
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mnist", default="data/mnist")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--n-test", type=int, default=1000)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--depth", type=int, default=2, help="number of hidden layers")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--samples", type=int, default=0, help="also time this many networks in sequence")
    p.add_argument("--also-run-ibits", action="store_true")
    args = p.parse_args()

    print(json.dumps(torch_rows(args)), flush=True)
    if args.also_run_ibits:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        mnist = os.path.abspath(args.mnist)
        for precision in ("f64", "f32"):
            cmd = [
                "cargo", "bench", "-q", "-p", "ibits-nn", "--bench", "mlp_train", "--",
                "--mnist", mnist, "--n", str(args.n), "--n-test", str(args.n_test),
                "--width", str(args.width), "--depth", str(args.depth), "--epochs", str(args.epochs),
                "--batch-size", str(args.batch_size), "--lr", str(args.lr),
                "--samples", str(max(args.samples, 1)), "--threads", "2", "--precision", precision,
                "--repeats", str(args.repeats), "--json",
            ]
            out = subprocess.run(cmd, cwd=root, check=True, capture_output=True, text=True).stdout
            print(out.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    sys.exit(main())
