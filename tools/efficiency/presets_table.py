#!/usr/bin/env python3
"""Profiles every preset with `./dckd profile` and prints the Markdown table of docs/efficiency.md.

Usage (from the repository root):
    python3 tools/efficiency/presets_table.py --out /tmp/efficiency [--scale 4] [--size 256] [--threads 2]

Each preset runs in its own process (`DCKD_THREADS=N ./dckd profile --model P --scale S --size Z --json OUT/P.json`),
one after another; the JSON files stay in --out. Runtimes are whatever this machine gives at that moment.
"""
import argparse
import json
import os
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
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--models", help="comma-separated presets (default: all of './dckd presets')")
    args = ap.parse_args()
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    os.makedirs(args.out, exist_ok=True)
    models = args.models.split(",") if args.models else presets(root)
    env = dict(os.environ, DCKD_THREADS=str(args.threads), OMP_NUM_THREADS=str(args.threads))
    rows = []
    for m in models:
        path = os.path.join(args.out, f"{m}_x{args.scale}_{args.size}.json")
        cmd = [os.path.join(root, "dckd"), "profile", "--model", m, "--scale", str(args.scale), "--size",
               str(args.size), "--json", path, "--force"]
        print("running:", " ".join(cmd[1:]), file=sys.stderr, flush=True)
        subprocess.run(cmd, check=True, env=env, stdout=sys.stderr)
        with open(path) as f:
            rows.append(json.load(f))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print(f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs, {args.threads} torch threads; "
          f"load average after the runs {' '.join(load)}. x{args.scale}, input 1x3x{args.size}x{args.size}.\n")
    print("| preset | params | FLOPs [G] (NTIRE 2022) | fvcore-eq. [G] | activations [M] | #conv "
          "| CPU runtime [ms] | peak RSS [MB] |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        rt = r["runtime"]
        mem = rt["peak_memory"]["mb"]
        print(f"| {r['model']} | {r['params']:,} | {r['flops'] / 1e9:.4f} | {r['fvcore_equivalent_flops'] / 1e9:.4f} "
              f"| {r['activations'] / 1e6:.4f} | {r['num_conv']} | {rt['ave_runtime_ms']:.0f} "
              f"| {mem:.0f} |")


if __name__ == "__main__":
    main()
