// Lower-register variant of assign_tc_kernel (kmeans_assign_tc_kernel.cuh), for 2 resident blocks (32 warps)
// per SM on sm_90 instead of 1: the tiled kernel takes 128 registers per thread, so one 512-thread block per
// SM (25% occupancy), and it is latency-bound (Nsight Compute, H200: "No Eligible" 60% of cycles).
// The default since the H200 run of 2026-12-02 (lb_kmeans_timing, N = 7.34M, d = 8, k = 65536: 0.1396 s against the
// tiled kernel's 0.2200 s, 64 registers, 50% occupancy, 0 label / min_dist mismatches); LOWBIT_KMEANS_TC=tiled for A/B.
//
// Same algorithm, layout (16 warps x 4 m-tiles = 1024 points per block), error bound and exactness argument
// as assign_tc_kernel (read its header comment): labels and min_dist are bit-identical to the CUDA-core
// kernel's. What differs is only where state lives:
// * the per-lane state touched only on a hit (best, best_c) and the per-row margin E live in shared
//   memory; the A fragments and thr (read by every compare) stay in registers;
// * the centroid stages are copied global -> shared with cp.async (no prefetch registers held across the
//   scoring loop), two stages in flight (double buffer);
// * 32-bit indices (the launcher falls back to assign_tc_kernel past occ_fits), each row's hit handled on its
//   own (only its two scores and the exact-check temporaries live on that path);
// * __launch_bounds__(kTcThreads, 2): at most 64 registers per thread (nvcc 13.0, sm_90: 64, no spills).
// Shared memory per block: 32 KB of stages + 2 x 16 KB (best, best_c) + 4 KB margins = 68 KB (2 blocks fit in
// the 228 KB of an H100/H200 SM).
#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/kmeans_assign_mma_kernel.cuh"
#include "kernels/cuda/kmeans_assign_tc_kernel.cuh"

namespace lb::kernels::kmeans_tc {

constexpr int kOccBlocksPerSm = 2;
constexpr int kOccRowSlots = 2 * kTcTilesM;  // rows per lane (2 per m-tile)
constexpr size_t kOccStageBytes = sizeof(float4) * 2 * kStageVec;                    // 32 KB
constexpr size_t kOccSlotBytes = sizeof(float) * kOccRowSlots * kTcThreads;          // 16 KB (best or best_c)
constexpr size_t kOccMarginBytes = sizeof(float) * kTcPointsPerBlock;                // 4 KB
constexpr size_t kOccSharedBytes = kOccStageBytes + 2 * kOccSlotBytes + kOccMarginBytes;  // 68 KB
static_assert(kOccSharedBytes * kOccBlocksPerSm + 2 * 1024 <= 228 * 1024, "2 blocks per sm_90 SM");

// The variant indexes with 32-bit ints (fewer registers): the launcher uses it only when this holds.
__host__ __device__ constexpr bool occ_fits(int64_t n, int d, int64_t k) {
  return n <= 0x7fffffffLL - 2 * kTcPointsPerBlock && n * d <= 0x7fffffffLL && k <= (1LL << 28) &&
         k * d <= 0x7fffffffLL;
}

// kmeans_mma::exact_score of the point at x, 32-bit indexed: the same fp32 chain (||c||^2 first, then
// fma(-2 x_u, c_u) for u = 0..d-1). Unrolled, all 2d loads in flight (one memory latency per check).
__device__ __forceinline__ float occ_exact_score(const float* __restrict__ cv, const float* __restrict__ x, int d) {
  float c[8], xm2[8];
#pragma unroll
  for (int u = 0; u < 8; ++u) c[u] = u < d ? __ldg(cv + u) : 0.0f;
#pragma unroll
  for (int u = 0; u < 8; ++u) xm2[u] = u < d ? -2.0f * __ldg(x + u) : 0.0f;
  float acc = 0.0f;
#pragma unroll
  for (int u = 0; u < 8; ++u) {
    if (u < d) acc = __fmaf_rn(c[u], c[u], acc);
  }
#pragma unroll
  for (int u = 0; u < 8; ++u) {
    if (u < d) acc = __fmaf_rn(xm2[u], c[u], acc);
  }
  return acc;
}

// tc_check_row with best / best_c in shared memory and 32-bit indices.
__device__ __forceinline__ void occ_check_row(float s0, float s1, float& thr, float margin, float* best,
                                              int32_t* best_c, int i, int n, int d,
                                              const float* __restrict__ points, const float* __restrict__ centroids,
                                              int k, int c0) {
  thr = fminf(thr, fminf(s0, s1) + margin);
  const bool h0 = c0 < k && !(s0 > thr), h1 = c0 + 1 < k && !(s1 > thr);
  if (i >= n || !(h0 || h1)) return;
  const float* x = points + i * d;
  if (h0) {
    const float e = occ_exact_score(centroids + c0 * d, x, d);
    if (e < *best) {
      *best = e;
      *best_c = c0;
    }
  }
  if (h1) {
    const float e = occ_exact_score(centroids + (c0 + 1) * d, x, d);
    if (e < *best) {
      *best = e;
      *best_c = c0 + 1;
    }
  }
}

// Grid: ceil(n / kTcPointsPerBlock) blocks of kTcThreads, kOccSharedBytes of dynamic shared memory (above the
// 48 KB default: the launcher raises cudaFuncAttributeMaxDynamicSharedMemorySize). Requires occ_fits(n, d, k).
static __global__ void __launch_bounds__(kTcThreads, kOccBlocksPerSm) assign_tc_occ_kernel(
    const float* __restrict__ points, int64_t n64, int d, const float* __restrict__ centroids, int64_t k64,
    const float4* __restrict__ prep, const unsigned* __restrict__ header, int32_t* __restrict__ labels,
    float* __restrict__ min_dist) {
  using namespace kmeans_mma;
  const int n = static_cast<int>(n64), k = static_cast<int>(k64);  // occ_fits
  LB_DYNAMIC_SHARED(float4, stage);  // [2][kStageVec], then best [kOccRowSlots][kTcThreads], best_c (same), margin
  float* const s_best = reinterpret_cast<float*>(stage + 2 * kStageVec);
  int32_t* const s_best_c = reinterpret_cast<int32_t*>(s_best + kOccRowSlots * kTcThreads);
  float* const s_margin = reinterpret_cast<float*>(s_best_c + kOccRowSlots * kTcThreads);  // [point in block]
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int warp = static_cast<int>(threadIdx.x / 32);
  const int g = lane / 4, t = lane % 4;
  const int row0 = warp * kTcPointsPerWarp + g;  // point of m-tile 0, r = 0 within the block
  const int base = static_cast<int>(blockIdx.x) * kTcPointsPerBlock + row0 - g;
  const int tiles = (k + 7) / 8;
  const int vecs = tiles * 32;
  const int stages = (tiles + kStageTiles - 1) / kStageTiles;

  // One commit group per call (empty past the last stage), so "all but the most recent group" is always
  // the stage about to be scored.
  auto issue = [&](int s) {
    if (s < stages) {
      float4* dst = stage + (s & 1) * kStageVec;
#pragma unroll
      for (int q = 0; q < kFetchPerThread; ++q) {
        const int slot = q * kTcThreads + static_cast<int>(threadIdx.x);
        const int v = s * kStageVec + slot;
        if (v < vecs) {
          cp_async::copy16(dst + slot, prep + v);
        } else {
          dst[slot] = make_float4(0.0f, 0.0f, INFINITY, INFINITY);
        }
      }
    }
    cp_async::commit();
  };
  issue(0);  // both buffers start filling before the point set-up, so their latency overlaps it
  issue(1);

  uint32_t a[kTcTilesM][4];
  float thr[kTcTilesM][2];
  {
    const float ccmax2 = __uint_as_float(header[kHeaderMaxCentred]);
    const float ccmax = sqrtf(ccmax2);
    const float cmax2 = __uint_as_float(header[kHeaderMax]);
    const float cmax = sqrtf(cmax2);
    const float* mu = reinterpret_cast<const float*>(header + kHeaderMu);
#pragma unroll
    for (int m = 0; m < kTcTilesM; ++m) {
#pragma unroll
      for (int r = 0; r < 2; ++r) {
        const int i = base + m * 16 + g + 8 * r;
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
        // the margins of a row agree across its lanes (same shuffled sums): lane t = 0 stores it
        if (t == 0) {
          s_margin[row0 + m * 16 + 8 * r] = ldexpf(2.0f * yn * ccmax, -8) + ldexpf(ccmax2 + 2.0f * yn * ccmax, -16) +
                                            ldexpf(cmax2 + 2.0f * xn * cmax, -18);
        }
        const int slot = (2 * m + r) * kTcThreads + static_cast<int>(threadIdx.x);
        s_best[slot] = INFINITY;
        s_best_c[slot] = 0x7fffffff;
        thr[m][r] = INFINITY;
      }
    }
  }
  cp_async::wait<1>();  // stage 0
  __syncthreads();                  // stage 0 and the margins, block-wide

  // Pre-pass over stage 0, branch-free: thr = min a' + E over its centroids (shared by the row's 4 lanes).
  {
    const int count = tiles < kStageTiles ? tiles : kStageTiles;
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
        thr[m][r] = v + s_margin[row0 + m * 16 + 8 * r];
      }
    }
  }

  for (int s = 0; s < stages; ++s) {
    const int buf = s & 1;
    if (s > 0) {
      cp_async::wait<1>();  // stage s (issued two iterations ago, or at the start)
      __syncthreads();
    }
    const float4* tile = stage + buf * kStageVec;
    const int first = s * kStageTiles;
    const int count = tiles - first < kStageTiles ? tiles - first : kStageTiles;
    for (int jj = 0; jj < count; ++jj) {
      const float4 q = tile[jj * 32 + lane];
      const float c[4] = {q.z, q.w, q.z, q.w};
#pragma unroll
      for (int m = 0; m < kTcTilesM; ++m) {
        float sc[4];
        mma_tf32_c(sc, a[m], __float_as_uint(q.x), __float_as_uint(q.y), c);
        // !(s > thr): NaN scores are checked too (their exact score decides)
        const int c0 = 8 * (first + jj) + 2 * t;
        const int slot = 2 * m * kTcThreads + static_cast<int>(threadIdx.x);
        const int row = row0 + m * 16;
        if (!(sc[0] > thr[m][0]) | !(sc[1] > thr[m][0])) {
          occ_check_row(sc[0], sc[1], thr[m][0], s_margin[row], s_best + slot, s_best_c + slot, base + m * 16 + g, n,
                        d, points, centroids, k, c0);
        }
        if (!(sc[2] > thr[m][1]) | !(sc[3] > thr[m][1])) {
          occ_check_row(sc[2], sc[3], thr[m][1], s_margin[row + 8], s_best + slot + kTcThreads,
                        s_best_c + slot + kTcThreads, base + m * 16 + g + 8, n, d, points, centroids, k, c0);
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
    __syncthreads();  // every warp is done with buffer buf before stage s + 2 is copied into it
    issue(s + 2);
  }

  // combine the four lanes of each row: lowest exact score, then lowest index
#pragma unroll
  for (int m = 0; m < kTcTilesM; ++m) {
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      const int slot = (2 * m + r) * kTcThreads + static_cast<int>(threadIdx.x);
      float b = s_best[slot];
      int32_t bc = s_best_c[slot];
#pragma unroll
      for (int off = 1; off <= 2; off *= 2) {
        const float ob = __shfl_xor_sync(0xffffffffu, b, off);
        const int32_t oc = __float_as_int(__shfl_xor_sync(0xffffffffu, __int_as_float(bc), off));
        if (ob < b || (ob == b && oc < bc)) {
          b = ob;
          bc = oc;
        }
      }
      const int i = base + m * 16 + g + 8 * r;
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
