// Adapters behind lb_tensor_wrap_host, lb_tensor_transpose and lb_tensor_sq_error.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb {

// A CPU tensor over the caller's memory (no copy, no ownership).
at::Tensor wrap_host(void* data, int32_t dtype, const int64_t* shape, int32_t ndim);
// A new contiguous tensor holding the transpose of a 2-D tensor (never a view of t).
at::Tensor transpose_copy(const at::Tensor& t);
at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& weight);
// sum((reference - approx)^2) and sum(reference^2), accumulated in float64.
void sq_error(const at::Tensor& reference, const at::Tensor& approx, double* sum_sq_error, double* sum_sq_reference);

}  // namespace lb
