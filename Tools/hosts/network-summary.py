"""Summarises a Tools/hosts/network-bench run directory: OUT/network.csv, OUT/step-seconds.csv,
OUT/speedup.csv and a text table on stdout.

The target accuracy is 90 % of float32's best test accuracy in its local run (TARGET=0.xx overrides it); a
codec's steps to target are the first evaluation at or above it; its time to target at a rate is those steps
times its seconds per step measured there. Speedup = float32's time to target / the codec's, at the same rate."""
import glob
import json
import math
import os
import sys

out = sys.argv[1]
runs = f"{out}/runs"
rates = os.environ.get("RATES", "none 10gbit 1gbit 500mbit 200mbit 100mbit").split()
codecs = [line.split(":")[0] for line in os.environ.get("CODECS", "").splitlines() if line] or sorted(
    {os.path.basename(p)[6:-5] for p in glob.glob(f"{runs}/local-*.json")})
parts = ["local", "encode", "communicate", "decode", "aggregate"]


def mbit(rate):
    if rate == "none":
        return math.inf
    v = float(rate.rstrip("kmgbit"))
    return v * {"k": 1e-3, "m": 1.0, "g": 1e3}[rate[len(rate.rstrip("kmgbit"))]]


local = {c: json.load(open(f"{runs}/local-{c}.json")) for c in codecs}
best = max(h["test_accuracy"] for h in local["float32"]["history"])
target = float(os.environ["TARGET"]) if os.environ.get("TARGET") else round(0.9 * best, 3)
to_target = {}
for c in codecs:
    hit = [h["step"] for h in local[c]["history"] if h["test_accuracy"] >= target]
    to_target[c] = hit[0] if hit else None

rows = []
for rate in rates:
    for c in codecs:
        reports = [json.load(open(p)) for p in sorted(glob.glob(f"{runs}/{rate}-{c}-*.json"))]
        if not reports:
            continue
        steps = reports[0]["steps"]
        split = {k: sum(r["seconds_split"][0][k] for r in reports) / len(reports) / steps for k in parts}
        per_step = sum(split.values())
        rows.append({
            "rate": rate, "mbit": mbit(rate), "codec": c, "bits": reports[0]["bits_per_coordinate"],
            "bytes_per_step": reports[0]["bytes_per_step"], "seconds_per_step": per_step, **split,
            "steps_to_target": to_target[c],
            "seconds_to_target": per_step * to_target[c] if to_target[c] else math.inf,
        })
for r in rows:
    base = next(x for x in rows if x["rate"] == r["rate"] and x["codec"] == "float32")
    r["step_speedup"] = base["seconds_per_step"] / r["seconds_per_step"]
    r["speedup"] = base["seconds_to_target"] / r["seconds_to_target"] if r["seconds_to_target"] < math.inf else 0

cols = ["rate", "codec", "bits", "bytes_per_step", "seconds_per_step", *parts, "steps_to_target",
        "seconds_to_target", "step_speedup", "speedup"]
with open(f"{out}/network.csv", "w") as f:
    f.write(",".join(cols) + "\n")
    for r in rows:
        f.write(",".join(str(r[k]) if r[k] is not None else "" for k in cols) + "\n")
limited = [x for x in rates if x != "none"]
for name, key in (("step-seconds", "seconds_per_step"), ("speedup", "speedup")):
    with open(f"{out}/{name}.csv", "w") as f:
        f.write(",".join(str(mbit(x)) for x in limited) + "\n")
        for c in codecs:
            vals = [next((r[key] for r in rows if r["rate"] == x and r["codec"] == c), math.nan) for x in limited]
            f.write(",".join(repr(v) if v else "nan" for v in vals) + "\n")

rtt = open(f"{runs}/rtt.txt").read().strip() if os.path.exists(f"{runs}/rtt.txt") else "?"
print(f"4 hosts, MLP 40-2048-1024-10 ({local['float32']['parameters']} parameters) on MNIST-1D, batch 32 per "
      f"worker; round trip {rtt} ms unshaped")
print(f"target: test accuracy {target:.3f} (90 % of float32's best, {best:.3f}); steps to it from local runs")
print(f"{'rate':>8} {'codec':>8} {'bits':>6} {'s/step':>7} {'compute':>7} {'encode':>7} {'comm':>7} {'decode':>7}"
      f" {'aggr':>6} {'steps':>5} {'to target':>9} {'step ×':>6} {'target ×':>8}")
for r in rows:
    st = r["steps_to_target"]
    print(f"{r['rate']:>8} {r['codec']:>8} {r['bits']:6.2f} {r['seconds_per_step']:7.3f} {r['local']:7.3f} "
          f"{r['encode']:7.3f} {r['communicate']:7.3f} {r['decode']:7.3f} {r['aggregate']:6.3f} "
          f"{st if st else '—':>5} {r['seconds_to_target']:8.1f}s {r['step_speedup']:6.2f} {r['speedup']:8.2f}")

# the same table as HTML, for the demo page
with open(f"{out}/network.html", "w") as f:
    f.write(f"<h4>4 hosts, {local['float32']['parameters']:,} parameters, round trip {rtt} ms unshaped; target "
            f"{target:.3f} test accuracy (90 % of float32's best)</h4>\n<table class=\"results\"><tr>"
            + "".join(f"<th>{h}</th>" for h in ["rate", "codec", "bits/coord", "s/step", "compute", "encode",
                                                 "comm", "decode", "aggregate", "steps to target",
                                                 "time to target", "step speedup", "target speedup"])
            + "</tr>\n")
    for r in rows:
        st = r["steps_to_target"]
        cells = [r["rate"], r["codec"], f"{r['bits']:.2f}", f"{r['seconds_per_step']:.3f}",
                 *(f"{r[k]:.3f}" for k in parts), str(st) if st else "—",
                 f"{r['seconds_to_target']:.1f} s" if st else "—", f"{r['step_speedup']:.2f}×",
                 f"{r['speedup']:.2f}×" if st else "—"]
        f.write("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>\n")
    f.write("</table>\n")
