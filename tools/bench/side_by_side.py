#!/usr/bin/env python3
"""Runs the Java bench and its PyTorch eager twin alternately (A B A B ...) and writes one JSON with every run.

  python3 tools/bench/side_by_side.py --pairs 3 --threads 2 --json tools/bench/results/side_by_side.json

A = `./dckd bench train` (scratch, logits, config = DCKD, fakd; --long-b 0) then `./dckd bench infer`;
B = `tools/bench/torch_twin.py train` then `tools/bench/torch_twin.py infer`, with the same thread count and OpenMP
settings on both sides: OMP_NUM_THREADS=N and OMP_WAIT_POLICY (default PASSIVE, what the ./dckd launcher sets) for
both processes, DCKD_THREADS=N (the launcher's -Dai.djl.pytorch.num_threads) for Java, torch.set_num_threads(N) for
PyTorch. The launcher is built once before the first measurement (./dckd --help), so no build is timed.

The JSON holds the machine (CPU model, cores, load averages before and after), the versions, the exact commands and
environment, every run's medians and p90s, and for each training variant and inference case the per-pair ratios
java / torch of the medians and the median of those ratios. A Markdown table of the result goes to standard output.
Tools only: Python 3 with Debian's python3-torch and numpy; no test needs it. See docs/performance.md.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
# the Java JSON calls the config's losses 'config'; the report calls that variant 'dckd' (the shipped config's losses)
VARIANT_NAMES = {"scratch": "scratch", "logits": "logits", "config": "dckd", "fakd": "fakd"}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine():
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:
        available = os.cpu_count()
    return {"cpu_model": cpu_model(), "logical_cpus": os.cpu_count(), "cpus_available": available,
            "platform": platform.platform(), "load_average_before": list(os.getloadavg())}


def tool_version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


def run(cmd, env_extra, log):
    env = dict(os.environ)
    env.update(env_extra)
    if env.get("OMP_WAIT_POLICY") == "default" and cmd[0] != "./dckd":
        del env["OMP_WAIT_POLICY"]   # libgomp's own policy (the launcher does the same for Java)
    shown = " ".join("%s=%s" % kv for kv in sorted(env_extra.items())) + " " + " ".join(shlex.quote(c) for c in cmd)
    print("$ " + shown, file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    log.write("$ %s\n%s\n%s\n" % (shown, r.stdout, r.stderr))
    log.flush()
    if r.returncode != 0:
        sys.exit("side_by_side: command failed with status %d: %s\n%s" % (r.returncode, shown, r.stderr[-4000:]))
    return shown


def read(path):
    with open(path) as f:
        return json.load(f)


def summarize(pairs, section, names):
    """{case: {java_ms: [...], torch_ms: [...], ratios: [...], median_ratio, ...}} from the pairs' JSON."""
    out = {}
    for java_key, name in names.items():
        java = [p["java"][section][java_key]["median_ms"] for p in pairs if java_key in p["java"][section]]
        twin_key = java_key
        torch = [p["torch"][section][twin_key]["median_ms"] for p in pairs if twin_key in p["torch"][section]]
        if len(java) != len(pairs) or len(torch) != len(pairs):
            continue
        ratios = [j / t for j, t in zip(java, torch)]
        out[name] = {"java_median_ms": java, "torch_median_ms": torch, "ratios_java_over_torch": ratios,
                     "median_ratio": statistics.median(ratios), "java_ms_median_of_runs": statistics.median(java),
                     "torch_ms_median_of_runs": statistics.median(torch)}
    return out


def table(result):
    lines = ["| case | Java ms (median of runs) | PyTorch ms | ratio java/torch per pair | median ratio |",
             "|---|---|---|---|---|"]
    for section in ("train", "infer"):
        for name, s in result.get(section, {}).items():
            lines.append("| %s %s | %.1f | %.1f | %s | **%.2f** |" % (
                section, name, s["java_ms_median_of_runs"], s["torch_ms_median_of_runs"],
                ", ".join("%.2f" % r for r in s["ratios_java_over_torch"]), s["median_ratio"]))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pairs", type=int, default=3, help="A B pairs (default 3, at least 1)")
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads on both sides (default 2)")
    ap.add_argument("--omp-wait-policy", default="PASSIVE", choices=["PASSIVE", "ACTIVE", "default"],
                    help="OMP_WAIT_POLICY on both sides (default PASSIVE, what the ./dckd launcher sets unless told; "
                    "'default': libgomp's own policy, unset on both sides)")
    ap.add_argument("--config", default="configs/cpu/cbsd68_rlfn_x4_dckd.yaml", help="the bench train config")
    ap.add_argument("--train-warmup", type=int, default=5, help="at least 4: DCKD's k-means codebook is fitted "
                    "after 4 batches (default 5)")
    ap.add_argument("--train-steps", type=int, default=30)
    ap.add_argument("--infer-warmup", type=int, default=3)
    ap.add_argument("--infer-steps", type=int, default=10)
    ap.add_argument("--models", default="rlfn,imdn", help="inference presets with a twin: rlfn, imdn, "
                    "swinir_lightweight (default rlfn,imdn)")
    ap.add_argument("--sizes", default="128,256", help="inference LR sides (default 128,256)")
    ap.add_argument("--skip-infer", action="store_true", help="measure the training steps only")
    ap.add_argument("--skip-train", action="store_true", help="measure inference only")
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable)
    ap.add_argument("--json", required=True, help="the output file")
    args = ap.parse_args(argv)
    if args.pairs < 1 or args.threads < 1:
        sys.exit("side_by_side: --pairs and --threads must be at least 1")
    if args.skip_train and args.skip_infer:
        sys.exit("side_by_side: --skip-train and --skip-infer leave nothing to measure")
    if args.train_warmup < 4:
        sys.exit("side_by_side: --train-warmup must be at least 4 (the k-means codebook is fitted at batch 4)")

    started = datetime.datetime.now(datetime.timezone.utc)
    host = machine()
    env = {"OMP_NUM_THREADS": str(args.threads)}
    env["OMP_WAIT_POLICY"] = args.omp_wait_policy  # the launcher unsets 'default'; the twin's side is unset below
    java_env = dict(env, DCKD_THREADS=str(args.threads))
    work = tempfile.mkdtemp(prefix="side_by_side_")
    log = open(os.path.join(work, "runs.log"), "w")
    run(["./dckd", "--help"], java_env, log)  # builds the launcher's jar if sources changed: never timed

    def java_train(out):
        return ["./dckd", "bench", "train", "--config", args.config, "--warmup", str(args.train_warmup),
                "--steps", str(args.train_steps), "--long-b", "0", "--json", out, "--overwrite"]

    def java_infer(out):
        return ["./dckd", "bench", "infer", "--models", args.models, "--sizes", args.sizes, "--warmup",
                str(args.infer_warmup), "--steps", str(args.infer_steps), "--json", out, "--overwrite"]

    twin = [args.python, "tools/bench/torch_twin.py"]

    def torch_train(out):
        return twin + ["train", "--threads", str(args.threads), "--warmup", str(args.train_warmup), "--steps",
                       str(args.train_steps), "--json", out]

    def torch_infer(out):
        return twin + ["infer", "--threads", str(args.threads), "--models", args.models, "--sizes", args.sizes,
                       "--warmup", str(args.infer_warmup), "--steps", str(args.infer_steps), "--json", out]

    pairs, commands = [], {}
    for i in range(1, args.pairs + 1):
        pair = {"pair": i}
        for side, train_cmd, infer_cmd, side_env in (("java", java_train, java_infer, java_env),
                                                     ("torch", torch_train, torch_infer, env)):
            runs, meta = {}, {}
            if not args.skip_train:
                out = os.path.join(work, "%s_train_%d.json" % (side, i))
                commands["%s_train" % side] = run(train_cmd(out), side_env, log)
                meta = read(out)
                runs["train"] = meta["variants"]
            if not args.skip_infer:
                out = os.path.join(work, "%s_infer_%d.json" % (side, i))
                commands["%s_infer" % side] = run(infer_cmd(out), side_env, log)
                infer_meta = read(out)
                runs["infer"] = infer_meta["cases"]
                meta = meta or infer_meta
            if side == "torch":  # the twin's versions and BLAS, and the teacher weights of its training run
                pair["torch_version"] = meta["torch_version"]
                pair["teacher_weights"] = meta.get("teacher_weights")
                pair["torch_blas"] = meta.get("blas")
            pair[side] = runs
        pairs.append(pair)

    result = {
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": dict(host, load_average_after=list(os.getloadavg())),
        "threads": args.threads, "omp_wait_policy": args.omp_wait_policy,
        "java_version": tool_version(["java", "-version"]),
        "torch_version": pairs[0].get("torch_version"),
        "teacher_weights_torch": pairs[0].get("teacher_weights"),
        "torch_blas": pairs[0].get("torch_blas"),
        "harness": " ".join(shlex.quote(a) for a in [args.python, "tools/bench/side_by_side.py"]
                            + (argv if argv is not None else sys.argv[1:])),
        "commands": commands,
        "order": "per pair: java train, java infer, torch train, torch infer",
        "variants": {"scratch": "L1", "logits": "L1 + L1(teacher)",
                     "dckd": "the config's losses: L1 + L1(teacher) + DCR (5 negatives) + DMM (64 codes)",
                     "fakd": "0.5 L1 + 0.5 L1(teacher) + 10 FAKD (student block_1, block_2 vs teacher block_2, block_4)"},
        "pairs": pairs,
    }
    if not args.skip_train:
        result["train"] = summarize(pairs, "train", VARIANT_NAMES)
    if not args.skip_infer:
        cases = list(pairs[0]["java"]["infer"].keys())
        result["infer"] = summarize(pairs, "infer", {c: c for c in cases})
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json + ".tmp", "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    os.replace(args.json + ".tmp", args.json)
    print(table(result))
    print("wrote %s (run logs: %s)" % (args.json, log.name), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
