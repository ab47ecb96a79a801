// EfficientQAT group fake-quant (forward, backward) and the block reconstruction loss on the CPU
// (torch-free). Math and reduction order: kernels/fake_quant_math.h (bit-identical to the CUDA kernels).
#pragma once

#include <stdint.h>

namespace lb::kernels {

// w, w_hat, grad_w_hat, grad_w: row-major [rows, cols]; group divides cols; scales, zeros, grad_scales,
// grad_zeros: [rows, cols / group]. num_threads <= 0: the OpenMP default.
void fake_quant_forward_cpu(const float* w, const float* scales, const float* zeros, int64_t rows, int64_t cols,
                            int64_t group, int bits, float* w_hat, int num_threads);

void fake_quant_backward_cpu(const float* w, const float* scales, const float* zeros, const float* grad_w_hat,
                             int64_t rows, int64_t cols, int64_t group, int bits, float* grad_w,
                             float* grad_scales, float* grad_zeros, int num_threads);

// Number of per-chunk partial sums recon_loss_cpu / recon_loss_cuda need scratch space for.
int64_t recon_loss_chunks(int64_t n);

// a, b: n elements of dtype `type` (FloatType: f32, f16 or bf16). Returns sum((a - b)^2) in fp32;
// grad (may be NULL) receives (a - b) * grad_scale as f32. partials: recon_loss_chunks(n) floats of scratch.
float recon_loss_cpu(const void* a, const void* b, int type, int64_t n, float grad_scale, float* grad,
                     float* partials, int num_threads);

}  // namespace lb::kernels
