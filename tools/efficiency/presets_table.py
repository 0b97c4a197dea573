#!/usr/bin/env python3
"""Profiles presets with `./dckd profile` and prints the Markdown table of docs/efficiency.md.

Usage (from the repository root):
    python3 tools/efficiency/presets_table.py --out /tmp/efficiency [--scale 4] [--size 256|HxW] [--threads 2]
        [--models a,b,...] [--rounds N] [--ratio-to PRESET] [--json FILE]

Each profile runs in its own process (`DCKD_THREADS=N ./dckd profile --model P --scale S --size Z --json ...`), one
after another. With --rounds N the whole list is profiled N times, alternating the models (round 1: a, b, c; round 2:
a, b, c; ...), so that a change of the machine's load hits every model alike; the table gives the median over the
rounds of each model's runtime (itself the best of the command's --runs), and with --ratio-to the median over the
rounds of the per-round ratio runtime(model) / runtime(PRESET). The JSON reports stay in --out; --json writes every
round's runtimes and ratios. Runtimes are whatever this machine gives at that moment: stop other jobs first.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from side_by_side import cpu_model  # noqa: E402  (the machine line of docs/performance.md as well)


def presets(root):
    out = subprocess.run([os.path.join(root, "dckd"), "presets"], check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder for the per-preset JSON reports (created)")
    ap.add_argument("--scale", type=int, default=4)
    ap.add_argument("--size", default="256", help="a side (256) or HEIGHTxWIDTH (180x320)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", help="comma-separated presets (default: all of './dckd presets')")
    ap.add_argument("--rounds", type=int, default=1, help="profile the whole list this many times, alternated")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per profile, the fastest counts")
    ap.add_argument("--ratio-to", help="a preset of --models: report each runtime as a ratio to it, per round")
    ap.add_argument("--json", help="write the rounds' runtimes and ratios here")
    args = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    os.makedirs(args.out, exist_ok=True)
    models = args.models.split(",") if args.models else presets(root)
    if args.ratio_to and args.ratio_to not in models:
        ap.error(f"--ratio-to {args.ratio_to} is not one of --models")
    env = dict(os.environ, DCKD_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
    reports = {}
    runtimes = {m: [] for m in models}
    for r in range(args.rounds):
        for m in models:
            path = os.path.join(args.out, f"{m}_x{args.scale}_{args.size}_r{r + 1}.json")
            cmd = [os.path.join(root, "dckd"), "profile", "--model", m, "--scale", str(args.scale), "--size",
                   args.size, "--runs", str(args.runs), "--json", path, "--force"]
            print(f"round {r + 1}/{args.rounds}:", " ".join(cmd[1:]), file=sys.stderr, flush=True)
            subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)
            with open(path) as f:
                rep = json.load(f)
            reports[m] = rep
            runtimes[m].append(rep["runtime"]["ave_runtime_ms"])
    ratios = {}
    if args.ratio_to:
        ref = runtimes[args.ratio_to]
        ratios = {m: [t / ref[i] for i, t in enumerate(runtimes[m])] for m in models}
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    machine = (f"{cpu_model()}, {os.cpu_count()} logical CPUs, {args.threads} torch threads; load average after "
               f"the runs {' '.join(load)}")
    first = reports[models[0]]["input"]
    print(f"Machine: {machine}. x{args.scale}, input 1x3x{first[2]}x{first[3]}; runtime: median over {args.rounds} "
          f"alternated round(s) of the best of {args.runs} runs.\n")
    ratio_head = f" | runtime / {args.ratio_to}" if args.ratio_to else ""
    print("| preset | params | FLOPs [G] (NTIRE 2022) | fvcore-eq. [G] | activations [M] | #conv "
          f"| CPU runtime [ms] | peak RSS [MB]{ratio_head} |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.ratio_to else ""))
    for m in models:
        r = reports[m]
        mem = r["runtime"]["peak_memory"]["mb"]
        ratio = f" | {statistics.median(ratios[m]):.3f}" if args.ratio_to else ""
        print(f"| {r['model']} | {r['params']:,} | {r['flops'] / 1e9:.4f} | {r['fvcore_equivalent_flops'] / 1e9:.4f} "
              f"| {r['activations'] / 1e6:.4f} | {r['num_conv']} | {statistics.median(runtimes[m]):.0f} "
              f"| {mem:.0f}{ratio} |")
    if args.json:
        summary = {
            "machine": machine, "scale": args.scale, "input": first, "threads": args.threads,
            "rounds": args.rounds, "runs_per_profile": args.runs, "ratio_to": args.ratio_to,
            "command": " ".join(sys.argv),
            "models": {m: {"params": reports[m]["params"], "flops": reports[m]["flops"],
                           "fvcore_equivalent_flops": reports[m]["fvcore_equivalent_flops"],
                           "activations": reports[m]["activations"], "num_conv": reports[m]["num_conv"],
                           "matmul_macs": reports[m].get("matmul_macs"),
                           "runtime_ms_per_round": runtimes[m],
                           "runtime_ms_median": statistics.median(runtimes[m]),
                           "peak_rss_mb_last_round": reports[m]["runtime"]["peak_memory"]["mb"],
                           **({"ratio_per_round": ratios[m], "ratio_median": statistics.median(ratios[m])}
                              if args.ratio_to else {})}
                       for m in models},
        }
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
        print(f"\nwrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
