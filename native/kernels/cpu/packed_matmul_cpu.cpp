// Packed matmul: the generic build of the kernels and the one dispatch site (bit width x ISA variant).
#define LB_PACKED_VARIANT generic
#include "kernels/cpu/packed_matmul_cpu_impl.h"

#include <cstdlib>
#include <vector>

namespace lb::kernels {

#if LB_PACKED_HAVE_AVX2
namespace avx2 {
template <int Bits>
void packed_linear(const PackedLinearArgs& a);
extern template void packed_linear<2>(const PackedLinearArgs&);
extern template void packed_linear<3>(const PackedLinearArgs&);
extern template void packed_linear<4>(const PackedLinearArgs&);
namespace int8_gemv {
bool applies(const PackedLinearArgs& a);
template <int Bits>
int packed_gemv_int8(const PackedLinearArgs& a);
extern template int packed_gemv_int8<2>(const PackedLinearArgs&);
extern template int packed_gemv_int8<3>(const PackedLinearArgs&);
extern template int packed_gemv_int8<4>(const PackedLinearArgs&);
}  // namespace int8_gemv
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

// LOWBIT_PACKED_GEMV_INT8=0 keeps m = 1 on the float kernel (an A/B switch; results differ in the last bits).
bool int8_enabled() {
  static const bool enabled = !(std::getenv("LOWBIT_PACKED_GEMV_INT8") && std::getenv("LOWBIT_PACKED_GEMV_INT8")[0] == '0');
  return enabled;
}

// The float kernels read f32 scales: 16-bit ones are widened into a buffer of the calling thread first.
PackedLinearArgs with_f32_scales(const PackedLinearArgs& a) {
  if (a.scales_dtype == kTypeF32) return a;
  thread_local std::vector<float> buffer;
  const int64_t groups = a.group_size <= 0 ? 1 : (a.in + a.group_size - 1) / a.group_size;
  const size_t n = static_cast<size_t>(groups * a.out);
  if (buffer.size() < n) buffer.resize(n);
  const uint16_t* s = static_cast<const uint16_t*>(a.scales);
  for (size_t i = 0; i < n; ++i) {
    buffer[i] = a.scales_dtype == kTypeBF16 ? to_f32(BF16{s[i]}) : to_f32(F16{s[i]});
  }
  PackedLinearArgs f = a;
  f.scales = buffer.data();
  f.scales_dtype = kTypeF32;
  return f;
}

template <int Bits>
int run(const PackedLinearArgs& a, PackedCpuKernel kernel) {
#if LB_PACKED_HAVE_AVX2
  if (use_avx2()) {
    if (kernel == PackedCpuKernel::kInt8 || (kernel == PackedCpuKernel::kAuto && int8_enabled())) {
      const int rc = avx2::int8_gemv::packed_gemv_int8<Bits>(a);
      if (rc == 0 || kernel == PackedCpuKernel::kInt8) return rc;  // kAuto: a declined call takes the float kernel
    }
    avx2::packed_linear<Bits>(with_f32_scales(a));
    return 0;
  }
#endif
  if (kernel == PackedCpuKernel::kInt8) return -2;
  generic::packed_linear<Bits>(with_f32_scales(a));
  return 0;
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

int packed_linear_cpu_with(const PackedLinearArgs& a, PackedCpuKernel kernel) {
  if (a.scales_dtype != kTypeF32 && a.scales_dtype != kTypeF16 && a.scales_dtype != kTypeBF16) {
    return -1;
  }
  switch (a.bits) {
    case 2: return run<2>(a, kernel);
    case 3: return run<3>(a, kernel);
    case 4: return run<4>(a, kernel);
    default: return -1;
  }
}

int packed_linear_cpu(const PackedLinearArgs& a) { return packed_linear_cpu_with(a, PackedCpuKernel::kAuto); }

bool packed_linear_cpu_reads_scales16(const PackedLinearArgs& a) {
#if LB_PACKED_HAVE_AVX2
  return use_avx2() && int8_enabled() && (a.bits == 2 || a.bits == 3 || a.bits == 4) && avx2::int8_gemv::applies(a);
#else
  (void)a;
  return false;
#endif
}

const char* packed_linear_cpu_variant() { return use_avx2() ? "avx2" : "generic"; }

}  // namespace lb::kernels
