// lb_llama_config, checked once and kept in C++ types.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>

#include "lowbit.h"

namespace lb::model {

struct LlamaConfig {
  int64_t hidden_size;
  int64_t intermediate_size;
  int64_t num_heads;
  int64_t num_kv_heads;
  int64_t head_dim;
  double rope_theta;
  double rms_norm_eps;
  c10::ScalarType compute_dtype;

  int64_t query_dim() const { return num_heads * head_dim; }
  int64_t kv_dim() const { return num_kv_heads * head_dim; }
};

// Throws LB_ERR_INVALID_ARGUMENT naming the bad field and the expected value.
LlamaConfig checked_config(const lb_llama_config* config);

}  // namespace lb::model
