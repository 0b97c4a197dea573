#!/bin/bash
# training with the data loader running (2 workers), 60 iterations, per OMP_WAIT_POLICY; alternated twice
cd /work/main
target=dckd-examples/target
jar="$(ls $target/dckd-examples-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)"
for i in 1 2; do
  for policy in PASSIVE unset ACTIVE; do
    out=/tmp/ab/omp_run_${policy}_$i; rm -rf $out
    if [ $policy = unset ]; then envset=(env -u OMP_WAIT_POLICY); else envset=(env OMP_WAIT_POLICY=$policy); fi
    start=$(date +%s.%N)
    "${envset[@]}" DJL_OFFLINE=true java -Xmx8g --enable-native-access=ALL-UNNAMED -Dai.djl.pytorch.num_threads=2 -Dai.djl.offline=true \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar:$target/lib/*" org.dckd.cli.DckdCli distill \
      --config configs/cpu/cbsd68_rlfn_x4_dckd.yaml --out $out --set train.iterations=80 --set train.val_every=1000 \
      --set train.save_every=1000 --set train.log_every=20 > /tmp/ab/omp_${policy}_$i.log 2>&1
    end=$(date +%s.%N)
    echo "$policy $i wall $(echo "$end - $start" | bc) train $(python3 -c "import json;print(json.load(open('$out/results.json'))['training_seconds'])")"
  done
done
