#!/usr/bin/env python3
"""Print the tables of docs/results.md from the outputs of examples/paper.sh.

    python3 examples/paper-tables.py [OUT]      # default OUT = paper

Reads OUT/{tasks,uci,dimension,architectures}/results.jsonl (+ experiment.json),
OUT/models/*.txt, OUT/bound/*.json and OUT/times.tsv; writes Markdown to stdout. Python 3.8+,
standard library only. Every number it prints is copied from those files (rounded); it computes
nothing but ratios, medians and counts.

Conventions: bits = -log2 P[e(h) <= eps]; e = MSE over N*k test entries. A cell marked "(!)" is
numerically meaningless: either the GP warned that its posterior mean is worse than predicting 0
(an ill-conditioned K_XX amplifies round-off), or 10x more jitter moves its exact bits by more
than 1% at some target.
"""
import csv
import json
import math
import os
import re
import statistics
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "paper"


def load(part):
    """The cells of the sweep's current grid, in grid order: list of (index, wall_s, record)."""
    path = os.path.join(OUT, part)
    if not os.path.exists(os.path.join(path, "results.jsonl")):
        return []
    grid = json.load(open(os.path.join(path, "experiment.json")))
    ids = {}
    for c in grid["cells"]:
        ids[c["id"]] = c["index"]
    cells = {}
    for line in open(os.path.join(path, "results.jsonl")):
        line = line.strip()
        if not line:
            continue
        d = json.loads(line)
        if d["id"] in ids:
            cells[ids[d["id"]]] = (d["index"], d["wall_s"], d["record"], d["seed"])
    return [cells[i] for i in sorted(cells)]


def fb(x):
    """Bits, rounded for a table."""
    if x is None:
        return "–"
    if x != x:
        return "nan"
    if x == 0:
        return "0"
    a = abs(x)
    if a >= 1e6:
        return "%.3g" % x
    if a >= 100:
        return "%.0f" % x
    if a >= 10:
        return "%.1f" % x
    if a >= 0.005:
        return "%.2f" % x
    return "0.00"


def fe(x):
    """An error (MSE)."""
    if x is None:
        return "–"
    if abs(x) >= 100:
        return "%.3g" % x
    if abs(x) >= 1:
        return "%.3f" % x
    return "%.4f" % x


def bad(rec):
    """Why a cell is numerically meaningless, or None."""
    warns = " ".join(rec.get("warnings") or [])
    for est in rec.get("estimates") or []:
        warns += " ".join(est.get("warnings") or [])
    if "predicting 0" in warns:
        return "posterior mean worse than predicting 0"
    for est in rec.get("estimates") or []:
        e, j = est.get("exact_bits"), est.get("exact_bits_jitter_10x")
        if e is not None and j is not None and max(abs(e), abs(j)) > 1 and abs(e - j) > 0.01 * max(abs(e), abs(j)):
            return "10x jitter moves the bits"
    return None


def est(rec, rule):
    for e in rec.get("estimates") or []:
        if e["eps_rule"] == rule:
            return e
    return None


def rule_abs(eps):
    return "absolute", eps


def find(rec, eps=None, rel=None):
    for e in rec.get("estimates") or []:
        if rel is not None and e["eps_rule"] == "%s x mean error" % rel:
            return e
        if eps is not None and e["eps_rule"] == "absolute" and abs(e["eps"] - eps) < 1e-12:
            return e
    return None


def space_name(rec):
    p = rec["space_parameters"]
    k = p.get("kernel")
    if rec["space"].startswith("mlp"):
        return "MLP %sx%s" % (p.get("width"), p.get("depth"))
    if k == "rbf":
        return "RBF (h = %.3g)" % p["bandwidth"]
    if k in ("nngp-relu", "ntk-relu", "nngp-erf"):
        return "%s L=%s" % ({"nngp-relu": "NNGP-ReLU", "ntk-relu": "NTK-ReLU", "nngp-erf": "NNGP-erf"}[k], p["depth"])
    return rec["space_label"]


def task_name(rec):
    t = rec["task"]
    t = t.replace("(subset=stratified)", "").replace("idx:data/", "")
    m = re.match(r"synthetic\(m=(\d+),D=(\d+),k=(\d+)\)", t)
    if m:
        return "synthetic m=%s" % m.group(1)
    return t


def exact_or_fitted(e):
    """'exact (fitted)' for a GP target, 'fitted [lo, hi]' for an MLP target."""
    if e is None:
        return "–"
    f = e.get("fitted") or {}
    if e.get("exact_bits") is not None:
        return "%s (%s)" % (fb(e["exact_bits"]), fb(f.get("bits")))
    return "%s [%s, %s]" % (fb(f.get("bits")), fb(f.get("lower")), fb(f.get("upper")))


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()


def section(title):
    print("### " + title)
    print()


# ---------------------------------------------------------------------------------------------
def tasks_table(part, eps_list, rels):
    cells = load(part)
    if not cells:
        return
    rec0 = cells[0][2]
    section("%s: exact bits per cell, the paper's fitted estimate in parentheses (MLP spaces: fitted [95%% interval]), N = %d, S = %d; experiment seed 0, cell seeds derived from it (%s/experiment.json)"
            % (part, rec0["test_n"], rec0["samples"], part))
    header = ["task", "space", "n", "k", "mean error"] + ["eps = %g" % e for e in eps_list] + \
             ["%s x mean" % r for r in rels] + ["wall s", "cell seed"]
    rows = []
    for _, wall, rec, seed in cells:
        flag = " (!)" if bad(rec) else ""
        row = [task_name(rec), space_name(rec) + flag, str(rec["n"]), str(rec["k"]), fe(rec["mean_error"])]
        row += [exact_or_fitted(find(rec, eps=e)) for e in eps_list]
        row += [exact_or_fitted(find(rec, rel=r)) for r in rels]
        row += ["%.1f" % wall, str(seed)]
        rows.append(row)
    table(header, rows)


def gap_tables():
    section("Exact vs the paper's fitted estimate: every well-conditioned GP cell of tasks, uci, dimension")
    rels = ["0.1", "0.5", "0.9"]
    stats = {r: [] for r in rels}
    outside = {r: [0, 0, 0] for r in rels}  # above interval, inside, below
    skipped = 0
    rows = []
    for part in ("tasks", "uci", "dimension"):
        for _, wall, rec, seed in load(part):
            if not rec["space"].startswith("gp"):
                continue
            if bad(rec):
                skipped += 1
                continue
            row = [part, task_name(rec), space_name(rec), str(rec["n"]), str(rec["test_n"]), str(rec["k"])]
            for r in rels:
                e = find(rec, rel=r)
                f = e["fitted"]
                ratio = e["exact_bits"] / f["bits"] if f["bits"] else float("nan")
                stats[r].append(ratio)
                if e["exact_bits"] > f["upper"]:
                    outside[r][0] += 1
                elif e["exact_bits"] < f["lower"]:
                    outside[r][2] += 1
                else:
                    outside[r][1] += 1
                gap = e["exact_bits"] - f["bits"]
                row += ["%s / %s [%s, %s] (%s; x%.2f)" % (fb(e["exact_bits"]), fb(f["bits"]), fb(f["lower"]),
                                                          fb(f["upper"]), fb(gap), ratio)]
            if part != "dimension":
                rows.append(row)
    if not stats["0.1"]:
        return
    print("Ratio exact / fitted over %d GP cells (%d numerically meaningless cells left out):" %
          (len(stats["0.1"]), skipped))
    print()
    srows = []
    for r in rels:
        s = sorted(stats[r])
        srows.append(["%s x mean" % r, "%.2f" % statistics.median(s), "%.2f" % s[0], "%.2f" % s[-1],
                      "%d" % outside[r][0], "%d" % outside[r][1], "%d" % outside[r][2]])
    table(["target", "median ratio", "min", "max", "exact above the fitted 95% interval",
           "inside", "below"], srows)
    print("Per cell (real tasks), exact / fitted [95% interval] (exact - fitted; ratio):")
    print()
    table(["sweep", "task", "space", "n", "N", "k"] + ["%s x mean" % r for r in rels], rows)


def concentration(rec):
    """2 mean^2 / variance of the S sampled test errors: the degrees of freedom of a scaled
    chi-squared with that mean and variance (how concentrated the space's errors are)."""
    errs = (rec.get("distribution") or {}).get("test_errors") or []
    if len(errs) < 2:
        return None
    mean = statistics.fmean(errs)
    var = statistics.pvariance(errs, mean)
    return 2 * mean * mean / var if var > 0 else float("inf")


def dimension_tables(part, title):
    cells = load(part)
    if not cells:
        return
    groups = []
    for _, _, rec, _ in cells:
        g = (space_name(rec).split(" (")[0], rec["task"].split("data_seed=")[-1].rstrip(")") if "data_seed" in rec["task"] else "0")
        if g not in groups:
            groups.append(g)
    rec0 = cells[0][2]
    for s, seed in groups:
        section("%s, %s, data seed %s: exact bits vs intrinsic dimension m (D = 64, k = %d, N = %d, S = %d)"
                % (title, s, seed, rec0["k"], rec0["test_n"], rec0["samples"]))
        header = ["m", "n", "mean error", "2 mean²/var", "eps = 0.02", "eps = 0.05", "eps = 0.1", "eps = 0.2",
                  "0.1 x mean", "0.5 x mean", "0.9 x mean", "wall s", "cell seed"]
        rows = []
        for _, wall, rec, cseed in sorted(cells, key=lambda c: (c[2]["n"], c[2]["intrinsic_dim"])):
            g = (space_name(rec).split(" (")[0], rec["task"].split("data_seed=")[-1].rstrip(")") if "data_seed" in rec["task"] else "0")
            if g != (s, seed):
                continue
            why = bad(rec)
            c = concentration(rec)
            row = [("%d" % rec["intrinsic_dim"]) + (" (!)" if why else ""), str(rec["n"]), fe(rec["mean_error"]),
                   "%.3g" % c if c is not None else "–"]
            row += [fb(find(rec, eps=e)["exact_bits"]) for e in (0.02, 0.05, 0.1, 0.2)]
            row += [fb(find(rec, rel=r)["exact_bits"]) for r in ("0.1", "0.5", "0.9")]
            row += ["%.1f" % wall, str(cseed)]
            rows.append(row)
        table(header, rows)


def architectures_table():
    cells = load("architectures")
    if not cells:
        return
    rec0 = cells[0][2]
    section("architectures: MNIST, n = %d, N = %d, k = %d" % (rec0["n"], rec0["test_n"], rec0["k"]))
    header = ["space", "S trained (rejected)", "mean error [min, max]", "eps = 0.02", "eps = 0.03", "eps = 0.04",
              "0.5 x mean", "0.8 x mean", "wall s", "cell seed"]
    rows = []
    for _, wall, rec, seed in cells:
        if rec["space"].startswith("mlp"):
            errs = (rec.get("distribution") or {}).get("test_errors") or []
            me = "%s [%s, %s]" % (fe(rec["mean_error"]), fe(min(errs)), fe(max(errs))) if errs else fe(rec["mean_error"])
            s = "%d (%s)" % (rec["samples"], rec.get("rejected"))
        else:
            me = fe(rec["mean_error"])
            s = "%d" % rec["samples"]
        row = [space_name(rec).split(" (")[0] + (" (!)" if bad(rec) else ""), s, me]
        row += [exact_or_fitted(find(rec, eps=e)) for e in (0.02, 0.03, 0.04)]
        row += [exact_or_fitted(find(rec, rel=r)) for r in ("0.5", "0.8")]
        row += ["%.1f" % wall, str(seed)]
        rows.append(row)
    table(header, rows)


def models_tables():
    d = os.path.join(OUT, "models")
    if not os.path.isdir(d):
        return
    for name in sorted(os.listdir(d)):
        if not name.endswith(".txt"):
            continue
        lines = open(os.path.join(d, name)).read().splitlines()
        section("models: %s" % name[:-4])
        head = [l for l in lines[:4] if l.strip().startswith(("task", "space"))]
        for l in head:
            print("- " + l.strip())
        print()
        try:
            start = next(i for i, l in enumerate(lines) if l.startswith("model class"))
        except StopIteration:
            print("(no table: %s)" % (lines[-1] if lines else "empty"))
            print()
            continue
        cols = re.split(r"\s{2,}", lines[start].strip())
        rows = []
        for l in lines[start + 1:]:
            if not l.strip():
                break
            parts = re.split(r"\s{2,}", l.strip())
            rows.append(parts)
        table(cols, rows)


def bound_tables():
    d = os.path.join(OUT, "bound")
    if not os.path.isdir(d):
        return
    section("The ICML 2023 bound (eps is an error rate, not an MSE)")
    rows = []

    def order(name):
        m = re.match(r"synthetic-m(\d+)", name)
        return (0 if name.startswith("preset-") else 2 if m else 1, int(m.group(1)) if m else 0, name)

    for name in sorted(os.listdir(d), key=order):
        path = os.path.join(d, name)
        if name.endswith(".txt") and name.startswith("preset-"):
            txt = open(path).read()
            m = re.search(r"bound\s+(\S+) bits\s+\(log10 ([0-9.]+)\)", txt)
            p = re.search(r"published (\S+) bits", txt)
            rows.append([name[:-4], "paper's constants" + (" (published %s)" % p.group(1) if p else ""),
                         "", "", "", "", "", m.group(1) if m else "?", m.group(2) if m else "?"])
        if name.endswith(".json"):
            try:
                j = json.load(open(path))
            except ValueError:
                rows.append([name[:-5], "(failed: %s)" % open(path).read().strip()[:80]] + [""] * 7)
                continue
            inp = j["inputs"]
            dim = (j.get("task") or {}).get("dimension") or {}
            rows.append([name[:-5], "measured",
                         "%d" % inp["train_points"],
                         "%d (MLE %.2f)" % (inp["intrinsic_dim"], dim["estimate"]) if "estimate" in dim else "%d" % inp["intrinsic_dim"],
                         "%.4g" % inp["radius"], "%.4g" % inp["separation"], "%g" % inp["target_error"],
                         "%.4g" % j["bits"] if j.get("bits") is not None else "inf",
                         "%.4f" % j["log10_bits"]])
    table(["run", "inputs", "n", "m", "R", "delta", "eps", "bits", "log10 bits"], rows)


def times_table():
    path = os.path.join(OUT, "times.tsv")
    if not os.path.exists(path):
        return
    section("Wall time per command (s)")
    rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
    table(["step", "wall s", "command"], [(r + ["", ""])[:3] for r in rows])


gap_tables()
tasks_table("tasks", [0.01, 0.02, 0.04], ["0.1", "0.5", "0.9"])
tasks_table("uci", [0.05, 0.1], ["0.1", "0.5", "0.9"])
dimension_tables("dimension", "dimension")
dimension_tables("dimension-seeds", "dimension-seeds")
architectures_table()
models_tables()
bound_tables()
times_table()
