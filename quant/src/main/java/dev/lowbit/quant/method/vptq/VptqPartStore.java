package dev.lowbit.quant.method.vptq;

import dev.lowbit.quant.export.VptqLinear;
import dev.lowbit.quant.io.Projection;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The finished linears of a VPTQ run in {@code <out>/vptq-parts/}: one file per linear (layer-NNN.P.bin, the codebooks
 * in f32 and the indices packed as stored), each written atomically (temp file + move) as soon as its linear is
 * quantized, so a stopped run keeps every finished linear. {@code run.txt} holds the settings, which a resumed run must
 * match. The folder goes once the checkpoint is written.
 */
final class VptqPartStore {
    /** A saved linear and its proxy error. */
    record Part(VptqLinear linear, double proxyError) {}

    private static final int MAGIC = 0x4c425650;  // "LBVP"
    private final Path dir;

    VptqPartStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The parts a run with the same fingerprint saved, keyed by linear index (layer * 7 + projection). Without
     * {@code resume}, saved parts of an earlier run are refused rather than deleted (they may be hours of work): the
     * caller resumes, or the user deletes the folder.
     */
    Map<Integer, Part> prepare(String fingerprint, boolean resume, int layers) throws IOException {
        Files.createDirectories(dir);
        Path run = dir.resolve("run.txt");
        Map<Integer, Part> parts = new HashMap<>();
        if (resume && Files.exists(run)) {
            String saved = Files.readString(run, StandardCharsets.UTF_8);
            if (!saved.equals(fingerprint)) {
                throw new IllegalArgumentException("--resume: " + dir + " was written with different settings:\n  saved:    "
                        + saved + "\n  this run: " + fingerprint);
            }
            Projection[] projections = Projection.values();
            for (int layer = 0; layer < layers; layer++) {
                for (Projection p : projections) {
                    Path f = file(layer, p);
                    if (Files.exists(f)) parts.put(layer * projections.length + p.ordinal(), read(f));
                }
            }
            return parts;
        }
        long kept;
        try (Stream<Path> files = Files.list(dir)) {
            kept = files.filter(f -> f.getFileName().toString().startsWith("layer-")).count();
        }
        if (kept > 0) {
            throw new IllegalArgumentException(dir + " holds " + kept + (kept == 1 ? " linear" : " linears") + " saved by an earlier run: continue it with "
                    + "--resume (same settings), or delete that folder to start afresh");
        }
        Files.writeString(run, fingerprint, StandardCharsets.UTF_8);
        return parts;
    }

    Path file(int layer, Projection p) {
        return dir.resolve(String.format("layer-%03d.%s.bin", layer, p.name().toLowerCase(java.util.Locale.ROOT)));
    }

    void save(int layer, Projection p, VptqLinear q, double proxyError) throws IOException {
        Path target = file(layer, p);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
            out.writeInt(MAGIC);
            for (int v : new int[] {q.out(), q.in(), q.vectorLen(), q.codebook(), q.resCodebook(), q.groups(), q.groupSize(),
                    q.outlierVectorLen(), q.outlierCodebook(), q.outliers()}) {
                out.writeInt(v);
            }
            out.writeBoolean(q.norm());
            out.writeDouble(proxyError);
            writeFloats(out, q.centroids());
            writeFloats(out, q.resCentroids());
            writeInts(out, q.packedIndices());
            writeFloats(out, q.outlierCentroids());
            writeInts(out, q.outlierIndices());
            writeInts(out, q.perm());
            writeFloats(out, q.scale());
            writeFloats(out, q.bias());
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    Part read(Path f) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), 1 << 20))) {
            if (in.readInt() != MAGIC) throw new IOException(f + ": not a VPTQ part file (bad magic); delete it to redo that linear");
            int out = in.readInt(), inFeatures = in.readInt(), v = in.readInt(), k = in.readInt(), kr = in.readInt();
            int g = in.readInt(), s = in.readInt(), v0 = in.readInt(), k0 = in.readInt(), o = in.readInt();
            boolean norm = in.readBoolean();
            double proxy = in.readDouble();
            if (out < 1 || inFeatures < 1 || v < 1 || k < 1 || kr < 0 || g < 1 || s < 1 || v0 < 1 || k0 < 0 || o < 0) {
                throw new IOException(f + ": malformed VPTQ part file (sizes " + out + ", " + inFeatures + ", v " + v + ", k " + k
                        + ", groups " + g + ", group size " + s + "); delete it to redo that linear");
            }
            float[] centroids = readFloats(in, f);
            float[] res = readFloats(in, f);
            int rows = (out + v - 1) / v;
            int[][] indices = VptqLinear.unpackIndices(readInts(in, f), g, rows, s, k, kr);
            float[] oc = readFloats(in, f);
            int[] oi = readInts(in, f);
            int[] perm = readInts(in, f);
            float[] scale = readFloats(in, f);
            float[] bias = readFloats(in, f);
            if (in.read() != -1) throw new IOException(f + ": trailing bytes after the last field; delete it to redo that linear");
            return new Part(new VptqLinear(out, inFeatures, v, k, kr, g, s, v0, k0, o, centroids, res, indices[0], indices[1], oc, oi,
                    perm, scale, bias, norm), proxy);
        } catch (EOFException e) {
            throw new IOException(f + ": truncated VPTQ part file; delete it to redo that linear", e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException(f + ": malformed VPTQ part file (" + e.getMessage() + "); delete it to redo that linear", e);
        }
    }

    /** Removes the folder and its files. */
    void delete() throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) for (float v : values) out.writeFloat(v);
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) for (int v : values) out.writeInt(v);
    }

    private static float[] readFloats(DataInputStream in, Path f) throws IOException {
        int n = length(in, f);
        if (n < 0) return null;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = in.readFloat();
        return values;
    }

    private static int[] readInts(DataInputStream in, Path f) throws IOException {
        int n = length(in, f);
        if (n < 0) return null;
        int[] values = new int[n];
        for (int i = 0; i < n; i++) values[i] = in.readInt();
        return values;
    }

    private static int length(DataInputStream in, Path f) throws IOException {
        int n = in.readInt();
        if (n < -1 || n > Files.size(f) / 4) {
            throw new IOException(f + ": truncated or malformed VPTQ part file (array length " + n + " does not fit the file); "
                    + "delete it to redo that linear");
        }
        return n;
    }
}
