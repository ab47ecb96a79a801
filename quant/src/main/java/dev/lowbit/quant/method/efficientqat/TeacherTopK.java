package dev.lowbit.quant.method.efficientqat;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.lowbit.bindings.lowbit_h;
import dev.lowbit.quant.Native;
import dev.lowbit.quant.data.TokenWindows;
import dev.lowbit.quant.engine.Engine;
import dev.lowbit.quant.model.LlamaModel;
import dev.lowbit.quant.model.ModelOptions;
import dev.lowbit.quant.progress.ProgressListener;
import dev.lowbit.quant.tensor.DType;
import dev.lowbit.quant.tensor.Device;
import dev.lowbit.quant.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The full-precision teacher's top-k next-token distribution for every E2E-QP calibration window, computed once
 * before E2E-QP: per window and position t < seq - 1, k token ids (i32) and their log-probabilities (f32), kept in
 * off-heap host memory or, with a spill folder, in a memory-mapped file there.
 */
final class TeacherTopK implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final int rows, positions, k;
    private final MemorySegment ids, logprobs;
    private final Path spillFile;

    private TeacherTopK(int rows, int positions, int k, Path spillFile) {
        this.rows = rows;
        this.positions = positions;
        this.k = k;
        this.spillFile = spillFile;
        long n = (long) rows * positions * k;
        if (spillFile == null) {
            ids = arena.allocate(JAVA_INT, n);
            logprobs = arena.allocate(JAVA_FLOAT, n);
        } else {
            try (FileChannel ch = FileChannel.open(spillFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                MemorySegment all = ch.map(FileChannel.MapMode.READ_WRITE, 0, n * 8, arena);
                ids = all.asSlice(0, n * 4);
                logprobs = all.asSlice(n * 4, n * 4);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map the teacher file " + spillFile, e);
            }
        }
    }

    /**
     * Runs the full-precision model in {@code modelDir} over {@code windows} ({@code batch} windows per pass) and
     * keeps its top {@code k}; {@code spillDir} null keeps them in memory.
     */
    static TeacherTopK compute(Path modelDir, TokenWindows windows, int k, int batch, Device device, DType computeDType,
                               Engine engine, Path spillDir, ProgressListener progress) throws IOException {
        if (k < 1) throw new IllegalArgumentException("teacher top-k must be >= 1, got " + k);
        Path file = null;
        if (spillDir != null) {
            Files.createDirectories(spillDir);
            file = spillDir.resolve("e2e_teacher_top" + k + ".bin");
        }
        int positions = windows.seq() - 1;
        TeacherTopK t = new TeacherTopK(windows.rows(), positions, k, file);
        ModelOptions options = ModelOptions.defaults().withDevice(device).withComputeDType(computeDType);
        try (LlamaModel fp = LlamaModel.open(modelDir, engine, options)) {
            if (k > fp.config().vocabSize()) {
                throw new IllegalArgumentException("teacher top-k " + k + " exceeds the vocabulary (" + fp.config().vocabSize() + ")");
            }
            progress.start("E2E-QP teacher: top-" + k + " of the full-precision model on " + windows.rows() + " windows",
                    windows.rows());
            for (int r = 0; r < windows.rows(); r += batch) {
                int n = Math.min(batch, windows.rows() - r);
                int first = r;
                engine.run(() -> t.store(fp.logitsTensor(windows, first, n), first, n, windows.seq()));
                progress.advance(r + n);
            }
            progress.finish("");
        } catch (RuntimeException | Error | IOException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void store(Tensor logits, int first, int count, int seq) {
        try (Tensor l = logits; Arena call = Arena.ofConfined()) {
            MemorySegment outIds = call.allocate(ADDRESS), outLp = call.allocate(ADDRESS);
            Native.check(lowbit_h.lb_logits_topk(l.address(), k, outIds, outLp), "lb_logits_topk");
            try (Tensor ti = Tensor.adopt(outIds.get(ADDRESS, 0)); Tensor tl = Tensor.adopt(outLp.get(ADDRESS, 0))) {
                MemorySegment hi = call.allocate(JAVA_INT, (long) count * seq * k);
                MemorySegment hl = call.allocate(JAVA_FLOAT, (long) count * seq * k);
                ti.copyTo(hi);
                tl.copyTo(hl);
                long rowBytes = (long) positions * k * 4;  // positions 0..seq-2 of each window
                for (int w = 0; w < count; w++) {
                    long src = (long) w * seq * k * 4, dst = (long) (first + w) * rowBytes;
                    MemorySegment.copy(hi, src, ids, dst, rowBytes);
                    MemorySegment.copy(hl, src, logprobs, dst, rowBytes);
                }
            }
        }
    }

    int k() {
        return k;
    }

    /** CPU tensors i32 and f32 [count, seq - 1, k] of windows first..first+count-1: {ids, logprobs}. */
    Tensor[] batch(int first, int count) {
        java.util.Objects.checkFromIndexSize(first, count, rows);
        long off = (long) first * positions * k * 4, bytes = (long) count * positions * k * 4;
        long[] shape = {count, positions, k};
        Tensor i = Tensor.fromHost(ids.asSlice(off, bytes), DType.I32, shape, Device.CPU);
        try {
            return new Tensor[] {i, Tensor.fromHost(logprobs.asSlice(off, bytes), DType.F32, shape, Device.CPU)};
        } catch (RuntimeException | Error e) {
            i.close();
            throw e;
        }
    }

    @Override
    public void close() {
        arena.close();
        if (spillFile != null) {
            try {
                Files.deleteIfExists(spillFile);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the teacher file " + spillFile, e);
            }
        }
    }
}
