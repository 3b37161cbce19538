#!/usr/bin/env bash
# For a GPU machine WITHOUT Node or node_modules (the usual case: only ~64 MiB may travel), use the GPU kit
# instead: node scripts/gpuKit/make.mjs here, then bash .gpukit/run.sh there (docs/gpu-check.md).
# This script is the same check from a full checkout, on a GPU machine that has Node, node_modules and the ONNX
# fixtures in .cache/fixtures (no network): which WebGPU adapter Dawn finds, the webgpu parity suite, and the bench rows per backend, printed as one
# table. Usage: scripts/gpuCheck.sh [OUT_DIR]   (default: a temp folder; the JSON rows and logs land there)
# Sizes: GPU_CHECK_IMAGES (2000), GPU_CHECK_UNITS (32), GPU_CHECK_STEPS (8) for webgpu; the CPU rows (wasm + the
# native kernels, the product's CPU path) run smaller (GPU_CHECK_CPU_IMAGES 200, GPU_CHECK_CPU_STEPS 3) so the whole
# check fits in ~10 minutes. GPU_CHECK_SKIP_PARITY=1 skips the parity suite.
set -u
cd "$(dirname "$0")/.."
OUT="${1:-$(mktemp -d -t layer-lens-gpu-check.XXXXXX)}"
mkdir -p "$OUT"
say() { printf '== %s\n' "$*"; }

say "machine"
nproc; node --version
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; else echo "nvidia-smi: not found"; fi

# Dawn on Linux needs the Vulkan loader (libvulkan.so.1) and the GPU's Vulkan driver (an ICD json). Containers often
# have the NVIDIA driver libraries without the ICD json (NVIDIA_DRIVER_CAPABILITIES lacks 'graphics'): the NVIDIA
# Vulkan driver lives in libGLX_nvidia.so.0, so a json naming it is written to a private folder when none exists.
say "vulkan"
loader=$(ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1/ {print $NF; exit}')
if [ -z "$loader" ] && [ -e /usr/lib/chromium/libvulkan.so.1 ]; then
  export LD_LIBRARY_PATH="/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; loader=/usr/lib/chromium/libvulkan.so.1
fi
echo "Vulkan loader: ${loader:-MISSING (libvulkan.so.1: apt-get install libvulkan1)}"
icds=$(ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null | tr '\n' ' ')
echo "Vulkan ICDs: ${icds:-none}"
if ! echo "$icds" | grep -q nvidia; then
  glx=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')
  if [ -n "$glx" ]; then
    mkdir -p "$OUT/icd"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" > "$OUT/icd/nvidia_icd.json"
    export VK_ICD_FILENAMES="$OUT/icd/nvidia_icd.json"
    echo "No NVIDIA ICD json: wrote $VK_ICD_FILENAMES naming $glx"
  else
    echo "No NVIDIA Vulkan driver found (no nvidia ICD json, no libGLX_nvidia.so.0): Dawn will see no NVIDIA adapter"
  fi
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d -t xdg.XXXXXX)}"
chmod 700 "$XDG_RUNTIME_DIR"

say "WebGPU probe (Dawn)"
timeout 120 node --import tsx -e "
  import('./src/core/node/webgpu/webgpuBackend.ts').then(async (m) => console.log(JSON.stringify(await (m.probeWebgpu ?? m.default.probeWebgpu)())));
" 2>&1 | tail -5 | tee "$OUT/probe.txt"

say "what auto and an explicit webgpu choose (auto must pick a hardware adapter, never a software one)"
timeout 120 node --import tsx test/unit/backend/selectionChild.ts 2>/dev/null \
  | node -e 'require("readline").createInterface({ input: process.stdin }).on("line", (l) => { const s = JSON.parse(l.slice(7)); console.log(`${s.preference}: ${s.detail}; tried ${s.attempts.map((a) => a.ok ? a.backend : `${a.backend} (skipped: ${a.reason})`).join(", ")}`); })' \
  | tee "$OUT/selection.txt"

[ -d dist ] && [ -e dist/topkWorker.js ] || { say "build (bundles only; the native kernels need a C++ compiler)"; node esbuild.mjs >"$OUT/build.log" 2>&1 || tail -5 "$OUT/build.log"; }

if [ "${GPU_CHECK_SKIP_PARITY:-0}" != 1 ]; then
  say "webgpu parity suite (SwiftShader when chromium is installed, see test/unit/webgpu)"
  timeout 300 node scripts/runUnitTests.mjs webgpu/ >"$OUT/parity.log" 2>&1
  echo "exit $?"; grep -E '^(unit:|not ok|# )' "$OUT/parity.log" | tail -15
fi

say "bench rows per backend"
timeout 420 npx tsx bench/run.ts --backends webgpu --only backends --images "${GPU_CHECK_IMAGES:-2000}" \
  --units "${GPU_CHECK_UNITS:-32}" --steps "${GPU_CHECK_STEPS:-8}" --json "$OUT/bench-webgpu.json" 2>&1 | tee "$OUT/bench-webgpu.log" | tail -8
timeout 300 npx tsx bench/run.ts --backends wasm --only backends --images "${GPU_CHECK_CPU_IMAGES:-200}" \
  --units "${GPU_CHECK_UNITS:-32}" --steps "${GPU_CHECK_CPU_STEPS:-3}" --json "$OUT/bench-wasm.json" 2>&1 | tee "$OUT/bench-wasm.log" | tail -8

say "table"
node -e '
  const fs = require("fs");
  const rows = [];
  for (const f of process.argv.slice(1)) if (fs.existsSync(f)) rows.push(...JSON.parse(fs.readFileSync(f, "utf8")).rows);
  console.log("| backend | row | value |\n|---|---|---|");
  for (const r of rows) {
    const m = /^\[([^\]]+)\]\s*(.*)$/.exec(r.label);
    console.log(`| ${m ? m[1] : ""} | ${m ? m[2] : r.label} | ${r.value} |`);
  }
' "$OUT/bench-webgpu.json" "$OUT/bench-wasm.json" | tee "$OUT/table.md"
echo "results: $OUT"
