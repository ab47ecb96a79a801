package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** quantize efficientqat on the tiny model with very few windows, then eval reads the GPTQ checkpoint back. */
class EfficientQatCommandTest {
    private static final Path FIXTURES = Path.of(System.getProperty("lowbit.fixtures", "../fixtures"));

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            return new Run(Main.execute(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void quantizesAndEvalReadsItBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("eqat");
        Run q = run("quantize", "efficientqat", "--model", FIXTURES.resolve("tiny").toString(), "--out", out.toString(),
                "--bits", "2", "--group", "64", "--calib", FIXTURES.resolve("valid.txt").toString(), "--samples", "4",
                "--seq", "32", "--val-samples", "2", "--epochs", "1", "--e2e-samples", "4", "--e2e-batch", "2");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("Block-AP train"), q.out());
        assertTrue(q.out().contains("E2E-QP: 2 steps"), q.out());
        assertTrue(Files.readString(out.resolve("train_log.jsonl")).contains("\"val_mse\""));
        Run e = run("eval", "--model", out.toString(), "--data", FIXTURES.resolve("valid.txt").toString(), "--max-tokens", "2048",
                "--json");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("\"perplexity\""), e.out());
    }

    @Test
    void badBitsFailWithAClearMessage(@TempDir Path dir) {
        Run q = run("quantize", "efficientqat", "--model", FIXTURES.resolve("tiny").toString(), "--out", dir.toString(),
                "--bits", "5", "--calib", FIXTURES.resolve("valid.txt").toString(), "--samples", "4", "--seq", "32");
        assertTrue(q.code() != 0);
        assertTrue(q.err().contains("bits must be 2, 3 or 4"), q.err());
    }

    @Test
    void missingCalibrationFilesAreNamed(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-calib.txt");
        Run q = run("quantize", "efficientqat", "--model", FIXTURES.resolve("tiny").toString(), "--out", dir.resolve("a").toString(),
                "--bits", "2", "--calib", missing.toString(), "--samples", "4", "--seq", "32");
        assertEquals(1, q.code());
        assertTrue(q.err().contains("no such file: " + missing), q.err());
        Run e = run("quantize", "efficientqat", "--model", FIXTURES.resolve("tiny").toString(), "--out", dir.resolve("b").toString(),
                "--bits", "2", "--calib", FIXTURES.resolve("valid.txt").toString(), "--samples", "4", "--seq", "32",
                "--e2e-calib", missing.toString());
        assertEquals(1, e.code());
        assertTrue(e.err().contains("no such file: " + missing), e.err());
    }

    @Test
    void unknownE2eLossFailsWithAClearMessage(@TempDir Path dir) {
        Run q = run("quantize", "efficientqat", "--model", FIXTURES.resolve("tiny").toString(), "--out", dir.toString(),
                "--bits", "2", "--calib", FIXTURES.resolve("valid.txt").toString(), "--samples", "4", "--seq", "32",
                "--e2e-loss", "mse");
        assertTrue(q.code() != 0);
        assertTrue(q.err().contains("--e2e-loss must be kd or ce"), q.err());
    }
}
