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
/* New zero-filled tensor of dtype and shape[ndim] on the given device. */
int lb_tensor_zeros(int32_t dtype, const int64_t *shape, int32_t ndim, int32_t device_type, int32_t device_index,
                    lb_tensor *out);
/* A view of t's [start, start + length) along dim: shares t's storage (writes through it change t); free it
 * with lb_tensor_free (t's storage lives while either handle does). */
int lb_tensor_narrow(lb_tensor t, int32_t dim, int64_t start, int64_t length, lb_tensor *out);
/* Copies src into dst in place (equal shapes; src is converted to dst's dtype and device). */
int lb_tensor_copy_into(lb_tensor dst, lb_tensor src);
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
 * rounding. bits 2, 3, 4. Combinations not built give LB_ERR_UNSUPPORTED: other bits, and a group_size
 * that is not a multiple of 16 (bits 2), 32 (bits 3) or 8 (bits 4).
 * Devices: CPU tensors run the CPU kernel; CUDA tensors (all operands on one device) run the CUDA kernel
 * (m <= 4 with `in` and group_size multiples of 32: a GEMV that quantizes x per 32 values to int8 plus an
 * int8 residual, ~15 bits, relative error ~3e-5; otherwise a register-tiled GEMM, split over `in` when the
 * matrix is small), on the current stream; a liblowbit built without CUDA gives LB_ERR_UNSUPPORTED for
 * them; CUDA results may differ in the last bits between runs (atomic partial sums). Symmetric weights are
 * the same layout with every zero point 2^(bits-1). y is f32 on every device (the C++ adapter has an
 * overload that returns y in f16/bf16 instead). */
int lb_packed_linear(lb_tensor x, lb_tensor qweight, lb_tensor qzeros, lb_tensor scales, int32_t bits,
                     int64_t group_size, int32_t zero_offset, lb_tensor *y);

/* ---- VQ lookup matmul (VPTQ stored format) ----
 * One VPTQ-quantized linear, W [M = out_features, N = in_features], as the vptq package stores it
 * (specs/vptq.md "Stored format"): columns in permuted order j = 0..N-1 (column P[j] of W); the first
 * outlier_size columns use the outlier codebook (vectors of outlier_vector_len rows), the others are split
 * into group_num groups of group_size columns, each with its own codebooks (vectors of vector_len rows).
 * Dequant: outlier j < O: Q[r,j] = OC[oidx[0, r/v0, j]][r % v0]; else g = (j-O)/S, j' = (j-O)%S,
 * code = element j' of indices[g, r/v] (T = log2 k + log2 k_r bits, little-endian bit stream, may straddle
 * words), Q[r,j] = C[g][code & (k-1)][r % v] + R[g][code >> log2 k][r % v];
 * W[r, P[j]] = weight_scale[P[j]] * Q[r,j] + weight_bias[P[j]].
 * Tensors (all on one device): centroids f16 [G, k*v]; res_centroids f16 [G, k_r*v] or NULL;
 * indices i32 [G, ceil(M/v), ceil(S*T/32)]; outlier_centroids f16 [1, k0*v0] and outlier_indices i16
 * [1, ceil(M/v0), O] (NULL when O = 0; read as unsigned); perm i16 [N] or NULL (identity; read as
 * unsigned); weight_scale, weight_bias f16 [N] or NULL (1 / 0); bias f16 [M] or NULL (the layer bias);
 * bank_indices i16 [G, ceil(M/v), ceil(S/16)*16] from lb_vq_bank_indices for these indices, or NULL: the CUDA GEMV
 * then reads its entries from bank-spread codebook copies (faster; the same y), CPU ignores it. Only the shape is
 * checked: slots made from other indices give a wrong y (checking them would read both on every call), so make them
 * again whenever the indices change. A struct_size that
 * ends before bank_indices (a caller built against an older lowbit.h) is accepted as bank_indices = NULL. */
typedef struct lb_vq_weights {
    int64_t struct_size;
    int64_t out_features;          /* M */
    int64_t in_features;           /* N */
    int32_t vector_len;            /* v */
    int32_t num_centroids;         /* k, a power of two */
    int32_t num_res_centroids;     /* k_r, a power of two, or <= 0: no residual codebook */
    int32_t outlier_vector_len;    /* v0 (used when outlier_size > 0) */
    int32_t num_outlier_centroids; /* k0 (used when outlier_size > 0) */
    int32_t reserved;
    int64_t group_num;             /* G */
    int64_t group_size;            /* S; G * S >= N - O */
    int64_t outlier_size;          /* O */
    lb_tensor centroids;
    lb_tensor res_centroids;
    lb_tensor indices;
    lb_tensor outlier_centroids;
    lb_tensor outlier_indices;
    lb_tensor perm;
    lb_tensor weight_scale;
    lb_tensor weight_bias;
    lb_tensor bias;
    lb_tensor bank_indices;
} lb_vq_weights;

/* weight: a new f32 [M, N] tensor on the weights' device (the plain reference; no layer bias). Checks
 * outlier indices and perm values (a device sync on CUDA). */
int lb_vq_dequantize(const lb_vq_weights *w, lb_tensor *weight);

/* y = x . W^T (+ bias): x [m, N] f32/f16/bf16 on the weights' device; y a new f32 [m, M] tensor, fp32
 * accumulation, computed from the indices without forming W (CPU: any m; CUDA: a fused GEMV with the
 * codebooks in shared memory, row by row for m <= 4, v in {2, 4, 6, 8, 12, 16}, k and k_r >= 8;
 * otherwise dequantize + matmul).
 * On CUDA, outlier index and perm values are not checked (no device sync): lb_vq_dequantize checks them. */
int lb_vq_linear(lb_tensor x, const lb_vq_weights *w, lb_tensor *y);

/* slots: a new i16 [G, ceil(M/v), ceil(S/16)*16] tensor on the weights' CUDA device for w->bank_indices: per
 * element, the codebook copy and rotated slot the tensor-core GEMV reads, chosen so that each 8-lane shared load
 * spreads over the banks (v8/k4096 at 28672 x 8192 on an H200: 60.7 -> 41.8 us). Computed once per weight (a
 * device kernel, ~17 ms at that shape). LB_ERR_UNSUPPORTED (with the reason) on CPU and for layouts the banked
 * GEMV does not take: it needs vector_len 8, num_centroids <= 4096 with 8 or 12 index bits, no residual codebook,
 * group_size >= 65 and three copies of a codebook in shared memory. */
int lb_vq_bank_indices(const lb_vq_weights *w, lb_tensor *slots);

/* ---- whole-model inference decoder (generation with a KV cache) ----
 * An lb_decoder holds every layer of a Llama-family model on one device, a KV cache for max_seq
 * positions (batch 1, compute dtype) and a sampler. Build it with lb_decoder_create, then one
 * lb_decoder_add_layer per layer, in order (num_layers of them). Then prefill the prompt and decode
 * one token per call; each call runs the whole model. Positions continue from the last call until
 * lb_decoder_reset. On CUDA the one-token step is captured in a CUDA graph (unless use_cuda_graph = 0).
 */
typedef struct lb_decoder_s *lb_decoder;

typedef struct lb_decoder_options {
    int64_t struct_size;
    int64_t num_layers;
    int64_t max_seq;          /* KV cache length: prompt + generated tokens must fit */
    int32_t use_cuda_graph;   /* 1: capture the decode step in a CUDA graph on CUDA devices; 0: eager */
    int32_t reserved;
} lb_decoder_options;

/* One linear [out, in] of a layer: dense (weight != NULL: f32/f16/bf16 [out, in]) or GPTQ-style packed
 * (weight == NULL; qweight, qzeros, scales, bits, group_size, zero_offset as lb_packed_linear).
 * bias: [out] or NULL. Packed linears run through lb_packed_linear's kernels; where no kernel is built
 * for the device the weight is dequantized once into a dense one (lb_decoder_stats reports how many). */
typedef struct lb_decoder_linear {
    int64_t struct_size;
    lb_tensor weight;
    lb_tensor qweight;
    lb_tensor qzeros;
    lb_tensor scales;
    lb_tensor bias;
    int64_t group_size;
    int32_t bits;
    int32_t zero_offset;
} lb_decoder_linear;

/* Sampling: temperature <= 0 is greedy (argmax, lowest id on ties); otherwise softmax(logits / T)
 * restricted to the smallest set of most likely tokens whose mass reaches top_p (0 < top_p <= 1; most
 * likely first, ties by id; at top_p = 1 every token, in id order), drawn with a 64-bit Mersenne Twister
 * seeded by lb_decoder_set_sampling. */
typedef struct lb_sampling_options {
    int64_t struct_size;
    double temperature;
    double top_p;
    uint64_t seed;
} lb_sampling_options;

typedef struct lb_decoder_stats {
    int64_t struct_size;
    int64_t position;            /* tokens in the KV cache */
    int64_t max_seq;
    int64_t layers_added;
    int64_t packed_linears;      /* linears run by the packed matmul kernels */
    int64_t dequantized_linears; /* packed linears dequantized to dense (no packed kernel for the device) */
    int32_t cuda_graph_active;   /* 1 once the decode step runs from a captured CUDA graph */
    int32_t fused_kernels;       /* 1: one-token steps use the fused CUDA decode kernels (LOWBIT_FUSED_DECODE=0: off);
                                    2: with an f32 residual and accumulate GEMVs (LOWBIT_DECODE_ACCUMULATE=0: off);
                                    3: also the RMSNorms and SiLU * up inside the GEMVs (default where every linear is
                                    packed for the GEMV; LOWBIT_DECODE_NORMED=0: off);
                                    4: also the attention kernel writes the o projection's quantized input (head_dim a
                                    multiple of 32; LOWBIT_DECODE_O_PREPARED=0: off);
                                    5: instead the o projection runs inside the attention kernel (f16 / bf16, head_dim
                                    a multiple of 32 up to 128; 2-bit o by default, LOWBIT_DECODE_ATTENTION_O=1: at
                                    every bit width, =0: off) */
} lb_decoder_stats;

/* embed [vocab, hidden], final_norm [hidden], lm_head [vocab, hidden] (may be the embed tensor for tied
 * embeddings): float tensors, copied to the device in the compute dtype. */
int lb_decoder_create(const lb_llama_config *config, lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head,
                      const lb_decoder_options *options, int32_t device_type, int32_t device_index,
                      lb_decoder *out);
/* Adds the next layer: norms [hidden] and the 7 linears in the order q, k, v, o, gate, up, down. The
 * tensors are copied: the caller may free them right after. */
int lb_decoder_add_layer(lb_decoder decoder, lb_tensor input_norm, lb_tensor post_attention_norm,
                         const lb_decoder_linear *linears, int32_t count);
void lb_decoder_free(lb_decoder decoder);
/* Empties the KV cache (position 0). */
int lb_decoder_reset(lb_decoder decoder);
/* Runs ids[0..n-1] at the next n positions; logits (if not NULL): new f32 [vocab] CPU tensor of the last. */
int lb_decoder_prefill(lb_decoder decoder, const int64_t *ids, int64_t n, lb_tensor *logits);
/* Runs one token at the next position; logits as lb_decoder_prefill. */
int lb_decoder_decode(lb_decoder decoder, int64_t token, lb_tensor *logits);
int lb_decoder_set_sampling(lb_decoder decoder, const lb_sampling_options *options);
/* As lb_decoder_prefill / lb_decoder_decode, then samples the next token with the sampling options. */
int lb_decoder_prefill_next(lb_decoder decoder, const int64_t *ids, int64_t n, int64_t *next_token);
/* On a captured CUDA graph (LOWBIT_DECODE_AHEAD=0: off), decode_next picks the token on the device and queues
 * the step after it, fed with that token, before it returns; calling again with that token finds it running. Any
 * other call (another token, decode, prefill, reset, set_sampling, free) first waits for the queued step, whose cache
 * entry at the next position is overwritten by whatever runs there next. Sampled there, the draw is made on the
 * device from the same distribution (its probabilities in f32), with one draw of the generator per step, but walked in
 * id order over the kept tokens: for a seed, another token sequence than the host sampler's (prefill_next samples on the
 * host). */
int lb_decoder_decode_next(lb_decoder decoder, int64_t token, int64_t *next_token);
int lb_decoder_get_stats(lb_decoder decoder, lb_decoder_stats *stats);

/* ---- LR-QAT: low-rank QAT on a down-cast frozen weight (shared/specs/lrqat.md) ----
 * Grid units: c in [qmin, qmax] = [-2^(b-1), 2^(b-1) - 1]; w_hat = s * (c - (z - 2^(b-1))) where z is the GPTQ
 * zero point (2^(b-1) for the symmetric grid); the GPTQ code of c is c + 2^(b-1). Scales are rounded to f16
 * values wherever they are used, so the packed export (f16 scales) is lossless.
 * Down-cast Phi0 = phi(W0 / s0 + z - 2^(b-1)): Q8 (default): int8 round(2^(8-b) clip(x, qmin, qmax)), read back
 * as Phi0 / 2^(8-b); INT4: u8 [out, in/2], nibble round(clip(x)) - qmin (even column low); BF16: bf16(x).
 * Forward: Z = phi^-1(Phi0) + (alpha/r) A B; W_int = clamp(round_ste(Z), qmin, qmax); w_hat = s (W_int - o).
 * Backward (mask recomputed, nothing stored but the inputs): with G = dL/dw_hat and M = 1[qmin <= round(Z) <= qmax]:
 * dC = (alpha/r) s (M G), dA = dC B^T, dB = A^T dC, ds = per-group sum of (W_int - o) G. */
#define LB_LRQAT_DOWNCAST_Q8 0
#define LB_LRQAT_DOWNCAST_INT4 1
#define LB_LRQAT_DOWNCAST_BF16 2

typedef struct lb_lrqat_options {
    int64_t struct_size;
    int32_t bits;          /* 2, 3 or 4 */
    int32_t symmetric;     /* 1: symmetric signed grid; 0: asymmetric with a zero point */
    int64_t group_size;    /* <= 0: per output channel; must divide in otherwise (larger: one group) */
    int64_t rank;          /* r of A [out, r], B [r, in] */
    double alpha;          /* A B is scaled by alpha / r */
    int32_t downcast;      /* LB_LRQAT_DOWNCAST_* */
    int32_t ab_dtype;      /* dtype of A and B (LB_DTYPE_BF16 default; F32 for tests); of W in full QAT */
    int32_t full_qat;      /* 1: the baseline: every weight trainable with STE fake quant, no A/B (memory benchmark) */
    int32_t reserved;
    uint64_t seed;         /* Kaiming-uniform init of B */
} lb_lrqat_options;

typedef struct lb_lrqat_model_s *lb_lrqat_model;

/* p = 4 grid search (100 candidates) of scales and zeros f32 [out, groups] for weight [out, in]. */
int lb_lrqat_scale_init(lb_tensor weight, const lb_lrqat_options *options, lb_tensor *scales, lb_tensor *zeros);
int lb_lrqat_downcast(lb_tensor weight, lb_tensor scales, lb_tensor zeros, const lb_lrqat_options *options,
                      lb_tensor *phi0);
/* phi^-1(Phi0): f32 [out, in] grid values. */
int lb_lrqat_upcast(lb_tensor phi0, const lb_lrqat_options *options, lb_tensor *grid);
/* y = x w_hat^T (+ nothing) through the native autograd function; x [m, in]. With grad_y (not NULL) also the
 * gradients grad_x, grad_a, grad_b, grad_scales. A and B keep their dtypes; y and grad_x have x's dtype. */
int lb_lrqat_linear(lb_tensor x, lb_tensor phi0, lb_tensor a, lb_tensor b, lb_tensor scales, lb_tensor zeros,
                    const lb_lrqat_options *options, lb_tensor grad_y, lb_tensor *y, lb_tensor *grad_x,
                    lb_tensor *grad_a, lb_tensor *grad_b, lb_tensor *grad_scales);

/* The whole model: frozen embed [vocab, hidden], final_norm [hidden], lm_head [vocab, hidden] (may be embed),
 * then num_layers calls of lb_lrqat_model_add_layer (grid-search init + down-cast; the fp weights are not kept;
 * sq_error/sq_reference (may be NULL) receive sum (w_hat - w)^2 and sum w^2 over the layer's linears). */
int lb_lrqat_model_create(const lb_llama_config *config, const lb_lrqat_options *options, int64_t num_layers,
                          lb_tensor embed, lb_tensor final_norm, lb_tensor lm_head, int32_t device_type,
                          int32_t device_index, lb_lrqat_model *out);
void lb_lrqat_model_free(lb_lrqat_model model);
int lb_lrqat_model_add_layer(lb_lrqat_model model, const lb_llama_block_weights *weights, double *sq_error,
                             double *sq_reference);
/* One AdamW step (betas 0.9/0.95, wd 0) on the mean next-token NLL of ids [batch, seq], with per-block
 * activation checkpointing and a global grad-norm clip (clip <= 0: none). loss and grad_norm may be NULL
 * (then nothing waits for the device); a non-finite loss or gradient norm (checked when loss is
 * not NULL) is an LB_ERR_INTERNAL naming the step. */
int lb_lrqat_model_train_step(lb_lrqat_model model, lb_tensor ids, double lr_ab, double lr_s, double clip,
                              double *loss, double *grad_norm);
/* f32 [batch, seq-1]: -log p(ids[:, t+1] | ..t) with the current quantized weights. */
int lb_lrqat_model_nll(lb_lrqat_model model, lb_tensor ids, lb_tensor *nll);
/* Merge of linear `projection` (0..6: q, k, v, o, gate, up, down) of `layer`: codes u8 [out, in] =
 * clamp(round(Z)) + 2^(b-1), scales f32 [out, groups] (f16 values), zeros f32 [out, groups]. */
int lb_lrqat_model_merge(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor *codes,
                         lb_tensor *scales, lb_tensor *zeros);
/* w_hat f32 [out, in] exactly as the training forward computes it (before the cast to the compute dtype). */
int lb_lrqat_model_dequantized(lb_lrqat_model model, int64_t layer, int32_t projection, lb_tensor *weight);
/* Checkpoint state: the trainable tensors then their AdamW moments (m, v), in a fixed order. get copies. */
int lb_lrqat_model_state_count(lb_lrqat_model model, int64_t *count);
int lb_lrqat_model_state_name(lb_lrqat_model model, int64_t index, char *buf, int64_t capacity);
int lb_lrqat_model_state_get(lb_lrqat_model model, int64_t index, lb_tensor *out);
int lb_lrqat_model_state_set(lb_lrqat_model model, int64_t index, lb_tensor value);
int lb_lrqat_model_step(lb_lrqat_model model, int64_t *step);
int lb_lrqat_model_set_step(lb_lrqat_model model, int64_t step);
/* Knowledge distillation from the full-precision model (the default LR-QAT loss: next-token CE on calibration
 * text adapts the model to that text's domain; matching the fp model's own distribution does not).
 * set_teacher: before the first lb_lrqat_model_add_layer, the pool of windows pool_ids [pool, seq] (I32/I64) the
 * distillation steps draw from; each add_layer then runs the fp block over the pool before its down-cast, and
 * after the last layer the fp model's top_k next-token ids and log-probs per position are kept in host memory
 * (pool * (seq-1) * top_k * 8 bytes); the fp activations of the pool (pool * seq * hidden) live on the device
 * until then. */
int lb_lrqat_model_set_teacher(lb_lrqat_model model, lb_tensor pool_ids, int64_t top_k);
/* As lb_lrqat_model_train_step on the pool windows `rows` (I32/I64 [batch], indices into the pool) with the loss
 * kd_weight * KL + (1 - kd_weight) * CE, KL = the divergence from the teacher on its top-k ids plus one bucket
 * for the rest of the vocabulary (see lb_e2e_model_train_step_kd). */
int lb_lrqat_model_train_step_kd(lb_lrqat_model model, lb_tensor rows, double kd_weight, double lr_ab, double lr_s,
                                 double clip, double *loss, double *grad_norm);
/* The distillation loss alone (for tests): logits F32 [n, vocab], teacher_ids I32/I64 [n, k], teacher_log_probs
 * [n, k], targets I64 [n]; loss: 0-dim F32; grad_logits (may be NULL): d loss / d logits, F32 [n, vocab]. */
int lb_lrqat_distillation_loss(lb_tensor logits, lb_tensor teacher_ids, lb_tensor teacher_log_probs, lb_tensor targets,
                               double kd_weight, lb_tensor *loss, lb_tensor *grad_logits);

/* ---- VPTQ: weighted k-means ----
 * points [n, d] (f32, f16 or bf16; used as f32), d in 1..32, CPU or CUDA. Nearest centroid by squared
 * L2 with ties to the lowest index. The CPU path evaluates exact squared differences; the CUDA path
 * evaluates ||c||^2 - 2 x.c (centroids tiled through shared memory), so near-ties may resolve differently
 * between devices; each device is deterministic. The n x k distance matrix is never stored. */
#define LB_KMEANS_INIT_RANDOM 0     /* k distinct points drawn uniformly with the seed */
#define LB_KMEANS_INIT_PLUSPLUS 1   /* weighted k-means++ (D^2 sampling times the weights) with the seed */

/* labels: new i32 [n]; min_dist (if not NULL): new f32 [n], the squared distance to that centroid.
 * centroids [k, d], same device as points, k >= 1. */
int lb_kmeans_assign(lb_tensor points, lb_tensor centroids, lb_tensor *labels, lb_tensor *min_dist);

typedef struct lb_kmeans_options {
    int64_t struct_size;
    int64_t k;              /* clusters, >= 1 */
    int32_t max_iter;       /* Lloyd updates, >= 0 */
    int32_t init;           /* LB_KMEANS_INIT_* (ignored when initial centroids are given) */
    double tol;             /* stop when |J_prev - J| <= tol * J (relative change of the objective) */
    uint64_t seed;
} lb_kmeans_options;

/* Weighted Lloyd: minimises J = sum_i w_i ||x_i - c_{a(i)}||^2. weights: NULL (all 1) or [n] float,
 * finite, >= 0, with a positive sum. init_centroids: NULL (seed them by options->init) or [k, d].
 * Each iteration: assign, J, stop test, update (per-cluster weighted means summed in f64 in a fixed
 * order: deterministic for a seed). A cluster left without weight is re-seeded by splitting the heaviest
 * cluster (a copy of its centroid plus a small offset; its weight is halved for the next pick). Outputs: centroids new f32 [k, d] and
 * labels new i32 [n] (consistent with each other), objective (J of the returned pair), iterations
 * (updates done) and empty_splits (re-seeded clusters); the last three may be NULL. */
int lb_kmeans_fit(lb_tensor points, lb_tensor weights, lb_tensor init_centroids, const lb_kmeans_options *options,
                  lb_tensor *centroids, lb_tensor *labels, double *objective, int32_t *iterations,
                  int64_t *empty_splits);

/* ---- VPTQ: one linear layer, second-order vector quantization ----
 * weight [M = out, N = in] (float), hessian [N, N] (float, typically f64 X^T X), both CPU or CUDA (the
 * hessian is moved to the weight's device). Vectors are v consecutive rows of one input column (M padded
 * to a multiple of v with zeros, normalized space). Steps: dead columns (diag 0) zeroed; H /= mean(diag);
 * H += damp * I; optional per-column normalization (scale = max - min, bias = min, both rounded to f16);
 * optional act-order permutation (descending diag H); the first outlier_columns permuted columns use their
 * own codebook (outlier_vector_len, outlier_codebook_size); the rest form `groups` groups of
 * S = ceil((N - O) / G) columns, each with a codebook of codebook_size vectors (Hessian-weighted k-means,
 * w = H[c,c] * scale[c]^2) and, if res_codebook_size > 0, a residual codebook (k-means on the pass-1
 * residuals, then pass 2 from the original weights). Codebooks are rounded to f16 before use. The column
 * loop is GPTQ's with U = upper Cholesky of H^-1 in blocks of block_size columns; error_feedback = 0 turns
 * the error propagation off (plain nearest centroid). Deterministic for a seed on a given device. */
typedef struct lb_vptq_options {
    int64_t struct_size;
    int32_t vector_len;            /* v, 1..32 */
    int32_t codebook_size;         /* k >= 1 */
    int32_t res_codebook_size;     /* k_r; 0: no residual codebook */
    int32_t outlier_vector_len;    /* v0 (4); used when outlier_columns > 0 */
    int32_t outlier_codebook_size; /* k0 */
    int32_t groups;                /* G >= 1 */
    int64_t outlier_columns;       /* O in 0..N-G */
    int32_t enable_norm;
    int32_t enable_perm;
    int32_t block_size;            /* columns per block (128) */
    int32_t error_feedback;        /* 1: second-order loop; 0: plain nearest centroid */
    int32_t kmeans_max_iter;
    int32_t kmeans_init;           /* LB_KMEANS_INIT_* */
    double kmeans_tol;
    double damp;                   /* 0.01 */
    uint64_t seed;
    int32_t finetune_steps;        /* 0: none; else Adam steps on the codebooks with the indices fixed, minimizing
                                      tr((W - Q) H (W - Q)^T), i.e. the layer-output MSE over the calibration
                                      inputs; the best iterate (after f16 rounding) is kept, never worse than none */
    int32_t reserved;
    double finetune_lr;            /* Adam learning rate in the normalized domain (1e-3) */
} lb_vptq_options;

/* Outputs (new tensors on the weight's device; the caller frees each non-NULL one). */
typedef struct lb_vptq_layer {
    int64_t struct_size;
    lb_tensor centroids;          /* f32 [G, k, v] (f16-representable) */
    lb_tensor res_centroids;      /* f32 [G, k_r, v] or NULL */
    lb_tensor indices;            /* i32 [G, ceil(M/v), S]: main index of vector r of group column j' */
    lb_tensor res_indices;        /* i32 [G, ceil(M/v), S] or NULL */
    lb_tensor outlier_centroids;  /* f32 [k0, v0] or NULL */
    lb_tensor outlier_indices;    /* i32 [ceil(M/v0), O] or NULL */
    lb_tensor perm;               /* i64 [N]: permuted column j is original column perm[j] */
    lb_tensor weight_scale;       /* f32 [N], original column order (1 without normalization) */
    lb_tensor weight_bias;        /* f32 [N] (0 without normalization) */
    lb_tensor dequant;            /* f32 [M, N]: the quantized weight, original column order */
    double proxy_error;           /* tr((W - Q) H (W - Q)^T) with the normalized, damped H */
    double weight_error;          /* sum((W - Q)^2) */
} lb_vptq_layer;

int lb_vptq_quantize_layer(lb_tensor weight, lb_tensor hessian, const lb_vptq_options *options, lb_vptq_layer *out);

/* ---- VPTQ: Hessians of the linear inputs of a Llama block ----
 * Accumulators of X^T X in f64 over all tokens for the inputs of q/k/v (index 0), o (1), gate/up (2) and
 * down (3), on the device of the block that feeds them. */
typedef struct lb_hessians_s *lb_hessians;

int lb_hessians_create(lb_hessians *out);
void lb_hessians_free(lb_hessians hessians);
/* Runs the fp block exactly as lb_llama_block_forward (same output) and adds X^T X of each linear's input
 * to `hessians`. The block must be an fp Llama block from lb_llama_block_create. */
int lb_llama_block_forward_hessians(lb_block block, lb_hessians hessians, lb_tensor hidden, lb_tensor *out);
/* H = (sum of X^T X) / tokens of accumulator `index` (0..3) as a new f32 tensor [in, in] on its device,
 * and the number of tokens seen (tokens may be NULL). Nothing accumulated yet is an invalid argument. */
int lb_hessians_get(lb_hessians hessians, int32_t index, lb_tensor *hessian, int64_t *tokens);

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
/* Training state, for checkpoints. Parameter `index` (0 .. *count - 1; layer-major, q k v o gate up down per
 * layer) is one linear's step sizes and AdamW's two moments, each f32 [groups, out]. state_size: the count and
 * the optimizer steps taken so far; get_state: three new CPU tensors; set_state: copies them in (shapes must
 * match, values finite); set_step: the optimizer step count a resumed run continues from (no losses pending). */
int lb_e2e_model_state_size(lb_e2e_model model, int64_t *count, int64_t *step);
int lb_e2e_model_get_state(lb_e2e_model model, int64_t index, lb_tensor *scales, lb_tensor *exp_avg, lb_tensor *exp_avg_sq);
int lb_e2e_model_set_state(lb_e2e_model model, int64_t index, lb_tensor scales, lb_tensor exp_avg, lb_tensor exp_avg_sq);
int lb_e2e_model_set_step(lb_e2e_model model, int64_t step);

/* ---- EfficientQAT E2E-QP: knowledge distillation from the full-precision model ----
 * Teacher side: log_softmax of logits (float [..., vocab], f32 math), then its top k: *ids a new i32 tensor
 * [..., k] and *logprobs a new f32 tensor [..., k], in descending order, on the logits' device. */
int lb_logits_topk(lb_tensor logits, int32_t k, lb_tensor *ids, lb_tensor *logprobs);
/* As lb_e2e_model_train_step with the distillation loss: per position t (predicting token t + 1) the soft
 * KL divergence from the teacher on k + 1 buckets, its top-k ids and "the rest of the vocabulary":
 * sum_k q_k log(q_k / p_s(id_k)) + r_t log(r_t / r_s), q_k = exp(teacher_logprobs), r_t = 1 - sum_k q_k,
 * r_s = the student's mass outside the ids; mean over positions; loss = (1 - hard_weight) * that
 * + hard_weight * next-token cross-entropy (hard_weight in [0, 1]). ids [rows, seq]; teacher_ids integer and
 * teacher_logprobs float (f32/bf16/f16), both [rows, seq - 1, k] (as lb_logits_topk gives them for the fp
 * model's logits of positions 0..seq-2). The loss is queued like lb_e2e_model_train_step's. */
int lb_e2e_model_train_step_kd(lb_e2e_model model, lb_tensor ids, lb_tensor teacher_ids, lb_tensor teacher_logprobs,
                               double hard_weight, double lr, double max_grad_norm);

#ifdef __cplusplus
}
#endif

#endif /* LOWBIT_H */
