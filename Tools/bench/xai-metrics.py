#!/usr/bin/env python3
"""Peer figures for XAIBench: the same metrics over explanations of length 64 in scikit-learn (per explanation, as
ERASER's metrics.py and HateXplain's notebooks call it), fully vectorized numpy where the formula allows, and
ferret-xai's plausibility evaluators where it is installed. Inputs as in XAIBench: a random span of 1-8 true tokens,
scores uniform + 0.5 on true tokens; 1e5 explanations (per-explanation loops time PER_LOOP of them and scale).
Usage: OPENBLAS_NUM_THREADS=1 /path/to/venv/bin/python Tools/bench/xai-metrics.py [PER_LOOP]"""
import sys, time
import numpy as np
from sklearn.metrics import auc, average_precision_score, precision_recall_curve, roc_auc_score

N, L = 100_000, 64
PER_LOOP = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
rng = np.random.default_rng(7)
k = rng.integers(1, 9, size=N)
s0 = (rng.random(N) * (L - k + 1)).astype(int)
pos = np.arange(L)[None, :]
truth = ((pos >= s0[:, None]) & (pos < (s0 + k)[:, None])).astype(np.int64)
scores = rng.random((N, L)).astype(np.float32) + 0.5 * truth

def timed(f):
    t = time.perf_counter(); r = f(); return time.perf_counter() - t, r

def per_explanation(name, f):
    dt, _ = timed(lambda: [f(i) for i in range(PER_LOOP)])
    print(f"{name:58s} {dt * N / PER_LOOP * 1e3:10.0f} ms  (timed on {PER_LOOP}, scaled to {N})")

def vectorized(name, f):
    best = min(timed(f)[0] for _ in range(3))
    print(f"{name:58s} {best * 1e3:10.1f} ms")

def top5():
    idx = np.argpartition(-scores, 4, axis=1)[:, :5]
    h = np.zeros_like(truth); np.put_along_axis(h, idx, 1, axis=1); return h
vectorized("numpy: top-5 hard rationales (argpartition)", top5)
hard = top5()
def token_f1():
    inter = (hard & truth).sum(1); p = inter / hard.sum(1); r = inter / truth.sum(1)
    return np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-30), 0).mean()
vectorized("numpy: token F1 (vectorized)", token_f1)
vectorized("numpy: token IoU (vectorized)", lambda: ((hard & truth).sum(1) / (hard | truth).sum(1)).mean())
def iou_f1_one(i):
    t, h = truth[i], hard[i]
    runs, j = [], 0
    while j < L:
        if t[j]:
            e = j
            while e < L and t[e]: e += 1
            runs.append((j, e)); j = e
        else: j += 1
    tp = 0
    for q in np.flatnonzero(h):
        best = max(max(0, min(q + 1, b) - max(q, a)) / (max(q + 1, b) - min(q, a)) for a, b in runs)
        tp += best >= 0.5
    return tp / h.sum(), tp / len(runs)
per_explanation("python: IOU F1 over spans (ERASER partial_match_score)", iou_f1_one)
per_explanation("sklearn: AUPRC = auc(precision_recall_curve), per expl.",
                lambda i: auc(*precision_recall_curve(truth[i], scores[i])[1::-1][:2]))
per_explanation("sklearn: average_precision_score, per expl.", lambda i: average_precision_score(truth[i], scores[i]))
per_explanation("sklearn: roc_auc_score, per expl.", lambda i: roc_auc_score(truth[i], scores[i]))
def ap_vectorized():
    o = np.argsort(-scores, axis=1, kind="stable"); t = np.take_along_axis(truth, o, 1)
    tp = np.cumsum(t, 1); prec = tp / np.arange(1, L + 1)
    return ((prec * t).sum(1) / t.sum(1)).mean()           # no tie handling: a lower bound on numpy's cost
vectorized("numpy: average precision (argsort + cumsum, no ties)", ap_vectorized)

# bias AUCs: 1e5 posts, 10 communities
toxic = rng.random(N) < 0.5
names = np.where(rng.random(N) < 0.6, rng.integers(0, 10, N), -1)
p = np.clip(rng.random(N) * 0.6 + 0.4 * toxic, 0, 1)
def bias():
    out = []
    for c in range(10):
        m = names == c
        out.append(roc_auc_score(toxic[m], p[m]))
        sel = (toxic & ~m) | (~toxic & m); out.append(roc_auc_score(toxic[sel], p[sel]))
        sel = (toxic & m) | (~toxic & ~m); out.append(roc_auc_score(toxic[sel], p[sel]))
    return out
vectorized("sklearn: bias AUCs (30 roc_auc_score calls)", bias)
full = 0.5 + 0.5 * rng.random(N); wo = full * rng.random(N); on = full * rng.random(N); bins = rng.random((N, 5))
vectorized("numpy: comprehensiveness, sufficiency, AOPC (vectorized)",
           lambda: ((full - wo).mean(), (full - on).mean(), (full[:, None] - bins).mean(), (full[:, None] - bins).mean()))

try:
    from ferret.explainers.explanation import ExplanationWithRationale
    from ferret.evaluators.plausibility_measures import AUPRC_PlausibilityEvaluation, Tokenf1_PlausibilityEvaluation, \
        TokenIOU_PlausibilityEvaluation
except Exception as e:
    print("ferret-xai unavailable:", e)
else:
    # ferret's plausibility evaluators read only the explanation and its rationale (with remove_first_last=False
    # they never touch the model or tokenizer), so they are built without a model helper
    toks = [f"t{j}" for j in range(L)]
    args = dict(remove_first_last=False, only_pos=True, top_k_rationale=5)  # all scores > 0; only_pos=False
    # fails in ferret 0.4.2 (it compares a numpy array with [])
    for name, cls in [("AUPRC", AUPRC_PlausibilityEvaluation), ("token F1", Tokenf1_PlausibilityEvaluation),
                      ("token IoU", TokenIOU_PlausibilityEvaluation)]:
        ev = cls.__new__(cls)
        def one(i, ev=ev):
            x = ExplanationWithRationale(text="", tokens=toks, scores=scores[i].tolist(), explainer="bench", target=1,
                                         rationale=truth[i].tolist())
            return ev.compute_evaluation(x, **args).score
        ours = np.mean([one(i) for i in range(200)])
        per_explanation(f"ferret-xai: {name}, per expl. (mean of 200: {ours:.4f})", one)
