// extern "C": lb_tensor_*.
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/error.h"
#include "src/tensor_ops.h"

using lb::api::guard;

extern "C" {

int lb_tensor_from_host(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim, int32_t device_type,
                        int32_t device_index, lb_tensor* out) {
  return guard("lb_tensor_from_host", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::tensor_from_host(data, dtype, shape, ndim, device_type, device_index);
  });
}

int lb_tensor_to_host(lb_tensor t, void* dst, int64_t capacity_bytes) {
  return guard("lb_tensor_to_host", [&] { lb::tensor_to_host(t, dst, capacity_bytes); });
}

int lb_tensor_dtype(lb_tensor t, int32_t* dtype) {
  return guard("lb_tensor_dtype", [&] { lb::tensor_dtype(t, dtype); });
}

int lb_tensor_ndim(lb_tensor t, int32_t* ndim) {
  return guard("lb_tensor_ndim", [&] { lb::tensor_ndim(t, ndim); });
}

int lb_tensor_shape(lb_tensor t, int64_t* shape, int32_t capacity) {
  return guard("lb_tensor_shape", [&] { lb::tensor_shape(t, shape, capacity); });
}

int lb_tensor_device(lb_tensor t, int32_t* device_type, int32_t* device_index) {
  return guard("lb_tensor_device", [&] { lb::tensor_device(t, device_type, device_index); });
}

int lb_tensor_nbytes(lb_tensor t, int64_t* nbytes) {
  return guard("lb_tensor_nbytes", [&] { lb::tensor_nbytes(t, nbytes); });
}

int lb_tensor_to(lb_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, lb_tensor* out) {
  return guard("lb_tensor_to", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::tensor_to(t, dtype, device_type, device_index);
  });
}

void lb_tensor_free(lb_tensor t) { lb::tensor_free(t); }

}  // extern "C"
