package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short LR-QAT run on the tiny model through the CLI, read back by {@code lowbit eval}. */
class QuantizeLrqatCommandTest {
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
            return new Run(Main.execute(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void shortRunExportsAModelThatEvalReadsBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("w4");
        Path valid = FIXTURES.resolve("valid.txt");
        Run q = run("quantize", "lrqat", "--model", TINY.toString(), "--out", out.toString(), "--bits", "4", "--calib", valid.toString(),
                "--steps", "3", "--batch", "2", "--seq", "64", "--rank", "4", "--threads", "1");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("lrqat_result steps=3 tokens=384"), q.out());
        assertTrue(Files.readAllLines(out.resolve("lrqat_loss.tsv")).size() == 4, "loss log: header + 3 steps");
        Run e = run("eval", "--model", out.toString(), "--data", valid.toString(), "--max-tokens", "4096", "--json", "--threads", "1");
        assertEquals(0, e.code(), e.err());
        Matcher m = Pattern.compile("\"perplexity\": ([0-9.]+)").matcher(e.out());
        assertTrue(m.find(), e.out());
        double ppl = Double.parseDouble(m.group(1));
        assertTrue(ppl > 1 && ppl < 1000, "perplexity " + ppl);
    }

    @Test
    void badBitsIsAClearError(@TempDir Path dir) {
        Run r = run("quantize", "lrqat", "--model", TINY.toString(), "--out", dir.resolve("x").toString(), "--bits", "5",
                "--calib", FIXTURES.resolve("valid.txt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("bits"), r.err());
    }
}
