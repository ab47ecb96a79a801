// The dense GEMV (a few rows): the plain build and the one dispatch site (weight dtype x ISA variant).
#define LB_DENSE_VARIANT dense_generic
#define LB_DENSE_AVX2 0
#include "kernels/cpu/dense_gemv_cpu_impl.h"

#include <cstdlib>

namespace lb::kernels {

#if LB_PACKED_HAVE_AVX2
namespace dense_avx2 {
template <int D>
void dense_gemv(const DenseGemvArgs& a);
extern template void dense_gemv<kTypeF32>(const DenseGemvArgs&);
extern template void dense_gemv<kTypeF16>(const DenseGemvArgs&);
extern template void dense_gemv<kTypeBF16>(const DenseGemvArgs&);
}  // namespace dense_avx2
#endif

namespace {

bool use_avx2() {
#if LB_PACKED_HAVE_AVX2
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                __builtin_cpu_supports("f16c") &&
                                !(std::getenv("LOWBIT_PACKED_GENERIC") && std::getenv("LOWBIT_PACKED_GENERIC")[0] == '1');
  return supported;
#else
  return false;
#endif
}

template <int D>
void run(const DenseGemvArgs& a) {
#if LB_PACKED_HAVE_AVX2
  if (use_avx2()) return dense_avx2::dense_gemv<D>(a);
#endif
  dense_generic::dense_gemv<D>(a);
}

}  // namespace

int dense_gemv_cpu(const DenseGemvArgs& a) {
  if (a.rows < 1) return -1;
  switch (a.w_dtype) {
    case kTypeF32: run<kTypeF32>(a); return 0;
    case kTypeF16: run<kTypeF16>(a); return 0;
    case kTypeBF16: run<kTypeBF16>(a); return 0;
    default: return -1;
  }
}

}  // namespace lb::kernels
