// X^T X accumulators for the four linear inputs of an fp Llama block (VPTQ calibration).
#include <ATen/ATen.h>

#include <array>
#include <string>

#include "lowbit.h"
#include "src/api/guard.h"
#include "src/error.h"
#include "src/model/block.h"
#include "src/model/llama_block.h"
#include "src/tensor_handle.h"

struct lb_hessians_s {
  std::array<at::Tensor, 4> sums;  // f64 [in, in], undefined until the first input
  int64_t tokens = 0;
};

namespace lb::vptq {
namespace {

void accumulate(lb_hessians_s& h, int index, const at::Tensor& input) {
  const at::Tensor x = input.reshape({-1, input.size(-1)}).to(at::kDouble);
  at::Tensor& sum = h.sums[static_cast<size_t>(index)];
  if (!sum.defined()) sum = at::zeros({x.size(1), x.size(1)}, x.options());
  if (sum.size(0) != x.size(1) || sum.device() != x.device()) {
    throw_invalid("hessians: accumulator " + std::to_string(index) + " holds [" + std::to_string(sum.size(0)) +
                  "] inputs on " + sum.device().str() + ", got [" + std::to_string(x.size(1)) + "] on " +
                  x.device().str() + " (use one accumulator set per block)");
  }
  sum.addmm_(x.t(), x);
}

lb_tensor forward_hessians(lb_block block, lb_hessians hessians, lb_tensor hidden) {
  require_non_null(block, "block");
  require_non_null(hessians, "hessians");
  auto* llama = dynamic_cast<model::LlamaBlock*>(block->impl.get());
  if (llama == nullptr) throw_unsupported("block: not an fp Llama block (from lb_llama_block_create)");
  const at::Tensor& h = unwrap(hidden, "hidden");
  llama->set_linear_input_observer([&](int index, const at::Tensor& x) { accumulate(*hessians, index, x); });
  at::Tensor out;
  try {
    out = llama->forward(h);
  } catch (...) {
    llama->set_linear_input_observer(nullptr);
    throw;
  }
  llama->set_linear_input_observer(nullptr);
  hessians->tokens += h.numel() / h.size(-1);
  return make_handle(out).release();
}

}  // namespace
}  // namespace lb::vptq

using lb::api::guard;

extern "C" {

int lb_hessians_create(lb_hessians* out) {
  return guard("lb_hessians_create", [&] {
    lb::require_non_null(out, "out");
    *out = new lb_hessians_s();
  });
}

void lb_hessians_free(lb_hessians hessians) { delete hessians; }

int lb_llama_block_forward_hessians(lb_block block, lb_hessians hessians, lb_tensor hidden, lb_tensor* out) {
  return guard("lb_llama_block_forward_hessians", [&] {
    lb::require_non_null(out, "out");
    *out = lb::vptq::forward_hessians(block, hessians, hidden);
  });
}

int lb_hessians_get(lb_hessians hessians, int32_t index, lb_tensor* hessian, int64_t* tokens) {
  return guard("lb_hessians_get", [&] {
    lb::require_non_null(hessians, "hessians");
    lb::require_non_null(hessian, "hessian");
    if (index < 0 || index > 3) lb::throw_invalid("index=" + std::to_string(index) + " (expected 0..3: qkv, o, gate_up, down)");
    const at::Tensor& sum = hessians->sums[static_cast<size_t>(index)];
    if (!sum.defined() || hessians->tokens == 0) lb::throw_invalid("hessians: nothing accumulated yet");
    *hessian = lb::make_handle((sum / static_cast<double>(hessians->tokens)).to(at::kFloat)).release();
    if (tokens != nullptr) *tokens = hessians->tokens;
  });
}

}  // extern "C"
