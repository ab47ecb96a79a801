// Autograd functions around the fused EfficientQAT kernels: group fake quant (forward w_hat; backward
// dW, ds, dz in one pass) and the block reconstruction loss (MSE and its gradient in one pass).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace lb::train {

// w, scales, zeros: f32 leaves (contiguous) on one device; returns w_hat f32 [out, in] with grad to all three.
at::Tensor fake_quant(const at::Tensor& w, const at::Tensor& scales, const at::Tensor& zeros, int bits,
                      int64_t group);

// mean((a - b)^2) as a 0-dim f32 tensor on a's device (no host sync); gradient to a only.
// a and b: same shape, dtype and device.
at::Tensor recon_loss(const at::Tensor& a, const at::Tensor& b);

// The fused forward without autograd (for export and quantized inference).
at::Tensor fake_quant_no_grad(const at::Tensor& w, const at::Tensor& scales, const at::Tensor& zeros, int bits,
                              int64_t group);

}  // namespace lb::train
