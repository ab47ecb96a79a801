// LB_DTYPE_* codes <-> c10::ScalarType.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>

namespace lb {

// Throws LB_ERR_INVALID_ARGUMENT naming `argument` for a code that is not an LB_DTYPE_*.
c10::ScalarType scalar_type_from_code(int32_t code, const char* argument);
// Throws LB_ERR_UNSUPPORTED for a scalar type that has no LB_DTYPE_* code.
int32_t code_from_scalar_type(c10::ScalarType type);
// "F32", "BF16", ... ; c10's own name for types without a code.
const char* dtype_name(c10::ScalarType type);

// F16 or BF16: the weight dtypes the CPU decoder keeps as stored at f32 compute.
inline bool is_16bit_float(c10::ScalarType type) { return type == c10::kHalf || type == c10::kBFloat16; }

}  // namespace lb
