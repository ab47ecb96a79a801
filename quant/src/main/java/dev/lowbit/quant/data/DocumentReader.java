package dev.lowbit.quant.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Locale;

/** Documents of a data file, one at a time, in file order. */
public sealed interface DocumentReader extends Closeable permits TextDocumentReader, JsonlDocumentReader {

    /** The next document, or {@code null} after the last one. */
    String next() throws IOException;

    /** What the documents come from, for messages: a file path or a description. */
    String source();

    /**
     * Opens a data file: {@code .jsonl} and {@code .ndjson} files hold one JSON object with a
     * {@code "text"} field per line; any other file is UTF-8 text split on blank lines, its line
     * ends read as Python reads text files ({@code "\r\n"} and {@code "\r"} become {@code "\n"}).
     */
    static DocumentReader open(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return JsonlDocumentReader.open(file);
        }
        return TextDocumentReader.open(file);
    }

    /** Documents of in-memory text split on blank lines ({@code "\n\n"}), line ends as given. */
    static DocumentReader ofText(String text) {
        return TextDocumentReader.of(new StringReader(text), "text");
    }
}
