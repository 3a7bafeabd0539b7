#!/usr/bin/env python3
"""Peer figures for RobustBench: numpy and byzfl (which needs torch; install both into a scratch venv) on
(n, 1e6) float32 stacks, n = 12 and 64, medians of 5 runs, single-threaded numpy/torch.
Usage: /path/to/venv/bin/python Tools/bench/robust-peers.py"""
import time
import numpy as np

def med(f, reps=5):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2] * 1e3

try:
    import torch
    torch.set_num_threads(1)
    import byzfl
except Exception as e:  # byzfl is optional
    byzfl = None
    print("byzfl unavailable:", e)

for n, f in [(12, 2), (64, 10)]:
    x = np.random.default_rng(0).standard_normal((n, 1_000_000), dtype=np.float32)
    print(f"n={n}: numpy mean {med(lambda: x.mean(axis=0)):.1f} ms, np.median {med(lambda: np.median(x, axis=0)):.1f} ms, "
          f"sort-trim {med(lambda: np.sort(x, axis=0)[f:n-f].mean(axis=0)):.1f} ms")
    if byzfl:
        for name, agg in [("Average", byzfl.Average()), ("Median", byzfl.Median()), ("TrMean", byzfl.TrMean(f=f)),
                          ("Krum", byzfl.Krum(f=f)), ("GeometricMedian", byzfl.GeometricMedian())]:
            print(f"n={n}: byzfl {name} {med(lambda: agg(x), reps=3):.1f} ms")
