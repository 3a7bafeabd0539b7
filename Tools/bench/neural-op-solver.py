#!/usr/bin/env python3
"""neural-op's Navier–Stokes solver against an independent numpy implementation of the same scheme, same inputs.

The scheme is the FNO paper's data generator (ns_2d.py): Crank–Nicolson viscosity, forward-Euler advection, the
2/3 rule, forcing 0.1(sin 2π(x+y) + cos 2π(x+y)), ν = 1e-3, written here from its equations in float64 numpy (rfft2).
Both start from the same random vorticity (written to a temporary .npy and passed with --initial); the script prints
the relative L2 difference of the final frame and the cost per time step of each.

Usage: python3 Tools/bench/neural-op-solver.py BIN_DIR [n=64] [steps=1000]
"""
import os, subprocess, sys, tempfile, time
import numpy as np


def numpy_ns(w0, nu, dt, steps):
    n = w0.shape[0]
    k1 = np.fft.fftfreq(n, 1 / n)[:, None] * 2 * np.pi
    k2 = np.fft.rfftfreq(n, 1 / n)[None, :] * 2 * np.pi
    lap = k1 ** 2 + k2 ** 2
    inv = np.where(lap > 0, 1 / np.where(lap > 0, lap, 1), 0)
    keep = (3 * np.abs(np.fft.fftfreq(n, 1 / n))[:, None] <= n) & (3 * np.fft.rfftfreq(n, 1 / n)[None, :] <= n)
    keep[n // 2, :] = False
    keep[:, n // 2] = False
    x = np.arange(n) / n
    f = 0.1 * (np.sin(2 * np.pi * (x[:, None] + x[None, :])) + np.cos(2 * np.pi * (x[:, None] + x[None, :])))
    fh = np.fft.rfft2(f)
    wh = np.fft.rfft2(w0)
    wh[n // 2, :] = 0
    wh[:, n // 2] = 0
    for _ in range(steps):
        psi = wh * inv
        u = np.fft.irfft2(1j * k2 * psi, s=(n, n))
        v = -np.fft.irfft2(1j * k1 * psi, s=(n, n))
        wx = np.fft.irfft2(1j * k1 * wh, s=(n, n))
        wy = np.fft.irfft2(1j * k2 * wh, s=(n, n))
        nh = np.fft.rfft2(u * wx + v * wy) * keep
        a = nu * lap * dt / 2
        wh = (-dt * nh + dt * fh + (1 - a) * wh) / (1 + a)
    return np.fft.irfft2(wh, s=(n, n))


def main():
    bin_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 64
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    dt, nu = 1e-3, 1e-3
    rng = np.random.default_rng(0)
    k = np.sqrt(np.fft.fftfreq(n, 1 / n)[:, None] ** 2 + np.fft.rfftfreq(n, 1 / n)[None, :] ** 2)
    spec = (rng.standard_normal(k.shape) + 1j * rng.standard_normal(k.shape)) * (4 * np.pi ** 2 * k ** 2 + 49) ** -1.25
    spec[0, 0] = 0
    w0 = np.fft.irfft2(spec, s=(n, n))
    w0 = (0.6 * w0 / w0.std()).astype(np.float32)
    with tempfile.TemporaryDirectory() as d:
        init, out = os.path.join(d, "w0.npy"), os.path.join(d, "out.npy")
        np.save(init, w0[None, None])
        t = time.perf_counter()
        subprocess.run([os.path.join(bin_dir, "neural-op"), "simulate", "--system", "navier-stokes", "--grid", str(n),
                        "--initial", init, "--frames", "2", "--interval", str(steps * dt), "--dt", str(dt), "--threads",
                        "1", "-o", out], check=True)
        ours = (time.perf_counter() - t) / steps
        mine = np.load(out)[0, 1, 0].astype(np.float64)
    t = time.perf_counter()
    ref = numpy_ns(w0.astype(np.float64), nu, dt, steps)
    theirs = (time.perf_counter() - t) / steps
    rel = np.linalg.norm(mine - ref) / np.linalg.norm(ref)
    print(f"navier-stokes {n}x{n}, {steps} steps of {dt}: relative L2 difference {rel:.2e} (float32 vs float64)")
    print(f"per step: neural-op {1e6 * ours:.0f} µs, numpy {1e6 * theirs:.0f} µs, ratio {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
