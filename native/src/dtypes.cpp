#include "src/dtypes.h"

#include <string>

#include "src/error.h"

namespace lb {
namespace {

struct DtypeEntry {
  int32_t code;
  c10::ScalarType type;
  const char* name;
};

constexpr DtypeEntry kDtypes[] = {
    {LB_DTYPE_F32, c10::ScalarType::Float, "F32"},    {LB_DTYPE_F16, c10::ScalarType::Half, "F16"},
    {LB_DTYPE_BF16, c10::ScalarType::BFloat16, "BF16"}, {LB_DTYPE_I8, c10::ScalarType::Char, "I8"},
    {LB_DTYPE_U8, c10::ScalarType::Byte, "U8"},       {LB_DTYPE_I16, c10::ScalarType::Short, "I16"},
    {LB_DTYPE_I32, c10::ScalarType::Int, "I32"},      {LB_DTYPE_I64, c10::ScalarType::Long, "I64"},
};

}  // namespace

c10::ScalarType scalar_type_from_code(int32_t code, const char* argument) {
  for (const auto& entry : kDtypes) {
    if (entry.code == code) return entry.type;
  }
  throw_invalid(std::string(argument) + "=" + std::to_string(code) +
                " is not a dtype code (expected 0..7: LB_DTYPE_F32, F16, BF16, I8, U8, I16, I32 or I64)");
}

int32_t code_from_scalar_type(c10::ScalarType type) {
  for (const auto& entry : kDtypes) {
    if (entry.type == type) return entry.code;
  }
  throw_unsupported(std::string("tensor dtype ") + c10::toString(type) + " has no LB_DTYPE_* code");
}

const char* dtype_name(c10::ScalarType type) {
  for (const auto& entry : kDtypes) {
    if (entry.type == type) return entry.name;
  }
  return c10::toString(type);
}

}  // namespace lb
