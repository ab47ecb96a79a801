// EfficientQAT group fake-quant (forward, backward) and the block reconstruction loss on a CUDA device
// (torch-free; same contracts as kernels/cpu/fake_quant_cpu.h and bit-identical results).
#pragma once

#include <cuda_runtime_api.h>
#include <stdint.h>

namespace lb::kernels {

// All pointers are device memory. Launch asynchronously on `stream`; return the launch status.
cudaError_t fake_quant_forward_cuda(const float* w, const float* scales, const float* zeros, int64_t rows,
                                    int64_t cols, int64_t group, int bits, float* w_hat, cudaStream_t stream);

cudaError_t fake_quant_backward_cuda(const float* w, const float* scales, const float* zeros,
                                     const float* grad_w_hat, int64_t rows, int64_t cols, int64_t group, int bits,
                                     float* grad_w, float* grad_scales, float* grad_zeros, cudaStream_t stream);

// a, b: n elements of dtype `type` (FloatType). *total (device, one float) receives sum((a - b)^2);
// grad (may be NULL) receives (a - b) * grad_scale. partials: recon_loss_chunks(n) floats of device scratch.
cudaError_t recon_loss_cuda(const void* a, const void* b, int type, int64_t n, float grad_scale, float* grad,
                            float* partials, float* total, cudaStream_t stream);

}  // namespace lb::kernels
