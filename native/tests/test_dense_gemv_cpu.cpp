// The dense GEMV (kernels/cpu/dense_gemv_cpu.h) against a double reference: f32, f16 and bf16 weights (random finite
// bit patterns, f16 subnormals included), out from 1 to 1031 (passes of 4 rows and a short last one), in from 1 to 4099
// (8-column vectors and tails), 1 to 33 x rows (the one-row stream, pairs of rows and an odd last one), 1 to 3 threads;
// a NaN in one x row reaches every output of that row and no other; an unknown dtype or no rows is refused. Run twice by
// ctest: the AVX2 build where the CPU has it, and the plain one (LOWBIT_PACKED_GENERIC=1).
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "kernels/cpu/dense_gemv_cpu.h"

namespace {

using lb::kernels::DenseGemvArgs;

int cases = 0;

struct Weights {
  std::vector<float> f32;      // the values
  std::vector<uint16_t> bits;  // their f16 / bf16 patterns (dtype != f32)
};

Weights make_weights(int dtype, int64_t n, std::mt19937& rng) {
  Weights w;
  std::uniform_int_distribution<int> pattern(0, 0xFFFF);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  for (int64_t i = 0; i < n; ++i) {
    if (dtype == lb::kernels::kTypeF32) {
      w.f32.push_back(normal(rng));
      continue;
    }
    uint16_t b;
    float v;
    do {  // finite values of modest size (f16: any exponent; bf16: |v| < 2^8)
      b = static_cast<uint16_t>(pattern(rng));
      v = dtype == lb::kernels::kTypeF16 ? lb::kernels::to_f32(lb::kernels::F16{b}) : lb::kernels::to_f32(lb::kernels::BF16{b});
    } while (!std::isfinite(v) || std::fabs(v) > 256.0f);
    w.bits.push_back(b);
    w.f32.push_back(v);
  }
  return w;
}

void check_shape(int dtype, int64_t rows, int64_t out, int64_t in, int threads, uint32_t seed) {
  std::mt19937 rng(seed);
  const Weights w = make_weights(dtype, out * in, rng);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(rows * in));
  for (auto& v : x) v = normal(rng);
  std::vector<float> y(static_cast<size_t>(rows * out), -7.0f);
  DenseGemvArgs a{x.data(), rows, in, out,
                  dtype == lb::kernels::kTypeF32 ? static_cast<const void*>(w.f32.data())
                                                  : static_cast<const void*>(w.bits.data()),
                  dtype, y.data(), threads};
  CHECK_EQ(lb::kernels::dense_gemv_cpu(a), 0);
  double worst = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t o = 0; o < out; ++o) {
      double ref = 0.0, mag = 0.0;
      for (int64_t i = 0; i < in; ++i) {
        const double p =
            static_cast<double>(w.f32[static_cast<size_t>(o * in + i)]) * x[static_cast<size_t>(r * in + i)];
        ref += p;
        mag += std::fabs(p);
      }
      worst = std::fmax(worst, std::fabs(y[static_cast<size_t>(r * out + o)] - ref) / (mag + 1e-30));
    }
  }
  ++cases;
  if (!(worst < 1e-5)) {  // f32 sums of `in` products: ~in * 2^-24 at worst, far less in practice
    check::fail(__FILE__, __LINE__,
                "dtype=" + std::to_string(dtype) + " rows=" + std::to_string(rows) + " out=" + std::to_string(out) +
                    " in=" + std::to_string(in) +
                    " threads=" + std::to_string(threads) + ": error " + std::to_string(worst) + " of sum |w x|");
  }
}

void test_shapes() {
  for (int dtype : {lb::kernels::kTypeF32, lb::kernels::kTypeF16, lb::kernels::kTypeBF16}) {
    for (int64_t rows : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{7}}) {
      for (int64_t out : {int64_t{1}, int64_t{3}, int64_t{4}, int64_t{5}, int64_t{37}}) {
        for (int64_t in : {int64_t{1}, int64_t{7}, int64_t{8}, int64_t{9}, int64_t{64}, int64_t{1000}}) {
          check_shape(dtype, rows, out, in, 1, static_cast<uint32_t>(dtype * 1000 + rows * 7919 + out * 31 + in));
        }
      }
    }
    for (int threads : {1, 2, 3}) {
      for (int64_t rows : {int64_t{1}, int64_t{16}, int64_t{33}}) {
        check_shape(dtype, rows, 1031, 257, threads, static_cast<uint32_t>(dtype + 7 * threads + 13 * rows));
        check_shape(dtype, rows, 66, 4099, threads, static_cast<uint32_t>(dtype + 11 * threads + 17 * rows));
      }
    }
  }
}

void test_special() {
  // a NaN in x: every output of its row NaN, one row alone and as the second of three
  const int64_t out = 9, in = 40;
  std::vector<float> w(static_cast<size_t>(out * in), 0.5f), x(static_cast<size_t>(3 * in), 1.0f), y(3 * out, 0.0f);
  x[17] = std::numeric_limits<float>::quiet_NaN();
  DenseGemvArgs a{x.data(), 1, in, out, w.data(), lb::kernels::kTypeF32, y.data(), 2};
  CHECK_EQ(lb::kernels::dense_gemv_cpu(a), 0);
  for (int64_t o = 0; o < out; ++o) CHECK(std::isnan(y[static_cast<size_t>(o)]));
  x[17] = 1.0f;
  x[in + 17] = std::numeric_limits<float>::quiet_NaN();
  a.rows = 3;
  CHECK_EQ(lb::kernels::dense_gemv_cpu(a), 0);
  for (int64_t r = 0; r < 3; ++r) {
    for (int64_t o = 0; o < out; ++o) {
      const float v = y[static_cast<size_t>(r * out + o)];
      CHECK(r == 1 ? std::isnan(v) : v == 0.5f * in);
    }
  }
  // an unknown dtype, or no rows: refused, y untouched
  std::fill(y.begin(), y.end(), -1.0f);
  a.w_dtype = 9;
  CHECK_EQ(lb::kernels::dense_gemv_cpu(a), -1);
  a.w_dtype = lb::kernels::kTypeF32;
  a.rows = 0;
  CHECK_EQ(lb::kernels::dense_gemv_cpu(a), -1);
  for (float v : y) CHECK(v == -1.0f);
  cases += 4;
}

}  // namespace

int main() {
  test_shapes();
  test_special();
  std::printf("test_dense_gemv_cpu: %d cases\n", cases);
  return check::finish("test_dense_gemv_cpu");
}
