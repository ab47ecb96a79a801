#include "kernels/cuda/decode_cuda.h"

#include <cooperative_groups.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <math.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/decode_attention.cuh"
#include "kernels/cuda/decode_attention_o.cuh"
#include "kernels/cuda/packed_gemv_cuda.h"
#include "kernels/cuda/packed_gemv_xslot.cuh"
#include "kernels/cuda/pdl_launch.cuh"

namespace lb::kernels {
namespace {

constexpr int kWarp = 32;

// The attention kernels take the one-pass form (decode_attention.cuh) where it applies, unless
// LOWBIT_DECODE_ATTENTION_ONLINE=0 (decode_attention_set_online).
bool env_attention_online() {
  const char* v = std::getenv("LOWBIT_DECODE_ATTENTION_ONLINE");
  return v == nullptr || std::strcmp(v, "0") != 0;
}
std::atomic<bool> attention_online{env_attention_online()};

// The one-pass attention splits a head's keys over a cluster of this many blocks (decode_attention.cuh's split
// attention): LOWBIT_DECODE_ATTENTION_SPLIT=0 or 1 (none), 2, 4 (the default; also for other values) or 8;
// decode_attention_set_split and,
// for the calling thread, decode_attention_set_split_for_thread.
constexpr int kAttnParts = 4;
int split_setting(int parts) { return parts <= 1 ? 1 : parts == 2 ? 2 : parts >= 8 ? 8 : kAttnParts; }
int env_attention_split() {
  const char* v = std::getenv("LOWBIT_DECODE_ATTENTION_SPLIT");
  return v == nullptr || *v == '\0' ? kAttnParts : split_setting(std::atoi(v));
}
std::atomic<int> attention_split{env_attention_split()};
thread_local int attention_split_thread = -1;  // < 0: the process setting

int split_now() {
  return attention_split_thread >= 0 ? attention_split_thread : attention_split.load(std::memory_order_relaxed);
}

__device__ __forceinline__ float to_f(float v) { return v; }
__device__ __forceinline__ float to_f(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_f(__nv_bfloat16 v) { return __bfloat162float(v); }

template <class T>
__device__ __forceinline__ T from_f(float v);
template <>
__device__ __forceinline__ float from_f<float>(float v) { return v; }
template <>
__device__ __forceinline__ __half from_f<__half>(float v) { return __float2half_rn(v); }
template <>
__device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// v rounded to T and back: where the ATen reference stores an intermediate in T.
template <class T>
__device__ __forceinline__ float round_to(float v) { return to_f(from_f<T>(v)); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = kWarp / 2; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = kWarp / 2; o > 0; o /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Sum (or max) over the block; every thread gets the result. `scratch` holds 32 floats.
template <bool Max>
__device__ float block_reduce(float v, float* scratch) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp, warps = (blockDim.x + kWarp - 1) / kWarp;
  v = Max ? warp_max(v) : warp_sum(v);
  __syncthreads();  // scratch may still be read from a previous reduction
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float r = lane < warps ? scratch[lane] : (Max ? -INFINITY : 0.0f);
  if (warp == 0) r = Max ? warp_max(r) : warp_sum(r);
  if (threadIdx.x == 0) scratch[0] = r;
  __syncthreads();
  return scratch[0];
}

// Up to kNormChunks chunks of 4 elements per thread, all loaded before the reduction and kept in registers, so a
// row costs one memory round trip (a loop of dependent loads per thread cost ~15 us per 4096-element row on the
// H200: Nsight Compute, 2026-12-02). Rows that do not fit (hidden % 4 != 0, hidden > 4 * kNormChunks * threads,
// or unaligned pointers) take the strided loop.
constexpr int kNormThreads = 512;
constexpr int kNormChunks = 4;

template <class T>
struct Vec4 {
  float v[4];
};

template <class T>
__device__ __forceinline__ Vec4<T> load4(const T* p) {
  Vec4<T> r;
  if constexpr (sizeof(T) == 4) {
    const float4 f = *reinterpret_cast<const float4*>(p);
    r.v[0] = f.x;
    r.v[1] = f.y;
    r.v[2] = f.z;
    r.v[3] = f.w;
  } else {
    const uint2 u = *reinterpret_cast<const uint2*>(p);
    T h[4];
    memcpy(h, &u, sizeof(u));
#pragma unroll
    for (int i = 0; i < 4; ++i) r.v[i] = to_f(h[i]);
  }
  return r;
}

template <class T>
__device__ __forceinline__ void store4(T* p, const float (&v)[4]) {
  if constexpr (sizeof(T) == 4) {
    *reinterpret_cast<float4*>(p) = make_float4(v[0], v[1], v[2], v[3]);
  } else {
    T h[4];
#pragma unroll
    for (int i = 0; i < 4; ++i) h[i] = from_f<T>(v[i]);
    uint2 u;
    memcpy(&u, h, sizeof(u));
    *reinterpret_cast<uint2*>(p) = u;
  }
}

// y = w * round_to<T>(x * rsqrt(mean(x^2) + eps)) for one row; every thread of the block calls it (X: T or f32).
template <class X, class T>
__device__ void rms_norm_row(const X* __restrict__ row, const T* __restrict__ w, T* __restrict__ out, int64_t hidden,
                             float eps, bool vectorized, float* scratch) {
  if (vectorized) {
    Vec4<X> xv[kNormChunks];
    Vec4<T> wv[kNormChunks];
    float sum = 0.0f;
#pragma unroll
    for (int c = 0; c < kNormChunks; ++c) {
      const int64_t i = (static_cast<int64_t>(c) * blockDim.x + threadIdx.x) * 4;
      if (i < hidden) {
        xv[c] = load4(row + i);
        wv[c] = load4(w + i);
#pragma unroll
        for (int k = 0; k < 4; ++k) sum += xv[c].v[k] * xv[c].v[k];
      }
    }
    const float r = rsqrtf(block_reduce<false>(sum, scratch) / (float)hidden + eps);
#pragma unroll
    for (int c = 0; c < kNormChunks; ++c) {
      const int64_t i = (static_cast<int64_t>(c) * blockDim.x + threadIdx.x) * 4;
      if (i < hidden) {
        float o[4];
#pragma unroll
        for (int k = 0; k < 4; ++k) o[k] = wv[c].v[k] * round_to<T>(xv[c].v[k] * r);
        store4(out + i, o);
      }
    }
    return;
  }
  float sum = 0.0f;
  for (int64_t i = threadIdx.x; i < hidden; i += blockDim.x) {
    const float v = to_f(row[i]);
    sum += v * v;
  }
  const float r = rsqrtf(block_reduce<false>(sum, scratch) / (float)hidden + eps);
  for (int64_t i = threadIdx.x; i < hidden; i += blockDim.x) {
    out[i] = from_f<T>(to_f(w[i]) * round_to<T>(to_f(row[i]) * r));
  }
}

template <class T>
__global__ void rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, int64_t hidden,
                                float eps, bool vectorized) {
  pdl_launch_dependents();
  pdl_wait();
  __shared__ float scratch[kWarp];
  rms_norm_row<T, T>(x + blockIdx.x * hidden, w, y + blockIdx.x * hidden, hidden, eps, vectorized, scratch);
}

// The f32-residual variant (accumulate decode step): x f32, w and y in T. Blocks `rows` and beyond zero
// zero[0, zero_count): the f32 output of the GEMV that reads y next and adds its partial sums onto it.
template <class T>
__global__ void rms_norm_f32_kernel(const float* __restrict__ x, const T* __restrict__ w, T* __restrict__ y,
                                    int64_t rows, int64_t hidden, float eps, float* __restrict__ zero,
                                    int64_t zero_count, bool vectorized) {
  pdl_launch_dependents();
  pdl_wait();
  if (blockIdx.x >= rows) {  // block-uniform: no barrier below is skipped by part of a block
    const int64_t stride = (int64_t)(gridDim.x - rows) * blockDim.x;
    for (int64_t i = (int64_t)(blockIdx.x - rows) * blockDim.x + threadIdx.x; i < zero_count; i += stride) zero[i] = 0.0f;
    return;
  }
  __shared__ float scratch[kWarp];
  rms_norm_row<float, T>(x + blockIdx.x * hidden, w, y + blockIdx.x * hidden, hidden, eps, vectorized, scratch);
}

// RoPE of the pair (x1 at i, x2 at i + half) with (c1, s1) at i and (c2, s2) at i + half: x * cos +
// rotate_half(x) * sin, each product and the sum stored in T as ATen does (x1, x2 already rounded to T).
template <class T>
__device__ __forceinline__ void rotate_pair(float x1, float x2, float c1, float s1, float c2, float s2, T& out1, T& out2) {
  out1 = from_f<T>(round_to<T>(x1 * c1) + round_to<T>(-x2 * s1));
  out2 = from_f<T>(round_to<T>(x2 * c2) + round_to<T>(x1 * s2));
}

// Blocks 0..heads-1: query heads; heads..heads+kv_heads-1: key heads; then value heads (copied).
// I: qkv's element type (T, or f32 from the accumulate step's GEMV: rounded to T first, as the ATen path
// stores the linear's output in T).
template <class I, class T>
__global__ void rotary_kv_kernel(const I* __restrict__ qkv, const T* __restrict__ cos, const T* __restrict__ sin,
                                 const int64_t* __restrict__ position, T* __restrict__ q_out, T* __restrict__ k_cache,
                                 T* __restrict__ v_cache, int64_t heads, int64_t kv_heads, int64_t dim, int64_t max_seq) {
  pdl_launch_dependents();
  pdl_wait();
  const int64_t pos = *position;
  if (pos < 0 || pos >= max_seq) return;  // the adapter checks the position before the step
  const int64_t head = blockIdx.x;
  const I* src = qkv + head * dim;
  if (head >= heads + kv_heads) {
    const int64_t kv = head - heads - kv_heads;
    T* dst = v_cache + (kv * max_seq + pos) * dim;
    for (int64_t i = threadIdx.x; i < dim; i += blockDim.x) dst[i] = from_f<T>(to_f(src[i]));
    return;
  }
  T* dst = head < heads ? q_out + head * dim : k_cache + ((head - heads) * max_seq + pos) * dim;
  const T* c = cos + pos * dim;
  const T* s = sin + pos * dim;
  const int64_t half = dim / 2;
  for (int64_t i = threadIdx.x; i < half; i += blockDim.x) {
    rotate_pair<T>(round_to<T>(to_f(src[i])), round_to<T>(to_f(src[i + half])), to_f(c[i]), to_f(s[i]),
                   to_f(c[i + half]), to_f(s[i + half]), dst[i], dst[i + half]);
  }
}

// One block per query head, kAttnThreads threads. Shared memory (attention_shared_floats): the query in f32,
// one score per cache entry, then one partial output row per warp. Both passes spread the cache entries over
// the whole block, so their loads are in flight together (a decode step is latency-bound here, not bandwidth-
// bound): scores with 8 lanes per key (a warp reads 4 keys at once), values with a warp per key and a lane per
// 32nd of head_dim, the warps' partial rows summed in a fixed order.
constexpr int kAttnThreads = 256;
constexpr int kAttnWarps = kAttnThreads / kWarp;
constexpr int kKeyLanes = 8;                            // lanes per key in the score pass
constexpr int kMaxDimPerLane = (int)(kDecodeMaxHeadDim / kWarp);  // value columns per lane
constexpr int64_t kAttnPrefetchLines = 256;             // 32 KB of K and of V: 128 keys at head_dim 128, 16-bit
static_assert(kDecodeMaxHeadDim / 2 <= kAttnThreads, "the fused kernel's RoPE takes one pair per thread");

__device__ __forceinline__ void prefetch_l1(const void* p) {
  asm volatile("prefetch.global.L1 [%0];" ::"l"(p));
}

inline size_t attention_shared_floats(int64_t dim, int64_t max_seq) {
  return (size_t)(dim + max_seq + kAttnWarps * dim + decode_attention::part_floats((int)dim));
}

// Blocks a head's keys are split over (grid y and cluster): the split setting (1, 2, 4 or 8) where the one-pass
// form applies to these caches and the device has clusters, else 1. Every attention kernel launched under one setting
// takes the same split, so their outputs stay equal bit for bit.
int attention_parts(int64_t dim, size_t elem_bytes, const void* k_cache, const void* v_cache) {
  const int parts = split_now();
  return parts > 1 && attention_online.load(std::memory_order_relaxed) &&
                 decode_attention::online_applies(dim, (int)elem_bytes, k_cache, v_cache) && device_sm90()
             ? parts
             : 1;
}

// Thread-block cluster barrier halves (sm_90; every thread of every block of the cluster executes them).
__device__ __forceinline__ void cluster_arrive() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("barrier.cluster.arrive.release.aligned;" ::: "memory");
#endif
}
__device__ __forceinline__ void cluster_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("barrier.cluster.wait.acquire.aligned;" ::: "memory");
#endif
}

// Where block `rank` of this cluster keeps `p` (a shared address of the calling block's layout).
__device__ __forceinline__ const float* cluster_shared(const float* p, int rank) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  return cooperative_groups::this_cluster().map_shared_rank(const_cast<float*>(p), rank);
#else
  return rank == 0 ? p : nullptr;
#endif
}

// The two passes and the output of the attention for one query head, qf (f32, in shared memory) against cache
// entries 0..keys-1; entry `own` (the current position, when the fused kernel below computed it) is read from
// k_own / v_own (shared, f32 of the T-rounded values: what the cache holds) instead of the cache.
// WIDE: registers for the one-pass form's head_dim up to kDecodeMaxHeadDim, else up to 128 (a separate kernel
// instance: the wide one takes ~165 registers a thread, the narrow one far fewer).
// parts > 1 (attention_parts: 2, 4 or 8; the one-pass form): this block is part blockIdx.y % parts of a
// cluster of `parts` blocks along y that together hold the head: it scores its key_range, publishes the merged warps in `part` (shared,
// part_floats(dim)), and merges every block's part; it has arrived at the cluster barrier on return, and the kernel
// must cluster_wait() before it exits (the others may still read its part).
template <class T, bool WIDE>
__device__ void attend(const float* qf, const T* __restrict__ k, const T* __restrict__ v, int64_t keys, int64_t own,
                       const float* k_own, const float* v_own, int64_t dim, float scale, float* scores, float* partial,
                       float* scratch, T* __restrict__ out, bool online, uint32_t* slots = nullptr,
                       int slot_bits = 4, int parts = 1, float* part = nullptr) {
  const int lane = threadIdx.x % kWarp, warp = threadIdx.x / kWarp;
  if (online && decode_attention::online_applies(dim, sizeof(T), k, v)) {  // block-uniform
    constexpr int kLaneChunks = decode_attention::lane_chunks<T>(WIDE ? decode_attention::kMaxDim : 128);
    const auto emit = [&](int i, float value) {
      const T o = from_f<T>(value);
      if (out != nullptr) out[i] = o;
      if (slots != nullptr) {
        packed_gemv::quantize_kblock(to_f(o), lane, packed_gemv::x_byte_offset_for(slot_bits, lane),
                                     slots + (i / packed_gemv::kKBlockRows) * packed_gemv::kSlotWords);
      }
    };
    if (parts > 1) {
      int64_t begin = 0, end = 0;
      decode_attention::key_range(keys, static_cast<int>(blockIdx.y) % parts, parts, begin, end);
      decode_attention::attend_keys<T, kLaneChunks>(qf, k, v, begin, end, own, k_own, v_own, static_cast<int>(dim),
                                                    scale, partial, scratch);
      decode_attention::block_part(partial, scratch, static_cast<int>(dim), part);
      cluster_arrive();  // publishes this block's part
      cluster_wait();
      const auto part_at = [&](int p) { return cluster_shared(part, p); };
      if (parts == 2) {
        decode_attention::merge_parts<2>(part_at, static_cast<int>(dim), emit);
      } else if (parts == 8) {
        decode_attention::merge_parts<8>(part_at, static_cast<int>(dim), emit);
      } else {
        decode_attention::merge_parts<4>(part_at, static_cast<int>(dim), emit);
      }
      cluster_arrive();  // done reading the others' parts
      return;
    }
    decode_attention::attend_online<T, kLaneChunks>(qf, k, v, keys, own, k_own, v_own, static_cast<int>(dim), scale,
                                                    partial, scratch, emit);
    return;
  }
  const int sub = threadIdx.x % kKeyLanes;
  // the loop bound is warp-uniform (the shuffles need every lane): a lane past the last key adds zeros
  for (int64_t base = (int64_t)warp * (kWarp / kKeyLanes); base < keys; base += kAttnThreads / kKeyLanes) {
    const int64_t j = base + lane / kKeyLanes;
    float dot = 0.0f;
    if (j == own) {
      for (int64_t i = sub; i < dim; i += kKeyLanes) dot += qf[i] * k_own[i];
    } else if (j < keys) {
      const T* kj = k + j * dim;
#pragma unroll 4
      for (int64_t i = sub; i < dim; i += kKeyLanes) dot += qf[i] * to_f(kj[i]);
    }
#pragma unroll
    for (int o = kKeyLanes / 2; o > 0; o /= 2) dot += __shfl_xor_sync(0xffffffffu, dot, o);
    if (j < keys && sub == 0) scores[j] = dot * scale;
  }
  __syncthreads();
  float local_max = -INFINITY;
  for (int64_t j = threadIdx.x; j < keys; j += kAttnThreads) local_max = fmaxf(local_max, scores[j]);
  const float top = block_reduce<true>(local_max, scratch);
  float local_sum = 0.0f;
  for (int64_t j = threadIdx.x; j < keys; j += kAttnThreads) {
    const float e = __expf(scores[j] - top);
    scores[j] = e;
    local_sum += e;
  }
  const float total = block_reduce<false>(local_sum, scratch);  // its barriers also publish scores

  float acc[kMaxDimPerLane];
#pragma unroll
  for (int t = 0; t < kMaxDimPerLane; ++t) acc[t] = 0.0f;
#pragma unroll 2
  for (int64_t j = warp; j < keys; j += kAttnWarps) {
    const float p = scores[j];
    if (j == own) {
#pragma unroll
      for (int t = 0; t < kMaxDimPerLane; ++t) {
        const int64_t i = lane + (int64_t)t * kWarp;
        if (i < dim) acc[t] += p * v_own[i];
      }
      continue;
    }
    const T* vj = v + j * dim;
#pragma unroll
    for (int t = 0; t < kMaxDimPerLane; ++t) {
      const int64_t i = lane + (int64_t)t * kWarp;
      if (i < dim) acc[t] += p * to_f(vj[i]);
    }
  }
#pragma unroll
  for (int t = 0; t < kMaxDimPerLane; ++t) {
    const int64_t i = lane + (int64_t)t * kWarp;
    if (i < dim) partial[warp * dim + i] = acc[t];
  }
  __syncthreads();
  const float inv = 1.0f / total;
  for (int64_t i = threadIdx.x; i < dim; i += kAttnThreads) {  // with slots: dim % 32 == 0, so warp-uniform
    float sum = 0.0f;
#pragma unroll
    for (int w = 0; w < kAttnWarps; ++w) sum += partial[w * dim + i];
    const T o = from_f<T>(sum * inv);
    if (out != nullptr) out[i] = o;
    if (slots != nullptr) {
      packed_gemv::quantize_kblock(to_f(o), lane, packed_gemv::x_byte_offset_for(slot_bits, lane),
                                   slots + (i / packed_gemv::kKBlockRows) * packed_gemv::kSlotWords);
    }
  }
}

template <class T, bool WIDE>
__global__ void __launch_bounds__(kAttnThreads) attention_kernel(const T* __restrict__ q, const T* __restrict__ k_cache,
                                                                 const T* __restrict__ v_cache,
                                                                 const int64_t* __restrict__ position,
                                                                 T* __restrict__ out, int64_t heads, int64_t kv_heads,
                                                                 int64_t dim, int64_t max_seq, float scale,
                                                                 bool online, int parts) {
  pdl_launch_dependents();
  pdl_wait();
  extern __shared__ float shared[];
  __shared__ float scratch[kWarp];
  float* qf = shared;                       // [dim]
  float* scores = shared + dim;             // [max_seq]
  float* partial = scores + max_seq;        // [kAttnWarps][dim]
  float* part = partial + kAttnWarps * dim;  // [part_floats(dim)]
  const int64_t head = blockIdx.x;
  const int64_t kv = head / (heads / kv_heads);
  int64_t keys = *position + 1;
  if (keys > max_seq) keys = max_seq;
  if (keys < 1) keys = 1;
  for (int64_t i = threadIdx.x; i < dim; i += kAttnThreads) qf[i] = to_f(q[head * dim + i]);
  __syncthreads();
  attend<T, WIDE>(qf, k_cache + kv * max_seq * dim, v_cache + kv * max_seq * dim, keys, -1, nullptr, nullptr, dim,
                  scale, scores, partial, scratch, blockIdx.y == 0 ? out + head * dim : nullptr, online, nullptr, 4,
                  parts, part);
  if (parts > 1) cluster_wait();
}

// RoPE + KV-cache write + attention in one kernel (the decode step's default; LOWBIT_DECODE_ROPE_ATTENTION=0
// splits it): block h rotates query head h and the key of its kv head and rounds them, and the value, to T
// exactly as rotary_kv_kernel does; the first query head of each kv group writes the key and value into the cache
// at *position; every block uses its own copies for that entry. So its output equals rotary_kv_kernel followed by
// attention_kernel bit for bit. Shared memory: attention_shared_floats + 2 * dim (the new key and value).
// The normed step's extras (decode_rotary_attention_normed_cuda): qkv is y = W (g * h) of the GEMV that read the
// hidden state h, and the RMSNorm's 1 / rms(h) is applied here from sumsq = sum(h^2) (sumsq NULL: none), then the
// projection's bias is added. zero:
// a buffer the step's next fused GEMV accumulates into, zeroed after pdl_wait (NULL: none).
struct AttentionInputNorm {
  const void* bias;  // [q_dim + 2 kv_dim] in T, added after the scale (the q/k/v projection's bias; NULL: none)
  const float* sumsq;
  int64_t count;
  float eps;
  float* zero;
  int64_t zero_count;
  uint32_t* o_slots;  // the o projection's quantized input (packed_gemv_xslot.cuh), written with `out` (NULL: none)
  int o_slot_bits;    // the o projection's bit width: the slots' byte order
};

// The o projection of the attention kernel with OB > 0 (decode_attention_o.cuh): a.y += W_o . out, W_o packed
// (bits OB, 16-bit scales), a.in = heads * head_dim, a.y the f32 residual.
struct OProjection {
  PackedLinearCudaArgs a;
  bool vec_atomics;
};

// Shared bytes the OB > 0 kernel puts before its floats: the warps' o weights, then the head's slots.
inline size_t o_shared_bytes(int ob, int64_t dim) {
  if (ob == 0) return 0;
  const int kbs = static_cast<int>(dim / packed_gemv::kKBlockRows);
  return (size_t)kAttnWarps * kbs * ob * 32 * 16 + (size_t)kbs * packed_gemv::kSlotWords * 4;
}

// OB > 0 (2, 3, 4: the o projection's bits; decode_attention_o.cuh): grid (heads, parts), block (h, p) also adds
// the o projection's columns of tiles kAttnWarps * p .. + kAttnWarps - 1 over head h's k-blocks to o.a.y; part 0
// writes the cache and `out` (NULL: not written). Needs the one-pass attention, dim <= 128, 16-bit scales.
template <class I, class T, bool WIDE, int OB = 0>
__global__ void __launch_bounds__(kAttnThreads) rotary_attention_kernel(
    const I* __restrict__ qkv, const T* __restrict__ cos, const T* __restrict__ sin, const int64_t* __restrict__ position,
    T* __restrict__ k_cache, T* __restrict__ v_cache, T* __restrict__ out, int64_t heads, int64_t kv_heads, int64_t dim,
    int64_t max_seq, float scale, AttentionInputNorm norm, bool online, OProjection o, int parts) {
  static_assert(OB == 0 || !WIDE, "the o projection takes heads of at most 4 k-blocks");
  pdl_launch_dependents();
  extern __shared__ __align__(16) float shared_raw[];
  __shared__ float scratch[kWarp];
  // OB > 0: the warps' o weights and the head's slots first (16-byte aligned), then the floats
  uint4* o_weights = reinterpret_cast<uint4*>(shared_raw);
  const int o_kbs = static_cast<int>(dim / packed_gemv::kKBlockRows);
  uint32_t* o_slots_shared = reinterpret_cast<uint32_t*>(o_weights + (OB > 0 ? kAttnWarps * o_kbs * OB * 32 : 0));
  float* shared = reinterpret_cast<float*>(o_slots_shared + (OB > 0 ? o_kbs * packed_gemv::kSlotWords : 0));
  float* scores = shared;                   // [max_seq]
  float* partial = scores + max_seq;        // [kAttnWarps][dim]
  float* qf = partial + kAttnWarps * dim;   // [dim]
  float* k_own = qf + dim;                  // [dim]
  float* v_own = k_own + dim;               // [dim]
  float* part = v_own + dim;                // [part_floats(dim)]
  // Before pdl_wait, what no kernel of the step writes (so the reads overlap the GEMV before): the position (set
  // before the step's first kernel), the RoPE tables, and the cache entries of earlier positions (written by
  // earlier steps), whose first kAttnPrefetchLines lines of K and of V are prefetched into L1 for the passes below.
  const int64_t pos = *position;
  if (pos < 0 || pos >= max_seq) return;  // the adapter checks the position before the step
  const int64_t head = blockIdx.x;
  const int64_t group = heads / kv_heads;
  const int64_t kv = head / group;
  const bool writes_cache = head % group == 0 && blockIdx.y == 0;
  // OB > 0: this warp's tile of the o projection over the head's k-blocks; its weights copied into shared memory
  const int warp = static_cast<int>(threadIdx.x) / kWarp;
  const int64_t o_col0 = (static_cast<int64_t>(blockIdx.y) * kAttnWarps + warp) * packed_gemv::kWarpCols +
                         (threadIdx.x % kWarp) * 4;
  const bool o_col_ok = OB > 0 && o_col0 < o.a.out;
  decode_attention::OWarpGroupData<OB == 0 ? 2 : OB, true> o_group;
  if constexpr (OB > 0) {
    decode_attention::o_issue_loads<OB, true>(o.a, head * o_kbs, o_kbs, o_col0, o_col_ok,
                                              o_weights + warp * decode_attention::o_warp_words<OB>(o_kbs), o_group);
  }
  const T* c = cos + pos * dim;
  const T* s = sin + pos * dim;
  const int64_t half = dim / 2;  // <= kAttnThreads (dim <= kDecodeMaxHeadDim): one pair per thread
  const int64_t i0 = threadIdx.x;
  float c1 = 0.0f, s1 = 0.0f, c2 = 0.0f, s2 = 0.0f;
  if (i0 < half) {
    c1 = to_f(c[i0]);
    s1 = to_f(s[i0]);
    c2 = to_f(c[i0 + half]);
    s2 = to_f(s[i0 + half]);
  }
  {  // the earlier entries of this block's keys (parts > 1: its key_range)
    int64_t begin = 0, end = pos;
    if (parts > 1) {
      decode_attention::key_range(pos + 1, static_cast<int>(blockIdx.y) % parts, parts, begin, end);
      if (end > pos) end = pos;
    }
    const int64_t row_bytes = dim * (int64_t)sizeof(T);
    const char* k_old = reinterpret_cast<const char*>(k_cache + (kv * max_seq + begin) * dim);
    const char* v_old = reinterpret_cast<const char*>(v_cache + (kv * max_seq + begin) * dim);
    int64_t lines = end > begin ? ((end - begin) * row_bytes + 127) / 128 : 0;
    if (lines > kAttnPrefetchLines) lines = kAttnPrefetchLines;
    for (int64_t l = threadIdx.x; l < lines; l += kAttnThreads) {
      prefetch_l1(k_old + l * 128);
      prefetch_l1(v_old + l * 128);
    }
  }
  // the projection's bias is a weight too: read before the wait (NULL: none)
  const T* bias = static_cast<const T*>(norm.bias);
  const int64_t q_off = head * dim, k_off = (heads + kv) * dim, v_off = (heads + kv_heads + kv) * dim;
  const int64_t v0 = threadIdx.x;  // this thread's first V element (dim <= kAttnThreads: its only one)
  float bq1 = 0.0f, bq2 = 0.0f, bk1 = 0.0f, bk2 = 0.0f, bv = 0.0f;
  if (bias != nullptr) {
    if (i0 < half) {
      bq1 = to_f(bias[q_off + i0]);
      bq2 = to_f(bias[q_off + i0 + half]);
      bk1 = to_f(bias[k_off + i0]);
      bk2 = to_f(bias[k_off + i0 + half]);
    }
    if (v0 < dim) bv = to_f(bias[v_off + v0]);
  }
  pdl_wait();
  // every load of the GEMV's output at once (q, k, this thread's first v, the sum of squares), then the math
  const I* q_src = qkv + q_off;
  const I* k_src = qkv + k_off;
  const I* v_src = qkv + v_off;
  float q1 = 0.0f, q2 = 0.0f, k1 = 0.0f, k2 = 0.0f, v1 = 0.0f;
  if (i0 < half) {
    q1 = to_f(q_src[i0]);
    q2 = to_f(q_src[i0 + half]);
    k1 = to_f(k_src[i0]);
    k2 = to_f(k_src[i0 + half]);
  }
  if (v0 < dim) v1 = to_f(v_src[v0]);
  const float r = norm.sumsq != nullptr ? rsqrtf(*norm.sumsq / static_cast<float>(norm.count) + norm.eps) : 1.0f;
  // a projection output: scaled by the norm's r, plus the bias
  const auto in = [&](float v, float b) { return bias != nullptr ? v * r + b : v * r; };
  T* k_row = k_cache + (kv * max_seq + pos) * dim;
  T* v_row = v_cache + (kv * max_seq + pos) * dim;
  if (i0 < half) {
    const int64_t i = i0;
    T qr1, qr2, kr1, kr2;
    rotate_pair<T>(round_to<T>(in(q1, bq1)), round_to<T>(in(q2, bq2)), c1, s1, c2, s2, qr1, qr2);
    rotate_pair<T>(round_to<T>(in(k1, bk1)), round_to<T>(in(k2, bk2)), c1, s1, c2, s2, kr1, kr2);
    qf[i] = to_f(qr1);
    qf[i + half] = to_f(qr2);
    k_own[i] = to_f(kr1);
    k_own[i + half] = to_f(kr2);
    if (writes_cache) {
      k_row[i] = kr1;
      k_row[i + half] = kr2;
    }
  }
  for (int64_t i = v0; i < dim; i += kAttnThreads) {
    const float raw = i == v0 ? v1 : to_f(v_src[i]);
    const T vv = from_f<T>(in(raw, i == v0 ? bv : bias != nullptr ? to_f(bias[v_off + i]) : 0.0f));
    v_own[i] = to_f(vv);
    if (writes_cache) v_row[i] = vv;
  }
  __syncthreads();
  int64_t keys = pos + 1;
  if (keys > max_seq) keys = max_seq;
  uint32_t* slots = nullptr;
  if constexpr (OB > 0) {
    slots = o_slots_shared;
  } else if (norm.o_slots != nullptr && blockIdx.y == 0) {
    slots = norm.o_slots + head * (dim / packed_gemv::kKBlockRows) * packed_gemv::kSlotWords;
  }
  attend<T, WIDE>(qf, k_cache + kv * max_seq * dim, v_cache + kv * max_seq * dim, keys, pos, k_own, v_own, dim,
                  scale, scores, partial, scratch, out != nullptr && blockIdx.y == 0 ? out + head * dim : nullptr,
                  online, slots, OB > 0 ? OB : norm.o_slot_bits, parts, part);
  if constexpr (OB > 0) {
    cp_async::wait_all();
    __syncthreads();  // the slots (and every warp's copies) are in place
    decode_attention::o_compute<OB, true>(o.a, o_kbs, o_col0, o_col_ok,
                                          o_weights + warp * decode_attention::o_warp_words<OB>(o_kbs), o_group, slots,
                                          o.vec_atomics);
  }
  if (norm.zero != nullptr) {  // last: stores before the loads above would have ordered them after the stores
    const int64_t block = static_cast<int64_t>(blockIdx.y) * gridDim.x + blockIdx.x;
    for (int64_t i = block * kAttnThreads + threadIdx.x; i < norm.zero_count;
         i += (int64_t)gridDim.x * gridDim.y * kAttnThreads) {
      norm.zero[i] = 0.0f;
    }
  }
  if (parts > 1) cluster_wait();
}

// The normed step's LM head with the final RMSNorm folded in: y[r] = W[r] . rms_norm(x) for one token, x f32, W
// [vocab, hidden] and y in T. Every block normalizes x into shared memory (rms_norm_row: the values
// decode_rms_norm_f32_cuda stores), each warp takes rows r, r + warps, ...: a lane holds kHeadChunks 16-byte chunks
// of the row per pass, multiplied in f32 and summed over the warp; y rounded to T as at::linear stores it.
// Why: the norm kernel, cuBLAS's GEMV and the boundary between them cost ~66 us per token (H200, 2026-12-03), and
// cuBLAS, launched without PDL, could not load before the norm had finished; here each warp's first row is in
// flight before pdl_wait, while the last down GEMV finishes.
constexpr int kHeadThreads = 512;
constexpr int kHeadWarps = kHeadThreads / kWarp;
constexpr int kHeadChunks = 16;  // a 4096-wide f16 row: 512 chunks, one pass

// The 16 / sizeof(T) values of a 16-byte chunk held in registers.
template <class T>
__device__ __forceinline__ void chunk_values(const uint4& u, float (&f)[16 / sizeof(T)]) {
  if constexpr (sizeof(T) == 2 && !std::is_same_v<T, __half>) {
    decode_attention::bf16_chunk_to_float(u, f);
  } else {
    decode_attention::chunk_to_float(u, f);
  }
}

template <class T>
__global__ void __launch_bounds__(kHeadThreads) lm_head_normed_kernel(const float* __restrict__ x,
                                                                      const T* __restrict__ norm_w,
                                                                      const T* __restrict__ w, T* __restrict__ y,
                                                                      int64_t vocab, int64_t hidden, float eps,
                                                                      bool vectorized) {
  pdl_launch_dependents();
  extern __shared__ __align__(16) unsigned char head_shared[];
  T* xn = reinterpret_cast<T*>(head_shared);  // [hidden]
  __shared__ float scratch[kWarp];
  constexpr int E = 16 / static_cast<int>(sizeof(T));
  const int lane = static_cast<int>(threadIdx.x) % kWarp;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * kHeadWarps;
  const int64_t chunks = hidden / E;
  int64_t row = static_cast<int64_t>(blockIdx.x) * kHeadWarps + threadIdx.x / kWarp;
  uint4 buf[kHeadChunks];
  const auto issue = [&](int64_t r, int64_t c0) {
    const uint4* src = reinterpret_cast<const uint4*>(w + r * hidden);
#pragma unroll
    for (int k = 0; k < kHeadChunks; ++k) {
      const int64_t c = c0 + k * kWarp + lane;
      buf[k] = r < vocab && c < chunks ? __ldg(src + c) : make_uint4(0u, 0u, 0u, 0u);
    }
  };
  issue(row, 0);  // the weights: no kernel of the step writes them
  pdl_wait();
  rms_norm_row<float, T>(x, norm_w, xn, hidden, eps, vectorized, scratch);
  __syncthreads();
  const uint4* xs = reinterpret_cast<const uint4*>(xn);
  while (row < vocab) {  // warp-uniform
    float acc = 0.0f;
    for (int64_t c0 = 0; c0 < chunks; c0 += kHeadChunks * kWarp) {
      if (c0 > 0) issue(row, c0);
#pragma unroll
      for (int k = 0; k < kHeadChunks; ++k) {
        const int64_t c = c0 + k * kWarp + lane;
        if (c < chunks) {
          float wf[E], xf[E];
          chunk_values<T>(buf[k], wf);
          decode_attention::load_chunk<T>(reinterpret_cast<const T*>(xs + c), xf);
#pragma unroll
          for (int e = 0; e < E; ++e) acc = fmaf(wf[e], xf[e], acc);
        }
      }
    }
    acc = warp_sum(acc);
    if (lane == 0) y[row] = from_f<T>(acc);
    row += warps;
    if (row < vocab) issue(row, 0);
  }
}

// The normed step's first kernel: x f32 [hidden] = embed[*token] (T), and zero[0, zero_count) = 0 (the q/k/v
// GEMV's output and sum, which it adds into), in one PDL launch the GEMV can start beside; it replaces a gather, a
// conversion and a fill (three launches without PDL).
template <class T>
__global__ void embed_f32_kernel(const T* __restrict__ embed, const int64_t* __restrict__ token, int64_t vocab,
                                 int64_t hidden, float* __restrict__ x, float* __restrict__ zero, int64_t zero_count) {
  pdl_launch_dependents();
  pdl_wait();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  const int64_t first = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t id = *token;
  if (id >= 0 && id < vocab) {  // the adapter checks the token before the step
    for (int64_t i = first; i < hidden; i += stride) x[i] = to_f(embed[id * hidden + i]);
  }
  for (int64_t i = first; i < zero_count; i += stride) zero[i] = 0.0f;
}

// I: gate_up's element type (T, or f32 from the accumulate step's GEMV: rounded to T first).
template <class I, class T>
__global__ void silu_mul_kernel(const I* __restrict__ gate_up, T* __restrict__ out, int64_t rows, int64_t inter) {
  pdl_launch_dependents();
  pdl_wait();
  const int64_t total = rows * inter;
  for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < total; e += (int64_t)gridDim.x * blockDim.x) {
    const int64_t r = e / inter, i = e % inter;
    const float g = round_to<T>(to_f(gate_up[r * 2 * inter + i]));
    const float u = round_to<T>(to_f(gate_up[r * 2 * inter + inter + i]));
    out[e] = from_f<T>(round_to<T>(g / (1.0f + expf(-g))) * u);
  }
}

// Whether rms_norm_row's register path takes rows of `hidden` elements at these addresses (16-byte f32 / 8-byte
// 16-bit chunks).
bool norm_vectorized(int64_t hidden, const void* x, size_t x_bytes, const void* w, const void* y, size_t t_bytes) {
  const auto aligned = [](const void* p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; };
  return hidden % 4 == 0 && hidden <= int64_t{4} * kNormChunks * kNormThreads && aligned(x, 4 * x_bytes) &&
         aligned(w, 4 * t_bytes) && aligned(y, 4 * t_bytes);
}

template <class T>
cudaError_t rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t hidden, float eps, cudaStream_t s) {
  if (rows <= 0 || hidden <= 0) return cudaSuccess;
  const bool vec = norm_vectorized(hidden, x, sizeof(T), w, y, sizeof(T));
  return launch_pdl(rms_norm_kernel<T>, dim3((unsigned)rows), dim3(kNormThreads), 0, s, static_cast<const T*>(x),
                    static_cast<const T*>(w), static_cast<T*>(y), hidden, eps, vec);
}

template <class T>
cudaError_t rms_norm_f32(const float* x, const void* w, void* y, int64_t rows, int64_t hidden, float eps, float* zero,
                         int64_t zero_count, cudaStream_t s) {
  if (rows <= 0 || hidden <= 0) return cudaSuccess;
  if (zero_count < 0 || (zero_count > 0 && zero == nullptr)) return cudaErrorInvalidValue;
  int64_t zero_blocks = (zero_count + 2047) / 2048;  // ~4 stores per thread
  if (zero_blocks > 128) zero_blocks = 128;
  if (rows + zero_blocks > 0x7FFFFFFF) return cudaErrorInvalidValue;
  const bool vec = norm_vectorized(hidden, x, sizeof(float), w, y, sizeof(T));
  return launch_pdl(rms_norm_f32_kernel<T>, dim3((unsigned)(rows + zero_blocks)), dim3(kNormThreads), 0, s, x,
                    static_cast<const T*>(w), static_cast<T*>(y), rows, hidden, eps, zero, zero_count, vec);
}

template <class T, class I = T>
cudaError_t rotary_kv(const void* qkv, const void* cos, const void* sin, const int64_t* position, void* q_out,
                      void* k_cache, void* v_cache, int64_t heads, int64_t kv_heads, int64_t dim, int64_t max_seq,
                      cudaStream_t s) {
  const unsigned blocks = (unsigned)(heads + 2 * kv_heads);
  const unsigned threads = (unsigned)(dim / 2 < 32 ? 32 : (dim / 2 > 256 ? 256 : dim / 2));
  return launch_pdl(rotary_kv_kernel<I, T>, dim3(blocks), dim3(threads), 0, s, static_cast<const I*>(qkv),
                    static_cast<const T*>(cos), static_cast<const T*>(sin), position, static_cast<T*>(q_out),
                    static_cast<T*>(k_cache), static_cast<T*>(v_cache), heads, kv_heads, dim, max_seq);
}

template <class T>
cudaError_t attention(const void* q, const void* k_cache, const void* v_cache, const int64_t* position, void* out,
                      int64_t heads, int64_t kv_heads, int64_t dim, int64_t max_seq, float scale, cudaStream_t s) {
  const size_t shared = attention_shared_floats(dim, max_seq) * sizeof(float);
  const int parts = attention_parts(dim, sizeof(T), k_cache, v_cache);
  return launch_pdl_cluster(dim > 128 ? attention_kernel<T, true> : attention_kernel<T, false>,
                            dim3((unsigned)heads, (unsigned)parts), dim3(kAttnThreads), dim3(1, (unsigned)parts),
                            shared, s, static_cast<const T*>(q), static_cast<const T*>(k_cache),
                            static_cast<const T*>(v_cache), position, static_cast<T*>(out), heads, kv_heads, dim,
                            max_seq, scale, attention_online.load(std::memory_order_relaxed), parts);
}

template <class T, class I = T>
cudaError_t rotary_attention(const void* qkv, const void* cos, const void* sin, const int64_t* position, void* k_cache,
                             void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t dim, int64_t max_seq,
                             float scale, cudaStream_t s, AttentionInputNorm norm = {}) {
  const size_t shared = (attention_shared_floats(dim, max_seq) + 2 * dim) * sizeof(float);
  const int parts = attention_parts(dim, sizeof(T), k_cache, v_cache);
  return launch_pdl_cluster(dim > 128 ? rotary_attention_kernel<I, T, true> : rotary_attention_kernel<I, T, false>,
                            dim3((unsigned)heads, (unsigned)parts), dim3(kAttnThreads), dim3(1, (unsigned)parts),
                            shared, s, static_cast<const I*>(qkv), static_cast<const T*>(cos),
                            static_cast<const T*>(sin), position, static_cast<T*>(k_cache), static_cast<T*>(v_cache),
                            static_cast<T*>(out), heads, kv_heads, dim, max_seq, scale, norm,
                            attention_online.load(std::memory_order_relaxed), OProjection{}, parts);
}

// rotary_attention with the o projection (OB = its bits; T 16-bit, dim <= 128, the one-pass attention).
template <class T, int OB>
cudaError_t rotary_attention_o(const float* qkv, const void* cos, const void* sin, const int64_t* position,
                               void* k_cache, void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t dim,
                               int64_t max_seq, float scale, cudaStream_t s, const AttentionInputNorm& norm,
                               const OProjection& o) {
  const int64_t tiles = (o.a.out + packed_gemv::kWarpCols - 1) / packed_gemv::kWarpCols;
  // the o projection's parts of a head (kAttnWarps tiles each), rounded up to whole clusters of the key split
  const int split = attention_parts(dim, sizeof(T), k_cache, v_cache);
  const int64_t parts = ((tiles + kAttnWarps - 1) / kAttnWarps + split - 1) / split * split;
  if (parts > 65535) return cudaErrorInvalidValue;
  const size_t shared = o_shared_bytes(OB, dim) + (attention_shared_floats(dim, max_seq) + 2 * dim) * sizeof(float);
  auto* kernel = rotary_attention_kernel<float, T, false, OB>;
  if (shared > 48 * 1024) {
    const cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)shared);
    if (e != cudaSuccess) return e;
  }
  return launch_pdl_cluster(kernel, dim3((unsigned)heads, (unsigned)parts), dim3(kAttnThreads),
                            dim3(1, (unsigned)split), shared, s, qkv, static_cast<const T*>(cos),
                            static_cast<const T*>(sin), position, static_cast<T*>(k_cache), static_cast<T*>(v_cache),
                            static_cast<T*>(out), heads, kv_heads, dim, max_seq, scale, norm, true, o, split);
}

template <class T, class I = T>
cudaError_t silu_mul(const void* gate_up, void* out, int64_t rows, int64_t inter, cudaStream_t s) {
  const int64_t total = rows * inter;
  if (total <= 0) return cudaSuccess;
  int64_t blocks = (total + 255) / 256;
  if (blocks > 65535) blocks = 65535;
  return launch_pdl(silu_mul_kernel<I, T>, dim3((unsigned)blocks), dim3(256), 0, s, static_cast<const I*>(gate_up),
                    static_cast<T*>(out), rows, inter);
}

// The one dtype switch of the launchers: f(T{}) with T the element type of t.
template <class F>
cudaError_t by_type(DecodeType t, F&& f) {
  switch (t) {
    case DecodeType::F32: return f(float{});
    case DecodeType::F16: return f(__half{});
    case DecodeType::BF16: return f(__nv_bfloat16{});
  }
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t decode_rms_norm_cuda(DecodeType t, const void* x, const void* w, void* y, int64_t rows, int64_t hidden,
                                 float eps, cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return rms_norm<decltype(tag)>(x, w, y, rows, hidden, eps, stream);
  });
}

cudaError_t decode_rotary_kv_cuda(DecodeType t, const void* qkv, const void* cos, const void* sin,
                                  const int64_t* position, void* q_out, void* k_cache, void* v_cache, int64_t heads,
                                  int64_t kv_heads, int64_t head_dim, int64_t max_seq, cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return rotary_kv<decltype(tag)>(qkv, cos, sin, position, q_out, k_cache, v_cache, heads, kv_heads, head_dim, max_seq, stream);
  });
}

cudaError_t decode_attention_cuda(DecodeType t, const void* q, const void* k_cache, const void* v_cache,
                                  const int64_t* position, void* out, int64_t heads, int64_t kv_heads,
                                  int64_t head_dim, int64_t max_seq, float scale, cudaStream_t stream) {
  if (head_dim > kDecodeMaxHeadDim || max_seq > kDecodeMaxSeq || kv_heads <= 0 || heads % kv_heads != 0) {
    return cudaErrorInvalidValue;
  }
  return by_type(t, [&](auto tag) {
    return attention<decltype(tag)>(q, k_cache, v_cache, position, out, heads, kv_heads, head_dim, max_seq, scale, stream);
  });
}

cudaError_t decode_rotary_attention_cuda(DecodeType t, bool qkv_f32, const void* qkv, const void* cos, const void* sin,
                                         const int64_t* position, void* k_cache, void* v_cache, void* out,
                                         int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                         float scale, cudaStream_t stream) {
  if (head_dim > kDecodeMaxHeadDim || head_dim % 2 != 0 || max_seq > kDecodeMaxSeq || kv_heads <= 0 ||
      heads % kv_heads != 0) {
    return cudaErrorInvalidValue;
  }
  return by_type(t, [&](auto tag) {
    using T = decltype(tag);
    return qkv_f32 ? rotary_attention<T, float>(qkv, cos, sin, position, k_cache, v_cache, out, heads, kv_heads,
                                                head_dim, max_seq, scale, stream)
                   : rotary_attention<T>(qkv, cos, sin, position, k_cache, v_cache, out, heads, kv_heads, head_dim,
                                         max_seq, scale, stream);
  });
}

cudaError_t decode_rotary_attention_normed_cuda(DecodeType t, const float* qkv, const float* qkv_sumsq,
                                                int64_t norm_count, float norm_eps, const void* qkv_bias, float* zero,
                                                int64_t zero_count, const void* cos, const void* sin,
                                                const int64_t* position, void* k_cache, void* v_cache, void* out,
                                                int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                                float scale, cudaStream_t stream, void* o_slots,
                                                int o_slot_bits) {
  if (head_dim > kDecodeMaxHeadDim || head_dim % 2 != 0 || max_seq > kDecodeMaxSeq || kv_heads <= 0 ||
      heads % kv_heads != 0 || qkv_sumsq == nullptr || norm_count <= 0 || zero_count < 0 ||
      (zero == nullptr && zero_count != 0)) {
    return cudaErrorInvalidValue;
  }
  if (o_slots != nullptr && !decode_attention_slots_apply(head_dim, o_slot_bits, o_slots)) return cudaErrorInvalidValue;
  const AttentionInputNorm norm{qkv_bias, qkv_sumsq, norm_count, norm_eps, zero, zero_count,
                                static_cast<uint32_t*>(o_slots), o_slot_bits};
  return by_type(t, [&](auto tag) {
    return rotary_attention<decltype(tag), float>(qkv, cos, sin, position, k_cache, v_cache, out, heads, kv_heads,
                                                  head_dim, max_seq, scale, stream, norm);
  });
}

bool decode_rotary_attention_o_applies(DecodeType t, int64_t heads, int64_t head_dim, const PackedLinearCudaArgs& o) {
  const auto aligned16 = [](const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; };
  return attention_online.load(std::memory_order_relaxed) && (t == DecodeType::F16 || t == DecodeType::BF16) &&
         heads > 0 && head_dim > 0 && head_dim <= 128 && head_dim % packed_gemv::kKBlockRows == 0 &&
         (o.bits == 2 || o.bits == 3 || o.bits == 4) &&
         (o.scales_dtype == kPackedF16 || o.scales_dtype == kPackedBF16) &&
         o.m == 1 && o.in == heads * head_dim && o.out > 0 && o.out % 8 == 0 && o.group_size > 0 &&
         o.group_size % packed_gemv::kKBlockRows == 0 && o.y != nullptr && o.qweight != nullptr &&
         o.qzeros != nullptr && o.scales != nullptr && aligned16(o.qweight) && aligned16(o.scales);
}

cudaError_t decode_rotary_attention_o_cuda(DecodeType t, const float* qkv, const float* qkv_sumsq, int64_t norm_count,
                                           float norm_eps, const void* qkv_bias, float* zero, int64_t zero_count,
                                           const void* cos, const void* sin, const int64_t* position, void* k_cache,
                                           void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t head_dim,
                                           int64_t max_seq, float scale, const PackedLinearCudaArgs& o,
                                           cudaStream_t stream) {
  if (!decode_rotary_attention_o_applies(t, heads, head_dim, o) || max_seq > kDecodeMaxSeq || kv_heads <= 0 ||
      heads % kv_heads != 0 || qkv_sumsq == nullptr || norm_count <= 0 || zero_count < 0 ||
      (zero == nullptr && zero_count != 0)) {
    return cudaErrorInvalidValue;
  }
  const AttentionInputNorm norm{qkv_bias, qkv_sumsq, norm_count, norm_eps, zero, zero_count, nullptr, o.bits};
  const OProjection proj{o, packed_gemv_cuda_vector_atomics_on() && reinterpret_cast<uintptr_t>(o.y) % 16 == 0};
  return by_type(t, [&](auto tag) -> cudaError_t {
    using T = decltype(tag);
    if constexpr (sizeof(T) == 4) {
      return cudaErrorInvalidValue;  // not reached: applies() takes f16 / bf16 only
    } else {
      const auto launch = [&](auto bits) {
        return rotary_attention_o<T, decltype(bits)::value>(qkv, cos, sin, position, k_cache, v_cache, out, heads,
                                                            kv_heads, head_dim, max_seq, scale, stream, norm, proj);
      };
      switch (o.bits) {
        case 2: return launch(std::integral_constant<int, 2>{});
        case 3: return launch(std::integral_constant<int, 3>{});
        default: return launch(std::integral_constant<int, 4>{});
      }
    }
  });
}

void decode_attention_set_online(int enabled) {
  attention_online.store(enabled < 0 ? env_attention_online() : enabled != 0, std::memory_order_relaxed);
}

void decode_attention_set_split(int parts) {
  attention_split.store(parts < 0 ? env_attention_split() : split_setting(parts), std::memory_order_relaxed);
}

void decode_attention_set_split_for_thread(int parts) {
  attention_split_thread = parts < 0 ? -1 : split_setting(parts);
}

int decode_attention_split_parts() { return device_sm90() ? attention_split.load(std::memory_order_relaxed) : 1; }

bool decode_attention_slots_apply(int64_t head_dim, int bits, const void* slots) {
  return head_dim % packed_gemv::kKBlockRows == 0 && (bits == 2 || bits == 3 || bits == 4) &&
         reinterpret_cast<uintptr_t>(slots) % 16 == 0;
}

int64_t decode_attention_slots_bytes(int64_t heads, int64_t head_dim) {
  return heads * head_dim / packed_gemv::kKBlockRows * packed_gemv::kSlotWords * 4;
}

cudaError_t decode_silu_mul_cuda(DecodeType t, const void* gate_up, void* out, int64_t rows, int64_t inter,
                                 cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return silu_mul<decltype(tag)>(gate_up, out, rows, inter, stream);
  });
}

bool decode_lm_head_normed_applies(int64_t hidden, size_t elem_bytes, const void* w, const void* y) {
  const int64_t elems = 16 / static_cast<int64_t>(elem_bytes);
  return (elem_bytes == 2 || elem_bytes == 4) && hidden > 0 && hidden % elems == 0 &&
         hidden * static_cast<int64_t>(elem_bytes) <= 96 * 1024 && reinterpret_cast<uintptr_t>(w) % 16 == 0 &&
         reinterpret_cast<uintptr_t>(y) % elem_bytes == 0;
}

cudaError_t decode_lm_head_normed_cuda(DecodeType t, const float* x, const void* norm_w, const void* w, void* y,
                                       int64_t vocab, int64_t hidden, float eps, cudaStream_t stream) {
  if (vocab <= 0) return cudaSuccess;
  return by_type(t, [&](auto tag) -> cudaError_t {
    using T = decltype(tag);
    if (!decode_lm_head_normed_applies(hidden, sizeof(T), w, y)) return cudaErrorInvalidValue;
    const size_t shared = static_cast<size_t>(hidden) * sizeof(T);
    if (shared > 48 * 1024) {
      const cudaError_t e =
          cudaFuncSetAttribute(lm_head_normed_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)shared);
      if (e != cudaSuccess) return e;
    }
    int per_sm = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, lm_head_normed_kernel<T>, kHeadThreads, shared) !=
            cudaSuccess ||
        per_sm <= 0) {
      cudaGetLastError();
      per_sm = 1;
    }
    int device = 0, sms = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess || sms <= 0) {
      cudaGetLastError();
      sms = 1;
    }
    const int64_t needed = (vocab + kHeadWarps - 1) / kHeadWarps;
    const int64_t resident = static_cast<int64_t>(sms) * per_sm;
    const unsigned blocks = static_cast<unsigned>(needed < resident ? needed : resident);
    // the norm's x and weight at the alignment of its register path; xn in shared memory is 16-byte aligned
    const bool vec = norm_vectorized(hidden, x, sizeof(float), norm_w, w, sizeof(T));
    return launch_pdl(lm_head_normed_kernel<T>, dim3(blocks), dim3(kHeadThreads), shared, stream, x,
                      static_cast<const T*>(norm_w), static_cast<const T*>(w), static_cast<T*>(y), vocab, hidden, eps,
                      vec);
  });
}

cudaError_t decode_embed_f32_cuda(DecodeType t, const void* embed, const int64_t* token, int64_t vocab,
                                  int64_t hidden, float* x, float* zero, int64_t zero_count, cudaStream_t stream) {
  if (hidden <= 0 || vocab <= 0 || zero_count < 0 || (zero_count > 0 && zero == nullptr)) return cudaErrorInvalidValue;
  return by_type(t, [&](auto tag) -> cudaError_t {
    using T = decltype(tag);
    const int64_t most = hidden > zero_count ? hidden : zero_count;
    int64_t blocks = (most + 4 * 256 - 1) / (4 * 256);
    if (blocks > 64) blocks = 64;
    return launch_pdl(embed_f32_kernel<T>, dim3(static_cast<unsigned>(blocks)), dim3(256), 0, stream,
                      static_cast<const T*>(embed), token, vocab, hidden, x, zero, zero_count);
  });
}

// ---- the f32 variants of the accumulate decode step ----

cudaError_t decode_rms_norm_f32_cuda(DecodeType t, const float* x, const void* w, void* y, int64_t rows,
                                     int64_t hidden, float eps, float* zero, int64_t zero_count, cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return rms_norm_f32<decltype(tag)>(x, w, y, rows, hidden, eps, zero, zero_count, stream);
  });
}

cudaError_t decode_rotary_kv_f32_cuda(DecodeType t, const float* qkv, const void* cos, const void* sin,
                                      const int64_t* position, void* q_out, void* k_cache, void* v_cache,
                                      int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t max_seq,
                                      cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return rotary_kv<decltype(tag), float>(qkv, cos, sin, position, q_out, k_cache, v_cache, heads, kv_heads, head_dim, max_seq, stream);
  });
}

cudaError_t decode_silu_mul_f32_cuda(DecodeType t, const float* gate_up, void* out, int64_t rows, int64_t inter,
                                     cudaStream_t stream) {
  return by_type(t, [&](auto tag) {
    return silu_mul<decltype(tag), float>(gate_up, out, rows, inter, stream);
  });
}

}  // namespace lb::kernels
