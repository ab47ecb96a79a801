// Adapters behind the lb_llama_* and lb_embedding functions: argument checks, then the model code.
#pragma once

#include <cstdint>

#include "lowbit.h"

namespace lb::model {

lb_block llama_block_create(const lb_llama_config* config, const lb_llama_block_weights* weights, int32_t device_type,
                            int32_t device_index);
lb_tensor block_forward(lb_block block, lb_tensor hidden);
void block_free(lb_block block) noexcept;

lb_tensor embedding(lb_tensor table, lb_tensor ids, int32_t dtype, int32_t device_type, int32_t device_index);
void llama_head(lb_tensor hidden, lb_tensor norm_weight, lb_tensor lm_head, double rms_norm_eps, lb_tensor ids,
                lb_tensor* nll, lb_tensor* logits);

}  // namespace lb::model
