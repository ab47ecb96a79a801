package dev.lowbit.quant.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Hand-made safetensors files and fixture lookup for the io tests. */
final class TestFiles {
    private TestFiles() {
    }

    /** Writes the 8-byte length, {@code headerJson} as given and {@code dataBytes} bytes of data. */
    static Path rawSafetensors(Path file, String headerJson, int dataBytes) throws IOException {
        return rawSafetensors(file, headerJson.getBytes(StandardCharsets.UTF_8).length, headerJson, dataBytes);
    }

    /** As above with a chosen (possibly lying) header length. */
    static Path rawSafetensors(Path file, long declaredHeaderLength, String headerJson, int dataBytes) throws IOException {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredHeaderLength).put(json);
        for (int i = 0; i < dataBytes; i++) {
            buf.put((byte) i);
        }
        Files.write(file, buf.array());
        return file;
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** The repository's fixtures folder: system property lowbit.fixtures (set by surefire), else found upward. */
    static Path fixtures() {
        String prop = System.getProperty("lowbit.fixtures");
        if (prop != null) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("fixtures/tiny/config.json"))) {
                return p.resolve("fixtures");
            }
        }
        throw new IllegalStateException("fixtures folder not found; set -Dlowbit.fixtures");
    }

    static Path tiny() {
        return fixtures().resolve("tiny");
    }
}
