#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for SECONDS (docs/robustness.md).
#
#   scripts/fuzz.sh spec|onnx|verify|tflite SECONDS [libFuzzer flags…]
#
# The libraries are compiled with swiftc's coverage instrumentation and AddressSanitizer
# (-sanitize=fuzzer,address) into .build/fuzz/, and linked with fuzz/targets/TARGET.swift,
# whose @_cdecl LLVMFuzzerTestOneInput libFuzzer's own main calls. SwiftPM is not used: it
# would link its own entry point and instrument every target.
#
# Corpus: new inputs go to .build/fuzz/corpus-TARGET (kept between runs); the checked-in
# seeds are read from fuzz/corpus/TARGET and the fixtures listed below. Crashes, timeouts
# and out-of-memory inputs are written to .build/fuzz/findings-TARGET/. The exit status is
# libFuzzer's: 0 when the time ran out with nothing found.
set -euo pipefail

target=${1:-}
seconds=${2:-}
case "$target" in spec|onnx|verify|tflite) ;; *) echo "usage: scripts/fuzz.sh spec|onnx|verify|tflite SECONDS [libFuzzer flags]" >&2; exit 2 ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "SECONDS must be a whole number" >&2; exit 2; }
shift 2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out=.build/fuzz
mkdir -p "$out/corpus-$target" "$out/findings-$target"
flags=(-sanitize=fuzzer,address -O -parse-as-library -g)

# Rebuilds a library module when one of its sources is newer than the archive.
build_module() {
    local name=$1; shift
    local archive="$out/lib$name.a"
    local sources
    mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
    if [ -f "$archive" ] && [ -z "$(find "Sources/$name" -name '*.swift' -newer "$archive" | head -1)" ]; then return; fi
    echo "fuzz: compiling $name (${#sources[@]} files, instrumented)" >&2
    # A static archive is updated in place: a renamed source would leave its old object in it.
    rm -f "$archive"
    swiftc "${flags[@]}" -module-name "$name" -I "$out" "$@" -emit-module -emit-module-path "$out/$name.swiftmodule" \
        -emit-library -static -o "$archive" "${sources[@]}"
}

# The executor's C kernels (one file per vector width), instrumented the same way.
build_kernels() {
    local archive="$out/libNetCostKernels.a"
    if [ -f "$archive" ] && [ -z "$(find Sources/NetCostKernels -newer "$archive" | head -1)" ]; then return; fi
    echo "fuzz: compiling NetCostKernels (C, instrumented)" >&2
    local objects=()
    for source in Sources/NetCostKernels/*.c; do
        local object="$out/$(basename "$source" .c).o"
        clang -O2 -g -fsanitize=fuzzer-no-link,address -I Sources/NetCostKernels/include -c "$source" -o "$object"
        objects+=("$object")
    done
    rm -f "$archive"
    ar rcs "$archive" "${objects[@]}"
}

build_module NetCost
libraries=("$out/libNetCost.a")
if [ "$target" = verify ]; then
    build_kernels
    build_module NetCostExecutor -I Sources/NetCostKernels/include
    libraries=("$out/libNetCostExecutor.a" "${libraries[@]}" "$out/libNetCostKernels.a")
fi
binary="$out/fuzz-$target"
if [ ! -f "$binary" ] || [ -n "$(find fuzz/targets/$target.swift "${libraries[@]}" -newer "$binary" | head -1)" ]; then
    echo "fuzz: linking $binary" >&2
    swiftc "${flags[@]}" -module-name "fuzz_$target" -I "$out" -I Sources/NetCostKernels/include "fuzz/targets/$target.swift" "${libraries[@]}" -lm -o "$binary" 2> "$out/link-$target.log" \
        || { cat "$out/link-$target.log" >&2; exit 1; }
fi

seeds=("fuzz/corpus/$target")
case "$target" in
    spec) seeds+=(specs Tests/EndToEndTests/Fixtures/tiny_net.json Tests/EndToEndTests/Fixtures/reproducers) ;;
    onnx) seeds+=(Tests/ONNXTests/Fixtures/generated Tests/ONNXTests/Fixtures/shared Tests/EndToEndTests/Fixtures/reproducers) ;;
    tflite) seeds+=(Tests/NetCostTests/Fixtures/tflite) ;;
esac
dictionary=()
[ -f "fuzz/dictionaries/$target.dict" ] && dictionary=(-dict="fuzz/dictionaries/$target.dict")
# Seeds that are single files are copied in: libFuzzer reads directories.
for seed in "${seeds[@]}"; do if [ -f "$seed" ]; then cp "$seed" "$out/corpus-$target/"; fi; done
directories=()
for seed in "${seeds[@]}"; do if [ -d "$seed" ]; then directories+=("$seed"); fi; done

# -rss_limit_mb: the hostile-input goal is under 1 GB; AddressSanitizer's shadow memory adds about a gigabyte on top.
exec "$binary" "$out/corpus-$target" "${directories[@]}" "${dictionary[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
    -artifact_prefix="$out/findings-$target/" -print_final_stats=1 "$@"
