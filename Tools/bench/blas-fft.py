#!/usr/bin/env python3
"""The peer figures for the Kernel benchmarks: numpy on the same machine (its own OpenBLAS and pocketfft).

Usage: python3 Tools/bench/blas-fft.py      Prints GFLOP/s for float32 matmul and times for the same FFTs
as Benchmarks/KernelBench, so BENCHMARKS.md can state ratios measured in one session.
"""
import time
import numpy as np

def best(f, reps=20):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts), sorted(ts)[len(ts) // 2]

rng = np.random.default_rng(0)
for n in (256, 1024):
    a = rng.standard_normal((n, n), dtype=np.float32); b = rng.standard_normal((n, n), dtype=np.float32)
    lo, med = best(lambda: a @ b, 10 if n == 1024 else 50)
    print(f"numpy float32 matmul {n}: median {med*1e3:.3f} ms = {2*n**3/med/1e9:.1f} GFLOP/s (best {2*n**3/lo/1e9:.1f})")
x1 = rng.standard_normal((64, 4096), dtype=np.float32)
x2 = rng.standard_normal((16, 256, 256), dtype=np.float32)
lo, med = best(lambda: np.fft.rfft(x1, axis=-1))
print(f"numpy rfft 1-D 4096 batch 64: median {med*1e6:.0f} us")
lo, med = best(lambda: np.fft.rfft2(x2))
print(f"numpy rfft2 256x256 batch 16: median {med*1e6:.0f} us")
s2 = np.fft.rfft2(x2)
lo, med = best(lambda: np.fft.irfft2(s2, s=(256, 256)))
print(f"numpy irfft2 256x256 batch 16: median {med*1e6:.0f} us")
x = rng.standard_normal(1 << 24, dtype=np.float32)
lo, med = best(lambda: (x.min(), x.max(), x.mean(), x.std()), 5)
print(f"numpy min/max/mean/std of 16M float32: median {med*1e3:.1f} ms")
g = np.random.default_rng(1)
lo, med = best(lambda: g.standard_normal(1 << 24, dtype=np.float32), 5)
print(f"numpy standard_normal 16M float32 (ziggurat): median {med*1e3:.1f} ms")
