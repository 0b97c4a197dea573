#!/usr/bin/python3
"""Summarises a PyTorch profiler trace (Chrome trace format) of N training steps: operator calls and time per step.

    ./dckd bench train --config configs/cpu/cbsd68_rlfn_x4_dckd.yaml --long-b 0 --profile /tmp/prof
    python3 tools/bench/trace_summary.py /tmp/prof/scratch.trace.json --steps 5 [--wall-ms 70]
    python3 tools/bench/torch_twin.py train --profile /tmp/tprof ...   (the PyTorch twin writes the same format)

Top-level calls are the operator calls the caller made (an event not nested in another one on its thread); nested
events are the kernels those calls ran. With --wall-ms (the measured ms per step), the time per step outside any
operator (the caller's own overhead: Java/JNI or Python, allocation, synchronisation waits) is wall - top-level time.
"""
import argparse
import collections
import json
import sys


def load(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    return [e for e in events if e.get("ph") == "X" and "dur" in e]


def top_level(events):
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    out = []
    for evs in by_thread.values():
        evs.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        end = -1.0
        for e in evs:
            ts, dur = float(e["ts"]), float(e["dur"])
            if ts >= end:
                out.append(e)
                end = ts + dur
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("--steps", type=int, required=True, help="steps recorded in the trace")
    ap.add_argument("--wall-ms", type=float, help="measured wall ms per step")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--json", help="also write the summary as JSON")
    a = ap.parse_args()
    events = load(a.trace)
    tops = top_level(events)
    per_name = collections.Counter()
    time_name = collections.Counter()
    for e in tops:
        per_name[e["name"]] += 1
        time_name[e["name"]] += float(e["dur"])
    op_ms = sum(time_name.values()) / 1000 / a.steps
    summary = {
        "trace": a.trace, "steps": a.steps,
        "top_level_calls_per_step": len(tops) / a.steps,
        "all_events_per_step": len(events) / a.steps,
        "top_level_ms_per_step": op_ms,
        "top": [{"name": n, "calls_per_step": per_name[n] / a.steps, "ms_per_step": t / 1000 / a.steps}
                for n, t in time_name.most_common(a.top)],
        "most_called": [{"name": n, "calls_per_step": c / a.steps} for n, c in per_name.most_common(a.top)],
    }
    if a.wall_ms is not None:
        summary["wall_ms_per_step"] = a.wall_ms
        summary["outside_operators_ms_per_step"] = a.wall_ms - op_ms
    print(f"{a.trace}: {summary['top_level_calls_per_step']:.0f} operator calls per step "
          f"({summary['all_events_per_step']:.0f} events with nested kernels), {op_ms:.1f} ms in them per step"
          + (f", {a.wall_ms - op_ms:.1f} ms of {a.wall_ms:.1f} outside" if a.wall_ms is not None else ""))
    print("  most time:   " + ", ".join(f"{t['name']} {t['ms_per_step']:.1f} ms ({t['calls_per_step']:.0f}x)"
                                        for t in summary["top"][:8]))
    print("  most called: " + ", ".join(f"{t['name']} {t['calls_per_step']:.0f}x" for t in summary["most_called"][:8]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
