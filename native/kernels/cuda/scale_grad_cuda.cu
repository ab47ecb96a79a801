#include "kernels/cuda/scale_grad_cuda.h"
#include "kernels/scale_grad_math.h"

namespace lb::kernels {
namespace {

constexpr int kThreads = 128;  // output columns per block
constexpr int kRows = 16;      // rows of x staged in shared memory per pass

// One thread per (group g, column o); blockIdx.y = g. The block stages x[t0..t0+kRows, g*group..+group)
// in shared memory (group <= 256 values per row, else read from global memory).
__global__ void scale_grad_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                  const int32_t* __restrict__ qweight, const float* __restrict__ zeros, int64_t m,
                                  int64_t in, int64_t out, int64_t group, int bits, float* __restrict__ grad_scales) {
  extern __shared__ float xs[];  // [kRows][group]
  const int64_t g = blockIdx.y;
  const int64_t o = (int64_t)blockIdx.x * kThreads + threadIdx.x;
  const bool active = o < out;
  const float z = active ? zeros[g * out + o] : 0.0f;
  float acc = 0.0f;
  for (int64_t t0 = 0; t0 < m; t0 += kRows) {
    const int rows = (int)min((int64_t)kRows, m - t0);
    __syncthreads();
    for (int64_t k = threadIdx.x; k < (int64_t)rows * group; k += kThreads) {
      const int64_t r = k / group, j = k % group;
      xs[k] = x[(t0 + r) * in + g * group + j];
    }
    __syncthreads();
    if (active) {
      float partial[kRows];
      for (int r = 0; r < kRows; ++r) partial[r] = 0.0f;
      for (int64_t j = 0; j < group; ++j) {
        const float q = (float)packed_value(qweight, out, o, g * group + j, bits) - z;
        for (int r = 0; r < rows; ++r) partial[r] += q * xs[r * group + j];
      }
      for (int r = 0; r < rows; ++r) acc += dy[(t0 + r) * out + o] * partial[r];
    }
  }
  if (active) grad_scales[g * out + o] = acc;
}

}  // namespace

cudaError_t scale_grad_packed_cuda(const float* x, const float* dy, const int32_t* qweight, const float* zeros,
                                   int64_t m, int64_t in, int64_t out, int64_t group, int bits, float* grad_scales,
                                   cudaStream_t stream) {
  const int64_t groups = in / group;
  if (groups <= 0 || out <= 0) return cudaSuccess;
  const size_t shared = sizeof(float) * (size_t)kRows * (size_t)group;
  if (shared > 48 * 1024) return cudaErrorInvalidValue;  // group > 768
  const dim3 grid((unsigned)((out + kThreads - 1) / kThreads), (unsigned)groups);
  scale_grad_kernel<<<grid, kThreads, shared, stream>>>(x, dy, qweight, zeros, m, in, out, group, bits, grad_scales);
  return cudaGetLastError();
}

}  // namespace lb::kernels
