// Test data and host references for the CUDA packed GEMV (kernels/cuda/packed_gemv_cuda.cuh), shared by
// the emulated test and the device test: random codes/zeros/scales/x for a case, the kernel's exact
// integer arithmetic in double (x quantized per 32 rows to q1 + q2 / 254, integer dots, zero-point fold),
// and dequantize + a double matmul.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/packed_matmul_cuda.h"
#include "pack_reference.h"

namespace gemv_ref {

inline uint16_t half_bits(float v) {
  const __half h = __float2half_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
inline float half_value(uint16_t b) {
  __half h;
  std::memcpy(&h, &b, 2);
  return __half2float(h);
}
inline uint16_t bf16_bits(float v) {
  const __nv_bfloat16 h = __float2bfloat16_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
inline float bf16_value(uint16_t b) {
  __nv_bfloat16 h;
  std::memcpy(&h, &b, 2);
  return __bfloat162float(h);
}

// values rounded to dtype (0 f32, 1 f16, 2 bf16): the float values and the stored 16-bit patterns
struct Stored {
  std::vector<float> values;
  std::vector<uint16_t> bits16;
  const void* data(int dtype) const {
    return dtype == 0 ? static_cast<const void*>(values.data()) : static_cast<const void*>(bits16.data());
  }
  size_t bytes(int dtype) const { return values.size() * (dtype == 0 ? 4 : 2); }
};
inline Stored store(const std::vector<float>& v, int dtype) {
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

struct Case {
  int bits;
  int64_t out, in, group, m;
  int x_dtype, scales_dtype, zero_offset;
  int64_t resident_warps;  // the plan's input (emulated test): small values force long runs that cross tiles
  bool outlier;            // one element per row 1000x the others
};

inline std::string describe(const Case& c) {
  return "bits=" + std::to_string(c.bits) + " out=" + std::to_string(c.out) + " in=" + std::to_string(c.in) +
         " group=" + std::to_string(c.group) + " m=" + std::to_string(c.m) + " x=" + std::to_string(c.x_dtype) +
         " scales=" + std::to_string(c.scales_dtype) + " zero_offset=" + std::to_string(c.zero_offset) +
         (c.outlier ? " outlier" : "");
}

struct Problem {
  std::vector<uint8_t> q, z;            // codes [in, out], zero points [groups, out] (true values)
  std::vector<int32_t> qweight, qzeros;  // packed (qzeros stored with zero_offset)
  Stored scales, x;
};

inline Problem make_problem(const Case& c) {
  std::mt19937 rng(static_cast<uint32_t>(c.bits * 7919 + c.out * 31 + c.in * 7 + c.group + c.m * 131 + c.x_dtype * 3 +
                                         c.scales_dtype * 5 + c.zero_offset + c.resident_warps * 17));
  const int levels = 1 << c.bits;
  const int64_t groups = (c.in + c.group - 1) / c.group;
  Problem p;
  p.q.resize(static_cast<size_t>(c.in * c.out));
  p.z.resize(static_cast<size_t>(groups * c.out));
  for (auto& v : p.q) v = static_cast<uint8_t>(rng() % levels);
  for (auto& v : p.z) v = static_cast<uint8_t>(rng() % levels);
  std::vector<uint8_t> z_stored(p.z.size());
  for (size_t i = 0; i < p.z.size(); ++i) z_stored[i] = static_cast<uint8_t>((p.z[i] - c.zero_offset + levels) % levels);
  p.qweight = reference_pack(p.q, c.in, c.out, c.bits, 0);
  p.qzeros = reference_pack(z_stored, groups, c.out, c.bits, 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> s_raw(static_cast<size_t>(groups * c.out));
  for (auto& s : s_raw) s = 0.01f + 0.05f * std::fabs(normal(rng));
  p.scales = store(s_raw, c.scales_dtype);
  std::vector<float> x_raw(static_cast<size_t>(c.m * c.in));
  for (auto& v : x_raw) v = normal(rng);
  if (c.outlier) {
    for (int64_t r = 0; r < c.m; ++r) x_raw[static_cast<size_t>(r * c.in + (r * 37 + 5) % c.in)] *= 1000.0f;
  }
  p.x = store(x_raw, c.x_dtype);
  return p;
}

// The kernel's arithmetic: per row and 32-row k-block, amax, t = x * 127 / amax, q1 = rint(t),
// q2 = rint((t - q1) * 254); y += s * float(amax * float(1 / (127 * 254))) * (sum (254 q1 + q2) code - z * sum (254 q1 + q2)).
inline std::vector<double> exact_reference(const Case& c, const Problem& p) {
  const int64_t kblocks = c.in / 32;
  std::vector<double> y(static_cast<size_t>(c.m * c.out), 0.0);
  for (int64_t r = 0; r < c.m; ++r) {
    for (int64_t kb = 0; kb < kblocks; ++kb) {
      const float* xv = p.x.values.data() + r * c.in + kb * 32;
      float amax = 0.0f;
      for (int i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(xv[i]));
      const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
      int v[32], sum = 0;
      for (int i = 0; i < 32; ++i) {
        const float t = xv[i] * inv;
        const int q1 = std::clamp(static_cast<int>(std::nearbyint(t)), -127, 127);
        const int q2 = std::clamp(static_cast<int>(std::nearbyint((t - static_cast<float>(q1)) * 254.0f)), -127, 127);
        v[i] = 254 * q1 + q2;
        sum += v[i];
      }
      const double d = static_cast<double>(amax * (1.0f / (127.0f * 254.0f)));  // the kernel's d / 254
      const int64_t g = kb * 32 / c.group;
      for (int64_t o = 0; o < c.out; ++o) {
        int64_t total = 0;
        for (int i = 0; i < 32; ++i) total += static_cast<int64_t>(v[i]) * p.q[static_cast<size_t>((kb * 32 + i) * c.out + o)];
        total -= static_cast<int64_t>(p.z[static_cast<size_t>(g * c.out + o)]) * sum;
        y[static_cast<size_t>(r * c.out + o)] += p.scales.values[static_cast<size_t>(g * c.out + o)] * d * static_cast<double>(total);
      }
    }
  }
  return y;
}

// dequantize + a double matmul on the (dtype-rounded) x
inline std::vector<double> dequant_reference(const Case& c, const Problem& p) {
  std::vector<double> y(static_cast<size_t>(c.m * c.out), 0.0);
  for (int64_t r = 0; r < c.m; ++r)
    for (int64_t o = 0; o < c.out; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < c.in; ++i) {
        const int64_t g = i / c.group;
        acc += static_cast<double>(p.x.values[static_cast<size_t>(r * c.in + i)]) *
               (static_cast<int>(p.q[static_cast<size_t>(i * c.out + o)]) - static_cast<int>(p.z[static_cast<size_t>(g * c.out + o)])) *
               p.scales.values[static_cast<size_t>(g * c.out + o)];
      }
      y[static_cast<size_t>(r * c.out + o)] = acc;
    }
  return y;
}

// The decode step's fused input ops (packed_matmul_cuda.h x_op) for one row: what the kernel reads and the input
// it must compute from it, in the kernel's f32 arithmetic. op 1 (NormWeight): x (c.x_dtype, the problem's) times a
// weight stored in dtype2; sumsq = sum x^2. op 2 (SiluMul): x = [gate | up] f32 [2 in] with r = rsqrt(sumsq_in /
// count + eps); input = round(round(silu(round(r g))) * round(r u)), rounded to dtype2.
struct FusedInput {
  Stored x;            // what the kernel reads as x (op 2: f32 [2 in])
  Stored weight;       // op 1
  float sumsq_in = 0;  // op 2
  int64_t count = 0;   // op 2
  float eps = 0;       // op 2
  std::vector<float> effective;  // [in]: the GEMV's input
  double sumsq = 0;    // op 1: the sum the kernel adds to x_sumsq_out
};

inline float round_to_dtype(float v, int dtype) {
  return dtype == 1 ? half_value(half_bits(v)) : dtype == 2 ? bf16_value(bf16_bits(v)) : v;
}

inline FusedInput make_fused_input(const Case& c, const Problem& p, int op, int dtype2) {
  std::mt19937 rng(static_cast<uint32_t>(c.in * 13 + op * 101 + dtype2));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  FusedInput f;
  f.effective.resize(static_cast<size_t>(c.in));
  if (op == 1) {
    f.x = p.x;
    std::vector<float> w(static_cast<size_t>(c.in));
    for (auto& v : w) v = 0.5f + 0.25f * normal(rng);
    f.weight = store(w, dtype2);
    for (int64_t j = 0; j < c.in; ++j) {
      const float v = p.x.values[static_cast<size_t>(j)];
      f.sumsq += static_cast<double>(v) * v;
      f.effective[static_cast<size_t>(j)] = v * f.weight.values[static_cast<size_t>(j)];
    }
    return f;
  }
  std::vector<float> gate_up(static_cast<size_t>(2 * c.in));
  for (auto& v : gate_up) v = 1.5f * normal(rng);
  f.x = store(gate_up, 0);
  f.count = 4096;
  f.eps = 1e-5f;
  f.sumsq_in = 2.25f * static_cast<float>(f.count);
  const float r = 1.0f / std::sqrt(f.sumsq_in / static_cast<float>(f.count) + f.eps);
  for (int64_t j = 0; j < c.in; ++j) {
    const float g = round_to_dtype(gate_up[static_cast<size_t>(j)] * r, dtype2);
    const float u = round_to_dtype(gate_up[static_cast<size_t>(c.in + j)] * r, dtype2);
    f.effective[static_cast<size_t>(j)] = round_to_dtype(round_to_dtype(g / (1.0f + std::exp(-g)), dtype2) * u, dtype2);
  }
  return f;
}

// The problem with x replaced by a fused op's effective input (f32), for exact_reference / dequant_reference.
inline Problem with_input(const Problem& p, const std::vector<float>& x) {
  Problem q = p;
  q.x = store(x, 0);
  return q;
}

// The launch arguments of a case on host or device buffers: x (x_dtype, m rows), the packed weight, y.
inline lb::kernels::PackedLinearCudaArgs gemv_args(const Case& c, const void* x, int x_dtype, int64_t m,
                                                   const void* qweight, const void* qzeros, const void* scales, float* y) {
  lb::kernels::PackedLinearCudaArgs a{};
  a.x = x;
  a.x_dtype = x_dtype;
  a.m = m;
  a.in = c.in;
  a.out = c.out;
  a.qweight = static_cast<const int32_t*>(qweight);
  a.qzeros = static_cast<const int32_t*>(qzeros);
  a.zero_offset = c.zero_offset;
  a.scales = scales;
  a.scales_dtype = c.scales_dtype;
  a.group_size = c.group;
  a.bits = c.bits;
  a.y = y;
  return a;
}

// A fused op's arguments (op 1 NormWeight: weight in dtype2, the sum added to sumsq_out; op 2 SiluMul: the sum read
// from sumsq_in, rounded to dtype2), zeroing `zero` afterwards; the pointers are host or device buffers.
inline lb::kernels::GemvInputOps fused_ops(const FusedInput& f, int op, int dtype2, const void* weight, float* sumsq_out,
                                           const float* sumsq_in, float* zero, int64_t zero_count) {
  lb::kernels::GemvInputOps ops{};
  ops.op = op;
  if (op == 1) {
    ops.weight = weight;
    ops.weight_dtype = dtype2;
    ops.sumsq_out = sumsq_out;
  } else {
    ops.sumsq_in = sumsq_in;
    ops.norm_count = f.count;
    ops.norm_eps = f.eps;
    ops.round_dtype = dtype2;
  }
  ops.zero = zero;
  ops.zero_count = zero_count;
  return ops;
}

inline double relative_error(const std::vector<float>& got, const std::vector<double>& ref) {
  double e = 0, r = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    e += (got[i] - ref[i]) * (got[i] - ref[i]);
    r += ref[i] * ref[i];
  }
  return r > 0 ? std::sqrt(e / r) : std::sqrt(e);
}

}  // namespace gemv_ref
