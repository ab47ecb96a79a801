// extern "C": quantization entry points.
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/rtn.h"

using lb::api::guard;

extern "C" {

int lb_quantize_rtn(lb_tensor weight, const lb_rtn_options* options, lb_tensor* codes, lb_tensor* scales,
                    lb_tensor* zeros, lb_tensor* dequant) {
  return guard("lb_quantize_rtn", [&] { lb::quantize_rtn(weight, options, codes, scales, zeros, dequant); });
}

}  // extern "C"
