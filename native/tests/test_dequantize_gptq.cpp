// lb_dequantize_gptq against a plain reference: v2 and v1 zero points, with and without g_idx,
// per-group and per-channel, f16/bf16/f32 scales; exact to the bit. Plus argument errors.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "pack_reference.h"

namespace {

struct Linear {
  int64_t out, in, groups;
  int bits;
  std::vector<uint8_t> codes;   // [out, in]
  std::vector<uint8_t> zeros;   // [groups, out]
  std::vector<uint16_t> scales; // f16 bits [groups, out]
  std::vector<int32_t> g_idx;   // [in]
};

float half_to_float(uint16_t h) {
  const int exponent = (h >> 10) & 0x1F;
  const float magnitude = exponent == 0 ? std::ldexp(static_cast<float>(h & 0x3FF), -24)
                                        : std::ldexp(static_cast<float>((h & 0x3FF) | 0x400), exponent - 25);
  return (h & 0x8000) ? -magnitude : magnitude;
}

// g_idx: i / group_size (group_size <= 0: 0), or a random assignment when shuffled.
Linear make_linear(int64_t out, int64_t in, int bits, int64_t group_size, bool shuffled, uint32_t seed) {
  std::mt19937 rng(seed);
  Linear l{out, in, 0, bits, {}, {}, {}, {}};
  l.groups = group_size <= 0 ? 1 : (in + group_size - 1) / group_size;
  std::uniform_int_distribution<int> code(0, (1 << bits) - 1);
  std::uniform_int_distribution<int> exponent(5, 20);  // normal f16 scales, both below and above 1
  std::uniform_int_distribution<int> mantissa(0, 1023);
  std::uniform_int_distribution<int64_t> group(0, l.groups - 1);
  for (int64_t i = 0; i < out * in; ++i) l.codes.push_back(static_cast<uint8_t>(code(rng)));
  for (int64_t i = 0; i < l.groups * out; ++i) {
    l.zeros.push_back(static_cast<uint8_t>(code(rng)));
    l.scales.push_back(static_cast<uint16_t>((exponent(rng) << 10) | mantissa(rng)));
  }
  l.zeros[0] = 0;  // v1 stores it as 2^bits - 1
  l.zeros[1] = static_cast<uint8_t>((1 << bits) - 1);
  for (int64_t i = 0; i < in; ++i) {
    l.g_idx.push_back(static_cast<int32_t>(shuffled ? group(rng) : group_size <= 0 ? 0 : i / group_size));
  }
  return l;
}

std::vector<float> reference_weight(const Linear& l) {
  std::vector<float> w(static_cast<size_t>(l.out * l.in));
  for (int64_t o = 0; o < l.out; ++o) {
    for (int64_t i = 0; i < l.in; ++i) {
      const size_t gz = static_cast<size_t>(l.g_idx[static_cast<size_t>(i)] * l.out + o);
      const int q = l.codes[static_cast<size_t>(o * l.in + i)];
      w[static_cast<size_t>(o * l.in + i)] = static_cast<float>(q - l.zeros[gz]) * half_to_float(l.scales[gz]);
    }
  }
  return w;
}

struct Packed {
  Tensor qweight, qzeros, scales, g_idx;
};

Packed pack_reference(const Linear& l, int zero_offset, int32_t device) {
  std::vector<uint8_t> transposed(l.codes.size());
  for (int64_t o = 0; o < l.out; ++o) {
    for (int64_t i = 0; i < l.in; ++i) transposed[static_cast<size_t>(i * l.out + o)] = l.codes[static_cast<size_t>(o * l.in + i)];
  }
  std::vector<uint8_t> stored = l.zeros;
  const int levels = 1 << l.bits;
  for (auto& z : stored) z = static_cast<uint8_t>((z - zero_offset + levels) % levels);
  const Tensor qw = host_tensor(reference_pack(transposed, l.in, l.out, l.bits, 0), LB_DTYPE_I32,
                                {l.in * l.bits / 32, l.out});
  const Tensor qz = host_tensor(reference_pack(stored, l.groups, l.out, l.bits, 1), LB_DTYPE_I32,
                                {l.groups, l.out * l.bits / 32});
  const Tensor s = host_tensor(l.scales, LB_DTYPE_F16, {l.groups, l.out});
  const Tensor g = host_tensor(l.g_idx, LB_DTYPE_I32, {l.in});
  return Packed{convert(qw.get(), LB_DTYPE_I32, device), convert(qz.get(), LB_DTYPE_I32, device),
                convert(s.get(), LB_DTYPE_F16, device), convert(g.get(), LB_DTYPE_I32, device)};
}

Tensor dequantize(const Packed& p, lb_tensor scales, bool with_g_idx, int bits, int64_t group_size, int zero_offset) {
  lb_tensor w = nullptr;
  CHECK_OK(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), scales, with_g_idx ? p.g_idx.get() : nullptr, bits,
                              group_size, zero_offset, &w));
  return Tensor(w);
}

void check_case(int bits, int64_t out, int64_t in, int64_t group_size, bool shuffled, int32_t device) {
  const Linear l = make_linear(out, in, bits, group_size, shuffled, static_cast<uint32_t>(bits * 97 + in + out + group_size));
  const std::vector<float> expected = reference_weight(l);
  for (int zero_offset : {0, 1}) {
    const Packed p = pack_reference(l, zero_offset, device);
    const std::string what = "bits=" + std::to_string(bits) + " [" + std::to_string(out) + ", " + std::to_string(in) +
                             "] group_size=" + std::to_string(group_size) + (shuffled ? " shuffled g_idx" : "") +
                             " zero_offset=" + std::to_string(zero_offset);
    const Tensor with = dequantize(p, p.scales.get(), true, bits, shuffled ? 0 : group_size, zero_offset);
    CHECK(shape_of(with.get()) == (std::vector<int64_t>{out, in}));
    if (!same_bits(to_vector<float>(with.get()), expected)) check::fail(__FILE__, __LINE__, what + " with g_idx differs");
    if (!shuffled) {
      const Tensor without = dequantize(p, p.scales.get(), false, bits, group_size, zero_offset);
      if (!same_bits(to_vector<float>(without.get()), expected)) check::fail(__FILE__, __LINE__, what + " without g_idx differs");
      // The same scales as f32 and bf16 (f16 values with short mantissas survive bf16 only sometimes: compare f32).
      const Tensor f32 = convert(p.scales.get(), LB_DTYPE_F32, device);
      const Tensor from_f32 = dequantize(p, f32.get(), false, bits, group_size, zero_offset);
      if (!same_bits(to_vector<float>(from_f32.get()), expected)) check::fail(__FILE__, __LINE__, what + " f32 scales differ");
    }
  }
}

void test_against_reference(int32_t device) {
  for (int bits : {2, 3, 4, 8}) {
    for (int64_t out : {int64_t{32}, int64_t{96}}) {
      check_case(bits, out, 128, 32, false, device);
      check_case(bits, out, 128, 128, false, device);
      check_case(bits, out, 128, -1, false, device);   // per channel
      check_case(bits, out, 128, 256, false, device);  // larger than in: one group
      check_case(bits, out, 128, 32, true, device);    // act-order style g_idx
    }
  }
  check_case(4, 8, 64, 48, false, device);  // a group size that does not divide in: ceil(in / g) groups
}

void test_bf16_scales() {
  const Linear l = make_linear(16, 32, 4, 16, false, 5);
  const Packed p = pack_reference(l, 0, LB_DEVICE_CPU);
  const Tensor bf16 = convert(p.scales.get(), LB_DTYPE_BF16);
  const Tensor back = convert(bf16.get(), LB_DTYPE_F32);
  const std::vector<float> s = to_vector<float>(back.get());
  std::vector<float> expected(static_cast<size_t>(l.out * l.in));
  for (int64_t o = 0; o < l.out; ++o) {
    for (int64_t i = 0; i < l.in; ++i) {
      const size_t gz = static_cast<size_t>((i / 16) * l.out + o);
      expected[static_cast<size_t>(o * l.in + i)] =
          static_cast<float>(l.codes[static_cast<size_t>(o * l.in + i)] - l.zeros[gz]) * s[gz];
    }
  }
  const Tensor w = dequantize(p, bf16.get(), false, 4, 16, 0);
  CHECK(same_bits(to_vector<float>(w.get()), expected));
}

void test_errors() {
  const Linear l = make_linear(32, 64, 4, 32, false, 9);
  const Packed p = pack_reference(l, 0, LB_DEVICE_CPU);
  lb_tensor out = nullptr;
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 4, 32, 2, &out),
              LB_ERR_INVALID_ARGUMENT, "lb_dequantize_gptq: zero_offset=2 (expected 0 for GPTQ v2 or 1 for GPTQ v1)");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 5, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "bits=5");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 4, 16, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "scales: size 2 along dim 0 (expected 4, ceil(in / group_size)");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 4, -1, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "scales: size 2 along dim 0 (expected 1, one group for group_size <= 0");
  // qzeros read with the wrong bit width no longer matches out.
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 2, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "qzeros: size 4 along dim 1 (expected 2, out * bits / 32 for bits=2)");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.scales.get(), p.scales.get(), nullptr, 4, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "qzeros: dtype=F16 (expected I32)");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.qzeros.get(), nullptr, 4, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "scales: dtype=I32 (expected F16, BF16 or F32)");
  CHECK_FAILS(lb_dequantize_gptq(nullptr, p.qzeros.get(), p.scales.get(), nullptr, 4, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "qweight is NULL");
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), nullptr, 4, 32, 0, nullptr),
              LB_ERR_INVALID_ARGUMENT, "weight is NULL");

  std::vector<int32_t> bad_groups = l.g_idx;
  bad_groups[5] = 2;
  const Tensor g = host_tensor(bad_groups, LB_DTYPE_I32, {64});
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), g.get(), 4, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "g_idx: values span 0..2 (expected 0..1");
  const Tensor short_g = host_tensor(std::vector<int32_t>(32, 0), LB_DTYPE_I32, {32});
  CHECK_FAILS(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), p.scales.get(), short_g.get(), 4, 32, 0, &out),
              LB_ERR_INVALID_ARGUMENT, "g_idx: size 32 along dim 0 (expected 64");
  CHECK(out == nullptr);
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  test_against_reference(LB_DEVICE_CPU);
  test_bf16_scales();
  test_errors();
  if (info.cuda_available) test_against_reference(LB_DEVICE_CUDA);
  return check::finish("test_dequantize_gptq");
}
