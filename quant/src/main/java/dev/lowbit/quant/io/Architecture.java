package dev.lowbit.quant.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The supported members of the Llama family; they differ only in names' defaults and biases. */
public enum Architecture {
    /** q/k/v/o biases follow {@code attention_bias}; gate/up/down biases follow {@code mlp_bias}. */
    LLAMA("LlamaForCausalLM", "llama", 2048),
    /** No biases. */
    MISTRAL("MistralForCausalLM", "mistral", 131072),
    /** Always q/k/v biases, never o_proj or MLP biases. */
    QWEN2("Qwen2ForCausalLM", "qwen2", 32768);

    private final String className;
    private final String modelType;
    private final int defaultMaxPositions;

    Architecture(String className, String modelType, int defaultMaxPositions) {
        this.className = className;
        this.modelType = modelType;
        this.defaultMaxPositions = defaultMaxPositions;
    }

    /** The transformers class name, as in config.json's {@code architectures}. */
    public String className() {
        return className;
    }

    /** config.json's {@code model_type}. */
    public String modelType() {
        return modelType;
    }

    int defaultMaxPositions() {
        return defaultMaxPositions;
    }

    public static Optional<Architecture> fromClassName(String name) {
        return Arrays.stream(values()).filter(a -> a.className.equals(name)).findFirst();
    }

    public static Optional<Architecture> fromModelType(String type) {
        return Arrays.stream(values()).filter(a -> a.modelType.equals(type)).findFirst();
    }

    static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::className).collect(Collectors.joining(", "));
    }
}
