package dev.lowbit.quant.method.lrqat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lowbit.quant.io.DType;
import dev.lowbit.quant.io.SafetensorsFile;
import dev.lowbit.quant.io.SafetensorsWriter;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A resumable LR-QAT checkpoint in {@code <out>/lrqat-checkpoint/}: {@code state.safetensors} (A, B, scales and
 * the AdamW moments, all F32) and {@code state.json} (the step; the data position is a function of the step
 * and the seed). Written to temporary files, then moved into place.
 */
public final class TrainingCheckpoint {
    public static final String DIRECTORY = "lrqat-checkpoint";
    private static final String STATE = "state.safetensors";
    private static final String META = "state.json";

    private TrainingCheckpoint() {}

    public static Path directory(Path out) {
        return out.resolve(DIRECTORY);
    }

    public static boolean exists(Path out) {
        return Files.isRegularFile(directory(out).resolve(META)) && Files.isRegularFile(directory(out).resolve(STATE));
    }

    /** Removes the checkpoint of a finished run. */
    public static void delete(Path out) throws IOException {
        Path dir = directory(out);
        if (!Files.isDirectory(dir)) return;
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(dir);
    }

    /** Call on the engine thread. */
    public static void save(LrqatModel model, LrqatConfig config, Path out) throws IOException {
        Path dir = directory(out);
        Files.createDirectories(dir);
        List<String> names = model.stateNames();
        try (Arena arena = Arena.ofConfined()) {
            SafetensorsWriter writer = new SafetensorsWriter();
            for (int i = 0; i < names.size(); i++) {
                try (Tensor t = model.state(i); Tensor f = t.to(dev.lowbit.quant.tensor.DType.F32, Device.CPU)) {
                    MemorySegment data = arena.allocate(f.byteSize());
                    f.copyTo(data);
                    writer.add(names.get(i), DType.F32, f.shape(), data);
                }
            }
            Path tmp = dir.resolve(STATE + ".tmp");
            writer.write(tmp);
            Files.move(tmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("step", model.step());
        meta.put("setting", config.label());
        meta.put("rank", config.rank());
        meta.put("seed", config.seed());
        Path tmp = dir.resolve(META + ".tmp");
        Files.writeString(tmp, meta.toPrettyString());
        Files.move(tmp, dir.resolve(META), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Restores the state and step into a freshly created model; returns the step. Call on the engine thread. */
    public static long load(LrqatModel model, LrqatConfig config, Path out) throws IOException {
        Path dir = directory(out);
        var meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readAllBytes(dir.resolve(META)));
        if (!config.label().equals(meta.path("setting").asText()) || config.rank() != meta.path("rank").asInt()
                || config.seed() != meta.path("seed").asLong()) {
            throw new IllegalArgumentException("the checkpoint in " + dir + " is for " + meta.path("setting").asText() + " rank "
                    + meta.path("rank").asInt() + " seed " + meta.path("seed").asLong() + ", not " + config.label() + " rank "
                    + config.rank() + " seed " + config.seed());
        }
        List<String> names = model.stateNames();
        try (SafetensorsFile file = SafetensorsFile.open(dir.resolve(STATE))) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (!file.has(name)) throw new IllegalArgumentException(dir.resolve(STATE) + " lacks " + name);
                long[] shape = file.info(name).shape();
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment copy = call.allocate(file.slice(name).byteSize());
                    copy.copyFrom(file.slice(name));
                    try (Tensor t = Tensor.fromHost(copy, dev.lowbit.quant.tensor.DType.F32, shape, Device.CPU)) {
                        model.setState(i, t);
                    }
                }
            }
        }
        long step = meta.path("step").asLong();
        model.setStep(step);
        return step;
    }
}
