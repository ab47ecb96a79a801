// The "new" VQ GEMV variant (the default; LOWBIT_VQ_GEMV=old takes vq_gemv_fast_kernel.cuh for A/B), for
// v in {2, 4, 6, 8} and T in {8, 12, 16, 24} bits per index element. Contract: vq_matmul_cuda.h. Included
// by vq_matmul_cuda.cu and by the host emulation test.
//
// Same column-stationary scheme as the fast kernel (one block per SM holds the group's f16 codebook in
// shared memory; threads own runs of consecutive columns with x in registers; shuffled row reductions; one
// atomic per output row per block), changed where the counts say the fast kernel waits:
// - the random 16-byte codebook reads cost ~2.6 shared wavefronts per quarter-warp (8 random rows in 8
//   bank groups) instead of 1, so the shared pipe needs many lookups queued; the fast kernel has 16 warps
//   per SM. Here runs are 16 columns (x in 16 registers) and blocks have 1024 threads: 32 warps per SM,
//   twice the independent lookups in flight, within 64 registers;
// - the next row's index words are loaded into registers while the current row is computed (a register
//   double buffer, not an L1 prefetch hint that the 64+ KB codebook carve-out may evict);
// - the residual codebook is a template parameter: no per-element branch in the unrolled lookups.
// Costs: one more shuffle reduction per 16 columns instead of per 32 (~0.3 instructions per lookup).
#pragma once

#include "kernels/cuda/vq_gemv_fast_kernel.cuh"

namespace lb::kernels::vq_cuda {

constexpr int kWideThreads = 1024;
constexpr int kWideRun = 16;                 // columns per thread and row
constexpr int kWideMaxRunLanes = 512;        // run lanes per block: at least 2 row lanes
constexpr int64_t kWideMaxRowsPerBlock = 256;

inline bool vq_wide_layout(const VqLayout& l) {
  return vq_fast_index_bits(l.index_bits) && (l.v == 2 || l.v == 4 || l.v == 6 || l.v == 8);
}

// The geometry of 16-column runs for blocks of `threads` threads, in VqFastPlan's fields (runs, run_lanes: a power of
// two up to max_run_lanes, col_blocks, rows_per_block up to max_rows, row_slices for about one block per SM,
// word_step: widest load of a run's T / 2 words). Shared by the wide and the tensor-core kernels. false: beyond the
// grid's limits.
inline bool vq_run_plan(const VqLayout& l, int threads, int max_run_lanes, int64_t max_rows, int sms, VqFastPlan* p) {
  p->runs = (l.group_size + kWideRun - 1) / kWideRun;
  int c = 1;
  while (c < p->runs && c < max_run_lanes) c *= 2;
  p->run_lanes = c;
  p->col_blocks = (p->runs + c - 1) / c;
  if (p->col_blocks * l.groups > 65535) return false;
  const int64_t row_lanes = threads / c;
  const int64_t col_blocks_total = p->col_blocks * l.groups;
  const int64_t target = sms > 0 ? sms : 132;
  const int64_t slices = col_blocks_total >= target ? 1 : (target + col_blocks_total - 1) / col_blocks_total;
  int64_t rpb = (l.vector_rows + slices - 1) / slices;
  if (rpb > max_rows) rpb = max_rows;
  rpb = (rpb + row_lanes - 1) / row_lanes * row_lanes;
  p->rows_per_block = rpb;
  p->row_slices = (l.vector_rows + rpb - 1) / rpb;
  if (p->row_slices > 0x7fffffffLL) return false;
  // a run's first word is q * T / 2 + row * row_words: aligned to 4 / 2 words when both terms are
  const int run_words = l.index_bits / 2;
  p->word_step = (run_words % 4 == 0 && l.row_words % 4 == 0) ? 4 : ((run_words % 2 == 0 && l.row_words % 2 == 0) ? 2 : 1);
  p->sv = l.v;
  return true;
}

// The wide kernel's launch plan (vq_run_plan, then shared_bytes; sv = v). false: this variant does not take it.
inline bool vq_wide_plan(const VqLayout& l, bool residual, int sms, int max_shared, VqFastPlan* p) {
  if (!vq_wide_layout(l) || l.groups < 1 || l.vector_rows < 1 || l.cols <= l.outliers) return false;
  if (l.k < 8 || (residual && l.k_res < 8)) return false;
  if (!vq_run_plan(l, kWideThreads, kWideMaxRunLanes, kWideMaxRowsPerBlock, sms, p)) return false;
  p->shared_bytes = vq_fast_shared_bytes(l, l.v, p->rows_per_block, residual);
  return p->shared_bytes <= max_shared;
}

// The W words of one run: all of them for a full run (widest aligned loads), else the first `count`.
template <int W>
__device__ __forceinline__ void load_wide_run(const uint32_t* src, int count, int word_step, uint32_t (&words)[W]) {
  if (count == W && word_step == 4 && W % 4 == 0) {
#pragma unroll
    for (int q = 0; q < W / 4; ++q) {
      const uint4 u = __ldg(reinterpret_cast<const uint4*>(src) + q);
      words[4 * q] = u.x;
      words[4 * q + 1] = u.y;
      words[4 * q + 2] = u.z;
      words[4 * q + 3] = u.w;
    }
  } else if (count == W && word_step >= 2 && W % 2 == 0) {
#pragma unroll
    for (int q = 0; q < W / 2; ++q) {
      const uint2 u = __ldg(reinterpret_cast<const uint2*>(src) + q);
      words[2 * q] = u.x;
      words[2 * q + 1] = u.y;
    }
  } else {
#pragma unroll
    for (int q = 0; q < W; ++q) words[q] = q < count ? __ldg(src + q) : 0u;
  }
}

// Element e of the T-bit stream in words[0 .. W) (compile-time shifts after unrolling).
template <int T, int W>
__device__ __forceinline__ uint32_t wide_element(const uint32_t (&words)[W], int e) {
  const int bit = e * T;
  const int wi = bit >> 5;
  const int off = bit & 31;
  uint32_t v = words[wi] >> off;
  if (off + T > 32) v |= words[wi + 1] << (32 - off);
  return v & ((1u << T) - 1u);
}

template <int V, int T, bool RES, bool kFull>
__device__ __forceinline__ void wide_accumulate(const uint32_t (&words)[T / 2], const float (&xr)[kWideRun], int valid,
                                                const __half* cb, const __half* rcb, int main_bits, uint32_t main_mask,
                                                float (&acc)[V]) {
#pragma unroll
  for (int e = 0; e < kWideRun; ++e) {
    if (kFull || e < valid) {
      const uint32_t code = wide_element<T, T / 2>(words, e);
      float c[V];
      fast_centroid<V, V>(cb, code & main_mask, c);
      if constexpr (RES) {
        float r[V];
        fast_centroid<V, V>(rcb, code >> main_bits, r);
#pragma unroll
        for (int t = 0; t < V; ++t) c[t] += r[t];
      }
#pragma unroll
      for (int t = 0; t < V; ++t) acc[t] = __fmaf_rn(xr[e], c[t], acc[t]);
    }
  }
}

// grid: x = row slices, y = groups * col_blocks; kWideThreads threads; plan.shared_bytes dynamic shared
// memory (vq_wide_plan). y must be zeroed before (partial sums are added with atomics). RES: residual
// codebook present (w.res_centroids != NULL).
template <int V, int T, bool RES>
__global__ void __launch_bounds__(kWideThreads, 1) vq_gemv_wide_kernel(VqLayout l, VqWeightsCuda w, const float* xs,
                                                                      float* y, VqFastPlan plan) {
  constexpr int W = T / 2;  // index words per full run
  LB_DYNAMIC_SHARED(unsigned char, smem_raw);
  const int tid = static_cast<int>(threadIdx.x);
  const int c_lanes = plan.run_lanes;
  const int row_lanes = kWideThreads / c_lanes;
  const int run_lane = tid % c_lanes;
  const int row_lane = tid / c_lanes;
  const int64_t g = static_cast<int64_t>(blockIdx.y) / plan.col_blocks;
  const int64_t cb_index = static_cast<int64_t>(blockIdx.y) % plan.col_blocks;
  const int64_t q = cb_index * c_lanes + run_lane;

  const int64_t main_halves = static_cast<int64_t>(l.k) * V;
  const int64_t res_halves = RES ? static_cast<int64_t>(l.k_res) * V : 0;
  __half* cb = reinterpret_cast<__half*>(smem_raw);
  __half* rcb = cb + main_halves;
  float* ysum = reinterpret_cast<float*>(smem_raw + ((main_halves + res_halves) * 2 + 15) / 16 * 16);

  int64_t group_cols = l.group_size;
  if (l.outliers + g * l.group_size + group_cols > l.cols) group_cols = l.cols - l.outliers - g * l.group_size;
  int64_t valid64 = group_cols - q * kWideRun;
  if (q >= plan.runs || valid64 < 0) valid64 = 0;
  const int valid = static_cast<int>(valid64 < kWideRun ? valid64 : kWideRun);
  const int count = (valid * T + 31) / 32;

  const int64_t r_begin = static_cast<int64_t>(blockIdx.x) * plan.rows_per_block;
  int64_t r_end = r_begin + plan.rows_per_block;
  if (r_end > l.vector_rows) r_end = l.vector_rows;
  // rows relative to r_begin in 32 bits (<= kWideMaxRowsPerBlock): fewer live 64-bit registers in the loop
  const int rows_here = static_cast<int>(r_end - r_begin);
  const int iters = static_cast<int>((plan.rows_per_block + row_lanes - 1) / row_lanes);
  const int64_t step_words = static_cast<int64_t>(row_lanes) * l.row_words;
  const uint32_t* src = w.indices + (g * l.vector_rows + r_begin + row_lane) * l.row_words + q * W;

  // the first row's words are requested before the codebook copy, so they arrive while it runs
  uint32_t nxt[W];
  if (valid > 0 && row_lane < rows_here) {
    load_wide_run<W>(src, count, plan.word_step, nxt);
  } else {
#pragma unroll
    for (int i = 0; i < W; ++i) nxt[i] = 0u;
  }

  if constexpr ((V * 2) % 16 == 0) {
    copy_batched<uint4, 1, 1>(reinterpret_cast<const uint4*>(static_cast<const __half*>(w.centroids) + g * l.k * V),
                              reinterpret_cast<uint4*>(cb), static_cast<int>(main_halves / 8), tid);
    if constexpr (RES) {
      copy_batched<uint4, 1, 1>(
          reinterpret_cast<const uint4*>(static_cast<const __half*>(w.res_centroids) + g * l.k_res * V),
          reinterpret_cast<uint4*>(rcb), static_cast<int>(res_halves / 8), tid);
    }
  } else {
    copy_batched<uint32_t, 1, 1>(reinterpret_cast<const uint32_t*>(static_cast<const __half*>(w.centroids) + g * l.k * V),
                                 reinterpret_cast<uint32_t*>(cb), static_cast<int>(main_halves / 2), tid);
    if constexpr (RES) {
      copy_batched<uint32_t, 1, 1>(
          reinterpret_cast<const uint32_t*>(static_cast<const __half*>(w.res_centroids) + g * l.k_res * V),
          reinterpret_cast<uint32_t*>(rcb), static_cast<int>(res_halves / 2), tid);
    }
  }
  float xr[kWideRun];
  {
    const float* xg = xs + l.outliers + g * l.group_size + q * kWideRun;
#pragma unroll
    for (int e = 0; e < kWideRun; ++e) xr[e] = e < valid ? __ldg(xg + e) : 0.0f;
  }
  for (int64_t i = tid; i < plan.rows_per_block * V; i += kWideThreads) ysum[i] = 0.0f;
  __syncthreads();

  const uint32_t main_mask = l.main_bits >= 32 ? 0xFFFFFFFFu : ((1u << l.main_bits) - 1u);
  const int reduce_width = c_lanes < 32 ? c_lanes : 32;
  const int lane = tid & 31;
  for (int it = 0; it < iters; ++it) {
    const int rel = row_lane + it * row_lanes;  // row within the block's slice
    uint32_t cur[W];
#pragma unroll
    for (int i = 0; i < W; ++i) cur[i] = nxt[i];
    // the next row's words into registers while this row is computed
    src += step_words;
    if (valid > 0 && rel + row_lanes < rows_here) load_wide_run<W>(src, count, plan.word_step, nxt);
    const bool row_ok = rel < rows_here;
    float acc[V];
#pragma unroll
    for (int t = 0; t < V; ++t) acc[t] = 0.0f;
    if (row_ok && valid == kWideRun) {
      wide_accumulate<V, T, RES, true>(cur, xr, valid, cb, rcb, l.main_bits, main_mask, acc);
    } else if (row_ok && valid > 0) {
      wide_accumulate<V, T, RES, false>(cur, xr, valid, cb, rcb, l.main_bits, main_mask, acc);
    }
    if (c_lanes >= 32) {
      constexpr int VP = pow2_at_least(V);
      float part[VP];
#pragma unroll
      for (int t = 0; t < VP; ++t) part[t] = t < V ? acc[t] : 0.0f;
      int t = 0;
      const float total = warp_reduce_scatter<VP>(part, lane, &t);
      if (row_ok && (lane & (32 / VP - 1)) == 0 && t < V) atomicAdd(ysum + rel * V + t, total);
    } else {
      for (int o = reduce_width / 2; o > 0; o /= 2) {
#pragma unroll
        for (int t = 0; t < V; ++t) acc[t] += __shfl_xor_sync(0xffffffffu, acc[t], o);
      }
      if (row_ok && lane % reduce_width == 0) {
        float* dst = ysum + rel * V;
#pragma unroll
        for (int t = 0; t < V; ++t) atomicAdd(dst + t, acc[t]);
      }
    }
  }
  __syncthreads();

  const bool first = g == 0 && cb_index == 0;
  for (int64_t i = tid; i < (r_end - r_begin) * V; i += kWideThreads) {
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
