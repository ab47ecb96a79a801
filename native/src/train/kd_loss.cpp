#include "src/train/kd_loss.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <limits>
#include <string>

#include "src/error.h"
#include "src/model/argument_checks.h"

namespace lb::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct TopkDistillationFn : public torch::autograd::Function<TopkDistillationFn> {
  // q: teacher probabilities [n, k]; rest_t: the teacher's remaining mass [n]; entropy: the teacher's bucket
  // entropy [n] (a constant: it makes the value a KL).
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& ids, const at::Tensor& q,
                            const at::Tensor& rest_t, const at::Tensor& entropy) {
    const at::Tensor x = logits.to(at::kFloat);
    const at::Tensor lse = at::logsumexp(x, {1}, true);  // [n, 1]
    const at::Tensor picked = x.gather(1, ids);
    // log of the student's mass outside the ids, relative to exp(lse): logsumexp of the other logits
    const bool has_rest = ids.size(1) < x.size(1);
    at::Tensor lse_rest;
    at::Tensor ce = lse.squeeze(1) * (q.sum(1) + rest_t) - (q * picked).sum(1);
    if (has_rest) {
      lse_rest = at::logsumexp(x.scatter(1, ids, -std::numeric_limits<float>::infinity()), {1}, true);
      ce = ce - rest_t * lse_rest.squeeze(1);
    }
    ctx->save_for_backward({logits, lse, ids, q, rest_t, has_rest ? lse_rest : at::Tensor()});
    return (ce - entropy).mean();
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &logits = saved[0], &lse = saved[1], &ids = saved[2], &q = saved[3], &rest_t = saved[4],
                     &lse_rest = saved[5];
    const double n = static_cast<double>(logits.size(0));
    const at::Tensor x = logits.to(at::kFloat);
    at::Tensor g = (x - lse).exp_().mul_((q.sum(1) + rest_t).unsqueeze(1));  // softmax * total teacher mass
    if (lse_rest.defined()) {
      // r_t * p_j / r_s for j outside the ids (exp of -inf at the ids gives 0 there)
      g.sub_(x.scatter(1, ids, -std::numeric_limits<float>::infinity()).sub_(lse_rest).exp_().mul_(rest_t.unsqueeze(1)));
    }
    g.scatter_add_(1, ids, -q);
    g.mul_(grads[0].to(at::kFloat) / n);
    return {g.to(logits.scalar_type()), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor topk_distillation_loss(const at::Tensor& logits, const at::Tensor& teacher_ids, const at::Tensor& teacher_logprobs) {
  if (logits.dim() != 2 || !at::isFloatingType(logits.scalar_type())) throw_invalid("logits: expected float [n, vocab]");
  const int64_t n = logits.size(0), vocab = logits.size(1);
  if (teacher_ids.dim() != 2 || teacher_ids.size(0) != n || teacher_ids.size(1) < 1 ||
      at::isFloatingType(teacher_ids.scalar_type())) {
    throw_invalid("teacher_ids: expected integer [" + std::to_string(n) + ", k], got " +
                  model::shape_text(teacher_ids.sizes()));
  }
  if (teacher_logprobs.sizes() != teacher_ids.sizes() || !at::isFloatingType(teacher_logprobs.scalar_type())) {
    throw_invalid("teacher_logprobs: expected float " + model::shape_text(teacher_ids.sizes()) + ", got " +
                  model::shape_text(teacher_logprobs.sizes()));
  }
  const at::Tensor ids = teacher_ids.to(logits.device(), at::kLong);
  const at::Tensor lp = teacher_logprobs.to(logits.device(), at::kFloat);
  // One device-to-host read for all three checks (a training step calls this every time).
  const at::Tensor valid_lp =
      (lp <= 1e-4).logical_and(lp.isfinite().logical_or(lp == -std::numeric_limits<float>::infinity())).all();
  const at::Tensor checks = at::stack({ids.min(), ids.max(), valid_lp.to(at::kLong)}).cpu();
  const int64_t lo = checks[0].item<int64_t>(), hi = checks[1].item<int64_t>();
  if (lo < 0 || hi >= vocab) {
    throw_invalid("teacher_ids out of range [0, " + std::to_string(vocab) + "): " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  if (checks[2].item<int64_t>() == 0) throw_invalid("teacher_logprobs must be log-probabilities (finite or -inf, <= 0)");
  const at::Tensor q = lp.exp();
  const at::Tensor rest_t = (1.0 - q.sum(1)).clamp_min(0.0);
  const at::Tensor entropy = -(at::xlogy(q, q).sum(1) + at::xlogy(rest_t, rest_t));
  return TopkDistillationFn::apply(logits, ids, q, rest_t, entropy);
}

std::pair<at::Tensor, at::Tensor> topk_log_probs(const at::Tensor& logits, int64_t k) {
  if (logits.dim() < 1 || !at::isFloatingType(logits.scalar_type())) throw_invalid("logits: expected float [..., vocab]");
  const int64_t vocab = logits.size(-1);
  if (k < 1 || k > vocab) throw_invalid("k=" + std::to_string(k) + " (expected 1.." + std::to_string(vocab) + ")");
  // top-k of the logits minus their logsumexp: the same as top-k of log_softmax without writing it out.
  const at::Tensor x = logits.to(at::kFloat);
  auto [values, indices] = at::topk(x, k, -1, true, true);
  return {indices.to(at::kInt).contiguous(), (values - at::logsumexp(x, {-1}, true)).contiguous()};
}

}  // namespace lb::train
