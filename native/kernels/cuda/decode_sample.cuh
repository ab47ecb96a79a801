// Temperature + top-p sampling of the next token in one block, on the device (decode_sample_cuda.cu; the host
// emulation test runs the same body). The host sampler (src/infer/sampler.cpp) sorts by probability and sums in
// double in that order; this draws from the same distribution without a sort:
//   p_i = expf((l_i - max) / T) (f32), S = sum p_i (f64);
//   top_p < 1: the kept set is the smallest set of most likely tokens (ties by lower id) whose mass reaches top_p * S,
//   found as a threshold on p's f32 bits by a 4-ary search (each step one pass of masses), then the ties at the
//   threshold taken by id;
//   the draw: u * (the kept mass), walked in id order over the kept tokens (as the host sampler walks them since
//   2026-12-05; its p are doubles, so a token near an interval boundary may still differ).
// Every sum is in a fixed order, so a launch is deterministic. Every thread of the block calls each function.
// p lives in shared memory when the vocabulary fits (sample_shared_bytes): one global pass reads the logits, and the
// ~20 passes after it (the top-p search's) run at shared-memory latency; in global memory each pass waited on its loads
// (H200, 2026-12-04: ~240 us per token at top_p 0.9 over 32000 logits with p in global memory).
#pragma once

#include <math.h>
#include <stdint.h>

namespace lb::kernels::decode_sample {

constexpr uint32_t kOneBits = 0x3F800000u;  // 1.0f: p <= 1

constexpr int kRadixBins = 4096;                           // the top-p search's histogram (radix_cut)
constexpr int64_t kRadixMaxVocab = int64_t{1} << 18;        // vocab * 2^46 < 2^64: the fixed-point sums cannot wrap
constexpr double kFixedScale = 70368744177664.0;            // 2^46: p (<= 1) in fixed point

// Shared scratch (scratch_bytes): 3 doubles and 1 int64 per thread, then the histogram.
struct Scratch {
  double* d;       // [3][blockDim.x]
  int64_t* i;      // [blockDim.x]
  unsigned long long* hist;  // [kRadixBins] (atomicAdd's 64-bit type)
};

__host__ __device__ inline size_t scratch_bytes(int threads) {
  return static_cast<size_t>(threads) * (3 * sizeof(double) + sizeof(int64_t)) + kRadixBins * sizeof(unsigned long long);
}

// The scratch at the start of a block's dynamic shared memory.
__host__ __device__ inline Scratch scratch_at(unsigned char* base, int threads) {
  double* d = reinterpret_cast<double*>(base);
  int64_t* i = reinterpret_cast<int64_t*>(d + 3 * threads);
  return Scratch{d, i, reinterpret_cast<unsigned long long*>(i + threads)};
}

// p[0..vocab-1]: in shared memory with one float of padding after every 32, so that both the strided passes (ids
// t + k * threads) and the draw's contiguous runs per thread (32 ids at a vocabulary of 32 per thread) hit 32 banks.
struct PBuf {
  float* base;
  bool padded;
  __host__ __device__ float& operator[](int64_t i) const { return base[padded ? i + (i >> 5) : i]; }
};

__host__ __device__ inline size_t padded_p_bytes(int64_t vocab) {
  return static_cast<size_t>(vocab + (vocab + 31) / 32) * sizeof(float);
}

// Dynamic shared memory of a launch: the scratch, then p when p_in_shared (its PBuf at base + scratch_bytes).
__host__ __device__ inline size_t sample_shared_bytes(int threads, int64_t vocab = 0, bool p_in_shared = false) {
  return scratch_bytes(threads) + (p_in_shared ? padded_p_bytes(vocab) : 0);
}

__device__ inline uint32_t key_of(float p) { return __float_as_uint(p); }  // monotone for p >= 0

// The block's sums of v[0..n-1] (n <= 3) per thread, in a fixed order: each warp's lane 0 sums its 32 lanes, thread 0
// the warps. Every thread gets the totals.
__device__ inline void block_sum(double (&v)[3], int n, Scratch s) {
  const int t = static_cast<int>(threadIdx.x), threads = static_cast<int>(blockDim.x);
  for (int k = 0; k < n; ++k) s.d[k * threads + t] = v[k];
  __syncthreads();
  if ((t & 31) == 0) {
    for (int k = 0; k < n; ++k) {
      double a = 0;
      for (int l = 0; l < 32 && t + l < threads; ++l) a += s.d[k * threads + t + l];
      s.d[k * threads + t] = a;
    }
  }
  __syncthreads();
  if (t == 0) {
    for (int k = 0; k < n; ++k) {
      double a = 0;
      for (int w = 0; w < threads; w += 32) a += s.d[k * threads + w];
      s.d[k * threads] = a;
    }
  }
  __syncthreads();
  for (int k = 0; k < n; ++k) v[k] = s.d[k * threads];
  __syncthreads();  // the scratch may be reused at once
}

// Exclusive prefix of x over the threads in thread order (fixed order, as block_sum); returns this thread's prefix and
// sets total. values: [blockDim.x], warp_totals: [blockDim.x / 32 + 1] (shared). D: double or int64_t.
template <class D>
__device__ inline D block_exclusive_scan(D x, D& total, D* values, D* warp_totals) {
  const int t = static_cast<int>(threadIdx.x), threads = static_cast<int>(blockDim.x);
  const int warps = (threads + 31) / 32;
  values[t] = x;
  __syncthreads();
  if ((t & 31) == 0) {
    D a = 0;
    for (int l = 0; l < 32 && t + l < threads; ++l) {
      const D v = values[t + l];
      values[t + l] = a;
      a += v;
    }
    warp_totals[t >> 5] = a;
  }
  __syncthreads();
  if (t == 0) {
    D a = 0;
    for (int w = 0; w < warps; ++w) {
      const D v = warp_totals[w];
      warp_totals[w] = a;
      a += v;
    }
    warp_totals[warps] = a;
  }
  __syncthreads();
  const D r = values[t] + warp_totals[t >> 5];
  total = warp_totals[warps];
  __syncthreads();
  return r;
}

// The max logit (lowest id on ties) and the lowest non-finite id (-1: none) of f32 logits, every thread gets both.
struct MaxPick {
  float value;
  int64_t index;
  int64_t bad;
};

__device__ inline MaxPick block_max(MaxPick m, Scratch s) {
  const int t = static_cast<int>(threadIdx.x), threads = static_cast<int>(blockDim.x);
  s.d[t] = m.value;
  s.d[threads + t] = static_cast<double>(m.index);
  s.i[t] = m.bad;
  __syncthreads();
  // each warp's lane 0 merges its 32 entries into its own, then thread 0 the warps' (the order is a total one)
  const auto merge_range = [&](int first, int count, int stride) {
    MaxPick r{-INFINITY, -1, -1};
    for (int k = first; k < first + count * stride && k < threads; k += stride) {
      const float v = static_cast<float>(s.d[k]);
      const int64_t id = static_cast<int64_t>(s.d[threads + k]);
      if (id >= 0 && (r.index < 0 || v > r.value || (v == r.value && id < r.index))) {
        r.value = v;
        r.index = id;
      }
      if (s.i[k] >= 0 && (r.bad < 0 || s.i[k] < r.bad)) r.bad = s.i[k];
    }
    s.d[first] = r.value;
    s.d[threads + first] = static_cast<double>(r.index);
    s.i[first] = r.bad;
  };
  if ((t & 31) == 0) merge_range(t, 32, 1);
  __syncthreads();
  if (t == 0) merge_range(0, (threads + 31) / 32, 32);
  __syncthreads();
  const MaxPick r{static_cast<float>(s.d[0]), static_cast<int64_t>(s.d[threads]), s.i[0]};
  __syncthreads();
  return r;
}

__device__ inline unsigned long long fixed_of(float p) {
  return static_cast<unsigned long long>(static_cast<double>(p) * kFixedScale);
}

// The top-p cut by radix select: the largest key c with mass(key >= c) >= target, masses in 2^-46 fixed point (integer
// sums: the same in any order, so shared atomics keep the launch deterministic). Three histogram passes over the key's
// bits 29..18, 17..6 and 5..0 (p <= 1: key < 2^30), each followed by a scan of its bins from the top, where the 4-ary
// search needed 16 passes. vocab <= kRadixMaxVocab.
__device__ inline uint32_t radix_cut(PBuf p, int64_t vocab, uint64_t target, Scratch s) {
  const int t = static_cast<int>(threadIdx.x), threads = static_cast<int>(blockDim.x);
  uint32_t prefix = 0;  // the cut's bits above this pass
  uint64_t above = 0;   // the mass of keys above the prefix at this pass's level
  int shift = 30;
  for (int pass = 0; pass < 3; ++pass) {
    const int bits = pass < 2 ? 12 : 6;
    const int bins = 1 << bits;
    shift -= bits;
    for (int b = t; b < bins; b += threads) s.hist[b] = 0;
    __syncthreads();
    for (int64_t i = t; i < vocab; i += threads) {
      const uint32_t key = key_of(p[i]);
      if ((key >> (shift + bits)) == prefix) atomicAdd(&s.hist[(key >> shift) & (bins - 1)], fixed_of(p[i]));
    }
    __syncthreads();
    // thread t takes bins [hi - run, hi) counted from the top; the scan gives the mass of the bins above them
    const int run = (bins + threads - 1) / threads;
    const int hi = bins - t * run;
    const int lo = hi - run > 0 ? hi - run : 0;
    uint64_t local = 0;
    for (int b = lo; b < hi; ++b) local += s.hist[b];
    int64_t all = 0;
    const uint64_t before = static_cast<uint64_t>(block_exclusive_scan<int64_t>(
        static_cast<int64_t>(local), all, s.i, reinterpret_cast<int64_t*>(s.d + 2 * threads)));
    if (above + before < target && above + before + local >= target) {  // one thread: the crossing is in its bins
      uint64_t acc = above + before;
      for (int b = hi - 1; b >= lo; --b) {
        if (acc + s.hist[b] >= target) {
          s.i[0] = static_cast<int64_t>((prefix << bits) | static_cast<uint32_t>(b));
          s.i[1] = static_cast<int64_t>(acc);
          break;
        }
        acc += s.hist[b];
      }
    } else if (t == 0 && above + static_cast<uint64_t>(all) < target) {  // no crossing (rounding): the lowest bin
      s.i[0] = static_cast<int64_t>(prefix << bits);
      s.i[1] = static_cast<int64_t>(above + static_cast<uint64_t>(all) - s.hist[0]);
    }
    __syncthreads();
    prefix = static_cast<uint32_t>(s.i[0]);
    above = static_cast<uint64_t>(s.i[1]);
    __syncthreads();
  }
  return prefix;
}

struct Picked {
  int64_t token;      // the drawn id (the max logit's where there is a non-finite logit)
  int64_t bad_index;  // -1: none
  float bad_value;
};

// Draws the next token from the logits logit(0..vocab-1) (f32, finite unless reported) with temperature > 0,
// 0 < top_p <= 1 and u in [0, 1). logits_out (may be null): the logits written as f32. p: [vocab] floats. Every
// thread returns the same result. radix_allowed false: the top-p cut by the 16-pass search (the A/B switch).
template <class Logit>
__device__ inline Picked sample(Logit logit, float* logits_out, PBuf p, int64_t vocab, float temperature, float top_p,
                                double u, Scratch s, bool radix_allowed = true) {
  const int64_t t = threadIdx.x, threads = blockDim.x;
  MaxPick m{-INFINITY, -1, -1};
  constexpr int kInFlight = 4;  // loads per thread issued before their values are used
  for (int64_t i0 = t; i0 < vocab; i0 += kInFlight * threads) {
    float v[kInFlight];
#pragma unroll
    for (int k = 0; k < kInFlight; ++k) v[k] = i0 + k * threads < vocab ? logit(i0 + k * threads) : 0.0f;
#pragma unroll
    for (int k = 0; k < kInFlight; ++k) {
      const int64_t i = i0 + k * threads;
      if (i >= vocab) break;
      if (logits_out != nullptr) logits_out[i] = v[k];
      p[i] = v[k];
      if (!isfinite(v[k])) {
        if (m.bad < 0) m.bad = i;
      } else if (m.index < 0 || v[k] > m.value) {  // a thread's ids rise: the first maximum keeps the lowest id
        m.value = v[k];
        m.index = i;
      }
    }
  }
  m = block_max(m, s);  // its barriers also publish p
  if (m.bad >= 0) return Picked{m.index < 0 ? 0 : m.index, m.bad, p[m.bad]};

  double acc[3] = {0, 0, 0};
  uint64_t fixed = 0;
  for (int64_t i = t; i < vocab; i += threads) {  // each thread rewrites only its own ids of p
    const float e = expf((p[i] - m.value) / temperature);
    p[i] = e;
    acc[0] += e;
    fixed += fixed_of(e);
  }
  block_sum(acc, 1, s);  // also publishes p[] to the block (its barriers)
  const double target = static_cast<double>(top_p) * acc[0];
  const bool radix = radix_allowed && top_p < 1.0f && vocab <= kRadixMaxVocab;
  int64_t fixed_total = 0;
  if (radix) {
    block_exclusive_scan<int64_t>(static_cast<int64_t>(fixed), fixed_total, s.i, reinterpret_cast<int64_t*>(s.d + 2 * threads));
  }

  // kept: key > cut, or key == cut among the first `ties_kept` of them by id (top_p 1: every token, cut 0)
  uint32_t cut = 0;
  int64_t ties_kept = vocab;
  if (radix) {
    cut = radix_cut(p, vocab,
                    static_cast<uint64_t>(ceil(static_cast<double>(top_p) * static_cast<double>(fixed_total))), s);
  } else if (top_p < 1.0f) {
    uint32_t lo = 0, hi = kOneBits + 1;  // mass(key >= lo) >= target > mass(key >= hi)
    while (hi - lo > 1) {
      const uint32_t step = (hi - lo + 3) / 4;
      uint32_t c[3];
      for (int k = 0; k < 3; ++k) {
        const uint64_t ck = static_cast<uint64_t>(lo) + static_cast<uint64_t>(k + 1) * step;
        c[k] = ck < hi ? static_cast<uint32_t>(ck) : hi;
        acc[k] = 0;
      }
      for (int64_t i = t; i < vocab; i += threads) {
        const uint32_t key = key_of(p[i]);
        for (int k = 0; k < 3; ++k) acc[k] += key >= c[k] ? static_cast<double>(p[i]) : 0.0;
      }
      block_sum(acc, 3, s);
      uint32_t nlo = lo, nhi = hi;
      for (int k = 0; k < 3; ++k) {
        if (c[k] >= hi) break;
        if (acc[k] >= target) {
          nlo = c[k];
        } else {
          nhi = c[k];
          break;
        }
      }
      lo = nlo;
      hi = nhi;
    }
    cut = lo;
  }
  if (top_p < 1.0f) {
    // the mass above the cut and the ties at it
    acc[0] = 0;
    acc[1] = 0;
    for (int64_t i = t; i < vocab; i += threads) {
      const uint32_t key = key_of(p[i]);
      if (key > cut) acc[0] += p[i];
      if (key == cut) acc[1] += 1;
    }
    block_sum(acc, 2, s);
    const double tau = static_cast<double>(__uint_as_float(cut));
    const int64_t ties = static_cast<int64_t>(acc[1]);
    int64_t need = tau > 0 ? static_cast<int64_t>(ceil((target - acc[0]) / tau)) : ties;
    if (need < 1) need = 1;
    ties_kept = need < ties ? need : ties;
  }

  // the draw, in id order: each thread takes a contiguous run of ids
  const int64_t run = (vocab + threads - 1) / threads;
  const int64_t begin = t * run < vocab ? t * run : vocab;
  const int64_t end = begin + run < vocab ? begin + run : vocab;
  int64_t my_ties = 0;
  for (int64_t i = begin; i < end; ++i) my_ties += key_of(p[i]) == cut ? 1 : 0;
  int64_t all_ties = 0;
  const int64_t tie_rank0 =
      block_exclusive_scan<int64_t>(my_ties, all_ties, s.i, reinterpret_cast<int64_t*>(s.d + 2 * threads));
  const auto kept = [&](int64_t i, int64_t& rank) {
    const uint32_t key = key_of(p[i]);
    if (key > cut) return true;
    if (key != cut) return false;
    return rank++ < ties_kept;
  };
  double mine = 0;
  int64_t last_kept = -1;
  {
    int64_t rank = tie_rank0;
    for (int64_t i = begin; i < end; ++i) {
      if (kept(i, rank)) {
        mine += p[i];
        last_kept = i;
      }
    }
  }
  double kept_mass = 0;
  const double before = block_exclusive_scan<double>(mine, kept_mass, s.d, s.d + 2 * threads);
  const double goal = u * kept_mass;
  int64_t found = -1;
  if (mine > 0 && before <= goal && goal < before + mine) {
    int64_t rank = tie_rank0;
    double a = before;
    for (int64_t i = begin; i < end && found < 0; ++i) {
      if (kept(i, rank)) {
        a += p[i];
        if (goal < a) found = i;
      }
    }
    if (found < 0) found = last_kept;  // rounding: the walk's sum fell short of the scan's
  }
  // one thread found it (or none, when goal reached the kept mass by rounding: the last kept id)
  s.i[t] = found >= 0 ? found : -1;
  s.d[t] = static_cast<double>(last_kept);
  __syncthreads();
  // the first thread's find and the last kept id (runs rise with the thread): per warp, then over the warps
  const auto first_and_last = [&](int64_t first, int64_t count, int64_t stride) {
    int64_t pick = -1, last = -1;
    for (int64_t k = first; k < first + count * stride && k < threads; k += stride) {
      if (s.i[k] >= 0 && pick < 0) pick = s.i[k];
      if (s.d[k] >= 0) last = static_cast<int64_t>(s.d[k]);
    }
    s.i[first] = pick;
    s.d[first] = static_cast<double>(last);
  };
  if ((t & 31) == 0) first_and_last(t, 32, 1);
  __syncthreads();
  if (t == 0) {
    first_and_last(0, (threads + 31) / 32, 32);
    if (s.i[0] < 0) s.i[0] = static_cast<int64_t>(s.d[0]);
  }
  __syncthreads();
  const int64_t token = s.i[0];
  __syncthreads();
  return Picked{token, -1, 0.0f};
}

}  // namespace lb::kernels::decode_sample
