// Exact nearest-centroid assignment for d <= 8 on tensor cores, block-tiled (included by kmeans_cuda.cu and by
// the host emulation test). It replaced a first tensor-core kernel that streamed all k centroids' fragments from
// L2 per 64-point warp and re-checked too many candidates (0.92 s at N = 7.34M, d = 8, k = 65536 on an H200);
// kmeans_assign_tc_occ_kernel.cuh is the same kernel in 64 registers (the default since it measured 0.14 s).
//
// Scores s(c) = ||c||^2 - 2 x.c (the CUDA-core kernel's fp32 chain decides; ties -> lowest index).
// Layout: a block of kTcThreads (16 warps) owns 1024 points, 64 per warp (4 m-tiles of 16, A fragments in
// registers). The centroids' mma operands (prep_tc_kernel: per 8-centroid tile and lane one float4 {b0, b1,
// ||c'_2t||^2, ||c'_2t+1||^2}) go through shared memory in stages of kStageTiles tiles (register prefetch of the
// next stage while this one is scored, double buffer), so the whole block shares every L2 read.
// Per mma (16 points x 8 centroids, TF32 inputs, C = ||c'||^2 held in 4 registers for all m-tiles) a lane does
// 4 compares of the approximate scores a(c) against its per-row threshold thr; only a hit (rare) takes the
// exact path: thr = min(thr, a + E), then every centroid of the hit with a(c) <= thr gets its exact fp32 score.
// thr starts from a branch-free pre-pass over the first stage (min a + E) and is shared by the 4 lanes of a row
// after every stage, so hits are mostly the few true candidates.
//
// Error bound (why the exact winner w is always checked). Coordinates are centred (x' = x - mu, c' = c - mu,
// mu the middle of the centroids' box; a' = s + const(x) in exact arithmetic) and rounded to TF32 to nearest
// (cvt.rna: relative error <= 2^-11 per operand, so each product <= 2^-10 (1 + 2^-12) relative, the tensor core
// multiplies TF32 exactly): |a'(c) - s(c) - const| <= e = 2^-10 (1+) 2 ||x'|| C' + (fp32 accumulation and
// centring roundings, each well below 2^-18 (C'^2 + 2 ||x'|| C')). The fp32 chain is within
// 9 * 2^-24 (C^2 + 2 ||x|| C) of the true s. For every c: s_fp(w) <= s_fp(c), hence
// a'(w) <= a'(c) + 2e + 2 * 9 * 2^-24 (C^2 + 2 ||x|| C) <= a'(c) + E with (a factor 2 to spare on each term)
//   E = 2^-8 * 2 ||x'|| C' + 2^-16 (C'^2 + 2 ||x'|| C') + 2^-18 (C^2 + 2 ||x|| C).
// thr is always min over some seen set (incl. c) of a' + E >= a'(w) when w is seen, so w (and every centroid
// tying with it) is re-checked; the lowest index among equal exact scores wins (per lane in increasing index,
// then across lanes). Labels and min_dist are bit-identical to the CUDA-core kernel's, and deterministic.
#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/kmeans_assign_mma_kernel.cuh"

namespace lb::kernels::kmeans_tc {

constexpr int kTcWarps = 16;
constexpr int kTcThreads = kTcWarps * 32;
constexpr int kTcTilesM = 4;                        // 16-point m-tiles per warp
constexpr int kTcPointsPerWarp = 16 * kTcTilesM;    // 64
constexpr int kTcPointsPerBlock = kTcPointsPerWarp * kTcWarps;  // 1024
constexpr int kStageTiles = 32;                     // 256 centroids, 16 KB of float4 per stage
constexpr int kStageVec = kStageTiles * 32;         // float4 per stage
constexpr int kFetchPerThread = kStageVec / kTcThreads;  // 2
static_assert(kStageVec % kTcThreads == 0, "stage copy: whole float4 per thread");
constexpr size_t kTcSharedBytes = sizeof(float4) * 2 * kStageVec;  // 32 KB, two stages

// Workspace and header: kmeans_mma's layout (workspace_bytes, header_offset, kHeader*; centre_kernel fills mu).

// fp32 -> TF32 bit pattern, round to nearest (ties away), low 13 bits zero; inf / nan stay inf / nan.
__device__ __forceinline__ uint32_t to_tf32(float v) {
#ifndef LB_CUDA_EMULATION
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(v));
  return r;
#else
  const uint32_t u = __float_as_uint(v);
  if ((u & 0x7F800000u) == 0x7F800000u) return u;  // inf / nan
  return (u + 0x1000u) & 0xFFFFE000u;
#endif
}

// One thread per (n-tile, lane): the mma operands of centroid tile j for lane (g = lane / 4, t = lane % 4):
// x = c'[8j + g][t], y = c'[8j + g][t + 4] (B, centred, zero past d, rounded to TF32 to nearest), z / w =
// ||c'||^2 of centroids 8j + 2t and 8j + 2t + 1 (C init; +inf past k, so padding never wins). Also max ||c'||^2
// and max ||c||^2 into the header (uint atomicMax on non-negative float bits: order-free).
static __global__ void prep_tc_kernel(const float* __restrict__ centroids, int64_t k, int d, float4* __restrict__ prep,
                                      unsigned* __restrict__ header) {
  using namespace kmeans_mma;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t tiles = (k + 7) / 8;
  if (i >= tiles * 32) return;
  const float* mu = reinterpret_cast<const float*>(header + kHeaderMu);
  const int64_t j = i / 32;
  const int lane = static_cast<int>(i % 32);
  const int g = lane / 4, t = lane % 4;
  const int64_t cb = 8 * j + g;
  float4 q;
  q.x = __uint_as_float(to_tf32((cb < k && t < d) ? centroids[cb * d + t] - mu[t] : 0.0f));
  q.y = __uint_as_float(to_tf32((cb < k && t + 4 < d) ? centroids[cb * d + t + 4] - mu[t + 4] : 0.0f));
  float cn[2], on[2];
  for (int h = 0; h < 2; ++h) {
    const int64_t c = 8 * j + 2 * t + h;
    cn[h] = INFINITY;  // padding never wins (and is never re-checked: c < k)
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
    for (int h = 0; h < 2; ++h) {
      if (8 * j + 2 * t + h < k) {
        atomicMax(header + kHeaderMaxCentred, __float_as_uint(cn[h]));
        atomicMax(header + kHeaderMax, __float_as_uint(on[h]));
      }
    }
  }
}

#ifndef LB_CUDA_EMULATION
// d = A * B + c (c and d distinct registers: the C init is loaded once per tile and reused by every m-tile).
__device__ __forceinline__ void mma_tf32_c(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1,
                                           const float (&c)[4]) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
      "{%10,%11,%12,%13};\n"
      : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1), "f"(c[0]), "f"(c[1]), "f"(c[2]), "f"(c[3]));
}
#else
inline void mma_tf32_c(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1, const float (&c)[4]) {
  for (int i = 0; i < 4; ++i) d[i] = c[i];
  kmeans_mma::mma_tf32(d, a, b0, b1);
}
#endif

// One row (point i) of a hit: scores s0, s1 of centroids c0, c0 + 1 (increasing index: strict < keeps the lowest).
__device__ __forceinline__ void tc_check_row(float s0, float s1, float& thr, float margin, float& best,
                                             int32_t& best_c, int64_t i, int64_t n, int d,
                                             const float* __restrict__ points, const float* __restrict__ centroids,
                                             int64_t k, int64_t c0) {
  thr = fminf(thr, fminf(s0, s1) + margin);
  const bool h0 = c0 < k && !(s0 > thr), h1 = c0 + 1 < k && !(s1 > thr);
  if (i >= n || !(h0 || h1)) return;
  float xm2[8];
#pragma unroll
  for (int u = 0; u < 8; ++u) xm2[u] = u < d ? -2.0f * __ldg(points + i * d + u) : 0.0f;
  if (h0) {
    const float e = kmeans_mma::exact_score(centroids, c0, d, xm2);
    if (e < best) {
      best = e;
      best_c = static_cast<int32_t>(c0);
    }
  }
  if (h1) {
    const float e = kmeans_mma::exact_score(centroids, c0 + 1, d, xm2);
    if (e < best) {
      best = e;
      best_c = static_cast<int32_t>(c0 + 1);
    }
  }
}

// Grid: ceil(n / kTcPointsPerBlock) blocks of kTcThreads, kTcSharedBytes of dynamic shared memory.
static __global__ void __launch_bounds__(kTcThreads, 1) assign_tc_kernel(
    const float* __restrict__ points, int64_t n, int d, const float* __restrict__ centroids, int64_t k,
    const float4* __restrict__ prep, const unsigned* __restrict__ header, int32_t* __restrict__ labels,
    float* __restrict__ min_dist) {
  using namespace kmeans_mma;
  LB_DYNAMIC_SHARED(float4, stage);  // [2][kStageVec]
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int warp = static_cast<int>(threadIdx.x / 32);
  const int g = lane / 4, t = lane % 4;
  const int64_t base =
      static_cast<int64_t>(blockIdx.x) * kTcPointsPerBlock + static_cast<int64_t>(warp) * kTcPointsPerWarp;
  const float ccmax2 = __uint_as_float(header[kHeaderMaxCentred]);
  const float ccmax = sqrtf(ccmax2);
  const float cmax2 = __uint_as_float(header[kHeaderMax]);
  const float cmax = sqrtf(cmax2);
  const float* mu = reinterpret_cast<const float*>(header + kHeaderMu);
  const int64_t tiles = (k + 7) / 8;
  const int64_t vecs = tiles * 32;
  const int64_t stages = (tiles + kStageTiles - 1) / kStageTiles;

  float4 pre[kFetchPerThread];
  auto fetch = [&](int64_t s) {
#pragma unroll
    for (int q = 0; q < kFetchPerThread; ++q) {
      const int64_t v = s * kStageVec + q * kTcThreads + threadIdx.x;
      pre[q] = v < vecs ? __ldg(prep + v) : make_float4(0.0f, 0.0f, INFINITY, INFINITY);
    }
  };
  auto put = [&](int buf) {
#pragma unroll
    for (int q = 0; q < kFetchPerThread; ++q) stage[buf * kStageVec + q * kTcThreads + threadIdx.x] = pre[q];
  };
  fetch(0);  // issued before the point set-up so its latency overlaps it

  uint32_t a[kTcTilesM][4];
  float thr[kTcTilesM][2], margin[kTcTilesM][2], best[kTcTilesM][2];
  int32_t best_c[kTcTilesM][2];
#pragma unroll
  for (int m = 0; m < kTcTilesM; ++m) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      const int64_t i = base + m * 16 + g + 8 * r;
      const float x0 = (i < n && t < d) ? points[i * d + t] : 0.0f;
      const float x1 = (i < n && t + 4 < d) ? points[i * d + t + 4] : 0.0f;
      const float y0 = (i < n && t < d) ? x0 - mu[t] : 0.0f;  // centred
      const float y1 = (i < n && t + 4 < d) ? x1 - mu[t + 4] : 0.0f;
      a[m][r] = to_tf32(-2.0f * y0);
      a[m][r + 2] = to_tf32(-2.0f * y1);
      float x2 = x0 * x0 + x1 * x1, y2 = y0 * y0 + y1 * y1;  // squared norms over the four lanes of the row
      x2 += __shfl_xor_sync(0xffffffffu, x2, 1);
      x2 += __shfl_xor_sync(0xffffffffu, x2, 2);
      y2 += __shfl_xor_sync(0xffffffffu, y2, 1);
      y2 += __shfl_xor_sync(0xffffffffu, y2, 2);
      const float xn = sqrtf(x2), yn = sqrtf(y2);
      margin[m][r] = ldexpf(2.0f * yn * ccmax, -8) + ldexpf(ccmax2 + 2.0f * yn * ccmax, -16) +
                     ldexpf(cmax2 + 2.0f * xn * cmax, -18);
      thr[m][r] = INFINITY;
      best[m][r] = INFINITY;
      best_c[m][r] = 0x7fffffff;
    }
  }
  put(0);
  if (stages > 1) fetch(1);
  __syncthreads();

  // Pre-pass over stage 0, branch-free: thr = min a' + E over its centroids (shared by the row's 4 lanes).
  {
    const int count = static_cast<int>(tiles < kStageTiles ? tiles : kStageTiles);
    float lo[kTcTilesM][2];
#pragma unroll
    for (int m = 0; m < kTcTilesM; ++m) lo[m][0] = lo[m][1] = INFINITY;
    for (int jj = 0; jj < count; ++jj) {
      const float4 q = stage[jj * 32 + lane];
      const float c[4] = {q.z, q.w, q.z, q.w};
#pragma unroll
      for (int m = 0; m < kTcTilesM; ++m) {
        float s[4];
        mma_tf32_c(s, a[m], __float_as_uint(q.x), __float_as_uint(q.y), c);
        lo[m][0] = fminf(lo[m][0], fminf(s[0], s[1]));
        lo[m][1] = fminf(lo[m][1], fminf(s[2], s[3]));
      }
    }
#pragma unroll
    for (int m = 0; m < kTcTilesM; ++m) {
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        float v = lo[m][r];
        v = fminf(v, __shfl_xor_sync(0xffffffffu, v, 1));
        v = fminf(v, __shfl_xor_sync(0xffffffffu, v, 2));
        thr[m][r] = v + margin[m][r];  // the margins of a row agree across its lanes (same shuffled sums)
      }
    }
  }

  for (int64_t s = 0; s < stages; ++s) {
    const int buf = static_cast<int>(s & 1);
    if (s > 0) {
      // stage s was fetched into registers during stage s - 1; buffer buf was last read in stage s - 2
      put(buf);
      if (s + 1 < stages) fetch(s + 1);
      __syncthreads();
    }
    const float4* tile = stage + buf * kStageVec;
    const int64_t first = s * kStageTiles;
    const int count = static_cast<int>(tiles - first < kStageTiles ? tiles - first : kStageTiles);
    for (int jj = 0; jj < count; ++jj) {
      const float4 q = tile[jj * 32 + lane];
      const float c[4] = {q.z, q.w, q.z, q.w};
      const int64_t c0 = 8 * (first + jj) + 2 * t;
#pragma unroll
      for (int m = 0; m < kTcTilesM; ++m) {
        float sc[4];
        mma_tf32_c(sc, a[m], __float_as_uint(q.x), __float_as_uint(q.y), c);
        // !(s > thr): NaN scores are checked too (their exact score decides)
        const bool hit = !(sc[0] > thr[m][0]) | !(sc[1] > thr[m][0]) | !(sc[2] > thr[m][1]) | !(sc[3] > thr[m][1]);
        if (hit) {
          tc_check_row(sc[0], sc[1], thr[m][0], margin[m][0], best[m][0], best_c[m][0], base + m * 16 + g, n, d,
                       points, centroids, k, c0);
          tc_check_row(sc[2], sc[3], thr[m][1], margin[m][1], best[m][1], best_c[m][1], base + m * 16 + g + 8, n, d,
                       points, centroids, k, c0);
        }
      }
    }
    // share the thresholds of each row's 4 lanes (all lanes reach this point together)
#pragma unroll
    for (int m = 0; m < kTcTilesM; ++m) {
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        thr[m][r] = fminf(thr[m][r], __shfl_xor_sync(0xffffffffu, thr[m][r], 1));
        thr[m][r] = fminf(thr[m][r], __shfl_xor_sync(0xffffffffu, thr[m][r], 2));
      }
    }
    __syncthreads();  // every warp is done with buffer buf before it is overwritten (stage s + 2)
  }

  // combine the four lanes of each row: lowest exact score, then lowest index
#pragma unroll
  for (int m = 0; m < kTcTilesM; ++m) {
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

}  // namespace lb::kernels::kmeans_tc
