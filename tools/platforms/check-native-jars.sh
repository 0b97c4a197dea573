#!/usr/bin/env bash
# Resolves, from Maven Central, the libtorch CPU jar of every platform the parent POM selects a profile for, and checks
# that each jar is the native library of the platform its classifier names (pytorch.properties inside) and that the
# pytorch-jni jar carries the JNI library for it. Prints one line per platform; exits 1 if any is missing.
#   tools/platforms/check-native-jars.sh            (needs Maven Central; ~300 MB on the first run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -n 1; }
torch="$(prop pytorch.version)"
djl="$(prop djl.version)"
repo="$(mvn -B -q -Dstyle.color=never help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null \
  | sed 's/\x1b\[[0-9;]*m//g')"
[ -d "$repo" ] || repo="$HOME/.m2/repository"
# the classifiers of the parent POM's native-* profiles
classifiers=$(grep -o 'native-[a-z0-9_-]*</id>' pom.xml | sed 's:native-::; s:</id>::')
mvn -B -ntp -q -Dstyle.color=never dependency:get -Dartifact="ai.djl.pytorch:pytorch-jni:$torch-$djl" -Dtransitive=false
jni="$repo/ai/djl/pytorch/pytorch-jni/$torch-$djl/pytorch-jni-$torch-$djl.jar"
status=0
for c in $classifiers; do
  if mvn -B -ntp -q -Dstyle.color=never dependency:get -Dartifact="ai.djl.pytorch:pytorch-native-cpu:$torch:jar:$c" -Dtransitive=false; then
    jar="$repo/ai/djl/pytorch/pytorch-native-cpu/$torch/pytorch-native-cpu-$torch-$c.jar"
    inside="$(unzip -p "$jar" native/lib/pytorch.properties | tr '\n' ' ')"
    case "$inside" in *"classifier=$c"*) ok=yes ;; *) ok=no ;; esac
    jnilib="$(unzip -l "$jni" | awk '{print $4}' | grep "^jnilib/$c/cpu/" | head -n 1 || true)"
    printf '%-14s ai.djl.pytorch:pytorch-native-cpu:%s:%s  %6s MB  %s  jni: %s\n' "$c" "$torch" "$c" \
      "$(( $(stat -c %s "$jar") / 1000000 ))" "$([ $ok = yes ] && echo "classifier ok" || echo "CLASSIFIER MISMATCH: $inside")" \
      "${jnilib:-MISSING}"
    [ "$ok" = yes ] && [ -n "$jnilib" ] || status=1
  else
    echo "$c: NOT on Maven Central"; status=1
  fi
done
exit $status
