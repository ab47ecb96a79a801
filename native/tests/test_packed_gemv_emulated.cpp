// The CUDA packed GEMV (packed_gemv_cuda.cuh: int8 activations, dp4a, stream-K runs over 128-column
// tiles) run on the host through cuda_emulation.h, against (a) a host copy of its exact integer arithmetic
// (same x quantization, integer dots, zero-point fold; only the f32 summation order differs), which checks
// the bit unpacking, the x byte order, the group/zero/scale indexing, the runs that cross tiles and the
// atomics; and (b) dequantize + a double matmul, which bounds the activation quantization error (normal x
// and x with a 1000x outlier). Also the plan and the applicability rule.
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/packed_gemv_cuda.cuh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "check.h"
#include "pack_reference.h"

namespace {

using lb::kernels::PackedLinearCudaArgs;
namespace gv = lb::kernels::packed_gemv;

uint16_t half_bits(float v) {
  const __half h = __float2half_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
float half_value(uint16_t b) {
  __half h;
  std::memcpy(&h, &b, 2);
  return __half2float(h);
}
uint16_t bf16_bits(float v) {
  const __nv_bfloat16 h = __float2bfloat16_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
float bf16_value(uint16_t b) {
  __nv_bfloat16 h;
  std::memcpy(&h, &b, 2);
  return __bfloat162float(h);
}

// values rounded to dtype (0 f32, 1 f16, 2 bf16): the float values and the stored bits
struct Stored {
  std::vector<float> values;
  std::vector<uint16_t> bits16;
  const void* data(int dtype) const {
    return dtype == 0 ? static_cast<const void*>(values.data()) : static_cast<const void*>(bits16.data());
  }
};
Stored store(const std::vector<float>& v, int dtype) {
  Stored s{v, std::vector<uint16_t>(v.size())};
  for (size_t i = 0; i < v.size(); ++i) {
    if (dtype == 1) {
      s.bits16[i] = half_bits(v[i]);
      s.values[i] = half_value(s.bits16[i]);
    } else if (dtype == 2) {
      s.bits16[i] = bf16_bits(v[i]);
      s.values[i] = bf16_value(s.bits16[i]);
    }
  }
  return s;
}

double rel(const std::vector<float>& got, const std::vector<double>& ref) {
  double e = 0, r = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    e += (got[i] - ref[i]) * (got[i] - ref[i]);
    r += ref[i] * ref[i];
  }
  return r > 0 ? std::sqrt(e / r) : std::sqrt(e);
}

template <int B, int MR>
void run_rows(const PackedLinearCudaArgs& a, const gv::GemvPlan& plan) {
  if (a.scales_dtype == 0) {
    emu::launch(dim3(static_cast<unsigned>(plan.blocks), 1, 1), gv::kThreads, 0, gv::packed_gemv_kernel<B, MR, false>, a,
                plan.per_warp);
  } else {
    emu::launch(dim3(static_cast<unsigned>(plan.blocks), 1, 1), gv::kThreads, 0, gv::packed_gemv_kernel<B, MR, true>, a,
                plan.per_warp);
  }
}

template <int B>
void run_bits(const PackedLinearCudaArgs& a, const gv::GemvPlan& plan) {
  if (plan.rows == 1) run_rows<B, 1>(a, plan);
  if (plan.rows == 2) run_rows<B, 2>(a, plan);
  if (plan.rows == 4) run_rows<B, 4>(a, plan);
}

int cases = 0;
double worst_exact = 0, worst_normal = 0, worst_outlier = 0;

struct Case {
  int bits;
  int64_t out, in, group, m;
  int x_dtype, scales_dtype, zero_offset;
  int64_t resident_warps;  // the plan's input: small values force long runs that cross tiles
  bool outlier;            // one element per row 1000x the others
};

std::string describe(const Case& c, const gv::GemvPlan& p) {
  return "bits=" + std::to_string(c.bits) + " out=" + std::to_string(c.out) + " in=" + std::to_string(c.in) +
         " group=" + std::to_string(c.group) + " m=" + std::to_string(c.m) + " x=" + std::to_string(c.x_dtype) +
         " scales=" + std::to_string(c.scales_dtype) + " zero_offset=" + std::to_string(c.zero_offset) +
         " per_warp=" + std::to_string(p.per_warp) + " warps=" + std::to_string(p.warps) +
         (c.outlier ? " outlier" : "");
}

void gemv_case(const Case& c) {
  std::mt19937 rng(static_cast<uint32_t>(c.bits * 7919 + c.out * 31 + c.in * 7 + c.group + c.m * 131 + c.x_dtype * 3 +
                                         c.scales_dtype * 5 + c.zero_offset + c.resident_warps * 17));
  const int levels = 1 << c.bits;
  const int64_t groups = (c.in + c.group - 1) / c.group;
  std::vector<uint8_t> q(static_cast<size_t>(c.in * c.out)), z(static_cast<size_t>(groups * c.out));
  for (auto& v : q) v = static_cast<uint8_t>(rng() % levels);
  for (auto& v : z) v = static_cast<uint8_t>(rng() % levels);
  std::vector<uint8_t> z_stored(z.size());
  for (size_t i = 0; i < z.size(); ++i) z_stored[i] = static_cast<uint8_t>((z[i] - c.zero_offset + levels) % levels);
  const std::vector<int32_t> qweight = reference_pack(q, c.in, c.out, c.bits, 0);
  const std::vector<int32_t> qzeros = reference_pack(z_stored, groups, c.out, c.bits, 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> s_raw(static_cast<size_t>(groups * c.out));
  for (auto& s : s_raw) s = 0.01f + 0.05f * std::fabs(normal(rng));
  const Stored scales = store(s_raw, c.scales_dtype);
  std::vector<float> x_raw(static_cast<size_t>(c.m * c.in));
  for (auto& v : x_raw) v = normal(rng);
  if (c.outlier) {
    for (int64_t r = 0; r < c.m; ++r) x_raw[static_cast<size_t>(r * c.in + (r * 37 + 5) % c.in)] *= 1000.0f;
  }
  const Stored x = store(x_raw, c.x_dtype);
  const std::vector<float>& xf = x.values;
  const std::vector<float>& sf = scales.values;

  // (a) the kernel's arithmetic on the host, summed in double
  const int64_t kblocks = c.in / 32;
  std::vector<double> exact(static_cast<size_t>(c.m * c.out), 0.0), real(static_cast<size_t>(c.m * c.out), 0.0);
  for (int64_t r = 0; r < c.m; ++r) {
    for (int64_t kb = 0; kb < kblocks; ++kb) {
      const float* xv = xf.data() + r * c.in + kb * 32;
      float amax = 0.0f;
      for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(xv[i]));
      const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
      int q1[32], q2[32], sum = 0;
      for (int i = 0; i < 32; ++i) {
        const float t = xv[i] * inv;
        q1[i] = std::clamp(static_cast<int>(std::nearbyint(t)), -127, 127);
        q2[i] = std::clamp(static_cast<int>(std::nearbyint((t - static_cast<float>(q1[i])) * 254.0f)), -127, 127);
        sum += 254 * q1[i] + q2[i];
      }
      const double d = static_cast<double>(amax / 127.0f) / 254.0;
      const int64_t g = kb * 32 / c.group;
      for (int64_t o = 0; o < c.out; ++o) {
        int64_t total = 0;
        for (int i = 0; i < 32; ++i) {
          total += static_cast<int64_t>(254 * q1[i] + q2[i]) * q[static_cast<size_t>((kb * 32 + i) * c.out + o)];
        }
        total -= static_cast<int64_t>(z[static_cast<size_t>(g * c.out + o)]) * sum;
        exact[static_cast<size_t>(r * c.out + o)] += sf[static_cast<size_t>(g * c.out + o)] * d * static_cast<double>(total);
      }
    }
  }
  // (b) dequantize + double matmul on the (dtype-rounded) x
  for (int64_t r = 0; r < c.m; ++r)
    for (int64_t o = 0; o < c.out; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < c.in; ++i) {
        const int64_t g = i / c.group;
        acc += static_cast<double>(xf[static_cast<size_t>(r * c.in + i)]) *
               (static_cast<int>(q[static_cast<size_t>(i * c.out + o)]) - static_cast<int>(z[static_cast<size_t>(g * c.out + o)])) *
               sf[static_cast<size_t>(g * c.out + o)];
      }
      real[static_cast<size_t>(r * c.out + o)] = acc;
    }

  PackedLinearCudaArgs a{};
  a.x = x.data(c.x_dtype);
  a.x_dtype = c.x_dtype;
  a.m = c.m;
  a.in = c.in;
  a.out = c.out;
  a.qweight = qweight.data();
  a.qzeros = qzeros.data();
  a.zero_offset = c.zero_offset;
  a.scales = scales.data(c.scales_dtype);
  a.scales_dtype = c.scales_dtype;
  a.group_size = c.group;
  a.bits = c.bits;
  std::vector<float> y(static_cast<size_t>(c.m * c.out), 0.0f);  // the launcher zeroes y
  a.y = y.data();
  const gv::GemvPlan plan = gv::plan_for(c.bits, c.m, c.in, c.out, c.resident_warps);
  const std::string what = describe(c, plan);
  if (!gv::applies(a)) {
    check::fail(__FILE__, __LINE__, what + ": GEMV does not apply");
    return;
  }
  CHECK(plan.per_warp >= 2 * gv::stage_kblocks_for(c.bits));
  CHECK(plan.warps * plan.per_warp >= (c.out + 127) / 128 * kblocks);
  CHECK(plan.blocks * gv::kWarps >= plan.warps);
  if (c.bits == 2) run_bits<2>(a, plan);
  if (c.bits == 3) run_bits<3>(a, plan);
  if (c.bits == 4) run_bits<4>(a, plan);
  ++cases;
  const double e_exact = rel(y, exact);
  const double e_real = rel(y, real);
  worst_exact = std::max(worst_exact, e_exact);
  if (c.outlier) {
    worst_outlier = std::max(worst_outlier, e_real);
  } else {
    worst_normal = std::max(worst_normal, e_real);
  }
  if (!(e_exact < 1e-5)) check::fail(__FILE__, __LINE__, what + ": relative error vs its own arithmetic " + std::to_string(e_exact));
  // activation quantization: ~2e-5 for normal x; an outlier block keeps ~1% on its other elements
  if (!(e_real < (c.outlier ? 1e-3 : 2e-4))) {
    check::fail(__FILE__, __LINE__, what + ": relative error vs dequantize + matmul " + std::to_string(e_real));
  }
}

void test_cases() {
  // out: qzeros packs out * bits / 32 words per group, so bits 3 needs multiples of 32, bits 2 of 16
  const int64_t main_out[] = {0, 0, 48, 96, 40};    // partial 128-column tiles
  const int64_t small_out[] = {0, 0, 16, 32, 8};
  const int64_t three_tiles[] = {0, 0, 272, 288, 264};  // 3 tiles, the last one short
  for (int bits : {2, 3, 4}) {
    // every group, m (row tiles 1 / 2 / 4), dtype of x and scales, zero offset
    for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{352}}) {
      for (int64_t m : {1, 2, 3, 4}) {
        const int dtype = static_cast<int>((m + group / 32) % 3);
        gemv_case(Case{bits, main_out[bits], 352, group, m, dtype, (dtype + 1) % 3, static_cast<int>(m % 2), 1000, false});
      }
    }
    // runs that cross tile boundaries (few resident warps), g128 with a short last group
    gemv_case(Case{bits, three_tiles[bits], 480, 128, 1, 1, 1, 0, 5, false});
    gemv_case(Case{bits, three_tiles[bits], 480, 64, 2, 2, 2, 1, 7, false});
    gemv_case(Case{bits, three_tiles[bits], 480, 32, 4, 0, 0, 0, 3, false});
    // small out, a single k-block, odd k-block counts
    gemv_case(Case{bits, small_out[bits], 32, 32, 1, 1, 1, 0, 1000, false});
    gemv_case(Case{bits, small_out[bits], 96, 96, 3, 2, 1, 1, 1000, false});
    gemv_case(Case{bits, small_out[bits], 224, 32, 1, 0, 2, 0, 2, false});
    // one 1000x outlier per row
    gemv_case(Case{bits, main_out[bits], 256, 128, 1, 1, 1, 0, 1000, true});
    gemv_case(Case{bits, main_out[bits], 256, 64, 4, 0, 1, 1, 4, true});
  }
  // large in (down_proj of a 7B model), per channel and g128
  gemv_case(Case{4, 8, 14336, 128, 1, 1, 1, 0, 1000, false});
  gemv_case(Case{3, 32, 14336, 14336, 1, 2, 2, 1, 9, false});
  gemv_case(Case{2, 16, 14336, 64, 2, 1, 1, 0, 1000, false});
  std::printf("packed GEMV (emulated): %d cases; worst relative error vs own arithmetic %.3g, vs dequantize + "
              "matmul %.3g (normal x), %.3g (1000x outlier)\n",
              cases, worst_exact, worst_normal, worst_outlier);
}

void test_applies() {
  PackedLinearCudaArgs a{};
  alignas(16) static int32_t dummy[4];
  a.scales = dummy;
  a.qweight = dummy;
  a.m = 1;
  a.in = 4096;
  a.out = 4096;
  a.group_size = 128;
  a.bits = 4;
  CHECK(gv::applies(a));
  a.m = 4;
  CHECK(gv::applies(a));
  a.m = 5;
  CHECK(!gv::applies(a));  // m >= 5: the tiled kernel
  a.m = 1;
  a.in = 40;  // bits 4 allows in % 8 == 0; the GEMV needs whole k-blocks
  a.group_size = 40;
  CHECK(!gv::applies(a));
  a.in = 4096;
  a.group_size = 16;
  CHECK(!gv::applies(a));
  a.group_size = 128;
  a.scales = reinterpret_cast<const char*>(dummy) + 8;
  CHECK(!gv::applies(a));
  // the plan of the timed shapes on 132 SMs x 20 resident warps: every warp busy, one wave
  const gv::GemvPlan p = gv::plan_for(4, 1, 8192, 28672, 132 * 20);
  CHECK_EQ(p.rows, 1);
  CHECK(p.warps <= 132 * 20 && p.warps > 132 * 19);
  const gv::GemvPlan small = gv::plan_for(4, 1, 4096, 4096, 132 * 20);
  CHECK_EQ(small.per_warp, 4);  // the minimum run: 2 stages of 2 k-blocks
  CHECK_EQ(gv::plan_for(2, 3, 4096, 4096, 100).rows, 4);
}

}  // namespace

int main() {
  test_applies();
  test_cases();
  return check::finish("test_packed_gemv_emulated");
}
