// extern "C": the Llama-family decoder (lb_llama_*, lb_embedding).
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/error.h"
#include "src/model/llama_adapters.h"

using lb::api::guard;

extern "C" {

int lb_llama_block_create(const lb_llama_config* config, const lb_llama_block_weights* weights, int32_t device_type,
                          int32_t device_index, lb_block* out) {
  return guard("lb_llama_block_create", [&] {
    lb::require_non_null(out, "out");
    *out = lb::model::llama_block_create(config, weights, device_type, device_index);
  });
}

void lb_llama_block_free(lb_block block) { lb::model::block_free(block); }

int lb_llama_block_forward(lb_block block, lb_tensor hidden, lb_tensor* out) {
  return guard("lb_llama_block_forward", [&] {
    lb::require_non_null(out, "out");
    *out = lb::model::block_forward(block, hidden);
  });
}

int lb_embedding(lb_tensor table, lb_tensor ids, int32_t dtype, int32_t device_type, int32_t device_index,
                 lb_tensor* out) {
  return guard("lb_embedding", [&] {
    lb::require_non_null(out, "out");
    *out = lb::model::embedding(table, ids, dtype, device_type, device_index);
  });
}

int lb_llama_head(lb_tensor hidden, lb_tensor norm_weight, lb_tensor lm_head, double rms_norm_eps, lb_tensor ids,
                  lb_tensor* nll, lb_tensor* logits) {
  return guard("lb_llama_head",
               [&] { lb::model::llama_head(hidden, norm_weight, lm_head, rms_norm_eps, ids, nll, logits); });
}

}  // extern "C"
