package dev.lowbit.quant.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The Hugging Face tensor names and shapes of a Llama-family model, and a check of a checkpoint against them. */
public final class LlamaWeights {
    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";
    private static final int MAX_REPORTED = 10;

    private final ModelConfig config;

    public LlamaWeights(ModelConfig config) {
        this.config = config;
    }

    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    public static String inputNorm(int layer) {
        return layerPrefix(layer) + "input_layernorm.weight";
    }

    public static String postAttentionNorm(int layer) {
        return layerPrefix(layer) + "post_attention_layernorm.weight";
    }

    /** The weight (and bias, where the config has one) of one projection. */
    public List<WeightSpec> projection(int layer, Projection p) {
        List<WeightSpec> specs = new ArrayList<>(2);
        specs.add(new WeightSpec(p.weightName(layer), p.outFeatures(config), p.inFeatures(config)));
        if (p.hasBias(config)) {
            specs.add(new WeightSpec(p.biasName(layer), p.outFeatures(config)));
        }
        return specs;
    }

    /** Every tensor of decoder layer {@code layer}. */
    public List<WeightSpec> layer(int layer) {
        if (layer < 0 || layer >= config.numHiddenLayers()) {
            throw new IndexOutOfBoundsException("layer " + layer + " of " + config.numHiddenLayers());
        }
        List<WeightSpec> specs = new ArrayList<>();
        specs.add(new WeightSpec(inputNorm(layer), config.hiddenSize()));
        for (Projection p : Projection.values()) {
            specs.addAll(projection(layer, p));
        }
        specs.add(new WeightSpec(postAttentionNorm(layer), config.hiddenSize()));
        return specs;
    }

    /** The tensors outside the layers: embeddings, final norm and, unless tied, the LM head. */
    public List<WeightSpec> globals() {
        List<WeightSpec> specs = new ArrayList<>();
        specs.add(new WeightSpec(EMBED_TOKENS, config.vocabSize(), config.hiddenSize()));
        specs.add(new WeightSpec(FINAL_NORM, config.hiddenSize()));
        if (!config.tieWordEmbeddings()) {
            specs.add(new WeightSpec(LM_HEAD, config.vocabSize(), config.hiddenSize()));
        }
        return specs;
    }

    public List<WeightSpec> all() {
        List<WeightSpec> specs = new ArrayList<>(globals());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            specs.addAll(layer(i));
        }
        return specs;
    }

    /**
     * Checks that {@code checkpoint} has every expected tensor with the expected shape; extra
     * tensors are allowed. Lists the first problems found, each naming the tensor.
     */
    public void validateAgainst(TensorSource checkpoint) {
        List<String> problems = new ArrayList<>();
        String firstTensor = null;
        for (WeightSpec spec : all()) {
            String problem;
            if (!checkpoint.has(spec.name())) {
                problem = "tensor " + spec.name() + " missing (expected shape " + Arrays.toString(spec.shape()) + ")";
            } else {
                long[] actual = checkpoint.info(spec.name()).shape();
                if (Arrays.equals(actual, spec.shape())) {
                    continue;
                }
                problem = "tensor " + spec.name() + " has shape " + Arrays.toString(actual)
                        + ", expected " + Arrays.toString(spec.shape());
            }
            if (firstTensor == null) {
                firstTensor = spec.name();
            }
            problems.add(problem);
        }
        if (problems.isEmpty()) {
            return;
        }
        String listed = String.join("; ", problems.subList(0, Math.min(MAX_REPORTED, problems.size())));
        String more = problems.size() > MAX_REPORTED ? "; and " + (problems.size() - MAX_REPORTED) + " more" : "";
        throw ModelFormatException.namingTensorsInDetail(checkpoint.path(), firstTensor,
                "does not match the " + config.architecture().className() + " config: " + listed + more);
    }
}
