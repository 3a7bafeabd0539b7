#!/usr/bin/env python3
"""The peer figure for QuantBench: a vectorized numpy QSGD (bucket 8192, s = 7, int8 indices out) and a plain
memory pass, on 16M float32 coordinates, single-threaded. Usage: python3 Tools/bench/numpy-qsgd.py"""
import time
import numpy as np

n, bucket, s = 1 << 24, 8192, 7
rng = np.random.default_rng(0)
v = rng.standard_normal(n, dtype=np.float32)

def qsgd(v):
    b = v.reshape(-1, bucket)
    norm = np.linalg.norm(b, axis=1, keepdims=True)
    r = np.abs(b) / norm * s
    low = np.floor(r)
    up = rng.random(r.shape, dtype=np.float32) < (r - low)
    idx = (low + up).astype(np.int8)
    return norm.astype(np.float32), np.where(b < 0, -idx, idx)

def best(f, reps=5):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]

t = best(lambda: v.sum())
print(f"numpy memory pass (sum) of 16M float32: {t*1e3:.1f} ms = {n/t/1e6:.0f} M coordinates/s")
t = best(lambda: qsgd(v))
print(f"numpy vectorized QSGD (s=7, bucket 8192, int8 out): {t*1e3:.1f} ms = {n/t/1e6:.0f} M coordinates/s")
