#!/bin/bash
# (measured 2026-12-06 06:00 UTC with the launcher of f2e15f4, which left OMP_WAIT_POLICY unset; "default" below = OMP_WAIT_POLICY=default, which the launcher now turns into unset)
# As run.sh, with libgomp's spin count limited (GOMP_SPINCOUNT; libgomp's default with the policy unset is 300000).
cd "$(dirname "$0")/../../../.."
contend=${CONTEND:-1}
if [ "$contend" = 1 ]; then yes > /dev/null & y1=$!; yes > /dev/null & y2=$!; trap 'kill $y1 $y2' EXIT; fi
for i in ${PAIRS:-1}; do
  for setting in default PASSIVE GOMP_SPINCOUNT=10000; do
    env_extra=(OMP_WAIT_POLICY=default); [ $setting = PASSIVE ] && env_extra=(OMP_WAIT_POLICY=PASSIVE); [[ $setting == GOMP* ]] && env_extra=(OMP_WAIT_POLICY=default $setting)
    line=$(env "${env_extra[@]}" DCKD_THREADS=2 OMP_NUM_THREADS=2 ./dckd bench train --config configs/cpu/cbsd68_rlfn_x4_dckd.yaml \
      --variants scratch,logits --warmup 3 --steps 20 --long-b 0 2>/dev/null | grep -E '^(scratch|logits) ' | awk '{print $1"="$2}' | tr '\n' ' ')
    echo "contention=$contend pair $i $setting: $line (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
