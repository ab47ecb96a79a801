// extern "C": tensor utilities (zero-copy host wrap, zeros, views, in-place copy, transpose, squared error).
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/devices.h"
#include "src/error.h"
#include "src/tensor_handle.h"
#include "src/tensor_utils.h"

using lb::api::guard;

extern "C" {

int lb_tensor_wrap_host(void* data, int32_t dtype, const int64_t* shape, int32_t ndim, lb_tensor* out) {
  return guard("lb_tensor_wrap_host", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::make_handle(lb::wrap_host(data, dtype, shape, ndim)).release();
  });
}

int lb_tensor_transpose(lb_tensor t, lb_tensor* out) {
  return guard("lb_tensor_transpose", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::make_handle(lb::transpose_copy(lb::unwrap(t, "t"))).release();
  });
}

int lb_tensor_zeros(int32_t dtype, const int64_t* shape, int32_t ndim, int32_t device_type, int32_t device_index,
                    lb_tensor* out) {
  return guard("lb_tensor_zeros", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::make_handle(lb::zeros_tensor(dtype, shape, ndim, lb::device_from_codes(device_type, device_index))).release();
  });
}

int lb_tensor_narrow(lb_tensor t, int32_t dim, int64_t start, int64_t length, lb_tensor* out) {
  return guard("lb_tensor_narrow", [&] {
    *lb::require_non_null(out, "out") = nullptr;
    *out = lb::make_handle(lb::narrow_view(lb::unwrap(t, "t"), dim, start, length)).release();
  });
}

int lb_tensor_copy_into(lb_tensor dst, lb_tensor src) {
  return guard("lb_tensor_copy_into", [&] {
    at::Tensor target = lb::unwrap(dst, "dst");  // shares dst's storage: the copy lands in dst
    lb::copy_into(target, lb::unwrap(src, "src"));
  });
}

int lb_linear(lb_tensor x, lb_tensor weight, lb_tensor* y) {
  return guard("lb_linear", [&] {
    *lb::require_non_null(y, "y") = nullptr;
    *y = lb::make_handle(lb::dense_linear(lb::unwrap(x, "x"), lb::unwrap(weight, "weight"))).release();
  });
}

int lb_tensor_sq_error(lb_tensor reference, lb_tensor approx, double* sum_sq_error, double* sum_sq_reference) {
  return guard("lb_tensor_sq_error", [&] {
    lb::sq_error(lb::unwrap(reference, "reference"), lb::unwrap(approx, "approx"), sum_sq_error, sum_sq_reference);
  });
}

}  // extern "C"
