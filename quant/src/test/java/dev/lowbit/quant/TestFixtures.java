package dev.lowbit.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The repository's fixtures (system property lowbit.fixtures) and the shared ones beside the repository. */
public final class TestFixtures {
    private TestFixtures() {}

    public static Path fixtures() {
        String configured = System.getProperty("lowbit.fixtures");
        if (configured != null) return Path.of(configured);
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("fixtures/tiny/config.json"))) return dir.resolve("fixtures");
        }
        throw new IllegalStateException("fixtures/ not found; set -Dlowbit.fixtures");
    }

    public static Path tiny() {
        return fixtures().resolve("tiny");
    }

    public static Path validText() {
        return fixtures().resolve("valid.txt");
    }

    /** The 18.9M model of the shared fixtures (../shared/fixtures/small, or -Dlowbit.shared.fixtures), if present. */
    public static Optional<Path> small() {
        String configured = System.getProperty("lowbit.shared.fixtures");
        Path shared = configured != null ? Path.of(configured)
                : fixtures().toAbsolutePath().getParent().resolveSibling("shared").resolve("fixtures");
        Path small = shared.resolve("small");
        return Files.isRegularFile(small.resolve("model.safetensors")) ? Optional.of(small) : Optional.empty();
    }

    /** fixtures/reference.json: numbers measured with Hugging Face transformers. */
    public static JsonNode reference() {
        try {
            return new ObjectMapper().readTree(fixtures().resolve("reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
