#!/usr/bin/env bash
# The GPU kit's runner (copied to .gpukit/run.sh by scripts/gpuKit/make.mjs; docs/gpu-check.md): on a machine with
# a GPU, python3 + torch and NO Node, npm or network, from the repository root that holds .gpukit/:
#   bash .gpukit/run.sh --out "$OUT"
# unpacks the kit's Node and Dawn into /tmp, the Vulkan loader into a private folder, finds the NVIDIA Vulkan
# driver, makes the fixtures and images with the machine's torch (scripts/gpuKit/py/prepare.py), then runs the
# phases, each under a time limit so partial results come back: adapter probe + backend choice, webgpu parity,
# bench rows on webgpu, the PyTorch peer (torchPeerGpu.py), the bench rows on the CPU path (wasm + native
# kernels), and writes
# OUT/table.md, OUT/rows.json, OUT/peer.json and OUT/log.txt. Whole run ≤ LL_KIT_BUDGET_S (470 s).
# Options: --device cuda|cpu (PyTorch's device; default cuda), --allow-software (webgpu rows on a software
# adapter), --icd FILE (a Vulkan driver json instead of NVIDIA's), --fixtures DIR / --images DIR (skip prepare.py),
# --gpu-args "…" / --cpu-args "…" / --peer-args "…" / --prepare-args "…" (sizes), --no-parity, --no-peer, --no-cpu,
# --only-probe (unpack, find Vulkan, probe, copy probe.json to OUT and stop: the kit's own test).
set -u
KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$KIT/.." && pwd)"
cd "$REPO"
T0=$(date +%s)
OUT="" DEVICE=cuda ALLOW="" ICD="" FIXTURES="" IMAGES="" PARITY=1 PEER=1 CPU=1 ONLY_PROBE=0
GPU_ARGS="--images 2000 --units 32 --steps 8 --ig-steps 32 --smoothgrad 25"
CPU_ARGS="--images 200 --units 32 --steps 2 --ig-steps 32 --smoothgrad 25 --atlas skip"
PEER_ARGS="" PREPARE_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift ;;
    --device) DEVICE="$2"; shift ;;
    --allow-software) ALLOW="--allow-software" ;;
    --icd) ICD="$2"; shift ;;
    --fixtures) FIXTURES="$2"; shift ;;
    --images) IMAGES="$2"; shift ;;
    --gpu-args) GPU_ARGS="$2"; shift ;;
    --cpu-args) CPU_ARGS="$2"; shift ;;
    --peer-args) PEER_ARGS="$2"; shift ;;
    --prepare-args) PREPARE_ARGS="$2"; shift ;;
    --no-parity) PARITY=0 ;;
    --no-peer) PEER=0 ;;
    --no-cpu) CPU=0 ;;
    --only-probe) ONLY_PROBE=1 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
OUT="${OUT:-${OUT_DIR:-$(mktemp -d -t layer-lens-gpukit.XXXXXX)}}"
mkdir -p "$OUT"
TMP=$(mktemp -d -t llkit.XXXXXX)
WORK="$TMP/work"; APP="$TMP/app"; mkdir -p "$WORK" "$APP"
exec > >(tee -a "$OUT/log.txt") 2>&1
BUDGET=${LL_KIT_BUDGET_S:-470}
TIMELINE="$WORK/timeline.txt"
say() { printf '[+%3ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }
# A phase's limit: its own maximum, or what is left of the budget less a reserve for the phases after it.
limit() { local l=$(( BUDGET - ($(date +%s) - T0) - ${2:-15} )); [ "$l" -lt "$1" ] && echo $(( l < 5 ? 5 : l )) || echo "$1"; }
phase() { # phase NAME MAX_S RESERVE_S command... (an argument @LIMIT@ becomes the limit less 10 s: the kit's own)
  local name=$1 max=$2 reserve=$3; shift 3
  local lim; lim=$(limit "$max" "$reserve"); local t=$(date +%s)
  local args=() a; for a in "$@"; do [ "$a" = @LIMIT@ ] && a=$(( lim > 20 ? lim - 10 : 10 )); args+=("$a"); done
  say "$name (limit ${lim} s)"
  timeout -k 5 "$lim" "${args[@]}"; local rc=$?
  local d=$(( $(date +%s) - t ))
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && say "$name: STOPPED at its ${lim} s limit (partial results kept)"
  printf '%-28s %4d s  exit %d\n' "$name" "$d" "$rc" >>"$TIMELINE"
  return $rc
}

say "machine"
{
  echo "$(nproc) cores, $(uname -m), $(uname -r); kit built from $(cat "$KIT/VERSION" 2>/dev/null || echo '?')"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
  python3 -c 'import sys, torch; print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tail -1
} | tee "$WORK/machine.txt"

# Node: the kit's own (a system node, if any, is never used: the check is of what travels).
say "node (a node on PATH: $(command -v node || echo none); the kit's is used)"
if command -v xz >/dev/null; then xz -dc "$KIT/node.xz" >"$TMP/node"
else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$KIT/node.xz" "$TMP/node"; fi
chmod +x "$TMP/node"
NODE="$TMP/node"
"$NODE" --version || { say "the kit's node does not run here"; exit 1; }
cp "$KIT"/bundle/* "$APP/"
mkdir -p "$APP/node_modules/webgpu/dist/linux-x64"
cp "$KIT"/webgpu/*.js* "$KIT"/webgpu/*.md "$APP/node_modules/webgpu/" 2>/dev/null
python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
  "$KIT/webgpu/dist/linux-x64/dawn.node.xz" "$APP/node_modules/webgpu/dist/linux-x64/dawn.node"
KIT_JS="$APP/kit.js"

# Vulkan: the loader from the kit's debs into a private folder (found through LD_LIBRARY_PATH; nothing under /
# changes), then the GPU's driver json.
say "vulkan"
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  for f in "$KIT"/debs/*.deb; do dpkg -x "$f" "$TMP/vk"; done
  export LD_LIBRARY_PATH="$TMP/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "Vulkan loader: from the kit ($(ls "$TMP"/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1* | head -1))"
else echo "Vulkan loader: $(ldconfig -p | awk '/libvulkan\.so\.1/ {print $NF; exit}')"; fi
if [ -z "$ICD" ]; then
  for c in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    [ -e "$c" ] && { ICD=$c; break; }
  done
fi
if [ -z "$ICD" ]; then
  glx=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')
  if [ -n "$glx" ]; then
    ICD="$TMP/nvidia_icd.json"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" >"$ICD"
  fi
fi
if [ -n "$ICD" ]; then export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"; echo "Vulkan driver: $ICD"
else echo "Vulkan driver: none found (no NVIDIA ICD json, no libGLX_nvidia.so.0): Dawn will find no GPU"; fi
export XDG_RUNTIME_DIR="$TMP/xdg"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
printf '%-28s %4d s\n' "unpack + vulkan" $(( $(date +%s) - T0 )) >>"$TIMELINE"
if [ "$ONLY_PROBE" = 1 ]; then
  phase "probe + backend choice" 60 0 "$NODE" "$KIT_JS" --probe --work "$WORK" --limit-s @LIMIT@
  cp "$WORK/probe.json" "$OUT/probe.json"; rm -rf "$TMP"; exit 0
fi

if [ -z "$FIXTURES" ]; then
  if [ -e scripts/gpuKit/py/prepare.py ]; then
    # shellcheck disable=SC2086
    phase "prepare (fixtures, images)" 150 300 python3 scripts/gpuKit/py/prepare.py --out "$TMP/prep" $PREPARE_ARGS
    FIXTURES="$TMP/prep/fixtures"; IMAGES="${IMAGES:-$TMP/prep/images}"
  else say "scripts/gpuKit/py/prepare.py is missing: no fixtures (pass --fixtures DIR)"; fi
fi
IMG_ARG=(); [ -n "$IMAGES" ] && [ -d "$IMAGES" ] && IMG_ARG=(--images-dir "$IMAGES")
[ -e "$FIXTURES/index.json" ] || say "no fixtures at ${FIXTURES:-(none)}: parity and bench will say so"

phase "probe + backend choice" 60 240 "$NODE" "$KIT_JS" --probe --work "$WORK" --limit-s @LIMIT@
if [ "$PARITY" = 1 ]; then phase "parity (webgpu)" 120 200 "$NODE" "$KIT_JS" --parity --fixtures "$FIXTURES" --work "$WORK" --limit-s @LIMIT@; fi
# What the phases after it need, kept from its limit (LL_KIT_GPU_BENCH_S raises its own maximum: an atlas alone).
AFTER=$(( PEER * 110 + CPU * 40 + 10 ))
# shellcheck disable=SC2086
phase "bench webgpu" "${LL_KIT_GPU_BENCH_S:-240}" "$AFTER" "$NODE" "$KIT_JS" --bench --backend webgpu --fixtures "$FIXTURES" --work "$WORK" "${IMG_ARG[@]}" $ALLOW $GPU_ARGS
if [ "$PEER" = 1 ]; then
  if [ -e scripts/gpuKit/py/torchPeerGpu.py ]; then
    # shellcheck disable=SC2086
    phase "pytorch peer ($DEVICE)" 120 40 env PYTHONUNBUFFERED=1 python3 scripts/gpuKit/py/torchPeerGpu.py --fixtures "$FIXTURES" \
      --images "${IMAGES:-$TMP/prep/images}" --device "$DEVICE" --json "$OUT/peer.json" $PEER_ARGS
  else say "scripts/gpuKit/py/torchPeerGpu.py is missing: no PyTorch column"; fi
fi

# The CPU path last: its rows are the smallest part of the table and may run short of the budget.
# shellcheck disable=SC2086
[ "$CPU" = 1 ] && phase "bench cpu (wasm + native)" 90 5 "$NODE" "$KIT_JS" --bench --backend wasm --fixtures "$FIXTURES" --work "$WORK" "${IMG_ARG[@]}" $CPU_ARGS

say "table"
"$NODE" "$KIT_JS" --table --work "$WORK" --out "$OUT" --peer "$OUT/peer.json"
printf '%-28s %4d s\n' "total" $(( $(date +%s) - T0 )) >>"$TIMELINE"
echo; echo "timeline:"; cat "$TIMELINE"
rm -rf "$TMP"
echo "results: $OUT (table.md, rows.json, peer.json, log.txt)"
