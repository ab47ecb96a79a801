// The fused decode kernels on the device, torch-free (skips without a CUDA device):
//  * decode_rms_norm_cuda / decode_rms_norm_f32_cuda against a double reference (within 2 ulp of the output type)
//    at widths that take the register path and the strided loop, the f32 one's zeroing of the next output;
//  * decode_rotary_attention_cuda (RoPE + KV write + attention in one kernel) against the two kernels it
//    replaces: the same cache and output bytes;
//  * decode_attention_cuda against a double softmax(q k^T * scale) v over odd head counts, grouped heads,
//    head_dim 6 .. 256, one to 8192 cache entries, f32 / f16 / bf16; these and the two below in every attention
//    form (decode_attention_set_online / _set_split: one-pass where head_dim allows, a head's keys split over a
//    cluster of 8, 4 or 2 blocks or in one block, and two-pass);
//  * the normed RoPE + attention kernel writing the o projection's quantized input (bits 2, 3, 4): output and cache
//    unchanged, the slots equal the GEMV's own quantize_x_kernel's, the prepared accumulate GEMV on them; and the
//    kernel with the o projection inside (f16 / bf16, head_dim <= 128): the same output and cache bytes, y within
//    1e-5 of the prepared GEMV's (the order of the atomic adds differs);
//  * decode_greedy_cuda (the decode graph's greedy pick) against the host sampler's argmax (lowest id on ties) at
//    vocabularies of one block to many, f32 / f16 / bf16: the f32 logits, the token, the position advanced, the
//    result slot, the first non-finite logit, and the workspace left ready for the next launch;
//  * decode_sample_cuda (the sampled pick) against a plain reference of its contract, vocabularies of 1 to 151936,
//    top_p from "only the best" to 1: the token, the f32 logits, the position, the result slot, a NaN reported;
//  * a chain RMSNorm (zeroing the next output) -> accumulate GEMV -> SiLU * up -> accumulate GEMV onto the
//    residual, twice, each kernel reading what the one before wrote, with programmatic dependent launch on
//    (the default on sm_90) and off: against a double reference. A kernel that read its input before
//    pdl_wait() would read the previous round's values (or zeros) and miss by far more than the tolerance.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "cuda_device_buffer.h"
#include "kernels/cuda/decode_cuda.h"
#include "kernels/cuda/packed_gemv_cuda.h"
#include "kernels/cuda/pdl_launch.cuh"
#include "packed_gemv_reference.h"
#include "sample_reference.h"

namespace {

using lb::kernels::DecodeType;

using cuda_test::DeviceBuffer;
using cuda_test::ok;

// dtype codes of gemv_ref::store: 0 f32, 1 f16, 2 bf16
DecodeType decode_type(int dtype) { return dtype == 0 ? DecodeType::F32 : dtype == 1 ? DecodeType::F16 : DecodeType::BF16; }
const char* dtype_name(int dtype) { return dtype == 0 ? "f32" : dtype == 1 ? "f16" : "bf16"; }

float rounded(float v, int dtype) {
  return dtype == 0 ? v : dtype == 1 ? gemv_ref::half_value(gemv_ref::half_bits(v)) : gemv_ref::bf16_value(gemv_ref::bf16_bits(v));
}

std::vector<float> device_values(const gemv_ref::Stored& s, int dtype, size_t count) {
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i] = dtype == 0 ? s.values[i] : dtype == 1 ? gemv_ref::half_value(s.bits16[i]) : gemv_ref::bf16_value(s.bits16[i]);
  }
  return out;
}

std::vector<float> read_as_float(const DeviceBuffer& b, int dtype, size_t count) {
  if (dtype == 0) return b.read<float>(count);
  const std::vector<uint16_t> bits = b.read<uint16_t>(count);
  std::vector<float> out(count);
  for (size_t i = 0; i < count; ++i) out[i] = dtype == 1 ? gemv_ref::half_value(bits[i]) : gemv_ref::bf16_value(bits[i]);
  return out;
}

// ---- RMSNorm ----

double worst_norm = 0;
int norm_cases = 0;

// decode_rms_norm_cuda (x in T) or decode_rms_norm_f32_cuda (x in f32, zeroing `zero_count` floats) on rows x hidden
// against a double reference rounded as the kernels round (x * r to T, times w, to T): within 2 ulp of T (the f32
// sum of squares is summed in another order). hidden covers the register path (multiples of 4 up to 8192, with
// and without a partial last chunk) and the strided loop (odd widths, and wider than 8192).
void norm_case(int dtype, bool f32_input, int64_t rows, int64_t hidden) {
  const std::string what = std::string("RMSNorm ") + (f32_input ? "f32 x, " : "") + dtype_name(dtype) + " rows=" +
                           std::to_string(rows) + " hidden=" + std::to_string(hidden);
  std::mt19937 rng(static_cast<uint32_t>(hidden * 7 + rows + dtype * 3 + (f32_input ? 11 : 0)));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x_raw(static_cast<size_t>(rows * hidden)), w_raw(static_cast<size_t>(hidden));
  for (auto& v : x_raw) v = 3.0f * normal(rng);
  for (auto& v : w_raw) v = 1.0f + 0.2f * normal(rng);
  const gemv_ref::Stored x = gemv_ref::store(x_raw, f32_input ? 0 : dtype), w = gemv_ref::store(w_raw, dtype);
  const int x_dtype = f32_input ? 0 : dtype;
  DeviceBuffer dx(x.bytes(x_dtype), x.data(x_dtype)), dw(w.bytes(dtype), w.data(dtype));
  DeviceBuffer dy(static_cast<size_t>(rows * hidden) * (dtype == 0 ? 4 : 2));
  const int64_t zero_count = f32_input ? 3 * hidden + 5 : 0;
  std::vector<float> garbage(static_cast<size_t>(zero_count), 555.0f);
  DeviceBuffer dz(static_cast<size_t>(zero_count) * 4, garbage.data());
  const float eps = 1e-5f;
  const cudaError_t e =
      f32_input ? lb::kernels::decode_rms_norm_f32_cuda(decode_type(dtype), static_cast<const float*>(dx.p), dw.p, dy.p, rows,
                                                         hidden, eps, static_cast<float*>(dz.p), zero_count, 0)
                : lb::kernels::decode_rms_norm_cuda(decode_type(dtype), dx.p, dw.p, dy.p, rows, hidden, eps, 0);
  if (!ok(e, what + ": launch") || !ok(cudaDeviceSynchronize(), what + ": kernel")) return;
  const std::vector<float> got = read_as_float(dy, dtype, static_cast<size_t>(rows * hidden));
  const std::vector<float> xv = device_values(x, x_dtype, x_raw.size()), wv = device_values(w, dtype, w_raw.size());
  int wrong = 0;
  double err = 0, ref2 = 0;
  for (int64_t r = 0; r < rows; ++r) {
    double sq = 0;
    for (int64_t i = 0; i < hidden; ++i) sq += double(xv[r * hidden + i]) * xv[r * hidden + i];
    const double inv = 1.0 / std::sqrt(sq / double(hidden) + eps);
    for (int64_t i = 0; i < hidden; ++i) {
      const float want = rounded(wv[i] * rounded(static_cast<float>(xv[r * hidden + i] * inv), dtype), dtype);
      const float g = got[static_cast<size_t>(r * hidden + i)];
      const float ulp = dtype == 0 ? std::fabs(want) * 1e-6f + 1e-30f : std::fabs(want) * (dtype == 1 ? 1.0f / 1024 : 1.0f / 128);
      if (!(std::fabs(g - want) <= 2.02f * ulp + 1e-6f)) ++wrong;  // two roundings: 2 ulp at most
      err += double(g - want) * (g - want);
      ref2 += double(want) * want;
    }
  }
  ++norm_cases;
  worst_norm = std::max(worst_norm, std::sqrt(err / std::max(ref2, 1e-30)));
  if (wrong != 0) check::fail(__FILE__, __LINE__, what + ": " + std::to_string(wrong) + " values off by more than 2 ulp");
  if (f32_input) {
    const std::vector<float> z = dz.read<float>(static_cast<size_t>(zero_count));
    if (std::count(z.begin(), z.end(), 0.0f) != zero_count) check::fail(__FILE__, __LINE__, what + ": the buffer to zero was not zeroed");
  }
}

// ---- attention ----

struct AttentionCase {
  int64_t heads, kv_heads, dim, max_seq, position;
};

double worst_attention[3] = {0, 0, 0};
int rotary_attention_cases = 0;

void attention_case(const AttentionCase& c, int dtype) {
  const std::string what = std::string("attention ") + dtype_name(dtype) + " heads=" + std::to_string(c.heads) +
                           " kv_heads=" + std::to_string(c.kv_heads) + " dim=" + std::to_string(c.dim) +
                           " max_seq=" + std::to_string(c.max_seq) + " position=" + std::to_string(c.position);
  std::mt19937 rng(static_cast<uint32_t>(c.heads * 131 + c.dim * 7 + c.position + dtype));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const size_t q_count = static_cast<size_t>(c.heads * c.dim);
  const size_t cache_count = static_cast<size_t>(c.kv_heads * c.max_seq * c.dim);
  std::vector<float> q_raw(q_count), k_raw(cache_count), v_raw(cache_count);
  for (auto& v : q_raw) v = normal(rng);
  for (auto& v : k_raw) v = normal(rng);
  for (auto& v : v_raw) v = normal(rng);
  const gemv_ref::Stored q = gemv_ref::store(q_raw, dtype), k = gemv_ref::store(k_raw, dtype), v = gemv_ref::store(v_raw, dtype);
  DeviceBuffer dq(q.bytes(dtype), q.data(dtype)), dk(k.bytes(dtype), k.data(dtype)), dv(v.bytes(dtype), v.data(dtype));
  DeviceBuffer dpos(sizeof(int64_t), &c.position), dout(q.bytes(dtype));
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(c.dim)));
  if (!ok(lb::kernels::decode_attention_cuda(decode_type(dtype), dq.p, dk.p, dv.p, static_cast<const int64_t*>(dpos.p),
                                             dout.p, c.heads, c.kv_heads, c.dim, c.max_seq, scale, 0),
          what + ": launch") ||
      !ok(cudaDeviceSynchronize(), what + ": kernel")) {
    return;
  }
  const std::vector<float> got = read_as_float(dout, dtype, q_count);
  const std::vector<float> qv = device_values(q, dtype, q_count), kv = device_values(k, dtype, cache_count),
                           vv = device_values(v, dtype, cache_count);
  const int64_t keys = std::min(c.position + 1, c.max_seq);
  std::vector<double> ref(q_count);
  double ref_max = 0;
  for (int64_t h = 0; h < c.heads; ++h) {
    const int64_t g = h / (c.heads / c.kv_heads);
    std::vector<double> s(static_cast<size_t>(keys));
    double top = -INFINITY;
    for (int64_t j = 0; j < keys; ++j) {
      double dot = 0;
      for (int64_t i = 0; i < c.dim; ++i) dot += double(qv[h * c.dim + i]) * kv[(g * c.max_seq + j) * c.dim + i];
      s[j] = dot * scale;
      top = std::max(top, s[j]);
    }
    double total = 0;
    for (auto& e : s) total += (e = std::exp(e - top));
    for (int64_t i = 0; i < c.dim; ++i) {
      double acc = 0;
      for (int64_t j = 0; j < keys; ++j) acc += s[j] * vv[(g * c.max_seq + j) * c.dim + i];
      ref[h * c.dim + i] = acc / total;
      ref_max = std::max(ref_max, std::fabs(ref[h * c.dim + i]));
    }
  }
  const double rtol = dtype == 0 ? 1e-4 : dtype == 1 ? 2e-3 : 1e-2;
  double worst = 0;
  for (size_t i = 0; i < q_count; ++i) {
    worst = std::max(worst, std::fabs(got[i] - ref[i]) / (rtol * (std::fabs(ref[i]) + ref_max)));
  }
  worst_attention[dtype] = std::max(worst_attention[dtype], worst * rtol);
  if (!(worst <= 1.0)) check::fail(__FILE__, __LINE__, what + ": error " + std::to_string(worst) + " x the tolerance");
}

// ---- RoPE + KV write + attention in one kernel: bit for bit the two kernels' cache writes and output ----

void rotary_attention_case(const AttentionCase& c, int dtype, bool qkv_f32) {
  const std::string what = std::string("rotary+attention ") + dtype_name(dtype) + (qkv_f32 ? " (f32 qkv)" : "") +
                           " heads=" + std::to_string(c.heads) + " kv_heads=" + std::to_string(c.kv_heads) +
                           " dim=" + std::to_string(c.dim) + " position=" + std::to_string(c.position);
  std::mt19937 rng(static_cast<uint32_t>(c.heads * 7 + c.dim + c.position * 3 + dtype * 11 + qkv_f32));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  const int qkv_dtype = qkv_f32 ? 0 : dtype;
  const size_t qkv_count = static_cast<size_t>((c.heads + 2 * c.kv_heads) * c.dim);
  const size_t table_count = static_cast<size_t>(c.max_seq * c.dim);
  const size_t cache_count = static_cast<size_t>(c.kv_heads * c.max_seq * c.dim);
  std::vector<float> qkv_raw(qkv_count), cos_raw(table_count), sin_raw(table_count), k_raw(cache_count), v_raw(cache_count);
  for (auto& v : qkv_raw) v = 3.0f * normal(rng);
  for (auto& v : cos_raw) v = unit(rng);
  for (auto& v : sin_raw) v = unit(rng);
  for (auto& v : k_raw) v = normal(rng);
  for (auto& v : v_raw) v = normal(rng);
  const gemv_ref::Stored qkv = gemv_ref::store(qkv_raw, qkv_dtype), cs = gemv_ref::store(cos_raw, dtype),
                         sn = gemv_ref::store(sin_raw, dtype), k = gemv_ref::store(k_raw, dtype),
                         v = gemv_ref::store(v_raw, dtype);
  DeviceBuffer dqkv(qkv.bytes(qkv_dtype), qkv.data(qkv_dtype)), dcos(cs.bytes(dtype), cs.data(dtype)),
      dsin(sn.bytes(dtype), sn.data(dtype)), dpos(sizeof(int64_t), &c.position);
  DeviceBuffer k_a(k.bytes(dtype), k.data(dtype)), v_a(v.bytes(dtype), v.data(dtype)), k_b(k.bytes(dtype), k.data(dtype)),
      v_b(v.bytes(dtype), v.data(dtype));
  const size_t out_bytes = static_cast<size_t>(c.heads * c.dim) * (dtype == 0 ? 4 : 2);
  DeviceBuffer q(out_bytes), out_a(out_bytes), out_b(out_bytes);
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(c.dim)));
  const DecodeType t = decode_type(dtype);
  const int64_t* pos = static_cast<const int64_t*>(dpos.p);
  const cudaError_t rope =
      qkv_f32 ? lb::kernels::decode_rotary_kv_f32_cuda(t, static_cast<const float*>(dqkv.p), dcos.p, dsin.p, pos, q.p,
                                                       k_a.p, v_a.p, c.heads, c.kv_heads, c.dim, c.max_seq, 0)
              : lb::kernels::decode_rotary_kv_cuda(t, dqkv.p, dcos.p, dsin.p, pos, q.p, k_a.p, v_a.p, c.heads,
                                                   c.kv_heads, c.dim, c.max_seq, 0);
  if (!ok(rope, what + ": RoPE launch") ||
      !ok(lb::kernels::decode_attention_cuda(t, q.p, k_a.p, v_a.p, pos, out_a.p, c.heads, c.kv_heads, c.dim, c.max_seq,
                                             scale, 0),
          what + ": attention launch") ||
      !ok(lb::kernels::decode_rotary_attention_cuda(t, qkv_f32, dqkv.p, dcos.p, dsin.p, pos, k_b.p, v_b.p, out_b.p,
                                                    c.heads, c.kv_heads, c.dim, c.max_seq, scale, 0),
          what + ": fused launch") ||
      !ok(cudaDeviceSynchronize(), what + ": kernels")) {
    return;
  }
  const auto bytes_equal = [](const DeviceBuffer& x, const DeviceBuffer& y, size_t n) {
    return x.read<uint8_t>(n) == y.read<uint8_t>(n);
  };
  if (!bytes_equal(out_a, out_b, out_bytes)) check::fail(__FILE__, __LINE__, what + ": output differs from the two kernels'");
  if (!bytes_equal(k_a, k_b, k.bytes(dtype)) || !bytes_equal(v_a, v_b, v.bytes(dtype))) {
    check::fail(__FILE__, __LINE__, what + ": KV cache differs from the RoPE kernel's");
  }
  ++rotary_attention_cases;
}

// ---- the PDL chain ----

struct Linear {
  gemv_ref::Case c;
  gemv_ref::Problem p;
  std::vector<float> w;  // dequantized [out, in] as the device sees it (f16 scales)
};

Linear make_linear(int64_t out, int64_t in) {
  Linear l;
  l.c = gemv_ref::Case{4, out, in, 128, 1, 1, 1, 1, 0, false};
  l.p = gemv_ref::make_problem(l.c);
  const std::vector<float> s = device_values(l.p.scales, 1, l.p.scales.values.size());
  l.w.resize(static_cast<size_t>(out * in));
  for (int64_t i = 0; i < in; ++i) {
    const int64_t g = i / 128;
    for (int64_t o = 0; o < out; ++o) {
      l.w[o * in + i] = s[g * out + o] * (float(l.p.q[i * out + o]) - float(l.p.z[g * out + o]));
    }
  }
  return l;
}

struct DeviceLinear {
  DeviceBuffer qweight, qzeros, scales;
  explicit DeviceLinear(const Linear& l)
      : qweight(l.p.qweight.size() * 4, l.p.qweight.data()),
        qzeros(l.p.qzeros.size() * 4, l.p.qzeros.data()),
        scales(l.p.scales.bytes(1), l.p.scales.data(1)) {}
};

// y += W x on the device (accumulate mode), x f16
cudaError_t add_into(const Linear& l, const DeviceLinear& d, const void* x, float* y) {
  lb::kernels::PackedLinearCudaArgs a{};
  a.x = x;
  a.x_dtype = lb::kernels::kPackedF16;
  a.m = 1;
  a.in = l.c.in;
  a.out = l.c.out;
  a.qweight = static_cast<const int32_t*>(d.qweight.p);
  a.qzeros = static_cast<const int32_t*>(d.qzeros.p);
  a.zero_offset = l.c.zero_offset;
  a.scales = d.scales.p;
  a.scales_dtype = lb::kernels::kPackedF16;
  a.group_size = l.c.group;
  a.bits = l.c.bits;
  a.y = y;
  return lb::kernels::packed_gemv_cuda_accumulate(a, 0);
}

void chain_case(bool pdl) {
  const std::string what = std::string("decode chain, PDL ") + (pdl ? "on" : "off");
  lb::kernels::set_pdl_enabled(pdl ? 1 : 0);
  constexpr int64_t hidden = 1024, inter = 2816, rounds = 2;
  constexpr float eps = 1e-5f;
  const Linear gate_up = make_linear(2 * inter, hidden), down = make_linear(hidden, inter);
  const DeviceLinear d_gate_up(gate_up), d_down(down);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> h(hidden), norm_w(hidden);
  for (auto& v : h) v = normal(rng);
  for (auto& v : norm_w) v = rounded(1.0f + 0.1f * normal(rng), 1);
  std::vector<uint16_t> norm_bits(hidden);
  for (int64_t i = 0; i < hidden; ++i) norm_bits[i] = gemv_ref::half_bits(norm_w[i]);
  DeviceBuffer dh(hidden * 4, h.data()), dnorm(hidden * 2, norm_bits.data()), dxn(hidden * 2), dgu(2 * inter * 4),
      dact(inter * 2);
  std::vector<float> garbage(2 * inter, 777.0f);  // the RMSNorm must zero the gate_up output itself
  ok(cudaMemcpy(dgu.p, garbage.data(), garbage.size() * 4, cudaMemcpyHostToDevice), "cudaMemcpy garbage");

  for (int64_t r = 0; r < rounds; ++r) {
    if (!ok(lb::kernels::decode_rms_norm_f32_cuda(DecodeType::F16, static_cast<const float*>(dh.p), dnorm.p, dxn.p, 1,
                                                  hidden, eps, static_cast<float*>(dgu.p), 2 * inter, 0),
            what + ": RMSNorm") ||
        !ok(add_into(gate_up, d_gate_up, dxn.p, static_cast<float*>(dgu.p)), what + ": gate_up") ||
        !ok(lb::kernels::decode_silu_mul_f32_cuda(DecodeType::F16, static_cast<const float*>(dgu.p), dact.p, 1, inter, 0),
            what + ": SiLU * up") ||
        !ok(add_into(down, d_down, dact.p, static_cast<float*>(dh.p)), what + ": down")) {
      lb::kernels::set_pdl_enabled(-1);
      return;
    }
  }
  const bool synced = ok(cudaDeviceSynchronize(), what + ": kernels");
  lb::kernels::set_pdl_enabled(-1);
  if (!synced) return;
  const std::vector<float> got = dh.read<float>(hidden);

  std::vector<double> ref(h.begin(), h.end());
  for (int64_t r = 0; r < rounds; ++r) {
    double sq = 0;
    for (double v : ref) sq += v * v;
    const double inv = 1.0 / std::sqrt(sq / hidden + eps);
    std::vector<double> xn(hidden), gu(2 * inter, 0.0), act(inter);
    for (int64_t i = 0; i < hidden; ++i) xn[i] = rounded(norm_w[i] * rounded(static_cast<float>(ref[i] * inv), 1), 1);
    for (int64_t o = 0; o < 2 * inter; ++o) {
      for (int64_t i = 0; i < hidden; ++i) gu[o] += double(gate_up.w[o * hidden + i]) * xn[i];
    }
    for (int64_t i = 0; i < inter; ++i) {
      const float g = rounded(static_cast<float>(gu[i]), 1), u = rounded(static_cast<float>(gu[inter + i]), 1);
      act[i] = rounded(rounded(static_cast<float>(g / (1.0 + std::exp(-double(g)))), 1) * u, 1);
    }
    for (int64_t o = 0; o < hidden; ++o) {
      for (int64_t i = 0; i < inter; ++i) ref[o] += double(down.w[o * inter + i]) * act[i];
    }
  }
  double ref_max = 0, worst = 0;
  for (double v : ref) ref_max = std::max(ref_max, std::fabs(v));
  for (int64_t i = 0; i < hidden; ++i) worst = std::max(worst, std::fabs(got[i] - ref[i]) / ref_max);
  std::printf("%s: max |h - reference| / max |reference| = %.3g (max |reference| %.3g)\n", what.c_str(), worst, ref_max);
  // f16 roundings of the intermediates may land on the other side of a tie in the two computations: 1e-2
  if (!(worst < 1e-2)) check::fail(__FILE__, __LINE__, what + ": relative error " + std::to_string(worst));
}

// ---- the normed attention writing the o projection's quantized input ----

int o_slot_cases = 0;
int attention_o_cases = 0;
bool attention_online = true;  // the form main() set (decode_attention_set_online)

// decode_rotary_attention_normed_cuda with o slots: the same output and cache bytes as without; the slots byte for
// byte what the GEMV's own quantize_x_kernel writes from that output (packed_gemv_cuda with a workspace); the
// prepared accumulate GEMV on them adds what the plain GEMV computes.
void o_slots_case(const AttentionCase& c, int dtype, int bits) {
  const std::string what = std::string("o slots ") + dtype_name(dtype) + " bits=" + std::to_string(bits) +
                           " heads=" + std::to_string(c.heads) + " kv_heads=" + std::to_string(c.kv_heads) +
                           " dim=" + std::to_string(c.dim) + " position=" + std::to_string(c.position);
  std::mt19937 rng(static_cast<uint32_t>(c.heads * 5 + c.dim + c.position * 7 + dtype * 13 + bits));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
  const int64_t qkv_dim = (c.heads + 2 * c.kv_heads) * c.dim, in = c.heads * c.dim;
  const size_t table_count = static_cast<size_t>(c.max_seq * c.dim);
  const size_t cache_count = static_cast<size_t>(c.kv_heads * c.max_seq * c.dim);
  std::vector<float> qkv(static_cast<size_t>(qkv_dim + 1)), cos_raw(table_count), sin_raw(table_count),
      k_raw(cache_count), v_raw(cache_count);
  for (auto& v : qkv) v = 3.0f * normal(rng);
  qkv[qkv_dim] = 2.0f * static_cast<float>(in);  // sum(h^2): rms 1.41
  for (auto& v : cos_raw) v = unit(rng);
  for (auto& v : sin_raw) v = unit(rng);
  for (auto& v : k_raw) v = normal(rng);
  for (auto& v : v_raw) v = normal(rng);
  const gemv_ref::Stored cs = gemv_ref::store(cos_raw, dtype), sn = gemv_ref::store(sin_raw, dtype),
                         k = gemv_ref::store(k_raw, dtype), v = gemv_ref::store(v_raw, dtype);
  DeviceBuffer dqkv(qkv.size() * 4, qkv.data()), dcos(cs.bytes(dtype), cs.data(dtype)),
      dsin(sn.bytes(dtype), sn.data(dtype)), dpos(sizeof(int64_t), &c.position);
  DeviceBuffer k_a(k.bytes(dtype), k.data(dtype)), v_a(v.bytes(dtype), v.data(dtype)), k_b(k.bytes(dtype), k.data(dtype)),
      v_b(v.bytes(dtype), v.data(dtype));
  const size_t out_bytes = static_cast<size_t>(in) * (dtype == 0 ? 4 : 2);
  const int64_t slot_bytes = lb::kernels::decode_attention_slots_bytes(c.heads, c.dim);
  CHECK(slot_bytes == lb::kernels::packed_gemv_cuda_workspace_bytes(1, in));
  std::vector<uint8_t> garbage(static_cast<size_t>(slot_bytes), 0xAB);
  DeviceBuffer out_a(out_bytes), out_b(out_bytes), slots(static_cast<size_t>(slot_bytes), garbage.data()),
      ws(static_cast<size_t>(slot_bytes), garbage.data());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(c.dim)));
  const DecodeType t = decode_type(dtype);
  const int64_t* pos = static_cast<const int64_t*>(dpos.p);
  const float* q = static_cast<const float*>(dqkv.p);
  const auto attend = [&](const DeviceBuffer& kc, const DeviceBuffer& vc, const DeviceBuffer& out, void* o_slots) {
    return lb::kernels::decode_rotary_attention_normed_cuda(t, q, q + qkv_dim, in, 1e-5f, nullptr, nullptr, 0, dcos.p,
                                                            dsin.p, pos, kc.p, vc.p, out.p, c.heads, c.kv_heads, c.dim,
                                                            c.max_seq, scale, 0, o_slots, bits);
  };
  if (!ok(attend(k_a, v_a, out_a, nullptr), what + ": attention") ||
      !ok(attend(k_b, v_b, out_b, slots.p), what + ": attention with slots") ||
      !ok(cudaDeviceSynchronize(), what + ": attention kernels")) {
    return;
  }
  if (out_a.read<uint8_t>(out_bytes) != out_b.read<uint8_t>(out_bytes) ||
      k_a.read<uint8_t>(k.bytes(dtype)) != k_b.read<uint8_t>(k.bytes(dtype)) ||
      v_a.read<uint8_t>(v.bytes(dtype)) != v_b.read<uint8_t>(v.bytes(dtype))) {
    check::fail(__FILE__, __LINE__, what + ": output or cache differs from the kernel without slots");
  }

  // the o projection: 1184 outputs (10 column tiles, the last partial: two parts of the fused kernel below), group 64
  // (32 where in is not a multiple of 64)
  const int64_t out = 1184;
  gemv_ref::Case lc{bits, out, in, in % 64 == 0 ? 64 : 32, 1, dtype, 1, 1, 0, false};
  const gemv_ref::Problem p = gemv_ref::make_problem(lc);
  DeviceBuffer qweight(p.qweight.size() * 4, p.qweight.data()), qzeros(p.qzeros.size() * 4, p.qzeros.data()),
      scales(p.scales.bytes(1), p.scales.data(1));
  std::vector<float> start(static_cast<size_t>(out));
  for (auto& y : start) y = normal(rng);
  DeviceBuffer y_plain(out * 4), y_prep(out * 4, start.data());
  lb::kernels::PackedLinearCudaArgs a{};
  a.x = out_b.p;
  a.x_dtype = dtype == 0 ? lb::kernels::kPackedF32 : dtype == 1 ? lb::kernels::kPackedF16 : lb::kernels::kPackedBF16;
  a.m = 1;
  a.in = in;
  a.out = out;
  a.qweight = static_cast<const int32_t*>(qweight.p);
  a.qzeros = static_cast<const int32_t*>(qzeros.p);
  a.zero_offset = lc.zero_offset;
  a.scales = scales.p;
  a.scales_dtype = lb::kernels::kPackedF16;
  a.group_size = lc.group;
  a.bits = bits;
  a.y = static_cast<float*>(y_plain.p);
  const lb::kernels::PackedLinearCudaWorkspace w{ws.p, slot_bytes};
  CHECK(lb::kernels::packed_gemv_cuda_uses_workspace(a, w));
  if (!ok(lb::kernels::packed_gemv_cuda(a, 0, w), what + ": GEMV with a workspace")) return;
  a.y = static_cast<float*>(y_prep.p);
  if (!ok(lb::kernels::packed_gemv_cuda_accumulate_prepared(a, slots.p, 0), what + ": prepared GEMV") ||
      !ok(cudaDeviceSynchronize(), what + ": GEMVs")) {
    return;
  }
  // words 0..17 of every slot are written (18, 19 are padding)
  const std::vector<uint32_t> got = slots.read<uint32_t>(static_cast<size_t>(slot_bytes / 4)),
                              want = ws.read<uint32_t>(static_cast<size_t>(slot_bytes / 4));
  int64_t differing = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (i % 20 < 18 && got[i] != want[i]) ++differing;
  }
  if (differing != 0) {
    check::fail(__FILE__, __LINE__, what + ": " + std::to_string(differing) + " slot words differ from quantize_x_kernel's");
  }
  const std::vector<float> plain = y_plain.read<float>(out), prep = y_prep.read<float>(out);
  double worst = 0, top = 0;
  for (int64_t o = 0; o < out; ++o) top = std::max(top, std::fabs(double(plain[o])));
  for (int64_t o = 0; o < out; ++o) worst = std::max(worst, std::fabs(double(prep[o]) - start[o] - plain[o]) / top);
  // the same products; only the order of the warps' atomic adds (and the start value) differ
  if (!(worst < 1e-5)) check::fail(__FILE__, __LINE__, what + ": prepared GEMV relative error " + std::to_string(worst));
  ++o_slot_cases;

  // the o projection inside the attention kernel: the same cache and output bytes, y as the prepared GEMV's
  a.x = nullptr;
  const bool fused = lb::kernels::decode_rotary_attention_o_applies(t, c.heads, c.dim, a);
  if (fused != (attention_online && dtype != 0 && c.dim <= 128)) check::fail(__FILE__, __LINE__, what + ": fused o applicability");
  if (!fused) return;
  DeviceBuffer k_c(k.bytes(dtype), k.data(dtype)), v_c(v.bytes(dtype), v.data(dtype)), out_c(out_bytes),
      y_fused(out * 4, start.data());
  a.y = static_cast<float*>(y_fused.p);
  if (!ok(lb::kernels::decode_rotary_attention_o_cuda(t, q, q + qkv_dim, in, 1e-5f, nullptr, nullptr, 0, dcos.p, dsin.p,
                                                      pos, k_c.p, v_c.p, out_c.p, c.heads, c.kv_heads, c.dim,
                                                      c.max_seq, scale, a, 0),
          what + ": attention + o") ||
      !ok(cudaDeviceSynchronize(), what + ": attention + o kernel")) {
    return;
  }
  if (out_c.read<uint8_t>(out_bytes) != out_b.read<uint8_t>(out_bytes) ||
      k_c.read<uint8_t>(k.bytes(dtype)) != k_b.read<uint8_t>(k.bytes(dtype)) ||
      v_c.read<uint8_t>(v.bytes(dtype)) != v_b.read<uint8_t>(v.bytes(dtype))) {
    check::fail(__FILE__, __LINE__, what + ": attention + o: output or cache differs from the attention kernel's");
  }
  const std::vector<float> fused_y = y_fused.read<float>(out);
  double worst_fused = 0;
  for (int64_t o = 0; o < out; ++o) worst_fused = std::max(worst_fused, std::fabs(double(fused_y[o]) - prep[o]) / top);
  if (!(worst_fused < 1e-5)) {
    check::fail(__FILE__, __LINE__, what + ": attention + o vs the prepared GEMV: relative error " + std::to_string(worst_fused));
  }
  ++attention_o_cases;
}

void o_slots_rejected() {
  float* any = nullptr;
  CHECK(cudaMalloc(&any, 1 << 16) == cudaSuccess);
  int64_t pos = 0;
  // head_dim 16: a head is half a k-block, so no block owns whole slots
  CHECK(lb::kernels::decode_rotary_attention_normed_cuda(DecodeType::F16, any, any, 16, 1e-5f, nullptr, nullptr, 0, any,
                                                         any, &pos, any, any, any, 2, 1, 16, 8, 0.25f, 0, any,
                                                         4) == cudaErrorInvalidValue);
  CHECK(lb::kernels::decode_rotary_attention_normed_cuda(DecodeType::F16, any, any, 32, 1e-5f, nullptr, nullptr, 0, any,
                                                         any, &pos, any, any, any, 1, 1, 32, 8, 0.25f, 0, any,
                                                         8) == cudaErrorInvalidValue);
  CHECK(!lb::kernels::decode_attention_slots_apply(32, 4, reinterpret_cast<const char*>(any) + 4));
  lb::kernels::PackedLinearCudaArgs a{};
  a.m = 2;
  a.in = 64;
  a.out = 8;
  a.bits = 4;
  a.group_size = 64;
  a.x_dtype = a.scales_dtype = lb::kernels::kPackedF16;
  a.x = a.scales = any;
  a.qweight = a.qzeros = reinterpret_cast<const int32_t*>(any);
  a.y = any;
  CHECK(!lb::kernels::packed_gemv_cuda_accumulate_prepared_applies(a, any));  // two rows
  a.m = 1;
  CHECK(lb::kernels::packed_gemv_cuda_accumulate_prepared_applies(a, any));
  CHECK(!lb::kernels::packed_gemv_cuda_accumulate_prepared_applies(a, nullptr));
  CHECK(lb::kernels::packed_gemv_cuda_accumulate_prepared(a, reinterpret_cast<const char*>(any) + 8, 0) ==
        cudaErrorInvalidValue);
  cudaDeviceSynchronize();
  cudaFree(any);
}

}  // namespace

int greedy_cases = 0;

// One launch per vocabulary size and element type, twice on the same workspace; ties at the maximum, and a NaN / Inf
// in some cases.
void greedy_case(int dtype, int64_t vocab, int64_t bad_at, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> level(-40, 40);
  std::vector<float> values(static_cast<size_t>(vocab));
  for (float& v : values) v = level(rng) * 0.25f;  // exact in every type; many ties
  const size_t top = static_cast<size_t>(rng() % static_cast<uint64_t>(vocab));
  values[top] = 10.5f;
  if (vocab > 3) values[static_cast<size_t>(rng() % static_cast<uint64_t>(vocab))] = 10.5f;  // a tie at the top
  if (bad_at >= 0) values[static_cast<size_t>(bad_at)] = bad_at % 2 == 0 ? NAN : INFINITY;
  const gemv_ref::Stored stored = gemv_ref::store(values, dtype);
  const std::vector<float> expect = device_values(stored, dtype, values.size());
  int64_t best = -1, bad = -1;
  for (int64_t i = 0; i < vocab; ++i) {
    if (!std::isfinite(expect[i])) {
      if (bad < 0) bad = i;
      continue;
    }
    if (best < 0 || expect[i] > expect[best]) best = i;
  }
  DeviceBuffer raw(values.size() * (dtype == 0 ? 4 : 2), dtype == 0 ? static_cast<const void*>(stored.values.data())
                                                                     : static_cast<const void*>(stored.bits16.data()));
  DeviceBuffer logits(values.size() * 4), token(8), position(8);
  DeviceBuffer workspace(lb::kernels::decode_greedy_workspace_bytes(vocab));
  ok(cudaMemset(workspace.p, 0, lb::kernels::decode_greedy_workspace_bytes(vocab)), "cudaMemset");
  lb::kernels::DecodeGreedyResult* results = nullptr;
  if (!ok(cudaHostAlloc(reinterpret_cast<void**>(&results), 2 * sizeof(*results), cudaHostAllocMapped), "cudaHostAlloc")) {
    return;
  }
  const int64_t start = 40 + static_cast<int64_t>(seed % 7);
  ok(cudaMemcpy(position.p, &start, 8, cudaMemcpyHostToDevice), "cudaMemcpy");
  for (int launch = 0; launch < 2; ++launch) {
    results[(start + launch) & 1] = lb::kernels::DecodeGreedyResult{-5, -5, -5, 0.0f, 0};
    ok(lb::kernels::decode_greedy_cuda(decode_type(dtype), raw.p, static_cast<float*>(logits.p), vocab,
                                       static_cast<int64_t*>(token.p), static_cast<int64_t*>(position.p), results,
                                       workspace.p, nullptr),
       "decode_greedy_cuda");
    ok(cudaDeviceSynchronize(), "decode_greedy_cuda run");
    const lb::kernels::DecodeGreedyResult r = results[(start + launch) & 1];
    const std::vector<float> got = logits.read<float>(values.size());
    bool same = true;
    for (size_t i = 0; i < got.size(); ++i) {
      same = same && (std::isnan(expect[i]) ? std::isnan(got[i]) : got[i] == expect[i]);
    }
    const int64_t next = token.read<int64_t>(1)[0], now = position.read<int64_t>(1)[0];
    if (r.token != best || next != best || r.position != start + launch || now != start + launch + 1 ||
        r.bad_index != bad || !same) {
      std::printf("greedy %s vocab %lld launch %d: token %lld / %lld (expected %lld), position %lld -> %lld, bad %lld "
                  "(expected %lld), logits %s\n",
                  dtype_name(dtype), static_cast<long long>(vocab), launch, static_cast<long long>(r.token),
                  static_cast<long long>(next), static_cast<long long>(best), static_cast<long long>(r.position),
                  static_cast<long long>(now), static_cast<long long>(r.bad_index), static_cast<long long>(bad),
                  same ? "equal" : "DIFFER");
    }
    CHECK(same);
    CHECK(r.token == best && next == best);
    CHECK(r.position == start + launch && now == start + launch + 1);
    CHECK(r.bad_index == bad);
    if (bad >= 0) CHECK(std::isnan(r.bad_value) == std::isnan(expect[bad]));
  }
  cudaFreeHost(results);
  ++greedy_cases;
}

// decode_sample_cuda against the plain reference of decode_sample.cuh's contract (the same as the emulated test's,
// with the host's expf: a draw within 1e-5 of a boundary, where the device's expf may tip it, is not compared): the
// token, the f32 logits, the position advanced, the result slot, a non-finite logit reported.
int sample_cases = 0, sample_near = 0;

int64_t sample_reference(const std::vector<float>& l, float temperature, float top_p, double u, bool& near) {
  const sample_ref::Drawn d = sample_ref::draw(l, temperature, top_p, u, 1e-5);
  near = d.near_boundary;
  return d.token;
}

void sample_case(int dtype, int64_t vocab, float temperature, float top_p, uint64_t seed, int64_t bad_at) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, seed % 2 == 0 ? 3.0f : 0.5f);
  std::vector<float> values(static_cast<size_t>(vocab));
  for (float& v : values) v = normal(rng);
  if (bad_at >= 0) values[static_cast<size_t>(bad_at)] = NAN;
  const gemv_ref::Stored stored = gemv_ref::store(values, dtype);
  const std::vector<float> expect = device_values(stored, dtype, values.size());
  const double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
  bool near = false;
  const int64_t want = bad_at >= 0 ? -1 : sample_reference(expect, temperature, top_p, u, near);
  DeviceBuffer raw(values.size() * (dtype == 0 ? 4 : 2), dtype == 0 ? static_cast<const void*>(stored.values.data())
                                                                     : static_cast<const void*>(stored.bits16.data()));
  DeviceBuffer logits(values.size() * 4), token(8), position(8), results(2 * sizeof(lb::kernels::DecodeGreedyResult));
  DeviceBuffer workspace(lb::kernels::decode_sample_workspace_bytes(vocab));
  const int64_t start = 9;
  lb::kernels::DecodeSampleInput in{temperature, top_p, {0.0, 0.0}};
  in.u[start & 1] = u;
  DeviceBuffer input(sizeof(in), &in);
  ok(cudaMemcpy(position.p, &start, 8, cudaMemcpyHostToDevice), "cudaMemcpy");
  if (!ok(lb::kernels::decode_sample_cuda(decode_type(dtype), raw.p, static_cast<float*>(logits.p), vocab,
                                          static_cast<int64_t*>(token.p), static_cast<int64_t*>(position.p),
                                          static_cast<lb::kernels::DecodeGreedyResult*>(results.p),
                                          static_cast<const lb::kernels::DecodeSampleInput*>(input.p), workspace.p,
                                          nullptr),
          "decode_sample_cuda") ||
      !ok(cudaDeviceSynchronize(), "decode_sample_cuda run")) {
    return;
  }
  const lb::kernels::DecodeGreedyResult r = results.read<lb::kernels::DecodeGreedyResult>(2)[start & 1];
  const std::vector<float> got = logits.read<float>(values.size());
  bool same = true;
  for (size_t i = 0; i < got.size(); ++i) same = same && (std::isnan(expect[i]) ? std::isnan(got[i]) : got[i] == expect[i]);
  CHECK(same);
  CHECK(token.read<int64_t>(1)[0] == r.token);
  CHECK(position.read<int64_t>(1)[0] == start + 1 && r.position == start);
  ++sample_cases;
  if (bad_at >= 0) {
    CHECK(r.bad_index == bad_at);
    return;
  }
  CHECK(r.bad_index == -1);
  if (r.token != want && near) {
    ++sample_near;
    return;
  }
  if (r.token != want) {
    std::printf("sample %s vocab %lld T %g top_p %g u %.17g: token %lld, expected %lld\n", dtype_name(dtype),
                static_cast<long long>(vocab), temperature, top_p, u, static_cast<long long>(r.token),
                static_cast<long long>(want));
  }
  CHECK(r.token == want);
}

// The normed step's LM head (decode_lm_head_normed_cuda) against decode_rms_norm_f32_cuda's normalized x (the same
// rounding) times the head in double: each logit within one unit in the last place of its type plus 3e-5 of the sum
// of |products| (the f32 sums' order). Vocabularies with odd tails of the warps' rows; hidden sizes of one and of
// several passes per row.
int lm_head_cases = 0;
double lm_head_worst = 0;

void lm_head_case(int dtype, int64_t vocab, int64_t hidden, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(hidden)), g(static_cast<size_t>(hidden)),
      w(static_cast<size_t>(vocab * hidden));
  for (float& v : x) v = 3.0f * normal(rng);
  for (float& v : g) v = 1.0f + 0.2f * normal(rng);
  for (float& v : w) v = 0.05f * normal(rng);
  const gemv_ref::Stored gs = gemv_ref::store(g, dtype), ws = gemv_ref::store(w, dtype);
  const std::vector<float> wv = device_values(ws, dtype, w.size());
  const size_t elem = dtype == 0 ? 4 : 2;
  DeviceBuffer xd(x.size() * 4, x.data()), gd(gs.bytes(dtype), gs.data(dtype)), wd(ws.bytes(dtype), ws.data(dtype));
  DeviceBuffer normed(x.size() * elem), y(static_cast<size_t>(vocab) * elem);
  if (!lb::kernels::decode_lm_head_normed_applies(hidden, elem, wd.p, y.p)) {
    check::fail(__FILE__, __LINE__, std::string("lm head not applicable: ") + dtype_name(dtype) + " hidden " +
                                        std::to_string(hidden));
    return;
  }
  ok(lb::kernels::decode_rms_norm_f32_cuda(decode_type(dtype), static_cast<const float*>(xd.p), gd.p, normed.p, 1, hidden,
                                           1e-5f, nullptr, 0, nullptr),
     "decode_rms_norm_f32_cuda");
  ok(lb::kernels::decode_lm_head_normed_cuda(decode_type(dtype), static_cast<const float*>(xd.p), gd.p, wd.p, y.p, vocab,
                                             hidden, 1e-5f, nullptr),
     "decode_lm_head_normed_cuda");
  ok(cudaDeviceSynchronize(), "decode_lm_head_normed_cuda run");
  std::vector<float> n(x.size()), got(static_cast<size_t>(vocab));
  if (dtype == 0) {
    n = normed.read<float>(x.size());
    got = y.read<float>(got.size());
  } else {
    const std::vector<uint16_t> nb = normed.read<uint16_t>(x.size()), yb = y.read<uint16_t>(got.size());
    for (size_t i = 0; i < n.size(); ++i) n[i] = dtype == 1 ? gemv_ref::half_value(nb[i]) : gemv_ref::bf16_value(nb[i]);
    for (size_t i = 0; i < got.size(); ++i) got[i] = dtype == 1 ? gemv_ref::half_value(yb[i]) : gemv_ref::bf16_value(yb[i]);
  }
  const double ulp = dtype == 0 ? std::ldexp(1.0, -23) : dtype == 1 ? std::ldexp(1.0, -10) : std::ldexp(1.0, -7);
  int bad = 0;
  for (int64_t r = 0; r < vocab; ++r) {
    double ref = 0, mag = 0;
    for (int64_t i = 0; i < hidden; ++i) {
      const double p = static_cast<double>(wv[static_cast<size_t>(r * hidden + i)]) * n[static_cast<size_t>(i)];
      ref += p;
      mag += std::fabs(p);
    }
    const double err = std::fabs(got[static_cast<size_t>(r)] - ref);
    const double tol = ulp * std::fabs(ref) + 3e-5 * mag + 1e-30;
    lm_head_worst = std::max(lm_head_worst, err / tol);
    if (!(err <= tol) && bad++ < 3) {
      std::printf("lm head %s vocab %lld hidden %lld row %lld: %g, expected %g (tolerance %g)\n", dtype_name(dtype),
                  static_cast<long long>(vocab), static_cast<long long>(hidden), static_cast<long long>(r),
                  got[static_cast<size_t>(r)], ref, tol);
    }
  }
  CHECK(bad == 0);
  ++lm_head_cases;
}

// decode_embed_f32_cuda: the token's row of the table in f32, exactly, and the buffer zeroed; another token's row at a
// second launch.
int embed_cases = 0;

void embed_case(int dtype, int64_t vocab, int64_t hidden, int64_t zero_count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> table(static_cast<size_t>(vocab * hidden));
  for (float& v : table) v = normal(rng);
  const gemv_ref::Stored ts = gemv_ref::store(table, dtype);
  const std::vector<float> tv = device_values(ts, dtype, table.size());
  DeviceBuffer td(ts.bytes(dtype), ts.data(dtype)), x(static_cast<size_t>(hidden) * 4), token(8),
      zero(static_cast<size_t>(zero_count) * 4 + 4);
  for (int64_t id : {vocab - 1, vocab / 2}) {
    ok(cudaMemcpy(token.p, &id, 8, cudaMemcpyHostToDevice), "cudaMemcpy");
    ok(cudaMemset(zero.p, 0x7F, static_cast<size_t>(zero_count) * 4 + 4), "cudaMemset");
    ok(lb::kernels::decode_embed_f32_cuda(decode_type(dtype), td.p, static_cast<const int64_t*>(token.p), vocab, hidden,
                                          static_cast<float*>(x.p), static_cast<float*>(zero.p), zero_count, nullptr),
       "decode_embed_f32_cuda");
    ok(cudaDeviceSynchronize(), "decode_embed_f32_cuda run");
    const std::vector<float> got = x.read<float>(static_cast<size_t>(hidden));
    const std::vector<float> z = zero.read<float>(static_cast<size_t>(zero_count) + 1);
    bool same = true, zeroed = true;
    for (int64_t i = 0; i < hidden; ++i) same = same && got[static_cast<size_t>(i)] == tv[static_cast<size_t>(id * hidden + i)];
    for (int64_t i = 0; i < zero_count; ++i) zeroed = zeroed && z[static_cast<size_t>(i)] == 0.0f;
    if (!same || !zeroed || z[static_cast<size_t>(zero_count)] == 0.0f) {
      std::printf("embed %s vocab %lld hidden %lld zero %lld id %lld: row %s, zeroed %s, past the end %s\n",
                  dtype_name(dtype), static_cast<long long>(vocab), static_cast<long long>(hidden),
                  static_cast<long long>(zero_count), static_cast<long long>(id), same ? "equal" : "DIFFERS",
                  zeroed ? "yes" : "NO", z[static_cast<size_t>(zero_count)] == 0.0f ? "WRITTEN" : "untouched");
      check::fail(__FILE__, __LINE__, "decode_embed_f32_cuda");
    }
  }
  ++embed_cases;
}

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("SKIP: no CUDA device: test_decode_step_cuda did not run\n");
    return 0;
  }
  std::printf("programmatic dependent launch on this device: %s\n", lb::kernels::pdl_enabled() ? "yes" : "no");
  for (int dtype = 0; dtype < 3; ++dtype) {
    for (bool f32_input : {false, true}) {
      for (int64_t hidden : {int64_t{4096}, int64_t{4100}, int64_t{8192}, int64_t{96}, int64_t{4098}, int64_t{8196},
                             int64_t{12288}, int64_t{6}}) {
        norm_case(dtype, f32_input, hidden == 96 ? 5 : 1, hidden);
      }
    }
  }
  std::printf("RMSNorm: %d cases within 2 ulp of the rounded double reference, worst relative error %.3g\n", norm_cases,
              worst_norm);
  const AttentionCase cases[] = {
      {4, 4, 128, 64, 0},    {8, 2, 64, 300, 299},  {3, 1, 80, 40, 17},       {2, 2, 256, 1100, 1037},
      {4, 4, 6, 50, 33},     {5, 5, 130, 70, 31},   {2, 1, 128, 8192, 8191},  {32, 32, 128, 256, 131},
  };
  // every attention form: one-pass (decode_attention.cuh, where head_dim allows) with a head's keys split over a
  // cluster of blocks and in one block, and two-pass
  const struct {
    int online, split;
    const char* name;
  } forms[] = {{1, 8, "one-pass where it applies, keys split over a cluster of 8"},
               {1, 4, "one-pass where it applies, keys split over a cluster of 4"},
               {1, 2, "one-pass where it applies, keys split over a cluster of 2"},
               {1, 1, "one-pass where it applies, one block per head"},
               {0, 1, "two-pass"}};
  for (const auto& form : forms) {
    lb::kernels::decode_attention_set_online(form.online);
    lb::kernels::decode_attention_set_split(form.split);
    attention_online = form.online != 0;
    for (double& w : worst_attention) w = 0;
    std::printf("attention form: %s\n", form.name);
    for (int dtype = 0; dtype < 3; ++dtype) {
      for (const AttentionCase& c : cases) attention_case(c, dtype);
    }
    std::printf("attention worst relative error: f32 %.3g, f16 %.3g, bf16 %.3g\n", worst_attention[0], worst_attention[1],
                worst_attention[2]);
    for (int dtype = 0; dtype < 3; ++dtype) {
      for (const AttentionCase& c : cases) {
        rotary_attention_case(c, dtype, false);
        if (dtype != 0) rotary_attention_case(c, dtype, true);
      }
    }
    std::printf("rotary+attention kernel: %d cases bit-identical to RoPE + attention\n", rotary_attention_cases);
    const AttentionCase slot_cases[] = {{4, 4, 128, 64, 0}, {8, 2, 64, 300, 299}, {3, 1, 32, 40, 17},
                                       {2, 2, 256, 1100, 1037}, {32, 32, 128, 256, 131}};
    for (int dtype = 0; dtype < 3; ++dtype) {
      for (int bits : {2, 3, 4}) {
        for (const AttentionCase& c : slot_cases) o_slots_case(c, dtype, bits);
      }
    }
    std::printf("o slots: %d cases (attention output unchanged, slots equal quantize_x_kernel's, prepared GEMV agrees)\n",
                o_slot_cases);
    std::printf("attention + o in one kernel: %d cases (output and cache unchanged, y as the prepared GEMV's)\n",
                attention_o_cases);
  }
  lb::kernels::decode_attention_set_online(-1);
  lb::kernels::decode_attention_set_split(-1);
  uint64_t seed = 1;
  for (int dtype = 0; dtype < 3; ++dtype) {
    for (int64_t vocab : {int64_t{1}, int64_t{50}, int64_t{255}, int64_t{256}, int64_t{257}, int64_t{32000},
                          int64_t{151936}}) {
      greedy_case(dtype, vocab, -1, seed++);
      const int64_t bad_at = vocab / 3 + static_cast<int64_t>(seed % 2);  // a NaN at even indices, an Inf at odd
      if (vocab > 2) greedy_case(dtype, vocab, bad_at, seed++);
    }
  }
  std::printf("greedy pick: %d cases (logits, token, position, result slot, first non-finite) as the host's argmax\n",
              greedy_cases);
  seed = 1;
  for (int dtype = 0; dtype < 3; ++dtype) {
    for (int64_t vocab : {int64_t{1}, int64_t{7}, int64_t{1000}, int64_t{32000}, int64_t{151936}}) {
      for (float temperature : {0.7f, 1.0f}) {
        for (float top_p : {1e-6f, 0.5f, 0.9f, 1.0f}) sample_case(dtype, vocab, temperature, top_p, seed++, -1);
      }
      if (vocab > 2) sample_case(dtype, vocab, 0.8f, 0.9f, seed++, vocab / 2);
    }
  }
  std::printf("sampled pick: %d cases as the reference (%d within 1e-5 of a boundary, not compared)\n", sample_cases,
              sample_near);
  CHECK(sample_near * 10 < sample_cases);
  seed = 1;
  for (int dtype = 0; dtype < 3; ++dtype) {
    for (int64_t hidden : {int64_t{64}, int64_t{136}, int64_t{4096}, int64_t{8192}}) {
      for (int64_t vocab : {int64_t{1}, int64_t{7}, int64_t{1000}, int64_t{4099}}) lm_head_case(dtype, vocab, hidden, seed++);
    }
    if (dtype == 1) lm_head_case(dtype, 32000, 4096, seed++);  // the Llama-2 head
    for (int64_t hidden : {int64_t{1}, int64_t{100}, int64_t{4096}}) {
      for (int64_t zero_count : {int64_t{0}, int64_t{5}, int64_t{12289}}) embed_case(dtype, 301, hidden, zero_count, seed++);
    }
  }
  std::printf("lm head (final RMSNorm folded in): %d cases, worst error / tolerance %.3f; embedding: %d cases exact\n",
              lm_head_cases, lm_head_worst, embed_cases);
  o_slots_rejected();
  chain_case(true);
  chain_case(false);
  return check::finish("test_decode_step_cuda");
}
