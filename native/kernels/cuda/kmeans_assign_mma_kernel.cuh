// Shared pieces of the tensor-core nearest-centroid assignment for d <= 8 (kmeans_assign_tc_kernel.cuh and its
// lower-register variant kmeans_assign_tc_occ_kernel.cuh, which hold the exactness argument; included by
// kmeans_cuda.cu and by the host emulation test): the workspace layout, the centre of the centroids' box
// (scores are taken on centred coordinates, which keeps the TF32 error small for data away from the origin),
// the warp-wide TF32 mma and its host emulation, and the CUDA-core kernel's exact fp32 score chain
// (s = ||c||^2, then s = fma(-2 x_t, c_t, s) for t < d) that decides every candidate.
// (The first tensor-core kernel, which streamed every centroid's fragments from L2 per warp, was removed
// after the block-tiled kernels replaced it: 0.92 s against 0.22 s and 0.14 s at N = 7.34M, k = 65536.)
#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"

namespace lb::kernels::kmeans_mma {

constexpr int kMmaWarps = 8;
constexpr int kMmaThreads = kMmaWarps * 32;  // centre_kernel's block

// Workspace: ceil(k / 8) * 32 float4 (B fragments and C init per lane of each 8-centroid n-tile), then a
// 64-byte header: max ||c'||^2 and max ||c||^2 as float bits (uint32, zeroed before kmeans_tc::prep_tc_kernel), mu[8].
constexpr int kHeaderMaxCentred = 0, kHeaderMax = 1, kHeaderMu = 2;
inline int64_t workspace_bytes(int64_t k) { return (k + 7) / 8 * 32 * 16 + 64; }
inline int64_t header_offset(int64_t k) { return (k + 7) / 8 * 32 * 16; }

// One block of kMmaThreads: mu[t] = (min_c c_t + max_c c_t) / 2 for t < d, 0 beyond (order-free: deterministic).
static __global__ void centre_kernel(const float* __restrict__ centroids, int64_t k, int d, float* __restrict__ mu) {
  LB_SHARED_ARRAY(float, red, 16 * (kMmaThreads / 32));
  float lo[8], hi[8];
#pragma unroll
  for (int t = 0; t < 8; ++t) {
    lo[t] = INFINITY;
    hi[t] = -INFINITY;
  }
  for (int64_t c = threadIdx.x; c < k; c += kMmaThreads) {
#pragma unroll
    for (int t = 0; t < 8; ++t) {
      if (t < d) {
        const float v = centroids[c * d + t];
        lo[t] = fminf(lo[t], v);
        hi[t] = fmaxf(hi[t], v);
      }
    }
  }
#pragma unroll
  for (int off = 16; off > 0; off /= 2) {
#pragma unroll
    for (int t = 0; t < 8; ++t) {
      lo[t] = fminf(lo[t], __shfl_xor_sync(0xffffffffu, lo[t], off));
      hi[t] = fmaxf(hi[t], __shfl_xor_sync(0xffffffffu, hi[t], off));
    }
  }
  const int warp = static_cast<int>(threadIdx.x / 32);
  if (threadIdx.x % 32 == 0) {
    for (int t = 0; t < 8; ++t) {
      red[warp * 16 + t] = lo[t];
      red[warp * 16 + 8 + t] = hi[t];
    }
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int t = 0; t < 8; ++t) {
      float a = INFINITY, b = -INFINITY;
      for (int w = 0; w < kMmaThreads / 32; ++w) {
        a = fminf(a, red[w * 16 + t]);
        b = fmaxf(b, red[w * 16 + 8 + t]);
      }
      mu[t] = t < d ? 0.5f * a + 0.5f * b : 0.0f;  // halves first: no overflow near FLT_MAX
    }
  }
}

__device__ __forceinline__ float exact_norm(const float* c, int d) {
  float norm = 0.0f;
  for (int t = 0; t < d; ++t) norm = __fmaf_rn(c[t], c[t], norm);
  return norm;
}

#ifndef LB_CUDA_EMULATION
// d = A (16 x 8, row) * B (8 x 8, col) + d, TF32 inputs given as fp32 bit patterns (low mantissa bits ignored).
__device__ __forceinline__ void mma_tf32(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%0,%1,%2,%3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}
#else
// Host emulation of the warp-wide mma: every lane posts its fragments, one barrier, every lane reads the
// ones it needs (TF32 truncation of the inputs), one barrier.
inline float emu_tf32(uint32_t bits) { return __uint_as_float(bits & 0xFFFFE000u); }
inline void mma_tf32(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  static std::vector<uint32_t> post;
  const int me = static_cast<int>(threadIdx.x);
  if (me == 0) post.assign(static_cast<size_t>(blockDim.x) * 6, 0u);
  __syncthreads();
  uint32_t* mine = post.data() + static_cast<size_t>(me) * 6;
  for (int i = 0; i < 4; ++i) mine[i] = a[i];
  mine[4] = b0;
  mine[5] = b1;
  __syncthreads();
  const int warp0 = me - me % 32, lane = me % 32;
  const int g = lane / 4, t = lane % 4;
  auto at = [&](int l, int slot) { return emu_tf32(post[static_cast<size_t>(warp0 + l) * 6 + static_cast<size_t>(slot)]); };
  float acc[4];
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 2; ++c) {
      float s = 0.0f;
      for (int kk = 0; kk < 8; ++kk) {
        // A[g + 8r][kk]: lane g * 4 + kk % 4, slot r (kk < 4) or r + 2; B[kk][n]: lane n * 4 + kk % 4, slot 4 / 5
        const float av = at(g * 4 + kk % 4, kk < 4 ? r : r + 2);
        const float bv = at((2 * t + c) * 4 + kk % 4, kk < 4 ? 4 : 5);
        s = std::fma(av, bv, s);
      }
      acc[2 * r + c] = s;
    }
  }
  __syncthreads();  // everyone has read before the next post
  for (int i = 0; i < 4; ++i) d[i] += acc[i];
}
#endif

// The exact score of centroid c for point x (xm2 = -2 x): the CUDA-core kernel's chain.
__device__ __forceinline__ float exact_score(const float* __restrict__ centroids, int64_t c, int d, const float (&xm2)[8]) {
  const float* cv = centroids + c * d;
  float acc = exact_norm(cv, d);
#pragma unroll
  for (int t = 0; t < 8; ++t) {
    if (t < d) acc = __fmaf_rn(xm2[t], __ldg(cv + t), acc);
  }
  return acc;
}

}  // namespace lb::kernels::kmeans_mma
