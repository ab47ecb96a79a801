"""Where a decode step's time goes, from kernel_trace.cpp's CSV (bench/gpu/stages/kerneltrace.sh).

Steps are the launches of the decode CUDA graph: a step ends where a graph node id repeats. For the step two thirds
into the run it prints the span (first start to last end), the kernels' summed durations, the summed idle gaps
between one kernel's end and the next one's start (negative gaps are PDL overlap), per-name totals, and one middle
decoder layer kernel by kernel.
    python3 summarize.py trace.csv [layers]
"""
import csv
import sys
from collections import defaultdict


def short(name):
    name = name.split("(")[0]
    for key in ("packed_gemv", "attention", "rms", "silu", "embed", "gemv", "argmax", "sample", "gemm", "softmax"):
        i = name.find(key)
        if i >= 0:
            return name[i:][:80]
    return name[-80:]


def load(path):
    rows = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows.append((int(r["start_ns"]), int(r["end_ns"]), int(r["graph_id"]), int(r["graph_node_id"]),
                         short(r["name"])))
    rows.sort()
    return rows


def graph_steps(rows):
    steps, cur, seen = [], [], set()
    for r in rows:
        if r[2] == 0:  # outside the graph (prefill, setup)
            continue
        if (r[2], r[3]) in seen:
            steps.append(cur)
            cur, seen = [], set()
        cur.append(r)
        seen.add((r[2], r[3]))
    if cur:
        steps.append(cur)
    return steps


def main():
    rows = load(sys.argv[1])
    layers = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    print(f"{len(rows)} kernels traced")
    steps = graph_steps(rows)
    if not steps:
        print("no graph kernels: was the decode captured in a CUDA graph?")
        return
    sizes = defaultdict(int)
    for s in steps:
        sizes[len(s)] += 1
    common = max(sizes, key=sizes.get)
    decode = [s for s in steps if len(s) == common]
    print(f"{len(steps)} graph launches; {len(decode)} with {common} kernels")
    step = decode[len(decode) * 2 // 3]
    t0 = step[0][0]
    span = max(e for _, e, _, _, _ in step) - t0
    busy = sum(e - s for s, e, _, _, _ in step)
    idle = 0
    end = step[0][1]
    for s, e, _, _, _ in step[1:]:
        idle += max(0, s - end)
        end = max(end, e)
    spans = sorted(max(e for _, e, _, _, _ in s) - s[0][0] for s in decode)
    print(f"step span {span / 1000:.1f} us (median over steps {spans[len(spans) // 2] / 1000:.1f}); kernels' summed "
          f"durations {busy / 1000:.1f} us; idle gaps {idle / 1000:.1f} us")
    between = sorted(b[0][0] - max(e for _, e, _, _, _ in a) for a, b in zip(steps, steps[1:]))
    if between:
        print(f"between graph launches (host, token read back): median {between[len(between) // 2] / 1000:.1f} us")
    tot = defaultdict(lambda: [0, 0])
    for s, e, _, _, n in step:
        tot[n][0] += 1
        tot[n][1] += e - s
    print("per kernel name: count, summed us, mean us")
    for n, (c, d) in sorted(tot.items(), key=lambda kv: -kv[1][1]):
        print(f"  {c:4d} {d / 1000:9.1f} {d / c / 1000:7.2f}  {n}")
    per_layer = max(1, (len(step) - 4) // layers)
    first = len(step) // 2 - (len(step) // 2) % per_layer
    print(f"a middle layer ({per_layer} kernels per layer assumed), offsets from the step's start:")
    prev_end = None
    for s, e, _, _, n in step[max(0, first - 1):first + per_layer + 1]:
        gap = "" if prev_end is None else f"gap {(s - prev_end) / 1000:+7.2f}"
        print(f"  {(s - t0) / 1000:9.2f} us  dur {(e - s) / 1000:7.2f}  {gap:14s} {n}")
        prev_end = e


if __name__ == "__main__":
    main()
