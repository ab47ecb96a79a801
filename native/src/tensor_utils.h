// Adapters behind lb_tensor_wrap_host, lb_tensor_transpose and lb_tensor_sq_error.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>

namespace lb {

// A CPU tensor over the caller's memory (no copy, no ownership).
at::Tensor wrap_host(void* data, int32_t dtype, const int64_t* shape, int32_t ndim);
// A new contiguous tensor holding the transpose of a 2-D tensor (never a view of t).
at::Tensor transpose_copy(const at::Tensor& t);
at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& weight);
// A new zero-filled tensor (validated shape) on the given device.
at::Tensor zeros_tensor(int32_t dtype, const int64_t* shape, int32_t ndim, const c10::Device& device);
// A view of [start, start + length) along dim (shares t's storage).
at::Tensor narrow_view(const at::Tensor& t, int32_t dim, int64_t start, int64_t length);
// dst <- src in place (same shape; converts dtype and device).
void copy_into(at::Tensor& dst, const at::Tensor& src);
// sum((reference - approx)^2) and sum(reference^2), accumulated in float64.
void sq_error(const at::Tensor& reference, const at::Tensor& approx, double* sum_sq_error, double* sum_sq_reference);

}  // namespace lb
