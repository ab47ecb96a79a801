#!/usr/bin/env bash
# Regenerates the FFM bindings in bindings/src/main/java/dev/lowbit/bindings from
# native/include/lowbit.h with jextract 22 or newer (https://jdk.java.net/jextract/).
#
#   bindings/jextract.sh            # jextract on PATH
#   JEXTRACT=/opt/jextract-22/bin/jextract bindings/jextract.sh
#
# Only the declarations of lowbit.h itself are kept (not those of <stdint.h>). Three edits are then
# applied to jextract's output, as in the checked-in files:
#  1. the symbol lookup loads liblowbit.so through NativeLibrary before its first search;
#  2. each function's DESC moves into its own `<name>$descriptor` holder class, so that
#     `lowbit_h.<name>$descriptor()` works without the native library (HeaderBindingsTest needs that);
#  3. indexed accessors of array fields (char torch_version[32]) add the field's offset, which
#     jextract 22 leaves out.
# Afterwards run: mvn -B -pl bindings test
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
header="$root/native/include/lowbit.h"
package=dev.lowbit.bindings
target="$here/src/main/java/${package//.//}"
marker="// lowbit bindings in jextract 22's layout; bindings/jextract.sh regenerates this file from native/include/lowbit.h."
jextract=${JEXTRACT:-jextract}

if ! command -v "$jextract" >/dev/null 2>&1; then
    echo "jextract.sh: '$jextract' not found. Install jextract 22 or newer (https://jdk.java.net/jextract/)," >&2
    echo "put its bin/ on PATH or set JEXTRACT=/path/to/jextract, and run this again." >&2
    echo "The checked-in bindings are unchanged." >&2
    exit 1
fi
[[ -f "$header" ]] || { echo "jextract.sh: $header not found" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$jextract" --dump-includes "$work/all.txt" "$header" >/dev/null
grep -E '# header: .*/lowbit\.h[[:space:]]*$' "$work/all.txt" | sed -E 's/[[:space:]]*#.*$//' >"$work/includes.txt"
[[ -s "$work/includes.txt" ]] || { echo "jextract.sh: no declarations of lowbit.h in the include dump" >&2; exit 1; }

"$jextract" --output "$work/out" --target-package "$package" --header-class-name lowbit_h \
    @"$work/includes.txt" "$header"

generated="$work/out/${package//.//}"
perl -0777 -pi -e '
    s#^([ \t]*)static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup\.loaderLookup\(\)#${1}// Two changes to plain jextract output (jextract.sh re-applies them): the lookup loads liblowbit.so\n${1}// (NativeLibrary.load) before its first search, and each function\x27s DESC lives in its own\n${1}// name\$descriptor holder, so descriptors and constants are usable without the native library.\n${1}static final SymbolLookup SYMBOL_LOOKUP = NativeLibrary.loadingFirst(SymbolLookup.loaderLookup())#m;
    s#^([ \t]*)private static class ([\w\$]+) \{\n([ \t]*)public static final FunctionDescriptor DESC = (.*?);\n#${1}private static class ${2}\$descriptor {\n${3}public static final FunctionDescriptor DESC = ${4};\n${1}}\n\n${1}private static class ${2} {\n${3}public static final FunctionDescriptor DESC = ${2}\$descriptor.DESC;\n#gms;
    s#(public static FunctionDescriptor \w+\$descriptor\(\) \{\s*return )([\w\$]+)\.DESC;#${1}${2}\$descriptor.DESC;#g;
' "$generated/lowbit_h.java"

# jextract 22 indexes array fields from the struct's start (base 0L); use the field's offset
perl -0777 -pi -e '
    s#^([ \t]*)(private static final (?:VarHandle|MethodHandle) \w+\$ELEM_HANDLE)#${1}// jextract 22 passes 0L as the base here, which would index from the start of the struct, not the field.\n${1}${2}#gm;
    s#(\w+)\$ELEM_HANDLE\.(get|set|invokeExact)\(struct, 0L, #${1}\$ELEM_HANDLE.${2}(struct, ${1}\$OFFSET, #g;
' "$generated"/*.java

# refuse output whose shape the edits above did not match
grep -q 'NativeLibrary.loadingFirst(' "$generated/lowbit_h.java" \
    || { echo "jextract.sh: SYMBOL_LOOKUP not found in jextract output; update the edit" >&2; exit 1; }
holders=$(grep -c 'private static class [A-Za-z0-9_$]*\$descriptor {' "$generated/lowbit_h.java" || true)
getters=$(grep -c 'return [A-Za-z0-9_$]*\$descriptor\.DESC;' "$generated/lowbit_h.java" || true)
methods=$(grep -c 'public static FunctionDescriptor [A-Za-z0-9_]*\$descriptor()' "$generated/lowbit_h.java" || true)
if [[ "$holders" != "$methods" || "$getters" != "$methods" ]]; then
    echo "jextract.sh: descriptor holders ($holders/$getters) do not match \$descriptor() methods ($methods)" >&2
    exit 1
fi

for f in "$generated"/*.java; do
    { echo "$marker"; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"
done
# replace the previous generation (files carrying the marker), keep hand-written ones such as NativeLibrary
grep -lxF "$marker" "$target"/*.java | xargs -r rm --
cp "$generated"/*.java "$target"/
echo "jextract.sh: wrote $(ls "$generated" | wc -l) files to $target"
