package dev.lowbit.quant.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Splits text on {@code "\n\n"} exactly as Python's {@code text.split("\n\n")} does: left to right,
 * without overlap, so {@code "a\n\n\nb"} gives {@code "a"} and {@code "\nb"}, and empty documents
 * are kept ({@code "a\n\n\n\nb"} gives {@code "a"}, {@code ""}, {@code "b"}). Files are read as
 * Python's {@code open(path).read()} reads them, turning {@code "\r\n"} and {@code "\r"} into
 * {@code "\n"}; in-memory text is split as given. Streams the input, so a large file is never
 * held whole.
 */
final class TextDocumentReader implements DocumentReader {
    private final Reader in;
    private final Path file;
    private final String source;
    private final boolean universalNewlines;
    private final char[] buffer = new char[1 << 16];
    private final StringBuilder document = new StringBuilder();
    private int position;
    private int limit;
    private boolean afterCarriageReturn;
    private boolean finished;

    private TextDocumentReader(Reader in, Path file, String source, boolean universalNewlines) {
        this.in = in;
        this.file = file;
        this.source = source;
        this.universalNewlines = universalNewlines;
    }

    static TextDocumentReader open(Path file) throws IOException {
        return new TextDocumentReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), file,
                file.toString(), true);
    }

    static TextDocumentReader of(Reader text, String source) {
        return new TextDocumentReader(text, null, source, false);
    }

    @Override
    public String next() throws IOException {
        if (finished) {
            return null;
        }
        while (true) {
            if (position == limit && !fill()) {
                finished = true;
                return take();
            }
            char c = buffer[position++];
            if (universalNewlines) {
                boolean lineFeedOfCrLf = c == '\n' && afterCarriageReturn;
                afterCarriageReturn = c == '\r';
                if (lineFeedOfCrLf) {
                    continue;
                }
                if (c == '\r') {
                    c = '\n';
                }
            }
            int length = document.length();
            if (c == '\n' && length > 0 && document.charAt(length - 1) == '\n') {
                document.setLength(length - 1);
                return take();
            }
            document.append(c);
        }
    }

    private boolean fill() throws IOException {
        try {
            limit = in.read(buffer);
        } catch (CharacterCodingException e) {
            if (file == null) {
                throw e;
            }
            throw new DataFileException(file, 0, "not valid UTF-8 text", e);
        }
        position = 0;
        return limit > 0;
    }

    private String take() {
        String text = document.toString();
        document.setLength(0);
        return text;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
