// The CPU GEMV on integer dots (kernels/cpu/packed_gemv_int8_avx2.h, PackedCpuKernel::kInt8) against dequantize +
// matmul in double, from codes packed bit by bit (pack_reference.h): every bit width, groups of 32, 64 and 128, a short
// last group, per channel, f32 / f16 / bf16 scales, in from one k-block to 2048, out from one 8-column vector to several column blocks, 1 to 3
// threads; against the float kernel; x all zero, with 1000x outliers, with a NaN or an infinity (not taken: y
// untouched; kAuto then gives the float kernel's NaN); the calls it does not take. Torch-free: links the kernel objects.
// Skips (passes) where the CPU has no AVX2.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "kernels/cpu/packed_matmul_cpu.h"
#include "pack_reference.h"

namespace {

using lb::kernels::PackedCpuKernel;
using lb::kernels::PackedLinearArgs;

struct Problem {
  int bits;
  int64_t in, out, group;  // group: rows per group (the kernels' group_size)
  int zero_offset;
  std::vector<uint8_t> codes;  // [in, out]
  std::vector<uint8_t> zeros;  // [groups, out], stored (before zero_offset)
  std::vector<int32_t> qweight, qzeros;
  std::vector<float> scales;  // [groups, out], k / 4096 with k < 256: exact in f16 and in bf16
  std::vector<uint16_t> scales_f16, scales_bf16;
  int64_t groups() const { return (in + group - 1) / group; }
};

uint32_t float_bits(float v) {
  uint32_t u;
  std::memcpy(&u, &v, sizeof(u));
  return u;
}

// f16 / bf16 bits of a positive normal value that both represent exactly.
uint16_t exact_f16(float v) {
  const uint32_t u = float_bits(v);
  return static_cast<uint16_t>((((u >> 23) & 0xFFu) - 112u) << 10 | ((u >> 13) & 0x3FFu));
}
uint16_t exact_bf16(float v) { return static_cast<uint16_t>(float_bits(v) >> 16); }

Problem make_problem(int bits, int64_t in, int64_t out, int64_t group, int zero_offset, uint32_t seed) {
  Problem p{bits, in, out, group, zero_offset, {}, {}, {}, {}, {}, {}, {}};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> code(0, (1 << bits) - 1);
  std::uniform_int_distribution<int> scale_k(20, 200);
  p.codes.resize(static_cast<size_t>(in * out));
  for (auto& c : p.codes) c = static_cast<uint8_t>(code(rng));
  p.zeros.resize(static_cast<size_t>(p.groups() * out));
  for (auto& z : p.zeros) z = static_cast<uint8_t>(code(rng));
  p.scales.resize(static_cast<size_t>(p.groups() * out));
  for (auto& s : p.scales) s = static_cast<float>(scale_k(rng)) / 4096.0f;
  for (float s : p.scales) {
    p.scales_f16.push_back(exact_f16(s));
    p.scales_bf16.push_back(exact_bf16(s));
  }
  p.qweight = reference_pack(p.codes, in, out, bits, 0);
  p.qzeros = reference_pack(p.zeros, p.groups(), out, bits, 1);
  return p;
}

PackedLinearArgs args_for(const Problem& p, const std::vector<float>& x, std::vector<float>& y, int threads,
                          int scales_dtype = lb::kernels::kTypeF32) {
  PackedLinearArgs a{};
  a.x = x.data();
  a.m = 1;
  a.in = p.in;
  a.out = p.out;
  a.qweight = p.qweight.data();
  a.qzeros = p.qzeros.data();
  a.zero_offset = p.zero_offset;
  a.scales = scales_dtype == lb::kernels::kTypeF16    ? static_cast<const void*>(p.scales_f16.data())
             : scales_dtype == lb::kernels::kTypeBF16 ? static_cast<const void*>(p.scales_bf16.data())
                                                               : static_cast<const void*>(p.scales.data());
  a.scales_dtype = scales_dtype;
  a.group_size = p.group;
  a.bits = p.bits;
  a.y = y.data();
  a.num_threads = threads;
  return a;
}

// y = x . dequant(W) in double; per column also mag = sum_i |x_i w_io| (the scale of its f32 rounding) and
// xerr = sum_i |w_io| e_i, e_i = absmax of i's k-block / (2 * 127 * 254): the most the two int8 levels of x move it.
void reference(const Problem& p, const std::vector<float>& x, std::vector<double>& y, std::vector<double>& mag,
               std::vector<double>& xerr) {
  y.assign(static_cast<size_t>(p.out), 0.0);
  mag.assign(static_cast<size_t>(p.out), 0.0);
  xerr.assign(static_cast<size_t>(p.out), 0.0);
  const int mask = (1 << p.bits) - 1;
  for (int64_t i = 0; i < p.in; ++i) {
    const int64_t g = i / p.group;
    double absmax = 0.0;
    for (int64_t j = i / 32 * 32; j < i / 32 * 32 + 32 && j < p.in; ++j) absmax = std::fmax(absmax, std::fabs(x[static_cast<size_t>(j)]));
    const double e = absmax / (2.0 * 127.0 * 254.0);
    for (int64_t o = 0; o < p.out; ++o) {
      const int z = (p.zeros[static_cast<size_t>(g * p.out + o)] + p.zero_offset) & mask;
      const double w = static_cast<double>(p.scales[static_cast<size_t>(g * p.out + o)]) *
                       (static_cast<int>(p.codes[static_cast<size_t>(i * p.out + o)]) - z);
      y[static_cast<size_t>(o)] += w * x[static_cast<size_t>(i)];
      mag[static_cast<size_t>(o)] += std::fabs(w * x[static_cast<size_t>(i)]);
      xerr[static_cast<size_t>(o)] += std::fabs(w) * e;
    }
  }
}

int cases = 0;

std::string describe(const Problem& p, int threads) {
  return "bits=" + std::to_string(p.bits) + " in=" + std::to_string(p.in) + " out=" + std::to_string(p.out) +
         " group=" + std::to_string(p.group) + " zero_offset=" + std::to_string(p.zero_offset) +
         " threads=" + std::to_string(threads);
}

// Every column within what x's two int8 levels allow (xerr) plus 1e-5 of sum |x w| (f32 sums), and, for x of one
// scale (normal: true), within 1e-4 of sum |x w|; the float kernel within 1e-5 of sum |x w|.
void check_case(const Problem& p, const std::vector<float>& x, int threads, const std::string& what,
                bool normal = true, int scales_dtype = lb::kernels::kTypeF32) {
  std::vector<double> ref, mag, xerr;
  reference(p, x, ref, mag, xerr);
  std::vector<float> y(static_cast<size_t>(p.out), -7.0f), yf(static_cast<size_t>(p.out), -7.0f);
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(p, x, y, threads, scales_dtype), PackedCpuKernel::kInt8), 0);
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(p, x, yf, threads, scales_dtype), PackedCpuKernel::kFloat), 0);
  double worst = 0.0, worst_contract = 0.0, worst_float = 0.0;
  for (int64_t o = 0; o < p.out; ++o) {
    const size_t c = static_cast<size_t>(o);
    const double m = 1e-30 + mag[c];
    const double err = std::fabs(y[c] - ref[c]);
    worst = std::fmax(worst, err / m);
    worst_contract = std::fmax(worst_contract, err / (xerr[c] + 1e-5 * m + 1e-30));
    worst_float = std::fmax(worst_float, std::fabs(yf[c] - ref[c]) / m);
  }
  ++cases;
  if (!(worst_contract <= 1.0) || (normal && !(worst < 1e-4)) || !(worst_float < 1e-5)) {
    check::fail(__FILE__, __LINE__,
                describe(p, threads) + " scales dtype " + std::to_string(scales_dtype) + " " + what + ": int8 error " + std::to_string(worst) + " of sum |x w|, " +
                    std::to_string(worst_contract) + " of its bound; float error " + std::to_string(worst_float));
  }
}

std::vector<float> normal_x(int64_t in, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(in));
  for (auto& v : x) v = normal(rng);
  return x;
}

void test_shapes() {
  struct Shape {
    int64_t in, out;
  };
  const std::vector<Shape> shapes = {{32, 32}, {96, 160}, {256, 96}, {320, 1056}, {2048, 64}, {512, 2112}};
  for (int bits : {2, 3, 4}) {
    for (const Shape& s : shapes) {
      for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, s.in}) {
        for (int zero_offset : {0, 1}) {
          const uint32_t seed = static_cast<uint32_t>(bits * 7919 + s.in * 31 + s.out * 7 + group + zero_offset);
          const Problem p = make_problem(bits, s.in, s.out, group, zero_offset, seed);
          for (int threads : {1, 2, 3}) check_case(p, normal_x(s.in, seed + 1), threads, "normal x");
          // 16-bit scales: the int8 kernel widens them as it reads, the float kernel takes an f32 copy
          for (int dtype : {lb::kernels::kTypeF16, lb::kernels::kTypeBF16}) {
            check_case(p, normal_x(s.in, seed + 2), 2, "16-bit scales", true, dtype);
          }
        }
      }
    }
  }
  // int4 and int2 at a width that is not a multiple of 32 columns (8 and 16: whole zero-point words)
  check_case(make_problem(4, 128, 40, 64, 0, 5), normal_x(128, 6), 2, "out=40");
  check_case(make_problem(2, 128, 48, 32, 1, 7), normal_x(128, 8), 3, "out=48");
}

void test_special_x() {
  for (int bits : {2, 3, 4}) {
    const Problem p = make_problem(bits, 256, 96, 64, 0, 100 + bits);
    // outliers: one value 1000x the rest in some k-blocks, a k-block of tiny values, one all zero
    std::vector<float> x = normal_x(256, 200 + bits);
    x[5] = 1000.0f;
    x[70] = -2500.0f;
    for (int i = 128; i < 160; ++i) x[i] *= 1e-30f;
    for (int i = 192; i < 224; ++i) x[i] = 0.0f;
    check_case(p, x, 2, "outliers", /*normal=*/false);
    // x all zero: y exactly zero
    const std::vector<float> zero(256, 0.0f);
    std::vector<float> y(96, -1.0f);
    CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(p, zero, y, 2), PackedCpuKernel::kInt8), 0);
    for (float v : y) CHECK(v == 0.0f);
    ++cases;
    // a NaN or an infinity: the int8 kernel declines (y untouched), kAuto gives NaN through the float kernel
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      std::vector<float> xb = normal_x(256, 300 + bits);
      xb[77] = bad;
      std::vector<float> yb(96, -1.0f);
      CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(p, xb, yb, 2), PackedCpuKernel::kInt8), -2);
      for (float v : yb) CHECK(v == -1.0f);
      CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(p, xb, yb, 2), PackedCpuKernel::kAuto), 0);
      int non_finite = 0;
      for (float v : yb) non_finite += std::isfinite(v) ? 0 : 1;
      CHECK(non_finite > 0);
      ++cases;
    }
  }
}

void test_declined() {
  const Problem p = make_problem(4, 256, 96, 64, 0, 9);
  const std::vector<float> x = normal_x(512, 10);
  std::vector<float> y(192, -1.0f);
  PackedLinearArgs a = args_for(p, x, y, 2);
  a.m = 2;  // one row only
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(a, PackedCpuKernel::kInt8), -2);
  a = args_for(p, x, y, 2);
  a.group_size = 48;  // not whole k-blocks
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(a, PackedCpuKernel::kInt8), -2);
  const Problem q = make_problem(4, 48, 32, 48, 0, 11);  // in not whole k-blocks
  std::vector<float> yq(32, -1.0f);
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(args_for(q, x, yq, 2), PackedCpuKernel::kInt8), -2);
  for (float v : y) CHECK(v == -1.0f);
  for (float v : yq) CHECK(v == -1.0f);
  a = args_for(p, x, y, 2);
  a.bits = 5;
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(a, PackedCpuKernel::kInt8), -1);
  a = args_for(p, x, y, 2);
  a.scales_dtype = 7;  // no such scales dtype: no kernel takes it
  CHECK_EQ(lb::kernels::packed_linear_cpu_with(a, PackedCpuKernel::kAuto), -1);
  for (float v : y) CHECK(v == -1.0f);
  cases += 5;
}

}  // namespace

int main() {
  if (std::string(lb::kernels::packed_linear_cpu_variant()) != "avx2") {
    std::printf("test_packed_gemv_cpu_int8: skipped (no AVX2 on this CPU, or LOWBIT_PACKED_GENERIC=1)\n");
    return 0;
  }
  test_shapes();
  test_special_x();
  test_declined();
  std::printf("test_packed_gemv_cpu_int8: %d cases\n", cases);
  return check::finish("test_packed_gemv_cpu_int8");
}
