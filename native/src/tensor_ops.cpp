#include "src/tensor_ops.h"

#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/from_blob.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "src/devices.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/tensor_handle.h"

namespace lb {
namespace {

int64_t nbytes_of(const at::Tensor& t) { return t.numel() * static_cast<int64_t>(t.element_size()); }

std::vector<int64_t> checked_shape(const int64_t* shape, int32_t ndim, int64_t element_size, int64_t* nbytes) {
  if (ndim < 0) throw_invalid("ndim=" + std::to_string(ndim) + " (expected >= 0)");
  if (ndim > 0) require_non_null(shape, "shape");
  std::vector<int64_t> sizes(shape, shape + ndim);
  int64_t total = element_size;
  for (int32_t i = 0; i < ndim; ++i) {
    if (sizes[i] < 0) {
      throw_invalid("shape[" + std::to_string(i) + "]=" + std::to_string(sizes[i]) + " (expected >= 0)");
    }
    if (__builtin_mul_overflow(total, sizes[i], &total)) {
      throw_invalid("shape: the tensor's size in bytes overflows int64 (expected a smaller shape)");
    }
  }
  *nbytes = total;
  return sizes;
}

}  // namespace

lb_tensor tensor_from_host(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim,
                           int32_t device_type, int32_t device_index) {
  const c10::ScalarType type = scalar_type_from_code(dtype, "dtype");
  const c10::Device device = device_from_codes(device_type, device_index);
  int64_t nbytes = 0;
  const std::vector<int64_t> sizes = checked_shape(shape, ndim, c10::elementSize(type), &nbytes);
  if (nbytes > 0 && data == nullptr) {
    throw_invalid("data is NULL (expected a host buffer of " + std::to_string(nbytes) + " bytes)");
  }
  const auto options = at::TensorOptions().dtype(type);
  if (nbytes == 0) return make_handle(at::empty(sizes, options.device(device))).release();
  // from_blob only borrows the caller's buffer: copy it before returning.
  const at::Tensor borrowed = at::from_blob(const_cast<void*>(data), sizes, options);
  at::Tensor owned = device.is_cpu() ? borrowed.clone() : borrowed.to(device);
  return make_handle(std::move(owned)).release();
}

void tensor_to_host(lb_tensor t, void* dst, int64_t capacity_bytes) {
  const at::Tensor& tensor = unwrap(t, "t");
  const int64_t nbytes = nbytes_of(tensor);
  if (capacity_bytes < nbytes) {
    throw_invalid("capacity_bytes=" + std::to_string(capacity_bytes) + " is too small (expected >= " +
                  std::to_string(nbytes) + ", the tensor's size in bytes)");
  }
  if (nbytes == 0) return;
  require_non_null(dst, "dst");
  const at::Tensor host = tensor.to(at::kCPU).contiguous();
  std::memcpy(dst, host.data_ptr(), static_cast<size_t>(nbytes));
}

void tensor_dtype(lb_tensor t, int32_t* dtype) {
  const at::Tensor& tensor = unwrap(t, "t");
  *require_non_null(dtype, "dtype") = code_from_scalar_type(tensor.scalar_type());
}

void tensor_ndim(lb_tensor t, int32_t* ndim) {
  const at::Tensor& tensor = unwrap(t, "t");
  *require_non_null(ndim, "ndim") = static_cast<int32_t>(tensor.dim());
}

void tensor_shape(lb_tensor t, int64_t* shape, int32_t capacity) {
  const at::Tensor& tensor = unwrap(t, "t");
  if (capacity < 0) throw_invalid("capacity=" + std::to_string(capacity) + " (expected >= 0)");
  const int64_t count = std::min<int64_t>(tensor.dim(), capacity);
  if (count > 0) require_non_null(shape, "shape");
  for (int64_t i = 0; i < count; ++i) shape[i] = tensor.size(i);
}

void tensor_device(lb_tensor t, int32_t* device_type, int32_t* device_index) {
  const at::Tensor& tensor = unwrap(t, "t");
  require_non_null(device_type, "device_type");
  require_non_null(device_index, "device_index");
  device_to_codes(tensor.device(), device_type, device_index);
}

void tensor_nbytes(lb_tensor t, int64_t* nbytes) {
  const at::Tensor& tensor = unwrap(t, "t");
  *require_non_null(nbytes, "nbytes") = nbytes_of(tensor);
}

lb_tensor tensor_to(lb_tensor t, int32_t dtype, int32_t device_type, int32_t device_index) {
  const at::Tensor& tensor = unwrap(t, "t");
  const c10::ScalarType type = scalar_type_from_code(dtype, "dtype");
  const c10::Device device = device_from_codes(device_type, device_index);
  return make_handle(tensor.to(device, type, /*non_blocking=*/false, /*copy=*/true)).release();
}

void tensor_free(lb_tensor t) noexcept { delete t; }

}  // namespace lb
