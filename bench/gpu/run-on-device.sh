#!/usr/bin/env bash
# Issue 16's GPU run in one call of the device tool (one NVIDIA GPU, 16 cores, no internet): unpacks what stage.sh
# carried, records the GPU, driver and Vulkan facts, checks CellDesk's network and masks on WebGPU against the CPU
# and official Cellpose 3.0.11, runs the benchmark protocol with `celldesk bench` on the CPU and WebGPU, and official
# Cellpose 3.0.11 on CUDA and on the CPU over the same crops; 8 files under $OUT (run.log, facts.json, checks.json,
# bench-synthetic.json, bench-cell_00028.json, official-cuda.json, official-cpu.json, celldesk-history.json).
#   bash bench/gpu/run-on-device.sh              on the device machine, in the repository root ($OUT set there)
#   bash bench/gpu/run-on-device.sh --rehearse   here, without a GPU: the same steps on SwiftShader, tiny sizes
#
# [Note: GPU run budget] One call may run 10 minutes, and a session has 15 minutes of device time, the machine's
# start included; the run keeps within GPU_RUN_TOTAL_S (420 s) so that a second, shorter call still fits. Each part
# has a budget and is stopped with SIGINT when it runs out (the benchmark then reports what it measured, official
# Cellpose skips the crops it cannot finish): a slow part costs the parts after it some of their crops, never the
# whole run. The published protocol (every 224 px step to the full image, 3 iterations, two images, four columns)
# would take about 20 minutes here, the pipeline's dynamics costing the same single CPU core on every provider;
# so the run measures the crops 224, 448, 896, 1344 px and the full image, once each with CellDesk and official
# Cellpose on the CPU, three times with official Cellpose on CUDA, and says so in its output.
set -uo pipefail

# Exported: each part runs in its own bash (step), and official() finds the Python shims through ROOT.
export ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
MODE=device
[[ ${1:-} == --rehearse ]] && MODE=rehearse
if [[ $MODE == rehearse ]]; then
  OUT=${OUT:-/tmp/celldesk-gpu-rehearsal/out}
  WORK=${GPU_RUN_WORK:-/tmp/celldesk-gpu-rehearsal/work}
else
  : "${OUT:?OUT must name the folder whose files come back (the device tool sets it)}"
  WORK=${GPU_RUN_WORK:-/tmp/celldesk-gpu}
fi
rm -rf "$WORK"
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/run.log") 2>&1
TEE_PID=$!

# The protocol ([Note: GPU run budget]); the rehearsal's sizes only prove the plumbing on SwiftShader.
declare -A BUDGET
if [[ $MODE == device ]]; then
  TOTAL=${GPU_RUN_TOTAL_S:-420}
  PARITY_CASES=batch3_224:1,batch3_224,odd_160x208 # the single tile is the batch's first ([Note: device carry])
  MASK_EP=webgpu MASK_IMAGES='' MASK_PROCESSES=3
  SIZES=${GPU_RUN_SIZES:-full,224,448,896,1344}
  ITERATIONS=${GPU_RUN_ITERATIONS:-1} CUDA_ITERATIONS=${GPU_RUN_CUDA_ITERATIONS:-3}
  BUDGET=([unpack]=60 [facts]=60 [parity]=60 [masks]=90 [bench-synthetic]=120 [bench-cell]=80 [official-cuda]=75 [official-cpu]=70)
  # A second, shorter call fills what the first one's budgets cut: GPU_RUN_PARTS names the parts to run, and
  # GPU_RUN_OFFICIAL_{CUDA,CPU} the crops per image for official Cellpose ("cell=448,896 synthetic=896").
  for part in ${GPU_RUN_BUDGETS:-}; do BUDGET[${part%%=*}]=${part#*=}; done
else
  # SwiftShader takes minutes per 224 px tile on two cores: WebGPU runs the smallest network input and 32 px crops
  # (tiles of that size), and the masks check runs its code on the CPU provider (CI checks WebGPU's masks).
  TOTAL=${GPU_RUN_TOTAL_S:-3000}
  PARITY_CASES=odd_160x208
  MASK_EP=cpu MASK_IMAGES=np_00528,cp_075 MASK_PROCESSES=2
  SIZES=${GPU_RUN_SIZES:-32}
  ITERATIONS=1 CUDA_ITERATIONS=1
  BUDGET=([unpack]=300 [facts]=120 [parity]=1200 [masks]=600 [bench-synthetic]=600 [bench-cell]=600 [official-cuda]=60 [official-cpu]=300)
fi
RESERVE=25 # seconds kept for the history export and the report
T0=$(date +%s)
END=$((T0 + TOTAL))

RT=$WORK/runtime
DATA=$WORK/shared
NODE=$RT/bin/node
CHECKPOINT=$DATA/models/celldesk-demo/celldesk-demo.zip.pth
SIZE_MODEL=$DATA/models/celldesk-demo/celldesk-demo_size.npy
CELL_IMAGE=$DATA/images/neurips22-cellseg/cell_00028.png
SYNTHETIC_NPY=$WORK/synthetic-cells-v1.npy
export CELLDESK_HOME=$WORK/home
ONNX_CACHE=$CELLDESK_HOME/models/onnx # the CLI's own cache (appPaths), so the benchmark reuses the checks' conversion
export PYTHONUNBUFFERED=1 OUT WORK RT DATA NODE CHECKPOINT SIZE_MODEL CELL_IMAGE SYNTHETIC_NPY ONNX_CACHE MODE
export PARITY_CASES MASK_EP MASK_IMAGES MASK_PROCESSES SIZES ITERATIONS CUDA_ITERATIONS

# Runs part $1 (a function) under its budget, cut short by the run's end; logs and records how it went.
step() {
  local name=$1 fn=$2 now left budget rc start
  now=$(date +%s)
  left=$((END - now - RESERVE))
  budget=${BUDGET[$name]}
  ((budget > left)) && budget=$left
  if [[ -n ${GPU_RUN_PARTS:-} && ,$GPU_RUN_PARTS, != *,$name,* ]]; then
    echo "== $name: not asked for in this call (GPU_RUN_PARTS=$GPU_RUN_PARTS)"
    return 0
  fi
  if ((budget < 5)); then
    echo "== $name: skipped, the run's time is spent"
    printf '%s\tskipped\t0\t0\n' "$name" >>"$WORK/parts.tsv"
    return 1
  fi
  echo "== $name (at $((now - T0)) s, budget $budget s)"
  start=$(date +%s)
  # timeout signals its whole process group, so the node and python processes below get the SIGINT too.
  STEP_BUDGET=$budget timeout -k 15 -s INT "$budget" bash -c "$fn"
  rc=$?
  echo "-- $name: exit $rc after $(($(date +%s) - start)) s"
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$(($(date +%s) - start))" "$budget" >>"$WORK/parts.tsv"
  return $rc
}

untar() { # archive, folder: xz where the machine has it, else Python's lzma
  mkdir -p "$2"
  if command -v xz >/dev/null; then
    xz -dc "$1" | tar -x -C "$2"
  else
    python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
  fi
}
export -f untar

unpack() {
  set -e
  if [[ $MODE == device ]]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  untar .gpu-carry/runtime.tar.xz "$RT"
  untar .gpu-carry/data.tar.xz "$DATA"
  for planes in "$DATA"/models/celldesk-demo/*.planes "$DATA"/reference/*.planes; do
    "$NODE" bench/gpu/byteplanes.mjs join "$planes" "${planes%.planes}" && rm "$planes"
  done
  (cd "$DATA" && sha256sum --quiet -c SHA256SUMS) && echo "unpacked $(du -sh "$WORK" | cut -f1); every file matches the sha256 stage.sh recorded"
  "$NODE" "$RT/app/syntheticImageNpy.mjs" "$SYNTHETIC_NPY"
}
export -f unpack

# Vulkan: the loader's and driver's view, trying the fallbacks of the device tool's README in turn.
vulkan_probe() { # label
  VK_LOADER_DEBUG=error,warn,driver python3 bench/gpu/vulkanFacts.py >"$WORK/vulkan.json" 2>"$WORK/loader.log"
  echo "$1: $(cat "$WORK/vulkan.json")" | tee -a "$WORK/vulkan-attempts.txt"
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if d.get("devices") and "error" not in d else 1)' "$WORK/vulkan.json"
}

facts() {
  echo "machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,pci.bus_id,clocks.max.sm,power.limit --format=csv >"$WORK/nvidia-smi.txt" 2>&1 ||
      nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >"$WORK/nvidia-smi.txt" 2>&1
    cat "$WORK/nvidia-smi.txt"
    nvidia-smi
  fi
  ldconfig -p | grep -E 'libvulkan|libGLX_nvidia|libEGL_nvidia' || echo 'ldconfig knows no Vulkan loader and no NVIDIA GL/Vulkan library'
  ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>/dev/null
  export XDG_RUNTIME_DIR=$WORK/xdg
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  if [[ $MODE == rehearse ]]; then
    eval "$(npm run -s vulkan:swiftshader)"
    vulkan_probe 'SwiftShader (rehearsal)'
  else
    local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    local egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
    vulkan_probe 'system defaults' ||
      { [[ -f $icd ]] && export VK_DRIVER_FILES=$icd __EGL_VENDOR_LIBRARY_FILENAMES=$egl && vulkan_probe "VK_DRIVER_FILES=$icd"; } ||
      { export LD_LIBRARY_PATH=/usr/local/nvidia/lib64:/usr/local/nvidia/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} && vulkan_probe 'and LD_LIBRARY_PATH=/usr/local/nvidia/lib64'; } ||
      echo 'No Vulkan device: WebGPU will report why, and the CPU and official CUDA parts still run.'
  fi
  # The environment the later parts run in (they are separate processes).
  env | grep -E '^(VK_DRIVER_FILES|VK_ICD_FILENAMES|__EGL_VENDOR_LIBRARY_FILENAMES|LD_LIBRARY_PATH|XDG_RUNTIME_DIR)=' | sed 's/^/export /; s/=/="/; s/$/"/' >"$WORK/vulkan.env"
  "$NODE" "$RT/app/celldeskFacts.mjs" --out "$OUT/facts.json" --nvidia-smi "$WORK/nvidia-smi.txt" --vulkan "$WORK/vulkan.json" \
    --loader-log "$WORK/loader.log" --vulkan-attempts "$WORK/vulkan-attempts.txt"
}
export -f facts vulkan_probe

with_vulkan() { [[ -f $WORK/vulkan.env ]] && source "$WORK/vulkan.env"; }
export -f with_vulkan

parity() {
  with_vulkan
  "$NODE" "$RT/app/webgpuChecks.mjs" parity --data "$DATA" --cache "$ONNX_CACHE" --cases "$PARITY_CASES" --out "$WORK/parity.json"
}
export -f parity

masks() {
  with_vulkan
  local i pids=()
  for ((i = 0; i < MASK_PROCESSES; i++)); do
    "$NODE" "$RT/app/webgpuChecks.mjs" masks --ep "$MASK_EP" --data "$DATA" --cache "$ONNX_CACHE" --shard "$i/$MASK_PROCESSES" \
      ${MASK_IMAGES:+--images "$MASK_IMAGES"} --out "$WORK/masks-$i.json" &
    pids+=($!)
  done
  local rc=0
  for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
  return $rc
}
export -f masks

merge_checks() {
  "$NODE" "$RT/app/webgpuChecks.mjs" merge --out "$OUT/checks.json" "$WORK/parity.json" "$WORK"/masks-*.json
}

celldesk_bench() { # output file, then bench options
  with_vulkan
  local out=$1
  shift
  "$NODE" "$RT/app/celldesk.mjs" bench --model "$CHECKPOINT" --size-model "$SIZE_MODEL" --ep webgpu,cpu \
    --sizes "$SIZES" --iterations "$ITERATIONS" --json "$@" >"$out"
}
export -f celldesk_bench

official() { # device, iterations, then images as name=path=c1,c2; ends by itself 10 s inside its step's budget
  local device=$1 iterations=$2 budget=$((STEP_BUDGET - 10)) images=() spec
  shift 2
  for spec in "$@"; do
    IFS='=' read -r name path channels sizes <<<"$spec"
    sizes=${sizes:-$SIZES}
    images+=("{\"name\": \"$name\", \"path\": \"$path\", \"channels\": [$channels], \"sizes\": [\"${sizes//,/\", \"}\"]}")
  done
  local plan
  plan="{\"device\": \"$device\", \"threads\": $(nproc), \"iterations\": $iterations, \"deadline_s\": $budget,"
  plan+=" \"checkpoint\": \"$CHECKPOINT\", \"size_model\": \"$SIZE_MODEL\", \"images\": [$(IFS=,; echo "${images[*]}")]}"
  local cellpose=$DATA/third_party/cellpose-3.0.11
  PYTHONPATH=$cellpose/src:$cellpose/shims:$ROOT/bench/gpu/pyshims python3 bench/gpu/officialCellpose.py --plan "$plan" --out "$OUT/official-$device.json"
}
export -f official

has_torch() { python3 -c 'import torch' 2>/dev/null; }
cuda_ready() { python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; }

echo "CellDesk GPU run ($MODE) from $ROOT, $(date -u +%FT%TZ); protocol: sizes $SIZES, $ITERATIONS iteration(s) for CellDesk and official CPU, $CUDA_ITERATIONS for official CUDA, diameter estimation on; the run keeps within $TOTAL s ([Note: GPU run budget] in bench/gpu/run-on-device.sh)"
step unpack unpack || { echo 'Unpacking failed: nothing else can run.'; exec 1>&- 2>&-; wait "$TEE_PID"; exit 1; }
step facts facts
step parity parity
step masks masks
merge_checks
step bench-synthetic "celldesk_bench '$OUT/bench-synthetic.json'"
step bench-cell "celldesk_bench '$OUT/bench-cell_00028.json' --image '$CELL_IMAGE'"
# "synthetic=896 cell=448,full" -> the images official() takes, each with its crops (default: all of SIZES).
official_images() {
  local spec out='' name sizes
  for spec in ${1:-synthetic cell}; do
    name=${spec%%=*} sizes=''
    [[ $spec == *=* ]] && sizes="=${spec#*=}"
    case $name in
      synthetic) out+=" 'synthetic-cells-v1=$SYNTHETIC_NPY=1,2$sizes'" ;;
      cell) out+=" 'cell_00028.png=$CELL_IMAGE=0,0$sizes'" ;;
    esac
  done
  echo "$out"
}
if [[ $MODE == device ]] || cuda_ready; then
  step official-cuda "official cuda $CUDA_ITERATIONS $(official_images "${GPU_RUN_OFFICIAL_CUDA:-}")"
fi
if [[ $MODE == device ]] || has_torch; then
  step official-cpu "official cpu $ITERATIONS $(official_images "${GPU_RUN_OFFICIAL_CPU:-}")"
else
  echo '== official Cellpose: this machine has no PyTorch; only checking that the script compiles'
  python3 -m py_compile bench/gpu/officialCellpose.py bench/gpu/vulkanFacts.py bench/gpu/pyshims/natsort.py && echo 'official Cellpose script compiles'
fi
"$NODE" "$RT/app/celldesk.mjs" history export --all --out "$OUT/celldesk-history.json"
echo
"$NODE" "$RT/app/runReport.mjs" "$OUT"
echo '## Parts (name, exit status, seconds, budget)'
column -t "$WORK/parts.tsv" 2>/dev/null || cat "$WORK/parts.tsv"
echo "Total $(($(date +%s) - T0)) s of $TOTAL s. Files: $(cd "$OUT" && ls | tr '\n' ' ')"
exec 1>&- 2>&-
wait "$TEE_PID"
