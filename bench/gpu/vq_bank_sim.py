#!/usr/bin/env python3
"""Shared-memory wavefronts of the VQ GEMV's codebook lookups under offline lookup reorderings (no GPU needed).

The wide VQ GEMV (native/kernels/cuda/vq_gemv_wide_kernel.cuh) reads one random 16-byte codebook vector per lane and
step; a quarter warp (8 lanes) is one shared-memory wavefront when its 8 vectors fall in 8 different 4-bank groups
(index mod 8), else as many as the fullest group. This counts the wavefronts per step for uniform random indices:
as stored, and when each lane's run of R lookups may be permuted offline (the index stream repacked) by a per-lane
XOR mask, a rotation, or both, chosen greedily per quarter warp. x stays in registers only under such fixed-shape
permutations (a butterfly of selects per run); a free permutation would need x gathered from shared memory.
Last, the scheme the tensor-core GEMV ships (native/kernels/cuda/vq_bank_indices.cuh): no reordering, but three
codebook copies rotated by `offsets` entries and, per lookup, the copy that minimises the fullest group of its
8-lane phase (exhaustive over 3^8 choices here).

    python3 bench/gpu/vq_bank_sim.py
"""
import itertools
import random

LANES, GROUPS = 8, 8


def perms(family, run):
    out = []
    for a in range(run):
        for r in (range(run) if family == "xor+rotate" else [0]):
            if family == "rotate":
                out.append([(e + a) % run for e in range(run)])
            else:
                out.append([((e + r) % run) ^ a for e in range(run)])
    return out


def wavefronts(banks, choice, table, run):
    total = 0
    for e in range(run):
        count = [0] * GROUPS
        for lane in range(LANES):
            count[banks[lane][table[choice[lane]][e]]] += 1
        total += max(count)
    return total


def best(banks, table, run):
    choice = [0] * LANES
    value = wavefronts(banks, choice, table, run)
    for _ in range(3):
        for lane in range(LANES):
            for c in range(len(table)):
                old, choice[lane] = choice[lane], c
                v = wavefronts(banks, choice, table, run)
                if v < value:
                    value = v
                else:
                    choice[lane] = old
    return value


def main():
    rng = random.Random(1)
    print("run  reordering   wavefronts per quarter-warp step: as stored -> reordered")
    for run, family, trials in ((16, "xor", 300), (16, "rotate", 300), (16, "xor+rotate", 60), (32, "xor", 60)):
        table = perms(family, run)
        stored = reordered = 0
        for _ in range(trials):
            banks = [[rng.randrange(GROUPS) for _ in range(run)] for _ in range(LANES)]
            stored += wavefronts(banks, [0] * LANES, table, run)
            reordered += best(banks, table, run)
        print(f"{run:3d}  {family:11s}  {stored / trials / run:.2f} -> {reordered / trials / run:.2f}")
    # any permutation per lane: at best the fullest bank group's lookups, one per step (edge colouring)
    for run in (16, 32):
        bound = 0
        for _ in range(300):
            count = [0] * GROUPS
            for _ in range(LANES * run):
                count[rng.randrange(GROUPS)] += 1
            bound += max(run, max(count))
        print(f"{run:3d}  {'free (bound)':11s}  -> {bound / 300 / run:.2f}")
    for offsets in ((0, 1), (0, 1, 2), (0, 1, 3)):
        trials, total = 400, 0
        for _ in range(trials):
            groups = [rng.randrange(GROUPS) for _ in range(LANES)]
            fullest = LANES
            for choice in itertools.product(range(len(offsets)), repeat=LANES):
                count = [0] * GROUPS
                for g, c in zip(groups, choice):
                    count[(g + offsets[c]) % GROUPS] += 1
                fullest = min(fullest, max(count))
                if fullest == 1:
                    break
            total += fullest
        print(f"  -  copies {str(offsets):9s}  2.59 -> {total / trials:.2f}")


if __name__ == "__main__":
    main()
