// extern "C": EfficientQAT Block-AP training (lb_qat_block_*).
#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "lowbit.h"
#include "src/api/guard.h"
#include "src/devices.h"
#include "src/error.h"
#include "src/model/llama_config.h"
#include "src/tensor_handle.h"
#include "src/train/qat_block.h"

using lb::api::guard;

struct lb_qat_block_s {
  std::unique_ptr<lb::train::QatBlock> impl;
};

namespace {

lb::train::QatBlock& block_of(lb_qat_block b) { return *lb::require_non_null(b, "block")->impl; }

at::Tensor rows_of(lb_tensor handle, const char* name, int64_t first_row, int64_t rows, int64_t hidden) {
  const at::Tensor& t = lb::unwrap(handle, name);
  if (t.dim() != 3 || t.size(2) != hidden) {
    lb::throw_invalid(std::string(name) + ": expected [samples, seq, " + std::to_string(hidden) + "]");
  }
  if (!at::isFloatingType(t.scalar_type())) lb::throw_invalid(std::string(name) + ": expected a float tensor");
  if (rows < 1 || first_row < 0 || first_row + rows > t.size(0)) {
    lb::throw_invalid(std::string(name) + ": rows [" + std::to_string(first_row) + ", " +
                      std::to_string(first_row + rows) + ") outside [0, " + std::to_string(t.size(0)) + ")");
  }
  return t.narrow(0, first_row, rows);
}

}  // namespace

extern "C" {

int lb_qat_block_create(const lb_llama_config* config, const lb_llama_block_weights* weights,
                        const lb_qat_options* options, int32_t device_type, int32_t device_index, lb_qat_block* out) {
  return guard("lb_qat_block_create", [&] {
    lb::require_non_null(out, "out");
    *out = nullptr;
    const lb::model::LlamaConfig c = lb::model::checked_config(config);
    lb::require_non_null(weights, "weights");
    lb::require_non_null(options, "options");
    if (weights->struct_size < static_cast<int64_t>(sizeof(lb_llama_block_weights))) {
      lb::throw_invalid("weights->struct_size is too small");
    }
    if (options->struct_size < static_cast<int64_t>(sizeof(lb_qat_options))) {
      lb::throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " (expected >= " +
                        std::to_string(sizeof(lb_qat_options)) + ")");
    }
    if (options->bits < 2 || options->bits > 4) {
      lb::throw_invalid("options->bits=" + std::to_string(options->bits) + " (expected 2, 3 or 4)");
    }
    const lb::train::QatOptions o{options->bits, options->group_size, c.compute_dtype,
                                  options->loss_scale > 0 ? options->loss_scale : 65536.0,
                                  options->plain_ops != 0};
    const c10::Device device = lb::device_from_codes(device_type, device_index);
    auto handle = std::make_unique<lb_qat_block_s>();
    handle->impl = std::make_unique<lb::train::QatBlock>(c, *weights, o, device);
    *out = handle.release();
  });
}

void lb_qat_block_free(lb_qat_block block) { delete block; }

int lb_qat_block_train_step(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows,
                            double lr_w, double lr_q) {
  return guard("lb_qat_block_train_step", [&] {
    auto& b = block_of(block);
    const int64_t hidden = b.hidden_size();
    const at::Tensor x = rows_of(inputs, "inputs", first_row, rows, hidden);
    const at::Tensor y = rows_of(targets, "targets", first_row, rows, hidden);
    if (x.sizes() != y.sizes()) lb::throw_invalid("inputs and targets differ in shape");
    if (!(lr_w >= 0) || !(lr_q >= 0)) lb::throw_invalid("learning rates must be >= 0");
    b.train_step(x, y, lr_w, lr_q);
  });
}

int lb_qat_block_take_losses(lb_qat_block block, double* losses, int64_t capacity, int64_t* count) {
  return guard("lb_qat_block_take_losses", [&] {
    lb::require_non_null(count, "count");
    *count = 0;
    auto& b = block_of(block);
    if (b.pending_losses() > capacity) {
      lb::throw_invalid(std::to_string(b.pending_losses()) + " losses queued but capacity=" +
                        std::to_string(capacity));
    }
    if (b.pending_losses() > 0) lb::require_non_null(losses, "losses");
    const std::vector<double> values = b.take_losses();
    for (size_t i = 0; i < values.size(); ++i) losses[i] = values[i];
    *count = static_cast<int64_t>(values.size());
  });
}

int lb_qat_block_eval_loss(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows,
                           double* loss) {
  return guard("lb_qat_block_eval_loss", [&] {
    lb::require_non_null(loss, "loss");
    auto& b = block_of(block);
    const at::Tensor x = rows_of(inputs, "inputs", first_row, rows, b.hidden_size());
    const at::Tensor y = rows_of(targets, "targets", first_row, rows, b.hidden_size());
    if (x.sizes() != y.sizes()) lb::throw_invalid("inputs and targets differ in shape");
    *loss = b.eval_loss(x, y);
  });
}

int lb_qat_block_forward(lb_qat_block block, lb_tensor inputs, int64_t first_row, int64_t rows, lb_tensor* out) {
  return guard("lb_qat_block_forward", [&] {
    lb::require_non_null(out, "out");
    *out = nullptr;
    auto& b = block_of(block);
    *out = lb::make_handle(b.forward_quantized(rows_of(inputs, "inputs", first_row, rows, b.hidden_size()))).release();
  });
}

int lb_qat_block_export_linear(lb_qat_block block, int32_t linear, lb_tensor* codes, lb_tensor* scales,
                               lb_tensor* zeros) {
  return guard("lb_qat_block_export_linear", [&] {
    lb::require_non_null(codes, "codes");
    lb::require_non_null(scales, "scales");
    lb::require_non_null(zeros, "zeros");
    *codes = *scales = *zeros = nullptr;
    at::Tensor c, s, z;
    block_of(block).export_linear(linear, &c, &s, &z);
    lb::TensorHandle h[] = {lb::make_handle(c), lb::make_handle(s), lb::make_handle(z)};
    *codes = h[0].release();
    *scales = h[1].release();
    *zeros = h[2].release();
  });
}

int lb_qat_block_load_linear(lb_qat_block block, int32_t linear, lb_tensor weight, lb_tensor scales, lb_tensor zeros) {
  return guard("lb_qat_block_load_linear", [&] {
    block_of(block).load_linear(linear, lb::unwrap(weight, "weight"), lb::unwrap(scales, "scales"),
                                lb::unwrap(zeros, "zeros"));
  });
}

int lb_qat_block_norms(lb_qat_block block, lb_tensor* input_norm, lb_tensor* post_attention_norm) {
  return guard("lb_qat_block_norms", [&] {
    lb::require_non_null(input_norm, "input_norm");
    lb::require_non_null(post_attention_norm, "post_attention_norm");
    *input_norm = *post_attention_norm = nullptr;
    auto& b = block_of(block);
    lb::TensorHandle h[] = {lb::make_handle(b.input_norm()), lb::make_handle(b.post_attention_norm())};
    *input_norm = h[0].release();
    *post_attention_norm = h[1].release();
  });
}

}  // extern "C"
