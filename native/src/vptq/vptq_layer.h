// VPTQ for one linear layer: Hessian preparation, codebook init, the second-order column loop.
#pragma once

#include "lowbit.h"

namespace lb::vptq {

void quantize_layer_api(lb_tensor weight, lb_tensor hessian, const lb_vptq_options* options, lb_vptq_layer* out);

}  // namespace lb::vptq
