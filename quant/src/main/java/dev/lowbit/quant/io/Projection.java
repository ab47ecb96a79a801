package dev.lowbit.quant.io;

/** The seven linear layers of a Llama-family decoder block, the ones that get quantized. */
public enum Projection {
    Q("self_attn.q_proj"),
    K("self_attn.k_proj"),
    V("self_attn.v_proj"),
    O("self_attn.o_proj"),
    GATE("mlp.gate_proj"),
    UP("mlp.up_proj"),
    DOWN("mlp.down_proj");

    private final String module;

    Projection(String module) {
        this.module = module;
    }

    /** The module path inside a layer, e.g. {@code self_attn.q_proj}. */
    public String module() {
        return module;
    }

    /** e.g. {@code model.layers.3.self_attn.q_proj} */
    public String modulePath(int layer) {
        return LlamaWeights.layerPrefix(layer) + module;
    }

    public String weightName(int layer) {
        return modulePath(layer) + ".weight";
    }

    public String biasName(int layer) {
        return modulePath(layer) + ".bias";
    }

    /** Rows of the weight (nn.Linear stores [out, in]). */
    public int outFeatures(ModelConfig c) {
        return switch (this) {
            case Q -> c.queryDim();
            case K, V -> c.keyValueDim();
            case O, DOWN -> c.hiddenSize();
            case GATE, UP -> c.intermediateSize();
        };
    }

    public int inFeatures(ModelConfig c) {
        return switch (this) {
            case Q, K, V, GATE, UP -> c.hiddenSize();
            case O -> c.queryDim();
            case DOWN -> c.intermediateSize();
        };
    }

    public boolean hasBias(ModelConfig c) {
        return switch (this) {
            case Q, K, V -> c.attentionBias();
            case O -> c.outputProjectionBias();
            case GATE, UP, DOWN -> c.mlpBias();
        };
    }
}
