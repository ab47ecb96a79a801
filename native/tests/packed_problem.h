// A random packed int2/3/4 matmul problem in the CUDA kernels' storage forms (packed codes and zeros, f32 or
// 16-bit scales and x) with its f64 reference y = x (q - z) s, shared by the tensor-core kernels' host
// emulation tests. Include after cuda_emulation.h (it uses the emulated __half / __nv_bfloat16).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/packed_matmul_cuda.h"
#include "pack_reference.h"

namespace packed_problem {

// dtype 1: f16, 2: bf16 (round to nearest even).
inline uint16_t bits_of(float v, int dtype) {
  uint16_t b;
  if (dtype == 1) {
    const __half h = __float2half_rn(v);
    std::memcpy(&b, &h, 2);
  } else {
    const __nv_bfloat16 h = __float2bfloat16_rn(v);
    std::memcpy(&b, &h, 2);
  }
  return b;
}

inline float value_of(uint16_t b, int dtype) {
  if (dtype == 1) {
    __half h;
    std::memcpy(&h, &b, 2);
    return __half2float(h);
  }
  __nv_bfloat16 h;
  std::memcpy(&h, &b, 2);
  return __bfloat162float(h);
}

struct Problem {
  int bits = 0;
  int64_t m = 0, in = 0, out = 0, rows_per_group = 0, groups = 0;
  int xdtype = 0, sdtype = 0, zero_offset = 0;
  std::vector<uint8_t> q, z;
  std::vector<int32_t> qweight, qzeros;
  std::vector<float> sf, xf;        // the values the kernel sees (16-bit ones rounded)
  std::vector<uint16_t> s16, x16;   // their 16-bit storage when the dtype is 16-bit
  std::vector<double> ref;          // [m, out]
  std::string what;

  // The kernel arguments over this problem's storage, writing y [m, out].
  lb::kernels::PackedLinearCudaArgs args(float* y) const {
    lb::kernels::PackedLinearCudaArgs a{};
    a.x = xdtype == 0 ? static_cast<const void*>(xf.data()) : static_cast<const void*>(x16.data());
    a.x_dtype = xdtype;
    a.m = m;
    a.in = in;
    a.out = out;
    a.qweight = qweight.data();
    a.qzeros = qzeros.data();
    a.zero_offset = zero_offset;
    a.scales = sdtype == 0 ? static_cast<const void*>(sf.data()) : static_cast<const void*>(s16.data());
    a.scales_dtype = sdtype;
    a.group_size = rows_per_group;
    a.bits = bits;
    a.y = y;
    return a;
  }

  // Relative L2 error of y against the reference.
  double relative_error(const std::vector<float>& y) const {
    double e2 = 0, r2 = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      e2 += (y[i] - ref[i]) * (y[i] - ref[i]);
      r2 += ref[i] * ref[i];
    }
    return r2 > 0 ? std::sqrt(e2 / r2) : std::sqrt(e2);
  }
};

// group <= 0: per channel. xdtype / sdtype: 0 f32, 1 f16, 2 bf16. xmax scales |x|. Seeded by the shape.
inline Problem make(int bits, int64_t out, int64_t in, int64_t group, int64_t m, int xdtype, int sdtype, int zero_offset,
                    float xmax = 1.0f) {
  Problem p;
  p.bits = bits;
  p.m = m;
  p.in = in;
  p.out = out;
  p.xdtype = xdtype;
  p.sdtype = sdtype;
  p.zero_offset = zero_offset;
  std::mt19937 rng(static_cast<uint32_t>(bits * 7919 + out * 31 + in * 7 + group + m * 131 + xdtype * 3 + sdtype));
  const int levels = 1 << bits;
  p.rows_per_group = group <= 0 ? in : group;
  p.groups = (in + p.rows_per_group - 1) / p.rows_per_group;
  p.q.resize(static_cast<size_t>(in * out));
  p.z.resize(static_cast<size_t>(p.groups * out));
  for (auto& v : p.q) v = static_cast<uint8_t>(rng() % levels);
  for (auto& v : p.z) v = static_cast<uint8_t>(rng() % levels);
  std::vector<uint8_t> z_stored(p.z.size());
  for (size_t i = 0; i < p.z.size(); ++i) z_stored[i] = static_cast<uint8_t>((p.z[i] - zero_offset + levels) % levels);
  p.qweight = reference_pack(p.q, in, out, bits, 0);
  p.qzeros = reference_pack(z_stored, p.groups, out, bits, 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  p.sf.resize(static_cast<size_t>(p.groups * out));
  p.s16.resize(p.sf.size());
  for (size_t i = 0; i < p.sf.size(); ++i) {
    const float s = 0.01f + 0.05f * std::fabs(normal(rng));
    if (sdtype == 0) {
      p.sf[i] = s;
    } else {
      p.s16[i] = bits_of(s, sdtype);
      p.sf[i] = value_of(p.s16[i], sdtype);
    }
  }
  p.xf.resize(static_cast<size_t>(m * in));
  p.x16.resize(p.xf.size());
  for (size_t i = 0; i < p.xf.size(); ++i) {
    const float v = xmax * normal(rng);
    if (xdtype == 0) {
      p.xf[i] = v;
    } else {
      p.x16[i] = bits_of(v, xdtype);
      p.xf[i] = value_of(p.x16[i], xdtype);
    }
  }
  p.ref.assign(static_cast<size_t>(m * out), 0.0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < in; ++i) {
        const int64_t g = i / p.rows_per_group;
        const double w = (static_cast<int>(p.q[static_cast<size_t>(i * out + o)]) -
                          static_cast<int>(p.z[static_cast<size_t>(g * out + o)])) *
                         static_cast<double>(p.sf[static_cast<size_t>(g * out + o)]);
        acc += static_cast<double>(p.xf[static_cast<size_t>(r * in + i)]) * w;
      }
      p.ref[static_cast<size_t>(r * out + o)] = acc;
    }
  p.what = "bits=" + std::to_string(bits) + " out=" + std::to_string(out) + " in=" + std::to_string(in) + " group=" +
           std::to_string(group) + " m=" + std::to_string(m) + " x dtype=" + std::to_string(xdtype) +
           " scales dtype=" + std::to_string(sdtype) + " zero_offset=" + std::to_string(zero_offset);
  return p;
}

}  // namespace packed_problem
