// Packed int2/int3/int4 matmul on a CUDA device (torch-free): y[m, out] = x[m, in] . W^T with W in the
// GPTQ-style layout of packed_matmul_cpu.h (qweight i32 [in * bits / 32, out], qzeros i32
// [groups, out * bits / 32], scales [groups, out]). Same math as packed_linear_cpu, fp32 accumulation.
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// Element types of x, scales and the optional 16-bit copy of y (LB_DTYPE_* values).
enum PackedCudaDtype : int { kPackedF32 = 0, kPackedF16 = 1, kPackedBF16 = 2 };

struct PackedLinearCudaArgs {
  const void* x;           // [m, in] row-major, x_dtype; 16-byte aligned
  int x_dtype;             // kPackedF32 / kPackedF16 / kPackedBF16
  int64_t m;
  int64_t in;              // a multiple of the packing unit (8 / 16 / 32 rows for bits 4 / 2 / 3)
  int64_t out;             // a multiple of 8 (what qzeros' packing implies for every bit width)
  const int32_t* qweight;  // [in * bits / 32, out], 16-byte aligned
  const int32_t* qzeros;   // [groups, out * bits / 32]
  int zero_offset;         // 0 (GPTQ v2) or 1 (GPTQ v1)
  const void* scales;      // [groups, out], scales_dtype
  int scales_dtype;
  int64_t group_size;      // rows per group, a multiple of the packing unit (per channel: group_size = in)
  int bits;                // 2, 3 or 4
  float* y;                // [m, out] f32, always written
  void* y_out;             // optional [m, out] copy of y in y_out_dtype (NULL: none)
  int y_out_dtype;         // kPackedF16 or kPackedBF16 when y_out is set
};

// Status of a combination: 0 when a kernel instance exists, else a short reason (static string).
const char* packed_linear_cuda_unsupported(int bits, int x_dtype, int scales_dtype);

// The one dispatch site: picks the instance by bits and m-tile (1, 2, 4, 8 or 16 rows per block; m > 16
// runs ceil(m / 16) row tiles), and the split over `in` so that every SM has blocks. Asynchronous on
// `stream`; returns cudaErrorInvalidValue for a combination not built (see packed_linear_cuda_unsupported)
// or the launch status.
cudaError_t packed_linear_cuda(const PackedLinearCudaArgs& args, cudaStream_t stream);

// Name of the kernel packed_linear_cuda runs for these arguments (benchmarks and tests): "gemv_dp4a_r1/_r2/_r4"
// (m <= 4, packed_gemv_cuda.cuh), "mma_pipe" (m >= 5, tensor cores with a cp.async pipeline,
// packed_mma_pipe_cuda.cuh), "mma" (m >= 5, the tensor-core calls mma_pipe leaves, packed_mma_cuda.cuh) or
// "tiled" (the FMA kernel of packed_matmul_cuda_kernel.cuh, for every other call).
const char* packed_linear_cuda_kernel_name(const PackedLinearCudaArgs& args);

// Which m-tile and split packed_linear_cuda uses for a shape (for tests and benchmarks).
struct PackedLinearCudaPlan {
  int m_tile;
  int splits;
  int64_t blocks;
};
PackedLinearCudaPlan packed_linear_cuda_plan(int bits, int64_t m, int64_t in, int64_t out, int sm_count);

}  // namespace lb::kernels
