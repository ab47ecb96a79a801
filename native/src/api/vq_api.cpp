// extern "C": VQ lookup matmul and dequantization (VPTQ stored format).
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/tensor_handle.h"
#include "src/vq_linear.h"

using lb::api::guard;

extern "C" {

int lb_vq_dequantize(const lb_vq_weights* w, lb_tensor* weight) {
  return guard("lb_vq_dequantize", [&] {
    *lb::require_non_null(weight, "weight") = nullptr;
    *weight = lb::make_handle(lb::vq_dequantize(w)).release();
  });
}

int lb_vq_linear(lb_tensor x, const lb_vq_weights* w, lb_tensor* y) {
  return guard("lb_vq_linear", [&] {
    *lb::require_non_null(y, "y") = nullptr;
    *y = lb::make_handle(lb::vq_linear(lb::unwrap(x, "x"), w)).release();
  });
}

int lb_vq_bank_indices(const lb_vq_weights* w, lb_tensor* slots) {
  return guard("lb_vq_bank_indices", [&] {
    *lb::require_non_null(slots, "slots") = nullptr;
    *slots = lb::make_handle(lb::vq_bank_indices(w)).release();
  });
}

}  // extern "C"
