// extern "C": EfficientQAT E2E-QP (lb_e2e_model_*).
#include <ATen/ATen.h>

#include <array>
#include <memory>
#include <string>

#include "lowbit.h"
#include "src/api/guard.h"
#include "src/devices.h"
#include "src/error.h"
#include "src/model/llama_config.h"
#include "src/tensor_handle.h"
#include "src/train/e2e_model.h"
#include "src/train/kd_loss.h"

using lb::api::guard;

struct lb_e2e_model_s {
  std::unique_ptr<lb::train::E2eModel> impl;
};

namespace {
lb::train::E2eModel& model_of(lb_e2e_model m) { return *lb::require_non_null(m, "model")->impl; }
}  // namespace

extern "C" {

int lb_e2e_model_create(const lb_llama_config* config, lb_tensor embed_tokens, lb_tensor final_norm, lb_tensor lm_head,
                        int32_t bits, int64_t group_size, int32_t device_type, int32_t device_index, lb_e2e_model* out) {
  return guard("lb_e2e_model_create", [&] {
    lb::require_non_null(out, "out");
    *out = nullptr;
    const lb::model::LlamaConfig c = lb::model::checked_config(config);
    if (bits < 2 || bits > 4) lb::throw_invalid("bits=" + std::to_string(bits) + " (expected 2, 3 or 4)");
    auto handle = std::make_unique<lb_e2e_model_s>();
    handle->impl = std::make_unique<lb::train::E2eModel>(c, lb::unwrap(embed_tokens, "embed_tokens"),
                                                         lb::unwrap(final_norm, "final_norm"), lb::unwrap(lm_head, "lm_head"),
                                                         bits, group_size, lb::device_from_codes(device_type, device_index));
    *out = handle.release();
  });
}

void lb_e2e_model_free(lb_e2e_model model) { delete model; }

int lb_e2e_model_add_block(lb_e2e_model model, lb_tensor input_norm, lb_tensor post_attention_norm,
                           const lb_tensor* codes, const lb_tensor* scales, const lb_tensor* zeros) {
  return guard("lb_e2e_model_add_block", [&] {
    lb::require_non_null(codes, "codes");
    lb::require_non_null(scales, "scales");
    lb::require_non_null(zeros, "zeros");
    std::array<at::Tensor, lb::train::E2eModel::kLinears> c, s, z;
    for (int i = 0; i < lb::train::E2eModel::kLinears; ++i) {
      c[i] = lb::unwrap(codes[i], "codes[i]");
      s[i] = lb::unwrap(scales[i], "scales[i]");
      z[i] = lb::unwrap(zeros[i], "zeros[i]");
    }
    model_of(model).add_block(lb::unwrap(input_norm, "input_norm"), lb::unwrap(post_attention_norm, "post_attention_norm"),
                              c, s, z);
  });
}

int lb_e2e_model_train_step(lb_e2e_model model, lb_tensor ids, double lr, double max_grad_norm) {
  return guard("lb_e2e_model_train_step", [&] {
    if (!(lr >= 0)) lb::throw_invalid("lr must be >= 0");
    model_of(model).train_step(lb::unwrap(ids, "ids"), lr, max_grad_norm);
  });
}

int lb_e2e_model_take_losses(lb_e2e_model model, double* losses, int64_t capacity, int64_t* count) {
  return guard("lb_e2e_model_take_losses", [&] {
    lb::require_non_null(count, "count");
    *count = 0;
    auto& m = model_of(model);
    if (m.pending_losses() > capacity) {
      lb::throw_invalid(std::to_string(m.pending_losses()) + " losses queued but capacity=" + std::to_string(capacity));
    }
    if (m.pending_losses() > 0) lb::require_non_null(losses, "losses");
    const auto values = m.take_losses();
    for (size_t i = 0; i < values.size(); ++i) losses[i] = values[i];
    *count = static_cast<int64_t>(values.size());
  });
}

int lb_e2e_model_eval_loss(lb_e2e_model model, lb_tensor ids, double* loss) {
  return guard("lb_e2e_model_eval_loss", [&] {
    lb::require_non_null(loss, "loss");
    *loss = model_of(model).eval_loss(lb::unwrap(ids, "ids"));
  });
}

int lb_e2e_model_scales(lb_e2e_model model, int64_t layer, int32_t linear, lb_tensor* scales) {
  return guard("lb_e2e_model_scales", [&] {
    lb::require_non_null(scales, "scales");
    *scales = nullptr;
    *scales = lb::make_handle(model_of(model).scales(layer, linear)).release();
  });
}

int lb_e2e_model_state_size(lb_e2e_model model, int64_t* count, int64_t* step) {
  return guard("lb_e2e_model_state_size", [&] {
    lb::require_non_null(count, "count");
    lb::require_non_null(step, "step");
    *count = model_of(model).state_size();
    *step = model_of(model).step();
  });
}

int lb_e2e_model_get_state(lb_e2e_model model, int64_t index, lb_tensor* scales, lb_tensor* exp_avg, lb_tensor* exp_avg_sq) {
  return guard("lb_e2e_model_get_state", [&] {
    lb::require_non_null(scales, "scales");
    lb::require_non_null(exp_avg, "exp_avg");
    lb::require_non_null(exp_avg_sq, "exp_avg_sq");
    *scales = nullptr;
    *exp_avg = nullptr;
    *exp_avg_sq = nullptr;
    auto parts = model_of(model).state(index);
    auto s = lb::make_handle(std::move(parts[0]));
    auto m = lb::make_handle(std::move(parts[1]));
    auto v = lb::make_handle(std::move(parts[2]));
    *scales = s.release();
    *exp_avg = m.release();
    *exp_avg_sq = v.release();
  });
}

int lb_e2e_model_set_state(lb_e2e_model model, int64_t index, lb_tensor scales, lb_tensor exp_avg, lb_tensor exp_avg_sq) {
  return guard("lb_e2e_model_set_state", [&] {
    model_of(model).set_state(index, lb::unwrap(scales, "scales"), lb::unwrap(exp_avg, "exp_avg"),
                              lb::unwrap(exp_avg_sq, "exp_avg_sq"));
  });
}

int lb_e2e_model_set_step(lb_e2e_model model, int64_t step) {
  return guard("lb_e2e_model_set_step", [&] { model_of(model).set_step(step); });
}

int lb_logits_topk(lb_tensor logits, int32_t k, lb_tensor* ids, lb_tensor* logprobs) {
  return guard("lb_logits_topk", [&] {
    lb::require_non_null(ids, "ids");
    lb::require_non_null(logprobs, "logprobs");
    *ids = nullptr;
    *logprobs = nullptr;
    auto [i, lp] = lb::train::topk_log_probs(lb::unwrap(logits, "logits"), k);
    auto id_handle = lb::make_handle(std::move(i));
    auto lp_handle = lb::make_handle(std::move(lp));
    *ids = id_handle.release();
    *logprobs = lp_handle.release();
  });
}

int lb_e2e_model_train_step_kd(lb_e2e_model model, lb_tensor ids, lb_tensor teacher_ids, lb_tensor teacher_logprobs,
                               double hard_weight, double lr, double max_grad_norm) {
  return guard("lb_e2e_model_train_step_kd", [&] {
    if (!(lr >= 0)) lb::throw_invalid("lr must be >= 0");
    model_of(model).train_step_kd(lb::unwrap(ids, "ids"), lb::unwrap(teacher_ids, "teacher_ids"),
                                  lb::unwrap(teacher_logprobs, "teacher_logprobs"), hard_weight, lr, max_grad_norm);
  });
}

}  // extern "C"
