#!/usr/bin/python3
"""Golden values for src/scoring/stats.ts, computed with scipy (Debian python3-scipy).

Run: /usr/bin/python3 scripts/golden/stats.py > test/scoring/golden/stats.json

- McNemar exact two-sided: scipy.stats.binomtest(min(b, c), b + c, 0.5).pvalue
  (for p = 0.5 scipy's two-sided rule equals min(1, 2 * cdf(min(b, c)))).
- McNemar one-sided regression: binomtest(c, b + c, 0.5, alternative='less').pvalue.
- Wilson: binomtest(k, n).proportion_ci(confidence_level=0.95, method='wilson').
- Holm: scipy has no Holm routine and statsmodels is not installed, so the step-down adjustment is
  written out here from its textbook definition with numpy (independent of the TypeScript code).
"""
import json
import sys

import numpy as np
import scipy
from scipy.stats import binomtest


def holm(p):
    p = np.asarray(p, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adj = np.empty(m)
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        adj[i] = running
    return adj.tolist()


mcnemar_cases = [(0, 0), (0, 1), (1, 0), (3, 3), (5, 0), (0, 5), (10, 2), (2, 10), (7, 13),
                 (25, 40), (100, 120), (1, 30), (400, 350), (1500, 1600), (4000, 4300)]
mcnemar = []
for b, c in mcnemar_cases:
    n = b + c
    two = 1.0 if n == 0 else binomtest(min(b, c), n, 0.5).pvalue
    one = 1.0 if n == 0 else binomtest(c, n, 0.5, alternative="less").pvalue
    mcnemar.append({"b": b, "c": c, "two_sided": float(two), "regression": float(one)})

wilson_cases = [(0, 1), (1, 1), (0, 10), (10, 10), (5, 10), (3, 7), (1, 40), (39, 40), (25, 32),
                (837, 1000), (2017, 4241), (1, 100000)]
wilson = []
for k, n in wilson_cases:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    wilson.append({"k": k, "n": n, "low": float(ci.low), "high": float(ci.high)})

holm_cases = [
    [0.01, 0.04, 0.03, 0.005],
    [0.5],
    [0.2, 0.2, 0.2],
    [0.001, 0.9, 0.04, 0.04, 0.3, 0.012],
    [0.3, 0.6, 0.9],
    [0.0, 1.0, 0.02],
    [0.011, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.2, 0.9],
]
holm_out = [{"p": p, "adjusted": holm(p)} for p in holm_cases]

json.dump({"generator": "scripts/golden/stats.py", "scipy": scipy.__version__,
           "mcnemar": mcnemar, "wilson": wilson, "holm": holm_out}, sys.stdout, indent=1)
sys.stdout.write("\n")
