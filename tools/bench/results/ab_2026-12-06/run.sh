#!/bin/bash
# before/after A/B of the Java training step, alternated
for i in 1 2 3; do
  for side in before main; do
    d=/work/wt-$side; [ $side = main ] && d=/work/main
    (cd $d && DCKD_THREADS=2 OMP_NUM_THREADS=2 OMP_WAIT_POLICY=${POLICY:-PASSIVE} ./dckd bench train --config configs/cpu/cbsd68_rlfn_x4_dckd.yaml --warmup 5 --steps 30 --long-b 0 --json /tmp/ab/${POLICY:-PASSIVE}_${side}_$i.json --overwrite > /tmp/ab/${POLICY:-PASSIVE}_${side}_$i.log 2>&1)
  done
done
echo done
