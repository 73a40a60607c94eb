#!/usr/bin/env python3
"""report.py OUT_DIR — turn run_all.sh's raw measurements into benchmarks.md and steps_per_second.png.

Reads OUT_DIR/raw.txt (key=value lines from the peer_* programs), machine.txt and, when present, alloc.txt (the
output of tools/bench_alloc). Takes medians over the runs, prints the table, checks that the engines simulate the
same problem (exit 1 if not) and draws the chart with gnuplot when it is installed. Python 3 standard library only.
"""
import os
import shutil
import statistics
import subprocess
import sys

ENGINES = [("worldrunner", "worldrunner"), ("mujoco", "MuJoCo"), ("dart", "DART"), ("dart-fcl", "DART (FCL)"),
           ("ode", "ODE")]
SCENES = ["chain:16", "boxes:64", "humanoid", "mjcf:humanoid", "mjcf:humanoid100"]

# Sanity tolerances (metres). chain:16: tip height after 0.5 s, against the reference engine (worldrunner when
# built, else MuJoCo): the generalized-coordinate engines agree to 1e-6 m; ODE's maximal coordinates are 0.2 mm off
# (3 mm without joint damping); a different damping or geometry moves the tip by centimetres.
# boxes:64: mean box centre height after 2 s against the analytic resting height, half the 0.2 m edge; soft
# contacts (MuJoCo) sink by a fraction of a millimetre.
CHAIN_TOLERANCE = 0.005
BOX_REST_HEIGHT = 0.1
BOX_TOLERANCE = 0.002

# Targets for worldrunner (issue 7), single thread on the reference machine.
TARGETS = {
    ("chain:16", "steps"): (220000, ">="), ("chain:16", "mallocs"): (0, "<="),
    ("boxes:64", "steps"): (4800, ">="), ("boxes:64", "mallocs"): (0, "<="),
    ("chain:16", "speedup"): (1.95, ">="), ("boxes:64", "speedup"): (1.95, ">="),
    ("chain:16", "cpu_speedup"): (1.95, ">="), ("boxes:64", "cpu_speedup"): (1.95, ">="),
    ("chain:16", "memory"): (256 * 1024, "<"),
    ("chain:16", "runner_mallocs"): (0, "<="), ("boxes:64", "runner_mallocs"): (0, "<="),
}


def parse_line(line):
    out = {}
    for token in line.split():
        if "=" in token:
            key, value = token.split("=", 1)
            out[key] = value
    return out


def read_machine(path):
    info, notes, versions = {}, {}, {}
    last_engine = None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("engine="):
                kv = parse_line(line)
                last_engine = kv.get("engine")
                versions[last_engine] = kv.get("version", "?")
            elif line.startswith("notes=") and last_engine:
                notes[last_engine] = line[len("notes="):]
            elif "=" in line:
                key, value = line.split("=", 1)
                info[key] = value
    if "dart" in versions:
        versions["dart-fcl"] = versions["dart"]
        notes["dart-fcl"] = notes.get("dart", "") + "; FCL collision (DART's default)"
    return info, notes, versions


def fmt_int(x):
    return f"{x:,.0f}"


def fmt_bytes(b):
    if b >= 1024 * 1024:
        return f"{b / 1048576:.1f} MiB"
    return f"{b / 1024:.0f} KiB"


def target_cell(scene, what, value):
    if (scene, what) not in TARGETS or value is None:
        return ""
    goal, op = TARGETS[(scene, what)]
    ok = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
    shown = fmt_bytes(goal) if what == "memory" else (f"{goal:,}" if isinstance(goal, int) else f"{goal}")
    if ok:
        return f"{op} {shown}: met"
    if what == "steps":
        return f"{op} {shown}: missed, {100 * (1 - value / goal):.0f}% short"
    if what in ("speedup", "cpu_speedup"):
        return f"{op} {shown}: missed by {goal - value:.2f}"
    if what == "memory":
        return f"{op} {shown}: missed by {fmt_bytes(value - goal)}"
    return f"{op} {shown}: missed ({value:g})"


def main():
    out_dir = sys.argv[1]
    info, notes, versions = read_machine(os.path.join(out_dir, "machine.txt"))
    times, counts, checks, failed, runner_counts = {}, {}, {}, [], {}
    with open(os.path.join(out_dir, "raw.txt")) as f:
        for line in f:
            kv = parse_line(line)
            key = (kv.get("engine"), kv.get("scene"))
            mode = kv.get("mode")
            if mode == "time":
                times.setdefault(key, []).append(kv)
            elif mode == "count":
                counts[key] = kv
            elif mode == "count_runner":
                runner_counts[key] = kv
            elif mode == "check":
                checks[key] = kv
            elif mode == "failed":
                failed.append(key)
    engines = [(e, name) for e, name in ENGINES if any(k[0] == e for k in list(times) + list(counts))]

    def median(key, field):
        values = [float(r[field]) for r in times.get(key, []) if field in r]
        return statistics.median(values) if values else None

    def memory(key):
        c = counts.get(key)
        if not c:
            return None, ""
        reserved = int(c.get("reserved_bytes", "0"))
        if reserved > 0:
            return reserved, "reserved"
        return int(c.get("heap_bytes_world", "0")), "heap"

    run_kv = parse_line("runs=" + info.get("runs", ""))
    threads = run_kv.get("threads", "N")
    rows = []
    header = "| scene | figure | " + " | ".join(
        f"{name} {versions.get(e, '')}".strip() for e, name in engines) + " | worldrunner target |"
    rows.append(header)
    rows.append("|---|---|" + "---:|" * len(engines) + "---|")
    summary = []
    for scene in SCENES:
        wr_steps = median(("worldrunner", scene), "steps_per_s")
        figures = [
            ("steps/s, 1 world", "steps"), (f"steps/s, {threads} worlds on {threads} threads", "rate_nt"),
            (f"speedup {threads} vs 1 thread, wall clock", "speedup"),
            (f"speedup {threads} vs 1 thread, from thread CPU time", "cpu_speedup"),
            ("heap allocations / step", "mallocs"),
            ("heap allocations / step, wr_world_runner_step_all", "runner_mallocs"),
            ("memory per world", "memory"),
        ]
        for label, what in figures:
            cells, wr_value = [], None
            for e, _ in engines:
                key = (e, scene)
                if what == "steps":
                    v = median(key, "steps_per_s")
                    cell = "" if v is None else fmt_int(v)
                    if v and wr_steps and e != "worldrunner":
                        cell += f" (wr ×{wr_steps / v:.2f})"
                elif what == "rate_nt":
                    v = median(key, "rate_nt")
                    cell = "" if v is None else fmt_int(v)
                elif what in ("speedup", "cpu_speedup"):
                    v = median(key, what)
                    cell = "" if v is None or v < 0 else f"{v:.2f}"
                elif what == "mallocs":
                    c = counts.get(key)
                    v = float(c["mallocs_per_step"]) if c else None
                    cell = "" if v is None else (f"{v:,.0f}" if v >= 10 or v == int(v) else f"{v:.2f}")
                elif what == "runner_mallocs":
                    c = runner_counts.get(key)
                    v = float(c["mallocs_per_step"]) if c else None
                    cell = "" if v is None else (f"{v:.0f}" if v == int(v) else f"{v:.3f}")
                else:
                    v, kind = memory(key)
                    cell = "" if v is None else f"{fmt_bytes(v)} {kind}"
                if key in failed and v is None:
                    cell = "failed"
                cells.append(cell or "–")
                if e == "worldrunner":
                    wr_value = v
            target = target_cell(scene, what, wr_value)
            if target:
                summary.append(f"{scene} {label}: {target}")
            rows.append(f"| {scene} | {label} | " + " | ".join(cells) + f" | {target} |")

    # sanity check
    check_lines, check_ok = [], True
    ref = "worldrunner" if ("worldrunner", "chain:16") in checks else "mujoco"
    ref_tip = float(checks[(ref, "chain:16")]["probe"]) if (ref, "chain:16") in checks else None
    for e, name in engines:
        if e == "dart-fcl":
            continue
        parts = []
        c = checks.get((e, "chain:16"))
        if c and ref_tip is not None:
            tip = float(c["probe"])
            ok = abs(tip - ref_tip) <= CHAIN_TOLERANCE
            check_ok &= ok
            parts.append(f"chain tip z(0.5 s) = {tip:.4f} m ({'ok' if ok else 'DISAGREES'}, {tip - ref_tip:+.4f})")
        c = checks.get((e, "boxes:64"))
        if c:
            z = float(c["probe"])
            ok = abs(z - BOX_REST_HEIGHT) <= BOX_TOLERANCE
            check_ok &= ok
            parts.append(f"boxes mean z(2 s) = {z:.4f} m ({'ok' if ok else 'DISAGREES'})")
        c = checks.get((e, "humanoid"))
        if c:
            parts.append(f"pelvis z(1 s) = {float(c['probe']):.3f} m (not checked)")
        if not parts:
            check_ok = False
        check_lines.append(f"- {name}: " + "; ".join(parts))
    for scene in ("chain:16", "boxes:64"):
        for e, _ in engines:
            if e != "dart-fcl" and (e, scene) not in checks:
                check_ok = False
                check_lines.append(f"- {e} {scene}: no sanity figure (run failed)")

    md = []
    md.append(f"Measured {info.get('date', '?')} on {info.get('cpu', '?')} ({info.get('cores', '?')} cores), "
              f"{info.get('kernel', '?')}, {info.get('compiler', '?')}, {info.get('build_type', '?')} build, "
              f"worldrunner git {info.get('git', '?')}. {run_kv.get('runs', '?')} run(s) of "
              f"{run_kv.get('seconds', '?')} s per figure: medians of the runs, engines interleaved run by run. Load average at start / end: {info.get('load_start', '?')} / "
              f"{info.get('load_end', '?')} (timings on a shared machine are noisy; compare within one table).")
    md.append("")
    md.append("`(wr ×R)`: worldrunner's steps/s divided by that engine's (R > 1: worldrunner is faster). Memory: "
              "bytes the engine reserves by its own account (worldrunner: its memory manager's chunks; MuJoCo: "
              "mjModel + mjData buffers and stack), else heap bytes outstanding after build and warm-up (shim). Speedup "
              "from thread CPU time: the sum over threads of steps per CPU second, divided by the one-thread figure, "
              "i.e. the speedup if every thread had a core to itself; it shows contention between the worlds (shared "
              "cache, memory bandwidth, locks) but not the machine's other load, which the wall-clock figure does.")
    md.append("")
    md.extend(rows)
    md.append("")
    md.append(f"Sanity check (same problem in every engine; chain tip within {CHAIN_TOLERANCE * 1000:.0f} mm of "
              f"{ref}, boxes at rest at {BOX_REST_HEIGHT} m within {BOX_TOLERANCE * 1000:.0f} mm): "
              f"{'passed' if check_ok else 'FAILED'}")
    md.append("")
    md.extend(check_lines)
    md.append("")
    md.append("Engine settings:")
    md.append("")
    for e, name in engines:
        md.append(f"- {name}: {notes.get(e, '')}")
    alloc = os.path.join(out_dir, "alloc.txt")
    if os.path.exists(alloc):
        with open(alloc) as f:
            text = f.read().rstrip()
        md.append("")
        md.append("Allocators (`tools/bench_alloc`):")
        md.append("")
        if text.lstrip().startswith("|"):
            md.append(text)
        else:
            md.append("```")
            md.append(text)
            md.append("```")
    profile = os.path.join(out_dir, "profile.txt")
    if os.path.exists(profile):
        with open(profile) as f:
            md.append("")
            md.append("Where worldrunner's time goes (`run_all.sh --profile`, perf cpu-clock samples):")
            md.append("")
            md.append("```")
            md.append(f.read().rstrip())
            md.append("```")
    md.append("")
    md.append("![steps per second](steps_per_second.png)")
    report = "\n".join(md) + "\n"
    with open(os.path.join(out_dir, "benchmarks.md"), "w") as f:
        f.write(report)
    print(report)
    if summary:
        print("worldrunner against its targets:")
        for s in summary:
            print("  " + s)

    # chart: median single-world steps/s per scene and engine, log scale
    dat = os.path.join(out_dir, "steps.dat")
    with open(dat, "w") as f:
        f.write("scene " + " ".join(f'"{name}"' for _, name in engines) + "\n")
        for scene in SCENES:
            vals = [median((e, scene), "steps_per_s") for e, _ in engines]
            f.write(scene + " " + " ".join("-" if v is None else f"{v:.1f}" for v in vals) + "\n")
    if shutil.which("gnuplot"):
        png = os.path.join(out_dir, "steps_per_second.png")
        script = f"""
set terminal pngcairo size 900,480 font ",10" noenhanced
set output '{png}'
set title "Steps per second, one world, one thread (median; {info.get('date', '')}; {info.get('cpu', '')})"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [10:*]
set ylabel "steps/s (log scale)"
set grid ytics
set key top right
set datafile missing "-"
plot for [i=2:{len(engines) + 1}] '{dat}' using i:xtic(1) title columnheader(i)
"""
        subprocess.run(["gnuplot"], input=script, text=True, check=False)
    return 0 if check_ok else 1


if __name__ == "__main__":
    sys.exit(main())
