#!/usr/bin/env python3
"""PyTorch's time per training step for the models of Benchmarks/LearnBench (peer figures for BENCHMARKS.md).

Usage: PY=/path/to/venv/bin/python; $PY Tools/bench/train-step.py [threads]
One step = zero_grad, forward, cross_entropy, backward, SGD step, float32 on CPU.
"""
import sys, time
import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
for sizes, batch in [([64, 32, 10], 32), ([784, 512, 512, 10], 128)]:
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    x = torch.randn(batch, sizes[0])
    y = torch.arange(batch) % 10
    def step():
        opt.zero_grad(set_to_none=False)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    for _ in range(50):
        step()
    ts = []
    end = time.perf_counter() + 3
    while time.perf_counter() < end:
        t = time.perf_counter(); step(); ts.append(time.perf_counter() - t)
    ts.sort()
    med = ts[len(ts) // 2]
    print(f"torch {torch.__version__} threads={threads} MLP {'-'.join(map(str, sizes))} batch {batch}: "
          f"median {med*1e6:.1f} us/step, p10 {ts[len(ts)//10]*1e6:.1f} us ({len(ts)} steps)")
