// The VQ GEMV / dequant kernels and their launch sizing (included by vq_matmul_cuda.cu and by the host
// emulation test). See vq_matmul_cuda.h for the contract.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/vq_matmul_cuda.h"

namespace lb::kernels::vq_cuda {


constexpr int kThreads = 256;
constexpr int64_t kMaxChunk = 2048;  // columns of x staged per block

__device__ __forceinline__ float h2f(const void* p, int64_t i) { return __half2float(static_cast<const __half*>(p)[i]); }

__device__ __forceinline__ float load_x(const void* x, int dtype, int64_t i) {
  if (dtype == 1) return __half2float(static_cast<const __half*>(x)[i]);
  if (dtype == 2) return __bfloat162float(static_cast<const __nv_bfloat16*>(x)[i]);
  return static_cast<const float*>(x)[i];
}

__device__ __forceinline__ int64_t column_of(const uint16_t* perm, int64_t j) {
  return perm == nullptr ? j : static_cast<int64_t>(perm[j]);
}

// xs[j] = x[P[j]] * scale[P[j]]; xs[N] += sum_c x[c] * bias[c] (pre-zeroed); y[0 .. M) = 0.
// Grid: max(N, M) threads.
static __global__ void vq_prepare_kernel(VqLayout l, VqWeightsCuda w, const void* x, int x_dtype, float* xs, float* y) {
  LB_SHARED_ARRAY(float, partial, kThreads / 32);
  const int64_t j = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (j < l.rows) y[j] = 0.0f;
  float xb = 0.0f;
  if (j < l.cols) {
    const int64_t c = column_of(w.perm, j);
    const float xc = load_x(x, x_dtype, c);
    xs[j] = w.weight_scale == nullptr ? xc : xc * h2f(w.weight_scale, c);
    if (w.weight_bias != nullptr) xb = load_x(x, x_dtype, j) * h2f(w.weight_bias, j);
  }
  for (int o = 16; o > 0; o /= 2) xb += __shfl_xor_sync(0xffffffffu, xb, o);
  if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = xb;
  __syncthreads();
  if (threadIdx.x == 0 && w.weight_bias != nullptr) {
    float s = 0.0f;
    for (int i = 0; i < kThreads / 32; ++i) s += partial[i];
    atomicAdd(xs + l.cols, s);
  }
}

template <int V>
__device__ __forceinline__ void load_centroid(const __half* cb, uint32_t idx, float (&c)[V]) {
  const __half* p = cb + static_cast<int64_t>(idx) * V;
  if constexpr (V % 8 == 0) {
#pragma unroll
    for (int q = 0; q < V / 8; ++q) {
      const uint4 u = reinterpret_cast<const uint4*>(p)[q];
      const uint32_t words[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
      for (int h = 0; h < 4; ++h) {
        // built from the halves, not by a pointer cast: no aliasing assumptions
        const __half2 pair = __halves2half2(__ushort_as_half(static_cast<unsigned short>(words[h] & 0xFFFFu)),
                                            __ushort_as_half(static_cast<unsigned short>(words[h] >> 16)));
        const float2 f = __half22float2(pair);
        c[q * 8 + 2 * h] = f.x;
        c[q * 8 + 2 * h + 1] = f.y;
      }
    }
  } else {
#pragma unroll
    for (int h = 0; h < V / 2; ++h) {
      const float2 f = __half22float2(reinterpret_cast<const __half2*>(p)[h]);
      c[2 * h] = f.x;
      c[2 * h + 1] = f.y;
    }
  }
}

// One thread per vector row of group blockIdx.y, columns [chunk * blockIdx.z, ...) of the group. The
// group's codebooks and the x chunk live in shared memory; partial sums go to y with atomics.
template <int V>
__global__ void __launch_bounds__(kThreads) vq_gemv_kernel(VqLayout l, VqWeightsCuda w, const float* xs, float* y,
                                                           int64_t chunk) {
  LB_DYNAMIC_SHARED(unsigned char, smem_raw);
  const int64_t g = blockIdx.y;
  const int64_t main_halves = static_cast<int64_t>(l.k) * V;
  const int64_t res_halves = w.res_centroids == nullptr ? 0 : static_cast<int64_t>(l.k_res) * V;
  __half* cb = reinterpret_cast<__half*>(smem_raw);
  __half* rcb = cb + main_halves;
  float* xchunk = reinterpret_cast<float*>(smem_raw + ((main_halves + res_halves) * 2 + 15) / 16 * 16);

  // codebooks: 16-byte copies (k * V * 2 bytes is a multiple of 16 for k >= 8)
  {
    const uint4* src = reinterpret_cast<const uint4*>(static_cast<const __half*>(w.centroids) + g * main_halves);
    uint4* dst = reinterpret_cast<uint4*>(cb);
    for (int64_t i = threadIdx.x; i < main_halves / 8; i += kThreads) dst[i] = __ldg(src + i);
    if (res_halves > 0) {
      const uint4* rsrc =
          reinterpret_cast<const uint4*>(static_cast<const __half*>(w.res_centroids) + g * res_halves);
      uint4* rdst = reinterpret_cast<uint4*>(rcb);
      for (int64_t i = threadIdx.x; i < res_halves / 8; i += kThreads) rdst[i] = __ldg(rsrc + i);
    }
  }
  const int64_t c0 = static_cast<int64_t>(blockIdx.z) * chunk;
  int64_t c1 = c0 + chunk;
  if (c1 > l.group_size) c1 = l.group_size;
  const int64_t j0 = l.outliers + g * l.group_size;  // permuted column of group element 0
  if (j0 + c1 > l.cols) c1 = l.cols - j0;
  for (int64_t i = threadIdx.x; i < c1 - c0; i += kThreads) xchunk[i] = xs[j0 + c0 + i];
  __syncthreads();

  const int64_t vr = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (vr >= l.vector_rows || c1 <= c0) return;
  float acc[V];
#pragma unroll
  for (int t = 0; t < V; ++t) acc[t] = 0.0f;

  // streaming reader of the T-bit elements c0, c0 + 1, ... of this row
  const int T = l.index_bits;
  const uint64_t mask = T >= 32 ? 0xFFFFFFFFull : ((1ull << T) - 1ull);
  const uint32_t main_mask = l.main_bits >= 32 ? 0xFFFFFFFFu : ((1u << l.main_bits) - 1u);
  const uint32_t* row = w.indices + (g * l.vector_rows + vr) * l.row_words;
  const int64_t p = c0 * T;
  const uint32_t* wp = row + (p >> 5);
  uint64_t buf = static_cast<uint64_t>(__ldg(wp)) >> (p & 31);
  int nb = 32 - static_cast<int>(p & 31);
  ++wp;
  const bool residual = res_halves > 0;
  for (int64_t jj = c0; jj < c1; ++jj) {
    if (nb < T) {
      buf |= static_cast<uint64_t>(__ldg(wp)) << nb;
      ++wp;
      nb += 32;
    }
    const uint32_t code = static_cast<uint32_t>(buf & mask);
    buf >>= T;
    nb -= T;
    float c[V];
    load_centroid<V>(cb, code & main_mask, c);
    if (residual) {
      float r[V];
      load_centroid<V>(rcb, code >> l.main_bits, r);
#pragma unroll
      for (int t = 0; t < V; ++t) c[t] += r[t];
    }
    const float xv = xchunk[jj - c0];
#pragma unroll
    for (int t = 0; t < V; ++t) acc[t] = __fmaf_rn(xv, c[t], acc[t]);
  }
  const bool first = blockIdx.y == 0 && blockIdx.z == 0;
#pragma unroll
  for (int t = 0; t < V; ++t) {
    const int64_t r = vr * V + t;
    if (r < l.rows) {
      float v = acc[t];
      if (first) {
        v += xs[l.cols];
        if (w.bias != nullptr) v += h2f(w.bias, r);
      }
      atomicAdd(y + r, v);
    }
  }
}

// Outlier columns (j < O): one thread per output row; with no main groups it also adds the bias terms.
static __global__ void vq_outlier_kernel(VqLayout l, VqWeightsCuda w, const float* xs, float* y, bool add_bias) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= l.rows) return;
  float acc = 0.0f;
  const uint16_t* oidx = w.outlier_indices + (r / l.v0) * l.outliers;
  for (int64_t j = 0; j < l.outliers; ++j) {
    acc = __fmaf_rn(xs[j], h2f(w.outlier_centroids, static_cast<int64_t>(oidx[j]) * l.v0 + r % l.v0), acc);
  }
  if (add_bias) {
    acc += xs[l.cols];
    if (w.bias != nullptr) acc += h2f(w.bias, r);
  }
  atomicAdd(y + r, acc);
}

static __device__ float code_value(const VqLayout& l, const VqWeightsCuda& w, int64_t r, int64_t j) {
  if (j < l.outliers) {
    const uint32_t idx = w.outlier_indices[(r / l.v0) * l.outliers + j];
    return h2f(w.outlier_centroids, static_cast<int64_t>(idx) * l.v0 + r % l.v0);
  }
  const int64_t g = (j - l.outliers) / l.group_size;
  const int64_t jj = (j - l.outliers) % l.group_size;
  const uint32_t code = vq_read_bits(w.indices + (g * l.vector_rows + r / l.v) * l.row_words, jj, l.index_bits);
  const uint32_t idx = l.main_bits >= 32 ? code : code & ((1u << l.main_bits) - 1u);
  float q = h2f(w.centroids, g * static_cast<int64_t>(l.k) * l.v + static_cast<int64_t>(idx) * l.v + r % l.v);
  if (w.res_centroids != nullptr) {
    q += h2f(w.res_centroids,
             g * static_cast<int64_t>(l.k_res) * l.v + static_cast<int64_t>(code >> l.main_bits) * l.v + r % l.v);
  }
  return q;
}

static __global__ void vq_dequantize_kernel(VqLayout l, VqWeightsCuda w, float* out) {
  const int64_t total = l.rows * l.cols;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / l.cols;
    const int64_t j = i - r * l.cols;
    const int64_t c = column_of(w.perm, j);
    const float q = code_value(l, w, r, j);
    const float s = w.weight_scale == nullptr ? 1.0f : h2f(w.weight_scale, c);
    const float b = w.weight_bias == nullptr ? 0.0f : h2f(w.weight_bias, c);
    out[r * l.cols + c] = __fadd_rn(__fmul_rn(s, q), b);
  }
}

inline int64_t shared_bytes(const VqLayout& l, int64_t chunk, bool residual) {
  const int64_t halves = static_cast<int64_t>(l.k) * l.v + (residual ? static_cast<int64_t>(l.k_res) * l.v : 0);
  return (halves * 2 + 15) / 16 * 16 + chunk * 4;
}

inline int64_t chunk_for(const VqLayout& l, int sms) {
  const int64_t row_blocks = (l.vector_rows + kThreads - 1) / kThreads;
  const int64_t base = row_blocks * (l.groups > 0 ? l.groups : 1);
  const int64_t target = 3 * static_cast<int64_t>(sms > 0 ? sms : 132);
  int64_t splits = base >= target ? 1 : (target + base - 1) / base;
  int64_t chunk = (l.group_size + splits - 1) / splits;
  if (chunk > kMaxChunk) chunk = kMaxChunk;
  if (chunk < 32) chunk = 32;
  return chunk;
}

}  // namespace lb::kernels::vq_cuda
