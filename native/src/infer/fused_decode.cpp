#include "src/infer/fused_decode.h"

#include <ATen/ops/empty.h>
#include <ATen/ops/empty_like.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "src/error.h"
#include "src/model/argument_checks.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/decode_cuda.h"
#include "src/packed_cuda_tensors.h"
#endif

namespace lb::infer {

#if LOWBIT_WITH_CUDA
namespace {

kernels::DecodeType decode_type(c10::ScalarType t) {
  switch (t) {
    case c10::ScalarType::Float: return kernels::DecodeType::F32;
    case c10::ScalarType::Half: return kernels::DecodeType::F16;
    case c10::ScalarType::BFloat16: return kernels::DecodeType::BF16;
    default: throw_unsupported("the fused decode kernels take F32, F16 or BF16");
  }
}

cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check(cudaError_t status, const char* kernel) {
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string(kernel) + " launch failed: " + cudaGetErrorString(status));
  }
}

}  // namespace

bool fused_decode_available(c10::Device device, c10::ScalarType dtype, int64_t head_dim, int64_t max_seq) {
  const char* env = std::getenv("LOWBIT_FUSED_DECODE");
  if (env != nullptr && std::strcmp(env, "0") == 0) return false;
  const bool float_type = dtype == c10::ScalarType::Float || dtype == c10::ScalarType::Half ||
                          dtype == c10::ScalarType::BFloat16;
  return device.is_cuda() && float_type && head_dim % 2 == 0 && head_dim <= kernels::kDecodeMaxHeadDim &&
         max_seq <= kernels::kDecodeMaxSeq;
}

at::Tensor fused_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor in = x.contiguous();
  at::Tensor y = at::empty_like(in);
  const c10::cuda::CUDAGuard guard(in.device());
  check(kernels::decode_rms_norm_cuda(decode_type(in.scalar_type()), in.data_ptr(), weight.data_ptr(), y.data_ptr(),
                                      in.numel() / in.size(-1), in.size(-1), static_cast<float>(eps), stream_of(in)),
        "decode RMSNorm");
  return y;
}

at::Tensor fused_rotary_kv(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                           const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                           int64_t kv_heads, int64_t head_dim) {
  const at::Tensor in = qkv.contiguous();
  at::Tensor q = at::empty({1, heads * head_dim}, k_cache.options());
  const c10::cuda::CUDAGuard guard(in.device());
  if (in.scalar_type() == at::kFloat && k_cache.scalar_type() != at::kFloat) {  // the accumulate step's f32 GEMV output
    check(kernels::decode_rotary_kv_f32_cuda(decode_type(k_cache.scalar_type()), in.data_ptr<float>(), cos.data_ptr(),
                                             sin.data_ptr(), positions.data_ptr<int64_t>(), q.data_ptr(),
                                             k_cache.data_ptr(), v_cache.data_ptr(), heads, kv_heads, head_dim,
                                             k_cache.size(2), stream_of(in)),
          "decode RoPE + KV write (f32 qkv)");
    return q;
  }
  check(kernels::decode_rotary_kv_cuda(decode_type(in.scalar_type()), in.data_ptr(), cos.data_ptr(), sin.data_ptr(),
                                       positions.data_ptr<int64_t>(), q.data_ptr(), k_cache.data_ptr(),
                                       v_cache.data_ptr(), heads, kv_heads, head_dim, k_cache.size(2), stream_of(in)),
        "decode RoPE + KV write");
  return q;
}

at::Tensor fused_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                           const at::Tensor& positions, int64_t heads, int64_t kv_heads, int64_t head_dim) {
  at::Tensor out = at::empty({1, heads * head_dim}, q.options());
  const c10::cuda::CUDAGuard guard(q.device());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  check(kernels::decode_attention_cuda(decode_type(q.scalar_type()), q.data_ptr(), k_cache.data_ptr(),
                                       v_cache.data_ptr(), positions.data_ptr<int64_t>(), out.data_ptr(), heads,
                                       kv_heads, head_dim, k_cache.size(2), scale, stream_of(q)),
        "decode attention");
  return out;
}

bool decode_rope_attention_requested() {
  const char* env = std::getenv("LOWBIT_DECODE_ROPE_ATTENTION");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

at::Tensor fused_rotary_attention(const at::Tensor& qkv, const at::Tensor& cos, const at::Tensor& sin,
                                  const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                                  int64_t kv_heads, int64_t head_dim) {
  const at::Tensor in = qkv.contiguous();
  at::Tensor out = at::empty({1, heads * head_dim}, k_cache.options());
  const c10::cuda::CUDAGuard guard(in.device());
  const bool qkv_f32 = in.scalar_type() == at::kFloat && k_cache.scalar_type() != at::kFloat;
  if (!qkv_f32 && in.scalar_type() != k_cache.scalar_type()) {
    throw_invalid("fused_rotary_attention: qkv is " + std::string(c10::toString(in.scalar_type())) + ", the cache " +
                  std::string(c10::toString(k_cache.scalar_type())));
  }
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  check(kernels::decode_rotary_attention_cuda(decode_type(k_cache.scalar_type()), qkv_f32, in.data_ptr(), cos.data_ptr(),
                                              sin.data_ptr(), positions.data_ptr<int64_t>(), k_cache.data_ptr(),
                                              v_cache.data_ptr(), out.data_ptr(), heads, kv_heads, head_dim,
                                              k_cache.size(2), scale, stream_of(in)),
        "decode RoPE + KV write + attention");
  return out;
}

at::Tensor fused_silu_mul(const at::Tensor& gate_up, int64_t inter) {
  const at::Tensor in = gate_up.contiguous();
  at::Tensor out = at::empty({in.numel() / (2 * inter), inter}, in.options());
  const c10::cuda::CUDAGuard guard(in.device());
  check(kernels::decode_silu_mul_cuda(decode_type(in.scalar_type()), in.data_ptr(), out.data_ptr(), out.size(0), inter,
                                      stream_of(in)),
        "decode SiLU * up");
  return out;
}

bool decode_accumulate_requested() {
  const char* env = std::getenv("LOWBIT_DECODE_ACCUMULATE");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

bool decode_normed_requested() {
  const char* env = std::getenv("LOWBIT_DECODE_NORMED");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

at::Tensor fused_rotary_attention_normed(const at::Tensor& qkv_sums, const at::Tensor& bias, int64_t hidden,
                                         double eps, at::Tensor& zero,
                                         const at::Tensor& cos, const at::Tensor& sin, const at::Tensor& positions,
                                         at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads, int64_t kv_heads,
                                         int64_t head_dim, const at::Tensor& o_slots, int o_bits) {
  const int64_t qkv_dim = (heads + 2 * kv_heads) * head_dim;
  if (qkv_sums.scalar_type() != at::kFloat || !qkv_sums.is_contiguous() || qkv_sums.numel() != qkv_dim + 1) {
    throw_invalid("fused_rotary_attention_normed: qkv_sums is not a contiguous F32 tensor of " +
                  std::to_string(qkv_dim + 1) + " elements (q, k, v, then the sum of squares)");
  }
  if (zero.scalar_type() != at::kFloat || !zero.is_contiguous()) {
    throw_invalid("fused_rotary_attention_normed: the buffer to zero is not a contiguous F32 tensor");
  }
  if (bias.defined() && (bias.scalar_type() != k_cache.scalar_type() || !bias.is_contiguous() || bias.numel() != qkv_dim)) {
    throw_invalid("fused_rotary_attention_normed: the bias is not a contiguous " +
                  std::string(c10::toString(k_cache.scalar_type())) + " tensor of " + std::to_string(qkv_dim) + " elements");
  }
  if (o_slots.defined() &&
      (o_slots.scalar_type() != at::kByte || !o_slots.is_contiguous() || o_slots.device() != qkv_sums.device() ||
       o_slots.numel() < decode_attention_o_slots_bytes(heads, head_dim) ||
       !kernels::decode_attention_slots_apply(head_dim, o_bits, o_slots.data_ptr()))) {
    throw_invalid("fused_rotary_attention_normed: the o projection's slots are not a 16-byte aligned byte tensor of " +
                  std::to_string(decode_attention_o_slots_bytes(heads, head_dim)) + " bytes for bits 2-4 and a head_dim "
                  "that is a multiple of 32 (head_dim " + std::to_string(head_dim) + ", bits " + std::to_string(o_bits) + ")");
  }
  at::Tensor out = at::empty({1, heads * head_dim}, k_cache.options());
  const c10::cuda::CUDAGuard guard(qkv_sums.device());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  const float* q = qkv_sums.data_ptr<float>();
  check(kernels::decode_rotary_attention_normed_cuda(
            decode_type(k_cache.scalar_type()), q, q + qkv_dim, hidden, static_cast<float>(eps),
            bias.defined() ? bias.data_ptr() : nullptr, zero.data_ptr<float>(), zero.numel(), cos.data_ptr(), sin.data_ptr(), positions.data_ptr<int64_t>(), k_cache.data_ptr(),
            v_cache.data_ptr(), out.data_ptr(), heads, kv_heads, head_dim, k_cache.size(2), scale, stream_of(qkv_sums),
            o_slots.defined() ? o_slots.data_ptr() : nullptr, o_bits),
        "decode normed RoPE + KV write + attention");
  return out;
}

bool decode_o_prepared_requested() {
  const char* env = std::getenv("LOWBIT_DECODE_O_PREPARED");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

bool decode_attention_o_slots_apply(int64_t head_dim, int o_bits) {
  return kernels::decode_attention_slots_apply(head_dim, o_bits, nullptr);
}

bool decode_attention_o_requested(int bits) {
  const char* env = std::getenv("LOWBIT_DECODE_ATTENTION_O");
  if (env == nullptr || *env == '\0') return bits == 2;
  return std::strcmp(env, "0") != 0;
}

namespace {

// The kernel's o arguments for y f32 [1, hidden] (o's qweight [heads * head_dim * bits / 32, hidden]).
kernels::PackedLinearCudaArgs attention_o_args(const PackedGemvOperands& o, int64_t in, at::Tensor& y) {
  return packed_gemv_args(o.qweight, o.qzeros, o.scales, o.bits, o.rows_per_group, o.zero_offset, 1, in, y);
}

}  // namespace

bool fused_rotary_attention_o_applies(c10::ScalarType dtype, int64_t heads, int64_t head_dim,
                                      const PackedGemvOperands& o, at::Tensor& y) {
  if (!o.qweight.defined() || !o.qweight.is_cuda() || !o.qweight.is_contiguous() || !o.scales.is_contiguous() ||
      !o.qzeros.is_contiguous() || y.scalar_type() != at::kFloat || !y.is_contiguous() || y.dim() != 2 ||
      y.size(0) != 1 || y.size(1) != o.qweight.size(1) || o.qweight.size(0) * 32 != heads * head_dim * o.bits ||
      (dtype != at::kHalf && dtype != at::kBFloat16)) {
    return false;
  }
  return kernels::decode_rotary_attention_o_applies(decode_type(dtype), heads, head_dim,
                                                    attention_o_args(o, heads * head_dim, y));
}

void fused_rotary_attention_o(const at::Tensor& qkv_sums, const at::Tensor& bias, int64_t hidden, double eps,
                              at::Tensor& zero, const at::Tensor& cos, const at::Tensor& sin,
                              const at::Tensor& positions, at::Tensor& k_cache, at::Tensor& v_cache, int64_t heads,
                              int64_t kv_heads, int64_t head_dim, const PackedGemvOperands& o, at::Tensor& y) {
  const int64_t qkv_dim = (heads + 2 * kv_heads) * head_dim;
  if (qkv_sums.scalar_type() != at::kFloat || !qkv_sums.is_contiguous() || qkv_sums.numel() != qkv_dim + 1 ||
      zero.scalar_type() != at::kFloat || !zero.is_contiguous() ||
      (bias.defined() && (bias.scalar_type() != k_cache.scalar_type() || !bias.is_contiguous() || bias.numel() != qkv_dim))) {
    throw_invalid("fused_rotary_attention_o: qkv_sums, zero or bias is not as fused_rotary_attention_normed takes them");
  }
  if (!fused_rotary_attention_o_applies(k_cache.scalar_type(), heads, head_dim, o, y)) {
    throw_unsupported("fused_rotary_attention_o: the kernel does not take this o projection (bits " +
                      std::to_string(o.bits) + ", head_dim " + std::to_string(head_dim) + ", " +
                      std::string(c10::toString(k_cache.scalar_type())) + ")");
  }
  const c10::cuda::CUDAGuard guard(qkv_sums.device());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  const float* q = qkv_sums.data_ptr<float>();
  check(kernels::decode_rotary_attention_o_cuda(
            decode_type(k_cache.scalar_type()), q, q + qkv_dim, hidden, static_cast<float>(eps),
            bias.defined() ? bias.data_ptr() : nullptr, zero.data_ptr<float>(), zero.numel(), cos.data_ptr(),
            sin.data_ptr(), positions.data_ptr<int64_t>(), k_cache.data_ptr(), v_cache.data_ptr(), nullptr, heads,
            kv_heads, head_dim, k_cache.size(2), scale, attention_o_args(o, heads * head_dim, y), stream_of(qkv_sums)),
        "decode normed RoPE + KV write + attention + o projection");
}

int64_t decode_attention_o_slots_bytes(int64_t heads, int64_t head_dim) {
  return kernels::decode_attention_slots_bytes(heads, head_dim);
}

at::Tensor fused_rms_norm_f32(const at::Tensor& x, const at::Tensor& weight, double eps, const at::Tensor& zero) {
  const at::Tensor in = x.contiguous();
  if (in.scalar_type() != at::kFloat) throw_invalid("fused_rms_norm_f32: x is not F32");
  if (zero.defined() && (zero.scalar_type() != at::kFloat || !zero.is_contiguous())) {
    throw_invalid("fused_rms_norm_f32: the buffer to zero is not a contiguous F32 tensor");
  }
  at::Tensor y = at::empty(in.sizes(), in.options().dtype(weight.scalar_type()));
  const c10::cuda::CUDAGuard guard(in.device());
  check(kernels::decode_rms_norm_f32_cuda(decode_type(weight.scalar_type()), in.data_ptr<float>(), weight.data_ptr(),
                                          y.data_ptr(), in.numel() / in.size(-1), in.size(-1), static_cast<float>(eps),
                                          zero.defined() ? zero.data_ptr<float>() : nullptr,
                                          zero.defined() ? zero.numel() : 0, stream_of(in)),
        "decode RMSNorm (f32 residual)");
  return y;
}

at::Tensor fused_silu_mul_f32(const at::Tensor& gate_up, int64_t inter, c10::ScalarType out_dtype) {
  const at::Tensor in = gate_up.contiguous();
  if (in.scalar_type() != at::kFloat) throw_invalid("fused_silu_mul_f32: gate_up is not F32");
  at::Tensor out = at::empty({in.numel() / (2 * inter), inter}, in.options().dtype(out_dtype));
  const c10::cuda::CUDAGuard guard(in.device());
  check(kernels::decode_silu_mul_f32_cuda(decode_type(out_dtype), in.data_ptr<float>(), out.data_ptr(), out.size(0),
                                          inter, stream_of(in)),
        "decode SiLU * up (f32 gate_up)");
  return out;
}

bool decode_fused_ends_requested() {
  const char* env = std::getenv("LOWBIT_DECODE_FUSED_ENDS");
  return env == nullptr || std::strcmp(env, "0") != 0;
}

bool fused_embed_f32_applies(const at::Tensor& embed, const at::Tensor& ids) {
  return embed.is_cuda() && embed.dim() == 2 && embed.is_contiguous() && ids.device() == embed.device() &&
         ids.scalar_type() == at::kLong && ids.numel() == 1;
}

at::Tensor fused_embed_f32(const at::Tensor& embed, const at::Tensor& ids, at::Tensor& zero) {
  if (!fused_embed_f32_applies(embed, ids)) throw_invalid("fused_embed_f32: embed or ids not as the kernel takes them");
  if (zero.scalar_type() != at::kFloat || !zero.is_contiguous() || zero.device() != embed.device()) {
    throw_invalid("fused_embed_f32: the buffer to zero is not a contiguous F32 tensor on " + embed.device().str());
  }
  const at::Tensor id = ids.contiguous();
  at::Tensor x = at::empty({1, embed.size(1)}, embed.options().dtype(at::kFloat));
  const c10::cuda::CUDAGuard guard(embed.device());
  check(kernels::decode_embed_f32_cuda(decode_type(embed.scalar_type()), embed.data_ptr(), id.data_ptr<int64_t>(),
                                       embed.size(0), embed.size(1), x.data_ptr<float>(), zero.data_ptr<float>(),
                                       zero.numel(), stream_of(embed)),
        "decode embedding (f32 residual)");
  return x;
}

bool fused_lm_head_normed_applies(const at::Tensor& x, const at::Tensor& lm_head) {
  return lm_head.is_cuda() && lm_head.dim() == 2 && lm_head.is_contiguous() && x.scalar_type() == at::kFloat &&
         x.numel() == lm_head.size(1) && x.device() == lm_head.device() &&
         kernels::decode_lm_head_normed_applies(lm_head.size(1), lm_head.element_size(), lm_head.data_ptr(),
                                                lm_head.data_ptr());
}

at::Tensor fused_lm_head_normed(const at::Tensor& x, const at::Tensor& norm_weight, const at::Tensor& lm_head,
                                double eps) {
  const at::Tensor in = x.contiguous();
  if (!fused_lm_head_normed_applies(in, lm_head)) {
    throw_invalid("fused_lm_head_normed: x " + model::shape_text(x.sizes()) + " and lm_head " +
                  model::shape_text(lm_head.sizes()) + " are not as the kernel takes them");
  }
  const at::Tensor w = norm_weight.contiguous();
  if (w.scalar_type() != lm_head.scalar_type() || w.numel() != lm_head.size(1)) {
    throw_invalid("fused_lm_head_normed: the norm weight is not [hidden] in the LM head's dtype");
  }
  at::Tensor y = at::empty({1, lm_head.size(0)}, lm_head.options());
  const c10::cuda::CUDAGuard guard(in.device());
  check(kernels::decode_lm_head_normed_cuda(decode_type(lm_head.scalar_type()), in.data_ptr<float>(), w.data_ptr(),
                                            lm_head.data_ptr(), y.data_ptr(), lm_head.size(0), lm_head.size(1),
                                            static_cast<float>(eps), stream_of(in)),
        "decode LM head (final RMSNorm folded in)");
  return y;
}

#else  // no CUDA in this build

bool fused_decode_available(c10::Device, c10::ScalarType, int64_t, int64_t) { return false; }
at::Tensor fused_rms_norm(const at::Tensor&, const at::Tensor&, double) { throw_unsupported("built without CUDA"); }
at::Tensor fused_rotary_kv(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, at::Tensor&,
                           at::Tensor&, int64_t, int64_t, int64_t) {
  throw_unsupported("built without CUDA");
}
at::Tensor fused_attention(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, int64_t, int64_t,
                           int64_t) {
  throw_unsupported("built without CUDA");
}
at::Tensor fused_silu_mul(const at::Tensor&, int64_t) { throw_unsupported("built without CUDA"); }
bool decode_rope_attention_requested() { return false; }
at::Tensor fused_rotary_attention(const at::Tensor&, const at::Tensor&, const at::Tensor&, const at::Tensor&, at::Tensor&,
                                  at::Tensor&, int64_t, int64_t, int64_t) {
  throw_unsupported("built without CUDA");
}
bool decode_accumulate_requested() { return false; }
bool decode_normed_requested() { return false; }
at::Tensor fused_rotary_attention_normed(const at::Tensor&, const at::Tensor&, int64_t, double, at::Tensor&, const at::Tensor&,
                                         const at::Tensor&, const at::Tensor&, at::Tensor&, at::Tensor&, int64_t,
                                         int64_t, int64_t, const at::Tensor&, int) {
  throw_unsupported("built without CUDA");
}
bool decode_o_prepared_requested() { return false; }
bool decode_attention_o_slots_apply(int64_t, int) { return false; }
bool decode_attention_o_requested(int) { return false; }
bool fused_rotary_attention_o_applies(c10::ScalarType, int64_t, int64_t, const PackedGemvOperands&, at::Tensor&) {
  return false;
}
void fused_rotary_attention_o(const at::Tensor&, const at::Tensor&, int64_t, double, at::Tensor&, const at::Tensor&,
                              const at::Tensor&, const at::Tensor&, at::Tensor&, at::Tensor&, int64_t, int64_t, int64_t,
                              const PackedGemvOperands&, at::Tensor&) {
  throw_unsupported("built without CUDA");
}
int64_t decode_attention_o_slots_bytes(int64_t, int64_t) { return 0; }
at::Tensor fused_rms_norm_f32(const at::Tensor&, const at::Tensor&, double, const at::Tensor&) {
  throw_unsupported("built without CUDA");
}
at::Tensor fused_silu_mul_f32(const at::Tensor&, int64_t, c10::ScalarType) { throw_unsupported("built without CUDA"); }

bool decode_fused_ends_requested() { return false; }
bool fused_embed_f32_applies(const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fused_embed_f32(const at::Tensor&, const at::Tensor&, at::Tensor&) { throw_unsupported("built without CUDA"); }
bool fused_lm_head_normed_applies(const at::Tensor&, const at::Tensor&) { return false; }
at::Tensor fused_lm_head_normed(const at::Tensor&, const at::Tensor&, const at::Tensor&, double) {
  throw_unsupported("built without CUDA");
}

#endif

}  // namespace lb::infer
