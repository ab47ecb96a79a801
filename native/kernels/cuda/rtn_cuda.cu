#include "kernels/cuda/rtn_cuda.h"

#include <math.h>

#include "kernels/rtn_math.h"

namespace lb::kernels {
namespace {

constexpr int kWarp = 32;
constexpr int kWarpsPerBlock = 8;
constexpr int64_t kMaxBlocks = 65535;

__device__ __forceinline__ float warp_min(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v = fminf(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int offset = kWarp / 2; offset > 0; offset /= 2) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, offset));
  return v;
}

// One warp per group; warps stride over the groups. Lanes read consecutive elements (coalesced).
__global__ void rtn_kernel(const float* __restrict__ w, int64_t groups, int64_t group, int bits, bool symmetric,
                           uint8_t* __restrict__ codes, float* __restrict__ scales, float* __restrict__ zeros,
                           float* __restrict__ dequant) {
  const int lane = threadIdx.x % kWarp;
  const int64_t warp = (int64_t)blockIdx.x * kWarpsPerBlock + threadIdx.x / kWarp;
  const int64_t warps = (int64_t)gridDim.x * kWarpsPerBlock;
  for (int64_t g = warp; g < groups; g += warps) {
    const float* src = w + g * group;
    RtnParams p;
    if (symmetric) {
      float amax = 0.0f;
      for (int64_t j = lane; j < group; j += kWarp) amax = fmaxf(amax, fabsf(src[j]));
      p = rtn_params_symmetric(warp_max(amax), bits);
    } else {
      float mn = INFINITY;
      float mx = -INFINITY;
      for (int64_t j = lane; j < group; j += kWarp) {
        const float v = src[j];
        mn = fminf(mn, v);
        mx = fmaxf(mx, v);
      }
      p = rtn_params_asymmetric(warp_min(mn), warp_max(mx), bits);
    }
    if (lane == 0) {
      scales[g] = p.scale;
      zeros[g] = (float)p.zero;
    }
    const int64_t begin = g * group;
    for (int64_t j = lane; j < group; j += kWarp) {
      const int code = rtn_code(src[j], p);
      codes[begin + j] = (uint8_t)code;
      dequant[begin + j] = rtn_dequant(code, p);
    }
  }
}

}  // namespace

cudaError_t rtn_cuda(const float* w, int64_t rows, int64_t cols, int64_t group, int bits, bool symmetric,
                     uint8_t* codes, float* scales, float* zeros, float* dequant, cudaStream_t stream) {
  const int64_t groups = rows * (cols / group);
  if (groups == 0) return cudaSuccess;
  int64_t blocks = (groups + kWarpsPerBlock - 1) / kWarpsPerBlock;
  if (blocks > kMaxBlocks) blocks = kMaxBlocks;
  rtn_kernel<<<(unsigned)blocks, kWarp * kWarpsPerBlock, 0, stream>>>(w, groups, group, bits, symmetric, codes,
                                                                       scales, zeros, dequant);
  return cudaGetLastError();
}

}  // namespace lb::kernels
