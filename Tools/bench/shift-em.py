#!/usr/bin/env python3
"""EM (MLLS) label-shift estimation: `shift-adapt estimate --method mlls` against the numpy loop of abstention's
EMImbalanceAdapter (the same updates and stopping rule), on the same seeded posteriors, in the same run.

    OPENBLAS_NUM_THREADS=1 python3 Tools/bench/shift-em.py BIN_DIR

The shift-adapt time is the whole process (reading two .npy files included); numpy's is the loop alone. The last
column is a memory pass (numpy's sum over the float32 target posteriors) times the iterations: the floor of any
method that reads the posteriors once per iteration."""
import json, os, subprocess, sys, tempfile, time
import numpy as np

def em_numpy(f, pi, tol=1e-6, iters=100):
    q, nxt, it = pi.copy(), None, 0
    while (nxt is None or np.sum(np.abs(nxt - q) > tol)) and it < iters:
        if nxt is not None: q = nxt
        p = f * (q / pi)[None, :]
        p /= p.sum(1, keepdims=True)
        nxt = p.mean(0)
        it += 1
    return nxt / pi, it

bin_dir = sys.argv[1]
rng = np.random.default_rng(0)
print("| N | m | numpy (loop) | shift-adapt (process) | iterations | ratio | memory pass × iterations |")
print("|---|---|---|---|---|---|---|")
with tempfile.TemporaryDirectory() as d:
    for n, m in [(10_000, 10), (100_000, 10), (100_000, 100), (1_000_000, 10), (1_000_000, 100)]:
        z = rng.normal(size=(n, m)) * 2
        z[np.arange(n), rng.integers(0, m, n)] += 3
        f = np.exp(z - z.max(1, keepdims=True)); f /= f.sum(1, keepdims=True)
        f32 = f.astype(np.float32)
        f = f32.astype(np.float64); f /= f.sum(1, keepdims=True)
        np.save(f"{d}/h.npy", f32[: n // 10]); np.save(f"{d}/y.npy", rng.integers(0, m, n // 10).astype(np.float32))
        tgt = f32 * np.linspace(0.2, 2, m, dtype=np.float32)[None, :]; tgt /= tgt.sum(1, keepdims=True)
        np.save(f"{d}/t.npy", tgt)
        t64 = tgt.astype(np.float64); t64 /= t64.sum(1, keepdims=True)
        pi = f[: n // 10].mean(0)
        best_np = 1e9
        repeats = 3 if n * m <= 10**7 else 1
        for _ in range(repeats):
            s = time.perf_counter(); w, it = em_numpy(t64, pi); best_np = min(best_np, time.perf_counter() - s)
        best_sa = 1e9
        for _ in range(repeats):
            s = time.perf_counter()
            subprocess.run([f"{bin_dir}/shift-adapt", "estimate", "--method", "mlls", "--holdout", f"{d}/h.npy",
                            "--labels", f"{d}/y.npy", "--target", f"{d}/t.npy", "-o", f"{d}/w.npy", "--json",
                            f"{d}/w.json"], check=True)
            best_sa = min(best_sa, time.perf_counter() - s)
        ours = json.load(open(f"{d}/w.json"))
        assert np.abs(np.array(ours["weights"]) - w).max() < 1e-4 and ours["iterations"] == it, (ours, w, it)
        # the floor of any method that reads the float32 posteriors once per iteration: numpy's sum over them
        floor = 1e9
        for _ in range(3):
            s = time.perf_counter(); tgt.sum(); floor = min(floor, time.perf_counter() - s)
        print(f"| {n:,} | {m} | {best_np:.3f} s | {best_sa:.3f} s | {it} | {best_np / best_sa:.1f}× | {floor * it:.3f} s |")
