// lb_tensor_wrap_host (zero copy), lb_tensor_transpose and lb_tensor_sq_error against plain loops.
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

Tensor wrap(void* data, int32_t dtype, const std::vector<int64_t>& shape) {
  lb_tensor t = nullptr;
  CHECK_OK(lb_tensor_wrap_host(data, dtype, shape.data(), static_cast<int32_t>(shape.size()), &t));
  return Tensor(t);
}

Tensor transpose(lb_tensor t) {
  lb_tensor out = nullptr;
  CHECK_OK(lb_tensor_transpose(t, &out));
  return Tensor(out);
}

void test_wrap_host_sees_caller_memory() {
  std::vector<float> buffer = {1, 2, 3, 4, 5, 6};
  const Tensor t = wrap(buffer.data(), LB_DTYPE_F32, {2, 3});
  CHECK(shape_of(t.get()) == (std::vector<int64_t>{2, 3}));
  CHECK(to_vector<float>(t.get()) == buffer);
  buffer[4] = 42.0f;  // visible through the tensor: no copy was made
  CHECK_EQ(to_vector<float>(t.get())[4], 42.0f);
  int32_t type = -1, index = -1;
  CHECK_OK(lb_tensor_device(t.get(), &type, &index));
  CHECK_EQ(type, LB_DEVICE_CPU);

  // Other ops read through it; what they return is their own.
  const Tensor copy = convert(t.get(), LB_DTYPE_F32);
  buffer[0] = -1.0f;
  CHECK_EQ(to_vector<float>(copy.get())[0], 1.0f);
  CHECK_EQ(to_vector<float>(t.get())[0], -1.0f);

  std::vector<int32_t> ints = {7, 8, 9, 10};
  const Tensor i32 = wrap(ints.data(), LB_DTYPE_I32, {4});
  CHECK(to_vector<int32_t>(i32.get()) == ints);

  lb_tensor out = nullptr;
  const int64_t shape[] = {2, 3};
  const int64_t negative[] = {2, -3};
  CHECK_FAILS(lb_tensor_wrap_host(nullptr, LB_DTYPE_F32, shape, 2, &out), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_wrap_host: data is NULL (expected a host buffer of 24 bytes)");
  CHECK_FAILS(lb_tensor_wrap_host(buffer.data(), 99, shape, 2, &out), LB_ERR_INVALID_ARGUMENT, "dtype=99");
  CHECK_FAILS(lb_tensor_wrap_host(buffer.data(), LB_DTYPE_F32, negative, 2, &out), LB_ERR_INVALID_ARGUMENT,
              "shape[1]=-3 (expected >= 0)");
  CHECK_FAILS(lb_tensor_wrap_host(buffer.data(), LB_DTYPE_F32, shape, 2, nullptr), LB_ERR_INVALID_ARGUMENT, "out is NULL");
  CHECK(out == nullptr);
  const int64_t empty_shape[] = {0, 3};
  CHECK_OK(lb_tensor_wrap_host(nullptr, LB_DTYPE_F32, empty_shape, 2, &out));
  lb_tensor_free(out);
}

void test_transpose() {
  std::vector<float> values(3 * 5);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i) * 0.5f - 3.0f;
  const Tensor t = host_tensor(values, LB_DTYPE_F32, {3, 5});
  const Tensor tt = transpose(t.get());
  CHECK(shape_of(tt.get()) == (std::vector<int64_t>{5, 3}));
  const std::vector<float> got = to_vector<float>(tt.get());
  bool ok = true;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 5; ++c) ok = ok && got[static_cast<size_t>(c * 3 + r)] == values[static_cast<size_t>(r * 5 + c)];
  }
  CHECK(ok);

  // u8 keeps its dtype; a [1, n] transpose is still a new tensor, not a view of the input.
  std::vector<uint8_t> row = {1, 2, 3, 4};
  const Tensor wrapped = wrap(row.data(), LB_DTYPE_U8, {1, 4});
  const Tensor column = transpose(wrapped.get());
  CHECK(shape_of(column.get()) == (std::vector<int64_t>{4, 1}));
  row[0] = 99;
  CHECK(to_vector<uint8_t>(column.get()) == (std::vector<uint8_t>{1, 2, 3, 4}));

  lb_tensor out = nullptr;
  const Tensor flat = host_tensor(values, LB_DTYPE_F32, {15});
  CHECK_FAILS(lb_tensor_transpose(flat.get(), &out), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_transpose: t: ndim=1, shape [15] (expected a 2-D tensor)");
  CHECK_FAILS(lb_tensor_transpose(nullptr, &out), LB_ERR_INVALID_ARGUMENT, "t is NULL");
  CHECK_FAILS(lb_tensor_transpose(t.get(), nullptr), LB_ERR_INVALID_ARGUMENT, "out is NULL");
}

// Both sides sum in float64, in different orders.
bool close(double a, double b) {
  const bool ok = std::fabs(a - b) <= 1e-9 * std::fabs(b);
  if (!ok) std::fprintf(stderr, "got %.17g, expected %.17g\n", a, b);
  return ok;
}

void test_sq_error() {
  std::mt19937 rng(17);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const int64_t rows = 513, cols = 8195;  // more than one 4M-element chunk
  std::vector<float> a(static_cast<size_t>(rows * cols)), b(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = normal(rng);
    b[i] = a[i] + 0.01f * normal(rng);
  }
  double error = 0.0, norm = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    error += d * d;
    norm += static_cast<double>(a[i]) * a[i];
  }
  const Tensor ta = host_tensor(a, LB_DTYPE_F32, {rows, cols});
  const Tensor tb = host_tensor(b, LB_DTYPE_F32, {rows, cols});
  double got_error = -1.0, got_norm = -1.0;
  CHECK_OK(lb_tensor_sq_error(ta.get(), tb.get(), &got_error, &got_norm));
  CHECK(close(got_error, error));
  CHECK(close(got_norm, norm));

  // Mixed dtypes: the bf16 values are converted exactly before subtracting.
  const Tensor bf16 = convert(tb.get(), LB_DTYPE_BF16);
  const std::vector<float> rounded = to_vector<float>(convert(bf16.get(), LB_DTYPE_F32).get());
  double bf16_error = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(rounded[i]);
    bf16_error += d * d;
  }
  CHECK_OK(lb_tensor_sq_error(ta.get(), bf16.get(), &got_error, &got_norm));
  CHECK(close(got_error, bf16_error));

  const Tensor same = host_tensor(std::vector<float>{1, 2, 3}, LB_DTYPE_F32, {3});
  CHECK_OK(lb_tensor_sq_error(same.get(), same.get(), &got_error, &got_norm));
  CHECK_EQ(got_error, 0.0);
  CHECK_EQ(got_norm, 14.0);

  const Tensor other = host_tensor(std::vector<float>{1, 2, 3}, LB_DTYPE_F32, {1, 3});
  CHECK_FAILS(lb_tensor_sq_error(same.get(), other.get(), &got_error, &got_norm), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_sq_error: approx: shape [1, 3] (expected the shape of reference, [3])");
  CHECK_FAILS(lb_tensor_sq_error(same.get(), same.get(), nullptr, &got_norm), LB_ERR_INVALID_ARGUMENT,
              "sum_sq_error is NULL");
  CHECK_FAILS(lb_tensor_sq_error(nullptr, same.get(), &got_error, &got_norm), LB_ERR_INVALID_ARGUMENT,
              "reference is NULL");
}

}  // namespace

void test_linear() {
  // y = x . w^T against a plain double loop, odd sizes
  const int64_t m = 3, in = 5, out = 7;
  std::vector<float> x(m * in), w(out * in);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 11) * 0.25f - 1.0f;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>((i * 7) % 13) * 0.125f - 0.75f;
  Tensor tx = host_tensor(x, LB_DTYPE_F32, {m, in});
  Tensor tw = host_tensor(w, LB_DTYPE_F32, {out, in});
  lb_tensor y = nullptr;
  CHECK_OK(lb_linear(tx.get(), tw.get(), &y));
  Tensor ty(y);
  const std::vector<float> got = to_vector<float>(ty.get());
  CHECK_EQ(got.size(), static_cast<size_t>(m * out));
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t o = 0; o < out; ++o) {
      double want = 0;
      for (int64_t i = 0; i < in; ++i) want += static_cast<double>(x[r * in + i]) * w[o * in + i];
      CHECK(std::abs(got[r * out + o] - want) <= 1e-5 * (1 + std::abs(want)));
    }
  }
  Tensor bad = host_tensor(std::vector<float>(4 * 6), LB_DTYPE_F32, {4, 6});
  lb_tensor none = nullptr;
  CHECK_FAILS(lb_linear(tx.get(), bad.get(), &none), LB_ERR_INVALID_ARGUMENT, "in=");
}

int main() {
  test_linear();
  test_wrap_host_sees_caller_memory();
  test_transpose();
  test_sq_error();
  return check::finish("test_tensor_utils");
}
