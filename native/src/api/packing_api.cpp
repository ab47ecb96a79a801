// extern "C": bit packing, GPTQ dequantization and the packed matmul.
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/error.h"
#include "src/gptq_dequant.h"
#include "src/pack_bits.h"
#include "src/tensor_handle.h"

using lb::api::guard;

extern "C" {

int lb_pack_bits(lb_tensor values, int32_t bits, int32_t dim, lb_tensor* packed) {
  return guard("lb_pack_bits", [&] {
    *lb::require_non_null(packed, "packed") = nullptr;
    *packed = lb::make_handle(lb::pack_bits(lb::unwrap(values, "values"), bits, dim)).release();
  });
}

int lb_unpack_bits(lb_tensor packed, int32_t bits, int32_t dim, lb_tensor* values) {
  return guard("lb_unpack_bits", [&] {
    *lb::require_non_null(values, "values") = nullptr;
    *values = lb::make_handle(lb::unpack_bits(lb::unwrap(packed, "packed"), bits, dim)).release();
  });
}

int lb_dequantize_gptq(lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, lb_tensor g_idx, int32_t bits,
                       int64_t group_size, int32_t zero_offset, lb_tensor* weight) {
  return guard("lb_dequantize_gptq", [&] {
    *lb::require_non_null(weight, "weight") = nullptr;
    const at::Tensor groups = g_idx == nullptr ? at::Tensor() : g_idx->value;  // NULL: i / group_size
    *weight = lb::make_handle(lb::dequantize_gptq(lb::unwrap(qweight, "qweight"), lb::unwrap(qzeros, "qzeros"),
                                                  lb::unwrap(scales, "scales"), groups, bits, group_size, zero_offset))
                  .release();
  });
}

int lb_packed_linear(lb_tensor x, lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, int32_t bits,
                     int64_t group_size, int32_t zero_offset, lb_tensor* y) {
  return guard("lb_packed_linear", [&] {
    *lb::require_non_null(y, "y") = nullptr;
    *y = lb::make_handle(lb::packed_linear(lb::unwrap(x, "x"), lb::unwrap(qweight, "qweight"),
                                           lb::unwrap(qzeros, "qzeros"), lb::unwrap(scales, "scales"), bits,
                                           group_size, zero_offset))
             .release();
  });
}

}  // extern "C"
