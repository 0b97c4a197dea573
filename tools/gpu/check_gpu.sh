#!/usr/bin/env bash
# For a person with an NVIDIA GPU (it cannot run on the project's build machines, which have none):
# trains the same 100 steps on the GPU and on the CPU, compares them within a stated tolerance, and times both.
#
#   export PYTORCH_LIBRARY_PATH=/opt/libtorch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128   # docs/dependencies.md
#   tools/gpu/check_gpu.sh [CONFIG] [STEPS]
#
# CONFIG defaults to the CPU regression config (official RLFN x4 teacher, small RLFN student, DCKD losses, CBSD68,
# validated on Set5/Set14; needs ../shared/data). Pass/fail (see docs/performance.md, "GPU"):
#   * the first step's total loss agrees within 1e-3 relative (same weights, same batch: only kernels differ);
#   * the final Set5 PSNR of the two runs agrees within 0.1 dB, the bound the CPU regression test allows between
#     kernel settings (CPU runs on different kernels differed by at most 0.032 dB after 300 steps).
# PyTorch's GPU convolutions may use TF32; with it, expect differences near the bound rather than at 1e-6.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
config="${1:-configs/cpu/cbsd68_rlfn_x4_dckd.yaml}"
steps="${2:-100}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dckd-gpu-check.XXXXXX")"
echo "dckd GPU check: $config, $steps steps, runs in $work"

# the CUDA build: no CPU native jar; the engine loads the libtorch of PYTORCH_LIBRARY_PATH
: "${PYTORCH_LIBRARY_PATH:?set PYTORCH_LIBRARY_PATH to a CUDA libtorch 2.7.1 (docs/dependencies.md, CUDA)}"
mvn -q -B -ntp -Dcuda -DskipTests package
touch dckd-examples/target/.dckd-build-stamp   # the launcher must not rebuild without -Dcuda

for device in gpu cpu; do
  start=$(date +%s.%N)
  ./dckd distill --config "$config" --device "$device" --out "$work/$device" \
      --set "train.iterations=$steps" --set "train.val_every=$steps" --set "train.save_every=$steps" \
      --set "train.log_every=1" > "$work/$device.log" 2>&1 || { cat "$work/$device.log"; exit 1; }
  end=$(date +%s.%N)
  echo "$device: $(echo "$end - $start" | bc) s wall (including start-up, k-means codebook and validation)"
done

python3 - "$work" <<'PY'
import csv, json, sys, pathlib
work = pathlib.Path(sys.argv[1])
def first_loss(run):
    with open(run / "metrics.csv") as f:
        for row in csv.DictReader(f):
            if row.get("iteration") == "1" and row.get("loss"):
                return float(row["loss"])
    raise SystemExit(f"no iteration-1 loss in {run / 'metrics.csv'}")
def psnr(run):
    r = json.loads((run / "results.json").read_text())
    return {v["set"]: v["psnr"] for v in r["final_validation"]}, r["training_seconds"]
gl, cl = first_loss(work / "gpu"), first_loss(work / "cpu")
(gp, gs), (cp, cs) = psnr(work / "gpu"), psnr(work / "cpu")
ok = abs(gl - cl) <= 1e-3 * abs(cl)
print(f"first-step loss: gpu {gl:.6f}  cpu {cl:.6f}  rel diff {abs(gl - cl) / abs(cl):.2e}  (<= 1e-3: {ok})")
for s in cp:
    d = gp[s] - cp[s]
    good = abs(d) <= 0.1
    ok = ok and (good or "Set5" not in s)
    print(f"{s}: gpu {gp[s]:.4f} dB  cpu {cp[s]:.4f} dB  diff {d:+.4f} dB  (<= 0.1: {good})")
print(f"training time: gpu {gs:.1f} s  cpu {cs:.1f} s  ratio cpu/gpu {cs / gs:.2f}")
sys.exit(0 if ok else 1)
PY
