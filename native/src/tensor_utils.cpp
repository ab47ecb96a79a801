#include "src/tensor_utils.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/zeros.h>

#include <algorithm>
#include <string>
#include <vector>

#include "src/dtypes.h"
#include "src/error.h"

namespace lb {
namespace {

// Elements per float64 slice in sq_error: bounds the temporary memory for huge weights.
constexpr int64_t kSqErrorChunk = int64_t{1} << 22;

std::string shape_text(at::IntArrayRef sizes) {
  std::string s = "[";
  for (size_t i = 0; i < sizes.size(); ++i) s += (i ? ", " : "") + std::to_string(sizes[i]);
  return s + "]";
}

// shape[ndim] checked (non-negative, size in bytes within int64); nbytes receives that size.
std::vector<int64_t> checked_sizes(c10::ScalarType type, const int64_t* shape, int32_t ndim, int64_t* nbytes) {
  if (ndim < 0) throw_invalid("ndim=" + std::to_string(ndim) + " (expected >= 0)");
  if (ndim > 0) require_non_null(shape, "shape");
  std::vector<int64_t> sizes(shape, shape + ndim);
  *nbytes = static_cast<int64_t>(c10::elementSize(type));
  for (int32_t i = 0; i < ndim; ++i) {
    if (sizes[i] < 0) throw_invalid("shape[" + std::to_string(i) + "]=" + std::to_string(sizes[i]) + " (expected >= 0)");
    if (__builtin_mul_overflow(*nbytes, sizes[i], nbytes)) {
      throw_invalid("shape: the tensor's size in bytes overflows int64 (expected a smaller shape)");
    }
  }
  return sizes;
}

}  // namespace

at::Tensor wrap_host(void* data, int32_t dtype, const int64_t* shape, int32_t ndim) {
  const c10::ScalarType type = scalar_type_from_code(dtype, "dtype");
  int64_t nbytes = 0;
  const std::vector<int64_t> sizes = checked_sizes(type, shape, ndim, &nbytes);
  const auto options = at::TensorOptions().dtype(type);
  if (nbytes == 0) return at::empty(sizes, options);
  if (data == nullptr) throw_invalid("data is NULL (expected a host buffer of " + std::to_string(nbytes) + " bytes)");
  return at::from_blob(data, sizes, options);
}

at::Tensor zeros_tensor(int32_t dtype, const int64_t* shape, int32_t ndim, const c10::Device& device) {
  const c10::ScalarType type = scalar_type_from_code(dtype, "dtype");
  int64_t nbytes = 0;
  return at::zeros(checked_sizes(type, shape, ndim, &nbytes), at::TensorOptions().dtype(type).device(device));
}

at::Tensor narrow_view(const at::Tensor& t, int32_t dim, int64_t start, int64_t length) {
  if (dim < 0 || dim >= t.dim()) {
    throw_invalid("dim=" + std::to_string(dim) + " (expected 0.." + std::to_string(t.dim() - 1) + " for shape " +
                  shape_text(t.sizes()) + ")");
  }
  const int64_t size = t.size(dim);
  if (start < 0 || length < 0 || start > size || length > size - start) {
    throw_invalid("rows [" + std::to_string(start) + ", " + std::to_string(start) + " + " + std::to_string(length) +
                  ") do not fit dim " + std::to_string(dim) + " of shape " + shape_text(t.sizes()));
  }
  return t.narrow(dim, start, length);
}

void copy_into(at::Tensor& dst, const at::Tensor& src) {
  if (dst.sizes() != src.sizes()) {
    throw_invalid("src has shape " + shape_text(src.sizes()) + " but dst has shape " + shape_text(dst.sizes()) +
                  " (expected equal)");
  }
  dst.copy_(src);
}

at::Tensor transpose_copy(const at::Tensor& t) {
  if (t.dim() != 2) {
    throw_invalid("t: ndim=" + std::to_string(t.dim()) + ", shape " + shape_text(t.sizes()) + " (expected a 2-D tensor)");
  }
  return t.t().clone(at::MemoryFormat::Contiguous);
}

at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& weight) {
  if (x.dim() != 2) throw_invalid("x has " + std::to_string(x.dim()) + " dimensions (expected 2, [m, in])");
  if (weight.dim() != 2) throw_invalid("weight has " + std::to_string(weight.dim()) + " dimensions (expected 2, [out, in])");
  if (x.size(1) != weight.size(1)) {
    throw_invalid("x has in=" + std::to_string(x.size(1)) + " but weight has in=" + std::to_string(weight.size(1)) +
                  " (expected equal)");
  }
  if (x.scalar_type() != weight.scalar_type() || !at::isFloatingType(x.scalar_type())) {
    throw_invalid("x and weight must share one floating-point dtype");
  }
  if (x.device() != weight.device()) throw_invalid("x and weight must be on the same device");
  return at::linear(x, weight);
}

void sq_error(const at::Tensor& reference, const at::Tensor& approx, double* sum_sq_error, double* sum_sq_reference) {
  require_non_null(sum_sq_error, "sum_sq_error");
  require_non_null(sum_sq_reference, "sum_sq_reference");
  if (reference.sizes() != approx.sizes()) {
    throw_invalid("approx: shape " + shape_text(approx.sizes()) + " (expected the shape of reference, " +
                  shape_text(reference.sizes()) + ")");
  }
  if (reference.device() != approx.device()) {
    throw_invalid("approx: on " + approx.device().str() + " (expected the device of reference, " +
                  reference.device().str() + ")");
  }
  const at::Tensor a = reference.reshape({-1});
  const at::Tensor b = approx.reshape({-1});
  const int64_t n = a.numel();
  at::Tensor error = at::zeros({}, a.options().dtype(at::kDouble));
  at::Tensor norm = at::zeros({}, a.options().dtype(at::kDouble));
  for (int64_t start = 0; start < n; start += kSqErrorChunk) {
    const int64_t len = std::min(kSqErrorChunk, n - start);
    const at::Tensor x = a.narrow(0, start, len).to(at::kDouble);
    const at::Tensor d = x.sub(b.narrow(0, start, len).to(at::kDouble));
    error.add_(d.mul(d).sum());
    norm.add_(x.mul(x).sum());
  }
  *sum_sq_error = error.item<double>();
  *sum_sq_reference = norm.item<double>();
}

}  // namespace lb
