#!/usr/bin/env python3
"""The peer figures for VIOpt: a straightforward numpy extra-gradient (and Q-GenX: 4 workers, 4-bit NUQ
quantize-dequantize of every oracle vector, averaged, adaptive step) on the problems `vi-opt solve` runs, single
threaded, and a STREAM-style triad for the memory-bandwidth bound. Usage:
    OPENBLAS_NUM_THREADS=1 python3 Tools/bench/vi-numpy.py
"""
import time
import numpy as np

rng = np.random.default_rng(0)


def rate(step, iters):
    step()  # warm up
    t = time.perf_counter()
    for _ in range(iters):
        step()
    return iters / (time.perf_counter() - t)


def bilinear(n):
    a = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    def op(z):
        x, y = z[:n], z[n:]
        return np.concatenate([a @ y, -(a.T @ x)])
    return op, 2 * n


def banded(d, mu=0.5):
    diag = (mu + rng.random(d)).astype(np.float32)
    s = rng.standard_normal(2).astype(np.float32)
    b = rng.standard_normal(d).astype(np.float32)
    def op(z):
        out = diag * z - b
        for k, sk in enumerate(s, start=1):
            out[:-k] += sk * z[k:]
            out[k:] -= sk * z[:-k]
        return out
    return op, d


def eg(op, d, lr=0.1):
    z = np.ones(d, np.float32)
    def step():
        nonlocal z
        h = z - lr * op(z)
        z = z - lr * op(h)
    return step


def nuq(v, bits=4, bucket=8192):
    """Unbiased exponential-level (NUQSGD) quantize-dequantize, bucketed, stochastic rounding."""
    levels = np.concatenate([[0.0], 0.5 ** np.arange(2 ** (bits - 1) - 2, -1, -1)]).astype(np.float32)
    pad = (-len(v)) % bucket
    b = np.pad(v, (0, pad)).reshape(-1, bucket)
    norm = np.linalg.norm(b, axis=1, keepdims=True)
    u = np.abs(b) / np.where(norm > 0, norm, 1)
    j = np.clip(np.searchsorted(levels, u, side="right") - 1, 0, len(levels) - 2)
    lo, hi = levels[j], levels[j + 1]
    up = rng.random(u.shape, dtype=np.float32) < (u - lo) / (hi - lo)
    q = np.where(up, hi, lo) * np.sign(b) * norm
    return q.reshape(-1)[: len(v)]


def qgenx(op, d, workers=4, lr=0.1):
    x1 = np.ones(d, np.float32)
    state = {"x": x1.copy(), "y": np.zeros(d), "s": 0.0}
    def mean_q(p):
        v = op(p)  # every worker has the same exact oracle here; each quantizes with its own randomness
        return sum(nuq(v) for _ in range(workers)) / workers
    def step():
        g = lr / np.sqrt(1 + state["s"])
        v0 = mean_q(state["x"])
        h = state["x"] - g * v0
        v1 = mean_q(h)
        state["s"] += float(np.sum((v1 - v0) ** 2))
        state["y"] -= v1
        state["x"] = (x1 + lr / np.sqrt(1 + state["s"]) * state["y"]).astype(np.float32)
    return step


for n, iters in [(1000, 300), (4000, 30)]:
    op, d = bilinear(n)
    print(f"numpy extra-gradient, bilinear {n}x{n}: {rate(eg(op, d), iters):.1f} iterations/s")
    print(f"numpy Q-GenX (4 workers, 4-bit NUQ), bilinear {n}x{n}: {rate(qgenx(op, d), max(3, iters // 10)):.1f} iterations/s")
op, d = banded(10 ** 6)
print(f"numpy extra-gradient, banded d=1e6: {rate(eg(op, d, 0.3), 20):.1f} iterations/s")
a = np.ones(10 ** 7, np.float32); b = np.ones(10 ** 7, np.float32); c = np.empty_like(a)
t = time.perf_counter()
for _ in range(10):
    np.multiply(b, 2.0, out=c); c += a
dt = (time.perf_counter() - t) / 10
print(f"numpy triad on 1e7 float32 (4 arrays of traffic): {4 * 4e7 / dt / 1e9:.1f} GB/s")
