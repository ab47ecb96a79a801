// lb_quantize_rtn on the CPU against the scalar reference: exact codes, scales, zeros and dequant.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "rtn_reference.h"

namespace {

struct Quantized {
  Tensor codes, scales, zeros, dequant;
};

lb_rtn_options options(int bits, bool symmetric, int64_t group_size) {
  lb_rtn_options o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.symmetric = symmetric ? 1 : 0;
  o.group_size = group_size;
  return o;
}

Quantized quantize(lb_tensor weight, const lb_rtn_options& o) {
  lb_tensor c = nullptr, s = nullptr, z = nullptr, d = nullptr;
  CHECK_OK(lb_quantize_rtn(weight, &o, &c, &s, &z, &d));
  return Quantized{Tensor(c), Tensor(s), Tensor(z), Tensor(d)};
}

// Random weights with rows that hit the corner cases: all zero, constant, tiny (scale clamps to
// 1e-4), huge (scale clamps to 1e4 when huge >= 1e6, codes saturate), and one outlier per row.
std::vector<float> make_weights(int64_t rows, int64_t cols, uint32_t seed, float huge = 1e6f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    const float scale = std::ldexp(1.0f, static_cast<int>(r % 7) - 3);
    for (int64_t c = 0; c < cols; ++c) {
      float v = uniform(rng) * scale;
      switch (r % 9) {
        case 5: v = 0.0f; break;
        case 6: v = 0.75f; break;
        case 7: v *= 1e-5f; break;
        case 8: v *= huge; break;
        default: break;
      }
      w[static_cast<size_t>(r * cols + c)] = v;
    }
    if (r % 9 < 5) w[static_cast<size_t>(r * cols + (r * 13) % cols)] = 5.0f * scale;
  }
  return w;
}

void expect_matches_reference(lb_tensor weight, const std::vector<float>& values, int64_t rows, int64_t cols,
                              int bits, bool symmetric, int64_t group_size, const char* label) {
  const Quantized q = quantize(weight, options(bits, symmetric, group_size));
  if (!q.codes) return;
  const RtnResult ref = reference_rtn(values, rows, cols, group_size, bits, symmetric);
  const int64_t group = (group_size <= 0 || group_size > cols) ? cols : group_size;
  const bool ok = same_bits(to_vector<uint8_t>(q.codes.get()), ref.codes) &&
                  same_bits(to_vector<float>(q.scales.get()), ref.scales) &&
                  same_bits(to_vector<float>(q.zeros.get()), ref.zeros) &&
                  same_bits(to_vector<float>(q.dequant.get()), ref.dequant);
  if (!ok) {
    check::fail(__FILE__, __LINE__,
                std::string(label) + " " + std::to_string(rows) + "x" + std::to_string(cols) + " bits=" +
                    std::to_string(bits) + " group_size=" + std::to_string(group_size) +
                    (symmetric ? " sym" : " asym") + ": differs from the reference");
  }
  CHECK(shape_of(q.codes.get()) == (std::vector<int64_t>{rows, cols}));
  CHECK(shape_of(q.dequant.get()) == (std::vector<int64_t>{rows, cols}));
  CHECK(shape_of(q.scales.get()) == (std::vector<int64_t>{rows, cols / group}));
  CHECK(shape_of(q.zeros.get()) == (std::vector<int64_t>{rows, cols / group}));
  int32_t dtype = -1;
  CHECK_OK(lb_tensor_dtype(q.codes.get(), &dtype));
  CHECK_EQ(dtype, LB_DTYPE_U8);
  CHECK_OK(lb_tensor_dtype(q.scales.get(), &dtype));
  CHECK_EQ(dtype, LB_DTYPE_F32);
}

void test_against_reference() {
  const int64_t shapes[][2] = {{7, 96}, {1, 32}, {33, 128}, {3, 256}, {5, 7}, {9, 64}};
  const int64_t group_sizes[] = {32, 64, 128, 0, -1, 100000};
  const int bit_widths[] = {2, 3, 4, 8};
  int cases = 0;
  for (const auto& shape : shapes) {
    const int64_t rows = shape[0], cols = shape[1];
    const std::vector<float> w = make_weights(rows, cols, static_cast<uint32_t>(rows * 1000 + cols));
    const Tensor weight = host_tensor(w, LB_DTYPE_F32, {rows, cols});
    for (int64_t group_size : group_sizes) {
      if (group_size > 0 && group_size <= cols && cols % group_size != 0) continue;
      for (int bits : bit_widths) {
        for (bool symmetric : {false, true}) {
          expect_matches_reference(weight.get(), w, rows, cols, bits, symmetric, group_size, "F32");
          ++cases;
        }
      }
    }
  }
  std::printf("reference comparisons (F32): %d\n", cases);
}

// F16/BF16 weights: the reference gets the exactly widened values the library computes on.
void test_half_inputs() {
  const int64_t rows = 33, cols = 128;
  const std::vector<float> w = make_weights(rows, cols, 7, /*huge=*/1e3f);  // finite in F16
  const Tensor f32 = host_tensor(w, LB_DTYPE_F32, {rows, cols});
  for (int32_t dtype : {LB_DTYPE_F16, LB_DTYPE_BF16}) {
    const Tensor narrow = convert(f32.get(), dtype);
    const Tensor widened = convert(narrow.get(), LB_DTYPE_F32);
    const std::vector<float> values = to_vector<float>(widened.get());
    const char* label = dtype == LB_DTYPE_F16 ? "F16" : "BF16";
    for (int bits : {2, 3, 4, 8}) {
      for (int64_t group_size : {32, 128, 0}) {
        for (bool symmetric : {false, true}) {
          expect_matches_reference(narrow.get(), values, rows, cols, bits, symmetric, group_size, label);
        }
      }
    }
  }
}

template <class T>
void expect_values(const std::vector<T>& got, const std::vector<T>& want, const char* what) {
  if (!same_bits(got, want)) {
    std::string text = std::string(what) + ": got";
    for (const T& v : got) text += " " + std::to_string(v);
    check::fail(__FILE__, __LINE__, text);
  }
}

// w / s lands exactly on k + 0.5: rounding must go to the even neighbour.
void test_ties() {
  // Asymmetric, bits=4: min 0, max 15 -> s = 1, z = 0.
  const std::vector<float> a = {0.0f, 15.0f, 2.5f, 3.5f, 0.5f, 1.5f, 4.5f, 5.5f};
  const Tensor ta = host_tensor(a, LB_DTYPE_F32, {1, 8});
  const Quantized qa = quantize(ta.get(), options(4, false, 8));
  expect_values(to_vector<uint8_t>(qa.codes.get()), {0, 15, 2, 4, 0, 2, 4, 6}, "asym tie codes");
  expect_values(to_vector<float>(qa.scales.get()), {1.0f}, "asym tie scale");
  expect_values(to_vector<float>(qa.zeros.get()), {0.0f}, "asym tie zero");
  expect_values(to_vector<float>(qa.dequant.get()), {0.0f, 15.0f, 2.0f, 4.0f, 0.0f, 2.0f, 4.0f, 6.0f}, "asym tie dq");

  // Tie in the zero point: min -2.5, max 12.5 -> s = 1, z = rint(2.5) = 2.
  const std::vector<float> b = {-2.5f, 12.5f, 0.5f, -1.5f, 1.5f, 12.0f, -0.5f, 3.5f};
  const Tensor tb = host_tensor(b, LB_DTYPE_F32, {1, 8});
  const Quantized qb = quantize(tb.get(), options(4, false, 0));
  expect_values(to_vector<float>(qb.zeros.get()), {2.0f}, "zero-point tie");
  expect_values(to_vector<uint8_t>(qb.codes.get()), {0, 14, 2, 0, 4, 14, 2, 6}, "zero-point tie codes");
  expect_values(to_vector<float>(qb.dequant.get()), {-2.0f, 12.0f, 0.0f, -2.0f, 2.0f, 12.0f, 0.0f, 4.0f},
                "zero-point tie dq");

  // Symmetric, bits=4: max|w| = 7 -> s = 1, z = 8.
  const std::vector<float> c = {7.0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, -7.0f};
  const Tensor tc = host_tensor(c, LB_DTYPE_F32, {1, 8});
  const Quantized qc = quantize(tc.get(), options(4, true, 8));
  expect_values(to_vector<uint8_t>(qc.codes.get()), {15, 8, 10, 10, 8, 6, 6, 1}, "sym tie codes");
  expect_values(to_vector<float>(qc.dequant.get()), {7.0f, 0.0f, 2.0f, 2.0f, 0.0f, -2.0f, -2.0f, -7.0f}, "sym tie dq");
  expect_values(to_vector<float>(qc.zeros.get()), {8.0f}, "sym zero");

  // All-zero symmetric group: s = 1.
  const std::vector<float> zero(32, 0.0f);
  const Tensor tz = host_tensor(zero, LB_DTYPE_F32, {1, 32});
  const Quantized qz = quantize(tz.get(), options(3, true, 32));
  expect_values(to_vector<float>(qz.scales.get()), {1.0f}, "all-zero sym scale");
}

// Not covered by the contract; must simply not misbehave: NaN is ignored by min/max and gets code 0.
void test_non_finite() {
  const std::vector<float> w = {NAN, 1.0f, -1.0f, 0.5f, INFINITY, 2.0f, -INFINITY, 0.0f};
  const Tensor t = host_tensor(w, LB_DTYPE_F32, {2, 4});
  for (bool symmetric : {false, true}) {
    const Quantized q = quantize(t.get(), options(4, symmetric, 0));
    const std::vector<uint8_t> codes = to_vector<uint8_t>(q.codes.get());
    for (uint8_t c : codes) CHECK(c <= 15);
    CHECK_EQ(static_cast<int>(codes[0]), 0);
    CHECK(std::isfinite(to_vector<float>(q.scales.get())[0]));
  }
}

void test_empty_rows() {
  const std::vector<float> none;
  const Tensor w = host_tensor(none, LB_DTYPE_F32, {0, 64});
  const Quantized q = quantize(w.get(), options(4, false, 32));
  CHECK(shape_of(q.codes.get()) == (std::vector<int64_t>{0, 64}));
  CHECK(shape_of(q.scales.get()) == (std::vector<int64_t>{0, 2}));
}

void test_errors(const lb_runtime_info& info) {
  const std::vector<float> w(4 * 128, 0.25f);
  const Tensor weight = host_tensor(w, LB_DTYPE_F32, {4, 128});
  lb_tensor c = nullptr, s = nullptr, z = nullptr, d = nullptr;
  lb_rtn_options o = options(4, false, 128);

  CHECK_FAILS(lb_quantize_rtn(nullptr, &o, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "lb_quantize_rtn: weight is NULL");
  CHECK_FAILS(lb_quantize_rtn(weight.get(), nullptr, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT, "options is NULL");
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &o, &c, &s, nullptr, &d), LB_ERR_INVALID_ARGUMENT, "zeros is NULL");
  lb_rtn_options small = o;
  small.struct_size = 4;
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &small, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "options->struct_size=4 is too small");

  lb_rtn_options bad = options(5, false, 48);
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &bad, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "lb_quantize_rtn: group_size=48 does not divide in=128 (expected a divisor of 128, or <= 0 for "
              "per-channel)");
  bad = options(1, false, 32);
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &bad, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "lb_quantize_rtn: bits=1 out of range (expected 2..8)");
  bad = options(9, false, 32);
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &bad, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "bits=9 out of range (expected 2..8)");
  bad = options(4, false, 32);
  bad.symmetric = 2;
  CHECK_FAILS(lb_quantize_rtn(weight.get(), &bad, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "symmetric=2 (expected 0 or 1)");

  const Tensor flat = host_tensor(w, LB_DTYPE_F32, {512});
  CHECK_FAILS(lb_quantize_rtn(flat.get(), &o, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "weight: ndim=1 (expected 2, [out, in])");
  const Tensor cube = host_tensor(w, LB_DTYPE_F32, {4, 8, 16});
  CHECK_FAILS(lb_quantize_rtn(cube.get(), &o, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT, "weight: ndim=3");
  const std::vector<int32_t> ints(8, 1);
  const Tensor int_weight = host_tensor(ints, LB_DTYPE_I32, {2, 4});
  CHECK_FAILS(lb_quantize_rtn(int_weight.get(), &o, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT,
              "weight: dtype=I32 (expected F32, F16 or BF16)");
  const std::vector<float> none;
  const Tensor no_columns = host_tensor(none, LB_DTYPE_F32, {3, 0});
  CHECK_FAILS(lb_quantize_rtn(no_columns.get(), &o, &c, &s, &z, &d), LB_ERR_INVALID_ARGUMENT, "weight: in=0");
  CHECK(c == nullptr && s == nullptr && z == nullptr && d == nullptr);

  // A weight can only be on CUDA if CUDA works; on a CPU build asking for one fails cleanly.
  if (!info.cuda_built) {
    lb_tensor gpu = nullptr;
    CHECK_FAILS(lb_tensor_to(weight.get(), LB_DTYPE_F32, LB_DEVICE_CUDA, 0, &gpu), LB_ERR_UNSUPPORTED,
                "built without CUDA");
    CHECK(gpu == nullptr);
  }
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  test_against_reference();
  test_half_inputs();
  test_ties();
  test_non_finite();
  test_empty_rows();
  test_errors(info);
  return check::finish("test_rtn");
}
