// The packed matmul kernels built for AVX2 + FMA (CMake adds -mavx2 -mfma -mf16c to this file only);
// packed_matmul_cpu.cpp runs them when the CPU has both: the float kernels, and the m = 1 GEMV on integer dots.
#define LB_PACKED_VARIANT avx2
#include "kernels/cpu/packed_matmul_cpu_impl.h"
#include "kernels/cpu/packed_gemv_int8_avx2.h"

namespace lb::kernels::avx2 {
bool int8_gemv::applies(const PackedLinearArgs& a) {
  return a.m == 1 && a.in > 0 && a.in % kBlockRows == 0 && a.group_size > 0 && a.group_size % kBlockRows == 0 &&
         a.out > 0 && a.out % 8 == 0 && (a.out * a.bits) % 32 == 0;
}

template void packed_linear<2>(const PackedLinearArgs&);
template void packed_linear<3>(const PackedLinearArgs&);
template void packed_linear<4>(const PackedLinearArgs&);
template int int8_gemv::packed_gemv_int8<2>(const PackedLinearArgs&);
template int int8_gemv::packed_gemv_int8<3>(const PackedLinearArgs&);
template int int8_gemv::packed_gemv_int8<4>(const PackedLinearArgs&);
}  // namespace lb::kernels::avx2
