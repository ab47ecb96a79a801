/**
 * Token data for calibration and evaluation: an offline Hugging Face tokenizer
 * ({@link dev.lowbit.quant.data.TextTokenizer}), documents read from text or JSONL files
 * ({@link dev.lowbit.quant.data.DocumentReader}), the concatenated token stream
 * ({@link dev.lowbit.quant.data.TokenStream}) and fixed-length windows cut from it, in order or by
 * seeded sampling ({@link dev.lowbit.quant.data.TokenWindows}).
 */
package dev.lowbit.quant.data;
