#include "kernels/cuda/vptq_block_cuda.h"

#include <math.h>

namespace lb::kernels {
namespace {

constexpr unsigned kFull = 0xffffffffu;
constexpr int kWarps = 4;                      // vectors per thread block
constexpr int64_t kSlabBudget = 64 * 1024;     // bytes of shared memory for the warps' rows of the block

// The nearest centroid of the point whose -2x is xm2, scored as assign_warp_kernel in kmeans_cuda.cu does
// (lanes stride the centroids, acc = ||c||^2 then fma(-2 x_t, c_t, acc); warp argmin: lowest score, then
// lowest index), so labels equal the CUDA k-means assignment's. norms: the fma-chain ||c||^2, or NULL.
template <int DM>
__device__ __forceinline__ int32_t warp_nearest(const float (&xm2)[DM], int d, const float* __restrict__ cb,
                                                const float* __restrict__ norms, int64_t k, int lane) {
  float best = INFINITY;
  int32_t best_c = 0x7fffffff;
  for (int64_t c = lane; c < k; c += 32) {
    float cv[DM];
    float norm = 0.0f;
#pragma unroll
    for (int t = 0; t < DM; ++t) {
      cv[t] = t < d ? cb[c * d + t] : 0.0f;
      if (norms == nullptr && t < d) norm = __fmaf_rn(cv[t], cv[t], norm);
    }
    if (norms != nullptr) norm = norms[c];
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
    const float other = __shfl_xor_sync(kFull, best, offset);
    const int32_t other_c = __shfl_xor_sync(kFull, best_c, offset);
    if (other < best || (other == best && other_c < best_c)) {
      best = other;
      best_c = other_c;
    }
  }
  return best_c == 0x7fffffff ? 0 : best_c;
}

// Copies a codebook into shared memory with its squared norms (the same fma chain as warp_nearest).
__device__ void stage_codebook(const float* __restrict__ src, int64_t k, int d, float* dst, float* norms) {
  for (int64_t c = threadIdx.x; c < k; c += blockDim.x) {
    float norm = 0.0f;
    for (int t = 0; t < d; ++t) {
      const float x = src[c * d + t];
      dst[c * d + t] = x;
      norm = __fmaf_rn(x, x, norm);
    }
    norms[c] = norm;
  }
}

// One warp per vector r (rows r*v .. r*v+v-1); lane t < v holds row r*v+t. The warp's rows of the block
// live in shared memory (slab[t * count + c]) from the first column it quantizes to the block's end.
template <int V>
__global__ void vptq_block_kernel(VptqBlockArgs a, int warps, int cb_shared) {
  constexpr int DM = V > 0 ? V : 32;
  const int v = V > 0 ? V : a.v;
  extern __shared__ float4 vptq_smem4[];  // float4 for 16-byte alignment
  float* cursor = reinterpret_cast<float*>(vptq_smem4);
  const float* cb = a.centroids;
  const float* norms = nullptr;
  const float* rcb = a.res_centroids;
  const float* rnorms = nullptr;
  if (cb_shared) {
    float* s_cb = cursor;
    float* s_norms = s_cb + a.k * v;
    cursor = s_norms + a.k;
    stage_codebook(a.centroids, a.k, v, s_cb, s_norms);
    cb = s_cb;
    norms = s_norms;
    if (rcb != nullptr) {
      float* s_rcb = cursor;
      float* s_rnorms = s_rcb + a.k_res * v;
      cursor = s_rnorms + a.k_res;
      stage_codebook(a.res_centroids, a.k_res, v, s_rcb, s_rnorms);
      rcb = s_rcb;
      rnorms = s_rnorms;
    }
  }
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t count = a.count;
  float* slab = cursor + (int64_t)warp * (v * count + 32);
  float* e_shared = slab + v * count;
  __syncthreads();  // the last block-wide barrier: warps past the last vector may leave

  const int64_t mv = (a.m + v - 1) / v, mp = mv * v;
  const int64_t r = (int64_t)blockIdx.x * warps + warp;
  if (r >= mv) return;
  for (int t = 0; t < v; ++t) {
    const int64_t row = r * v + t;
    for (int64_t c = a.c0 + lane; c < count; c += 32) slab[t * count + c] = row < a.m ? a.w[row * a.ld + a.b0 + c] : 0.0f;
  }
  __syncwarp();

  const bool mine = lane < v;
  const int64_t row = r * v + lane;
  const bool valid = mine && row < a.m;
  for (int64_t i = a.c0; i < a.c1; ++i) {
    const int64_t j = a.b0 + i, local = j - a.index_first;
    const float s = a.scale[j], b = a.bias[j];
    const float xw = valid ? slab[lane * count + i] : 0.0f;
    const float x = valid ? (xw - b) / s : 0.0f;
    float xm2[DM];
#pragma unroll
    for (int t = 0; t < DM; ++t) {
      const float xt = __shfl_sync(kFull, x, t);
      xm2[t] = t < v ? -2.0f * xt : 0.0f;
    }
    const int32_t label = warp_nearest<DM>(xm2, v, cb, norms, a.k, lane);
    float q = mine ? cb[(int64_t)label * v + lane] : 0.0f;
    if (rcb != nullptr) {
      const float res = x - q;
#pragma unroll
      for (int t = 0; t < DM; ++t) {
        const float rt = __shfl_sync(kFull, res, t);
        xm2[t] = t < v ? -2.0f * rt : 0.0f;
      }
      const int32_t rl = warp_nearest<DM>(xm2, v, rcb, rnorms, a.k_res, lane);
      if (mine) q = q + rcb[(int64_t)rl * v + lane];
      if (lane == 0) a.res_indices[r * a.index_ld + local] = rl;
    }
    if (lane == 0) a.indices[r * a.index_ld + local] = label;
    if (mine && a.residual_out != nullptr) a.residual_out[local * mp + r * v + lane] = x - q;
    float e = 0.0f;
    if (valid) {
      const float qd = q * s + b;  // two roundings: the file is built with -fmad=false
      a.q_all[row * a.ld + j] = qd;
      if (a.err != nullptr) {
        e = (xw - qd) / a.u[j * a.ld + j];
        a.err[row * count + i] = e;
      }
    }
    if (a.err != nullptr) {
      if (mine) e_shared[lane] = e;
      __syncwarp();
      const float* urow = a.u + j * a.ld + a.b0;
      for (int t = 0; t < v; ++t) {
        if (r * v + t >= a.m) break;
        const float et = e_shared[t];
        for (int64_t c = i + 1 + lane; c < count; c += 32) slab[t * count + c] = slab[t * count + c] - et * urow[c];
      }
      __syncwarp();
    }
  }

  if (a.err != nullptr && a.c1 < count) {  // later columns of this block, for the next call
    for (int t = 0; t < v; ++t) {
      const int64_t rt = r * v + t;
      if (rt >= a.m) break;
      for (int64_t c = a.c1 + lane; c < count; c += 32) a.w[rt * a.ld + a.b0 + c] = slab[t * count + c];
    }
  }
}

template <int V>
cudaError_t launch(const VptqBlockArgs& a, cudaStream_t stream) {
  int device = 0, optin = 0;
  cudaError_t st = cudaGetDevice(&device);
  if (st != cudaSuccess) return st;
  st = cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device);
  if (st != cudaSuccess) return st;
  const int64_t mv = (a.m + a.v - 1) / a.v;
  const int64_t slab_per_warp = (int64_t)sizeof(float) * (a.v * a.count + 32);
  int warps = kWarps;
  while (warps > 1 && warps * slab_per_warp > kSlabBudget) warps /= 2;
  if (mv < warps) warps = (int)mv;
  const int64_t slab_bytes = warps * slab_per_warp;
  const int64_t cb_bytes = (int64_t)sizeof(float) * (a.k * (a.v + 1) + (a.res_centroids != nullptr ? a.k_res * (a.v + 1) : 0));
  const bool cb_shared = slab_bytes + cb_bytes <= optin;
  const int64_t smem = slab_bytes + (cb_shared ? cb_bytes : 0);
  if (smem > optin) return cudaErrorInvalidValue;
  if (smem > 48 * 1024) {
    st = cudaFuncSetAttribute(vptq_block_kernel<V>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
    if (st != cudaSuccess) return st;
  }
  const int64_t blocks = (mv + warps - 1) / warps;
  if (blocks > 0x7fffffffLL) return cudaErrorInvalidValue;
  vptq_block_kernel<V><<<(unsigned)blocks, warps * 32, (size_t)smem, stream>>>(a, warps, cb_shared ? 1 : 0);
  return cudaGetLastError();
}

}  // namespace

bool vptq_block_cuda_supported(int v, int64_t count) {
  return v >= 1 && v <= 32 && count >= 1 && (int64_t)v * count <= kVptqBlockMaxSlab;
}

cudaError_t vptq_block_cuda(const VptqBlockArgs& a, cudaStream_t stream) {
  if (!vptq_block_cuda_supported(a.v, a.count) || a.score != kVptqScoreExpanded || a.m < 1 || a.k < 1 ||
      a.c0 < 0 || a.c1 > a.count || a.c0 > a.c1 || (a.res_centroids != nullptr && (a.k_res < 1 || a.res_indices == nullptr))) {
    return cudaErrorInvalidValue;
  }
  if (a.c0 == a.c1) return cudaSuccess;
  switch (a.v) {
    case 2: return launch<2>(a, stream);
    case 4: return launch<4>(a, stream);
    case 6: return launch<6>(a, stream);
    case 8: return launch<8>(a, stream);
    default: return launch<0>(a, stream);
  }
}

}  // namespace lb::kernels
