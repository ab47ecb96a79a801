// extern "C": tensor utilities (zero-copy host wrap, transpose, squared error).
#include "lowbit.h"
#include "src/api/guard.h"
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
