#include "src/train/kd_loss.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <string>

#include "src/error.h"
#include "src/model/argument_checks.h"

namespace lb::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct TopkDistillationFn : public torch::autograd::Function<TopkDistillationFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& logits, const at::Tensor& ids, const at::Tensor& probs) {
    const at::Tensor x = logits.to(at::kFloat);
    const at::Tensor lse = at::logsumexp(x, {1}, true);  // [n, 1]
    // -sum_k p_k (x[id_k] - lse) = lse - sum_k p_k x[id_k]   (sum_k p_k = 1)
    const at::Tensor picked = x.gather(1, ids);
    const at::Tensor loss = (lse.squeeze(1) - (probs * picked).sum(1)).mean();
    ctx->save_for_backward({logits, lse, ids, probs});
    return loss;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &logits = saved[0], &lse = saved[1], &ids = saved[2], &probs = saved[3];
    const double n = static_cast<double>(logits.size(0));
    at::Tensor g = (logits.to(at::kFloat) - lse).exp_();  // softmax
    g.scatter_add_(1, ids, -probs);
    g.mul_(grads[0].to(at::kFloat) / n);
    return {g.to(logits.scalar_type()), at::Tensor(), at::Tensor()};
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
  const int64_t lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
  if (lo < 0 || hi >= vocab) {
    throw_invalid("teacher_ids out of range [0, " + std::to_string(vocab) + "): " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  const at::Tensor probs = at::softmax(teacher_logprobs.to(logits.device(), at::kFloat), 1);
  if (!probs.isfinite().all().item<bool>()) throw_invalid("teacher_logprobs are not finite");
  return TopkDistillationFn::apply(logits, ids, probs);
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
