#!/usr/bin/env python3
"""Plain torch weighted Lloyd iteration (the baseline of docs/BENCHMARKS.md): chunked matmul distances,
argmin, index_add of the weighted points, divide. Same sizes as native/bench/kmeans_bench.cpp.
Usage: kmeans_torch.py [n] [d] [k] [reps] [chunk]"""
import sys
import time

import torch

n = int(sys.argv[1]) if len(sys.argv) > 1 else 7340032
d = int(sys.argv[2]) if len(sys.argv) > 2 else 8
k = int(sys.argv[3]) if len(sys.argv) > 3 else 65536
reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
chunk = int(sys.argv[5]) if len(sys.argv) > 5 else 8192
dev = "cuda"
g = torch.Generator(device=dev).manual_seed(0)
x = torch.rand(n, d, device=dev, generator=g) * 2 - 1
w = 1 + 0.5 * (torch.rand(n, device=dev, generator=g) * 2 - 1)
c = torch.rand(k, d, device=dev, generator=g) * 2 - 1


def iteration(c):
    cn = (c * c).sum(1)
    labels = torch.empty(n, dtype=torch.long, device=dev)
    for s in range(0, n, chunk):
        xs = x[s:s + chunk]
        dist = cn[None, :] - 2 * xs @ c.t()
        labels[s:s + chunk] = dist.argmin(1)
    sums = torch.zeros(k, d, device=dev).index_add_(0, labels, x * w[:, None])
    mass = torch.zeros(k, device=dev).index_add_(0, labels, w)
    return torch.where(mass[:, None] > 0, sums / mass.clamp_min(1e-30)[:, None], c)


iteration(c)
torch.cuda.synchronize()
t0 = time.perf_counter()
for _ in range(reps):
    iteration(c)
torch.cuda.synchronize()
print(f"kmeans_torch n={n} d={d} k={k}: one Lloyd iteration (chunked matmul + argmin + index_add) "
      f"{(time.perf_counter() - t0) / reps:.4f} s on {torch.cuda.get_device_name()}")
