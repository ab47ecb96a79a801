// extern "C": the whole-model inference decoder (lb_decoder_*).
#include <cstring>
#include <memory>

#include "lowbit.h"
#include "src/api/guard.h"
#include "src/devices.h"
#include "src/error.h"
#include "src/infer/decoder.h"
#include "src/model/llama_config.h"
#include "src/tensor_handle.h"

using lb::api::guard;

namespace {

lb::infer::Decoder& unwrap_decoder(lb_decoder decoder) {
  lb::require_non_null(decoder, "decoder");
  if (!decoder->impl) lb::throw_invalid("decoder is an empty handle");
  return *decoder->impl;
}

// The next token after logits f32 [vocab] (CPU) with the decoder's sampler.
int64_t sample(lb::infer::Decoder& d, const at::Tensor& logits) {
  return d.sampler().next(logits.data_ptr<float>(), logits.numel());
}

}  // namespace

extern "C" {

int lb_decoder_create(const lb_llama_config* config, lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head,
                      const lb_decoder_options* options, int32_t device_type, int32_t device_index, lb_decoder* out) {
  return guard("lb_decoder_create", [&] {
    lb::require_non_null(out, "out");
    const lb::model::LlamaConfig checked = lb::model::checked_config(config);
    lb::require_non_null(options, "options");
    if (options->struct_size < static_cast<int64_t>(sizeof(lb_decoder_options))) {
      lb::throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " is too small (expected >= " +
                        std::to_string(sizeof(lb_decoder_options)) + ")");
    }
    const c10::Device device = lb::device_from_codes(device_type, device_index);
    auto handle = std::make_unique<lb_decoder_s>();
    handle->impl = std::make_unique<lb::infer::Decoder>(checked, lb::unwrap(embed, "embed"),
                                                        lb::unwrap(final_norm, "final_norm"),
                                                        lb::unwrap(lm_head, "lm_head"), *options, device);
    *out = handle.release();
  });
}

int lb_decoder_add_layer(lb_decoder decoder, lb_tensor input_norm, lb_tensor post_attention_norm,
                         const lb_decoder_linear* linears, int32_t count) {
  return guard("lb_decoder_add_layer", [&] {
    unwrap_decoder(decoder).add_layer(lb::unwrap(input_norm, "input_norm"),
                                      lb::unwrap(post_attention_norm, "post_attention_norm"), linears, count);
  });
}

void lb_decoder_free(lb_decoder decoder) { delete decoder; }

int lb_decoder_reset(lb_decoder decoder) {
  return guard("lb_decoder_reset", [&] { unwrap_decoder(decoder).reset(); });
}

int lb_decoder_prefill(lb_decoder decoder, const int64_t* ids, int64_t n, lb_tensor* logits) {
  return guard("lb_decoder_prefill", [&] {
    at::Tensor result = unwrap_decoder(decoder).prefill(ids, n);
    if (logits != nullptr) *logits = lb::make_handle(std::move(result)).release();
  });
}

int lb_decoder_decode(lb_decoder decoder, int64_t token, lb_tensor* logits) {
  return guard("lb_decoder_decode", [&] {
    at::Tensor result = unwrap_decoder(decoder).decode(token);
    if (logits != nullptr) *logits = lb::make_handle(std::move(result)).release();
  });
}

int lb_decoder_set_sampling(lb_decoder decoder, const lb_sampling_options* options) {
  return guard("lb_decoder_set_sampling", [&] {
    lb::infer::Decoder& d = unwrap_decoder(decoder);
    lb::require_non_null(options, "options");
    if (options->struct_size < static_cast<int64_t>(sizeof(lb_sampling_options))) {
      lb::throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " is too small (expected >= " +
                        std::to_string(sizeof(lb_sampling_options)) + ")");
    }
    d.set_sampling(options->temperature, options->top_p, options->seed);
  });
}

int lb_decoder_prefill_next(lb_decoder decoder, const int64_t* ids, int64_t n, int64_t* next_token) {
  return guard("lb_decoder_prefill_next", [&] {
    lb::require_non_null(next_token, "next_token");
    lb::infer::Decoder& d = unwrap_decoder(decoder);
    *next_token = sample(d, d.prefill(ids, n));
  });
}

int lb_decoder_decode_next(lb_decoder decoder, int64_t token, int64_t* next_token) {
  return guard("lb_decoder_decode_next", [&] {
    lb::require_non_null(next_token, "next_token");
    lb::infer::Decoder& d = unwrap_decoder(decoder);
    *next_token = d.decode_next(token);
  });
}

int lb_decoder_get_stats(lb_decoder decoder, lb_decoder_stats* stats) {
  return guard("lb_decoder_get_stats", [&] {
    lb::require_non_null(stats, "stats");
    *stats = unwrap_decoder(decoder).stats();
  });
}

}  // extern "C"
