#!/bin/bash
# (measured 2026-12-06 06:00 UTC with the launcher of f2e15f4, which left OMP_WAIT_POLICY unset; "default" below = OMP_WAIT_POLICY=default, which the launcher now turns into unset)
# OpenMP wait policy under CPU contention: two busy loops compete with the 2-thread bench for the 2 cores.
# Alternates OpenMP's default policy (unset) and PASSIVE; scratch and Logits KD steps, 20 measured steps each.
cd "$(dirname "$0")/../../../.."
yes > /dev/null & y1=$!
yes > /dev/null & y2=$!
trap 'kill $y1 $y2' EXIT
for i in 1 2; do
  for policy in default PASSIVE; do
    env_policy=(OMP_WAIT_POLICY=default); [ $policy = PASSIVE ] && env_policy=(OMP_WAIT_POLICY=PASSIVE)
    line=$(env "${env_policy[@]}" DCKD_THREADS=2 OMP_NUM_THREADS=2 ./dckd bench train --config configs/cpu/cbsd68_rlfn_x4_dckd.yaml \
      --variants scratch,logits --warmup 3 --steps 20 --long-b 0 2>/dev/null | grep -E '^(scratch|logits) ' | awk '{print $1"="$2}' | tr '\n' ' ')
    echo "pair $i policy $policy: $line (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
