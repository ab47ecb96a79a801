#include "kernels/cuda/kmeans_cuda.h"

#include <math.h>

#include "kernels/cuda/kmeans_assign_mma_kernel.cuh"
#include "kernels/cuda/kmeans_assign_tc_kernel.cuh"
#include "kernels/cuda/kmeans_assign_tc_occ_kernel.cuh"

namespace lb::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kTile = 256;  // centroids per shared-memory tile (one per thread when loading)
constexpr int kWarpsPerBlock = 8;
constexpr int64_t kWarpKernelBlocks = 264;  // below ~2 point tiles per SM of an H100/H200, use the warp kernel

// Points per thread: enough registers to reuse each shared-memory centroid read across several points.
template <int D>
struct AssignShape {
  static constexpr int kPoints = D <= 4 ? 8 : (D <= 8 ? 8 : (D <= 16 ? 4 : 2));
};

// D > 0: unrolled fixed length; D == 0: runtime d (<= 32) with one point per thread.
template <int D, int P>
__global__ void __launch_bounds__(kThreads) assign_kernel(const float* __restrict__ points, int64_t n, int d_runtime,
                                                          const float* __restrict__ centroids, int64_t k,
                                                          int32_t* __restrict__ labels, float* __restrict__ min_dist) {
  constexpr int DM = D > 0 ? D : 32;
  const int d = D > 0 ? D : d_runtime;
  extern __shared__ float4 smem4[];  // float4 for 16-byte alignment
  float* smem = reinterpret_cast<float*>(smem4);
  float* tile = smem;                // [kTile, d]
  float* norms = smem + kTile * DM;  // [kTile]

  const int64_t first = (int64_t)blockIdx.x * kThreads * P + threadIdx.x;
  float xm2[P][DM];  // -2 x
  float best[P];
  int32_t best_c[P];
#pragma unroll
  for (int p = 0; p < P; ++p) {
    const int64_t i = first + (int64_t)p * kThreads;
#pragma unroll
    for (int t = 0; t < DM; ++t) xm2[p][t] = (t < d && i < n) ? -2.0f * points[i * d + t] : 0.0f;
    best[p] = INFINITY;
    best_c[p] = 0;
  }

  for (int64_t base = 0; base < k; base += kTile) {
    __syncthreads();
    {
      const int64_t c = base + threadIdx.x;
      float norm = INFINITY;  // padding centroids never win
      if (c < k) {
        norm = 0.0f;
        for (int t = 0; t < d; ++t) {
          const float v = centroids[c * d + t];
          tile[threadIdx.x * DM + t] = v;
          norm = __fmaf_rn(v, v, norm);
        }
      } else {
        for (int t = 0; t < d; ++t) tile[threadIdx.x * DM + t] = 0.0f;
      }
      norms[threadIdx.x] = norm;
    }
    __syncthreads();
    const int count = (int)((k - base) < kTile ? (k - base) : kTile);
    for (int j = 0; j < count; ++j) {
      float cv[DM];
      if constexpr (D > 0 && D % 4 == 0) {
        // 16-byte shared loads (broadcast: every thread reads the same centroid).
        const float4* row = reinterpret_cast<const float4*>(tile + j * DM);
#pragma unroll
        for (int t = 0; t < DM / 4; ++t) {
          const float4 q = row[t];
          cv[4 * t] = q.x;
          cv[4 * t + 1] = q.y;
          cv[4 * t + 2] = q.z;
          cv[4 * t + 3] = q.w;
        }
      } else {
#pragma unroll
        for (int t = 0; t < DM; ++t) cv[t] = t < d ? tile[j * DM + t] : 0.0f;
      }
      const float cn = norms[j];
      const int32_t cidx = (int32_t)(base + j);
#pragma unroll
      for (int p = 0; p < P; ++p) {
        float acc = cn;
#pragma unroll
        for (int t = 0; t < DM; ++t) acc = __fmaf_rn(xm2[p][t], cv[t], acc);
        if (acc < best[p]) {
          best[p] = acc;
          best_c[p] = cidx;
        }
      }
    }
  }

#pragma unroll
  for (int p = 0; p < P; ++p) {
    const int64_t i = first + (int64_t)p * kThreads;
    if (i >= n) continue;
    labels[i] = best_c[p];
    if (min_dist != nullptr) {
      float xx = 0.0f;
#pragma unroll
      for (int t = 0; t < DM; ++t) xx = __fmaf_rn(0.5f * xm2[p][t], 0.5f * xm2[p][t], xx);
      min_dist[i] = fmaxf(best[p] + xx, 0.0f);
    }
  }
}

// Few points (the column loop's M/v vectors, small k-means): one warp per point, lanes stride over the
// centroids, then a warp argmin (lowest score, then lowest index). Evaluates exactly the same score
// chain as assign_kernel, so both kernels return identical labels.
template <int D>
__global__ void assign_warp_kernel(const float* __restrict__ points, int64_t n, int d_runtime,
                                   const float* __restrict__ centroids, int64_t k, int32_t* __restrict__ labels,
                                   float* __restrict__ min_dist) {
  constexpr int DM = D > 0 ? D : 32;
  const int d = D > 0 ? D : d_runtime;
  const int lane = threadIdx.x % 32;
  const int64_t warp = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / 32;
  const int64_t warps = ((int64_t)gridDim.x * blockDim.x) / 32;
  for (int64_t i = warp; i < n; i += warps) {
    float xm2[DM];
#pragma unroll
    for (int t = 0; t < DM; ++t) xm2[t] = t < d ? -2.0f * points[i * d + t] : 0.0f;
    float best = INFINITY;
    int32_t best_c = 0x7fffffff;
    for (int64_t c = lane; c < k; c += 32) {
      float cv[DM];
      float norm = 0.0f;
#pragma unroll
      for (int t = 0; t < DM; ++t) {
        cv[t] = t < d ? centroids[c * d + t] : 0.0f;
        if (t < d) norm = __fmaf_rn(cv[t], cv[t], norm);
      }
      float acc = norm;
#pragma unroll
      for (int t = 0; t < DM; ++t) acc = __fmaf_rn(xm2[t], cv[t], acc);
      if (acc < best) {
        best = acc;
        best_c = (int32_t)c;
      }
    }
#pragma unroll
    for (int offset = 16; offset > 0; offset /= 2) {
      const float other = __shfl_xor_sync(0xffffffffu, best, offset);
      const int32_t other_c = __shfl_xor_sync(0xffffffffu, best_c, offset);
      if (other < best || (other == best && other_c < best_c)) {
        best = other;
        best_c = other_c;
      }
    }
    if (lane == 0) {
      labels[i] = best_c == 0x7fffffff ? 0 : best_c;
      if (min_dist != nullptr) {
        float xx = 0.0f;
#pragma unroll
        for (int t = 0; t < DM; ++t) xx = __fmaf_rn(0.5f * xm2[t], 0.5f * xm2[t], xx);
        min_dist[i] = fmaxf(best + xx, 0.0f);
      }
    }
  }
}

template <int D>
cudaError_t launch_assign(const float* points, int64_t n, int d, const float* centroids, int64_t k, int32_t* labels,
                          float* min_dist, cudaStream_t stream) {
  constexpr int P = D > 0 ? AssignShape<D>::kPoints : 1;
  constexpr int DM = D > 0 ? D : 32;
  const int64_t per_block = (int64_t)kThreads * P;
  const int64_t blocks = (n + per_block - 1) / per_block;
  if (blocks < kWarpKernelBlocks && k >= 64) {
    // Too few points to fill the GPU with point tiles: spread the centroids over warp lanes instead.
    const int64_t warp_blocks = (n + kWarpsPerBlock - 1) / kWarpsPerBlock;
    assign_warp_kernel<D><<<(unsigned)(warp_blocks < 65535 * 16 ? warp_blocks : 65535 * 16), kWarpsPerBlock * 32, 0,
                            stream>>>(points, n, d, centroids, k, labels, min_dist);
    return cudaGetLastError();
  }
  if (blocks > 0x7fffffffLL) return cudaErrorInvalidValue;
  const size_t shared = sizeof(float) * (size_t)kTile * (DM + 1);
  assign_kernel<D, P><<<(unsigned)blocks, kThreads, shared, stream>>>(points, n, d, centroids, k, labels, min_dist);
  return cudaGetLastError();
}

__global__ void segment_sums_kernel(const float* __restrict__ points, const float* __restrict__ weights, int d,
                                    const int64_t* __restrict__ order, const int64_t* __restrict__ offsets, int64_t k,
                                    double* __restrict__ sums, double* __restrict__ weight_sums) {
  const int64_t c = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= k) return;
  double acc[32];
  for (int t = 0; t < d; ++t) acc[t] = 0.0;
  double wsum = 0.0;
  for (int64_t s = offsets[c]; s < offsets[c + 1]; ++s) {
    const int64_t i = order[s];
    const double w = weights != nullptr ? (double)weights[i] : 1.0;
    for (int t = 0; t < d; ++t) acc[t] = __fma_rn(w, (double)points[i * d + t], acc[t]);
    wsum += w;
  }
  for (int t = 0; t < d; ++t) sums[c * d + t] = acc[t];
  weight_sums[c] = wsum;
}

}  // namespace

cudaError_t kmeans_assign_cuda(const float* points, int64_t n, int d, const float* centroids, int64_t k,
                               int32_t* labels, float* min_dist, cudaStream_t stream) {
  if (d < 1 || d > 32 || k < 1) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  // The one dispatch site by vector length.
  switch (d) {
    case 2: return launch_assign<2>(points, n, d, centroids, k, labels, min_dist, stream);
    case 4: return launch_assign<4>(points, n, d, centroids, k, labels, min_dist, stream);
    case 6: return launch_assign<6>(points, n, d, centroids, k, labels, min_dist, stream);
    case 8: return launch_assign<8>(points, n, d, centroids, k, labels, min_dist, stream);
    case 12: return launch_assign<12>(points, n, d, centroids, k, labels, min_dist, stream);
    case 16: return launch_assign<16>(points, n, d, centroids, k, labels, min_dist, stream);
    default: return launch_assign<0>(points, n, d, centroids, k, labels, min_dist, stream);
  }
}

int64_t kmeans_assign_workspace_bytes(int64_t n, int d, int64_t k) {
  // tensor cores when the CUDA-core tile kernel would run (enough points to fill the GPU) and d <= 8
  const int64_t per_block = (int64_t)kThreads * 8;
  const int64_t blocks = (n + per_block - 1) / per_block;
  if (d < 1 || d > 8 || k < 1 || (blocks < kWarpKernelBlocks && k >= 64)) return 0;
  return kmeans_mma::workspace_bytes(k);
}

cudaError_t kmeans_assign_cuda(const float* points, int64_t n, int d, const float* centroids, int64_t k,
                               int32_t* labels, float* min_dist, void* workspace, int64_t workspace_bytes,
                               KmeansTcKernel kernel, cudaStream_t stream) {
  const int64_t need = kmeans_assign_workspace_bytes(n, d, k);
  if (need == 0 || workspace == nullptr || workspace_bytes < need || n == 0) {
    return kmeans_assign_cuda(points, n, d, centroids, k, labels, min_dist, stream);
  }
  using namespace kmeans_mma;
  const int64_t tiles = (k + 7) / 8;
  float4* prep = static_cast<float4*>(workspace);
  unsigned* header = reinterpret_cast<unsigned*>(static_cast<char*>(workspace) + header_offset(k));
  cudaError_t e = cudaMemsetAsync(header, 0, 2 * sizeof(unsigned), stream);
  if (e != cudaSuccess) return e;
  centre_kernel<<<1, kMmaThreads, 0, stream>>>(centroids, k, d, reinterpret_cast<float*>(header + kHeaderMu));
  if ((e = cudaGetLastError()) != cudaSuccess) return e;
  kmeans_tc::prep_tc_kernel<<<(unsigned)((tiles * 32 + 255) / 256), 256, 0, stream>>>(centroids, k, d, prep, header);
  if ((e = cudaGetLastError()) != cudaSuccess) return e;
  const int64_t blocks = (n + kmeans_tc::kTcPointsPerBlock - 1) / kmeans_tc::kTcPointsPerBlock;
  if (blocks > 0x7fffffffLL) return cudaErrorInvalidValue;
  if (kernel == KmeansTcKernel::kOcc && kmeans_tc::occ_fits(n, d, k)) {
    // 68 KB of dynamic shared memory: above the 48 KB default (a per-device attribute: set at every call)
    e = cudaFuncSetAttribute(kmeans_tc::assign_tc_occ_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             (int)kmeans_tc::kOccSharedBytes);
    if (e != cudaSuccess) return e;
    kmeans_tc::assign_tc_occ_kernel<<<(unsigned)blocks, kmeans_tc::kTcThreads, kmeans_tc::kOccSharedBytes, stream>>>(
        points, n, d, centroids, k, prep, header, labels, min_dist);
    return cudaGetLastError();
  }
  kmeans_tc::assign_tc_kernel<<<(unsigned)blocks, kmeans_tc::kTcThreads, kmeans_tc::kTcSharedBytes, stream>>>(
      points, n, d, centroids, k, prep, header, labels, min_dist);
  return cudaGetLastError();
}

cudaError_t kmeans_segment_sums_cuda(const float* points, const float* weights, int d, const int64_t* order,
                                     const int64_t* offsets, int64_t k, double* sums, double* weight_sums,
                                     cudaStream_t stream) {
  if (d < 1 || d > 32) return cudaErrorInvalidValue;
  if (k == 0) return cudaSuccess;
  const int threads = 128;
  const int64_t blocks = (k + threads - 1) / threads;
  segment_sums_kernel<<<(unsigned)blocks, threads, 0, stream>>>(points, weights, d, order, offsets, k, sums,
                                                                weight_sums);
  return cudaGetLastError();
}

}  // namespace lb::kernels
