#!/usr/bin/env python3
"""Agreement check (not a timing): our rules against byzfl's on one random stack with two shifted rows.
Needs byzfl and torch in a scratch venv: $VENV/bin/python Tools/bench/robust-agree.py "$(swift build -c release --show-bin-path)"
byzfl's Krum counts n−f−1 neighbours (our --neighbours byzfl); its geometric median stops after T iterations
(T = 1000 here, so both converge). byzfl's SMEA estimates each subset's largest eigenvalue with one power-iteration
step from a random vector, so it is reported (how often it picks the definition's subset), not required to agree."""
import subprocess, sys, tempfile, os
import numpy as np
import byzfl

bin_dir = sys.argv[1] if len(sys.argv) > 1 else ".build/release"
rng = np.random.default_rng(5)
x = rng.standard_normal((12, 1000)).astype(np.float32)
x[10:] += 5
f = 2
with tempfile.TemporaryDirectory() as tmp:
    stack = os.path.join(tmp, "stack.npy")
    np.save(stack, x)

    def ours(args):
        out = subprocess.run([os.path.join(bin_dir, "robust-agg"), "aggregate", *args.split(), stack],
                             check=True, capture_output=True).stdout
        path = os.path.join(tmp, "out.npy")
        open(path, "wb").write(out)
        return np.load(path)

    worst = 0.0
    for name, a, b in [("median", ours("--rule median"), byzfl.Median()(x)),
                       ("trimmed mean", ours(f"--rule trimmed-mean -f {f}"), byzfl.TrMean(f=f)(x)),
                       ("krum", ours(f"--rule krum -f {f} --neighbours byzfl"), byzfl.Krum(f=f)(x)),
                       ("geomed", ours("--rule geomed"), byzfl.GeometricMedian(nu=0.1, T=1000)(x)),
                       ("mda", ours(f"--rule mda -f {f}"), byzfl.MDA(f=f)(x))]:
        diff = float(np.max(np.abs(a - np.asarray(b))))
        worst = max(worst, diff)
        print(f"{name}: max |ours − byzfl| = {diff:.3g}")
    smea = ours(f"--rule smea -f {f}")
    same = sum(float(np.max(np.abs(smea - np.asarray(byzfl.SMEA(f=f)(x))))) < 1e-5 for _ in range(20))
    print(f"smea: byzfl picks the definition's subset in {same} of 20 runs (its eigenvalue estimate is random)")
    sys.exit(0 if worst < 1e-5 else 1)
