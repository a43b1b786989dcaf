"""Run the atheris harnesses for a time budget: `python fuzz/run.py --minutes 10`.

Each harness gets an equal share of the budget, one after the other, seeded with the sample logs,
the reader fixtures and the shipped rules. libFuzzer's log and any crashing input go to
fuzz/out/ (not committed); the exit status is 1 when a harness crashed. Needs the `fuzz` extra
(`pip install -e .[fuzz]`).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HARNESSES = {"read_logs": HERE / "fuzz_read_logs.py", "rules": HERE / "fuzz_rules.py"}
_MAX_LEN = 8192
_RUNS = re.compile(r"stat::number_of_executed_units:\s*(\d+)|Done (\d+) runs")


def _seed_read_logs(folder: Path) -> None:
    sys.path.insert(0, str(HERE))
    from suffixes import SUFFIXES  # noqa: PLC0415

    sources = [*(ROOT / "sample_logs").glob("*"), *(ROOT / "tests" / "fixtures").rglob("*")]
    for index, source in enumerate(sorted(p for p in sources if p.is_file())):
        suffix = "".join(source.suffixes[-1:])
        pick = SUFFIXES.index(suffix) if suffix in SUFFIXES else 0
        data = bytes([pick]) + source.read_bytes()[: _MAX_LEN - 1]
        (folder / f"seed-{index:03d}").write_bytes(data)


def _seed_rules(folder: Path) -> None:
    for source in sorted((ROOT / "rules").glob("*.rules")):
        (folder / source.name).write_bytes(source.read_bytes()[:_MAX_LEN])


def run(name: str, seconds: int, crashes: Path) -> tuple[int, int]:
    """Fuzz one harness for `seconds`; returns (executions, libFuzzer exit status)."""
    with tempfile.TemporaryDirectory(prefix=f"certriage-fuzz-{name}-") as corpus:
        (_seed_read_logs if name == "read_logs" else _seed_rules)(Path(corpus))
        command = [
            sys.executable,
            str(HARNESSES[name]),
            corpus,
            f"-max_total_time={seconds}",
            f"-max_len={_MAX_LEN}",
            f"-artifact_prefix={crashes}/{name}-",
            "-timeout=120",
            "-rss_limit_mb=4096",
            "-print_final_stats=1",
        ]
        log = crashes.parent / f"{name}.log"
        with log.open("w", encoding="utf-8") as out:
            status = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, check=False
            ).returncode
        text = log.read_text(encoding="utf-8", errors="replace")
    runs = [int(a or b) for a, b in _RUNS.findall(text)]
    return (max(runs) if runs else 0), status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="total budget, all harnesses")
    parser.add_argument("--only", choices=sorted(HARNESSES), action="append", help="one harness")
    args = parser.parse_args()
    names = args.only or list(HARNESSES)
    crashes = HERE / "out" / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    seconds = max(10, int(args.minutes * 60 / len(names)))
    failed = False
    for name in names:
        runs, status = run(name, seconds, crashes)
        verdict = "ok" if status == 0 else f"CRASH (exit {status}, see fuzz/out/{name}.log)"
        print(f"{name}: {runs} executions in {seconds} s: {verdict}", flush=True)
        failed |= status != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
