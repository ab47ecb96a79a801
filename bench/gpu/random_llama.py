"""Writes a Llama-shaped model with random weights (bf16 safetensors + config.json + the demo tokenizer).

    python3 bench/gpu/random_llama.py OUT_DIR [--layers 32] [--hidden 4096] [--intermediate 11008] [--heads 32]

Defaults are Llama-2-7B's shape. Weights ~ N(0, 0.02), norms 1. For speed and memory measurements only.
"""
import argparse
import json
import os
import shutil

import torch
from safetensors.torch import save_file

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--layers", type=int, default=32)
p.add_argument("--hidden", type=int, default=4096)
p.add_argument("--intermediate", type=int, default=11008)
p.add_argument("--heads", type=int, default=32)
p.add_argument("--kv-heads", type=int, default=None)
p.add_argument("--vocab", type=int, default=32000)
a = p.parse_args()
kv = a.kv_heads or a.heads
head_dim = a.hidden // a.heads
os.makedirs(a.out, exist_ok=True)
device = "cuda" if torch.cuda.is_available() else "cpu"
g = torch.Generator(device=device).manual_seed(0)


def rnd(*shape):
    return (torch.randn(*shape, device=device, generator=g) * 0.02).to(torch.bfloat16).cpu()


t = {"model.embed_tokens.weight": rnd(a.vocab, a.hidden), "model.norm.weight": torch.ones(a.hidden, dtype=torch.bfloat16),
     "lm_head.weight": rnd(a.vocab, a.hidden)}
for i in range(a.layers):
    pre = f"model.layers.{i}."
    t[pre + "input_layernorm.weight"] = torch.ones(a.hidden, dtype=torch.bfloat16)
    t[pre + "post_attention_layernorm.weight"] = torch.ones(a.hidden, dtype=torch.bfloat16)
    t[pre + "self_attn.q_proj.weight"] = rnd(a.heads * head_dim, a.hidden)
    t[pre + "self_attn.k_proj.weight"] = rnd(kv * head_dim, a.hidden)
    t[pre + "self_attn.v_proj.weight"] = rnd(kv * head_dim, a.hidden)
    t[pre + "self_attn.o_proj.weight"] = rnd(a.hidden, a.heads * head_dim)
    t[pre + "mlp.gate_proj.weight"] = rnd(a.intermediate, a.hidden)
    t[pre + "mlp.up_proj.weight"] = rnd(a.intermediate, a.hidden)
    t[pre + "mlp.down_proj.weight"] = rnd(a.hidden, a.intermediate)
save_file(t, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
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
print(f"wrote {a.out}: {sum(x.numel() for x in t.values()) / 1e9:.2f}B parameters")
