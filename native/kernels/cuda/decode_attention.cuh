// Single-query attention for one head in one pass over the cache (online softmax), the decode step's default where
// head_dim is a multiple of a 16-byte chunk (decode_cuda.cu's attend() keeps the two-pass form for the rest).
// Included by decode_cuda.cu and by the host emulation test.
//
// Why (Nsight Compute, H200, 2026-12-03, docs/gpu-runs/2026-12-03-session11/call5-decodencu.txt): the two-pass kernel
// was a chain of round trips and block barriers: 83 % of cycles with no eligible warp, 38 % of stalls at barriers,
// ~760 instructions per warp for a handful of keys. Here each group of 8 lanes scores one key with 16-byte loads
// (a warp takes 4 keys at once), keeps a running max, sum and weighted value row in registers, and reads that key's
// value row in the same iteration; the 4 groups of a warp merge by shuffles, the warps through shared memory. One
// block barrier instead of six, and the key and value reads of a key are in flight together.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <type_traits>

namespace lb::kernels::decode_attention {

constexpr int kKeyLanes = 8;     // lanes per key
constexpr int kChunkBytes = 16;  // one load per lane and chunk
constexpr int kMaxDim = 256;     // kDecodeMaxHeadDim

template <class T>
__host__ __device__ constexpr int chunk_elems() {
  return kChunkBytes / static_cast<int>(sizeof(T));
}

// chunks per lane for head_dim up to max_dim: at 128, 2 (16-bit) or 4 (f32); at kMaxDim twice that
template <class T>
__host__ __device__ constexpr int lane_chunks(int max_dim) {
  return max_dim / chunk_elems<T>() / kKeyLanes;
}

// Whether the one-pass form takes this head_dim and these cache addresses (16-byte chunks of whole rows).
__host__ __device__ inline bool online_applies(int64_t dim, int elem_bytes, const void* k, const void* v) {
  const int elems = kChunkBytes / elem_bytes;
  return dim > 0 && dim <= kMaxDim && dim % elems == 0 && reinterpret_cast<uintptr_t>(k) % kChunkBytes == 0 &&
         reinterpret_cast<uintptr_t>(v) % kChunkBytes == 0;
}

__device__ __forceinline__ void chunk_to_float(const uint4& u, float (&f)[4]) {
  f[0] = __uint_as_float(u.x);
  f[1] = __uint_as_float(u.y);
  f[2] = __uint_as_float(u.z);
  f[3] = __uint_as_float(u.w);
}

__device__ __forceinline__ void chunk_to_float(const uint4& u, float (&f)[8]) {
  __half2 h[4];
  memcpy(h, &u, sizeof(u));
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    f[2 * i] = __low2float(h[i]);
    f[2 * i + 1] = __high2float(h[i]);
  }
}

// bf16 chunks: the same 8 x 16 bits, widened by a shift
__device__ __forceinline__ void bf16_chunk_to_float(const uint4& u, float (&f)[8]) {
  const uint32_t w[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    f[2 * i] = __uint_as_float(w[i] << 16);
    f[2 * i + 1] = __uint_as_float(w[i] & 0xFFFF0000u);
  }
}

template <class T>
__device__ __forceinline__ void load_chunk(const T* p, float (&f)[chunk_elems<T>()]) {
  const uint4 u = *reinterpret_cast<const uint4*>(p);
  if constexpr (sizeof(T) == 2 && !std::is_same_v<T, __half>) {
    bf16_chunk_to_float(u, f);
  } else {
    chunk_to_float(u, f);
  }
}

// exp(a - b) where a may be -inf (nothing seen yet): 0, not NaN.
__device__ __forceinline__ float rescale(float a, float b) { return a == -INFINITY ? 0.0f : __expf(a - b); }

// The keys part p of `parts` takes (the split attention below): an even share of 0..keys-1, so no block scores more
// than ceil(keys / parts) of them.
__host__ __device__ inline void key_range(int64_t keys, int part, int parts, int64_t& begin, int64_t& end) {
  begin = keys * part / parts;
  end = keys * (part + 1) / parts;
}

// The key loop of the attention of the query qf (f32, shared, dim values) over cache rows begin..end-1 of k and v (T,
// row-major [keys][dim]); row `own` (-1: none) is read from k_own / v_own (shared f32) instead. Every thread of the
// block calls it (blockDim.x a multiple of 32). Leaves each warp's unnormalised row in rows[warp * dim ..] and its
// running max and sum in stats[warp] and stats[warps + warp] (shared), and ends with a block barrier.
// MC: chunks per lane, at least dim / chunk_elems<T>() / kKeyLanes (lane_chunks).
template <class T, int MC>
__device__ void attend_keys(const float* qf, const T* __restrict__ k, const T* __restrict__ v, int64_t begin,
                            int64_t end, int64_t own, const float* k_own, const float* v_own, int dim, float scale,
                            float* rows, float* stats) {
  constexpr int E = chunk_elems<T>();
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  const int warps = static_cast<int>(blockDim.x) >> 5;
  const int sub = lane & (kKeyLanes - 1);
  const int groups = warps * (32 / kKeyLanes);
  const int group = warp * (32 / kKeyLanes) + (lane >> 3);
  const int chunks = dim / E;

  float q[MC][E], acc[MC][E];
#pragma unroll
  for (int c = 0; c < MC; ++c) {
    const int ch = sub + c * kKeyLanes;
#pragma unroll
    for (int e = 0; e < E; ++e) {
      q[c][e] = ch < chunks ? qf[ch * E + e] : 0.0f;
      acc[c][e] = 0.0f;
    }
  }
  float m = -INFINITY, l = 0.0f;
  // block-uniform loop (the shuffles need every lane): a group past the last key scores nothing
#pragma unroll 2
  for (int64_t base = begin; base < end; base += groups) {
    const int64_t j = base + group;
    const bool live = j < end;
    float kc[MC][E], vc[MC][E];
#pragma unroll
    for (int c = 0; c < MC; ++c) {
      const int ch = sub + c * kKeyLanes;
      const bool on = live && ch < chunks;
      if (on && j == own) {
#pragma unroll
        for (int e = 0; e < E; ++e) {
          kc[c][e] = k_own[ch * E + e];
          vc[c][e] = v_own[ch * E + e];
        }
      } else if (on) {
        load_chunk<T>(k + j * dim + ch * E, kc[c]);
        load_chunk<T>(v + j * dim + ch * E, vc[c]);
      } else {
#pragma unroll
        for (int e = 0; e < E; ++e) {
          kc[c][e] = 0.0f;
          vc[c][e] = 0.0f;
        }
      }
    }
    float dot = 0.0f;
#pragma unroll
    for (int c = 0; c < MC; ++c)
#pragma unroll
      for (int e = 0; e < E; ++e) dot = fmaf(q[c][e], kc[c][e], dot);
#pragma unroll
    for (int o = kKeyLanes / 2; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
    if (live) {
      const float s = dot * scale;
      const float mn = fmaxf(m, s);
      const float corr = rescale(m, mn);
      const float p = __expf(s - mn);  // s NaN: p NaN, and so the output (as the two-pass form)
      l = l * corr + p;
#pragma unroll
      for (int c = 0; c < MC; ++c)
#pragma unroll
        for (int e = 0; e < E; ++e) acc[c][e] = fmaf(acc[c][e], corr, p * vc[c][e]);
      m = mn;
    }
  }
  // merge the warp's 4 groups (lanes sub, sub + 8, sub + 16, sub + 24 hold the same chunks)
#pragma unroll
  for (int o = kKeyLanes; o < 32; o <<= 1) {
    const float mo = __shfl_xor_sync(0xffffffffu, m, o);
    const float lo = __shfl_xor_sync(0xffffffffu, l, o);
    const float mn = fmaxf(m, mo);
    const float a = rescale(m, mn), b = rescale(mo, mn);
    l = l * a + lo * b;
#pragma unroll
    for (int c = 0; c < MC; ++c)
#pragma unroll
      for (int e = 0; e < E; ++e) {
        const float ao = __shfl_xor_sync(0xffffffffu, acc[c][e], o);
        acc[c][e] = acc[c][e] * a + ao * b;
      }
    m = mn;
  }
  if (lane < kKeyLanes) {
#pragma unroll
    for (int c = 0; c < MC; ++c) {
      const int ch = sub + c * kKeyLanes;
      if (ch < chunks) {
#pragma unroll
        for (int e = 0; e < E; ++e) rows[warp * dim + ch * E + e] = acc[c][e];
      }
    }
    if (lane == 0) {
      stats[warp] = m;
      stats[warps + warp] = l;
    }
  }
  __syncthreads();
}

// After attend_keys: the block's max (the largest of its warps') and its sum (the warps' sums rescaled to that max).
__device__ inline void warps_max_sum(const float* stats, float& top, float& total) {
  const int warps = static_cast<int>(blockDim.x) >> 5;
  top = -INFINITY;
  for (int w = 0; w < warps; ++w) top = fmaxf(top, stats[w]);
  total = 0.0f;
  for (int w = 0; w < warps; ++w) total += stats[warps + w] * rescale(stats[w], top);
}

// Attention of the query qf over cache rows 0..keys-1 in one block (attend_keys, then the warps merged): emit(i, value)
// is called for every output element i by thread i % blockDim.x, in rounds of blockDim.x (so whole warps when
// dim % 32 == 0). Shared scratch: rows [warps][dim] and stats [2 * warps] floats.
template <class T, int MC, class Emit>
__device__ void attend_online(const float* qf, const T* __restrict__ k, const T* __restrict__ v, int64_t keys,
                              int64_t own, const float* k_own, const float* v_own, int dim, float scale, float* rows,
                              float* stats, Emit&& emit) {
  attend_keys<T, MC>(qf, k, v, 0, keys, own, k_own, v_own, dim, scale, rows, stats);
  const int warps = static_cast<int>(blockDim.x) >> 5;
  float top = 0.0f, total = 0.0f;
  warps_max_sum(stats, top, total);
  const float inv = 1.0f / total;
  for (int i = static_cast<int>(threadIdx.x); i < dim; i += static_cast<int>(blockDim.x)) {
    float sum = 0.0f;
    for (int w = 0; w < warps; ++w) sum += rows[w * dim + i] * rescale(stats[w], top);
    emit(i, sum * inv);
  }
}

// ---- split attention: a head's keys over `parts` blocks (a thread-block cluster), merged through their shared
// memory ----
// Why: one block per head scored every key, so attention grew ~0.03 us per key and layer on the decode step (H200
// kernel trace, 2026-12-03), and each of the o projection's 4 parts of a head repeated the whole key loop. Split over
// 4, a block scores a quarter of the keys: ~0.01 us per key and layer, for a fixed ~2.6 us per layer (the cluster's
// scheduling and barriers; trace of 2026-12-04), so the decode graph splits only at long contexts.

constexpr int kMaxParts = 8;  // a portable cluster

// Floats of a block's part: its max, its sum, then its unnormalised row [dim].
__host__ __device__ constexpr int part_floats(int dim) { return 2 + dim; }

// After attend_keys: the block's warps merged into part (shared, part_floats(dim)): no barrier at the end (the caller
// publishes the part to the cluster).
__device__ inline void block_part(const float* rows, const float* stats, int dim, float* part) {
  const int warps = static_cast<int>(blockDim.x) >> 5;
  float top = 0.0f, total = 0.0f;
  warps_max_sum(stats, top, total);
  if (threadIdx.x == 0) {
    part[0] = top;
    part[1] = total;
  }
  for (int i = static_cast<int>(threadIdx.x); i < dim; i += static_cast<int>(blockDim.x)) {
    float sum = 0.0f;
    for (int w = 0; w < warps; ++w) sum += rows[w * dim + i] * rescale(stats[w], top);
    part[2 + i] = sum;
  }
}

// The P parts of a head (part_at(p): block_part's floats of key_range part p, any memory the thread can read) merged:
// emit(i, value) as attend_online. A part with no keys has max -inf and adds nothing.
template <int P, class PartAt, class Emit>
__device__ void merge_parts(PartAt&& part_at, int dim, Emit&& emit) {
  static_assert(P >= 1 && P <= kMaxParts, "a portable cluster");
  const float* parts[P];
  float maxes[P];
  float top = -INFINITY;
#pragma unroll
  for (int p = 0; p < P; ++p) {
    parts[p] = part_at(p);
    maxes[p] = parts[p][0];
    top = fmaxf(top, maxes[p]);
  }
  float total = 0.0f;
#pragma unroll
  for (int p = 0; p < P; ++p) total += parts[p][1] * rescale(maxes[p], top);
  const float inv = 1.0f / total;
  for (int i = static_cast<int>(threadIdx.x); i < dim; i += static_cast<int>(blockDim.x)) {
    float sum = 0.0f;
#pragma unroll
    for (int p = 0; p < P; ++p) sum += parts[p][2 + i] * rescale(maxes[p], top);
    emit(i, sum * inv);
  }
}

}  // namespace lb::kernels::decode_attention
