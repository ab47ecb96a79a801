// lb_decoder_*: prefill logits against the block-by-block forward (lb_embedding, lb_llama_block_forward,
// lb_llama_head); KV-cache decode steps against full recomputation; packed int4/int2 linears against the
// same weights dequantized; the sampler; argument errors. CUDA (graph and eager) where a device exists.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"

namespace {

// head_dim 32: a head is one k-block of the packed GEMV, so the normed step's attention writes the o GEMV's input
constexpr int64_t kHidden = 64, kInter = 128, kHeads = 2, kKvHeads = 1, kHeadDim = 32, kVocab = 50, kLayers = 2;
const int64_t kOut[7] = {kHeads * kHeadDim, kKvHeads * kHeadDim, kKvHeads * kHeadDim, kHidden, kInter, kInter, kHidden};
const int64_t kIn[7] = {kHidden, kHidden, kHidden, kHeads * kHeadDim, kHidden, kHidden, kInter};

struct DecoderDeleter {
  void operator()(lb_decoder_s* d) const { lb_decoder_free(d); }
};
using Decoder = std::unique_ptr<lb_decoder_s, DecoderDeleter>;
struct BlockDeleter {
  void operator()(lb_block_s* b) const { lb_llama_block_free(b); }
};
using Block = std::unique_ptr<lb_block_s, BlockDeleter>;

struct Random {
  uint64_t state;
  float next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(static_cast<double>(state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
  }
  std::vector<float> values(int64_t n, float scale, float offset = 0.0f) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = offset + scale * next();
    return v;
  }
};

lb_llama_config config(int32_t dtype) {
  lb_llama_config c{};
  c.struct_size = sizeof(c);
  c.hidden_size = kHidden;
  c.intermediate_size = kInter;
  c.num_heads = kHeads;
  c.num_kv_heads = kKvHeads;
  c.head_dim = kHeadDim;
  c.rope_theta = 10000.0;
  c.rms_norm_eps = 1e-5;
  c.compute_dtype = dtype;
  return c;
}

// A model with random weights: f32 host tensors.
struct Model {
  Tensor embed, norm, lm_head;
  struct Layer {
    Tensor input_norm, post_norm;
    Tensor linear[7];
    Tensor q_bias;
  };
  std::vector<Layer> layers;

  explicit Model(uint64_t seed) {
    Random rng{seed};
    embed = host_tensor(rng.values(kVocab * kHidden, 1.0f), LB_DTYPE_F32, {kVocab, kHidden});
    norm = host_tensor(rng.values(kHidden, 0.2f, 1.0f), LB_DTYPE_F32, {kHidden});
    lm_head = host_tensor(rng.values(kVocab * kHidden, 0.3f), LB_DTYPE_F32, {kVocab, kHidden});
    for (int l = 0; l < kLayers; ++l) {
      Layer layer;
      layer.input_norm = host_tensor(rng.values(kHidden, 0.2f, 1.0f), LB_DTYPE_F32, {kHidden});
      layer.post_norm = host_tensor(rng.values(kHidden, 0.2f, 1.0f), LB_DTYPE_F32, {kHidden});
      for (int i = 0; i < 7; ++i) {
        layer.linear[i] = host_tensor(rng.values(kOut[i] * kIn[i], 1.5f / std::sqrt(float(kIn[i]))), LB_DTYPE_F32, {kOut[i], kIn[i]});
      }
      layer.q_bias = host_tensor(rng.values(kOut[0], 0.3f), LB_DTYPE_F32, {kOut[0]});
      layers.push_back(std::move(layer));
    }
  }
};

// GPTQ tensors of one RTN-quantized linear, and its dequantized weight.
struct Packed {
  Tensor qweight, qzeros, scales, dequant;
  Tensor scales16;  // the scales in f16, as GPTQ checkpoints store them
};

Packed pack(lb_tensor w, int bits, int64_t group) {
  lb_rtn_options o{};
  o.struct_size = sizeof(o);
  o.bits = bits;
  o.group_size = group;
  lb_tensor codes = nullptr, scales = nullptr, zeros = nullptr, dq = nullptr;
  CHECK_OK(lb_quantize_rtn(w, &o, &codes, &scales, &zeros, &dq));
  Tensor c(codes), s(scales), z(zeros), d(dq);
  lb_tensor ct = nullptr, st = nullptr, zt = nullptr;
  CHECK_OK(lb_tensor_transpose(codes, &ct));
  CHECK_OK(lb_tensor_transpose(scales, &st));
  CHECK_OK(lb_tensor_transpose(zeros, &zt));
  Tensor codes_t(ct), scales_t(st), zeros_t(zt);
  Tensor zeros_i = convert(zeros_t.get(), LB_DTYPE_I32);
  Packed p;
  lb_tensor qw = nullptr, qz = nullptr, deq = nullptr;
  CHECK_OK(lb_pack_bits(codes_t.get(), bits, 0, &qw));
  CHECK_OK(lb_pack_bits(zeros_i.get(), bits, 1, &qz));
  p.qweight.reset(qw);
  p.qzeros.reset(qz);
  p.scales = std::move(scales_t);
  p.scales16 = convert(p.scales.get(), LB_DTYPE_F16);
  CHECK_OK(lb_dequantize_gptq(qw, qz, p.scales.get(), nullptr, bits, group, 0, &deq));
  p.dequant.reset(deq);
  return p;
}

// bits 0: dense weights (the model's, or the dequantized ones of `packed` when given); otherwise packed.
Decoder build(const Model& m, int32_t dtype, int32_t device, int64_t max_seq, bool graph, int bits,
              std::vector<std::vector<Packed>>* packed, bool scales16 = false) {
  lb_decoder_options o{};
  o.struct_size = sizeof(o);
  o.num_layers = kLayers;
  o.max_seq = max_seq;
  o.use_cuda_graph = graph ? 1 : 0;
  const lb_llama_config c = config(dtype);
  lb_decoder d = nullptr;
  CHECK_OK(lb_decoder_create(&c, m.embed.get(), m.norm.get(), m.lm_head.get(), &o, device, 0, &d));
  Decoder decoder(d);
  for (int l = 0; l < kLayers; ++l) {
    lb_decoder_linear linears[7] = {};
    for (int i = 0; i < 7; ++i) {
      linears[i].struct_size = sizeof(lb_decoder_linear);
      if (bits == 0) {
        linears[i].weight = packed ? (*packed)[l][i].dequant.get() : m.layers[l].linear[i].get();
      } else {
        const Packed& p = (*packed)[l][i];
        linears[i].qweight = p.qweight.get();
        linears[i].qzeros = p.qzeros.get();
        linears[i].scales = scales16 ? p.scales16.get() : p.scales.get();
        linears[i].bits = bits;
        linears[i].group_size = 32;
      }
    }
    linears[0].bias = m.layers[l].q_bias.get();
    CHECK_OK(lb_decoder_add_layer(d, m.layers[l].input_norm.get(), m.layers[l].post_norm.get(), linears, 7));
  }
  return decoder;
}

// Logits f32 [seq, vocab] of the block-by-block forward (f32, CPU).
std::vector<float> block_forward(const Model& m, const std::vector<int64_t>& ids) {
  const int64_t seq = static_cast<int64_t>(ids.size());
  Tensor id_tensor = host_tensor(ids, LB_DTYPE_I64, {1, seq});
  lb_tensor h = nullptr;
  CHECK_OK(lb_embedding(m.embed.get(), id_tensor.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, &h));
  Tensor hidden(h);
  const lb_llama_config c = config(LB_DTYPE_F32);
  for (const auto& layer : m.layers) {
    lb_llama_block_weights w{};
    w.struct_size = sizeof(w);
    w.input_norm = layer.input_norm.get();
    w.post_attention_norm = layer.post_norm.get();
    lb_tensor* slots[7] = {&w.q_proj, &w.k_proj, &w.v_proj, &w.o_proj, &w.gate_proj, &w.up_proj, &w.down_proj};
    for (int i = 0; i < 7; ++i) *slots[i] = layer.linear[i].get();
    w.q_bias = layer.q_bias.get();
    lb_block b = nullptr;
    CHECK_OK(lb_llama_block_create(&c, &w, LB_DEVICE_CPU, 0, &b));
    Block block(b);
    lb_tensor next = nullptr;
    CHECK_OK(lb_llama_block_forward(b, hidden.get(), &next));
    hidden.reset(next);
  }
  lb_tensor logits = nullptr;
  CHECK_OK(lb_llama_head(hidden.get(), m.norm.get(), m.lm_head.get(), 1e-5, nullptr, nullptr, &logits));
  Tensor l(logits);
  return to_vector<float>(logits);
}

std::vector<float> prefill(lb_decoder d, const std::vector<int64_t>& ids) {
  lb_tensor t = nullptr;
  CHECK_OK(lb_decoder_prefill(d, ids.data(), static_cast<int64_t>(ids.size()), &t));
  Tensor logits(t);
  return to_vector<float>(t);
}

std::vector<float> decode(lb_decoder d, int64_t token) {
  lb_tensor t = nullptr;
  CHECK_OK(lb_decoder_decode(d, token, &t));
  Tensor logits(t);
  return to_vector<float>(t);
}

double max_diff(const float* a, const float* b, int64_t n) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, static_cast<double>(std::fabs(a[i] - b[i])));
  return m;
}

// Both decoders reset, prefilled with ids[0..1], then stepped through the rest: the largest |logit difference| of
// the one-token steps.
double worst_step_diff(lb_decoder a, lb_decoder b, const std::vector<int64_t>& ids) {
  for (lb_decoder d : {a, b}) CHECK_OK(lb_decoder_reset(d));
  prefill(a, {ids[0], ids[1]});
  prefill(b, {ids[0], ids[1]});
  double worst = 0;
  for (size_t t = 2; t < ids.size(); ++t) {
    const std::vector<float> x = decode(a, ids[t]), y = decode(b, ids[t]);
    worst = std::max(worst, max_diff(x.data(), y.data(), kVocab));
  }
  return worst;
}

// Prefill of `first` ids then one decode step per further id; each step's logits against `expected` [seq, vocab].
void check_incremental(lb_decoder d, const std::vector<int64_t>& ids, size_t first, const std::vector<float>& expected,
                       double tolerance, const std::string& what) {
  CHECK_OK(lb_decoder_reset(d));
  std::vector<float> got = prefill(d, std::vector<int64_t>(ids.begin(), ids.begin() + first));
  for (size_t t = first - 1; t < ids.size(); ++t) {
    if (t >= first) got = decode(d, ids[t]);
    CHECK(got.size() == static_cast<size_t>(kVocab));
    const double diff = max_diff(got.data(), expected.data() + t * kVocab, kVocab);
    if (!(diff < tolerance)) {
      std::printf("%s: position %zu max |diff| %g (tolerance %g)\n", what.c_str(), t, diff, tolerance);
      CHECK(diff < tolerance);
    }
  }
}

int argmax(const std::vector<float>& v) {
  int best = 0;
  for (size_t i = 1; i < v.size(); ++i) if (v[i] > v[best]) best = static_cast<int>(i);
  return best;
}

// Greedy decode_next on a CUDA graph queues each step before the previous token is read (LOWBIT_DECODE_AHEAD): the
// same tokens as the host sampler on the same graph's logits (=0), also when the caller feeds a token other than
// the one returned (the queued step is discarded), up to the last cache position; logits and prefill after queued
// steps; a non-finite logit is the same error on both paths.
void check_greedy_ahead(const Model& m, const std::vector<int64_t>& ids, int32_t dtype, int bits,
                        std::vector<std::vector<Packed>>* packed) {
  constexpr int64_t kMaxSeq = 16;
  const bool scales16 = bits != 0;  // the fused GEMVs of the normed step take 16-bit scales
  Decoder ahead = build(m, dtype, LB_DEVICE_CUDA, kMaxSeq, true, bits, packed, scales16);
  setenv("LOWBIT_DECODE_AHEAD", "0", 1);
  Decoder host = build(m, dtype, LB_DEVICE_CUDA, kMaxSeq, true, bits, packed, scales16);
  unsetenv("LOWBIT_DECODE_AHEAD");
  int forced = 0, steps = 0;
  for (int round = 0; round < 2; ++round) {  // the second after reset + prefill, with steps still queued
    CHECK_OK(lb_decoder_reset(ahead.get()));
    CHECK_OK(lb_decoder_reset(host.get()));
    int64_t a = -1, h = -1;
    CHECK_OK(lb_decoder_prefill_next(ahead.get(), ids.data(), 3, &a));
    CHECK_OK(lb_decoder_prefill_next(host.get(), ids.data(), 3, &h));
    CHECK(a == h);
    for (int64_t position = 3; position < kMaxSeq; ++position) {
      // every third step (second round: every step from 9 on) feeds another token than the one returned
      const bool force = round == 0 ? position % 3 == 2 : position >= 9;
      const int64_t input = force ? (a + 7) % kVocab : a;
      forced += force ? 1 : 0;
      CHECK_OK(lb_decoder_decode_next(ahead.get(), input, &a));
      CHECK_OK(lb_decoder_decode_next(host.get(), input, &h));
      if (a != h) std::printf("greedy ahead: round %d position %lld: %lld vs host %lld\n", round,
                              static_cast<long long>(position), static_cast<long long>(a), static_cast<long long>(h));
      CHECK(a == h);
      ++steps;
      if (round == 1 && position == 6) {  // logits after a queued step: the same as the host decoder's
        const std::vector<float> la = decode(ahead.get(), a), lh = decode(host.get(), a);
        // the same kernels: equal, up to the order of the packed GEMVs' f32 atomic adds
        CHECK(max_diff(la.data(), lh.data(), kVocab) <= (bits == 0 ? 0.0 : 1e-2));
        CHECK(argmax(la) == argmax(lh));
        a = argmax(la);
        ++position;
      }
    }
    CHECK_FAILS(lb_decoder_decode_next(ahead.get(), a, &a), LB_ERR_INVALID_ARGUMENT, "max_seq=16");
  }
  std::printf("greedy ahead, dtype %d, bits %d: %d steps (%d fed another token) equal the host sampler's\n", dtype, bits,
              steps, forced);
  if (bits != 0) return;

  Model nan_model(7);
  std::vector<float> head = to_vector<float>(m.lm_head.get());
  head[7 * kHidden] = NAN;
  nan_model.lm_head = host_tensor(head, LB_DTYPE_F32, {kVocab, kHidden});
  Decoder bad = build(nan_model, dtype, LB_DEVICE_CUDA, kMaxSeq, true, 0, nullptr);
  int64_t t = -1;
  CHECK_OK(lb_decoder_prefill(bad.get(), ids.data(), 2, nullptr));
  CHECK_FAILS(lb_decoder_decode_next(bad.get(), 1, &t), LB_ERR_INTERNAL, "logits[7]=");  // captures
  CHECK_FAILS(lb_decoder_decode_next(bad.get(), 1, &t), LB_ERR_INTERNAL, "logits[7]=");  // on device
}

// Sampled decode_next on a CUDA graph draws on the device (decode_sample_cuda) and queues steps ahead like greedy:
// with top_p that keeps only the best token it follows the greedy decoder token for token; with a real top_p two
// decoders with the same seed give the same tokens, also when a queued step is discarded (another token fed), and
// set_sampling with another seed changes them.
void check_sampled_ahead(const Model& m, const std::vector<int64_t>& ids, int32_t dtype, int bits,
                         std::vector<std::vector<Packed>>* packed) {
  constexpr int64_t kMaxSeq = 16;
  const bool scales16 = bits != 0;
  Decoder a = build(m, dtype, LB_DEVICE_CUDA, kMaxSeq, true, bits, packed, scales16);
  Decoder b = build(m, dtype, LB_DEVICE_CUDA, kMaxSeq, true, bits, packed, scales16);
  Decoder greedy = build(m, dtype, LB_DEVICE_CUDA, kMaxSeq, true, bits, packed, scales16);
  const auto run = [&](lb_decoder d, double temperature, double top_p, uint64_t seed, bool force) {
    lb_sampling_options o{};
    o.struct_size = sizeof(o);
    o.temperature = temperature;
    o.top_p = top_p;
    o.seed = seed;
    CHECK_OK(lb_decoder_set_sampling(d, &o));
    CHECK_OK(lb_decoder_reset(d));
    std::vector<int64_t> out;
    int64_t t = -1;
    CHECK_OK(lb_decoder_prefill_next(d, ids.data(), 3, &t));
    for (int64_t position = 3; position < kMaxSeq; ++position) {
      const int64_t input = force && position == 8 ? (t + 3) % kVocab : t;  // a queued step discarded
      CHECK_OK(lb_decoder_decode_next(d, input, &t));
      CHECK(t >= 0 && t < kVocab);
      out.push_back(t);
    }
    return out;
  };
  const std::vector<int64_t> g = run(greedy.get(), 0.0, 1.0, 0, true);
  CHECK(run(a.get(), 0.8, 1e-7, 3, true) == g);  // top_p keeps the best token only
  for (bool force : {false, true}) {
    const std::vector<int64_t> x = run(a.get(), 1.0, 0.9, 11, force), y = run(b.get(), 1.0, 0.9, 11, force);
    CHECK(x == y);
    CHECK(run(a.get(), 1.0, 0.9, 11, force) == x);  // the same decoder again
  }
  int differ = 0;
  for (uint64_t seed = 20; seed < 24; ++seed) differ += run(a.get(), 1.5, 1.0, seed, false) != run(b.get(), 1.5, 1.0, 11, false) ? 1 : 0;
  CHECK(differ > 0);  // another seed, other tokens (13 draws at T 1.5 over 50 tokens: equal by chance is negligible)
  std::printf("sampled ahead, dtype %d, bits %d: greedy-equal at tiny top_p, deterministic per seed\n", dtype, bits);
}

// The accumulate decode step (LOWBIT_DECODE_ACCUMULATE=1: f32 residual, packed GEMVs adding in place): f32
// logits equal the default step's up to f32 summation order; f16/bf16 keep the residual in f32 (not the
// default step's bits: within the tolerances of the dense reference).
void check_accumulate_step(const Model& m, const std::vector<int64_t>& ids, int bits,
                           std::vector<std::vector<Packed>>& packed, const std::vector<float>& reference) {
  setenv("LOWBIT_DECODE_ACCUMULATE", "1", 1);
  setenv("LOWBIT_DECODE_NORMED", "0", 1);  // the normed step has its own check (check_normed_step)
  Decoder acc = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  Decoder acc_eager = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, false, bits, &packed);
  Decoder acc16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed);
  Decoder acc_bf16 = build(m, LB_DTYPE_BF16, LB_DEVICE_CUDA, 16, true, bits, &packed);
  setenv("LOWBIT_DECODE_ROPE_ATTENTION", "0", 1);  // RoPE + KV write, then attention: two kernels
  Decoder acc_split = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  unsetenv("LOWBIT_DECODE_ROPE_ATTENTION");
  unsetenv("LOWBIT_DECODE_NORMED");
  setenv("LOWBIT_DECODE_ACCUMULATE", "0", 1);
  Decoder plain = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  lb_decoder_stats st{};
  st.struct_size = sizeof(st);
  CHECK_OK(lb_decoder_get_stats(acc.get(), &st));
  CHECK(st.fused_kernels == 2);  // the accumulate step serves the one-token steps
  CHECK_OK(lb_decoder_get_stats(plain.get(), &st));
  CHECK(st.fused_kernels == 1);
  for (lb_decoder d : {acc.get(), acc_eager.get(), acc_split.get(), plain.get()}) CHECK_OK(lb_decoder_reset(d));
  std::vector<float> a = prefill(acc.get(), {ids[0], ids[1]}), e = prefill(acc_eager.get(), {ids[0], ids[1]});
  std::vector<float> sp = prefill(acc_split.get(), {ids[0], ids[1]});
  std::vector<float> b = prefill(plain.get(), {ids[0], ids[1]});
  for (size_t t = 2; t < ids.size(); ++t) {
    a = decode(acc.get(), ids[t]);
    e = decode(acc_eager.get(), ids[t]);
    sp = decode(acc_split.get(), ids[t]);
    b = decode(plain.get(), ids[t]);
    const double diff = std::max({max_diff(a.data(), b.data(), kVocab), max_diff(e.data(), b.data(), kVocab),
                                  max_diff(sp.data(), b.data(), kVocab)});
    if (!(diff < 2e-4)) std::printf("int%d position %zu: accumulate vs default step max |diff| %g\n", bits, t, diff);
    CHECK(diff < 2e-4);
  }
  check_incremental(acc.get(), ids, 3, reference, 2e-3, "cuda packed f32 accumulate step");
  check_incremental(acc16.get(), ids, 3, reference, 0.1, "cuda packed f16 accumulate step");
  check_incremental(acc_bf16.get(), ids, 3, reference, 0.3, "cuda packed bf16 accumulate step");
}

// The normed decode step (the default where every linear is packed for the GEMV: RMSNorms and SiLU * up inside the
// GEMVs, 1 / rms applied by the consumers): f32 logits equal the default step's up to f32 rounding (the GEMV reads
// g * h where the unfused step reads g * (h / rms): the same int8 codes up to rounding), graph and eager; f16/bf16
// within the dense reference's tolerances.
void check_normed_step(const Model& m, const std::vector<int64_t>& ids, int bits,
                       std::vector<std::vector<Packed>>& packed, const std::vector<float>& reference) {
  unsetenv("LOWBIT_DECODE_ACCUMULATE");  // check_accumulate_step leaves it at 0
  Decoder normed = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  Decoder normed_eager = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, false, bits, &packed);
  Decoder normed16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed);
  Decoder normed_bf16 = build(m, LB_DTYPE_BF16, LB_DEVICE_CUDA, 16, true, bits, &packed);
  setenv("LOWBIT_DECODE_O_PREPARED", "0", 1);
  Decoder unprepared = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  unsetenv("LOWBIT_DECODE_O_PREPARED");
  setenv("LOWBIT_DECODE_NORMED", "0", 1);
  Decoder acc = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  unsetenv("LOWBIT_DECODE_NORMED");
  lb_decoder_stats st{};
  st.struct_size = sizeof(st);
  CHECK_OK(lb_decoder_get_stats(normed.get(), &st));
  CHECK(st.fused_kernels == 4);  // head_dim 32: the attention kernel writes the o GEMV's quantized input
  CHECK_OK(lb_decoder_get_stats(unprepared.get(), &st));
  CHECK(st.fused_kernels == 3);
  CHECK_OK(lb_decoder_get_stats(acc.get(), &st));
  CHECK(st.fused_kernels == 2);
  for (lb_decoder d : {normed.get(), normed_eager.get(), unprepared.get(), acc.get()}) CHECK_OK(lb_decoder_reset(d));
  std::vector<float> a = prefill(normed.get(), {ids[0], ids[1]}), e = prefill(normed_eager.get(), {ids[0], ids[1]});
  std::vector<float> b = prefill(acc.get(), {ids[0], ids[1]}), u = prefill(unprepared.get(), {ids[0], ids[1]});
  double worst = 0, worst_prepared = 0;
  for (size_t t = 2; t < ids.size(); ++t) {
    a = decode(normed.get(), ids[t]);
    e = decode(normed_eager.get(), ids[t]);
    b = decode(acc.get(), ids[t]);
    u = decode(unprepared.get(), ids[t]);
    const double diff = std::max(max_diff(a.data(), b.data(), kVocab), max_diff(e.data(), b.data(), kVocab));
    worst = std::max(worst, diff);
    CHECK(diff < 1e-3);
    // the same int8 codes either way: only the order of the GEMVs' atomic adds differs
    const double prepared = max_diff(a.data(), u.data(), kVocab);
    worst_prepared = std::max(worst_prepared, prepared);
    CHECK(prepared < 1e-4);
  }
  std::printf("int%d normed step vs accumulate step: max |logit diff| %g; o input from attention vs quantized in the "
              "GEMV: %g\n", bits, worst, worst_prepared);
  check_incremental(normed.get(), ids, 3, reference, 2e-3, "cuda packed f32 normed step");
  check_incremental(normed.get(), ids, 2, reference, 2e-3, "cuda packed f32 normed step after reset");
  check_incremental(normed16.get(), ids, 3, reference, 0.1, "cuda packed f16 normed step");
  check_incremental(normed_bf16.get(), ids, 3, reference, 0.3, "cuda packed bf16 normed step");

  // f16 with f16 scales (the o projection's kernel takes 16-bit scales): the o projection inside the attention kernel
  // (level 5) against the attention kernel + prepared o GEMV (4): the same slots and products, only the order of the
  // atomic adds onto the residual differs
  CHECK_OK(lb_decoder_get_stats(normed16.get(), &st));
  CHECK(st.fused_kernels == 4);  // f32 scales: the o projection stays a GEMV of its own
  Decoder by_default16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed, true);
  setenv("LOWBIT_DECODE_ATTENTION_O", "1", 1);  // at every bit width (the default: 2 bits)
  Decoder fused16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed, true);
  setenv("LOWBIT_DECODE_ATTENTION_O", "0", 1);
  Decoder separate16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed, true);
  unsetenv("LOWBIT_DECODE_ATTENTION_O");
  CHECK_OK(lb_decoder_get_stats(by_default16.get(), &st));
  CHECK(st.fused_kernels == (bits == 2 ? 5 : 4));
  CHECK_OK(lb_decoder_get_stats(fused16.get(), &st));
  CHECK(st.fused_kernels == 5);
  CHECK_OK(lb_decoder_get_stats(separate16.get(), &st));
  CHECK(st.fused_kernels == 4);
  check_incremental(fused16.get(), ids, 3, reference, 0.1, "cuda packed f16 step, o projection inside attention");
  const double worst_o = worst_step_diff(fused16.get(), separate16.get(), ids);
  std::printf("int%d f16: o projection inside attention vs separate GEMV: max |logit diff| %g\n", bits, worst_o);
  CHECK(worst_o < 2e-2);

  // The decode graph's second capture, attention keys split over a cluster from LOWBIT_DECODE_ATTENTION_SPLIT_FROM
  // (read at the capture, the first decode step): from position 5 here, so a run crosses from one graph to the other,
  // also with a step queued ahead (decode_next). f32 and f16 with the o projection inside attention: within the
  // reference's tolerances, and the f32 logits close to the unsplit graph's (the attention's f32 sums in another order
  // can move an int8 code of the o projection's input by one: ~1e-4 on the logits).
  setenv("LOWBIT_DECODE_ATTENTION_O", "1", 1);
  Decoder split16 = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed, true);
  unsetenv("LOWBIT_DECODE_ATTENTION_O");
  Decoder split32 = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, bits, &packed);
  setenv("LOWBIT_DECODE_ATTENTION_SPLIT_FROM", "5", 1);
  check_incremental(split16.get(), ids, 3, reference, 0.1, "cuda packed f16 step, keys split from position 5");
  const double worst_split = worst_step_diff(split32.get(), normed.get(), ids);
  std::printf("int%d f32: keys split from position 5 vs one block per head: max |logit diff| %g\n", bits, worst_split);
  CHECK(worst_split < 1e-3);
  int64_t next_split = -1, next_one = -1;
  for (lb_decoder d : {split16.get(), fused16.get()}) CHECK_OK(lb_decoder_reset(d));  // fused16: captured unsplit
  CHECK_OK(lb_decoder_prefill_next(split16.get(), ids.data(), 3, &next_split));
  CHECK_OK(lb_decoder_prefill_next(fused16.get(), ids.data(), 3, &next_one));
  int same = 0, steps = 0;
  for (int64_t position = 3; position < 16; ++position, ++steps) {  // greedy, queued ahead across the switch
    const int64_t input = next_split;
    CHECK_OK(lb_decoder_decode_next(split16.get(), input, &next_split));
    CHECK_OK(lb_decoder_decode_next(fused16.get(), input, &next_one));
    CHECK(next_split >= 0 && next_split < kVocab);
    same += next_split == next_one ? 1 : 0;
  }
  unsetenv("LOWBIT_DECODE_ATTENTION_SPLIT_FROM");
  std::printf("int%d f16 greedy, keys split from position 5: %d of %d tokens as one block per head\n", bits, same,
              steps);
}

}  // namespace

int main() {
  Model m(7);
  const std::vector<int64_t> ids = {3, 17, 42, 0, 49, 8, 8, 21, 33, 5, 11};
  const std::vector<float> expected = block_forward(m, ids);

  // CPU f32: prefill and decode against the block forward.
  Decoder cpu = build(m, LB_DTYPE_F32, LB_DEVICE_CPU, 16, true, 0, nullptr);
  for (size_t first : {size_t{1}, size_t{4}, ids.size()}) {
    check_incremental(cpu.get(), ids, first, expected, 1e-4, "cpu f32 prefill " + std::to_string(first));
  }

  // CPU with a 16-bit LM head, kept as stored (the dense GEMV kernel reads it): against the block forward with an f32
  // copy of the same values; then every linear 16-bit too (kept as stored at f32: steps and prefills of up to
  // kDenseKernelMaxRows = 1024 rows through the same kernel, longer prefills through a widened copy and BLAS: prefills
  // of 1, 4 (the kernel's 4-row blocks), 19 (its panels, and 3 rows past the last four) and 1030 rows here; the q
  // projection's bias beside k and v without one); and the bf16 compute dtype (every dense linear through that
  // kernel) against the f32 forward, within bf16's rounding of the activations.
  std::vector<int64_t> long_ids;
  for (int64_t i = 0; i < 1032; ++i) long_ids.push_back((i * 37 + i / 5) % kVocab);
  for (int32_t head_dtype : {LB_DTYPE_BF16, LB_DTYPE_F16}) {
    for (bool all : {false, true}) {
      Model m16(7), mref(7);
      m16.lm_head = convert(m.lm_head.get(), head_dtype);
      mref.lm_head = convert(m16.lm_head.get(), LB_DTYPE_F32);
      if (all) {
        for (int l = 0; l < kLayers; ++l) {
          for (int i = 0; i < 7; ++i) {
            m16.layers[l].linear[i] = convert(m.layers[l].linear[i].get(), head_dtype);
            mref.layers[l].linear[i] = convert(m16.layers[l].linear[i].get(), LB_DTYPE_F32);
          }
        }
      }
      const std::vector<float> expected16 = block_forward(mref, ids);
      Decoder cpu16 = build(m16, LB_DTYPE_F32, LB_DEVICE_CPU, 16, true, 0, nullptr);
      for (size_t first : {size_t{1}, size_t{4}}) {
        check_incremental(cpu16.get(), ids, first, expected16, 1e-4,
                          std::string("cpu f32, 16-bit ") + (all ? "weights " : "LM head ") +
                              std::to_string(head_dtype) + ", prefill " + std::to_string(first));
      }
      if (all) {
        const std::vector<float> expected_long = block_forward(mref, long_ids);
        Decoder long16 = build(m16, LB_DTYPE_F32, LB_DEVICE_CPU, 1040, true, 0, nullptr);
        for (size_t first : {size_t{19}, size_t{1030}}) {
          check_incremental(long16.get(), long_ids, first, expected_long, 1e-4,
                            "cpu f32, 16-bit weights " + std::to_string(head_dtype) + ", prefill " + std::to_string(first));
        }
      }
    }
  }
  {
    Decoder bf16 = build(m, LB_DTYPE_BF16, LB_DEVICE_CPU, 16, true, 0, nullptr);
    check_incremental(bf16.get(), ids, 2, expected, 0.15, "cpu bf16 compute");  // observed <= 0.055
  }

  // Sampling: greedy = argmax; a seed reproduces a sample.
  {
    lb_sampling_options s{};
    s.struct_size = sizeof(s);
    s.top_p = 1.0;
    CHECK_OK(lb_decoder_set_sampling(cpu.get(), &s));
    CHECK_OK(lb_decoder_reset(cpu.get()));
    int64_t next = -1;
    CHECK_OK(lb_decoder_prefill_next(cpu.get(), ids.data(), 5, &next));
    CHECK(next == argmax(std::vector<float>(expected.begin() + 4 * kVocab, expected.begin() + 5 * kVocab)));
    std::vector<int64_t> runs[2];
    for (auto& run : runs) {
      s.temperature = 1.5;
      s.top_p = 0.9;
      s.seed = 77;
      CHECK_OK(lb_decoder_set_sampling(cpu.get(), &s));
      CHECK_OK(lb_decoder_reset(cpu.get()));
      int64_t token = -1;
      CHECK_OK(lb_decoder_prefill_next(cpu.get(), ids.data(), 3, &token));
      for (int i = 0; i < 8; ++i) {
        run.push_back(token);
        CHECK(token >= 0 && token < kVocab);
        CHECK_OK(lb_decoder_decode_next(cpu.get(), token, &token));
      }
    }
    CHECK(runs[0] == runs[1]);
  }

  // Packed int4 / int2 (group 32) against the same weights dequantized, dense.
  for (int bits : {4, 2}) {
    std::vector<std::vector<Packed>> packed(kLayers);
    for (int l = 0; l < kLayers; ++l) {
      for (int i = 0; i < 7; ++i) packed[l].push_back(pack(m.layers[l].linear[i].get(), bits, 32));
    }
    Decoder dense = build(m, LB_DTYPE_F32, LB_DEVICE_CPU, 16, false, 0, &packed);
    Decoder q = build(m, LB_DTYPE_F32, LB_DEVICE_CPU, 16, false, bits, &packed);
    lb_decoder_stats st{};
    st.struct_size = sizeof(st);
    CHECK_OK(lb_decoder_get_stats(q.get(), &st));
    CHECK(st.packed_linears == 7 * kLayers);
    CHECK(st.dequantized_linears == 0);
    std::vector<float> reference(ids.size() * kVocab);
    CHECK_OK(lb_decoder_reset(dense.get()));
    std::vector<float> step = prefill(dense.get(), {ids[0]});
    std::copy(step.begin(), step.end(), reference.begin());
    for (size_t t = 1; t < ids.size(); ++t) {
      step = decode(dense.get(), ids[t]);
      std::copy(step.begin(), step.end(), reference.begin() + t * kVocab);
    }
    check_incremental(q.get(), ids, 3, reference, 1e-3, "cpu packed int" + std::to_string(bits));

    // CUDA: packed (kernel or dequantized fallback), f32 with and without the graph, and f16.
    if (runtime_info().cuda_available) {
      for (bool graph : {true, false}) {
        Decoder g = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, graph, bits, &packed);
        check_incremental(g.get(), ids, 3, reference, 2e-3, std::string("cuda packed f32 graph=") + (graph ? "1" : "0"));
        check_incremental(g.get(), ids, 2, reference, 2e-3, "cuda packed again after reset");
        CHECK_OK(lb_decoder_get_stats(g.get(), &st));
        std::printf("cuda int%d graph=%d: packed %lld, dequantized %lld, graph active %d\n", bits, graph ? 1 : 0,
                    static_cast<long long>(st.packed_linears), static_cast<long long>(st.dequantized_linears),
                    st.cuda_graph_active);
        if (graph) CHECK(st.cuda_graph_active == 1);
      }
      Decoder h = build(m, LB_DTYPE_F16, LB_DEVICE_CUDA, 16, true, bits, &packed);
      check_incremental(h.get(), ids, 3, reference, 0.1, "cuda packed f16");
      check_accumulate_step(m, ids, bits, packed, reference);
      check_normed_step(m, ids, bits, packed, reference);
      check_greedy_ahead(m, ids, LB_DTYPE_F16, bits, &packed);
      check_sampled_ahead(m, ids, LB_DTYPE_F16, bits, &packed);
    }
  }
  if (runtime_info().cuda_available) {
    Decoder g = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, 0, nullptr);
    check_incremental(g.get(), ids, 1, expected, 1e-3, "cuda dense f32 graph");
    lb_decoder_stats st{};
    st.struct_size = sizeof(st);
    CHECK_OK(lb_decoder_get_stats(g.get(), &st));
    CHECK(st.fused_kernels == 1);
    // the ATen path of the decode step (fused kernels off) agrees as well
    setenv("LOWBIT_FUSED_DECODE", "0", 1);
    Decoder plain = build(m, LB_DTYPE_F32, LB_DEVICE_CUDA, 16, true, 0, nullptr);
    unsetenv("LOWBIT_FUSED_DECODE");
    CHECK_OK(lb_decoder_get_stats(plain.get(), &st));
    CHECK(st.fused_kernels == 0);
    check_incremental(plain.get(), ids, 1, expected, 1e-3, "cuda dense f32 graph, ATen step");
    for (int32_t dtype : {LB_DTYPE_F16, LB_DTYPE_BF16}) {
      Decoder fused = build(m, dtype, LB_DEVICE_CUDA, 16, false, 0, nullptr);
      setenv("LOWBIT_FUSED_DECODE", "0", 1);
      Decoder aten = build(m, dtype, LB_DEVICE_CUDA, 16, false, 0, nullptr);
      unsetenv("LOWBIT_FUSED_DECODE");
      CHECK_OK(lb_decoder_reset(fused.get()));
      CHECK_OK(lb_decoder_reset(aten.get()));
      std::vector<float> a = prefill(fused.get(), {ids[0], ids[1]}), b = prefill(aten.get(), {ids[0], ids[1]});
      for (size_t t = 2; t < ids.size(); ++t) {
        a = decode(fused.get(), ids[t]);
        b = decode(aten.get(), ids[t]);
        const double diff = max_diff(a.data(), b.data(), kVocab);
        if (!(diff < 0.15)) std::printf("dtype %d position %zu: fused vs ATen step max |diff| %g\n", dtype, t, diff);
        CHECK(diff < 0.15);
      }
    }
    Decoder b = build(m, LB_DTYPE_BF16, LB_DEVICE_CUDA, 16, true, 0, nullptr);
    check_incremental(b.get(), ids, 4, expected, 0.3, "cuda dense bf16 graph");
    check_greedy_ahead(m, ids, LB_DTYPE_F32, 0, nullptr);
    check_greedy_ahead(m, ids, LB_DTYPE_F16, 0, nullptr);
    check_sampled_ahead(m, ids, LB_DTYPE_F32, 0, nullptr);
  } else {
    std::printf("SKIP: no CUDA device: the CUDA decoder checks did not run\n");
  }

  // Errors.
  {
    const int64_t bad[2] = {1, kVocab};
    CHECK_OK(lb_decoder_reset(cpu.get()));
    CHECK_FAILS(lb_decoder_prefill(cpu.get(), bad, 2, nullptr), LB_ERR_INVALID_ARGUMENT, "out of range");
    CHECK_FAILS(lb_decoder_prefill(cpu.get(), bad, 0, nullptr), LB_ERR_INVALID_ARGUMENT, "n=0");
    std::vector<int64_t> many(17, 1);
    CHECK_FAILS(lb_decoder_prefill(cpu.get(), many.data(), 17, nullptr), LB_ERR_INVALID_ARGUMENT, "max_seq=16");
    CHECK_FAILS(lb_decoder_decode(nullptr, 1, nullptr), LB_ERR_INVALID_ARGUMENT, "decoder is NULL");
    CHECK_FAILS(lb_decoder_decode(cpu.get(), -1, nullptr), LB_ERR_INVALID_ARGUMENT, "token=-1");
    lb_sampling_options s{};
    s.struct_size = sizeof(s);
    s.top_p = 0.0;
    CHECK_FAILS(lb_decoder_set_sampling(cpu.get(), &s), LB_ERR_INVALID_ARGUMENT, "top_p");
    CHECK_FAILS(lb_decoder_add_layer(cpu.get(), m.layers[0].input_norm.get(), m.layers[0].post_norm.get(), nullptr, 7),
                 LB_ERR_INVALID_ARGUMENT, "already added");

    lb_decoder_options o{};
    o.struct_size = sizeof(o);
    o.num_layers = 1;
    o.max_seq = 8;
    const lb_llama_config c = config(LB_DTYPE_F32);
    lb_decoder d = nullptr;
    CHECK_OK(lb_decoder_create(&c, m.embed.get(), m.norm.get(), m.lm_head.get(), &o, LB_DEVICE_CPU, 0, &d));
    Decoder empty(d);
    const int64_t one = 1;
    CHECK_FAILS(lb_decoder_prefill(d, &one, 1, nullptr), LB_ERR_INVALID_ARGUMENT, "only 0 of 1 layers");
    lb_decoder_linear linears[7] = {};
    for (auto& l : linears) l.struct_size = sizeof(l);
    for (int i = 0; i < 7; ++i) linears[i].weight = m.layers[0].linear[i].get();
    CHECK_FAILS(lb_decoder_add_layer(d, m.layers[0].input_norm.get(), m.layers[0].post_norm.get(), linears, 6),
                 LB_ERR_INVALID_ARGUMENT, "count=6");
    linears[3].weight = m.layers[0].linear[4].get();
    CHECK_FAILS(lb_decoder_add_layer(d, m.layers[0].input_norm.get(), m.layers[0].post_norm.get(), linears, 7),
                 LB_ERR_INVALID_ARGUMENT, "o_proj");
    linears[3].weight = nullptr;
    linears[3].qweight = m.layers[0].linear[3].get();
    linears[3].bits = 5;
    CHECK_FAILS(lb_decoder_add_layer(d, m.layers[0].input_norm.get(), m.layers[0].post_norm.get(), linears, 7),
                 LB_ERR_UNSUPPORTED, "bits=5");
    o.max_seq = 0;
    lb_decoder bad_decoder = nullptr;
    CHECK_FAILS(lb_decoder_create(&c, m.embed.get(), m.norm.get(), m.lm_head.get(), &o, LB_DEVICE_CPU, 0, &bad_decoder),
                 LB_ERR_INVALID_ARGUMENT, "max_seq");
  }
  return check::finish("test_decoder");
}
