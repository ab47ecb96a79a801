// Exact nearest-centroid assignment for d <= 8 on tensor cores (included by kmeans_cuda.cu and by the
// host emulation test).
//
// Scores s(c) = ||c||^2 - 2 x.c. The fp32 CUDA-core scan costs N * k * (d FMAs + a compare): at N = 7.34M,
// k = 65536, d = 8 that is ~0.16 s on an H200 at best. Here one mma.m16n8k8 (TF32 inputs, fp32
// accumulate, C = ||c||^2) scores 16 points x 8 centroids, and the CUDA cores only compare:
//   pass over all centroids with the approximate scores a(c); a lane keeps, per point, a threshold
//   thr = min a(c) seen + E; every centroid with a(c) <= thr gets its exact fp32 score (the same FMA chain
//   as the CUDA-core kernel: s = ||c||^2, then s = fma(-2 x_t, c_t, s) for t < d) and the best exact
//   score (ties: lowest index) wins.
// The approximate scores are taken on centred coordinates x' = x - mu, c' = c - mu (mu: the middle of the
// centroids' bounding box; a'(c) = ||c'||^2 - 2 x'.c' = s(c) + const(x) in exact arithmetic), which keeps
// the TF32 error small for data away from the origin (VPTQ's normalised weights lie in [0, 1]).
// E bounds the gaps: TF32 keeps 10 of fp32's 23 mantissa bits (relative error < 2^-10 per operand, products
// exact in fp32), so |a' - s' - const| <= 2^-9 * 2 ||x'|| C' + fp32 rounding, and the exact chain itself is
// within 9 * 2^-24 (C^2 + 2 ||x|| C) of the true score (C' = max ||c'||, C = max ||c||):
//   E = 2^-7 (2 ||x'|| C' + C'^2) + 2^-18 (C^2 + 2 ||x|| C)   (a factor 2 to spare on each term).
// The exact winner w then satisfies a'(w) <= min a' + E, so it is always checked: labels and distances
// are exactly those of the CUDA-core kernel (and deterministic).
#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"

namespace lb::kernels::kmeans_mma {

constexpr int kMmaWarps = 8;
constexpr int kMmaThreads = kMmaWarps * 32;
constexpr int kMmaTilesM = 4;                     // 16-point m-tiles per warp
constexpr int kPointsPerWarp = 16 * kMmaTilesM;   // 64
constexpr int kPointsPerBlock = kPointsPerWarp * kMmaWarps;

// Workspace: ceil(k / 8) * 32 float4 (B fragments and C init per lane of each 8-centroid n-tile), then a
// 64-byte header: max ||c'||^2 and max ||c||^2 as float bits (uint32, zeroed before prep_kernel), mu[8].
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

// One thread per (n-tile, lane): the mma operands of centroid tile j for lane (g = lane / 4, t = lane % 4):
// x = c'[8j + g][t], y = c'[8j + g][t + 4] (B, centred, zero past d), z / w = ||c'||^2 of centroids 8j + 2t
// and 8j + 2t + 1 (C init; +inf past k, so padding never wins). Also max ||c'||^2 and max ||c||^2 into the
// header (uint atomicMax on non-negative float bits: order-free).
static __global__ void prep_kernel(const float* __restrict__ centroids, int64_t k, int d, float4* __restrict__ prep,
                                   unsigned* __restrict__ header) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t tiles = (k + 7) / 8;
  if (i >= tiles * 32) return;
  const float* mu = reinterpret_cast<const float*>(header + kHeaderMu);
  const int64_t j = i / 32;
  const int lane = static_cast<int>(i % 32);
  const int g = lane / 4, t = lane % 4;
  const int64_t cb = 8 * j + g;
  float4 q;
  q.x = (cb < k && t < d) ? centroids[cb * d + t] - mu[t] : 0.0f;
  q.y = (cb < k && t + 4 < d) ? centroids[cb * d + t + 4] - mu[t + 4] : 0.0f;
  float cn[2], on[2];
  for (int h = 0; h < 2; ++h) {
    const int64_t c = 8 * j + 2 * t + h;
    cn[h] = INFINITY;
    on[h] = 0.0f;
    if (c < k) {
      float a = 0.0f;
      for (int u = 0; u < d; ++u) {
        const float v = centroids[c * d + u] - mu[u];
        a = __fmaf_rn(v, v, a);
      }
      cn[h] = a;
      on[h] = exact_norm(centroids + c * d, d);
    }
  }
  q.z = cn[0];
  q.w = cn[1];
  prep[i] = q;
  if (g == 0) {
    // lanes 0..3 of a tile: centroids 8j + 2t, 8j + 2t + 1 cover the tile's 8
    for (int h = 0; h < 2; ++h) {
      if (8 * j + 2 * t + h < k) {
        atomicMax(header + kHeaderMaxCentred, __float_as_uint(cn[h]));
        atomicMax(header + kHeaderMax, __float_as_uint(on[h]));
      }
    }
  }
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

// A row (point i) with a candidate among its two scores s0, s1 (centroids c0, c0 + 1): tighten the threshold,
// then the exact score of each candidate (increasing index: strict < keeps the lowest index on ties).
__device__ __forceinline__ void check_row(float s0, float s1, float& thr, float margin, float& best, int32_t& best_c,
                                          int64_t i, int64_t n, int d, const float* __restrict__ points,
                                          const float* __restrict__ centroids, int64_t k, int64_t c0) {
  thr = fminf(thr, fminf(s0, s1) + margin);
  if (i >= n) return;
  float xm2[8];
#pragma unroll
  for (int u = 0; u < 8; ++u) xm2[u] = u < d ? -2.0f * __ldg(points + i * d + u) : 0.0f;
  if (c0 < k && !(s0 > thr)) {
    const float e = exact_score(centroids, c0, d, xm2);
    if (e < best) {
      best = e;
      best_c = static_cast<int32_t>(c0);
    }
  }
  if (c0 + 1 < k && !(s1 > thr)) {
    const float e = exact_score(centroids, c0 + 1, d, xm2);
    if (e < best) {
      best = e;
      best_c = static_cast<int32_t>(c0 + 1);
    }
  }
}

// Grid: ceil(n / kPointsPerBlock) blocks of kMmaThreads. prep / header from centre_kernel and prep_kernel.
static __global__ void __launch_bounds__(kMmaThreads, 1) assign_mma_kernel(
    const float* __restrict__ points, int64_t n, int d, const float* __restrict__ centroids, int64_t k,
    const float4* __restrict__ prep, const unsigned* __restrict__ header, int32_t* __restrict__ labels,
    float* __restrict__ min_dist) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int warp = static_cast<int>(threadIdx.x / 32);
  const int g = lane / 4, t = lane % 4;
  const int64_t base = static_cast<int64_t>(blockIdx.x) * kPointsPerBlock + static_cast<int64_t>(warp) * kPointsPerWarp;
  const float ccmax2 = __uint_as_float(header[kHeaderMaxCentred]);  // centred
  const float ccmax = sqrtf(ccmax2);
  const float cmax2 = __uint_as_float(header[kHeaderMax]);
  const float cmax = sqrtf(cmax2);
  const float* mu = reinterpret_cast<const float*>(header + kHeaderMu);

  uint32_t a[kMmaTilesM][4];
  float thr[kMmaTilesM][2], margin[kMmaTilesM][2], best[kMmaTilesM][2];
  int32_t best_c[kMmaTilesM][2];
#pragma unroll
  for (int m = 0; m < kMmaTilesM; ++m) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      const int64_t i = base + m * 16 + g + 8 * r;
      const float x0 = (i < n && t < d) ? points[i * d + t] : 0.0f;
      const float x1 = (i < n && t + 4 < d) ? points[i * d + t + 4] : 0.0f;
      const float y0 = (i < n && t < d) ? x0 - mu[t] : 0.0f;  // centred
      const float y1 = (i < n && t + 4 < d) ? x1 - mu[t + 4] : 0.0f;
      a[m][r] = __float_as_uint(-2.0f * y0);
      a[m][r + 2] = __float_as_uint(-2.0f * y1);
      float x2 = x0 * x0 + x1 * x1, y2 = y0 * y0 + y1 * y1;  // squared norms over the four lanes of the row
      x2 += __shfl_xor_sync(0xffffffffu, x2, 1);
      x2 += __shfl_xor_sync(0xffffffffu, x2, 2);
      y2 += __shfl_xor_sync(0xffffffffu, y2, 1);
      y2 += __shfl_xor_sync(0xffffffffu, y2, 2);
      margin[m][r] = ldexpf(2.0f * sqrtf(y2) * ccmax + ccmax2, -7) + ldexpf(2.0f * sqrtf(x2) * cmax + cmax2, -18);
      thr[m][r] = INFINITY;
      best[m][r] = INFINITY;
      best_c[m][r] = 0x7fffffff;
    }
  }

  const int64_t tiles = (k + 7) / 8;
  for (int64_t j = 0; j < tiles; ++j) {
    const float4 q = __ldg(prep + j * 32 + lane);
    const uint32_t b0 = __float_as_uint(q.x), b1 = __float_as_uint(q.y);
    // the m-tiles unrolled by hand: every register array index is a compile-time constant
#pragma unroll
    for (int m = 0; m < kMmaTilesM; ++m) {
      float s[4] = {q.z, q.w, q.z, q.w};  // rows g, g + 8 x columns 2t, 2t + 1
#ifndef LB_CUDA_EMULATION
      __syncwarp();
#endif
      mma_tf32(s, a[m], b0, b1);
      // !(s > thr): NaN scores are checked too (their exact score decides)
      const bool hit0 = !(s[0] > thr[m][0]) || !(s[1] > thr[m][0]);
      const bool hit1 = !(s[2] > thr[m][1]) || !(s[3] > thr[m][1]);
      if (hit0) check_row(s[0], s[1], thr[m][0], margin[m][0], best[m][0], best_c[m][0], base + m * 16 + g, n, d,
                          points, centroids, k, 8 * j + 2 * t);
      if (hit1) check_row(s[2], s[3], thr[m][1], margin[m][1], best[m][1], best_c[m][1], base + m * 16 + g + 8, n, d,
                          points, centroids, k, 8 * j + 2 * t);
    }
  }

  // combine the four lanes of each row: lowest exact score, then lowest index
#pragma unroll
  for (int m = 0; m < kMmaTilesM; ++m) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      float b = best[m][r];
      int32_t bc = best_c[m][r];
#pragma unroll
      for (int off = 1; off <= 2; off *= 2) {
        const float ob = __shfl_xor_sync(0xffffffffu, b, off);
        const int32_t oc = __float_as_int(__shfl_xor_sync(0xffffffffu, __int_as_float(bc), off));
        if (ob < b || (ob == b && oc < bc)) {
          b = ob;
          bc = oc;
        }
      }
      const int64_t i = base + m * 16 + g + 8 * r;
      if (t == 0 && i < n) {
        labels[i] = bc == 0x7fffffff ? 0 : bc;
        if (min_dist != nullptr) {
          float xx = 0.0f;
          for (int u = 0; u < d; ++u) {
            const float xm = 0.5f * (-2.0f * points[i * d + u]);
            xx = __fmaf_rn(xm, xm, xx);
          }
          min_dist[i] = fmaxf(b + xx, 0.0f);
        }
      }
    }
  }
}

}  // namespace lb::kernels::kmeans_mma
