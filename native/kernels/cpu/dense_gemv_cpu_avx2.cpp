// The dense GEMV built for AVX2 + FMA + F16C (CMake adds the flags to this file only); dense_gemv_cpu.cpp runs
// it where the CPU has them.
#define LB_DENSE_VARIANT dense_avx2
#define LB_DENSE_AVX2 1
#include "kernels/cpu/dense_gemv_cpu_impl.h"

namespace lb::kernels::dense_avx2 {
template void dense_gemv<kTypeF32>(const DenseGemvArgs&);
template void dense_gemv<kTypeF16>(const DenseGemvArgs&);
template void dense_gemv<kTypeBF16>(const DenseGemvArgs&);
}  // namespace lb::kernels::dense_avx2
