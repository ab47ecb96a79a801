// lb_tensor is an owned at::Tensor behind an opaque pointer.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>
#include <utility>

#include "lowbit.h"
#include "src/error.h"

struct lb_tensor_s {
  at::Tensor value;
};

namespace lb {

inline const at::Tensor& unwrap(lb_tensor handle, const char* argument) {
  return require_non_null(handle, argument)->value;
}

// Owning handle until handed to the caller with release(); keeps multi-output calls leak-free.
using TensorHandle = std::unique_ptr<lb_tensor_s>;

inline TensorHandle make_handle(at::Tensor tensor) {
  return TensorHandle(new lb_tensor_s{std::move(tensor)});
}

}  // namespace lb
