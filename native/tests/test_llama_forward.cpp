// lb_llama_block_*, lb_embedding and lb_llama_head against the loop reference in llama_reference.h:
// grouped-query attention (4 heads, 2 kv heads, head_dim 8), seq 1 and 7, batch 2, with and
// without biases, f32 and bf16 compute, CPU (and CUDA where available); then the argument errors.
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "llama_reference.h"

namespace {

struct BlockDeleter {
  void operator()(lb_block_s* b) const { lb_llama_block_free(b); }
};
using Block = std::unique_ptr<lb_block_s, BlockDeleter>;

const reference::Config kConfig{/*hidden=*/24, /*intermediate=*/40, /*heads=*/4, /*kv_heads=*/2, /*head_dim=*/8,
                                /*theta=*/10000.0, /*eps=*/1e-5};
constexpr int64_t kVocab = 11;

struct Random {
  uint64_t state;
  // Uniform in [-1, 1).
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

lb_llama_config make_config(int32_t compute_dtype) {
  lb_llama_config c{};
  c.struct_size = sizeof(c);
  c.hidden_size = kConfig.hidden;
  c.intermediate_size = kConfig.intermediate;
  c.num_heads = kConfig.heads;
  c.num_kv_heads = kConfig.kv_heads;
  c.head_dim = kConfig.head_dim;
  c.rope_theta = kConfig.theta;
  c.rms_norm_eps = kConfig.eps;
  c.compute_dtype = compute_dtype;
  return c;
}

reference::Layer make_layer(Random& rng, bool biases) {
  const int64_t h = kConfig.hidden, i = kConfig.intermediate, q = kConfig.heads * kConfig.head_dim,
                kv = kConfig.kv_heads * kConfig.head_dim;
  const auto linear = [&](int64_t out, int64_t in) { return rng.values(out * in, 1.5f / std::sqrt(float(in))); };
  reference::Layer w;
  w.input_norm = rng.values(h, 0.2f, 1.0f);
  w.q = linear(q, h);
  w.k = linear(kv, h);
  w.v = linear(kv, h);
  w.o = linear(h, q);
  if (biases) {
    w.q_bias = rng.values(q, 0.3f);
    w.k_bias = rng.values(kv, 0.3f);
    w.v_bias = rng.values(kv, 0.3f);
    w.o_bias = rng.values(h, 0.3f);
  }
  w.post_norm = rng.values(h, 0.2f, 1.0f);
  w.gate = linear(i, h);
  w.up = linear(i, h);
  w.down = linear(h, i);
  return w;
}

// The layer's weights as f32 tensors on the host, and the struct that points at them.
struct WeightTensors {
  std::vector<Tensor> owned;
  lb_llama_block_weights weights{};

  explicit WeightTensors(const reference::Layer& w) {
    weights.struct_size = sizeof(weights);
    const int64_t h = kConfig.hidden, i = kConfig.intermediate, q = kConfig.heads * kConfig.head_dim,
                  kv = kConfig.kv_heads * kConfig.head_dim;
    weights.input_norm = add(w.input_norm, {h});
    weights.q_proj = add(w.q, {q, h});
    weights.k_proj = add(w.k, {kv, h});
    weights.v_proj = add(w.v, {kv, h});
    weights.o_proj = add(w.o, {h, q});
    weights.q_bias = add(w.q_bias, {q});
    weights.k_bias = add(w.k_bias, {kv});
    weights.v_bias = add(w.v_bias, {kv});
    weights.o_bias = add(w.o_bias, {h});
    weights.post_attention_norm = add(w.post_norm, {h});
    weights.gate_proj = add(w.gate, {i, h});
    weights.up_proj = add(w.up, {i, h});
    weights.down_proj = add(w.down, {h, i});
  }

  lb_tensor add(const std::vector<float>& values, std::vector<int64_t> shape) {
    if (values.empty()) return nullptr;
    owned.push_back(host_tensor(values, LB_DTYPE_F32, shape));
    return owned.back().get();
  }
};

Block create(const lb_llama_config& config, const reference::Layer& layer, int32_t device_type) {
  lb_block block = nullptr;
  {
    WeightTensors w(layer);
    CHECK_OK(lb_llama_block_create(&config, &w.weights, device_type, 0, &block));
  }  // the caller's weight tensors are gone: the block must hold its own copies
  return Block(block);
}

std::vector<reference::Vec> sequence(const std::vector<float>& hidden, int64_t b, int64_t seq) {
  std::vector<reference::Vec> rows(static_cast<size_t>(seq), reference::Vec(static_cast<size_t>(kConfig.hidden)));
  for (int64_t t = 0; t < seq; ++t) {
    for (int64_t i = 0; i < kConfig.hidden; ++i) rows[t][i] = hidden[(b * seq + t) * kConfig.hidden + i];
  }
  return rows;
}

// Relative L2 error and max abs error of `got` against the reference for the whole batch.
struct BlockError {
  double relative_l2, max_abs;
};

BlockError compare_block(const reference::Layer& layer, const std::vector<float>& hidden, int64_t batch, int64_t seq,
                    const std::vector<float>& got) {
  double diff2 = 0.0, ref2 = 0.0, max_abs = 0.0;
  for (int64_t b = 0; b < batch; ++b) {
    const auto expected = reference::layer_forward(kConfig, layer, sequence(hidden, b, seq));
    for (int64_t t = 0; t < seq; ++t) {
      for (int64_t i = 0; i < kConfig.hidden; ++i) {
        const double e = expected[t][i], g = got[(b * seq + t) * kConfig.hidden + i];
        diff2 += (g - e) * (g - e);
        ref2 += e * e;
        max_abs = std::max(max_abs, std::fabs(g - e));
      }
    }
  }
  return {std::sqrt(diff2 / ref2), max_abs};
}

std::string sci(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

std::vector<float> run_forward(lb_block block, const std::vector<float>& hidden, int64_t batch, int64_t seq,
                               int32_t device_type, int32_t expected_dtype) {
  Tensor in = host_tensor(hidden, LB_DTYPE_F32, {batch, seq, kConfig.hidden}, device_type);
  lb_tensor out = nullptr;
  CHECK_OK(lb_llama_block_forward(block, in.get(), &out));
  Tensor result(out);
  if (!result) return {};
  int32_t dtype = -1, type = -1, index = -1;
  CHECK_OK(lb_tensor_dtype(result.get(), &dtype));
  CHECK_EQ(dtype, expected_dtype);
  CHECK_OK(lb_tensor_device(result.get(), &type, &index));
  CHECK_EQ(type, device_type);
  CHECK((shape_of(result.get()) == std::vector<int64_t>{batch, seq, kConfig.hidden}));
  return to_vector<float>(convert(result.get(), LB_DTYPE_F32).get());
}

void block_matches_reference(bool biases, int32_t compute_dtype, int32_t device_type, double tolerance) {
  Random rng{biases ? 7u : 3u};
  const reference::Layer layer = make_layer(rng, biases);
  Block block = create(make_config(compute_dtype), layer, device_type);
  if (!block) return;
  const int64_t batch = 2;
  // 1 then 7 grows the cached RoPE table; 1 again reads a prefix of it.
  for (int64_t seq : {1, 7, 1}) {
    const std::vector<float> hidden = rng.values(batch * seq * kConfig.hidden, 2.0f);
    const std::vector<float> got = run_forward(block.get(), hidden, batch, seq, device_type, compute_dtype);
    if (got.empty()) continue;
    const BlockError e = compare_block(layer, hidden, batch, seq, got);
    if (!(e.relative_l2 <= tolerance)) {
      check::fail(__FILE__, __LINE__,
                  "block (biases=" + std::to_string(biases) + ", dtype=" + std::to_string(compute_dtype) + ", device=" +
                      std::to_string(device_type) + ", seq=" + std::to_string(seq) + "): relative L2 error " +
                      sci(e.relative_l2) + ", max abs " + sci(e.max_abs) + " > " + sci(tolerance));
    }
  }
}

void head_matches_reference(int32_t device_type) {
  Random rng{11};
  const int64_t batch = 2, seq = 5, h = kConfig.hidden;
  const std::vector<float> hidden = rng.values(batch * seq * h, 2.0f);
  const std::vector<float> norm = rng.values(h, 0.2f, 1.0f);
  const std::vector<float> head = rng.values(kVocab * h, 0.5f);
  std::vector<int64_t> ids(static_cast<size_t>(batch * seq));
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 7 + 3) % kVocab);

  Tensor hidden_t = host_tensor(hidden, LB_DTYPE_F32, {batch, seq, h}, device_type);
  Tensor norm_t = host_tensor(norm, LB_DTYPE_F32, {h}, device_type);
  Tensor head_t = host_tensor(head, LB_DTYPE_F32, {kVocab, h}, device_type);
  Tensor ids_t = host_tensor(ids, LB_DTYPE_I64, {batch, seq}, device_type);
  lb_tensor nll_raw = nullptr, logits_raw = nullptr;
  CHECK_OK(lb_llama_head(hidden_t.get(), norm_t.get(), head_t.get(), kConfig.eps, ids_t.get(), &nll_raw, &logits_raw));
  Tensor nll(nll_raw), logits(logits_raw);
  if (!nll || !logits) return;
  CHECK((shape_of(nll.get()) == std::vector<int64_t>{batch, seq - 1}));
  CHECK((shape_of(logits.get()) == std::vector<int64_t>{batch, seq, kVocab}));
  const std::vector<float> got_nll = to_vector<float>(nll.get());
  const std::vector<float> got_logits = to_vector<float>(logits.get());
  double worst_nll = 0.0, worst_logit = 0.0;
  for (int64_t b = 0; b < batch; ++b) {
    const auto rows = sequence(hidden, b, seq);
    for (int64_t t = 0; t < seq; ++t) {
      const reference::Vec expected = reference::matvec(head, {}, reference::rms_norm(rows[t], norm, kConfig.eps), kVocab);
      for (int64_t v = 0; v < kVocab; ++v) {
        worst_logit = std::max(worst_logit, std::fabs(got_logits[(b * seq + t) * kVocab + v] - expected[v]));
      }
      if (t + 1 < seq) {
        const double e = reference::token_nll(rows[t], norm, head, kVocab, kConfig.eps, ids[b * seq + t + 1]);
        worst_nll = std::max(worst_nll, std::fabs(got_nll[b * (seq - 1) + t] - e));
      }
    }
  }
  CHECK(worst_logit < 1e-4);
  CHECK(worst_nll < 1e-4);

  // nll only; one position leaves nothing to predict.
  lb_tensor only = nullptr;
  CHECK_OK(lb_llama_head(hidden_t.get(), norm_t.get(), head_t.get(), kConfig.eps, ids_t.get(), &only, nullptr));
  Tensor only_t(only);
  if (only_t) CHECK(to_vector<float>(only_t.get()) == got_nll);
}

void head_of_single_position() {
  Tensor hidden = host_tensor(std::vector<float>(2 * kConfig.hidden, 0.5f), LB_DTYPE_F32, {2, 1, kConfig.hidden});
  Tensor norm = host_tensor(std::vector<float>(kConfig.hidden, 1.0f), LB_DTYPE_F32, {kConfig.hidden});
  Tensor head = host_tensor(std::vector<float>(kVocab * kConfig.hidden, 0.1f), LB_DTYPE_F32, {kVocab, kConfig.hidden});
  Tensor ids = host_tensor(std::vector<int32_t>{1, 2}, LB_DTYPE_I32, {2, 1});
  lb_tensor nll = nullptr;
  CHECK_OK(lb_llama_head(hidden.get(), norm.get(), head.get(), 1e-5, ids.get(), &nll, nullptr));
  Tensor nll_t(nll);
  if (nll_t) CHECK((shape_of(nll_t.get()) == std::vector<int64_t>{2, 0}));
}

void embedding_gathers_rows() {
  Random rng{5};
  const std::vector<float> table = rng.values(kVocab * kConfig.hidden, 1.0f);
  Tensor table_t = host_tensor(table, LB_DTYPE_F32, {kVocab, kConfig.hidden});
  const std::vector<int32_t> ids = {0, 10, 3, 3, 7, 1};
  Tensor ids_t = host_tensor(ids, LB_DTYPE_I32, {2, 3});
  lb_tensor out = nullptr;
  CHECK_OK(lb_embedding(table_t.get(), ids_t.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, &out));
  Tensor out_t(out);
  if (!out_t) return;
  CHECK((shape_of(out_t.get()) == std::vector<int64_t>{2, 3, kConfig.hidden}));
  const std::vector<float> got = to_vector<float>(out_t.get());
  bool same = true;
  for (size_t r = 0; r < ids.size(); ++r) {
    for (int64_t i = 0; i < kConfig.hidden; ++i) same &= got[r * kConfig.hidden + i] == table[ids[r] * kConfig.hidden + i];
  }
  CHECK(same);

  lb_tensor bf16 = nullptr;
  CHECK_OK(lb_embedding(table_t.get(), ids_t.get(), LB_DTYPE_BF16, LB_DEVICE_CPU, 0, &bf16));
  Tensor bf16_t(bf16);
  int32_t dtype = -1;
  if (bf16_t) CHECK_OK(lb_tensor_dtype(bf16_t.get(), &dtype));
  CHECK_EQ(dtype, LB_DTYPE_BF16);

  Tensor bad_ids = host_tensor(std::vector<int64_t>{0, 1, 2, 3, 4, kVocab}, LB_DTYPE_I64, {2, 3});
  CHECK_FAILS(lb_embedding(table_t.get(), bad_ids.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "ids[1, 2]=11 is out of range (expected 0 <= id < 11");
  Tensor negative = host_tensor(std::vector<int32_t>{0, -1}, LB_DTYPE_I32, {1, 2});
  CHECK_FAILS(lb_embedding(table_t.get(), negative.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "ids[0, 1]=-1 is out of range");
  CHECK_FAILS(lb_embedding(table_t.get(), ids_t.get(), LB_DTYPE_I32, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "expected LB_DTYPE_F32, LB_DTYPE_F16 or LB_DTYPE_BF16");
  Tensor float_ids = host_tensor(std::vector<float>{0, 1}, LB_DTYPE_F32, {1, 2});
  CHECK_FAILS(lb_embedding(table_t.get(), float_ids.get(), LB_DTYPE_F32, LB_DEVICE_CPU, 0, &out), LB_ERR_INVALID_ARGUMENT,
              "ids has dtype F32 (expected I32 or I64)");
}

void bad_arguments() {
  Random rng{13};
  const reference::Layer layer = make_layer(rng, false);
  WeightTensors w(layer);
  lb_llama_config config = make_config(LB_DTYPE_F32);
  lb_block block = nullptr;

  lb_llama_config small = config;
  small.struct_size = 8;
  CHECK_FAILS(lb_llama_block_create(&small, &w.weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "config->struct_size=8 is too small (expected >= ");
  lb_llama_block_weights short_weights = w.weights;
  short_weights.struct_size = 16;
  CHECK_FAILS(lb_llama_block_create(&config, &short_weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "weights->struct_size=16 is too small");
  CHECK_FAILS(lb_llama_block_create(nullptr, &w.weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "config is NULL");
  CHECK_FAILS(lb_llama_block_create(&config, nullptr, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "weights is NULL");
  CHECK_FAILS(lb_llama_block_create(&config, &w.weights, LB_DEVICE_CPU, 0, nullptr), LB_ERR_INVALID_ARGUMENT,
              "out is NULL");

  lb_llama_config odd_heads = config;
  odd_heads.num_kv_heads = 3;
  CHECK_FAILS(lb_llama_block_create(&odd_heads, &w.weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "config->num_heads=4 is not a multiple of num_kv_heads=3");
  lb_llama_config int_compute = config;
  int_compute.compute_dtype = LB_DTYPE_I32;
  CHECK_FAILS(lb_llama_block_create(&int_compute, &w.weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "config->compute_dtype=6 (I32) is not a compute dtype");
  lb_llama_config no_eps = config;
  no_eps.rms_norm_eps = 0;
  CHECK_FAILS(lb_llama_block_create(&no_eps, &w.weights, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "config->rms_norm_eps=");
  CHECK_FAILS(lb_llama_block_create(&config, &w.weights, 7, 0, &block), LB_ERR_INVALID_ARGUMENT, "device_type=7");

  // A q_proj of the wrong width, a missing down_proj, a bias of the wrong length, an integer weight.
  Tensor narrow_q = host_tensor(std::vector<float>(32 * 16, 0.0f), LB_DTYPE_F32, {32, 16});
  lb_llama_block_weights bad = w.weights;
  bad.q_proj = narrow_q.get();
  CHECK_FAILS(lb_llama_block_create(&config, &bad, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "lb_llama_block_create: weights->q_proj has shape [32, 16], expected [32, 24] (num_heads*head_dim, hidden_size)");
  bad = w.weights;
  bad.down_proj = nullptr;
  CHECK_FAILS(lb_llama_block_create(&config, &bad, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "weights->down_proj is NULL (expected a [24, 40] tensor: hidden_size, intermediate_size)");
  Tensor long_bias = host_tensor(std::vector<float>(17, 0.0f), LB_DTYPE_F32, {17});
  bad = w.weights;
  bad.k_bias = long_bias.get();
  CHECK_FAILS(lb_llama_block_create(&config, &bad, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "weights->k_bias has shape [17], expected [16] (num_kv_heads*head_dim)");
  Tensor int_norm = host_tensor(std::vector<int32_t>(24, 1), LB_DTYPE_I32, {24});
  bad = w.weights;
  bad.input_norm = int_norm.get();
  CHECK_FAILS(lb_llama_block_create(&config, &bad, LB_DEVICE_CPU, 0, &block), LB_ERR_INVALID_ARGUMENT,
              "weights->input_norm has dtype I32 (expected F32, F16 or BF16)");

  CHECK_OK(lb_llama_block_create(&config, &w.weights, LB_DEVICE_CPU, 0, &block));
  Block good(block);
  lb_tensor out = nullptr;
  Tensor wrong_width = host_tensor(std::vector<float>(2 * 7 * 16, 0.0f), LB_DTYPE_F32, {2, 7, 16});
  CHECK_FAILS(lb_llama_block_forward(good.get(), wrong_width.get(), &out), LB_ERR_INVALID_ARGUMENT,
              "lb_llama_block_forward: hidden has shape [2, 7, 16], expected [batch, seq, 24] (hidden_size)");
  Tensor flat = host_tensor(std::vector<float>(24, 0.0f), LB_DTYPE_F32, {1, 24});
  CHECK_FAILS(lb_llama_block_forward(good.get(), flat.get(), &out), LB_ERR_INVALID_ARGUMENT, "hidden has shape [1, 24]");
  Tensor empty_seq = host_tensor(std::vector<float>{}, LB_DTYPE_F32, {2, 0, 24});
  CHECK_FAILS(lb_llama_block_forward(good.get(), empty_seq.get(), &out), LB_ERR_INVALID_ARGUMENT,
              "(expected batch >= 1 and seq >= 1)");
  CHECK_FAILS(lb_llama_block_forward(nullptr, flat.get(), &out), LB_ERR_INVALID_ARGUMENT, "block is NULL");
  CHECK_FAILS(lb_llama_block_forward(good.get(), nullptr, &out), LB_ERR_INVALID_ARGUMENT, "hidden is NULL");
  lb_llama_block_free(nullptr);

  // The head.
  const int64_t h = kConfig.hidden;
  Tensor hidden = host_tensor(std::vector<float>(2 * 3 * h, 0.5f), LB_DTYPE_F32, {2, 3, h});
  Tensor norm = host_tensor(std::vector<float>(h, 1.0f), LB_DTYPE_F32, {h});
  Tensor head = host_tensor(std::vector<float>(kVocab * h, 0.1f), LB_DTYPE_F32, {kVocab, h});
  Tensor narrow_head = host_tensor(std::vector<float>(kVocab * 8, 0.1f), LB_DTYPE_F32, {kVocab, 8});
  Tensor ids = host_tensor(std::vector<int32_t>{1, 2, 3, 4, 5, 6}, LB_DTYPE_I32, {2, 3});
  Tensor big_ids = host_tensor(std::vector<int32_t>{1, 2, 3, 4, 5, 99}, LB_DTYPE_I32, {2, 3});
  Tensor short_ids = host_tensor(std::vector<int32_t>{1, 2, 3, 4}, LB_DTYPE_I32, {2, 2});
  lb_tensor nll = nullptr, logits = nullptr;
  CHECK_FAILS(lb_llama_head(hidden.get(), norm.get(), head.get(), 1e-5, nullptr, &nll, nullptr), LB_ERR_INVALID_ARGUMENT,
              "ids is NULL but nll was requested");
  CHECK_FAILS(lb_llama_head(hidden.get(), norm.get(), narrow_head.get(), 1e-5, ids.get(), &nll, nullptr),
              LB_ERR_INVALID_ARGUMENT, "lm_head has shape [11, 8], expected [vocab, 24]");
  CHECK_FAILS(lb_llama_head(hidden.get(), head.get(), head.get(), 1e-5, ids.get(), &nll, nullptr), LB_ERR_INVALID_ARGUMENT,
              "norm_weight has shape [11, 24], expected [24]");
  CHECK_FAILS(lb_llama_head(hidden.get(), norm.get(), head.get(), 1e-5, big_ids.get(), &nll, nullptr),
              LB_ERR_INVALID_ARGUMENT, "ids[1, 2]=99 is out of range (expected 0 <= id < 11");
  CHECK_FAILS(lb_llama_head(hidden.get(), norm.get(), head.get(), 1e-5, short_ids.get(), &nll, nullptr),
              LB_ERR_INVALID_ARGUMENT, "ids has shape [2, 2], expected [2, 3]");
  CHECK_FAILS(lb_llama_head(hidden.get(), norm.get(), head.get(), 1e-5, ids.get(), nullptr, nullptr),
              LB_ERR_INVALID_ARGUMENT, "nll and logits are both NULL");
  CHECK_FAILS(lb_llama_head(nullptr, norm.get(), head.get(), 1e-5, ids.get(), &nll, &logits), LB_ERR_INVALID_ARGUMENT,
              "hidden is NULL");
}

}  // namespace

int main() {
  for (bool biases : {false, true}) {
    block_matches_reference(biases, LB_DTYPE_F32, LB_DEVICE_CPU, 1e-5);
    block_matches_reference(biases, LB_DTYPE_BF16, LB_DEVICE_CPU, 1.5e-2);
  }
  head_matches_reference(LB_DEVICE_CPU);
  head_of_single_position();
  embedding_gathers_rows();
  bad_arguments();
  if (runtime_info().cuda_available) {
    for (bool biases : {false, true}) {
      block_matches_reference(biases, LB_DTYPE_F32, LB_DEVICE_CUDA, 1e-5);
      block_matches_reference(biases, LB_DTYPE_BF16, LB_DEVICE_CUDA, 1.5e-2);
      block_matches_reference(biases, LB_DTYPE_F16, LB_DEVICE_CUDA, 5e-3);
    }
    head_matches_reference(LB_DEVICE_CUDA);
  } else {
    std::printf("test_llama_forward: no CUDA device, CUDA cases skipped\n");
  }
  return check::finish("test_llama_forward");
}
