"""scipy's maximum-likelihood fit, the baseline of the fitted path (tests/fit_mle.rs).

For each law s*ncx2(df, nc) and sample size, draw samples with numpy (seeded), fit them with
scipy.stats.ncx2.fit(x, floc=0) -- exactly what the paper's code does -- and store the samples,
scipy's parameters and scipy's maximised log-likelihood. Samples are printed with 17 digits.
Run: python3 fit_scipy_mle.py > fit_scipy_mle.json   (scipy 1.17.1, numpy 2.4.6)
"""
import json

import numpy as np
from scipy.stats import ncx2

cases = []
rng = np.random.default_rng(20240607)
for df, nc, scale in [(5.0, 3.0, 1.0), (100.0, 50.0, 0.01), (1000.0, 300.0, 1e-3), (20.0, 200.0, 1.0),
                      (3000.0, 10.0, 1.0)]:
    for size in (100, 1000):
        x = ncx2.rvs(df, nc, scale=scale, size=size, random_state=rng)
        fdf, fnc, floc, fscale = ncx2.fit(x, floc=0)
        loglik = float(np.sum(ncx2.logpdf(x, fdf, fnc, 0, fscale)))
        cases.append({
            "law": [df, nc, scale],
            "samples": [float(f"{v:.17g}") for v in x],
            "scipy": {"df": float(fdf), "nc": float(fnc), "scale": float(fscale), "log_likelihood": loglik},
        })
print(json.dumps({"generator": "numpy default_rng(20240607); scipy.stats.ncx2.fit(floc=0), scipy 1.17.1",
                  "cases": cases}))
