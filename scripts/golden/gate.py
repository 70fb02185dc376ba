#!/usr/bin/python3
"""Golden p-values for the gate tests (test/gate/gate.test.ts), computed independently with scipy.

Run: /usr/bin/python3 scripts/golden/gate.py > test/gate/golden.json

The scenario: three right/wrong benchmarks compared item by item; b = base right & current wrong,
c = base wrong & current right. One-sided exact McNemar for a regression: P(X <= c), X ~ Bin(b+c, 1/2)
(scipy.stats.binomtest(c, b + c, 0.5, alternative='less')). Holm step-down over the three p-values,
written out from its definition (scipy has no Holm routine).
"""
import json

from scipy.stats import binomtest

SCENARIO = {"scienceqa": (60, 10), "textvqa": (5, 6), "pope": (12, 4)}


def holm(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: (p[i], i))
    adj = [0.0] * m
    running = 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        adj[i] = running
    return adj


names = list(SCENARIO)
raw = [binomtest(c, b + c, 0.5, alternative="less").pvalue for b, c in SCENARIO.values()]
adj = holm(raw)
print(json.dumps({
    "generator": "scripts/golden/gate.py",
    "benchmarks": {n: {"b": SCENARIO[n][0], "c": SCENARIO[n][1], "p": float(raw[i]), "p_holm": float(adj[i])} for i, n in enumerate(names)},
}, indent=2))
