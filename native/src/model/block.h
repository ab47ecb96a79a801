// lb_block: a decoder layer ready to run. The fp Llama block is one kind; quantized forms can be others.
#pragma once

#include <ATen/core/Tensor.h>

#include <memory>

#include "lowbit.h"

namespace lb::model {

class Block {
 public:
  virtual ~Block() = default;
  // hidden [batch, seq, hidden_size] -> a new tensor of that shape in the block's compute dtype and device.
  virtual at::Tensor forward(const at::Tensor& hidden) = 0;
};

}  // namespace lb::model

struct lb_block_s {
  std::unique_ptr<lb::model::Block> impl;
};
