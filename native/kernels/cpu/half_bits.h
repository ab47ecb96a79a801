// f16 / bf16 bit patterns to f32 on the CPU, plain C++ (the kernels' scalar paths and tails).
#pragma once

#include <stdint.h>

#include <cmath>
#include <cstring>

namespace lb::kernels {

inline float float_from_bits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

inline float bf16_to_float(uint16_t h) { return float_from_bits(static_cast<uint32_t>(h) << 16); }

inline float f16_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
  if (exponent == 0x1Fu) return float_from_bits(sign | 0x7F800000u | (mantissa << 13));  // infinity, NaN
  if (exponent != 0) return float_from_bits(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  const float v = std::ldexp(static_cast<float>(mantissa), -24);  // zero, subnormal
  return sign != 0 ? -v : v;
}

}  // namespace lb::kernels
