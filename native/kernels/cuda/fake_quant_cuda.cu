#include "kernels/cuda/fake_quant_cuda.h"

#include "kernels/fake_quant_math.h"

namespace lb::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kWarpsPerBlock = kThreads / kFqLanes;
constexpr int64_t kMaxBlocks = 65535;

unsigned grid_for(int64_t items, int64_t per_block) {
  int64_t blocks = (items + per_block - 1) / per_block;
  if (blocks > kMaxBlocks) blocks = kMaxBlocks;
  if (blocks < 1) blocks = 1;
  return (unsigned)blocks;
}

// Lane 0 gets p[0] of the lane-strided tree: at step h lane l adds lane l ^ h (= l + h for l < h).
__device__ __forceinline__ float warp_fold(float v) {
  for (int h = kFqLanes / 2; h > 0; h /= 2) v = v + __shfl_xor_sync(0xffffffffu, v, h);
  return v;
}

__global__ void fq_forward_kernel(const float* __restrict__ w, const float* __restrict__ scales,
                                  const float* __restrict__ zeros, int64_t n, int64_t group, int bits,
                                  float* __restrict__ w_hat) {
  const float qmax = fq_qmax(bits);
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t g = i / group;
    w_hat[i] = fq_element(w[i], scales[g], fq_zero(zeros[g], qmax), qmax).w_hat;
  }
}

// One warp per group; warps stride over the groups. Lane l handles elements l, l + 32, ... in order.
__global__ void fq_backward_kernel(const float* __restrict__ w, const float* __restrict__ scales,
                                   const float* __restrict__ zeros, const float* __restrict__ grad_w_hat,
                                   int64_t groups, int64_t group, int bits, float* __restrict__ grad_w,
                                   float* __restrict__ grad_scales, float* __restrict__ grad_zeros) {
  const float qmax = fq_qmax(bits);
  const int lane = threadIdx.x % kFqLanes;
  const int64_t warp = (int64_t)blockIdx.x * kWarpsPerBlock + threadIdx.x / kFqLanes;
  const int64_t warps = (int64_t)gridDim.x * kWarpsPerBlock;
  for (int64_t g = warp; g < groups; g += warps) {
    const float s = scales[g];
    const float zq = fq_zero(zeros[g], qmax);
    const int64_t begin = g * group;
    float ps = 0.0f, pz = 0.0f;
    for (int64_t j = lane; j < group; j += kFqLanes) {
      const float gy = grad_w_hat[begin + j];
      const FakeQuantElement e = fq_element(w[begin + j], s, zq, qmax);
      grad_w[begin + j] = e.clipped ? 0.0f : gy;
      ps = ps + gy * e.ds;
      if (e.clipped) pz = pz + gy;
    }
    ps = warp_fold(ps);
    pz = warp_fold(pz);
    if (lane == 0) {
      grad_scales[g] = ps;
      grad_zeros[g] = -s * pz;
    }
  }
}

// Shared-memory tree over kLossThreads partials; p[0] holds the result.
__device__ __forceinline__ float block_fold(float* p) {
  for (int h = kLossThreads / 2; h > 0; h /= 2) {
    __syncthreads();
    if ((int)threadIdx.x < h) p[threadIdx.x] = p[threadIdx.x] + p[threadIdx.x + h];
  }
  __syncthreads();
  return p[0];
}

// One block per chunk of kLossChunk elements (chunks beyond the grid are strided).
template <class T>
__global__ void recon_chunk_kernel(const T* __restrict__ a, const T* __restrict__ b, int64_t n, int64_t chunks,
                                   float grad_scale, float* __restrict__ grad, float* __restrict__ partials) {
  __shared__ float p[kLossThreads];
  for (int64_t c = blockIdx.x; c < chunks; c += gridDim.x) {
    float sum = 0.0f;
    for (int k = 0; k < kLossPerThread; ++k) {
      const int64_t i = c * kLossChunk + (int64_t)k * kLossThreads + threadIdx.x;
      if (i < n) {
        const float d = to_f32(a[i]) - to_f32(b[i]);
        sum = sum + d * d;
        if (grad != nullptr) grad[i] = d * grad_scale;
      }
    }
    p[threadIdx.x] = sum;
    const float total = block_fold(p);
    if (threadIdx.x == 0) partials[c] = total;
    __syncthreads();
  }
}

__global__ void recon_total_kernel(const float* __restrict__ partials, int64_t chunks, float* __restrict__ total) {
  __shared__ float p[kLossThreads];
  float sum = 0.0f;
  for (int64_t c = threadIdx.x; c < chunks; c += kLossThreads) sum = sum + partials[c];
  p[threadIdx.x] = sum;
  const float result = block_fold(p);
  if (threadIdx.x == 0) *total = result;
}

template <class T>
cudaError_t recon_typed(const void* a, const void* b, int64_t n, float grad_scale, float* grad, float* partials,
                        float* total, cudaStream_t stream) {
  const int64_t chunks = (n + kLossChunk - 1) / kLossChunk;
  if (chunks > 0) {
    recon_chunk_kernel<T><<<grid_for(chunks, 1), kLossThreads, 0, stream>>>(
        static_cast<const T*>(a), static_cast<const T*>(b), n, chunks, grad_scale, grad, partials);
  }
  recon_total_kernel<<<1, kLossThreads, 0, stream>>>(partials, chunks, total);
  return cudaGetLastError();
}

}  // namespace

cudaError_t fake_quant_forward_cuda(const float* w, const float* scales, const float* zeros, int64_t rows,
                                    int64_t cols, int64_t group, int bits, float* w_hat, cudaStream_t stream) {
  const int64_t n = rows * cols;
  if (n == 0) return cudaSuccess;
  fq_forward_kernel<<<grid_for(n, kThreads), kThreads, 0, stream>>>(w, scales, zeros, n, group, bits, w_hat);
  return cudaGetLastError();
}

cudaError_t fake_quant_backward_cuda(const float* w, const float* scales, const float* zeros,
                                     const float* grad_w_hat, int64_t rows, int64_t cols, int64_t group, int bits,
                                     float* grad_w, float* grad_scales, float* grad_zeros, cudaStream_t stream) {
  const int64_t groups = rows * (cols / group);
  if (groups == 0) return cudaSuccess;
  fq_backward_kernel<<<grid_for(groups, kWarpsPerBlock), kThreads, 0, stream>>>(
      w, scales, zeros, grad_w_hat, groups, group, bits, grad_w, grad_scales, grad_zeros);
  return cudaGetLastError();
}

cudaError_t recon_loss_cuda(const void* a, const void* b, int type, int64_t n, float grad_scale, float* grad,
                            float* partials, float* total, cudaStream_t stream) {
  switch (type) {
    case kTypeF16:
      return recon_typed<F16>(a, b, n, grad_scale, grad, partials, total, stream);
    case kTypeBF16:
      return recon_typed<BF16>(a, b, n, grad_scale, grad, partials, total, stream);
    default:
      return recon_typed<float>(a, b, n, grad_scale, grad, partials, total, stream);
  }
}

}  // namespace lb::kernels
