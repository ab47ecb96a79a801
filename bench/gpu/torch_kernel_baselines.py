#!/usr/bin/env python3
"""Torch baselines for the kernel table, same protocol as native/bench/kernel_timing.cpp: CUDA events,
median of 50 runs after 10 warm-ups, weights rotated over >= 4 copies (more when needed to exceed twice
the L2). Prints "torch <kernel> m<m> <out>x<in> <median us> <min us>" lines:
  fp16_linear            F.linear with an fp16 weight [out, in]
  tinygemm_int4_g128     torch._weight_int4pack_mm (bf16 x, int4 g128 packed by torch's own ops)
"""
import sys

import torch
import torch.nn.functional as F

RUNS, WARMUP = 50, 10
SHAPES = [(4096, 4096), (11008, 4096), (28672, 8192)]
MS = [1, 16]


def l2_bytes():
    try:
        return torch.cuda.get_device_properties(0).L2_cache_size
    except AttributeError:
        return 50 << 20


def copies_for(nbytes):
    return max(4, min(64, -(-2 * l2_bytes() // nbytes)))


def time_case(name, copies, fn):
    for i in range(WARMUP):
        fn(i % copies)
    torch.cuda.synchronize()
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(RUNS)]
    for i, (a, b) in enumerate(events):
        a.record()
        fn((WARMUP + i) % copies)
        b.record()
    torch.cuda.synchronize()
    us = sorted(a.elapsed_time(b) * 1000.0 for a, b in events)
    print(f"torch {name} {us[RUNS // 2]:.2f} {us[0]:.2f}", flush=True)


def pack_int4(n, k, device):
    """Random int4 codes [n, k] -> torch's tinygemm layout via torch's own conversion op."""
    codes = torch.randint(0, 16, (n, k), dtype=torch.int32, device=device)
    try:  # torch >= 2.5: uint8 [n, k/2], two codes per byte (even k in the high nibble)
        packed_u8 = ((codes[:, ::2] << 4) | codes[:, 1::2]).to(torch.uint8)
        return torch.ops.aten._convert_weight_to_int4pack(packed_u8, 8)
    except Exception:  # older torch: int32 codes [n, k]
        return torch.ops.aten._convert_weight_to_int4pack(codes, 8)


def main():
    dev = torch.device("cuda")
    torch.manual_seed(0)
    print(f"device {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)
    for out, inp in SHAPES:
        w_bytes = out * inp * 2
        copies = copies_for(w_bytes)
        weights = [torch.randn(out, inp, dtype=torch.float16, device=dev) * 0.02 for _ in range(copies)]
        for m in MS:
            x = torch.randn(m, inp, dtype=torch.float16, device=dev)
            time_case(f"fp16_linear m{m} {out}x{inp}", copies, lambda c: F.linear(x, weights[c]))
        del weights
        torch.cuda.empty_cache()
        try:
            group = 128
            q_bytes = out * inp // 2 + (inp // group) * out * 4
            copies = copies_for(q_bytes)
            packed = [pack_int4(out, inp, dev) for _ in range(copies)]
            sz = [torch.randn(inp // group, out, 2, dtype=torch.bfloat16, device=dev) * 0.01 for _ in range(copies)]
            for m in MS:
                x = torch.randn(m, inp, dtype=torch.bfloat16, device=dev)
                time_case(f"tinygemm_int4_g128 m{m} {out}x{inp}", copies,
                          lambda c: torch.ops.aten._weight_int4pack_mm(x, packed[c], group, sz[c]))
            del packed, sz
            torch.cuda.empty_cache()
        except Exception as e:  # report, keep going: the table shows n/a
            print(f"torch tinygemm_int4_g128 unavailable at {out}x{inp}: {type(e).__name__}: {e}", file=sys.stderr)


if __name__ == "__main__":
    main()
