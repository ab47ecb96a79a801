// Conveniences over the C API for the tests: owned handles, host copies, runtime info.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "check.h"
#include "lowbit.h"

struct TensorDeleter {
  void operator()(lb_tensor_s* t) const { lb_tensor_free(t); }
};
using Tensor = std::unique_ptr<lb_tensor_s, TensorDeleter>;

inline lb_runtime_info runtime_info() {
  lb_runtime_info info{};
  info.struct_size = sizeof(info);
  CHECK_OK(lb_runtime_info_get(&info));
  return info;
}

template <class T>
Tensor host_tensor(const std::vector<T>& data, int32_t dtype, const std::vector<int64_t>& shape,
                   int32_t device_type = LB_DEVICE_CPU) {
  lb_tensor t = nullptr;
  CHECK_OK(lb_tensor_from_host(data.data(), dtype, shape.data(), static_cast<int32_t>(shape.size()), device_type, 0, &t));
  return Tensor(t);
}

template <class T>
std::vector<T> to_vector(lb_tensor t) {
  int64_t nbytes = 0;
  CHECK_OK(lb_tensor_nbytes(t, &nbytes));
  std::vector<T> out(static_cast<size_t>(nbytes) / sizeof(T));
  CHECK_OK(lb_tensor_to_host(t, out.data(), nbytes));
  return out;
}

inline std::vector<int64_t> shape_of(lb_tensor t) {
  int32_t ndim = 0;
  CHECK_OK(lb_tensor_ndim(t, &ndim));
  std::vector<int64_t> shape(static_cast<size_t>(ndim));
  CHECK_OK(lb_tensor_shape(t, shape.data(), ndim));
  return shape;
}

inline Tensor convert(lb_tensor t, int32_t dtype, int32_t device_type = LB_DEVICE_CPU) {
  lb_tensor out = nullptr;
  CHECK_OK(lb_tensor_to(t, dtype, device_type, 0, &out));
  return Tensor(out);
}

// Exact bitwise equality (tells +0 from -0 and compares NaN payloads).
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}
