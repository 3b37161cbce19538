#!/usr/bin/env bash
# Rehearses the GPU kit here, as on a bare machine: the files that travel to the device (tracked and untracked,
# not ignored) plus .gpukit/ copied into an empty folder (no node_modules, no dist, no .cache), then
#   env -i HOME=… PATH=<a folder of links to the tools run.sh needs, and no node> bash .gpukit/run.sh …
# with SwiftShader (Debian's chromium) standing in for the GPU (--allow-software: `auto` must still refuse it),
# Debian's torch on the CPU (--device cpu) and small sizes (SwiftShader takes ~15 s a GoogLeNet pass at 224 px, so
# webgpu times the feature-map row only; 700 s budget). Prints the table and the timeline.
# Usage: scripts/gpuKit/rehearse.sh [--cached-fixtures] [OUT_DIR]
#   --cached-fixtures: the fixtures from .cache/fixtures/<key> (a subset, linked) instead of prepare.py
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHED=0
[ "${1:-}" = --cached-fixtures ] && { CACHED=1; shift; }
OUT=${1:-$(mktemp -d -t llkit-out.XXXXXX)}
mkdir -p "$OUT"
[ -e "$ROOT/.gpukit/run.sh" ] || { echo "no .gpukit: run node scripts/gpuKit/make.mjs first" >&2; exit 1; }
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
[ -e "$ICD" ] || { echo "SwiftShader ($ICD) is missing: apt-get install chromium" >&2; exit 1; }
T=$(mktemp -d -t llkit-rehearsal.XXXXXX)
mkdir -p "$T/repo" "$T/bin" "$T/home"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$T/repo"
cp -r "$ROOT/.gpukit" "$T/repo/.gpukit"
for t in bash sh xz timeout tee date mktemp cp mkdir chmod rm ls head tail awk grep cat nproc uname dpkg dpkg-deb tar \
  env dirname sleep tr sed basename readlink rmdir mv ln find sort wc df; do
  p=$(command -v "$t") && ln -s "$p" "$T/bin/$t"
done
ln -s /usr/bin/python3 "$T/bin/python3"
ln -s "$(command -v ldconfig || echo /sbin/ldconfig)" "$T/bin/ldconfig"
args=(--out "$OUT" --device cpu --allow-software --icd "$ICD"
  --gpu-args "--rows featureMaps --atlas skip"
  --cpu-args "--images 16 --units 4 --steps 1 --ig-steps 4 --smoothgrad 4 --atlas skip"
  --peer-args "--quick")
if [ "$CACHED" = 1 ]; then
  src=$(ls -d "$ROOT"/.cache/fixtures/*/ | head -1)
  fx="$T/fixtures"; mkdir -p "$fx"
  /usr/bin/python3 - "$src" "$fx" <<'EOF'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
index = json.load(open(os.path.join(src, 'index.json')))
keep = ['mnist_cnn', 'dilated_conv', 'googlenet']
index['models'] = {k: v for k, v in index['models'].items() if k in keep}
for f in os.listdir(src):
    if f.split('.')[0] in keep:
        os.symlink(os.path.join(src, f), os.path.join(dst, f))
json.dump(index, open(os.path.join(dst, 'index.json'), 'w'))
EOF
  args+=(--fixtures "$fx")
else
  args+=(--prepare-args "--only mnist_cnn,dilated_conv,googlenet --images 16 --no-attribution")
fi
cd "$T/repo"
env -i HOME="$T/home" PATH="$T/bin" LL_KIT_BUDGET_S="${LL_KIT_BUDGET_S:-700}" bash -c 'command -v node && { echo "a node is on PATH" >&2; exit 1; }; exec bash .gpukit/run.sh "$@"' run "${args[@]}"
rc=$?
rm -rf "$T"
exit $rc
