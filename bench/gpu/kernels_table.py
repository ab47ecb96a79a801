#!/usr/bin/env python3
"""Joins the "lowbit ..." lines of kernel_timing and the "torch ..." lines of torch_kernel_baselines.py
(same run, same protocol) into one table: median us, and the ratio to the fp16 linear and to tinygemm
int4 of the same m and shape; targets from specs/kernels.md (H100) where the issue sets one."""
import sys
from collections import OrderedDict

TARGETS = {  # (kernel, m, shape) -> us on the H100
    ("int4_g128", "m1", "28672x8192"): 50, ("int3_g128", "m1", "28672x8192"): 40,
    ("int2_g64", "m1", "28672x8192"): 30, ("int4_g128", "m1", "4096x4096"): 12,
    ("int4_g128", "m16", "28672x8192"): 70, ("vq_v8k4096", "m1", "28672x8192"): 45,
    ("vq_v6k4096", "m1", "28672x8192"): 45, ("vq_v8k4096 banked", "m1", "28672x8192"): 45,
}


def parse(path):
    rows = OrderedDict()
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 6 or p[0] not in ("lowbit", "torch"):
                continue
            # "<src> <kernel> m<m> <shape> [variant] <median> <min>"
            try:
                median = float(p[-2])
            except ValueError:
                continue
            kernel, m, shape = p[1], p[2], p[3]
            variant = " ".join(p[4:-2])
            rows[(p[0], kernel + (" " + variant if variant else ""), m, shape)] = median
    return rows


def main():
    rows = OrderedDict()
    for path in sys.argv[1:]:
        rows.update(parse(path))
    base = {(k[2], k[3]): v for k, v in rows.items() if k[1] == "fp16_linear"}
    tiny = {(k[2], k[3]): v for k, v in rows.items() if k[1] == "tinygemm_int4_g128"}
    print(f"{'src':6} {'kernel':24} {'m':4} {'out x in':12} {'us':>9} {'fp16/us':>8} {'tiny/us':>8} {'target':>7}")
    for (src, kernel, m, shape), us in sorted(rows.items(), key=lambda kv: (kv[0][3], kv[0][2], kv[0][0], kv[0][1])):
        f16 = base.get((m, shape))
        tg = tiny.get((m, shape))
        target = TARGETS.get((kernel, m, shape))
        mark = "" if target is None else (f"{target}" + (" ok" if us <= target else " MISS"))
        print(f"{src:6} {kernel:24} {m:4} {shape:12} {us:9.2f} {f16 / us if f16 else float('nan'):8.2f} "
              f"{tg / us if tg else float('nan'):8.2f} {mark:>7}")
    print("ratios > 1: faster than the fp16 linear / tinygemm int4 of the same m and shape, measured in this run;"
          " targets are the H100 figures of specs/kernels.md")


if __name__ == "__main__":
    main()
