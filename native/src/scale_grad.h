// The E2E-QP scale gradient on tensors (CPU or CUDA kernel by device): ds[g, o] = sum over the rows and the
// group's inputs i of (q[i, o] - z[g, o]) * x[r, i] * dy[r, o], from packed codes, never building dW.
#pragma once

#include <ATen/ATen.h>

namespace lb {

// x [m, in], dy [m, out] (f32, contiguous), packed i32 [in * bits / 32, out], zeros f32 [in / group, out];
// returns f32 [in / group, out]. Arguments are assumed checked; deterministic.
at::Tensor scale_grad_packed_tensor(const at::Tensor& x, const at::Tensor& dy, const at::Tensor& packed,
                                    const at::Tensor& zeros, int64_t group, int bits);

}  // namespace lb
