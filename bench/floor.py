"""The floor of a reader built on Polars: bytes to a frame of lines, nothing parsed.

`python bench/floor.py DIR` reads every file of DIR as certriage's readers start to (bytes,
gunzipped, decoded, split into a one-column frame of lines), two files at a time, and prints the
wall time, CPU time and peak memory. Whatever a reader does after that costs more, so this is
the least any Polars-based `certriage analyze` can take on DIR: compare it with ripgrep's time in
RESULTS.md. `--union-lines N` also times the rule pack's regexes as one alternation in Polars'
`str.contains` on the first N lines (what a "one regex pass" reader would pay for matching).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from analyzer.readers.decode import decode
from analyzer.readers.discover import Source, discover, load
from analyzer.readers.parsed import numbered_lines

BENCH = Path(__file__).resolve().parent


def _lines(source: Source) -> pl.DataFrame:
    """The reader's own first steps: load (gunzip), decode, split into lines."""
    data, _ = load(source)
    return numbered_lines(decode(data or b"").text)


def lines_floor(folder: Path) -> tuple[int, float, float]:
    """(lines, wall seconds, CPU seconds) to turn every file of `folder` into frames of lines."""
    sources = sorted(discover([folder]).sources, key=lambda source: -source.work)
    wall, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(2) as pool:
        count = sum(frame.height for frame in pool.map(_lines, sources))
    return count, time.perf_counter() - wall, time.process_time() - cpu


def union_seconds(folder: Path, patterns: Path, lines: int) -> float:
    """CPU seconds of the patterns as one `str.contains` alternation on the first `lines` lines."""
    regexes = [p for p in patterns.read_text(encoding="utf-8").splitlines() if p]
    union = "|".join(f"(?:{p})" for p in regexes)
    largest = max(discover([folder]).sources, key=lambda source: source.work)
    head = _lines(largest).head(lines)
    cpu = time.process_time()
    head.select(pl.col("raw").str.contains(union).sum())
    return time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--union-lines", type=int, default=0, metavar="N")
    parser.add_argument("--patterns", type=Path, default=BENCH / "data" / "patterns.txt")
    args = parser.parse_args(argv)
    count, wall, cpu = lines_floor(args.folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    print(f"{args.folder}: {count:,} lines in {wall:.2f} s ({cpu:.2f} s CPU), peak {peak:,.0f} MB")
    if args.union_lines:
        if not args.patterns.exists():
            print(f"{args.patterns} missing: python bench/baseline.py --write-patterns FILE")
            return 2
        seconds = union_seconds(args.folder, args.patterns, args.union_lines)
        print(
            f"one-alternation match of {args.patterns.name} on {args.union_lines:,} lines: "
            f"{seconds:.1f} s CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
