// Top-k distillation loss (src/train/kd_loss.h) against a plain libtorch autograd reference in f64:
// the KL on the buckets "each teacher top-k id" and "the rest": mean_n sum_k q_k log(q_k / p(id_k)) + r log(r / p_rest),
// q = exp(teacher_logprobs), r = 1 - sum q, p = softmax(logits), p_rest = p outside the ids; value and gradient;
// lb_logits_topk against log_softmax + sort. CPU (CUDA is exercised through E2E-QP on the GPU run).
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "lowbit.h"
#include "src/error.h"
#include "src/train/kd_loss.h"

namespace {

int failures = 0;

void expect_close(const at::Tensor& got, const at::Tensor& want, double tol, const char* what) {
  const double err = (got.to(at::kDouble) - want.to(at::kDouble)).abs().max().item<double>();
  const double scale = want.to(at::kDouble).abs().max().item<double>() + 1e-12;
  if (!(err <= tol * scale + 1e-9)) {
    std::printf("FAIL %s: max abs err %.3g (scale %.3g)\n", what, err, scale);
    ++failures;
  }
}

// Dense f64 formula: log p_rest from the probabilities of the ids that are not picked (a 0/1 mask over the vocabulary).
at::Tensor reference_loss(const at::Tensor& logits, const at::Tensor& ids, const at::Tensor& lp) {
  const at::Tensor q = lp.to(at::kDouble).exp();
  const at::Tensor r = (1.0 - q.sum(1)).clamp_min(0.0);
  const at::Tensor logp = at::log_softmax(logits, 1);
  const at::Tensor in_ids = at::zeros_like(logp).scatter(1, ids.to(at::kLong), 1.0);
  const at::Tensor p_rest = (logp.exp() * (1.0 - in_ids)).sum(1);
  const at::Tensor kl_top = (q * (q.log() - logp.gather(1, ids.to(at::kLong)))).sum(1);
  if (ids.size(1) == logits.size(1)) return kl_top.mean();  // no rest bucket
  const at::Tensor kl_rest = at::xlogy(r, r) - r * p_rest.log();
  return (kl_top + kl_rest).mean();
}

void run_case(int64_t n, int64_t vocab, int64_t k, at::ScalarType dtype, bool duplicate_ids) {
  const at::Tensor base = at::randn({n, vocab}, at::kDouble) * 3;
  // Teacher: top-k of another distribution; optionally with repeated ids (scatter_add must accumulate).
  const at::Tensor teacher = at::log_softmax(base + at::randn({n, vocab}, at::kDouble), 1);
  auto [lp, ids] = at::topk(teacher, k, 1);
  if (duplicate_ids && k > 1) ids.select(1, k - 1).copy_(ids.select(1, 0));
  at::Tensor x = base.to(dtype).requires_grad_(true);
  const at::Tensor loss = lb::train::topk_distillation_loss(x, ids.to(at::kInt), lp.to(at::kFloat));
  const at::Tensor upstream = at::full({}, 1.7, at::kFloat);
  loss.backward(upstream);
  at::Tensor xr = base.to(dtype).to(at::kDouble).requires_grad_(true);
  const at::Tensor ref = reference_loss(xr, ids, lp.to(at::kFloat));
  ref.backward(upstream.to(at::kDouble));
  const double tol = dtype == at::kFloat ? 1e-5 : 2e-2;
  char what[128];
  std::snprintf(what, sizeof what, "loss n=%lld vocab=%lld k=%lld dtype=%d dup=%d", (long long)n, (long long)vocab,
                (long long)k, (int)dtype, (int)duplicate_ids);
  expect_close(loss.detach(), ref.detach(), tol, what);
  std::snprintf(what, sizeof what, "grad n=%lld vocab=%lld k=%lld dtype=%d dup=%d", (long long)n, (long long)vocab,
                (long long)k, (int)dtype, (int)duplicate_ids);
  if (x.grad().scalar_type() != dtype) {
    std::printf("FAIL %s: gradient dtype\n", what);
    ++failures;
  }
  expect_close(x.grad(), xr.grad(), tol, what);
}

void test_topk_api() {
  const at::Tensor logits = at::randn({2, 5, 37});
  lb_tensor in = nullptr, ids = nullptr, lps = nullptr;
  std::vector<int64_t> shape = {2, 5, 37};
  if (lb_tensor_from_host(logits.data_ptr(), LB_DTYPE_F32, shape.data(), 3, LB_DEVICE_CPU, 0, &in) != LB_OK ||
      lb_logits_topk(in, 7, &ids, &lps) != LB_OK) {
    std::printf("FAIL lb_logits_topk: %s\n", lb_last_error());
    ++failures;
    return;
  }
  at::Tensor got_ids = at::empty({2, 5, 7}, at::kInt), got_lp = at::empty({2, 5, 7}, at::kFloat);
  lb_tensor_to_host(ids, got_ids.data_ptr(), got_ids.numel() * 4);
  lb_tensor_to_host(lps, got_lp.data_ptr(), got_lp.numel() * 4);
  auto [want_lp, want_ids] = at::topk(at::log_softmax(logits.to(at::kDouble), -1), 7, -1);
  expect_close(got_lp, want_lp, 1e-6, "lb_logits_topk logprobs");
  if (!got_ids.to(at::kLong).equal(want_ids)) {
    std::printf("FAIL lb_logits_topk ids\n");
    ++failures;
  }
  lb_tensor bad = nullptr, bad2 = nullptr;
  if (lb_logits_topk(in, 38, &bad, &bad2) != LB_ERR_INVALID_ARGUMENT || bad != nullptr) {
    std::printf("FAIL lb_logits_topk accepted k > vocab\n");
    ++failures;
  }
  lb_tensor_free(in);
  lb_tensor_free(ids);
  lb_tensor_free(lps);
}

// A student equal to the teacher has KL 0 (any k), a different one a positive KL.
void test_kl_zero_at_teacher() {
  const at::Tensor logits = at::randn({12, 90}) * 2;
  for (int64_t k : {1, 8, 90}) {
    auto [lp, ids] = at::topk(at::log_softmax(logits, 1), k, 1);
    const double same = lb::train::topk_distillation_loss(logits, ids.to(at::kInt), lp).item<double>();
    const double other = lb::train::topk_distillation_loss(logits.flip(1), ids.to(at::kInt), lp).item<double>();
    if (!(std::abs(same) < 1e-5 && other > 1e-2)) {
      std::printf("FAIL KL at the teacher k=%lld: %.3g (want 0), elsewhere %.3g (want > 0)\n", (long long)k, same, other);
      ++failures;
    }
  }
}

void test_bad_teacher() {
  const at::Tensor x = at::randn({4, 10});
  try {
    lb::train::topk_distillation_loss(x, at::full({4, 3}, 10, at::kInt), at::zeros({4, 3}));
    std::printf("FAIL out-of-range teacher id accepted\n");
    ++failures;
  } catch (const lb::Error&) {
  }
  try {
    lb::train::topk_distillation_loss(x, at::zeros({4, 3}, at::kInt), at::zeros({4, 2}));
    std::printf("FAIL mismatched teacher shapes accepted\n");
    ++failures;
  } catch (const lb::Error&) {
  }
  try {
    lb::train::topk_distillation_loss(x, at::zeros({4, 3}, at::kInt), at::ones({4, 3}));
    std::printf("FAIL positive teacher log-probabilities accepted\n");
    ++failures;
  } catch (const lb::Error&) {
  }
}

}  // namespace

int main() {
  torch::manual_seed(7);
  run_case(1, 2, 1, at::kFloat, false);
  run_case(33, 101, 8, at::kFloat, false);
  run_case(64, 1000, 64, at::kFloat, false);
  run_case(17, 50, 5, at::kFloat, true);
  run_case(40, 257, 32, at::kBFloat16, false);
  run_case(9, 6, 6, at::kFloat, false);  // k == vocab: no rest bucket
  test_kl_zero_at_teacher();
  test_topk_api();
  test_bad_teacher();
  if (failures) {
    std::printf("%d failures\n", failures);
    return 1;
  }
  std::printf("kd loss: all passed\n");
  return 0;
}
