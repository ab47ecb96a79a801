// Adapters behind the lb_tensor_* functions: argument checks, then libtorch.
#pragma once

#include <cstdint>

#include "lowbit.h"

namespace lb {

lb_tensor tensor_from_host(const void* data, int32_t dtype, const int64_t* shape, int32_t ndim,
                           int32_t device_type, int32_t device_index);
void tensor_to_host(lb_tensor t, void* dst, int64_t capacity_bytes);
void tensor_dtype(lb_tensor t, int32_t* dtype);
void tensor_ndim(lb_tensor t, int32_t* ndim);
void tensor_shape(lb_tensor t, int64_t* shape, int32_t capacity);
void tensor_device(lb_tensor t, int32_t* device_type, int32_t* device_index);
void tensor_nbytes(lb_tensor t, int64_t* nbytes);
lb_tensor tensor_to(lb_tensor t, int32_t dtype, int32_t device_type, int32_t device_index);
void tensor_free(lb_tensor t) noexcept;

}  // namespace lb
