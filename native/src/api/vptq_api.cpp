// extern "C": VPTQ layer quantization.
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/vptq/vptq_layer.h"

using lb::api::guard;

extern "C" {

int lb_vptq_quantize_layer(lb_tensor weight, lb_tensor hessian, const lb_vptq_options* options, lb_vptq_layer* out) {
  return guard("lb_vptq_quantize_layer", [&] { lb::vptq::quantize_layer_api(weight, hessian, options, out); });
}

}  // extern "C"
