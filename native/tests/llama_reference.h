// A plain double-precision Llama decoder layer and LM head, written with explicit loops (one token,
// one head at a time) so the tests do not share any code or shortcut with the ATen implementation.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace reference {

struct Config {
  int64_t hidden, intermediate, heads, kv_heads, head_dim;
  double theta, eps;
};

// Row-major [out, in] matrices and vectors, as the C API receives them; empty bias = none.
struct Layer {
  std::vector<float> input_norm, q, k, v, o, q_bias, k_bias, v_bias, o_bias, post_norm, gate, up, down;
};

using Vec = std::vector<double>;

inline Vec matvec(const std::vector<float>& w, const std::vector<float>& bias, const Vec& x, int64_t out) {
  const int64_t in = static_cast<int64_t>(x.size());
  Vec y(static_cast<size_t>(out), 0.0);
  for (int64_t r = 0; r < out; ++r) {
    double sum = bias.empty() ? 0.0 : bias[r];
    for (int64_t c = 0; c < in; ++c) sum += static_cast<double>(w[r * in + c]) * x[c];
    y[r] = sum;
  }
  return y;
}

inline Vec rms_norm(const Vec& x, const std::vector<float>& weight, double eps) {
  double mean_square = 0.0;
  for (double value : x) mean_square += value * value;
  mean_square /= static_cast<double>(x.size());
  const double inv = 1.0 / std::sqrt(mean_square + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * inv * weight[i];
  return y;
}

// Rotates head vector `h` (head_dim values starting at offset) for position `pos`, pairing i with i + d/2.
inline void rotate(Vec& v, int64_t offset, int64_t head_dim, int64_t pos, double theta) {
  const int64_t half = head_dim / 2;
  for (int64_t i = 0; i < half; ++i) {
    const double angle = static_cast<double>(pos) / std::pow(theta, 2.0 * static_cast<double>(i) / head_dim);
    const double a = v[offset + i], b = v[offset + i + half];
    v[offset + i] = a * std::cos(angle) - b * std::sin(angle);
    v[offset + i + half] = b * std::cos(angle) + a * std::sin(angle);
  }
}

// hidden: [seq][hidden] of one sequence -> the layer's output for it.
inline std::vector<Vec> layer_forward(const Config& c, const Layer& w, const std::vector<Vec>& x) {
  const int64_t seq = static_cast<int64_t>(x.size()), d = c.head_dim;
  std::vector<Vec> q(seq), k(seq), v(seq);
  for (int64_t t = 0; t < seq; ++t) {
    const Vec h = rms_norm(x[t], w.input_norm, c.eps);
    q[t] = matvec(w.q, w.q_bias, h, c.heads * d);
    k[t] = matvec(w.k, w.k_bias, h, c.kv_heads * d);
    v[t] = matvec(w.v, w.v_bias, h, c.kv_heads * d);
    for (int64_t head = 0; head < c.heads; ++head) rotate(q[t], head * d, d, t, c.theta);
    for (int64_t head = 0; head < c.kv_heads; ++head) rotate(k[t], head * d, d, t, c.theta);
  }
  std::vector<Vec> out(seq);
  const int64_t group = c.heads / c.kv_heads;
  for (int64_t t = 0; t < seq; ++t) {
    Vec attended(static_cast<size_t>(c.heads * d), 0.0);
    for (int64_t head = 0; head < c.heads; ++head) {
      const int64_t kv = head / group;
      Vec scores(static_cast<size_t>(t + 1));
      for (int64_t s = 0; s <= t; ++s) {
        double dot = 0.0;
        for (int64_t i = 0; i < d; ++i) dot += q[t][head * d + i] * k[s][kv * d + i];
        scores[s] = dot / std::sqrt(static_cast<double>(d));
      }
      const double top = *std::max_element(scores.begin(), scores.end());
      double total = 0.0;
      for (double& s : scores) total += (s = std::exp(s - top));
      for (int64_t s = 0; s <= t; ++s) {
        for (int64_t i = 0; i < d; ++i) attended[head * d + i] += scores[s] / total * v[s][kv * d + i];
      }
    }
    Vec residual = matvec(w.o, w.o_bias, attended, c.hidden);
    for (int64_t i = 0; i < c.hidden; ++i) residual[i] += x[t][i];
    const Vec h = rms_norm(residual, w.post_norm, c.eps);
    const Vec gate = matvec(w.gate, {}, h, c.intermediate);
    const Vec up = matvec(w.up, {}, h, c.intermediate);
    Vec activated(gate.size());
    for (size_t i = 0; i < gate.size(); ++i) activated[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
    out[t] = matvec(w.down, {}, activated, c.hidden);
    for (int64_t i = 0; i < c.hidden; ++i) out[t][i] += residual[i];
  }
  return out;
}

// -log softmax(lm_head . rms_norm(hidden))[next] for one position.
inline double token_nll(const Vec& hidden, const std::vector<float>& norm, const std::vector<float>& lm_head,
                        int64_t vocab, double eps, int64_t next) {
  const Vec logits = matvec(lm_head, {}, rms_norm(hidden, norm, eps), vocab);
  const double top = *std::max_element(logits.begin(), logits.end());
  double total = 0.0;
  for (double l : logits) total += std::exp(l - top);
  return top + std::log(total) - logits[next];
}

}  // namespace reference
