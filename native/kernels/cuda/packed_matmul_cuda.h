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

// Optional device scratch for packed_linear_cuda, 16-byte aligned, of packed_linear_cuda_workspace_bytes bytes: a
// small kernel before the matmul prepares x in it once, instead of every warp that reads x: quantized to int8 for the
// m <= 4 GEMV, laid out as mma A fragments for the m >= 5 tensor-core kernel (mma_pipe). NULL or too small: the
// kernels work from raw x (same results, slower). Not a field of PackedLinearCudaArgs: the
// kernels take that struct by value, and 16 more bytes of it made the int2 GEMV spill registers (ptxas, sm_90).
struct PackedLinearCudaWorkspace {
  void* data;
  int64_t bytes;
};

// Bytes of workspace that packed_linear_cuda can use for calls of this shape (0: none); the bound for buffers reused
// across calls. The overload on the arguments is exact: 0 where the kernel it picks takes no workspace (the old
// tensor-core kernel, the tiled kernel, a GEMV switched off).
int64_t packed_linear_cuda_workspace_bytes(int bits, int64_t m, int64_t in);
int64_t packed_linear_cuda_workspace_bytes(const PackedLinearCudaArgs& args);

// The decode step's fused input ops of the accumulate GEMV (packed_gemv_cuda.h; m = 1). NormWeight: the GEMV reads
// x * weight (so y = W (g * x); the RMSNorm's 1 / rms, one scalar, is applied by the consumer of y, from the sum of
// squares the GEMV adds to sumsq_out). SiluMul: x is the f32 gate/up output [2 * in] of a NormWeight GEMV and the
// GEMV reads silu(r g) * (r u), r = rsqrt(sumsq_in / norm_count + norm_eps). Kept apart from PackedLinearCudaArgs:
// a larger argument struct alone made the plain int2 GEMV spill registers (ptxas, sm_90).
enum GemvInputOp : int { kGemvInputPlain = 0, kGemvInputNormWeight = 1, kGemvInputSiluMul = 2 };
struct GemvInputOps {
  int op;                   // GemvInputOp
  const void* weight;       // NormWeight: [in], weight_dtype
  int weight_dtype;
  float* sumsq_out;         // NormWeight: += sum over `in` of x^2 (NULL: not wanted)
  const float* sumsq_in;    // SiluMul: the sum of squares of the hidden state the gate/up GEMV read
  int64_t norm_count;       // SiluMul: the number of elements that sum is over (hidden size)
  float norm_eps;           // SiluMul: the RMSNorm's epsilon
  int round_dtype;          // SiluMul: gate, up, silu and the product rounded to it (as the unfused step stores them)
  float* zero;              // zeroed once the kernel before has finished (zero_count floats; NULL: none)
  int64_t zero_count;
};

// Status of a combination: 0 when a kernel instance exists, else a short reason (static string).
const char* packed_linear_cuda_unsupported(int bits, int x_dtype, int scales_dtype);

// The one dispatch site: picks the instance by bits and m-tile (1, 2, 4, 8 or 16 rows per block; m > 16
// runs ceil(m / 16) row tiles), and the split over `in` so that every SM has blocks. Asynchronous on
// `stream`; returns cudaErrorInvalidValue for a combination not built (see packed_linear_cuda_unsupported)
// or the launch status.
cudaError_t packed_linear_cuda(const PackedLinearCudaArgs& args, cudaStream_t stream,
                               PackedLinearCudaWorkspace workspace = {});

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
