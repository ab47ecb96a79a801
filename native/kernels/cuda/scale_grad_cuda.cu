#include "kernels/cuda/scale_grad_cuda.h"
#include "kernels/scale_grad_math.h"

#include <algorithm>

namespace lb::kernels {
namespace {

constexpr int kThreads = 128;  // output columns per block
constexpr int kRows = 16;      // rows of x staged in shared memory per pass

// One thread per (group g, column o, split of the rows); blockIdx.y = g, blockIdx.z = split. The block stages
// x[t0..t0+kRows, g*group..+group) in shared memory and writes its partial sum to grad_scales[split][g][o].
__global__ void scale_grad_kernel(const float* __restrict__ x, const float* __restrict__ dy,
                                  const int32_t* __restrict__ qweight, const float* __restrict__ zeros, int64_t m,
                                  int64_t in, int64_t out, int64_t group, int bits, int64_t rows_per_split,
                                  float* __restrict__ grad_scales) {
  extern __shared__ float xs[];  // [kRows][group]
  const int64_t g = blockIdx.y;
  const int64_t o = (int64_t)blockIdx.x * kThreads + threadIdx.x;
  const bool active = o < out;
  const float z = active ? zeros[g * out + o] : 0.0f;
  const int64_t first = (int64_t)blockIdx.z * rows_per_split;
  const int64_t last = min(m, first + rows_per_split);
  grad_scales += (int64_t)blockIdx.z * (in / group) * out;
  float acc = 0.0f;
  for (int64_t t0 = first; t0 < last; t0 += kRows) {
    const int rows = (int)min((int64_t)kRows, last - t0);
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

int64_t scale_grad_rows_per_split(int64_t m, int64_t in, int64_t out, int64_t group) {
  // Enough blocks to fill the GPU (~1024) when (groups x column blocks) alone does not: small layers with
  // many tokens would otherwise run a few blocks that each walk every row. Depends on the shape only.
  const int64_t blocks = ((out + kThreads - 1) / kThreads) * (group > 0 ? in / group : 1);
  int64_t splits = blocks >= 1024 ? 1 : (1024 + blocks - 1) / (blocks > 0 ? blocks : 1);
  splits = std::min<int64_t>(splits, std::max<int64_t>(1, (m + 63) / 64));
  const int64_t per = (m + splits - 1) / std::max<int64_t>(1, splits);
  return std::max<int64_t>(kRows, (per + kRows - 1) / kRows * kRows);
}

cudaError_t scale_grad_packed_cuda(const float* x, const float* dy, const int32_t* qweight, const float* zeros,
                                   int64_t m, int64_t in, int64_t out, int64_t group, int bits, int64_t rows_per_split,
                                   float* grad_scales, cudaStream_t stream) {
  const int64_t groups = in / group;
  if (groups <= 0 || out <= 0) return cudaSuccess;
  if (rows_per_split <= 0) return cudaErrorInvalidValue;
  const size_t shared = sizeof(float) * (size_t)kRows * (size_t)group;
  if (shared > 48 * 1024) return cudaErrorInvalidValue;  // group > 768
  const int64_t splits = m > 0 ? (m + rows_per_split - 1) / rows_per_split : 1;
  if (splits > 65535) return cudaErrorInvalidValue;
  const dim3 grid((unsigned)((out + kThreads - 1) / kThreads), (unsigned)groups, (unsigned)splits);
  scale_grad_kernel<<<grid, kThreads, shared, stream>>>(x, dy, qweight, zeros, m, in, out, group, bits, rows_per_split,
                                                        grad_scales);
  return cudaGetLastError();
}

}  // namespace lb::kernels
