// lb_pack_bits / lb_unpack_bits against the bit-by-bit reference: exact words, exact round trips,
// hand-computed words (3-bit values straddling words), and argument errors. CUDA too when available.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "pack_reference.h"

namespace {

Tensor pack(lb_tensor values, int bits, int dim) {
  lb_tensor out = nullptr;
  CHECK_OK(lb_pack_bits(values, bits, dim, &out));
  return Tensor(out);
}

Tensor unpack(lb_tensor packed, int bits, int dim) {
  lb_tensor out = nullptr;
  CHECK_OK(lb_unpack_bits(packed, bits, dim, &out));
  return Tensor(out);
}

int32_t dtype_of(lb_tensor t) {
  int32_t d = -1;
  CHECK_OK(lb_tensor_dtype(t, &d));
  return d;
}

std::vector<uint8_t> random_values(int64_t n, int bits, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(0, (1 << bits) - 1);
  std::vector<uint8_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<uint8_t>(dist(rng));
  if (n > 1) {  // both extremes always present
    v[0] = 0;
    v[1] = static_cast<uint8_t>((1 << bits) - 1);
  }
  return v;
}

void round_trip(int bits, int dim, int64_t rows, int64_t cols, int32_t device) {
  const std::vector<uint8_t> values = random_values(rows * cols, bits, static_cast<uint32_t>(bits * 1000 + dim * 100 + rows + cols));
  const std::vector<int32_t> expected = reference_pack(values, rows, cols, bits, dim);
  const Tensor host = host_tensor(values, LB_DTYPE_U8, {rows, cols});
  const Tensor input = convert(host.get(), LB_DTYPE_U8, device);

  const Tensor packed = pack(input.get(), bits, dim);
  const std::vector<int64_t> packed_shape = dim == 0 ? std::vector<int64_t>{rows * bits / 32, cols}
                                                     : std::vector<int64_t>{rows, cols * bits / 32};
  CHECK(shape_of(packed.get()) == packed_shape);
  CHECK_EQ(dtype_of(packed.get()), LB_DTYPE_I32);
  int32_t type = -1, index = -1;
  CHECK_OK(lb_tensor_device(packed.get(), &type, &index));
  CHECK_EQ(type, device);
  const bool words_match = to_vector<int32_t>(packed.get()) == expected;
  if (!words_match) {
    check::fail(__FILE__, __LINE__, "packed words differ from the reference: bits=" + std::to_string(bits) + " dim=" +
                                        std::to_string(dim) + " shape [" + std::to_string(rows) + ", " +
                                        std::to_string(cols) + "]");
  }

  // i32 input packs to the same words.
  std::vector<int32_t> wide(values.begin(), values.end());
  const Tensor wide_host = host_tensor(wide, LB_DTYPE_I32, {rows, cols});
  const Tensor wide_input = convert(wide_host.get(), LB_DTYPE_I32, device);
  CHECK(to_vector<int32_t>(pack(wide_input.get(), bits, dim).get()) == expected);

  const Tensor back = unpack(packed.get(), bits, dim);
  CHECK_EQ(dtype_of(back.get()), LB_DTYPE_U8);
  CHECK(shape_of(back.get()) == (std::vector<int64_t>{rows, cols}));
  if (to_vector<uint8_t>(back.get()) != values) {
    check::fail(__FILE__, __LINE__, "round trip differs: bits=" + std::to_string(bits) + " dim=" + std::to_string(dim));
  }
}

void test_round_trips(int32_t device) {
  for (int bits : {2, 3, 4, 8}) {
    const int64_t block = bits == 3 ? 32 : 32 / bits;
    for (int64_t other : {int64_t{1}, int64_t{7}, int64_t{33}}) {  // odd sizes of the other dimension
      for (int64_t blocks : {int64_t{1}, int64_t{3}, int64_t{10}}) {
        round_trip(bits, 0, blocks * block, other, device);
        round_trip(bits, 1, other, blocks * block, device);
      }
    }
    round_trip(bits, 0, 32 * 16, 1001, device);  // large enough for the parallel paths
    round_trip(bits, 1, 1001, 32 * 16, device);
  }
}

// Words worked out by hand from the layout, independent of both the kernel and the reference.
void test_hand_computed_words() {
  // 4 bits, one row of 8 values 1..8 along dim 1: nibbles from the least significant end.
  const std::vector<uint8_t> nibbles = {1, 2, 3, 4, 5, 6, 7, 8};
  const Tensor t4 = host_tensor(nibbles, LB_DTYPE_U8, {1, 8});
  CHECK(to_vector<int32_t>(pack(t4.get(), 4, 1).get()) == std::vector<int32_t>{static_cast<int32_t>(0x87654321u)});

  // 3 bits, 32 values = 3 words. Value 10 (stream bits 30..32) and value 21 (bits 63..65) straddle.
  std::vector<uint8_t> v(32, 0);
  v[0] = 1;    // bit 0 of word 0
  v[10] = 7;   // bits 30, 31 of word 0 and bit 0 of word 1
  v[21] = 5;   // 0b101: bit 31 of word 1 gets 1, bits 0..1 of word 2 get 0b10
  v[31] = 7;   // bits 29..31 of word 2
  const std::vector<int32_t> words = {static_cast<int32_t>(0xC0000001u), static_cast<int32_t>(0x80000001u),
                                      static_cast<int32_t>(0xE0000002u)};
  const Tensor row = host_tensor(v, LB_DTYPE_U8, {1, 32});
  CHECK(to_vector<int32_t>(pack(row.get(), 3, 1).get()) == words);
  const Tensor column = host_tensor(v, LB_DTYPE_U8, {32, 1});
  CHECK(to_vector<int32_t>(pack(column.get(), 3, 0).get()) == words);
  const Tensor packed = host_tensor(words, LB_DTYPE_I32, {3, 1});
  CHECK(to_vector<uint8_t>(unpack(packed.get(), 3, 0).get()) == v);

  // 2 bits along dim 0 over 16 rows, two columns: column 1 holds 3 in row 15 only.
  std::vector<uint8_t> two(32, 0);
  two[15 * 2 + 1] = 3;
  two[0] = 1;
  const Tensor t2 = host_tensor(two, LB_DTYPE_U8, {16, 2});
  CHECK(to_vector<int32_t>(pack(t2.get(), 2, 0).get()) == (std::vector<int32_t>{1, static_cast<int32_t>(0xC0000000u)}));
}

void test_errors() {
  lb_tensor out = nullptr;
  const std::vector<uint8_t> sixteen(16, 1);
  const Tensor u8 = host_tensor(sixteen, LB_DTYPE_U8, {2, 8});

  CHECK_FAILS(lb_pack_bits(u8.get(), 5, 1, &out), LB_ERR_INVALID_ARGUMENT, "lb_pack_bits: bits=5 (expected 2, 3, 4 or 8)");
  CHECK_FAILS(lb_pack_bits(u8.get(), 4, 2, &out), LB_ERR_INVALID_ARGUMENT, "dim=2 (expected 0 or 1)");
  CHECK_FAILS(lb_pack_bits(u8.get(), 4, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "values: size 2 along dim 0 (shape [2, 8]) is not a multiple of 8");
  CHECK_FAILS(lb_pack_bits(u8.get(), 3, 1, &out), LB_ERR_INVALID_ARGUMENT, "expected a multiple of 32 for bits=3");
  CHECK_FAILS(lb_pack_bits(nullptr, 4, 1, &out), LB_ERR_INVALID_ARGUMENT, "values is NULL");
  CHECK_FAILS(lb_pack_bits(u8.get(), 4, 1, nullptr), LB_ERR_INVALID_ARGUMENT, "packed is NULL");

  std::vector<uint8_t> too_big(32, 1);
  too_big[29] = 4;
  const Tensor big = host_tensor(too_big, LB_DTYPE_U8, {2, 16});
  CHECK_FAILS(lb_pack_bits(big.get(), 2, 1, &out), LB_ERR_INVALID_ARGUMENT,
              "values[1, 13]=4 out of range for bits=2 (expected 0..3)");
  std::vector<int32_t> negative(16, 0);
  negative[2] = -1;
  const Tensor neg = host_tensor(negative, LB_DTYPE_I32, {2, 8});
  CHECK_FAILS(lb_pack_bits(neg.get(), 4, 1, &out), LB_ERR_INVALID_ARGUMENT, "values[0, 2]=-1 out of range for bits=4");
  std::vector<int32_t> wide(16, 0);
  wide[15] = 256;
  const Tensor w = host_tensor(wide, LB_DTYPE_I32, {2, 8});
  CHECK_FAILS(lb_pack_bits(w.get(), 8, 1, &out), LB_ERR_INVALID_ARGUMENT, "values[1, 7]=256 out of range for bits=8");

  const Tensor f32 = host_tensor(std::vector<float>(16, 1.0f), LB_DTYPE_F32, {2, 8});
  CHECK_FAILS(lb_pack_bits(f32.get(), 4, 1, &out), LB_ERR_INVALID_ARGUMENT, "values: dtype=F32 (expected U8 or I32)");
  const Tensor flat = host_tensor(sixteen, LB_DTYPE_U8, {16});
  CHECK_FAILS(lb_pack_bits(flat.get(), 4, 0, &out), LB_ERR_INVALID_ARGUMENT, "values: ndim=1, shape [16] (expected a 2-D tensor)");

  const Tensor words = host_tensor(std::vector<int32_t>(4, 0), LB_DTYPE_I32, {4, 1});
  CHECK_FAILS(lb_unpack_bits(words.get(), 3, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "packed: size 4 along dim 0 (shape [4, 1]) is not a multiple of 3");
  CHECK_FAILS(lb_unpack_bits(u8.get(), 4, 1, &out), LB_ERR_INVALID_ARGUMENT, "packed: dtype=U8 (expected I32)");
  CHECK_FAILS(lb_unpack_bits(words.get(), 6, 0, &out), LB_ERR_INVALID_ARGUMENT, "bits=6");
  CHECK_FAILS(lb_unpack_bits(words.get(), 4, -1, &out), LB_ERR_INVALID_ARGUMENT, "dim=-1");
  CHECK(out == nullptr);
  out = reinterpret_cast<lb_tensor>(&out);  // a failed call leaves NULL, never a stale handle
  CHECK_FAILS(lb_pack_bits(big.get(), 2, 1, &out), LB_ERR_INVALID_ARGUMENT, "out of range");
  CHECK(out == nullptr);
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  test_round_trips(LB_DEVICE_CPU);
  test_hand_computed_words();
  test_errors();
  if (info.cuda_available) {
    test_round_trips(LB_DEVICE_CUDA);
  } else {
    std::printf("test_pack_bits: CUDA part skipped (%s)\n", info.cuda_built ? "no CUDA device" : "built without CUDA");
  }
  return check::finish("test_pack_bits");
}
