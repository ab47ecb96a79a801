// extern "C": quantization-aware training kernels (EfficientQAT fake quant, block reconstruction loss).
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/fake_quant.h"

using lb::api::guard;

extern "C" {

int lb_fake_quant_forward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                          lb_tensor* w_hat) {
  return guard("lb_fake_quant_forward", [&] { lb::fake_quant_forward(w, scales, zeros, bits, group_size, w_hat); });
}

int lb_fake_quant_backward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                           lb_tensor grad_w_hat, lb_tensor* grad_w, lb_tensor* grad_scales, lb_tensor* grad_zeros) {
  return guard("lb_fake_quant_backward", [&] {
    lb::fake_quant_backward(w, scales, zeros, bits, group_size, grad_w_hat, grad_w, grad_scales, grad_zeros);
  });
}

int lb_recon_loss(lb_tensor a, lb_tensor b, double* loss, lb_tensor* grad_a) {
  return guard("lb_recon_loss", [&] { lb::recon_loss(a, b, loss, grad_a); });
}

}  // extern "C"
