// Tensor preparation shared by the ATen adapters of the packed CUDA kernels (CUDA builds only).
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb {

// The kernels' code for an activation / scale dtype (f16, bf16, else f32).
inline int packed_dtype_code(at::ScalarType t) {
  return t == at::kHalf ? kernels::kPackedF16 : t == at::kBFloat16 ? kernels::kPackedBF16 : kernels::kPackedF32;
}

// 16-byte aligned and contiguous (the kernels' vector loads need both).
inline at::Tensor aligned16(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  if (reinterpret_cast<uintptr_t>(c.data_ptr()) % 16 != 0) c = c.clone();
  return c;
}

}  // namespace lb
