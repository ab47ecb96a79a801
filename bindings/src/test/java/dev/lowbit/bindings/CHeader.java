package dev.lowbit.bindings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The declarations of a plain C header in lowbit.h's style: integer #defines, function prototypes
 * (possibly spanning lines), typedef'd structs with scalar, pointer and char[N] fields, and pointer
 * typedefs. Anything else fails loudly, so a new kind of declaration gets noticed.
 * Types are normalized to the base type followed by one '*' per pointer level, without const.
 */
record CHeader(Map<String, Long> defines, Map<String, String> typedefs, List<Function> functions,
               List<Struct> structs) {

    /** A parameter or field; arrayLength is -1 unless it is declared as name[N]. */
    record Decl(String type, String name, long arrayLength) {
    }

    record Function(String name, String returnType, List<Decl> params) {
    }

    record Struct(String name, List<Decl> fields) {
    }

    private static final Pattern DEFINE = Pattern.compile(
            "#\\s*define\\s+(\\w+)\\s+\\(?\\s*(-?(?:0[xX][0-9a-fA-F]+|\\d+))[uUlL]*\\s*\\)?\\s*");
    private static final Pattern TYPEDEF_STRUCT = Pattern.compile(
            "typedef\\s+struct\\s*(\\w+)?\\s*\\{(.*)}\\s*(\\w+)");
    private static final Pattern STRUCT = Pattern.compile("struct\\s+(\\w+)\\s*\\{(.*)}");
    private static final Pattern FUNCTION = Pattern.compile("(.*?)\\b(\\w+)\\s*\\((.*)\\)");
    private static final Pattern DECL = Pattern.compile("(.*?)\\b(\\w+)\\s*(?:\\[\\s*(\\d+)\\s*])?");

    static CHeader parse(String text) {
        String code = text.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\n]*", "")
                .replace("\\\n", " ");
        Map<String, Long> defines = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        int skipDepth = 0;
        for (String line : code.split("\n")) {
            String t = line.strip();
            if (skipDepth > 0) {
                if (t.matches("#\\s*if.*")) {
                    skipDepth++;
                } else if (t.matches("#\\s*endif.*")) {
                    skipDepth--;
                }
            } else if (t.matches("#\\s*ifdef\\s+__cplusplus")) {
                skipDepth = 1;
            } else if (t.startsWith("#")) {
                Matcher m = DEFINE.matcher(t);
                if (m.matches()) {
                    defines.put(m.group(1), Long.decode(m.group(2)));
                }
            } else {
                body.append(line).append('\n');
            }
        }
        Map<String, String> typedefs = new LinkedHashMap<>();
        List<Function> functions = new ArrayList<>();
        List<Struct> structs = new ArrayList<>();
        for (String statement : statements(body.toString())) {
            Matcher m;
            if ((m = TYPEDEF_STRUCT.matcher(statement)).matches()) {
                structs.add(new Struct(m.group(3), fields(m.group(2))));
                if (m.group(1) != null) {
                    typedefs.put(m.group(3), "struct " + m.group(1));
                }
            } else if (statement.startsWith("typedef ")) {
                Decl alias = decl(statement.substring("typedef ".length()));
                typedefs.put(alias.name(), alias.type());
            } else if ((m = STRUCT.matcher(statement)).matches()) {
                structs.add(new Struct(m.group(1), fields(m.group(2))));
            } else if ((m = FUNCTION.matcher(statement)).matches() && !type(m.group(1)).isEmpty()) {
                functions.add(new Function(m.group(2), type(m.group(1)), params(m.group(3))));
            } else {
                throw new IllegalArgumentException("unsupported declaration: " + statement);
            }
        }
        return new CHeader(defines, typedefs, functions, structs);
    }

    /** Top-level statements: split at ';' outside braces, whitespace collapsed. */
    private static List<String> statements(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : body.toCharArray()) {
            if (c == ';' && depth == 0) {
                String s = current.toString().replaceAll("\\s+", " ").strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
                current.setLength(0);
                continue;
            }
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            current.append(c);
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("text after the last ';': " + current.toString().strip());
        }
        return out;
    }

    private static List<Decl> fields(String body) {
        List<Decl> out = new ArrayList<>();
        for (String field : body.split(";")) {
            if (!field.isBlank()) {
                out.add(decl(field));
            }
        }
        return out;
    }

    private static List<Decl> params(String list) {
        List<Decl> out = new ArrayList<>();
        if (list.isBlank() || list.strip().equals("void")) {
            return out;
        }
        for (String p : list.split(",")) {
            out.add(decl(p));
        }
        return out;
    }

    private static Decl decl(String text) {
        Matcher m = DECL.matcher(text.strip());
        if (m.matches() && !type(m.group(1)).isEmpty()) {
            return new Decl(type(m.group(1)), m.group(2), m.group(3) == null ? -1 : Long.parseLong(m.group(3)));
        }
        return new Decl(type(text), "", -1);
    }

    /** "const int64_t *" becomes "int64_t*"; "struct lb_tensor_s *" becomes "struct lb_tensor_s*". */
    private static String type(String text) {
        long stars = text.chars().filter(c -> c == '*').count();
        String base = text.replace("*", " ").replaceAll("\\bconst\\b", " ").replaceAll("\\s+", " ").strip();
        return base.isEmpty() ? "" : base + "*".repeat((int) stars);
    }
}
