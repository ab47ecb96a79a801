// The accumulate mode of the CUDA packed GEMV (kernels/cuda/packed_gemv_cuda.h) on ATen tensors: y f32 += x . W^T
// in one launch, no zeroing, no add kernel. The decode step's residual adds and its pre-zeroed q/k/v and
// gate/up outputs use it (src/infer/decoder.cpp, LOWBIT_DECODE_ACCUMULATE=1).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// Whether the accumulate GEMV takes a packed linear with `in` rows at `bits`, `rows_per_group` rows per group
// (the effective group: `in` for per channel), for m <= 4 rows of x. False in builds without CUDA.
bool packed_gemv_accumulate_supported(int64_t in, int bits, int64_t rows_per_group);

// y f32 [m, out] (contiguous, qweight's device) += x [m, in] (f32/f16/bf16) . W^T. Operands as lb::packed_linear
// checks them (the caller did); throws LB_ERR_UNSUPPORTED where packed_gemv_accumulate_supported is false.
void packed_gemv_accumulate(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                            const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset, at::Tensor& y);

}  // namespace lb
