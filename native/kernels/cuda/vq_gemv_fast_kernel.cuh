// The column-stationary VQ GEMV for the common index widths (T = 8, 12, 16, 24 bits per element), included
// by vq_matmul_cuda.cu and by the host emulation test. Contract: vq_matmul_cuda.h; the general kernel in
// vq_matmul_cuda_kernel.cuh serves every other layout.
//
// Why this shape (28672 x 8192, v8/k4096 is ~44 MB of indices: ~11 us of HBM on an H200):
// - one block per SM holds the group's codebook in shared memory once (f16; one 16-byte shared load
//   fetches a whole v8 vector; v12 rows are padded to 32 bytes where that fits);
// - each thread owns a run of 32 consecutive columns of one group: its 32 x values stay in registers for
//   all rows, and the run's 32 indices are exactly T 32-bit words (16-byte loads, unpacked with
//   compile-time shifts);
// - the threads of a block walk vector rows together (rows two ahead are prefetched into L1 while the
//   current one is computed), reduce each row's partial sums over the run lanes with warp shuffles, and collect
//   them in shared memory; one atomic per output row per block at the end.
#pragma once

#include "kernels/cuda/vq_matmul_cuda_kernel.cuh"

namespace lb::kernels::vq_cuda {

constexpr int kFastThreads = 512;
constexpr int kRun = 32;                  // columns (index elements) per thread and row
constexpr int kFastMaxRunLanes = 256;     // run lanes per block: at least 2 row lanes
constexpr int64_t kFastMaxRowsPerBlock = 256;  // vector rows per block (bounds the row sums in shared memory)

struct VqFastPlan {
  int sv;                  // shared-memory row stride of a codebook entry, in halves (v, or v padded to 8 / 16)
  int run_lanes;           // C: threads per row (a power of two <= 256); row lanes = kFastThreads / C
  int64_t runs;            // runs per group: ceil(S / 32)
  int64_t col_blocks;      // blocks across one group's runs: ceil(runs / C)
  int64_t rows_per_block;  // vector rows per block (a multiple of the row lanes)
  int64_t row_slices;      // ceil(vector_rows / rows_per_block)
  int word_step;           // widest load of index words: 4 (16 bytes), 2 or 1, from row_words' alignment
  int64_t shared_bytes;
  int bank_last;           // the banked tensor-core kernel's last codebook slot (kBankCopies * k - 1), else 0
  int bank_step;           // its banked index words between a thread's rows (row lanes x bank_runs x 8), else 0
};

inline bool vq_fast_index_bits(int t) { return t == 8 || t == 12 || t == 16 || t == 24; }

inline int64_t vq_fast_shared_bytes(const VqLayout& l, int sv, int64_t rows_per_block, bool residual) {
  const int64_t halves = static_cast<int64_t>(l.k) * sv + (residual ? static_cast<int64_t>(l.k_res) * sv : 0);
  return (halves * 2 + 15) / 16 * 16 + rows_per_block * l.v * 4;
}

// false: the general kernel runs this layout instead.
inline bool vq_fast_plan(const VqLayout& l, bool residual, int sms, int max_shared, VqFastPlan* p) {
  if (!vq_fast_index_bits(l.index_bits) || l.groups < 1 || l.vector_rows < 1 || l.cols <= l.outliers) return false;
  if (l.v != 2 && l.v != 4 && l.v != 6 && l.v != 8 && l.v != 12 && l.v != 16) return false;
  if (l.k < 8 || (residual && l.k_res < 8)) return false;
  p->runs = (l.group_size + kRun - 1) / kRun;
  int c = 1;
  while (c < p->runs && c < kFastMaxRunLanes) c *= 2;
  p->run_lanes = c;
  p->col_blocks = (p->runs + c - 1) / c;
  if (p->col_blocks * l.groups > 65535) return false;
  const int64_t row_lanes = kFastThreads / c;
  const int64_t col_blocks_total = p->col_blocks * l.groups;
  const int64_t target = sms > 0 ? sms : 132;  // one block per SM (launch bounds 512 x 1)
  int64_t slices = col_blocks_total >= target ? 1 : (target + col_blocks_total - 1) / col_blocks_total;
  int64_t rpb = (l.vector_rows + slices - 1) / slices;
  if (rpb > kFastMaxRowsPerBlock) rpb = kFastMaxRowsPerBlock;
  rpb = (rpb + row_lanes - 1) / row_lanes * row_lanes;
  p->rows_per_block = rpb;
  p->row_slices = (l.vector_rows + rpb - 1) / rpb;
  if (p->row_slices > 0x7fffffffLL) return false;
  p->word_step = l.row_words % 4 == 0 ? 4 : (l.row_words % 2 == 0 ? 2 : 1);
  // pad v12 entries to 32 bytes when that still fits (a 16- and an 8-byte load per entry). v6 stays at
  // 12 bytes: three 4-byte loads spread over all 32 banks (rows of 16 bytes would put them on 8 banks), and
  // a 16-byte load for 12 bytes (or 8 + 4) pushes ptxas into spills at 128 registers
  const int padded = l.v == 12 ? 16 : l.v;
  p->sv = padded;
  p->shared_bytes = vq_fast_shared_bytes(l, padded, rpb, residual);
  if (p->shared_bytes > max_shared) {
    p->sv = l.v;
    p->shared_bytes = vq_fast_shared_bytes(l, l.v, rpb, residual);
  }
  return p->shared_bytes <= max_shared;
}

__device__ __forceinline__ float2 half_word_to_float2(uint32_t u) {
  // built from the halves, not by a pointer cast: no aliasing assumptions
  const __half2 pair = __halves2half2(__ushort_as_half(static_cast<unsigned short>(u & 0xFFFFu)),
                                      __ushort_as_half(static_cast<unsigned short>(u >> 16)));
  return __half22float2(pair);
}

// The V values of codebook entry idx (entries SV halves apart in shared memory), widest aligned loads.
template <int V, int SV>
__device__ __forceinline__ void fast_centroid(const __half* cb, uint32_t idx, float (&c)[V]) {
  constexpr int kWords = V / 2;
  uint32_t words[kWords];
  const __half* p = cb + static_cast<int64_t>(idx) * SV;
  if constexpr (SV % 8 == 0) {
    // 16-byte aligned rows: 16-byte loads, then an 8- and a 4-byte one for the rest (v12 in 32-byte rows:
    // 16 + 8 bytes)
#pragma unroll
    for (int q = 0; q < kWords / 4; ++q) {
      const uint4 u = reinterpret_cast<const uint4*>(p)[q];
      words[4 * q] = u.x;
      words[4 * q + 1] = u.y;
      words[4 * q + 2] = u.z;
      words[4 * q + 3] = u.w;
    }
    constexpr int kDone = kWords / 4 * 4;
    if constexpr (kWords - kDone >= 2) {
      const uint2 u = reinterpret_cast<const uint2*>(p)[kDone / 2];
      words[kDone] = u.x;
      words[kDone + 1] = u.y;
    }
    if constexpr ((kWords - kDone) % 2 == 1) words[kWords - 1] = reinterpret_cast<const uint32_t*>(p)[kWords - 1];
  } else if constexpr (SV % 4 == 0) {
#pragma unroll
    for (int q = 0; q < kWords / 2; ++q) {
      const uint2 u = reinterpret_cast<const uint2*>(p)[q];
      words[2 * q] = u.x;
      words[2 * q + 1] = u.y;
    }
  } else {
#pragma unroll
    for (int q = 0; q < kWords; ++q) words[q] = reinterpret_cast<const uint32_t*>(p)[q];
  }
#pragma unroll
  for (int q = 0; q < kWords; ++q) {
    const float2 f = half_word_to_float2(words[q]);
    c[2 * q] = f.x;
    c[2 * q + 1] = f.y;
  }
}

// Element e (compile-time after unrolling) of the T-bit stream held in words[0 .. T).
template <int T>
__device__ __forceinline__ uint32_t run_element(const uint32_t (&words)[T], int e) {
  const int bit = e * T;
  const int wi = bit >> 5;
  const int off = bit & 31;
  uint32_t v = words[wi] >> off;
  if (off + T > 32) v |= words[wi + 1] << (32 - off);
  return T >= 32 ? v : (v & ((1u << T) - 1u));
}

// The T words of one run: all of them for a full run (widest aligned loads), else the first `count`.
template <int T>
__device__ __forceinline__ void load_run(const uint32_t* src, int count, int word_step, uint32_t (&words)[T]) {
  if (count == T && word_step == 4 && T % 4 == 0) {
#pragma unroll
    for (int q = 0; q < T / 4; ++q) {
      const uint4 u = __ldg(reinterpret_cast<const uint4*>(src) + q);
      words[4 * q] = u.x;
      words[4 * q + 1] = u.y;
      words[4 * q + 2] = u.z;
      words[4 * q + 3] = u.w;
    }
  } else if (count == T && word_step >= 2 && T % 2 == 0) {
#pragma unroll
    for (int q = 0; q < T / 2; ++q) {
      const uint2 u = __ldg(reinterpret_cast<const uint2*>(src) + q);
      words[2 * q] = u.x;
      words[2 * q + 1] = u.y;
    }
  } else {
#pragma unroll
    for (int q = 0; q < T; ++q) words[q] = q < count ? __ldg(src + q) : 0u;
  }
}

// acc += sum over the run's elements e < valid of x[e] * (C[idx_e] (+ R[ridx_e])).
template <int V, int SV, int T, bool kFull>
__device__ __forceinline__ void run_accumulate(const uint32_t (&words)[T], const float (&xr)[kRun], int valid,
                                               const __half* cb, const __half* rcb, bool residual, int main_bits,
                                               uint32_t main_mask, float (&acc)[V]) {
#pragma unroll
  for (int e = 0; e < kRun; ++e) {
    if (kFull || e < valid) {
      const uint32_t code = run_element<T>(words, e);
      float c[V];
      fast_centroid<V, SV>(cb, code & main_mask, c);
      if (residual) {
        float r[V];
        fast_centroid<V, SV>(rcb, code >> main_bits, r);
#pragma unroll
        for (int t = 0; t < V; ++t) c[t] += r[t];
      }
#pragma unroll
      for (int t = 0; t < V; ++t) acc[t] = __fmaf_rn(xr[e], c[t], acc[t]);
    }
  }
}

__host__ __device__ constexpr int pow2_at_least(int v) { return v <= 1 ? 1 : 2 * pow2_at_least((v + 1) / 2); }

// Warp reduce-scatter of VP (a power of two <= 32) partial sums: at each of the first log2(VP) levels a
// lane keeps half of its values and trades the other half with its partner, so 8 values take 4+2+1+1+1
// shuffles instead of 8 x 5. Returns the warp total of value *t (t = f(lane)); lane & (32 / VP - 1) == 0
// marks one lane per t.
template <int VP>
__device__ __forceinline__ float warp_reduce_scatter(float (&v)[VP], int lane, int* t) {
  int base = 0;
#pragma unroll
  for (int level = 0, off = 16; off >= 1; ++level, off /= 2) {
    const int n = VP >> level;  // values still held (>= 1)
    if (n > 1) {
      const int half = n / 2;
      const bool upper = (lane & off) != 0;
#pragma unroll
      for (int i = 0; i < half; ++i) {
        const float send = upper ? v[i] : v[i + half];
        const float keep = upper ? v[i + half] : v[i];
        v[i] = keep + __shfl_xor_sync(0xffffffffu, send, off);
      }
      if (upper) base += half;
    } else {
      v[0] += __shfl_xor_sync(0xffffffffu, v[0], off);
    }
  }
  *t = base;
  return v[0];
}

// dst[(i / kWords) * kStride + i % kWords] = src[i] for i < count, by the block's kFastThreads threads, eight
// loads in flight per thread before the stores (one L2 round trip per batch instead of one per element).
template <class W, int kWords, int kStride>
__device__ __forceinline__ void copy_batched(const W* __restrict__ src, W* dst, int count, int tid) {
  constexpr int kBatch = 8;
  for (int i0 = tid; i0 < count; i0 += kFastThreads * kBatch) {
    W tmp[kBatch];
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      const int i = i0 + u * kFastThreads;
      if (i < count) tmp[u] = __ldg(src + i);
    }
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      const int i = i0 + u * kFastThreads;
      if (i < count) {
        const int e = i / kWords;
        dst[e * kStride + (i - e * kWords)] = tmp[u];
      }
    }
  }
}

// Pulls the run's words (at most 96 bytes) into L1 ahead of the load; registers stay free for x and the sums.
template <int T>
__device__ __forceinline__ void prefetch_run(const uint32_t* src) {
#ifndef LB_CUDA_EMULATION
  asm volatile("prefetch.global.L1 [%0];" ::"l"(src));
  if constexpr (T * 4 > 64) asm volatile("prefetch.global.L1 [%0];" ::"l"(src + T - 1));
#else
  (void)src;
#endif
}

// grid: x = row slices, y = groups * col_blocks; kFastThreads threads; plan.shared_bytes dynamic shared memory.
// y must be zeroed before (partial sums are added with atomics).
template <int V, int SV, int T>
__global__ void __launch_bounds__(kFastThreads, 1) vq_gemv_fast_kernel(VqLayout l, VqWeightsCuda w, const float* xs,
                                                                      float* y, VqFastPlan plan) {
  LB_DYNAMIC_SHARED(unsigned char, smem_raw);
  const int tid = static_cast<int>(threadIdx.x);
  const int c_lanes = plan.run_lanes;
  const int row_lanes = kFastThreads / c_lanes;
  const int run_lane = tid % c_lanes;
  const int row_lane = tid / c_lanes;
  const int64_t g = static_cast<int64_t>(blockIdx.y) / plan.col_blocks;
  const int64_t cb_index = static_cast<int64_t>(blockIdx.y) % plan.col_blocks;
  const int64_t q = cb_index * c_lanes + run_lane;  // run of this thread within group g
  const bool residual = w.res_centroids != nullptr;

  const int64_t main_halves = static_cast<int64_t>(l.k) * SV;
  const int64_t res_halves = residual ? static_cast<int64_t>(l.k_res) * SV : 0;
  __half* cb = reinterpret_cast<__half*>(smem_raw);
  __half* rcb = cb + main_halves;
  float* ysum = reinterpret_cast<float*>(smem_raw + ((main_halves + res_halves) * 2 + 15) / 16 * 16);

  // valid columns of this run: inside the group and inside the matrix (the last group may be short)
  int64_t group_cols = l.group_size;
  if (l.outliers + g * l.group_size + group_cols > l.cols) group_cols = l.cols - l.outliers - g * l.group_size;
  int64_t valid64 = group_cols - q * kRun;
  if (q >= plan.runs || valid64 < 0) valid64 = 0;
  const int valid = static_cast<int>(valid64 < kRun ? valid64 : kRun);
  const int count = (valid * T + 31) / 32;  // index words this run needs

  const int64_t r_begin = static_cast<int64_t>(blockIdx.x) * plan.rows_per_block;
  int64_t r_end = r_begin + plan.rows_per_block;
  if (r_end > l.vector_rows) r_end = l.vector_rows;
  const int iters = static_cast<int>((plan.rows_per_block + row_lanes - 1) / row_lanes);
  const uint32_t* row0 = w.indices + g * l.vector_rows * l.row_words + q * T;

  // the first rows' words are requested before the codebook copy, so they arrive while it runs
  if (valid > 0) {
    if (r_begin + row_lane < r_end) prefetch_run<T>(row0 + (r_begin + row_lane) * l.row_words);
    if (r_begin + row_lane + row_lanes < r_end) prefetch_run<T>(row0 + (r_begin + row_lane + row_lanes) * l.row_words);
  }

  // codebooks into shared memory (padded rows when SV > V), row sums zeroed
  if constexpr (SV == V && (V * 2) % 16 == 0) {
    copy_batched<uint4, 1, 1>(reinterpret_cast<const uint4*>(static_cast<const __half*>(w.centroids) + g * l.k * V),
                              reinterpret_cast<uint4*>(cb), static_cast<int>(main_halves / 8), tid);
    if (residual) {
      copy_batched<uint4, 1, 1>(
          reinterpret_cast<const uint4*>(static_cast<const __half*>(w.res_centroids) + g * l.k_res * V),
          reinterpret_cast<uint4*>(rcb), static_cast<int>(res_halves / 8), tid);
    }
  } else {
    copy_batched<uint32_t, V / 2, SV / 2>(
        reinterpret_cast<const uint32_t*>(static_cast<const __half*>(w.centroids) + g * l.k * V),
        reinterpret_cast<uint32_t*>(cb), l.k * (V / 2), tid);
    if (residual) {
      copy_batched<uint32_t, V / 2, SV / 2>(
          reinterpret_cast<const uint32_t*>(static_cast<const __half*>(w.res_centroids) + g * l.k_res * V),
          reinterpret_cast<uint32_t*>(rcb), l.k_res * (V / 2), tid);
    }
  }
  // x after the copy: its 32 registers are not live across the copy's batches (no spills)
  float xr[kRun];
  {
    const float* xg = xs + l.outliers + g * l.group_size + q * kRun;
#pragma unroll
    for (int e = 0; e < kRun; ++e) xr[e] = e < valid ? __ldg(xg + e) : 0.0f;
  }
  for (int64_t i = tid; i < plan.rows_per_block * V; i += kFastThreads) ysum[i] = 0.0f;
  __syncthreads();

  const uint32_t main_mask = l.main_bits >= 32 ? 0xFFFFFFFFu : ((1u << l.main_bits) - 1u);
  const int reduce_width = c_lanes < 32 ? c_lanes : 32;
  const int lane = tid & 31;
  for (int it = 0; it < iters; ++it) {
    const int64_t vr = r_begin + row_lane + static_cast<int64_t>(it) * row_lanes;
    const int64_t vr_next = vr + row_lanes;
    // two rows ahead into L1, this row into registers
    if (valid > 0 && vr_next + row_lanes < r_end) prefetch_run<T>(row0 + (vr_next + row_lanes) * l.row_words);
    uint32_t cur[T];
    if (vr < r_end && valid > 0) {
      load_run<T>(row0 + vr * l.row_words, count, plan.word_step, cur);
    } else {
#pragma unroll
      for (int i = 0; i < T; ++i) cur[i] = 0u;
    }
    const bool row_ok = vr < r_end;
    float acc[V];
#pragma unroll
    for (int t = 0; t < V; ++t) acc[t] = 0.0f;
    if (row_ok && valid == kRun) {
      run_accumulate<V, SV, T, true>(cur, xr, valid, cb, rcb, residual, l.main_bits, main_mask, acc);
    } else if (row_ok && valid > 0) {
      run_accumulate<V, SV, T, false>(cur, xr, valid, cb, rcb, residual, l.main_bits, main_mask, acc);
    }
    // sum over the run lanes of this row: inside the warp by shuffles, across warps in shared memory
    if (c_lanes >= 32) {
      constexpr int VP = pow2_at_least(V);
      float part[VP];
#pragma unroll
      for (int t = 0; t < VP; ++t) part[t] = t < V ? acc[t] : 0.0f;
      int t = 0;
      const float total = warp_reduce_scatter<VP>(part, lane, &t);
      if (row_ok && (lane & (32 / VP - 1)) == 0 && t < V) atomicAdd(ysum + (vr - r_begin) * V + t, total);
    } else {
      // a warp holds 32 / C rows: butterfly over the C lanes of each
      for (int o = reduce_width / 2; o > 0; o /= 2) {
#pragma unroll
        for (int t = 0; t < V; ++t) acc[t] += __shfl_xor_sync(0xffffffffu, acc[t], o);
      }
      if (row_ok && lane % reduce_width == 0) {
        float* dst = ysum + (vr - r_begin) * V;
#pragma unroll
        for (int t = 0; t < V; ++t) atomicAdd(dst + t, acc[t]);
      }
    }
  }
  __syncthreads();

  const bool first = g == 0 && cb_index == 0;
  for (int64_t i = tid; i < (r_end - r_begin) * V; i += kFastThreads) {
    const int64_t r = r_begin * V + i;
    if (r >= l.rows) continue;
    float v = ysum[i];
    if (first) {
      v += xs[l.cols];
      if (w.bias != nullptr) v += h2f(w.bias, r);
    }
    atomicAdd(y + r, v);
  }
}

}  // namespace lb::kernels::vq_cuda
