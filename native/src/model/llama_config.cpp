#include "src/model/llama_config.h"

#include <cmath>
#include <string>

#include "src/dtypes.h"
#include "src/error.h"

namespace lb::model {
namespace {

void require_positive(int64_t value, const char* field) {
  if (value <= 0) {
    throw_invalid(std::string("config->") + field + "=" + std::to_string(value) + " (expected > 0)");
  }
}

void require_positive_finite(double value, const char* field) {
  if (!(value > 0) || !std::isfinite(value)) {
    throw_invalid(std::string("config->") + field + "=" + std::to_string(value) + " (expected a finite value > 0)");
  }
}

}  // namespace

LlamaConfig checked_config(const lb_llama_config* config) {
  require_non_null(config, "config");
  if (config->struct_size < static_cast<int64_t>(sizeof(lb_llama_config))) {
    throw_invalid("config->struct_size=" + std::to_string(config->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_llama_config)) + ", sizeof(lb_llama_config))");
  }
  require_positive(config->hidden_size, "hidden_size");
  require_positive(config->intermediate_size, "intermediate_size");
  require_positive(config->num_heads, "num_heads");
  require_positive(config->num_kv_heads, "num_kv_heads");
  require_positive(config->head_dim, "head_dim");
  if (config->num_heads % config->num_kv_heads != 0) {
    throw_invalid("config->num_heads=" + std::to_string(config->num_heads) + " is not a multiple of num_kv_heads=" +
                  std::to_string(config->num_kv_heads) + " (expected num_heads % num_kv_heads == 0)");
  }
  if (config->head_dim % 2 != 0) {
    throw_invalid("config->head_dim=" + std::to_string(config->head_dim) + " (expected an even size, RoPE rotates pairs)");
  }
  require_positive_finite(config->rope_theta, "rope_theta");
  require_positive_finite(config->rms_norm_eps, "rms_norm_eps");
  const c10::ScalarType dtype = scalar_type_from_code(config->compute_dtype, "config->compute_dtype");
  if (dtype != c10::ScalarType::Float && dtype != c10::ScalarType::Half && dtype != c10::ScalarType::BFloat16) {
    throw_invalid("config->compute_dtype=" + std::to_string(config->compute_dtype) + " (" + dtype_name(dtype) +
                  ") is not a compute dtype (expected LB_DTYPE_F32, LB_DTYPE_F16 or LB_DTYPE_BF16)");
  }
  return LlamaConfig{config->hidden_size,  config->intermediate_size, config->num_heads,
                     config->num_kv_heads, config->head_dim,          config->rope_theta,
                     config->rms_norm_eps, dtype};
}

}  // namespace lb::model
