// CUDA side of the packed linear adapter (lb::packed_linear): launches kernels::packed_linear_cuda on the
// current stream of the tensors' device. Operands are already checked by the caller.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// y f32 [m, out]; when out_dtype is F16/BF16 also returns that copy (else an undefined tensor).
// Throws LB_ERR_UNSUPPORTED when liblowbit was built without CUDA.
at::Tensor packed_linear_cuda(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                              const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset,
                              at::ScalarType out_dtype);

}  // namespace lb
