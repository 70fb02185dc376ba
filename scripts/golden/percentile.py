#!/usr/bin/python3
"""Golden values for src/perf/percentile.ts: numpy's default np.percentile (method 'linear').

Run: /usr/bin/python3 scripts/golden/percentile.py > test/perf/golden/percentile.json

Arrays cover: one element, two elements, duplicates, negatives, unsorted input, latency-like
lognormal samples (ms), integers, tiny and huge magnitudes. Percentiles cover the ones vlmbench
reports (50, 90, 95, 99) plus ends and awkward fractions (p/100 not exactly representable).
Mean and population std (ddof=0) are included for summarize(), compared with a tolerance
(numpy sums pairwise). json.dumps writes floats with repr(), which round-trips exactly, so the test compares with ===.
"""
import json

import numpy as np

rng = np.random.default_rng(20261127)
arrays = [
    [42.0],
    [1.0, 2.0],
    [3.0, 1.0, 2.0],
    [5.0, 5.0, 5.0, 5.0],
    [-3.5, 10.25, 0.0, -0.125, 7.0],
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
    list(range(1, 11)),
    [float(x) for x in rng.integers(0, 1000, size=17)],
    rng.lognormal(mean=4.0, sigma=0.5, size=100).tolist(),
    rng.lognormal(mean=2.3, sigma=0.2, size=1000).tolist(),
    rng.normal(50.0, 2.0, size=33).tolist(),
    (rng.random(57) * 1e-6).tolist(),
    (rng.random(23) * 1e9).tolist(),
    [1e-300, 1e150, -1e150, 0.0, 3.0],
]
ps = [0, 1, 10, 12.5, 25, 33.333333333333336, 50, 66.6, 75, 90, 95, 99, 99.9, 100]

cases = []
for a in arrays:
    arr = np.asarray(a, dtype=np.float64)
    cases.append({"values": [float(x) for x in a],
                  "mean": float(np.mean(arr)), "std": float(np.std(arr)),
                  "percentiles": {repr(float(p)): float(np.percentile(arr, p)) for p in ps}})

print(json.dumps({"generator": "scripts/golden/percentile.py", "numpy": np.__version__,
                  "method": "linear (numpy default)", "cases": cases}, indent=1))
