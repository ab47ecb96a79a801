// Packed matmul: the generic build of the kernels and the one dispatch site (bit width x ISA variant).
#define LB_PACKED_VARIANT generic
#include "kernels/cpu/packed_matmul_cpu_impl.h"

#include <cstdlib>

namespace lb::kernels {

#if LB_PACKED_HAVE_AVX2
namespace avx2 {
template <int Bits>
void packed_linear(const PackedLinearArgs& a);
extern template void packed_linear<2>(const PackedLinearArgs&);
extern template void packed_linear<3>(const PackedLinearArgs&);
extern template void packed_linear<4>(const PackedLinearArgs&);
}  // namespace avx2
#endif

namespace {

// LOWBIT_PACKED_GENERIC=1 in the environment forces the generic build (so tests cover it on AVX2 machines).
bool use_avx2() {
#if LB_PACKED_HAVE_AVX2
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                                !(std::getenv("LOWBIT_PACKED_GENERIC") && std::getenv("LOWBIT_PACKED_GENERIC")[0] == '1');
  return supported;
#else
  return false;
#endif
}

template <int Bits>
void run(const PackedLinearArgs& a) {
#if LB_PACKED_HAVE_AVX2
  if (use_avx2()) return avx2::packed_linear<Bits>(a);
#endif
  generic::packed_linear<Bits>(a);
}

}  // namespace

int64_t packed_linear_group_multiple(int bits) {
  switch (bits) {
    case 2: return generic::Unit<2>::kValues;
    case 3: return generic::Unit<3>::kValues;
    case 4: return generic::Unit<4>::kValues;
    default: return 0;
  }
}

int packed_linear_cpu(const PackedLinearArgs& a) {
  switch (a.bits) {
    case 2: run<2>(a); return 0;
    case 3: run<3>(a); return 0;
    case 4: run<4>(a); return 0;
    default: return -1;
  }
}

const char* packed_linear_cpu_variant() { return use_avx2() ? "avx2" : "generic"; }

}  // namespace lb::kernels
