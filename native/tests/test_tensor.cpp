// lb_tensor_*: round trips for every dtype, metadata, conversions and argument errors.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

static const int32_t kAllDtypes[] = {LB_DTYPE_F32, LB_DTYPE_F16, LB_DTYPE_BF16, LB_DTYPE_I8,
                                     LB_DTYPE_U8,  LB_DTYPE_I16, LB_DTYPE_I32,  LB_DTYPE_I64};

static int64_t element_size(int32_t dtype) {
  switch (dtype) {
    case LB_DTYPE_F32: case LB_DTYPE_I32: return 4;
    case LB_DTYPE_F16: case LB_DTYPE_BF16: case LB_DTYPE_I16: return 2;
    case LB_DTYPE_I8: case LB_DTYPE_U8: return 1;
    default: return 8;
  }
}

// Any bytes are a valid value of every dtype here (NaN payloads included): copies are bitwise.
static std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> bytes(n);
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(i * 37 + 11);
  return bytes;
}

static void round_trip(int32_t dtype, int32_t device_type) {
  const std::vector<int64_t> shape = {2, 3, 5};
  const int64_t nbytes = 30 * element_size(dtype);
  const std::vector<uint8_t> bytes = pattern(static_cast<size_t>(nbytes));
  lb_tensor raw = nullptr;
  CHECK_OK(lb_tensor_from_host(bytes.data(), dtype, shape.data(), 3, device_type, 0, &raw));
  Tensor t(raw);

  int32_t got_dtype = -1, type = -1, index = -1;
  int64_t got_nbytes = -1;
  CHECK_OK(lb_tensor_dtype(t.get(), &got_dtype));
  CHECK_EQ(got_dtype, dtype);
  CHECK(shape_of(t.get()) == shape);
  CHECK_OK(lb_tensor_device(t.get(), &type, &index));
  CHECK_EQ(type, device_type);
  CHECK_EQ(index, 0);
  CHECK_OK(lb_tensor_nbytes(t.get(), &got_nbytes));
  CHECK_EQ(got_nbytes, nbytes);

  std::vector<uint8_t> back(static_cast<size_t>(nbytes) + 8, 0xAB);
  CHECK_OK(lb_tensor_to_host(t.get(), back.data(), static_cast<int64_t>(back.size())));
  CHECK(std::memcmp(back.data(), bytes.data(), static_cast<size_t>(nbytes)) == 0);
  CHECK_EQ(back[static_cast<size_t>(nbytes)], 0xAB);  // nothing written past nbytes
  CHECK_FAILS(lb_tensor_to_host(t.get(), back.data(), nbytes - 1), LB_ERR_INVALID_ARGUMENT,
              ("lb_tensor_to_host: capacity_bytes=" + std::to_string(nbytes - 1) + " is too small (expected >= " +
               std::to_string(nbytes))
                  .c_str());

  // The copy is the tensor's own: changing the source buffer later changes nothing.
  std::vector<uint8_t> source = bytes;
  lb_tensor raw2 = nullptr;
  CHECK_OK(lb_tensor_from_host(source.data(), dtype, shape.data(), 3, device_type, 0, &raw2));
  Tensor t2(raw2);
  std::memset(source.data(), 0, source.size());
  CHECK(to_vector<uint8_t>(t2.get()) == bytes);
}

static void test_round_trips(const lb_runtime_info& info) {
  for (int32_t dtype : kAllDtypes) round_trip(dtype, LB_DEVICE_CPU);
  if (info.cuda_available) {
    for (int32_t dtype : kAllDtypes) round_trip(dtype, LB_DEVICE_CUDA);
  }
}

static void test_scalar_and_empty() {
  const float value = 3.25f;
  lb_tensor raw = nullptr;
  CHECK_OK(lb_tensor_from_host(&value, LB_DTYPE_F32, nullptr, 0, LB_DEVICE_CPU, 0, &raw));
  Tensor scalar(raw);
  int32_t ndim = -1;
  CHECK_OK(lb_tensor_ndim(scalar.get(), &ndim));
  CHECK_EQ(ndim, 0);
  CHECK_OK(lb_tensor_shape(scalar.get(), nullptr, 0));
  CHECK(to_vector<float>(scalar.get()) == std::vector<float>{3.25f});

  const int64_t shape[] = {0, 4};
  CHECK_OK(lb_tensor_from_host(nullptr, LB_DTYPE_I32, shape, 2, LB_DEVICE_CPU, -1, &raw));
  Tensor empty(raw);
  int64_t nbytes = -1;
  CHECK_OK(lb_tensor_nbytes(empty.get(), &nbytes));
  CHECK_EQ(nbytes, 0);
  CHECK_OK(lb_tensor_to_host(empty.get(), nullptr, 0));
  CHECK(shape_of(empty.get()) == (std::vector<int64_t>{0, 4}));
}

static void test_shape_capacity() {
  const std::vector<float> data(24, 1.0f);
  Tensor t = host_tensor(data, LB_DTYPE_F32, {2, 3, 4});
  int64_t shape[3] = {-7, -7, -7};
  CHECK_OK(lb_tensor_shape(t.get(), shape, 2));
  CHECK_EQ(shape[0], 2);
  CHECK_EQ(shape[1], 3);
  CHECK_EQ(shape[2], -7);
  CHECK_FAILS(lb_tensor_shape(t.get(), shape, -1), LB_ERR_INVALID_ARGUMENT, "capacity=-1 (expected >= 0)");
  CHECK_FAILS(lb_tensor_shape(t.get(), nullptr, 3), LB_ERR_INVALID_ARGUMENT, "shape is NULL");
}

static float half_bits_to_float(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1u, exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
  float magnitude;
  if (exponent == 0) magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31) magnitude = mantissa ? NAN : INFINITY;
  else magnitude = std::ldexp(static_cast<float>(mantissa | 0x400u), static_cast<int>(exponent) - 25);
  return sign ? -magnitude : magnitude;
}

static void test_conversions() {
  const std::vector<float> values = {1.0f, -2.5f, 0.375f, 100.0f};
  Tensor f32 = host_tensor(values, LB_DTYPE_F32, {4});

  Tensor i32 = convert(f32.get(), LB_DTYPE_I32);
  CHECK(to_vector<int32_t>(i32.get()) == (std::vector<int32_t>{1, -2, 0, 100}));

  Tensor f16 = convert(f32.get(), LB_DTYPE_F16);
  const std::vector<uint16_t> half = to_vector<uint16_t>(f16.get());
  CHECK_EQ(half[0], 0x3C00);  // 1.0 in IEEE binary16
  for (size_t i = 0; i < values.size(); ++i) CHECK_EQ(half_bits_to_float(half[i]), values[i]);

  Tensor bf16 = convert(f32.get(), LB_DTYPE_BF16);
  const std::vector<uint16_t> brain = to_vector<uint16_t>(bf16.get());
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &values[i], 4);
    CHECK_EQ(brain[i], static_cast<uint16_t>(bits >> 16));  // exactly representable values
  }
  Tensor back = convert(bf16.get(), LB_DTYPE_F32);
  CHECK(to_vector<float>(back.get()) == values);

  // Same dtype and device still gives a new, independent tensor.
  Tensor copy = convert(f32.get(), LB_DTYPE_F32);
  CHECK(copy.get() != f32.get());
  CHECK(to_vector<float>(copy.get()) == values);
}

static void test_errors(const lb_runtime_info& info) {
  const std::vector<float> data(6, 0.5f);
  const int64_t shape[] = {2, 3};
  const int64_t bad_shape[] = {2, -3};
  lb_tensor out = nullptr;
  int32_t i32 = 0;
  int64_t i64 = 0;

  CHECK_FAILS(lb_tensor_from_host(data.data(), 99, shape, 2, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_from_host: dtype=99 is not a dtype code (expected 0..7");
  CHECK_FAILS(lb_tensor_from_host(data.data(), -1, shape, 2, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "dtype=-1");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, -1, LB_DEVICE_CPU, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "ndim=-1 (expected >= 0)");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, bad_shape, 2, LB_DEVICE_CPU, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "shape[1]=-3 (expected >= 0)");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, nullptr, 2, LB_DEVICE_CPU, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "shape is NULL");
  CHECK_FAILS(lb_tensor_from_host(nullptr, LB_DTYPE_F32, shape, 2, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "data is NULL (expected a host buffer of 24 bytes)");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CPU, 0, nullptr),
              LB_ERR_INVALID_ARGUMENT, "out is NULL");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, 7, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "device_type=7 is not a device code (expected LB_DEVICE_CPU=0 or LB_DEVICE_CUDA=1)");
  CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CPU, 3, &out),
              LB_ERR_INVALID_ARGUMENT, "device_index=3 for LB_DEVICE_CPU (expected 0 or -1)");
  CHECK(out == nullptr);

  // CUDA requests: a clear status on every kind of build, never a crash.
  if (!info.cuda_built) {
    CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CUDA, 0, &out), LB_ERR_UNSUPPORTED,
                "lb_tensor_from_host: device_type=1 (LB_DEVICE_CUDA) requested, but liblowbit was built without CUDA");
  } else if (!info.cuda_available) {
    CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CUDA, 0, &out), LB_ERR_CUDA,
                "no CUDA device is available");
  } else {
    CHECK_FAILS(lb_tensor_from_host(data.data(), LB_DTYPE_F32, shape, 2, LB_DEVICE_CUDA, info.cuda_device_count, &out),
                LB_ERR_INVALID_ARGUMENT, "out of range");
  }
  CHECK(out == nullptr);

  Tensor t = host_tensor(data, LB_DTYPE_F32, {2, 3});
  const int expected_cuda = !info.cuda_built ? LB_ERR_UNSUPPORTED : !info.cuda_available ? LB_ERR_CUDA : LB_OK;
  if (expected_cuda != LB_OK) {
    CHECK_FAILS(lb_tensor_to(t.get(), LB_DTYPE_F32, LB_DEVICE_CUDA, 0, &out), expected_cuda, "LB_DEVICE_CUDA");
  }
  CHECK_FAILS(lb_tensor_to(t.get(), 42, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT, "dtype=42");
  CHECK_FAILS(lb_tensor_to(t.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, nullptr), LB_ERR_INVALID_ARGUMENT, "out is NULL");

  CHECK_FAILS(lb_tensor_to_host(nullptr, &i64, 8), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_to_host: t is NULL");
  CHECK_FAILS(lb_tensor_to_host(t.get(), nullptr, 1024), LB_ERR_INVALID_ARGUMENT, "dst is NULL");
  CHECK_FAILS(lb_tensor_dtype(nullptr, &i32), LB_ERR_INVALID_ARGUMENT, "lb_tensor_dtype: t is NULL");
  CHECK_FAILS(lb_tensor_dtype(t.get(), nullptr), LB_ERR_INVALID_ARGUMENT, "dtype is NULL");
  CHECK_FAILS(lb_tensor_ndim(nullptr, &i32), LB_ERR_INVALID_ARGUMENT, "lb_tensor_ndim: t is NULL");
  CHECK_FAILS(lb_tensor_ndim(t.get(), nullptr), LB_ERR_INVALID_ARGUMENT, "ndim is NULL");
  CHECK_FAILS(lb_tensor_shape(nullptr, &i64, 1), LB_ERR_INVALID_ARGUMENT, "lb_tensor_shape: t is NULL");
  CHECK_FAILS(lb_tensor_device(nullptr, &i32, &i32), LB_ERR_INVALID_ARGUMENT, "lb_tensor_device: t is NULL");
  CHECK_FAILS(lb_tensor_device(t.get(), nullptr, &i32), LB_ERR_INVALID_ARGUMENT, "device_type is NULL");
  CHECK_FAILS(lb_tensor_nbytes(nullptr, &i64), LB_ERR_INVALID_ARGUMENT, "lb_tensor_nbytes: t is NULL");
  CHECK_FAILS(lb_tensor_nbytes(t.get(), nullptr), LB_ERR_INVALID_ARGUMENT, "nbytes is NULL");
  CHECK_FAILS(lb_tensor_to(nullptr, LB_DTYPE_F32, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "lb_tensor_to: t is NULL");

  lb_tensor_free(nullptr);  // accepted, does nothing
}

static void test_cuda_to_and_back(const lb_runtime_info& info) {
  if (!info.cuda_available) return;
  const std::vector<float> values = {1.0f, -2.0f, 3.5f};
  Tensor cpu = host_tensor(values, LB_DTYPE_F32, {3});
  Tensor gpu = convert(cpu.get(), LB_DTYPE_BF16, LB_DEVICE_CUDA);
  int32_t type = -1, index = -1;
  CHECK_OK(lb_tensor_device(gpu.get(), &type, &index));
  CHECK_EQ(type, LB_DEVICE_CUDA);
  CHECK_EQ(index, 0);
  Tensor home = convert(gpu.get(), LB_DTYPE_F32, LB_DEVICE_CPU);
  CHECK(to_vector<float>(home.get()) == values);
}

int main() {
  const lb_runtime_info info = runtime_info();
  test_round_trips(info);
  test_scalar_and_empty();
  test_shape_capacity();
  test_conversions();
  test_errors(info);
  test_cuda_to_and_back(info);
  return check::finish("test_tensor");
}
