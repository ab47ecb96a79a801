package dev.lowbit.quant.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file that cannot be used: empty, malformed, or too short; names the file (and line). */
public final class DataFileException extends IOException {
    private final transient Path file;
    private final long line;

    public DataFileException(Path file, String reason) {
        this(file, 0, reason, null);
    }

    public DataFileException(Path file, long line, String reason, Throwable cause) {
        super((line > 0 ? file + ":" + line + ": " : file + ": ") + reason, cause);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not tied to one line. */
    public long line() {
        return line;
    }
}
