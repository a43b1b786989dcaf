"""Benchmark runner: certriage analyze vs ripgrep vs the plain-Python loop at several input scales."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
GNU_TIME = Path("/usr/bin/time")
MB = 1_000_000
SHARD_BYTES = 140 * MB  # one generated day, a little more than measured, for the disk check
RG_MISSING = "ripgrep not found: apt-get install ripgrep"


@dataclass
class Measure:
    """One command's wall time, CPU time and peak resident memory (best wall of the repeats)."""

    wall_s: float | None = None
    cpu_s: float | None = None
    peak_mb: float | None = None
    rc: int | None = None
    note: str = ""
    runs: list[float] = field(default_factory=list)
    stdout: bytes = field(default=b"", repr=False)


@dataclass
class ScaleResult:
    scale: int
    files: int
    input_mb: float
    lines: int
    certriage: Measure
    rg: Measure
    python: Measure
    python_fraction: float = 1.0
    python_measured_s: float | None = None
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    # bench/floor.py: the files read into Polars frames of lines, nothing parsed.
    floor: Measure = field(default_factory=Measure)


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    total = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            total += next(
                (
                    int(ln.split()[1]) * 1024
                    for ln in status.splitlines()
                    if ln.startswith("VmRSS:")
                ),
                0,
            )
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _time_command(cmd: list[str], timeout: float, max_rss: float) -> Measure:
    """Run once under GNU time (or getrusage when it is missing); killed past `max_rss` bytes."""
    timed = GNU_TIME.exists()
    with (
        tempfile.NamedTemporaryFile("r", suffix=".time") as stamp,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        wrapped = [str(GNU_TIME), "-f", "%e %U %S %M", "-o", stamp.name, *cmd] if timed else cmd
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        # Its own session, so a kill reaches the whole tree we started and nothing else.
        child = subprocess.Popen(wrapped, stdout=out, stderr=err, start_new_session=True)
        seen = 0
        killed = ""
        while child.poll() is None:
            time.sleep(0.25)
            seen = max(seen, _tree_rss(child.pid))
            elapsed = time.perf_counter() - start
            if seen > max_rss or elapsed > timeout:
                killed = (
                    f"killed after {elapsed:.0f} s: resident memory passed {max_rss / 1e9:.0f} GB"
                    if seen > max_rss
                    else f"killed after the {timeout:.0f} s timeout"
                )
                os.killpg(child.pid, 9)
                child.wait()
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        fields = stamp.read().split() if timed else []
    if killed:
        return Measure(wall_s=wall, peak_mb=seen / MB, rc=None, note=killed + " (lower bounds)")
    measure = Measure(rc=child.returncode, stdout=stdout)
    if len(fields) >= 4 and fields[-4].replace(".", "").isdigit():
        measure.wall_s = float(fields[-4])
        measure.cpu_s = float(fields[-3]) + float(fields[-2])
        measure.peak_mb = int(fields[-1]) * 1024 / MB
    else:  # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: an upper bound
        measure.wall_s = wall
        measure.cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        measure.peak_mb = max(after.ru_maxrss * 1024, seen) / MB
    measure.runs = [measure.wall_s]
    if child.returncode not in (0, 1):
        tail = stderr.decode(errors="replace").strip().splitlines()[-3:]
        measure.note = f"exit {child.returncode}: " + " | ".join(tail)
    return measure


def measure(cmd: list[str], repeat: int, timeout: float, max_rss: float = float("inf")) -> Measure:
    """Best wall time of `repeat` runs; peak memory is the largest of them."""
    best: Measure | None = None
    walls: list[float] = []
    peak = 0.0
    for _ in range(max(1, repeat)):
        one = _time_command(cmd, timeout, max_rss)
        if one.wall_s is None or one.rc is None:
            return one
        walls.append(one.wall_s)
        peak = max(peak, one.peak_mb or 0.0)
        if best is None or one.wall_s < (best.wall_s or 0.0):
            best = one
    assert best is not None
    best.runs = walls
    best.peak_mb = peak
    return best


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _warm(files: list[Path]) -> tuple[int, int]:
    """Read every file once so all tools start from a warm page cache; (uncompressed bytes, lines)."""
    import gzip

    size = lines = 0
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            while chunk := handle.read(1 << 24):
                size += len(chunk)
                lines += chunk.count(b"\n")
    return size, lines


def ensure_data(scale: int, seed: int, skip_generate: bool, data_root: Path) -> Path:
    """The generated folder for a scale, (re)generated unless it already matches scale and seed."""
    folder = data_root / f"x{scale}"
    # Beside the folder, not in it: both tools would read it as one more log file.
    manifest = data_root / f"x{scale}.manifest.json"
    wanted = {"scale": scale, "seed": seed}
    if manifest.exists() and json.loads(manifest.read_text()) == wanted:
        return folder
    if skip_generate and folder.is_dir() and _files(folder):
        return folder
    free = shutil.disk_usage(data_root if data_root.exists() else REPO).free
    if free < scale * SHARD_BYTES * 1.2:
        sys.exit(
            f"not enough disk for scale {scale}: {free / 1e9:.1f} GB free, "
            f"{scale * SHARD_BYTES * 1.2 / 1e9:.1f} GB needed"
        )
    print(f"generating scale {scale} into {folder} ...", file=sys.stderr, flush=True)
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--out",
            str(folder),
        ],
        check=True,
    )
    manifest.write_text(json.dumps(wanted))
    return folder


def certriage_bin() -> str:
    beside = Path(sys.executable).with_name("certriage")
    return str(beside) if beside.exists() else (shutil.which("certriage") or "certriage")


def run_scale(scale: int, folder: Path, patterns: Path, args: argparse.Namespace) -> ScaleResult:
    files = _files(folder)
    size, lines = _warm(files)
    load = os.getloadavg()
    print(
        f"scale {scale}: {len(files)} files, {size / MB:,.0f} MB, {lines:,} lines, "
        f"load {load[0]:.1f}",
        file=sys.stderr,
        flush=True,
    )
    cert = measure(
        [certriage_bin(), "analyze", str(folder), "--format", "json", "-o", os.devnull],
        args.repeat,
        args.timeout,
        args.max_rss_gb * 1e9,
    )
    print(
        f"  certriage {cert.wall_s} s, {cert.peak_mb} MB {cert.note}", file=sys.stderr, flush=True
    )
    if shutil.which("rg"):
        rg = measure(
            ["rg", "-c", "-z", "--no-ignore", "--hidden", "-f", str(patterns), str(folder)],
            args.repeat,
            args.timeout,
        )
        if rg.rc == 1:
            rg.note = "no line matched"
    else:
        rg = Measure(note=RG_MISSING)
        print(RG_MISSING, file=sys.stderr)
    print(f"  rg {rg.wall_s} s {rg.note}", file=sys.stderr, flush=True)
    fraction = 0.0 if args.python_mb <= 0 else min(1.0, args.python_mb * MB / size)
    py = Measure(note="skipped (--python-mb 0)")
    measured = None
    if fraction > 0:
        py = measure(
            [
                sys.executable,
                str(BENCH / "baseline.py"),
                str(folder),
                "--fraction",
                f"{fraction:.6f}",
            ],
            1,
            args.timeout,
        )
        out = json.loads(py.stdout or b"{}") if py.rc == 0 else {}
        if out:
            measured = out["seconds"]
            py.wall_s = out["extrapolated_seconds"]
            py.cpu_s = out.get("extrapolated_cpu_seconds")
            py.note = (
                f"{out['patterns_compiled']} patterns, {len(out['patterns_skipped'])} skipped"
                + (
                    ""
                    if fraction >= 1
                    else f"; measured {fraction:.2%} of each file "
                    f"({measured:.0f} s), extrapolated by bytes"
                )
            )
    print(f"  python {py.wall_s} s {py.note}", file=sys.stderr, flush=True)
    floor = measure(
        [sys.executable, str(BENCH / "floor.py"), str(folder)], args.repeat, args.timeout
    )
    print(f"  Polars floor {floor.wall_s} s", file=sys.stderr, flush=True)
    return ScaleResult(
        scale, len(files), size / MB, lines, cert, rg, py, fraction, measured, load, floor
    )


# -- reporting -------------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _git_head() -> str:
    """The commit measured, and whether the working tree differed from it."""
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "analyzer", "rules"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{head or 'unknown'}{' + uncommitted changes in analyzer/ or rules/' if dirty else ''}"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def _x(a: float | None, b: float | None) -> str:
    ratio = _ratio(a, b)
    return "n/a" if ratio is None else f"{ratio:,.1f}x"


def _machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        pass
    import polars as pl

    rg = (
        subprocess.run(
            ["rg", "--version"], capture_output=True, text=True, check=False
        ).stdout.split("\n")[0]
        if shutil.which("rg")
        else RG_MISSING
    )
    return {
        "cores": str(os.cpu_count()),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "polars": pl.__version__,
        "ripgrep": rg,
    }


def _judge(value: float | None, ok: bool, killed: bool) -> str:
    """Met or not; a killed run gives bounds, so only a failure is certain then."""
    if value is None:
        return "n/a"
    if killed:
        return "unknown (run killed)" if ok else "NOT met (bound from a killed run)"
    return "met" if ok else "NOT met"


def verdicts(results: list[ScaleResult]) -> list[tuple[str, str, str]]:
    """(target, measured, met?) for the targets of issue 7."""
    out: list[tuple[str, str, str]] = []
    for r in results:
        killed = r.certriage.rc is None
        ratio = _ratio(r.certriage.wall_s, r.rg.wall_s)
        target = f"{r.scale}x: certriage within 3x of ripgrep"
        out.append((target, f"{_f(ratio)}x", _judge(ratio, (ratio or 0) <= 3, killed)))
        ratio = _ratio(r.python.wall_s, r.certriage.wall_s)
        target = f"{r.scale}x: >= 100x faster than the Python loop"
        out.append((target, f"{_f(ratio)}x", _judge(ratio, (ratio or 0) >= 100, killed)))
    base = results[0]
    for r in results[1:]:
        killed = r.certriage.rc is None or base.certriage.rc is None
        growth = _ratio(r.certriage.wall_s, base.certriage.wall_s)
        inputs = r.input_mb / base.input_mb
        limit = inputs * 18 / 16
        target = f"{base.scale}x to {r.scale}x: time grows <= {limit:.1f}x (input {inputs:.1f}x)"
        out.append((target, f"{_f(growth)}x", _judge(growth, (growth or 0) <= limit, killed)))
    top = results[-1]
    killed = top.certriage.rc is None
    peak = top.certriage.peak_mb
    target = f"{top.scale}x: peak memory <= 1 GB"
    out.append((target, f"{_f(peak, 0)} MB", _judge(peak, (peak or 0) <= 1000, killed)))
    if len(results) > 1:
        mem = _ratio(peak, base.certriage.peak_mb)
        inputs = top.input_mb / base.input_mb
        target = (
            f"{base.scale}x to {top.scale}x: memory grows clearly less than input ({inputs:.1f}x)"
        )
        out.append((target, f"{_f(mem)}x", _judge(mem, (mem or 0) <= inputs / 2, killed)))
    return out


def render(
    results: list[ScaleResult],
    command: str,
    machine: dict[str, str],
    started: datetime,
    pack: dict[str, object] | None = None,
    git: str | None = None,
) -> str:
    pack = pack or {}
    excluded = pack.get("excluded") or []
    assert isinstance(excluded, list)
    lines = [
        "# Benchmark results",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine['cores']} cores ({machine['cpu']}), "
        f"{machine['memory']} RAM, {machine['os']}; Python {machine['python']}, Polars "
        f"{machine['polars']}, {machine['ripgrep']}.",
        "",
        "Reproduce:",
        "",
        "```",
        command,
        "```",
        "",
        "Wall time is the best of the repeats; CPU is user + system; memory is the peak resident set "
        "(GNU time). ripgrep counts the lines matching any regex of the rule pack (`rg -c -z -f`), the "
        "floor: reading and matching, no parsing. The Python loop applies every regex to every line "
        "with `re`; above its byte budget it runs on the first part of each file and is extrapolated "
        "by bytes.",
        "",
        f"Rule pack: {pack.get('rules', '?')} rules, {pack.get('patterns', '?')} distinct regexes "
        f"searched by rg and Python ({len(excluded)} field-shape regexes left out: anchored on a "
        "short field, or matching any text; see `bench/README.md`). certriage is git "
        f"{git or _git_head()}.",
        "",
        "Ratios are of wall times, CPU-time ratios in parentheses (steadier on a busy machine).",
        "",
        "The Polars floor (`bench/floor.py`) reads the same files into frames of lines and stops "
        "there: the least any reader built on Polars takes, before parsing a field.",
        "",
        "| scale | input | lines | certriage wall | certriage CPU | certriage peak | rg wall | "
        "rg CPU | Polars floor wall | Python loop wall (CPU) | certriage / rg | floor / rg | "
        "Python / certriage | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        c, g, p, f = r.certriage, r.rg, r.python, r.floor
        extrap = "" if r.python_fraction >= 1 else " extrap."
        at_least = "≥ " if c.rc is None and c.wall_s is not None else ""  # killed: lower bounds
        lines.append(
            f"| {r.scale}x | {r.input_mb:,.0f} MB ({r.files} files) | {r.lines:,} | "
            f"{at_least}{_f(c.wall_s)} s | {_f(c.cpu_s)} s | {at_least}{_f(c.peak_mb, 0)} MB | "
            f"{_f(g.wall_s, 2)} s | {_f(g.cpu_s, 2)} s | {_seconds(f.wall_s)} | "
            f"{_f(p.wall_s, 0)} ({_f(p.cpu_s, 0)}) s{extrap} | "
            f"{_x(c.wall_s, g.wall_s)} ({_x(c.cpu_s, g.cpu_s)}) | {_x(f.wall_s, g.wall_s)} | "
            f"{_x(p.wall_s, c.wall_s)} ({_x(p.cpu_s, c.cpu_s)}) | {r.load_before[0]:.1f} |"
        )
    base = results[0]
    if len(results) > 1:
        lines += [
            "",
            f"Growth relative to {base.scale}x:",
            "",
            "| scale | input | certriage time | certriage peak memory | rg time |",
            "|---:|---:|---:|---:|---:|",
        ]
        for r in results:
            lines.append(
                f"| {r.scale}x | {r.input_mb / base.input_mb:.1f}x | "
                f"{_f(_ratio(r.certriage.wall_s, base.certriage.wall_s))}x | "
                f"{_f(_ratio(r.certriage.peak_mb, base.certriage.peak_mb))}x | "
                f"{_f(_ratio(r.rg.wall_s, base.rg.wall_s))}x |"
            )
    lines += ["", "## Targets (issue 7)", "", "| target | measured | |", "|---|---:|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in verdicts(results)]
    lines += [
        "",
        "Where the time and the memory go, and what stands in the way of the targets not met: "
        "`bench/README.md`, section *What stands in the way*.",
    ]
    notes = [
        f"- {r.scale}x {name}: {m.note}"
        for r in results
        for name, m in (("certriage", r.certriage), ("rg", r.rg), ("python", r.python))
        if m.note
    ]
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines) + "\n"


# -- where the time goes ---------------------------------------------------------------------------

# (module, function name, stage): wrapped in place, so the pipeline's own calls are timed.
STAGES: tuple[tuple[str, str, str], ...] = (
    ("analyzer.pipeline", "load_ruleset", "rules: load + validate pack"),
    ("analyzer.pipeline", "read_logs", "read: total"),
    ("analyzer.readers.intake", "discover", "read: discover"),
    ("analyzer.readers.intake", "load", "read: load bytes (gunzip)"),
    ("analyzer.readers.intake", "decode", "read: decode"),
    ("analyzer.readers.intake", "sniff_format", "read: sniff"),
    ("analyzer.readers.intake", "parse_text", "read: parse text"),
    ("analyzer.readers.intake", "parse_jsonl", "read: parse JSONL"),
    ("analyzer.readers.intake", "parse_delimited", "read: parse CSV"),
    ("analyzer.readers.intake", "normalise", "read: normalise to schema"),
    ("analyzer.readers.intake", "count_lines", "read: count lines"),
    ("analyzer.readers.intake", "unknown_statuses", "read: unknown statuses"),
    ("analyzer.pipeline", "slim", "read: slim each file"),
    ("analyzer.pipeline", "evaluate", "rules: evaluate (engine)"),
    ("analyzer.pipeline", "triage", "triage: total"),
    ("analyzer.correlate", "with_order_key", "triage: order key"),
    ("analyzer.correlate", "build_orders", "triage: build orders"),
    ("analyzer.correlate", "eligible_orders", "triage: eligible orders"),
    ("analyzer.correlate", "candidates", "triage: link candidates"),
    ("analyzer.correlate", "decoded_candidates", "triage: decoded candidates"),
    ("analyzer.correlate", "effective_findings", "triage: effective findings"),
    ("analyzer.correlate", "decide", "triage: decide verdicts"),
    ("analyzer.correlate", "connector_health", "triage: connector health"),
    ("analyzer.pipeline", "cluster_unknowns", "triage: cluster unknowns"),
    ("analyzer.pipeline", "_security", "report: private-key scan"),
    ("analyzer.pipeline", "assemble", "report: assemble + redact Report"),
)


def profile(folder: Path, top: int = 25) -> str:
    """Run the pipeline in-process with every stage timed and cProfile on; a Markdown section."""
    import cProfile
    import importlib
    import io
    import pstats
    from collections import defaultdict
    from collections.abc import Callable
    from typing import Any

    start = time.perf_counter()
    from analyzer import pipeline
    from analyzer.report import OutputFormat, render

    imported = time.perf_counter() - start
    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    peak_after: dict[str, float] = {}  # the process's peak RSS when the stage last returned

    def timed(stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - t0
                calls[stage] += 1
                peak_after[stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB

        return wrapper

    missing = []
    for module_name, name, stage in STAGES:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, timed(stage, getattr(module, name)))
        else:
            missing.append(f"{module_name}.{name}")
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    analysis = pipeline.analyze_paths([folder])
    t1 = time.perf_counter()
    text = render(analysis.report, OutputFormat.JSON, width=120, color=False)
    t2 = time.perf_counter()
    profiler.disable()
    spent["report: render JSON"] = t2 - t1
    calls["report: render JSON"] = 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB
    total = t2 - t0
    out = [
        f"Profile of `analyze_paths` + JSON rendering on `{folder}` ({len(analysis.events):,} "
        f"events, {len(text) / MB:.1f} MB of JSON): {total:.1f} s in-process, import "
        f"{imported:.1f} s, peak RSS {peak:,.0f} MB, load avg {os.getloadavg()[0]:.1f}.",
        "",
        "| stage | seconds | share | calls | peak RSS after |",
        "|---|---:|---:|---:|---:|",
    ]
    for stage, secs in sorted(
        spent.items(), key=lambda kv: kv[0].split(":")[0] + f"{-kv[1]:012.3f}"
    ):
        after = _f(peak_after.get(stage), 0)
        out.append(f"| {stage} | {secs:.2f} | {secs / total:.0%} | {calls[stage]} | {after} MB |")
    if missing:
        out += ["", "Not found (renamed?): " + ", ".join(missing)]
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    body = buf.getvalue()
    body = body[body.find("   ncalls") :] if "   ncalls" in body else body
    out += [
        "",
        f"cProfile, top {top} by own time (Polars work shows as the Python call that ran it):",
        "",
        "```",
        body.rstrip(),
        "```",
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,4,16", help="comma-separated scales (days of logs)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-generate", action="store_true", help="use the data already there")
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument("--repeat", type=int, default=1, help="runs of certriage and rg; best wall")
    parser.add_argument(
        "--python-mb",
        type=float,
        default=3.0,
        help="MB of input the Python loop really scans per scale (0: skip it)",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per command")
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=12.0,
        help="kill certriage when its resident memory passes this (shared machine)",
    )
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--with-profile",
        action="store_true",
        help="after measuring, profile the stages on the first scale and add them to the results",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="only profile the pipeline's stages on DIR and print the table",
    )
    parser.add_argument(
        "--rerender",
        type=Path,
        metavar="JSON",
        help="only rewrite the results file from a results.json of an earlier run",
    )
    args = parser.parse_args(argv)
    if args.rerender:
        print(rerender(args.rerender, args.results))
        return 0
    if args.profile:
        print(profile(args.profile))
        return 0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    started = datetime.now(UTC)
    machine = _machine()
    args.data.mkdir(parents=True, exist_ok=True)
    patterns = args.data / "patterns.txt"
    written = subprocess.run(
        [sys.executable, str(BENCH / "baseline.py"), "--write-patterns", str(patterns)],
        check=True,
        capture_output=True,
    )
    pack = json.loads(written.stdout)
    if not shutil.which("rg"):
        print(RG_MISSING, file=sys.stderr)
    results = []
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    out = BENCH / "out"
    out.mkdir(exist_ok=True)
    for scale in scales:
        folder = ensure_data(scale, args.seed, args.skip_generate, args.data)
        results.append(run_scale(scale, folder, patterns, args))
        # after every scale, so a long run leaves its partial table
        text = render(results, command.strip(), machine, started, pack)
        args.results.write_text(text, encoding="utf-8")
    if args.with_profile and results:
        first = args.data / f"x{results[0].scale}"
        print(f"profiling the stages on {first} ...", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--profile", str(first)],
            capture_output=True,
            text=True,
            check=False,
        )
        text += "\n## Where the time goes\n\n" + (done.stdout or done.stderr)
        args.results.write_text(text, encoding="utf-8")
    print(text)
    raw = [asdict(r) for r in results]
    for row in raw:
        for tool in ("certriage", "rg", "python"):
            row[tool].pop("stdout", None)
    meta = {"command": command.strip(), "started": started.isoformat(), "pack": pack,
            "git": _git_head()}  # fmt: skip
    (out / "results.json").write_text(
        json.dumps({"machine": machine, "results": raw, **meta}, indent=1, default=str)
    )
    return 0


def rerender(raw: Path, results_md: Path) -> str:
    """RESULTS.md again from a results.json (after a change to the table, without re-measuring)."""
    data = json.loads(raw.read_text())
    results = []
    for row in data["results"]:
        tools = ("certriage", "rg", "python", "floor")
        measures = {tool: Measure(**row.pop(tool)) for tool in tools if tool in row}
        row["load_before"] = tuple(row["load_before"])
        results.append(ScaleResult(**row, **measures))
    started = datetime.fromisoformat(data.get("started") or datetime.now(UTC).isoformat())
    text = render(results, data.get("command", "?"), data["machine"], started, data.get("pack"),
                  data.get("git"))  # fmt: skip
    results_md.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    raise SystemExit(main())
