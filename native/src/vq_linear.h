// Adapter of lb_vq_dequantize / lb_vq_linear: checks an lb_vq_weights against the VPTQ stored format and
// runs the CPU or CUDA kernels (kernels/cpu/vq_matmul_cpu, kernels/cuda/vq_matmul_cuda).
#pragma once

#include <ATen/core/Tensor.h>

#include "lowbit.h"

namespace lb {

at::Tensor vq_dequantize(const lb_vq_weights* w);
at::Tensor vq_linear(const at::Tensor& x, const lb_vq_weights* w);
at::Tensor vq_bank_indices(const lb_vq_weights* w);

}  // namespace lb
