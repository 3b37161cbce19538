#!/usr/bin/env bash
# The GPU kit's runner (copied to .gpukit/run.sh by scripts/gpuKit/make.mjs; docs/gpu-check.md): on a machine with
# a GPU, python3 + torch and NO Node, npm or network, from the repository root that holds .gpukit/:
#   bash .gpukit/run.sh --out "$OUT"
# unpacks the kit's Node and Dawn into a scratch folder, the Vulkan loader into a private folder, finds the NVIDIA
# Vulkan driver (or says exactly what is missing), makes the fixtures and images with the machine's torch
# (scripts/gpuKit/py/prepare.py) and compares them with the repo's (compareIndex.py against the kit's reference/),
# then runs the phases, each under its own time limit so partial results come back: adapter probe + backend
# choice, webgpu parity, bench rows on webgpu, the PyTorch peer (torchPeerGpu.py), the bench rows on the CPU path
# (wasm + native kernels). OUT/table.md and OUT/rows.json are rewritten after every phase (a run killed later
# still leaves them); OUT/peer.json and OUT/log.txt too. Whole run ≤ LL_KIT_BUDGET_S (470 s).
# Options: --device cuda|cpu (PyTorch's device; default cuda), --allow-software (webgpu rows on a software
# adapter), --icd FILE (a Vulkan driver json instead of NVIDIA's), --fixtures DIR / --images DIR (skip prepare.py),
# --gpu-args "…" / --cpu-args "…" / --peer-args "…" / --prepare-args "…" (sizes), --no-parity, --no-peer, --no-cpu,
# --scratch DIR (where Node, Dawn and the fixtures are unpacked: ~1 GB; default the first of $TMPDIR, /tmp,
# /var/tmp, the repository, $HOME with the room and exec allowed). LL_KIT_PYTHON names the Python (default python3).
set -u
KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$KIT/.." && pwd)"
T0=$(date +%s)
OUT="" DEVICE=cuda ALLOW="" ICD="" FIXTURES="" IMAGES="" PARITY=1 PEER=1 CPU=1 SCRATCH=""
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
    --scratch) SCRATCH="$2"; shift ;;
    --no-parity) PARITY=0 ;;
    --no-peer) PEER=0 ;;
    --no-cpu) CPU=0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
OUT="${OUT:-${OUT_DIR:-$(mktemp -d -t layer-lens-gpukit.XXXXXX)}}"
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)" || { echo "run.sh: cannot make --out $OUT" >&2; exit 2; }
cd "$REPO"
exec > >(tee -a "$OUT/log.txt") 2>&1
BUDGET=${LL_KIT_BUDGET_S:-470}
say() { printf '[+%3ds] %s\n' $(( $(date +%s) - T0 )) "$*"; }
PY=${LL_KIT_PYTHON:-python3}
command -v "$PY" >/dev/null || { command -v python >/dev/null && PY=python; }

# Scratch: Node (99 MB), Dawn (21 MB), prepare.py's fixtures and images (~450 MB): a folder with ~1 GB free on a
# filesystem that lets the kit's Node execute (a noexec /tmp or a small tmpfs would fail later, less clearly).
NEED_KB=${LL_KIT_SCRATCH_KB:-1000000}
command -v df >/dev/null || NEED_KB=0  # no df: free space unknown, take the first folder that executes
TMP="" best="" best_kb=0
for c in ${SCRATCH:+"$SCRATCH"} "${TMPDIR:-/tmp}" /tmp /var/tmp "$REPO" "${HOME:-/root}" /dev/shm; do
  [ -n "$TMP" ] && break
  mkdir -p "$c" 2>/dev/null; d=$(mktemp -d "$c/llkit.XXXXXX" 2>/dev/null) || continue
  kb=$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}'); kb=${kb:-0}
  printf '#!/bin/sh\nexit 0\n' >"$d/x" && chmod +x "$d/x"
  if ! "$d/x" 2>/dev/null; then echo "scratch: $c is mounted noexec"; rm -rf "$d"; continue; fi
  rm -f "$d/x"
  if [ "$kb" -ge "$NEED_KB" ]; then TMP=$d
  else
    echo "scratch: $c has $(( kb / 1024 )) MiB free, under $(( NEED_KB / 1024 )) MiB"
    if [ "$kb" -gt "$best_kb" ]; then [ -n "$best" ] && rm -rf "$best"; best=$d best_kb=$kb; else rm -rf "$d"; fi
  fi
done
if [ -z "$TMP" ]; then
  [ -n "$best" ] || { say "no writable, executable scratch folder (tried \$TMPDIR, /tmp, /var/tmp, the repository, \$HOME): pass --scratch DIR"; exit 1; }
  TMP=$best; say "scratch: none with $(( NEED_KB / 1024 )) MiB free; using $TMP ($(( best_kb / 1024 )) MiB): the fixtures may not fit"
elif [ -n "$best" ]; then rm -rf "$best"; fi
WORK="$TMP/work"; APP="$TMP/app"; mkdir -p "$WORK" "$APP"
TIMELINE="$WORK/timeline.txt"
NODE="" KIT_JS="$APP/kit.js"

# The table from whatever phase files exist, into OUT (after every phase, so a run killed later leaves it).
table() {
  local quiet=${1:-quiet}
  [ -n "$NODE" ] || return 0
  if [ "$quiet" = quiet ]; then timeout -k 2 30 "$NODE" "$KIT_JS" --table --work "$WORK" --out "$OUT" --peer "$OUT/peer.json" >/dev/null 2>&1
  else timeout -k 2 30 "$NODE" "$KIT_JS" --table --work "$WORK" --out "$OUT" --peer "$OUT/peer.json"; fi
}
finish() {
  trap - EXIT INT TERM
  table quiet
  rm -rf "$TMP"
}
trap finish EXIT
trap 'say "stopped from outside (signal): the table has the phases done so far"; exit 143' INT TERM

# A phase's limit: its own maximum, or what is left of the budget less a reserve for the phases after it.
limit() { local l=$(( BUDGET - ($(date +%s) - T0) - ${2:-15} )); [ "$l" -lt "$1" ] && echo $(( l < 5 ? 5 : l )) || echo "$1"; }
phase() { # phase NAME MAX_S RESERVE_S command... (an argument @LIMIT@ becomes the limit less 10 s: the kit's own)
  local name=$1 max=$2 reserve=$3; shift 3
  local lim; lim=$(limit "$max" "$reserve"); local t; t=$(date +%s)
  local args=() a; for a in "$@"; do [ "$a" = @LIMIT@ ] && a=$(( lim > 20 ? lim - 10 : 10 )); args+=("$a"); done
  say "$name (limit ${lim} s)"
  timeout -k 5 "$lim" "${args[@]}"; local rc=$?
  local d=$(( $(date +%s) - t )) how="exit $rc"
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then say "$name: STOPPED at its ${lim} s limit (partial results kept)"; how="STOPPED at its ${lim} s limit"; fi
  printf '%-28s %4d s  %s\n' "$name" "$d" "$how" >>"$TIMELINE"
  table quiet
  return $rc
}
step() { printf '%-28s %4d s  %s\n' "$1" $(( $(date +%s) - T0 )) "$2" >>"$TIMELINE"; }

say "machine"
{
  echo "$(nproc) cores, $(uname -m), $(uname -r); kit built from $(cat "$KIT/VERSION" 2>/dev/null || echo '?'); scratch $TMP"
  if command -v nvidia-smi >/dev/null; then
    timeout -k 2 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/GPU: /' || echo "GPU: nvidia-smi did not answer within 20 s"
  else echo "GPU: nvidia-smi not found"; fi
  torch=$(timeout -k 2 90 "$PY" -c 'import sys
try:
    import torch
    c = torch.cuda.is_available()
    print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", c, *(["(" + torch.cuda.get_device_name(0) + ", CUDA " + str(torch.version.cuda) + ")"] if c else []))
except Exception as e:
    print("python", sys.version.split()[0], "torch: cannot import (" + str(e).splitlines()[0] + ")")' 2>&1) || torch="$PY with torch did not answer within 90 s (${torch##*$'\n'})"
  echo "${torch##*$'\n'}"
} | tee "$WORK/machine.txt"
# The peer is skipped only when torch says it has no CUDA (a torch that did not answer still gets its try).
TORCH_CUDA=1; grep -q ' cuda False' "$WORK/machine.txt" && TORCH_CUDA=0

# Node: the kit's own (a system node, if any, is never used: the check is of what travels).
say "node (a node on PATH: $(command -v node || echo none); the kit's is used)"
unxz() { # unxz FILE.xz DEST: xz where it exists, else Python's lzma
  if command -v xz >/dev/null; then timeout -k 2 120 xz -dc "$1" >"$2"
  else timeout -k 2 120 "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz "$KIT/node.xz" "$TMP/node" || { say "the kit's node.xz did not unpack into $TMP (full?)"; exit 1; }
chmod +x "$TMP/node"
if ! "$TMP/node" --version; then
  say "the kit's node does not run here ($("$TMP/node" --version 2>&1 | head -1)): no table"
  printf '# Layer Lens GPU check\n\nThe kit'"'"'s Node does not run on this machine: %s\n' "$("$TMP/node" --version 2>&1 | head -1)" >"$OUT/table.md"
  exit 1
fi
NODE="$TMP/node"
cp "$KIT"/bundle/* "$APP/"
mkdir -p "$APP/node_modules/webgpu/dist/linux-x64"
cp "$KIT"/webgpu/*.js* "$KIT"/webgpu/*.md "$APP/node_modules/webgpu/" 2>/dev/null
unxz "$KIT/webgpu/dist/linux-x64/dawn.node.xz" "$APP/node_modules/webgpu/dist/linux-x64/dawn.node" || say "Dawn did not unpack: webgpu will say so"
step "unpack (node, dawn)" "node $("$NODE" --version)"

# Vulkan: the loader from the kit's debs into a private folder (found through LD_LIBRARY_PATH; nothing under /
# changes), then the GPU's driver json. What is missing is said in vulkan.txt (the table shows it).
say "vulkan"
ldcache() { { command -v ldconfig >/dev/null && ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null; }
# Where the NVIDIA container toolkit and distributions put the driver's libraries.
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia/current /usr/lib64/nvidia; do
  [ -d "$d" ] && export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$d"
done
{
  if ldcache | grep -q 'libvulkan\.so\.1 '; then echo "Vulkan loader: $(ldcache | awk '/libvulkan\.so\.1 / {print $NF; exit}')"
  else
    for f in "$KIT"/debs/*.deb; do
      if command -v dpkg >/dev/null; then timeout -k 2 30 dpkg -x "$f" "$TMP/vk"; else timeout -k 2 30 "$PY" scripts/gpuKit/py/debExtract.py "$f" "$TMP/vk"; fi
    done
    export LD_LIBRARY_PATH="$TMP/vk/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "Vulkan loader: from the kit ($(ls "$TMP"/vk/usr/lib/x86_64-linux-gnu/libvulkan.so.1* 2>/dev/null | head -1))"
  fi
} >"$WORK/vulkan.txt" 2>&1
loads() { timeout -k 2 20 "$PY" -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$1" 2>&1 | tail -1; return "${PIPESTATUS[0]}"; }
why=$(loads libvulkan.so.1) || echo "Vulkan loader: does not load here: $why" >>"$WORK/vulkan.txt"
ICD_DIRS="/usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/etc/vulkan/icd.d"
for d in ${XDG_DATA_DIRS:+${XDG_DATA_DIRS//:/ }} ${XDG_CONFIG_DIRS:+${XDG_CONFIG_DIRS//:/ }}; do ICD_DIRS="$ICD_DIRS $d/vulkan/icd.d"; done
if [ -z "$ICD" ]; then
  for d in $ICD_DIRS; do
    for c in "$d"/nvidia_icd.json "$d"/nvidia_icd.*.json "$d"/*nvidia*.json; do [ -e "$c" ] && { ICD=$c; break 2; }; done
  done
  # A json whose library cannot load is no driver: a json of our own for a libGLX_nvidia that does.
  if [ -n "$ICD" ]; then
    lib=$(sed -n 's/.*"library_path" *: *"\([^"]*\)".*/\1/p' "$ICD" | head -1)
    if ! why=$(loads "${lib:-libGLX_nvidia.so.0}"); then echo "Vulkan driver: $ICD names ${lib:-?}, which does not load ($why)" >>"$WORK/vulkan.txt"; ICD=""; fi
  fi
  if [ -z "$ICD" ]; then
    glx=$(ldcache | awk '/libGLX_nvidia\.so\.0 / {print $NF; exit}')
    [ -n "$glx" ] || glx=$(ls /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/local/nvidia/lib64/libGLX_nvidia.so.0 /usr/lib/x86_64-linux-gnu/nvidia/current/libGLX_nvidia.so.0 2>/dev/null | head -1)
    if [ -n "$glx" ]; then
      if why=$(loads "$glx"); then
        ICD="$TMP/nvidia_icd.json"
        printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" >"$ICD"
      else echo "Vulkan driver: $glx does not load ($why)" >>"$WORK/vulkan.txt"; fi
    fi
  fi
fi
if [ -n "$ICD" ]; then export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"; echo "Vulkan driver: $ICD" >>"$WORK/vulkan.txt"
else
  {
    echo "Vulkan driver: none found: no *nvidia*.json in $ICD_DIRS, and no libGLX_nvidia.so.0 that loads (ldconfig, /usr/lib/x86_64-linux-gnu, /usr/local/nvidia/lib64): Dawn will find no GPU"
    echo "Vulkan driver: NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-unset} (a container gets the Vulkan driver only with 'graphics' or 'all')"
    echo "Vulkan driver: the NVIDIA libraries here: $(ldcache | grep -oE 'lib(cuda|nvidia-[a-z-]+|GLX_nvidia|EGL_nvidia)\.so[.0-9]*' | sort -u | tr '\n' ' ')"
  } >>"$WORK/vulkan.txt"
fi
cat "$WORK/vulkan.txt"
export XDG_RUNTIME_DIR="$TMP/xdg"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
step "unpack + vulkan" "${ICD:-no Vulkan driver}"

if [ -z "$FIXTURES" ]; then
  if [ -e scripts/gpuKit/py/prepare.py ]; then
    # shellcheck disable=SC2086
    phase "prepare (fixtures, images)" 150 300 "$PY" scripts/gpuKit/py/prepare.py --out "$TMP/prep" $PREPARE_ARGS
    FIXTURES="$TMP/prep/fixtures"; IMAGES="${IMAGES:-$TMP/prep/images}"
  else say "scripts/gpuKit/py/prepare.py is missing: no fixtures (pass --fixtures DIR)"; fi
fi
IMG_ARG=(); [ -n "$IMAGES" ] && [ -d "$IMAGES" ] && IMG_ARG=(--images-dir "$IMAGES")
[ -e "$FIXTURES/index.json" ] || say "no fixtures at ${FIXTURES:-(none)}: parity and bench will say so"

# Did this machine's torch make the repo's fixtures? (the kit carries the cache's index.json files; a difference
# is a finding for the table, not a failure of the run)
if [ -e "$FIXTURES/index.json" ] && [ -e "$KIT/reference/fixtures.index.json" ]; then
  cmp=(--fixtures "$FIXTURES/index.json" --reference "$KIT/reference/fixtures.index.json" --json "$WORK/compare.json")
  attr="$(dirname "$FIXTURES")/attribution/index.json"
  [ -e "$attr" ] && [ -e "$KIT/reference/attribution.index.json" ] && cmp+=(--attribution "$attr" --attribution-reference "$KIT/reference/attribution.index.json")
  keys="$(dirname "$FIXTURES")/cacheKeys.json"
  if [ -e "$keys" ] && ! grep -q "\"$(sed -n 's/.*"fixtures": *"\([0-9a-f]*\)".*/\1/p' "$KIT/reference/keys.json")\"" "$keys"; then
    say "the fixture scripts here are not the ones the kit was built from ($keys vs $KIT/reference/keys.json): rebuild the kit"
  fi
  phase "compare fixtures" 30 250 "$PY" scripts/gpuKit/py/compareIndex.py "${cmp[@]}"
else say "compare fixtures: skipped (no $FIXTURES/index.json or no $KIT/reference/fixtures.index.json)"; fi

phase "probe + backend choice" 60 240 "$NODE" "$KIT_JS" --probe --work "$WORK" --limit-s @LIMIT@
PROBE_RC=$?
# A probe that hung (Dawn stuck on the driver) would hang the webgpu phases too: they get a short limit.
GPU_MAX=120 BENCH_MAX=${LL_KIT_GPU_BENCH_S:-240}
if [ $PROBE_RC -eq 124 ] || [ $PROBE_RC -eq 137 ]; then GPU_MAX=45 BENCH_MAX=45; say "the probe hung: the webgpu phases get ${GPU_MAX} s each"; fi
if [ "$PARITY" = 1 ]; then phase "parity (webgpu)" "$GPU_MAX" 200 "$NODE" "$KIT_JS" --parity --fixtures "$FIXTURES" --work "$WORK" --limit-s @LIMIT@; fi
# What the phases after it need, kept from its limit (LL_KIT_GPU_BENCH_S raises its own maximum: an atlas alone).
AFTER=$(( PEER * 110 + CPU * 40 + 10 ))
# shellcheck disable=SC2086
phase "bench webgpu" "$BENCH_MAX" "$AFTER" "$NODE" "$KIT_JS" --bench --backend webgpu --fixtures "$FIXTURES" --work "$WORK" ${IMG_ARG[@]+"${IMG_ARG[@]}"} $ALLOW $GPU_ARGS
if [ "$PEER" = 1 ]; then
  if [ ! -e scripts/gpuKit/py/torchPeerGpu.py ]; then say "scripts/gpuKit/py/torchPeerGpu.py is missing: no PyTorch column"
  elif [ "${DEVICE%%:*}" = cuda ] && [ "$TORCH_CUDA" = 0 ]; then
    # Its full sizes on a CPU would only use up the budget: the column says why instead.
    why="this torch sees no CUDA device ($(grep ' cuda False' "$WORK/machine.txt" | head -1)); --device cpu runs the peer on the CPU"
    say "pytorch peer: skipped: $why"
    printf '{"side": "pytorch", "device": "%s", "rows": [], "failure": "%s"}\n' "$DEVICE" "${why//\"/\'}" >"$OUT/peer.json"
    printf '%-28s %4d s  %s\n' "pytorch peer" 0 "skipped: no CUDA" >>"$TIMELINE"
  else
    # shellcheck disable=SC2086
    phase "pytorch peer ($DEVICE)" 120 40 env PYTHONUNBUFFERED=1 "$PY" scripts/gpuKit/py/torchPeerGpu.py --fixtures "$FIXTURES" \
      --images "${IMAGES:-$TMP/prep/images}" --device "$DEVICE" --json "$OUT/peer.json" $PEER_ARGS
  fi
fi

# The CPU path last: its rows are the smallest part of the table and may run short of the budget.
# shellcheck disable=SC2086
[ "$CPU" = 1 ] && phase "bench cpu (wasm + native)" 90 5 "$NODE" "$KIT_JS" --bench --backend wasm --fixtures "$FIXTURES" --work "$WORK" ${IMG_ARG[@]+"${IMG_ARG[@]}"} $CPU_ARGS

step "total" ""
say "table"
table loud || say "the table did not finish (its phase files are in rows.json where written)"
echo; echo "timeline:"; cat "$TIMELINE"
echo "results: $OUT (table.md, rows.json, peer.json, log.txt)"
