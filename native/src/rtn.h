// Adapter behind lb_quantize_rtn: validates the arguments, converts the weight to f32 and
// dispatches to the CPU or CUDA kernel by the weight's device.
#pragma once

#include "lowbit.h"

namespace lb {

void quantize_rtn(lb_tensor weight, const lb_rtn_options* options, lb_tensor* codes, lb_tensor* scales,
                  lb_tensor* zeros, lb_tensor* dequant);

}  // namespace lb
