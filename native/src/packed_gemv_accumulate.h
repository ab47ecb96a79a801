// The accumulate mode of the CUDA packed GEMV (kernels/cuda/packed_gemv_cuda.h) on ATen tensors: y f32 += x . W^T
// in one launch, no zeroing, no add kernel. The decode step's residual adds and its pre-zeroed q/k/v and
// gate/up outputs use it (src/infer/decoder.cpp, LOWBIT_DECODE_ACCUMULATE=1).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// The GEMV's fused input op (kernels/cuda/packed_matmul_cuda.h, x_op), for the normed decode step. The pointers are
// f32 device memory the caller owns.
struct GemvInputFusion {
  enum Op { kPlain = 0, kNormWeight = 1, kSiluMul = 2, kPrepared = 3 };
  Op op = kPlain;
  const void* prepared = nullptr;  // Prepared: x as the GEMV's quantized slots (packed_gemv_cuda_accumulate_prepared);
                                   // x [1, in] then gives the shape only
  at::Tensor norm_weight;         // NormWeight: [in] (the RMSNorm's weight), multiplied into x
  float* sumsq_out = nullptr;     // NormWeight: += sum over in of x^2 (nullptr: not wanted)
  const float* sumsq_in = nullptr;  // SiluMul: x = [gate | up] f32 [1, 2 in]; the sum of squares of the hidden state
  int64_t norm_count = 0;         // SiluMul: that sum's element count (hidden size)
  double eps = 0;                 // SiluMul: the RMSNorm's epsilon
  c10::ScalarType round_dtype = c10::ScalarType::Float;  // SiluMul: the act's dtype in the unfused step
  float* zero = nullptr;          // zeroed once the kernel before has finished (zero_count floats)
  int64_t zero_count = 0;
};

// A packed linear's operands as the accumulate GEMV takes them (what packed_gemv_accumulate's arguments name), for the
// kernels that run that GEMV inside another (the decode step's attention + o projection).
struct PackedGemvOperands {
  at::Tensor qweight, qzeros, scales;
  int bits = 0;
  int64_t rows_per_group = 0;
  int zero_offset = 0;
};

// Whether the accumulate GEMV takes a packed linear with `in` rows at `bits`, `rows_per_group` rows per group
// (the effective group: `in` for per channel), for m <= 4 rows of x. False in builds without CUDA.
bool packed_gemv_accumulate_supported(int64_t in, int bits, int64_t rows_per_group);

// y f32 [m, out] (contiguous, qweight's device) += x [m, in] (f32/f16/bf16) . W^T. Operands as lb::packed_linear
// checks them (the caller did); throws LB_ERR_UNSUPPORTED where packed_gemv_accumulate_supported is false.
// With a fusion other than kPlain, m = 1 and for kSiluMul x is [1, 2 * in].
void packed_gemv_accumulate(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                            const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset, at::Tensor& y,
                            const GemvInputFusion& fusion = {});

}  // namespace lb
