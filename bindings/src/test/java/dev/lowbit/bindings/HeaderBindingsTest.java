package dev.lowbit.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks the bindings against lowbit.h itself, so the two never drift. Needs no native library:
 * descriptors, layouts and constants are read without looking up any symbol.
 */
class HeaderBindingsTest {

    private static CHeader header;

    @BeforeAll
    static void parseHeader() throws IOException {
        try (InputStream in = HeaderBindingsTest.class.getResourceAsStream("/header/lowbit.h")) {
            assertNotNull(in, "test resource header/lowbit.h (copied from native/include by the pom)");
            header = CHeader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void headerParsesIntoDeclarations() {
        assertFalse(header.functions().isEmpty(), "functions");
        assertFalse(header.structs().isEmpty(), "structs");
        assertFalse(header.defines().isEmpty(), "defines");
    }

    @TestFactory
    Stream<DynamicTest> everyFunctionHasAMatchingDescriptorAndWrapper() {
        return header.functions().stream().map(f -> dynamicTest(f.name(), () -> {
            FunctionDescriptor expected = expectedDescriptor(f);
            Method descriptor = publicStatic(f.name() + "$descriptor");
            assertEquals(expected, plain((FunctionDescriptor) descriptor.invoke(null)), f.name() + "$descriptor()");
            MethodType type = expected.toMethodType();
            Method wrapper = lowbit_h.class.getMethod(f.name(), type.parameterArray()); // throws if missing
            assertEquals(type.returnType(), wrapper.getReturnType(), f.name() + " return type");
            publicStatic(f.name() + "$handle");
            publicStatic(f.name() + "$address");
        }));
    }

    @Test
    void noBindingForAFunctionOutsideTheHeader() {
        Set<String> inHeader = header.functions().stream().map(CHeader.Function::name).collect(Collectors.toSet());
        Set<String> extra = new TreeSet<>();
        for (Method m : lowbit_h.class.getMethods()) {
            if (m.getName().endsWith("$descriptor") && Modifier.isStatic(m.getModifiers())) {
                String name = m.getName().substring(0, m.getName().length() - "$descriptor".length());
                if (!inHeader.contains(name)) {
                    extra.add(name);
                }
            }
        }
        assertTrue(extra.isEmpty(), "bindings for functions not in lowbit.h: " + extra);
    }

    @TestFactory
    Stream<DynamicTest> everyStructHasAClassWithTheSameLayout() {
        return header.structs().stream().map(s -> dynamicTest(s.name(), () -> {
            Class<?> cls = Class.forName("dev.lowbit.bindings." + s.name());
            GroupLayout actual = (GroupLayout) cls.getMethod("layout").invoke(null);
            assertTrue(actual instanceof StructLayout, s.name() + " is a struct layout");
            List<String> expectedFields = new ArrayList<>();
            List<Long> offsets = new ArrayList<>();
            long offset = 0;
            long align = 1;
            for (CHeader.Decl field : s.fields()) {
                MemoryLayout layout = layoutOf(field.type());
                if (field.arrayLength() >= 0) {
                    layout = MemoryLayout.sequenceLayout(field.arrayLength(), layout);
                }
                offset = roundUp(offset, layout.byteAlignment());
                align = Math.max(align, layout.byteAlignment());
                expectedFields.add(describe(field.name(), layout, offset));
                offsets.add(offset);
                offset += layout.byteSize();
            }
            assertEquals(expectedFields, fieldsOf(actual), s.name() + " fields (name, layout, offset)");
            assertEquals(roundUp(offset, align), actual.byteSize(), s.name() + " size");
            for (int i = 0; i < offsets.size(); i++) {
                String field = s.fields().get(i).name();
                assertEquals(offsets.get(i), cls.getMethod(field + "$offset").invoke(null), s.name() + "." + field + "$offset()");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyIntegerDefineHasAConstant() {
        return header.defines().entrySet().stream().map(d -> dynamicTest(d.getKey(), () -> {
            Object value = publicStatic(d.getKey()).invoke(null);
            assertEquals(d.getValue().longValue(), ((Number) value).longValue(), d.getKey() + "()");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyPointerTypedefIsAnAddressLayout() {
        return header.typedefs().entrySet().stream()
                .filter(t -> t.getValue().endsWith("*"))
                .map(t -> dynamicTest(t.getKey(), () -> {
                    Object layout = lowbit_h.class.getField(t.getKey()).get(null);
                    assertEquals(ValueLayout.ADDRESS, plain((MemoryLayout) layout), t.getKey());
                }));
    }

    private static FunctionDescriptor expectedDescriptor(CHeader.Function f) {
        MemoryLayout[] args = f.params().stream().map(p -> layoutOf(p.type())).toArray(MemoryLayout[]::new);
        return f.returnType().equals("void")
                ? FunctionDescriptor.ofVoid(args)
                : FunctionDescriptor.of(layoutOf(f.returnType()), args);
    }

    /** The FFM layout of a C type on LP64 Linux (as jextract maps it). */
    private static MemoryLayout layoutOf(String type) {
        if (type.endsWith("*")) {
            return ValueLayout.ADDRESS;
        }
        String alias = header.typedefs().get(type);
        if (alias != null) {
            return layoutOf(alias);
        }
        return switch (type) {
            case "char", "signed char", "unsigned char", "int8_t", "uint8_t" -> ValueLayout.JAVA_BYTE;
            case "short", "int16_t", "uint16_t" -> ValueLayout.JAVA_SHORT;
            case "int", "unsigned int", "int32_t", "uint32_t" -> ValueLayout.JAVA_INT;
            case "long", "long long", "int64_t", "uint64_t", "size_t" -> ValueLayout.JAVA_LONG;
            case "float" -> ValueLayout.JAVA_FLOAT;
            case "double" -> ValueLayout.JAVA_DOUBLE;
            default -> fail("no FFM layout known for C type '" + type + "': extend HeaderBindingsTest.layoutOf");
        };
    }

    /** Layout without names and pointer target layouts, which C signatures do not fix. */
    private static MemoryLayout plain(MemoryLayout layout) {
        return switch (layout) {
            case AddressLayout a -> a.withoutTargetLayout().withoutName();
            case SequenceLayout s -> MemoryLayout.sequenceLayout(s.elementCount(), plain(s.elementLayout()));
            default -> layout.withoutName();
        };
    }

    private static FunctionDescriptor plain(FunctionDescriptor d) {
        MemoryLayout[] args = d.argumentLayouts().stream().map(HeaderBindingsTest::plain).toArray(MemoryLayout[]::new);
        return d.returnLayout().map(r -> FunctionDescriptor.of(plain(r), args))
                .orElseGet(() -> FunctionDescriptor.ofVoid(args));
    }

    private static List<String> fieldsOf(GroupLayout struct) {
        List<String> out = new ArrayList<>();
        long offset = 0;
        for (MemoryLayout member : struct.memberLayouts()) {
            if (!(member instanceof PaddingLayout)) {
                out.add(describe(member.name().orElse("?"), member, offset));
            }
            offset += member.byteSize();
        }
        return out;
    }

    private static String describe(String name, MemoryLayout layout, long offset) {
        return name + ": " + plain(layout) + " @" + offset;
    }

    private static long roundUp(long value, long multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    private static Method publicStatic(String name) {
        try {
            Method m = lowbit_h.class.getMethod(name);
            assertTrue(Modifier.isStatic(m.getModifiers()), name + " is static");
            return m;
        } catch (NoSuchMethodException e) {
            return fail("lowbit_h." + name + "() is missing: regenerate the bindings (bindings/jextract.sh)");
        }
    }
}
