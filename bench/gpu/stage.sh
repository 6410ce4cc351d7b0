#!/usr/bin/env bash
# Stages everything bench/gpu/run-on-device.sh needs on the device machine into ignored folders of this checkout
# (.gpu-carry/ and .gl/), checks that they fit the device tool's 64 MiB with the tree that travels, and prints the
# one `run` call to make. Run here, in the checkout the session was started in (the one the device tool sends),
# with ../shared beside it. Takes a few minutes: xz at its strongest setting is what makes it fit.
#
# [Note: device carry] The device machine has Python and PyTorch but no Node.js, no npm packages and no internet,
# and ../shared does not travel; one call takes at most 64 MiB, the tracked tree included. So the call carries:
#  - .gpu-carry/runtime.tar.xz: this machine's Node.js (stripped of its symbol table, which native addons never
#    use: they link against the dynamic symbols, which stay), the CLI and the run's scripts bundled by bundle.mjs,
#    and only the native packages' runtime files for linux-x64 (onnxruntime-node's binding and library, with
#    WebGPU built in; better-sqlite3's module), xz with its x86 filter;
#  - .gpu-carry/data.tar.xz: the files of ../shared the run reads, in the same layout (the demo checkpoint and the
#    network reference inputs with their float32 bytes split into byte planes by byteplanes.mjs, which xz then
#    compresses 9% further; net.tile224 stays behind, its case being the batch's first image; the size model; the reference images, the official masks and styles; cell_00028.png;
#    the official Cellpose 3.0.11 source and its shims), with SHA256SUMS. The reference PNGs other than
#    cell_00028.png are rewritten with their pixels stored uncompressed (storedPng.ts, which checks they read back
#    identical), because xz packs those 0.6 MB smaller than PNG's deflate;
#  - .gl/: the Vulkan loader and libglvnd (NVIDIA's Vulkan driver loads it) as Debian packages, as the device
#    tool's README says.
set -euo pipefail

ROOT=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
SHARED=$(cd "${CELLDESK_SHARED:-$ROOT/../shared}" && pwd)
CARRY=$ROOT/.gpu-carry
GL=$ROOT/.gl
LIMIT=$((64 * 1024 * 1024))
STAGE=$(mktemp -d /tmp/celldesk-gpu-stage.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
cd "$ROOT"

need() { command -v "$1" >/dev/null || { echo "stage.sh needs $1" >&2; exit 1; }; }
for tool in node xz tar strip apt-get git sha256sum; do need "$tool"; done
[[ $(uname -m) == x86_64 ]] || { echo 'stage.sh must run on x86-64: the device machine is x86-64 and the runtime is carried as built here' >&2; exit 1; }
[[ -f $SHARED/reference/summary.json ]] || { echo "no reference data at $SHARED (set CELLDESK_SHARED)" >&2; exit 1; }
MODULES=$(cd "$ROOT/node_modules" && pwd -P)

# The carried folders must be ignored, or git would see them and they would travel twice.
mkdir -p "$CARRY" "$GL"
for path in .gpu-carry .gl; do
  if ! git check-ignore -q "$path"; then
    echo "/$path/" >>"$(git rev-parse --git-path info/exclude)"
    echo "added /$path/ to .git/info/exclude"
  fi
done

echo "== runtime: Node.js $(node --version), the bundled CLI and scripts, native packages for linux-x64"
RT=$STAGE/runtime
mkdir -p "$RT/bin" "$RT/node_modules"
strip -o "$RT/bin/node" "$(readlink -f "$(command -v node)")"
node bench/gpu/bundle.mjs "$RT/app"
copy_module() { # package, then paths inside it
  local package=$1
  shift
  for path in package.json "$@"; do
    mkdir -p "$(dirname "$RT/node_modules/$package/$path")"
    cp -R "$MODULES/$package/$path" "$RT/node_modules/$package/$path"
  done
}
copy_module onnxruntime-node dist bin/napi-v6/linux/x64
copy_module onnxruntime-common dist/cjs
copy_module better-sqlite3 lib build/Release/better_sqlite3.node
copy_module bindings bindings.js
copy_module file-uri-to-path index.js
find "$RT/node_modules" \( -name '*.map' -o -name '*.d.ts' \) -delete
find "$RT/node_modules" -name '*.node' -exec strip {} +

echo "== data: the files of $SHARED the run reads"
DATA=$STAGE/data
BENCH_IMAGE=images/neurips22-cellseg/cell_00028.png # benchmarked: its sha256 goes into the history, so kept as it is
put() { # path relative to ../shared
  mkdir -p "$(dirname "$DATA/$1")"
  cp "$SHARED/$1" "$DATA/$1"
  chmod u+w "$DATA/$1"
}
put models/celldesk-demo/celldesk-demo.zip.pth
put models/celldesk-demo/celldesk-demo_size.npy
put reference/summary.json
for case in batch3_224 odd_160x208; do put "reference/net.$case.input.npy"; done
put "$BENCH_IMAGE"
while IFS=$'\t' read -r name file; do
  [[ -f $DATA/images/$file ]] || put "images/$file"
  for suffix in d30.masks.tif auto.masks.tif d30.style.npy; do put "reference/$name.$suffix"; done
done < <(node -e 'for (const e of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))) console.log(`${e.name}\t${e.file}`)' "$SHARED/reference/summary.json")
mkdir -p "$DATA/third_party"
cp -R "$SHARED/third_party/cellpose-3.0.11" "$DATA/third_party/"
find "$DATA/third_party" -name __pycache__ -prune -exec rm -rf {} +
chmod -R u+w "$DATA"
find "$DATA/images" -name '*.png' ! -path "$DATA/$BENCH_IMAGE" -print0 | xargs -0 node --import tsx bench/gpu/storedPng.ts
(cd "$DATA" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
# Float32 arrays compress better as byte planes (byteplanes.mjs); run-on-device.sh joins them back.
for path in "$DATA"/models/celldesk-demo/celldesk-demo.zip.pth "$DATA"/reference/net.*.input.npy; do
  node bench/gpu/byteplanes.mjs split "$path" "$path.planes" && rm "$path"
done

echo "== compressing (xz -9e, a few minutes)"
rm -f "$CARRY"/*.tar.xz
(tar -C "$RT" -cf - . | xz --x86 --lzma2=preset=9e,dict=128MiB >"$CARRY/runtime.tar.xz") &
runtime_pid=$!
(tar -C "$DATA" -cf - . | xz --lzma2=preset=9e,dict=64MiB >"$CARRY/data.tar.xz") &
wait "$runtime_pid" && wait $!

echo "== Vulkan loader packages into .gl (the device tool's README)"
# Dawn needs the Vulkan loader, and NVIDIA's Vulkan driver is inside libGLX_nvidia.so.0, which loads libglvnd's
# dispatch libraries: without libglvnd0 the loader finds the driver's manifest and then "no drivers" (2026-12-04).
# The OpenGL and GLES packages the device README also lists are left behind (0.13 MiB).
GL_PACKAGES=(libvulkan1 libglvnd0 libglx0 libegl1)
find "$GL" -name '*.deb' -print0 | while IFS= read -r -d '' deb; do
  [[ " ${GL_PACKAGES[*]} " == *" $(basename "$deb" | cut -d_ -f1) "* ]] || rm "$deb"
done
if [[ $(find "$GL" -name '*.deb' | wc -l) -lt ${#GL_PACKAGES[@]} ]]; then
  mkdir -p /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq
  (cd "$GL" && apt-get "${o[@]}" download "${GL_PACKAGES[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
fi
ls "$GL"/*.deb >/dev/null

echo "== what travels"
sum_sizes() { xargs -0 -r stat -L -c %s 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
tracked=$(git ls-files -z | (cd "$ROOT" && sum_sizes))
untracked=$(git ls-files -z --others --exclude-standard | (cd "$ROOT" && sum_sizes))
carried=$(find "$CARRY" "$GL" -type f -print0 | sum_sizes)
total=$((tracked + untracked + carried))
mib() { awk -v b="$1" 'BEGIN { printf "%.2f MiB", b / 1048576 }'; }
printf '  %-44s %s\n' 'tracked files' "$(mib "$tracked")" 'untracked files, not ignored' "$(mib "$untracked")"
for f in "$CARRY"/* "$GL"; do printf '  %-44s %s\n' "${f#"$ROOT"/}" "$(mib "$(find "$f" -type f -print0 | sum_sizes)")"; done
printf '  %-44s %s of %s\n' 'total' "$(mib "$total")" "$(mib "$LIMIT")"
if ((total > LIMIT)); then
  echo "Too large for one device call by $(mib $((total - LIMIT))); see [Note: device carry]." >&2
  exit 1
fi

cat <<EOF

Staged. In a session whose device tool lends a machine, make this one call (run-on-device.sh unpacks .gl and
.gpu-carry itself, keeps within ${GPU_RUN_TOTAL_S:-420} s and writes its 8 result files under \$OUT):

  run {"command": "bash bench/gpu/run-on-device.sh", "carry": [".gl", ".gpu-carry"], "timeout_s": 480}

Then copy the files it returns into bench/results/ as bench/results/README.md says.

The device tool counts the tree its own way: on 2026-12-04 it refused 63.85 MiB counted as above. The run reads
none of docs/, tests/, src/ or package-lock.json (the CLI travels bundled), so they can leave the index for the
call and come back after it:

  git rm -r -q --cached docs tests src package-lock.json
  printf '/docs/\n/tests/\n/src/\n/package-lock.json\n' >>"\$(git rev-parse --git-path info/exclude)"
  # ... the run call ...
  git reset -q -- docs tests src package-lock.json
  sed -i '\#^/\(docs\|tests\|src\)/\$#d; \#^/package-lock.json\$#d' "\$(git rev-parse --git-path info/exclude)"
EOF
