package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the command line: 0 ok, 1 failed (one clear line), 2 bad usage. */
class MainTest {
    private static final Path TINY = Path.of(System.getProperty("lowbit.fixtures", "../fixtures")).resolve("tiny");

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
    void unknownOptionIsBadUsage() {
        Run r = run("inspect", "--model", TINY.toString(), "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--bogus"), "stderr: [" + r.err() + "] stdout: [" + r.out() + "]");
    }

    @Test
    void inspectShowsArchitectureAndParameterCount() {
        Run r = run("inspect", "--model", TINY.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("LlamaForCausalLM"), r.out());
        assertTrue(r.out().contains("2,884,736"), r.out());
    }

    @Test
    void missingModelFolderFailsWithItsName(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-model");
        Run r = run("inspect", "--model", missing.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(missing.toString()), r.err());
    }

    @Test
    void groupThatDoesNotDivideTheRowFailsNamingIt(@TempDir Path dir) {
        Run r = run("quantize", "rtn", "--model", TINY.toString(), "--out", dir.resolve("q").toString(), "--bits", "4", "--group", "48");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("group_size=48"), r.err());
    }

    @Test
    void emptyDataFileFailsNamingIt(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        Run r = run("eval", "--model", TINY.toString(), "--data", empty.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("empty.txt"), r.err());
    }

    @Test
    void quantizeThenInspectShowsTheGptqConfig(@TempDir Path dir) {
        Path out = dir.resolve("w3g128");
        assertEquals(0, run("quantize", "rtn", "--model", TINY.toString(), "--out", out.toString(), "--bits", "3").code());
        Run r = run("inspect", "--model", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("gptq, bits=3, group_size=128"), r.out());
    }
}
