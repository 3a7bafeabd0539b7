#!/usr/bin/env python3
"""One FNO-2D training step (forward + backward + Adam) against PyTorch, in the same run.

Configuration (the issue's): width 32, modes 12 in the original code's sense (rows 0..11 and 52..63, columns 0..11 of the
rfft: 24x12 = 288 complex modes), 10 input frames + 2 coordinates, 64x64, batch 20, one output frame, relative L2 loss,
Adam. Peers, on CPU with torch.set_num_threads(t):
  * a plain PyTorch FNO2d of the original architecture (fourier_2d_time.py: fc0, 4 x (SpectralConv2d + 1x1 conv), GELU,
    fc1 128, fc2), written here from the paper's equations;
  * neuraloperator 2.x FNO with n_modes=(24, 22) (its last axis keeps n//2+1 = 12 rfft columns: the same 288 modes)
    and with n_modes=(12, 12) (what a user would type: 12x7 = 84 modes); neuralop's block adds a channel MLP, so it
    does more work per layer than the original.
Ours: `neural-op train` on the same shapes (random trajectories), ms per step from its --json report (which includes
assembling the batch from the trajectories). On 2 threads ours runs data-parallel: `--workers 2 --batch 10`, the same 20
windows per step split over two workers whose gradients the exchange step averages (single-threaded BLAS each), while
PyTorch parallelises inside each operator.

Usage: python3 Tools/bench/neural-op-step.py BIN_DIR [steps]   (needs torch and neuraloperator: a scratch venv)
Sets MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_ high for PyTorch (else it page-faults every step).
"""
import json, os, subprocess, sys, tempfile, time

os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(1 << 34))
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(1 << 34))
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

B, S, C, M, TIN = 20, 64, 32, 12, 10


class SpectralConv2d(nn.Module):
    def __init__(self, cin, cout, m1, m2):
        super().__init__()
        scale = 1 / (cin * cout)
        self.m1, self.m2 = m1, m2
        self.w1 = nn.Parameter(scale * torch.rand(cin, cout, m1, m2, dtype=torch.cfloat))
        self.w2 = nn.Parameter(scale * torch.rand(cin, cout, m1, m2, dtype=torch.cfloat))

    def forward(self, x):
        b, _, h, w = x.shape
        xf = torch.fft.rfft2(x)
        out = torch.zeros(b, self.w1.shape[1], h, w // 2 + 1, dtype=torch.cfloat)
        out[:, :, : self.m1, : self.m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, : self.m1, : self.m2], self.w1)
        out[:, :, -self.m1 :, : self.m2] = torch.einsum("bixy,ioxy->boxy", xf[:, :, -self.m1 :, : self.m2], self.w2)
        return torch.fft.irfft2(out, s=(h, w))


class FNO2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc0 = nn.Linear(TIN + 2, C)
        self.convs = nn.ModuleList(SpectralConv2d(C, C, M, M) for _ in range(4))
        self.ws = nn.ModuleList(nn.Conv2d(C, C, 1) for _ in range(4))
        self.fc1, self.fc2 = nn.Linear(C, 128), nn.Linear(128, 1)

    def forward(self, x):
        x = self.fc0(x).permute(0, 3, 1, 2)
        for k in range(4):
            x = self.convs[k](x) + self.ws[k](x)
            if k < 3:
                x = F.gelu(x)
        x = x.permute(0, 2, 3, 1)
        return self.fc2(F.gelu(self.fc1(x)))


def rel_l2(p, y):
    d = (p - y).reshape(p.shape[0], -1).norm(dim=1) / y.reshape(y.shape[0], -1).norm(dim=1)
    return d.mean()


def time_steps(model, x, y, steps, channels_last):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    def step():
        opt.zero_grad()
        loss = rel_l2(model(x), y)
        loss.backward()
        opt.step()
    for _ in range(3):
        step()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    return 1000 * (time.perf_counter() - t) / steps


def ours(bin_dir, threads, steps):
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "data.npy")
        # one sample of TIN + steps*B frames would make windows overlap; B samples of TIN + 1 frames: B windows
        np.save(data, np.random.default_rng(0).standard_normal((B, TIN + 1, 1, S, S)).astype(np.float32))
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
        report = os.path.join(d, "r.json")
        subprocess.run([os.path.join(bin_dir, "neural-op"), "train", data, "--arch", "fno", "--frames-in", str(TIN),
                        "--frames-out", "1", "--modes", "12", "--width", str(C), "--batch", str(B // threads),
                        "--workers", str(threads), "--steps", str(steps + 3), "--validation", "0", "--threads",
                        str(threads), "--json", report, "--quiet"],
                       check=True, env=env)
        r = json.load(open(report))
        return r["ms_per_step"]


def main():
    bin_dir = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    from neuralop.models import FNO
    torch.manual_seed(0)
    x = torch.randn(B, S, S, TIN + 2)
    y = torch.randn(B, S, S, 1)
    xc, yc = x.permute(0, 3, 1, 2).contiguous(), y.permute(0, 3, 1, 2).contiguous()
    print(f"FNO-2D step: batch {B}, {S}x{S}, width {C}, modes {M} (24x12 complex), {TIN} frames; {steps} steps; torch {torch.__version__}")
    print(f"{'threads':>7} {'ours ms':>8} {'torch FNO2d':>12} {'ratio':>6} {'neuralop (24,22)':>17} {'neuralop (12,12)':>17}")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        plain = time_steps(FNO2d(), x, y, steps, True)
        nop_same = time_steps(FNO(n_modes=(2 * M, 2 * M - 2), in_channels=TIN, out_channels=1, hidden_channels=C,
                                  n_layers=4), xc[:, :TIN], yc, steps, False)
        nop_typed = time_steps(FNO(n_modes=(M, M), in_channels=TIN, out_channels=1, hidden_channels=C, n_layers=4),
                               xc[:, :TIN], yc, steps, False)
        mine = ours(bin_dir, threads, steps * 3)
        print(f"{threads:>7} {mine:8.1f} {plain:12.1f} {plain / mine:6.2f} {nop_same:17.1f} {nop_typed:17.1f}")


if __name__ == "__main__":
    main()
