#!/usr/bin/env python3
"""uLSIF with leave-one-out selection of σ and λ: `shift-adapt estimate --method ulsif` against densratio 0.4.0's
`densratio(method="uLSIF")` (the same 9 × 9 grid 10^(−3…1), 100 kernels on numerator points), on the same seeded
Gaussian samples, in the same run. Needs densratio (a scratch venv: see Tools/check-shift).

    OPENBLAS_NUM_THREADS=1 VENV/bin/python Tools/bench/shift-ulsif.py BIN_DIR

The shift-adapt time is the whole process (reading the two .npy files included); densratio's is the fit alone. Both
choices of σ and λ are printed: the centres are drawn independently (densratio's unseeded), so λ can differ by one
grid step."""
import json, subprocess, sys, tempfile, time
import numpy as np
from densratio import densratio

bin_dir = sys.argv[1]
rng = np.random.default_rng(0)
grid = [10 ** (-3 + 0.5 * i) for i in range(9)]
print("| n (each sample) | d | densratio | shift-adapt (process) | σ, λ chosen | ratio |")
print("|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as t:
    for n, d in [(1000, 5), (3000, 5), (3000, 20), (10_000, 64)]:
        y = rng.normal(size=(n, d)).astype(np.float32)
        x = (rng.normal(size=(n, d)) * 0.8 + 0.3).astype(np.float32)
        np.save(f"{t}/tr.npy", y); np.save(f"{t}/te.npy", x)
        best_ref, ref = 1e9, None
        repeats = 2 if n < 10_000 else 1
        for _ in range(repeats):
            s = time.perf_counter()
            ref = densratio(x.astype(np.float64), y.astype(np.float64), alpha=0, sigma_range=grid, lambda_range=grid,
                            kernel_num=100, verbose=False)
            best_ref = min(best_ref, time.perf_counter() - s)
        best_sa = 1e9
        for _ in range(repeats):
            s = time.perf_counter()
            subprocess.run([f"{bin_dir}/shift-adapt", "estimate", "--method", "ulsif", "--train", f"{t}/tr.npy",
                            "--test", f"{t}/te.npy", "-o", f"{t}/r.npy", "--json", f"{t}/r.json"], check=True)
            best_sa = min(best_sa, time.perf_counter() - s)
        ours = json.load(open(f"{t}/r.json"))
        same = np.isclose(ours["sigma"], ref.kernel_info.sigma) and np.isclose(ours["lambda"], ref.lambda_)
        print(f"| {n:,} | {d} | {best_ref:.2f} s | {best_sa:.2f} s | {ours['sigma']:.3g}, {ours['lambda']:.3g}"
              f"{'' if same else ' (densratio: %.3g, %.3g)' % (ref.kernel_info.sigma, ref.lambda_)} | {best_ref / best_sa:.1f}× |")
