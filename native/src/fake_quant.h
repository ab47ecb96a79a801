// Adapters behind lb_fake_quant_forward / lb_fake_quant_backward / lb_recon_loss: validate the arguments
// and dispatch to the CPU or CUDA kernels of kernels/*/fake_quant_* by device.
#pragma once

#include <stdint.h>

#include "lowbit.h"

namespace lb {

void fake_quant_forward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                        lb_tensor* w_hat);

void fake_quant_backward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                         lb_tensor grad_w_hat, lb_tensor* grad_w, lb_tensor* grad_scales, lb_tensor* grad_zeros);

void recon_loss(lb_tensor a, lb_tensor b, double* loss, lb_tensor* grad_a);

}  // namespace lb
