package dev.lowbit.quant.io;

import java.nio.file.Path;

/**
 * A model file (safetensors, index, config) whose content is malformed or does not match what was
 * expected. The message always names the file and, where one is involved, the tensor.
 */
public class ModelFormatException extends RuntimeException {
    private final Path file;
    private final String tensor;

    public ModelFormatException(Path file, String tensor, String detail) {
        this(file, tensor, detail, null);
    }

    public ModelFormatException(Path file, String tensor, String detail, Throwable cause) {
        this(format(file, tensor, detail), file, tensor, cause);
    }

    private ModelFormatException(String message, Path file, String tensor, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.tensor = tensor;
    }

    /** For a detail that already names {@code tensor} (and maybe others) itself. */
    static ModelFormatException namingTensorsInDetail(Path file, String tensor, String detail) {
        return new ModelFormatException(format(file, null, detail), file, tensor, null);
    }

    public ModelFormatException(Path file, String detail) {
        this(file, null, detail, null);
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the problem is not about one tensor. */
    public String tensor() {
        return tensor;
    }

    private static String format(Path file, String tensor, String detail) {
        StringBuilder sb = new StringBuilder().append(file).append(": ");
        if (tensor != null) {
            sb.append("tensor ").append(tensor).append(": ");
        }
        return sb.append(detail).toString();
    }
}
