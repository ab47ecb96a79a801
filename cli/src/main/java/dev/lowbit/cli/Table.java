package dev.lowbit.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain text table with aligned columns: the summary printed at the end of a command. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final String[] header;

    Table(String... header) {
        this.header = header;
    }

    Table row(Object... cells) {
        if (cells.length != header.length) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + header.length);
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) text[i] = String.valueOf(cells[i]);
        rows.add(text);
        return this;
    }

    void print(PrintStream out) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) width[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        line(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        out.println(rule);
        for (String[] r : rows) line(out, r, width);
        out.flush();
    }

    private static void line(PrintStream out, String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append("  ");
            boolean numeric = cells[i].matches("-?[0-9][0-9,.]*(E-?[0-9]+)?%?");
            String pad = " ".repeat(width[i] - cells[i].length());
            sb.append(numeric && i > 0 ? pad + cells[i] : cells[i] + (i == cells.length - 1 ? "" : pad));
        }
        out.println(sb.toString().stripTrailing());
    }
}
