package dev.lowbit.quant.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixture paths and one shared fixture tokenizer. */
final class TestData {
    private static TextTokenizer tokenizer;

    private TestData() {
    }

    static Path fixtures() {
        String configured = System.getProperty("lowbit.fixtures");
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("fixtures/tiny/tokenizer.json"))) {
                return dir.resolve("fixtures");
            }
        }
        throw new IllegalStateException("fixtures/ not found; set -Dlowbit.fixtures");
    }

    static Path tinyModel() {
        return fixtures().resolve("tiny");
    }

    static Path validText() {
        return fixtures().resolve("valid.txt");
    }

    /** Loaded once per test JVM and never closed: the native tokenizer is freed at exit. */
    static synchronized TextTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = TextTokenizer.load(tinyModel());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }
}
