// Adapters behind lb_pack_bits / lb_unpack_bits: validate (bits, dim, divisibility, value range, dtype)
// and dispatch to the CPU or CUDA packing kernel by the tensor's device.
#pragma once

#include <ATen/core/Tensor.h>

namespace lb {

// values: 2-D u8 or i32, each in [0, 2^bits) -> i32 with dimension `dim` shrunk to size*bits/32.
at::Tensor pack_bits(const at::Tensor& values, int bits, int dim);
// packed: 2-D i32 -> u8 with dimension `dim` grown to size*32/bits. `what` names the argument in errors.
at::Tensor unpack_bits(const at::Tensor& packed, int bits, int dim, const char* what = "packed");

// Throws unless bits is 2, 3, 4 or 8.
void check_pack_bits(int bits);

}  // namespace lb
