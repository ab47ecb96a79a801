"""Writes a Llama-shaped model with random weights, numpy only (no torch): bf16 safetensors + config.json + the demo
tokenizer, for CPU speed measurements on a machine without PyTorch (bench/gpu/random_llama.py is the torch version).

    python3 bench/cpu/random_llama.py OUT_DIR [--layers 4] [--hidden 4096] [--intermediate 11008] [--heads 32]

Defaults: Llama-2-7B's shape with 4 of its 32 layers. Weights ~ N(0, 0.02), norms 1.
"""
import argparse
import json
import os
import shutil
import struct

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--layers", type=int, default=4)
p.add_argument("--hidden", type=int, default=4096)
p.add_argument("--intermediate", type=int, default=11008)
p.add_argument("--heads", type=int, default=32)
p.add_argument("--kv-heads", type=int, default=None)
p.add_argument("--vocab", type=int, default=32000)
a = p.parse_args()
kv = a.kv_heads or a.heads
head_dim = a.hidden // a.heads
os.makedirs(a.out, exist_ok=True)
rng = np.random.default_rng(0)


def bf16(x):
    """float32 -> bf16 bits (round to nearest even), as uint16."""
    u = np.ascontiguousarray(x, dtype=np.float32).view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def rnd(*shape):
    return bf16(rng.standard_normal(shape, dtype=np.float32) * 0.02)


def ones(n):
    return bf16(np.ones(n, dtype=np.float32))


shapes = {"model.embed_tokens.weight": (a.vocab, a.hidden), "model.norm.weight": (a.hidden,),
          "lm_head.weight": (a.vocab, a.hidden)}
for i in range(a.layers):
    pre = f"model.layers.{i}."
    shapes[pre + "input_layernorm.weight"] = (a.hidden,)
    shapes[pre + "post_attention_layernorm.weight"] = (a.hidden,)
    shapes[pre + "self_attn.q_proj.weight"] = (a.heads * head_dim, a.hidden)
    shapes[pre + "self_attn.k_proj.weight"] = (kv * head_dim, a.hidden)
    shapes[pre + "self_attn.v_proj.weight"] = (kv * head_dim, a.hidden)
    shapes[pre + "self_attn.o_proj.weight"] = (a.hidden, a.heads * head_dim)
    shapes[pre + "mlp.gate_proj.weight"] = (a.intermediate, a.hidden)
    shapes[pre + "mlp.up_proj.weight"] = (a.intermediate, a.hidden)
    shapes[pre + "mlp.down_proj.weight"] = (a.hidden, a.intermediate)

# safetensors: u64 header length, JSON header (offsets into the data), then the tensors' bytes in that order
header, offset = {"__metadata__": {"format": "pt"}}, 0
for name, shape in shapes.items():
    size = 2 * int(np.prod(shape))
    header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + size]}
    offset += size
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(os.path.join(a.out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for name, shape in shapes.items():
        f.write((ones(shape[0]) if name.endswith("norm.weight") else rnd(*shape)).tobytes())
config = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": a.hidden,
          "intermediate_size": a.intermediate, "num_hidden_layers": a.layers, "num_attention_heads": a.heads,
          "num_key_value_heads": kv, "head_dim": head_dim, "hidden_act": "silu", "max_position_embeddings": 4096,
          "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "vocab_size": a.vocab, "tie_word_embeddings": False,
          "torch_dtype": "bfloat16", "bos_token_id": 1, "eos_token_id": 2}
with open(os.path.join(a.out, "config.json"), "w") as f:
    json.dump(config, f, indent=2)
here = os.path.dirname(os.path.abspath(__file__))
for name in ("tokenizer.json", "tokenizer_config.json"):
    shutil.copy(os.path.join(here, "..", "..", "fixtures", "tiny", name), a.out)
print(f"wrote {a.out}: {sum(int(np.prod(s)) for s in shapes.values()) / 1e9:.2f}B parameters")
