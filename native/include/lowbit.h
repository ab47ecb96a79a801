/*
 * lowbit.h - the one public C header of liblowbit.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 *  - every function returns an int status (LB_OK = 0); on failure lb_last_error() gives the
 *    message of the calling thread's last failure. No C++ exception ever leaves the library.
 *  - handles are opaque; each kind has exactly one lb_*_free, which accepts NULL.
 *  - sizes are int64_t; dtypes and devices are small integer enums (LB_DTYPE_*, LB_DEVICE_*).
 *  - option structs start with struct_size (set it to sizeof(the struct)) so they can grow.
 *  - native code never calls back into the caller.
 */
#ifndef LOWBIT_H
#define LOWBIT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ---- */
#define LB_OK 0
#define LB_ERR_INVALID_ARGUMENT 1
#define LB_ERR_UNSUPPORTED 2
#define LB_ERR_OUT_OF_MEMORY 3
#define LB_ERR_CUDA 4
#define LB_ERR_INTERNAL 5

/* ---- dtypes ---- */
#define LB_DTYPE_F32 0
#define LB_DTYPE_F16 1
#define LB_DTYPE_BF16 2
#define LB_DTYPE_I8 3
#define LB_DTYPE_U8 4
#define LB_DTYPE_I16 5
#define LB_DTYPE_I32 6
#define LB_DTYPE_I64 7

/* ---- device types ---- */
#define LB_DEVICE_CPU 0
#define LB_DEVICE_CUDA 1

#define LB_VERSION_MAJOR 0
#define LB_VERSION_MINOR 1
#define LB_VERSION_PATCH 0

typedef struct lb_tensor_s *lb_tensor;

/* Message of this thread's last failed call ("" if none). Valid until the next lowbit call on this thread. */
const char *lb_last_error(void);

int lb_version(int32_t *major, int32_t *minor, int32_t *patch);

typedef struct lb_runtime_info {
    int64_t struct_size;
    char torch_version[32];        /* libtorch version the library was built against */
    int32_t cuda_built;            /* 1 if the CUDA kernels are compiled in */
    int32_t cuda_available;        /* 1 if a CUDA device can be used now */
    int32_t cuda_device_count;
    int32_t num_threads;           /* libtorch intra-op threads of the calling thread */
} lb_runtime_info;

int lb_runtime_info_get(lb_runtime_info *info);

/* Writes the NUL-terminated name of CUDA device `index` into buf (truncated to capacity). */
int lb_cuda_device_name(int32_t index, char *buf, int64_t capacity);

int lb_set_num_threads(int32_t threads);
/* Waits until all work queued on the device has finished (a no-op for the CPU). For timing. */
int lb_synchronize(int32_t device_type, int32_t device_index);
int lb_manual_seed(uint64_t seed);

/* ---- tensors ---- */

/* Copies `data` (C-contiguous, dtype, shape[ndim]) into a new tensor on the given device. */
int lb_tensor_from_host(const void *data, int32_t dtype, const int64_t *shape, int32_t ndim,
                        int32_t device_type, int32_t device_index, lb_tensor *out);
/* Copies the tensor (made contiguous, same dtype) into dst, which must hold at least nbytes. */
int lb_tensor_to_host(lb_tensor t, void *dst, int64_t capacity_bytes);
int lb_tensor_dtype(lb_tensor t, int32_t *dtype);
int lb_tensor_ndim(lb_tensor t, int32_t *ndim);
/* Writes min(ndim, capacity) sizes into shape. */
int lb_tensor_shape(lb_tensor t, int64_t *shape, int32_t capacity);
int lb_tensor_device(lb_tensor t, int32_t *device_type, int32_t *device_index);
int lb_tensor_nbytes(lb_tensor t, int64_t *nbytes);
/* New tensor with the same values converted to dtype on the given device. */
int lb_tensor_to(lb_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, lb_tensor *out);
void lb_tensor_free(lb_tensor t);

/* ---- group-wise round-to-nearest quantization ----
 * weight [out, in] (f32, f16 or bf16; computed in f32). Groups of group_size consecutive input
 * columns share a scale and zero point; group_size <= 0 means per output channel (one group per
 * row); a group_size larger than `in` is capped to `in`; otherwise it must divide `in`.
 * Asymmetric (symmetric = 0):  s = clamp((max - min) / (2^bits - 1), 1e-4, 1e4),
 *                              z = clamp(round(-min / s), 0, 2^bits - 1)
 * Symmetric (symmetric = 1):   s = max|w| / (2^(bits-1) - 1) (1 for an all-zero group),
 *                              z = 2^(bits-1)
 * Both: q = clamp(round(w / s) + z, 0, 2^bits - 1), w' = (q - z) * s; round = half to even.
 * Outputs (new tensors on the weight's device): codes u8 [out, in], scales f32 [out, groups],
 * zeros f32 [out, groups] (integer valued), dequant f32 [out, in]. bits in 2..8.
 */
typedef struct lb_rtn_options {
    int64_t struct_size;
    int32_t bits;
    int32_t symmetric;
    int64_t group_size;
} lb_rtn_options;

int lb_quantize_rtn(lb_tensor weight, const lb_rtn_options *options, lb_tensor *codes,
                    lb_tensor *scales, lb_tensor *zeros, lb_tensor *dequant);

/* ---- tensor utilities ---- */

/* Wraps caller memory without copying (CPU only). The caller keeps `data` alive and unchanged until
 * the tensor is freed. For zero-copy views of memory-mapped checkpoint tensors. */
int lb_tensor_wrap_host(void *data, int32_t dtype, const int64_t *shape, int32_t ndim, lb_tensor *out);
/* New contiguous tensor: the transpose of a 2-D tensor. */
int lb_tensor_transpose(lb_tensor t, lb_tensor *out);
/* y [m, out] = x [m, in] . weight [out, in]^T in the tensors' own (float) dtype and device: the plain
 * dense linear, the baseline the packed kernels are measured against. */
int lb_linear(lb_tensor x, lb_tensor weight, lb_tensor *y);
/* Sums over all elements, in float64: sum((a - b)^2) and sum(a^2). Same shape required. */
int lb_tensor_sq_error(lb_tensor reference, lb_tensor approx, double *sum_sq_error, double *sum_sq_reference);

/* ---- bit packing (GPTQ-style int32 words, least significant bits first) ----
 * Packs integer values (u8 or i32, each in [0, 2^bits)) of a 2-D tensor along `dim` (0 or 1) into
 * int32 words. bits 2, 4, 8: 32/bits values per word, value j of a word at bits [bits*j, bits*j+bits).
 * bits 3: 32 values in 3 words as one 96-bit little-endian stream (value t at stream bits [3t, 3t+3)).
 * The packed dimension must be a multiple of 32/bits (of 32 for bits 3); it becomes size*bits/32.
 * Values out of range are an invalid argument. */
int lb_pack_bits(lb_tensor values, int32_t bits, int32_t dim, lb_tensor *packed);
/* The inverse: int32 words -> u8 values; the packed dimension grows to size*32/bits. */
int lb_unpack_bits(lb_tensor packed, int32_t bits, int32_t dim, lb_tensor *values);

/* Dequantizes a GPTQ-style packed linear: qweight i32 [in*bits/32, out], qzeros i32
 * [groups, out*bits/32], scales (f16/bf16/f32) [groups, out], g_idx i32 [in] (NULL: i / group_size)
 * -> weight f32 [out, in], W[o,i] = (q[i,o] - z[g_idx[i],o]) * s[g_idx[i],o].
 * zero_offset is added to the stored zero points: 0 for the v2 convention, 1 for GPTQ v1 (z - 1 stored),
 * in which case z = (stored + 1) mod 2^bits. */
int lb_dequantize_gptq(lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, lb_tensor g_idx, int32_t bits,
                       int64_t group_size, int32_t zero_offset, lb_tensor *weight);

/* ---- Llama-family decoder ---- */

typedef struct lb_llama_config {
    int64_t struct_size;
    int64_t hidden_size;
    int64_t intermediate_size;
    int64_t num_heads;
    int64_t num_kv_heads;
    int64_t head_dim;
    double rope_theta;
    double rms_norm_eps;
    int32_t compute_dtype;   /* LB_DTYPE_F32, LB_DTYPE_F16 or LB_DTYPE_BF16 */
    int32_t reserved;
} lb_llama_config;

/* One decoder layer's weights, as HF stores them ([out, in] linears). Biases may be NULL. */
typedef struct lb_llama_block_weights {
    int64_t struct_size;
    lb_tensor input_norm;
    lb_tensor q_proj;
    lb_tensor k_proj;
    lb_tensor v_proj;
    lb_tensor o_proj;
    lb_tensor q_bias;
    lb_tensor k_bias;
    lb_tensor v_bias;
    lb_tensor o_bias;
    lb_tensor post_attention_norm;
    lb_tensor gate_proj;
    lb_tensor up_proj;
    lb_tensor down_proj;
} lb_llama_block_weights;

typedef struct lb_block_s *lb_block;

/* A decoder layer ready to run: the weights are copied, converted to the compute dtype, onto the device. */
int lb_llama_block_create(const lb_llama_config *config, const lb_llama_block_weights *weights,
                          int32_t device_type, int32_t device_index, lb_block *out);
void lb_llama_block_free(lb_block block);
/* hidden [batch, seq, hidden] -> new tensor of the same shape (compute dtype, block's device);
 * positions 0..seq-1, causal attention. */
int lb_llama_block_forward(lb_block block, lb_tensor hidden, lb_tensor *out);

/* ids i32/i64 [batch, seq] -> rows of table [vocab, hidden] as [batch, seq, hidden] in `dtype`, on the
 * device of `device_type`/`device_index`. Out-of-range ids are an invalid argument. */
int lb_embedding(lb_tensor table, lb_tensor ids, int32_t dtype, int32_t device_type, int32_t device_index,
                 lb_tensor *out);

/* Final RMSNorm and LM head over hidden [batch, seq, hidden]. With ids [batch, seq], nll (if not NULL)
 * receives f32 [batch, seq-1]: -log p(ids[:, t+1] | ..t). logits (if not NULL) receives f32
 * [batch, seq, vocab]. Logits are computed in f32 from the normed hidden state. */
int lb_llama_head(lb_tensor hidden, lb_tensor norm_weight, lb_tensor lm_head, double rms_norm_eps,
                  lb_tensor ids, lb_tensor *nll, lb_tensor *logits);

/* ---- quantization-aware training: EfficientQAT group fake quant, block reconstruction loss ----
 * Fake quant of w [out, in] (f32, f16 or bf16; computed in f32) with trainable scales and zeros
 * [out, groups] (float, converted to f32; all on w's device). Groups are group_size consecutive input
 * columns; group_size <= 0 means per output channel; a group_size larger than `in` is capped to `in`;
 * otherwise it must divide `in`. bits in {2, 3, 4}, qmax = 2^bits - 1, round = half to even:
 *   z' = clamp(round(z), 0, qmax);  u = round(w / s) + z';  q = clamp(u, 0, qmax);  w_hat = (q - z') * s
 * Gradients (straight-through rounding; only the clamp on q masks, inclusive of 0 and qmax):
 *   u inside [0, qmax]:  dw = g,  ds += g * (round(w/s) - w/s),  dz += 0
 *   u clipped:           dw = 0,  ds += g * (q - z'),             dz += -s * g
 * ds and dz are per-group sums in f32 with a fixed reduction order (CPU and CUDA give the same bits).
 * Outputs are new f32 tensors on w's device: w_hat and grad_w [out, in], grad_scales and grad_zeros
 * [out, groups]. grad_w_hat: float, w's shape and device. */
int lb_fake_quant_forward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                          lb_tensor *w_hat);
int lb_fake_quant_backward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                           lb_tensor grad_w_hat, lb_tensor *grad_w, lb_tensor *grad_scales,
                           lb_tensor *grad_zeros);

/* Block reconstruction loss: loss = mean((a - b)^2) over all elements (sum accumulated in f32 with a
 * fixed reduction order) and, unless grad_a is NULL, grad_a = 2 (a - b) / numel as a new f32 tensor
 * of a's shape on a's device. a and b: same shape, dtype (f32, f16 or bf16) and device. */
int lb_recon_loss(lb_tensor a, lb_tensor b, double *loss, lb_tensor *grad_a);

/* ---- packed int2 / int3 / int4 matmul ----
 * y = x . W^T with W [out, in] in the GPTQ-style layout of lb_dequantize_gptq (no g_idx):
 * qweight i32 [in*bits/32, out], qzeros i32 [groups, out*bits/32] (zero_offset 0: v2, 1: GPTQ v1),
 * scales f16/bf16/f32 [groups, out]; group_size <= 0 means per channel (one group), a group_size larger
 * than `in` is one group, otherwise groups = ceil(in / group_size).
 * x [m, in] f32, f16 or bf16 (any m; m = 1 takes the GEMV path). y: a new f32 tensor [m, out] (always
 * f32, whatever x's dtype), fp32 accumulation; equal to lb_dequantize_gptq then an fp32 matmul up to
 * rounding. bits 2, 3, 4. Combinations not built give LB_ERR_UNSUPPORTED: other bits, CUDA tensors (no
 * CUDA kernel yet), and a group_size that is not a multiple of 16 (bits 2), 32 (bits 3) or 8 (bits 4). */
int lb_packed_linear(lb_tensor x, lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, int32_t bits,
                     int64_t group_size, int32_t zero_offset, lb_tensor *y);

/* ---- EfficientQAT Block-AP training ----
 * A fake-quantized Llama decoder layer in training (specs/efficientqat.md, "Block-AP"): fp32 master
 * copies of the seven linear weights and both RMSNorm weights, per-group scales s and zeros z
 * initialised from min/max (s = clamp((max - min) / qmax, 1e-4, 1e4), z = round(-min / s)), AdamW
 * (betas 0.9/0.999, eps 1e-8, weight decay 0) with two parameter groups: weights + norms at lr_w,
 * scales + zeros at lr_q. The forward runs in config->compute_dtype (F32, BF16, or F16 with dynamic
 * loss scaling starting at options->loss_scale); the fake-quantized weights and norms are cast to it.
 * Linear biases are unsupported. Linear indices: 0 q, 1 k, 2 v, 3 o, 4 gate, 5 up, 6 down.
 * inputs / targets: [samples, seq, hidden] float tensors on any device; a step uses the rows
 * [first_row, first_row + rows) (copied to the block's device and compute dtype). */
typedef struct lb_qat_options {
    int64_t struct_size;
    int32_t bits;          /* 2, 3 or 4 */
    int32_t plain_ops;     /* 1: fake quant and loss from plain libtorch ops (the benchmark baseline); 0: fused kernels */
    int64_t group_size;    /* <= 0: per channel; larger than a row: capped */
    double loss_scale;     /* initial f16 loss scale; <= 0 means 65536 */
} lb_qat_options;

typedef struct lb_qat_block_s *lb_qat_block;

int lb_qat_block_create(const lb_llama_config *config, const lb_llama_block_weights *weights,
                        const lb_qat_options *options, int32_t device_type, int32_t device_index, lb_qat_block *out);
void lb_qat_block_free(lb_qat_block block);
/* One AdamW step on mean((block(inputs) - targets)^2). Does not wait for the device (except under f16):
 * the loss is queued; lb_qat_block_take_losses returns it. */
int lb_qat_block_train_step(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows,
                            double lr_w, double lr_q);
/* Moves the queued losses (in step order) into losses[capacity]; *count receives how many. A non-finite
 * loss fails with a message naming its step (1-based, counted over the block's life); more queued
 * losses than capacity is an invalid argument. */
int lb_qat_block_take_losses(lb_qat_block block, double *losses, int64_t capacity, int64_t *count);
/* Mean squared error of the fake-quantized block on the rows, without gradients. */
int lb_qat_block_eval_loss(lb_qat_block block, lb_tensor inputs, lb_tensor targets, int64_t first_row, int64_t rows,
                           double *loss);
/* The fake-quantized block on the rows, no gradients: a new [rows, seq, hidden] tensor in the compute dtype. */
int lb_qat_block_forward(lb_qat_block block, lb_tensor inputs, int64_t first_row, int64_t rows, lb_tensor *out);
/* Integer codes u8 [out, in], scales f32 [out, groups], zeros f32 [out, groups] (round(z) clamped to
 * [0, qmax]) of one linear, with w_hat = (codes - zeros) * scales exactly the trained block's weight. */
int lb_qat_block_export_linear(lb_qat_block block, int32_t linear, lb_tensor *codes, lb_tensor *scales,
                               lb_tensor *zeros);
/* Replaces one linear's master weight, scales and zeros (float tensors of its shapes). */
int lb_qat_block_load_linear(lb_qat_block block, int32_t linear, lb_tensor weight, lb_tensor scales, lb_tensor zeros);
/* The trained RMSNorm weights, f32 [hidden] each. */
int lb_qat_block_norms(lb_qat_block block, lb_tensor *input_norm, lb_tensor *post_attention_norm);

/* ---- EfficientQAT E2E-QP: scale gradient from packed integers ----
 * For y = x . W^T with W[o, i] = (q[i, o] - z[g, o]) * s[g, o] (g = i / group_size), the gradient of the
 * scales without materialising dW:  grad_scales[g, o] = sum_{i in g} (q[i, o] - z[g, o]) * (x^T dy)[i, o]
 * = sum_t dy[t, o] * sum_{i in g} (q[i, o] - z[g, o]) * x[t, i].
 * x [m, in] and grad_y [m, out]: float (computed in f32); qweight i32 [in*bits/32, out] in the GPTQ layout
 * of lb_pack_bits (dim 0; for bits 3 the 96-bit stream); zeros: float [groups, out] (unpacked, integer
 * valued). group_size must divide in (<= 0: one group). bits 2, 3, 4. All on one device (CPU or CUDA).
 * grad_scales: a new f32 tensor [groups, out], fp32 accumulation. */
int lb_scale_grad_packed(lb_tensor x, lb_tensor grad_y, lb_tensor qweight, lb_tensor zeros, int32_t bits,
                         int64_t group_size, lb_tensor *grad_scales);

/* ---- EfficientQAT E2E-QP: whole-model training of the step sizes ----
 * The quantized model with frozen integer weights and zero points and trainable f32 scales; embeddings,
 * norms and the LM head frozen (copied in config->compute_dtype; the head runs in f32). Next-token
 * cross-entropy; activation checkpointing per block; AdamW (betas 0.9/0.999, eps 1e-8, weight decay 0)
 * after clipping the global gradient norm to max_grad_norm (<= 0: no clipping); the caller passes the
 * learning rate of each step (cosine with warmup). Scale gradients come from the packed integers
 * (as lb_scale_grad_packed), never from a dense dW. Linear order: 0 q, 1 k, 2 v, 3 o, 4 gate, 5 up, 6 down. */
typedef struct lb_e2e_model_s *lb_e2e_model;

int lb_e2e_model_create(const lb_llama_config *config, lb_tensor embed_tokens, lb_tensor final_norm, lb_tensor lm_head,
                        int32_t bits, int64_t group_size, int32_t device_type, int32_t device_index, lb_e2e_model *out);
void lb_e2e_model_free(lb_e2e_model model);
/* Appends the next decoder layer: norms [hidden]; codes[7] u8 [out, in], scales[7] and zeros[7] float
 * [out, groups] (as lb_qat_block_export_linear gives them). */
int lb_e2e_model_add_block(lb_e2e_model model, lb_tensor input_norm, lb_tensor post_attention_norm,
                           const lb_tensor *codes, const lb_tensor *scales, const lb_tensor *zeros);
/* One step on ids [rows, seq] (i32 or i64); the loss is queued (lb_e2e_model_take_losses). */
int lb_e2e_model_train_step(lb_e2e_model model, lb_tensor ids, double lr, double max_grad_norm);
int lb_e2e_model_take_losses(lb_e2e_model model, double *losses, int64_t capacity, int64_t *count);
int lb_e2e_model_eval_loss(lb_e2e_model model, lb_tensor ids, double *loss);
/* The trained scales of one linear: a new f32 tensor [out, groups] on the CPU. */
int lb_e2e_model_scales(lb_e2e_model model, int64_t layer, int32_t linear, lb_tensor *scales);

#ifdef __cplusplus
}
#endif

#endif /* LOWBIT_H */
