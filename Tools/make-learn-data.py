#!/usr/bin/env python3
"""Converts the bundled CSV data sets in Data/ into the compact .npy files that the Learn package embeds
(Packages/Learn/Sources/CLearnData/data/, compiled in with C23 #embed). Run after changing Data/.

digits: features uint8 (1797, 64) in 0..16, labels uint8; the others: features float32, labels uint8.
"""
import gzip, io, os
import numpy as np

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out = os.path.join(root, "Packages/Learn/Sources/CLearnData/data")
os.makedirs(out, exist_ok=True)

def save(name, x, y):
    np.save(os.path.join(out, f"{name}_x.npy"), x)
    np.save(os.path.join(out, f"{name}_y.npy"), y.astype(np.uint8))
    print(name, x.shape, x.dtype, "classes", int(y.max()) + 1)

d = np.loadtxt(io.StringIO(gzip.open(os.path.join(root, "Data/digits.csv.gz"), "rt").read()), delimiter=",")
save("digits", d[:, :64].astype(np.uint8), d[:, 64])
for name, fname in [("breast_cancer", "breast_cancer.csv"), ("wine", "wine_data.csv"), ("iris", "iris.csv")]:
    t = np.loadtxt(os.path.join(root, "Data", fname), delimiter=",", skiprows=1)
    save(name, t[:, :-1].astype(np.float32), t[:, -1])
