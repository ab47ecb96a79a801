package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** lowbit quantize vptq on the tiny fixture end to end (few samples), read back by lowbit eval; bad options. */
class QuantizeVptqCommandTest {
    private static final Path FIXTURES = Path.of(System.getProperty("lowbit.fixtures", "../fixtures"));
    private static final Path TINY = FIXTURES.resolve("tiny");

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            int code = Main.execute(args);
            return new Run(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void quantizesThenEvalReadsItBack(@TempDir Path dir) {
        Path out = dir.resolve("v4k16");
        Path hessians = dir.resolve("hessians");
        String device = System.getProperty("lowbit.test.device", "cpu");
        Run q = run("quantize", "vptq", "--model", TINY.toString(), "--out", out.toString(), "--vector-len", "4", "--codebook", "16",
                "--kmeans-iters", "5", "--calib", FIXTURES.resolve("valid.txt").toString(), "--samples", "4", "--seq", "64",
                "--hessians", hessians.toString(), "--device", device);
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("total bits/weight"), q.out());
        assertTrue(Files.isRegularFile(hessians.resolve("hessians.safetensors")));
        Run e = run("eval", "--model", out.toString(), "--data", FIXTURES.resolve("valid.txt").toString(), "--max-tokens", "1024",
                "--seq", "128", "--device", device);
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("perplexity"), e.out());
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) {
        Run r = run("quantize", "vptq", "--model", TINY.toString(), "--out", dir.resolve("x").toString(), "--vector-len", "4",
                "--codebook", "100", "--calib", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("power of two"), r.err());
        r = run("quantize", "vptq", "--model", TINY.toString(), "--out", dir.resolve("y").toString(), "--vector-len", "4",
                "--codebook", "16", "--finetune-steps", "-1", "--calib", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("fine-tuning steps"), r.err());
    }
}
