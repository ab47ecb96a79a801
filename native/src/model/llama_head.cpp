// lb_embedding and lb_llama_head: the ends of the model around the decoder layers.
#include <ATen/core/Tensor.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/argmax.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/index_select.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/log_softmax.h>

#include <algorithm>
#include <string>

#include "src/devices.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/model/argument_checks.h"
#include "src/model/llama_adapters.h"
#include "src/model/llama_layers.h"
#include "src/tensor_handle.h"

namespace lb::model {
namespace {

// Bounds the f32 logits held at once while computing the NLL (elements, i.e. 128 MiB).
constexpr int64_t kLogitChunkElements = int64_t{32} << 20;

void require_float(const at::Tensor& t, const char* name) {
  if (!is_float(t.scalar_type())) {
    throw_invalid(std::string(name) + " has dtype " + dtype_name(t.scalar_type()) + " (expected F32, F16 or BF16)");
  }
}

// ids [rows, cols] of I32/I64 in 0..vocab-1, as I64 on `device`.
at::Tensor checked_ids(const at::Tensor& ids, int64_t vocab, c10::Device device) {
  if (ids.scalar_type() != at::kInt && ids.scalar_type() != at::kLong) {
    throw_invalid(std::string("ids has dtype ") + dtype_name(ids.scalar_type()) + " (expected I32 or I64)");
  }
  if (ids.dim() != 2) throw_invalid("ids has shape " + shape_text(ids.sizes()) + " (expected 2-D, [batch, seq])");
  const at::Tensor wide = ids.to(device, at::kLong);
  if (wide.numel() == 0) return wide;
  const at::Tensor flat = wide.reshape(-1);
  const auto report = [&](int64_t index) {
    const int64_t value = flat[index].item<int64_t>();
    if (value >= 0 && value < vocab) return;
    throw_invalid("ids[" + std::to_string(index / ids.size(1)) + ", " + std::to_string(index % ids.size(1)) +
                  "]=" + std::to_string(value) + " is out of range (expected 0 <= id < " + std::to_string(vocab) +
                  ", the vocabulary size)");
  };
  report(flat.argmin().item<int64_t>());
  report(flat.argmax().item<int64_t>());
  return wide;
}

// -log_softmax(normed @ lm_head^T)[target] for rows of normed [n, hidden], a chunk of rows at a time.
at::Tensor token_nll(const at::Tensor& normed, const at::Tensor& lm_head, const at::Tensor& targets) {
  const int64_t rows = normed.size(0), vocab = lm_head.size(0);
  at::Tensor nll = at::empty({rows}, normed.options().dtype(at::kFloat));
  const int64_t chunk = std::max<int64_t>(1, kLogitChunkElements / std::max<int64_t>(vocab, 1));
  for (int64_t start = 0; start < rows; start += chunk) {
    const int64_t n = std::min(chunk, rows - start);
    const at::Tensor log_probs = at::log_softmax(at::linear(normed.narrow(0, start, n), lm_head), -1);
    nll.narrow(0, start, n).copy_(log_probs.gather(1, targets.narrow(0, start, n).unsqueeze(1)).squeeze(1).neg());
  }
  return nll;
}

}  // namespace

lb_tensor embedding(lb_tensor table_handle, lb_tensor ids_handle, int32_t dtype, int32_t device_type,
                    int32_t device_index) {
  const at::Tensor& table = unwrap(table_handle, "table");
  const at::Tensor& ids = unwrap(ids_handle, "ids");
  const c10::ScalarType out_type = scalar_type_from_code(dtype, "dtype");
  if (!is_float(out_type)) {
    throw_invalid(std::string("dtype=") + std::to_string(dtype) + " (" + dtype_name(out_type) +
                  ") (expected LB_DTYPE_F32, LB_DTYPE_F16 or LB_DTYPE_BF16)");
  }
  const c10::Device device = device_from_codes(device_type, device_index);
  if (table.dim() != 2) throw_invalid("table has shape " + shape_text(table.sizes()) + " (expected 2-D, [vocab, hidden])");
  require_float(table, "table");
  // Gather where the table lives, then move only the rows asked for.
  const at::Tensor rows = checked_ids(ids, table.size(0), table.device());
  const at::Tensor gathered = at::index_select(table, 0, rows.reshape(-1)).view({ids.size(0), ids.size(1), table.size(1)});
  return make_handle(gathered.to(device, out_type, /*non_blocking=*/false, /*copy=*/true)).release();
}

void llama_head(lb_tensor hidden_handle, lb_tensor norm_handle, lb_tensor lm_head_handle, double rms_norm_eps,
                lb_tensor ids_handle, lb_tensor* nll, lb_tensor* logits) {
  const at::Tensor& hidden = unwrap(hidden_handle, "hidden");
  const at::Tensor& norm_weight = unwrap(norm_handle, "norm_weight");
  const at::Tensor& lm_head = unwrap(lm_head_handle, "lm_head");
  if (hidden.dim() != 3) throw_invalid("hidden has shape " + shape_text(hidden.sizes()) + " (expected 3-D, [batch, seq, hidden])");
  require_float(hidden, "hidden");
  require_float(norm_weight, "norm_weight");
  require_float(lm_head, "lm_head");
  const int64_t batch = hidden.size(0), seq = hidden.size(1), width = hidden.size(2);
  if (norm_weight.dim() != 1 || norm_weight.size(0) != width) {
    throw_invalid("norm_weight has shape " + shape_text(norm_weight.sizes()) + ", expected [" + std::to_string(width) +
                  "] (hidden's last dimension)");
  }
  if (lm_head.dim() != 2 || lm_head.size(1) != width) {
    throw_invalid("lm_head has shape " + shape_text(lm_head.sizes()) + ", expected [vocab, " + std::to_string(width) +
                  "] (hidden's last dimension)");
  }
  if (!(rms_norm_eps > 0)) {
    throw_invalid("rms_norm_eps=" + std::to_string(rms_norm_eps) + " (expected a value > 0)");
  }
  if (nll == nullptr && logits == nullptr) throw_invalid("nll and logits are both NULL (expected at least one output)");
  const c10::Device device = hidden.device();
  const int64_t vocab = lm_head.size(0);
  at::Tensor targets;
  if (nll != nullptr) {
    if (ids_handle == nullptr) throw_invalid("ids is NULL but nll was requested (expected [batch, seq] token ids)");
    const at::Tensor& ids = ids_handle->value;
    if (ids.dim() != 2 || ids.size(0) != batch || ids.size(1) != seq) {
      throw_invalid("ids has shape " + shape_text(ids.sizes()) + ", expected [" + std::to_string(batch) + ", " +
                    std::to_string(seq) + "] (hidden's batch and seq)");
    }
    targets = checked_ids(ids, vocab, device);
  }

  // The norm in hidden's dtype as the model's own final norm; the LM head in f32.
  const at::Tensor normed = rms_norm(hidden, norm_weight.to(device, hidden.scalar_type()), rms_norm_eps).to(at::kFloat);
  const at::Tensor head = lm_head.to(device, at::kFloat);
  TensorHandle logits_out, nll_out;
  if (logits != nullptr) logits_out = make_handle(at::linear(normed, head));
  if (nll != nullptr) {
    const at::Tensor predicting = normed.narrow(1, 0, std::max<int64_t>(seq - 1, 0)).reshape({-1, width});
    const at::Tensor next = targets.narrow(1, std::min<int64_t>(1, seq), std::max<int64_t>(seq - 1, 0)).reshape(-1);
    nll_out = make_handle(token_nll(predicting, head, next).view({batch, std::max<int64_t>(seq - 1, 0)}));
  }
  if (logits != nullptr) *logits = logits_out.release();
  if (nll != nullptr) *nll = nll_out.release();
}

}  // namespace lb::model
