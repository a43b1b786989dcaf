"""One 200 MB line (50 MB by default): read in bounded memory, named, cut, never a crash.

Bound: the file's bytes and its decoded text each exist once while it is read (2x its size),
plus one transient copy of headroom, over the resident size of `certriage parse` on a tiny
file (interpreter, Polars, the rules: ~200 MB). Before lines were cut, a 50 MB line peaked at
~1.5 GB (~30x: every stage copied it), and 200 MB would need ~6 GB and ~40 s.
Set CERTRIAGE_HOSTILE_BIG=1 for the 200 MB variant (~10 s, ~650 MB).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MB = 1 << 20
SIZE_MB = 200 if os.environ.get("CERTRIAGE_HOSTILE_BIG") == "1" else 50
_MEASURE = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(run.returncode, peak)
sys.stdout.write(run.stdout + run.stderr)
"""


def _certriage() -> str:
    return str(Path(sys.executable).with_name("certriage"))


def _peak(path: Path) -> tuple[int, int, str]:
    """(exit code, peak resident bytes, output) of `certriage parse path` in a fresh process,
    so that no earlier child of the test run counts towards the peak."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, _certriage(), "parse", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        check=True,
    )
    head, _, output = done.stdout.partition("\n")
    code, peak = (int(x) for x in head.split())
    return code, peak, output


@pytest.mark.skipif(not Path(_certriage()).exists(), reason="certriage script not installed")
def test_one_huge_line_is_read_in_bounded_memory(tmp_path: Path) -> None:
    small = tmp_path / "small-bot.log"
    small.write_bytes(b"2026-11-20T10:15:02Z ERROR [bot] small\n")
    code, baseline, _ = _peak(small)
    assert code == 0
    big = tmp_path / "huge-bot.log"
    with big.open("wb") as out:
        out.write(b"2026-11-20T10:15:02Z ERROR [bot] order_id=ORD-1 result=failed msg=")
        chunk = b"0123456789abcdef " * (MB // 17)
        for _ in range(SIZE_MB):
            out.write(chunk)
        out.write(b"\n")
    size = big.stat().st_size
    code, peak, output = _peak(big)
    assert code == 0, output
    assert "Traceback" not in output
    assert f"huge-bot.log:1: warning[input.long-line]: line is {size - 1} characters" in output
    assert "1 lines, 1 events, 0 unparsed, 0 skipped" in output
    assert peak - baseline < 3 * size, (peak // MB, baseline // MB)
