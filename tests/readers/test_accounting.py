"""Every line is accounted for (in events, unparsed or skipped), on fixtures and on any input."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analyzer.readers import read_logs
from tests.readers.conftest import FIXTURES, assert_accounted

ROOT = Path(__file__).resolve().parents[2]


def test_every_fixture_is_accounted_for() -> None:
    result = read_logs([FIXTURES / "mixed"])
    assert_accounted(result)
    assert len(result.files) == 8
    assert result.events.height == 22
    assert result.events.columns[:3] == ["source_file", "line", "line_end"]
    keys = list(zip(result.events["source_file"], result.events["line"], strict=True))
    assert keys == sorted(keys)


@pytest.mark.skipif(not (ROOT / "sample_logs").is_dir(), reason="no sample logs yet")
def test_sample_logs_are_accounted_for() -> None:
    result = read_logs([ROOT / "sample_logs"])
    assert_accounted(result)
    assert all(r.unparsed_lines == 0 for r in result.files)


_LINE = st.one_of(
    st.just(""),
    st.just("   "),
    st.just("\tat com.example.X(X.java:1)"),
    st.just("Caused by: java.io.IOException: boom"),
    st.just("Traceback (most recent call last):"),
    st.builds(
        lambda m: f"2026-11-20T10:15:02Z ERROR [c] connector=A msg={json.dumps(m)}",
        st.text(max_size=20),
    ),
    st.builds(lambda m: f"2026-11-20 10:15:02,123 INFO [main] a.B - {m}", st.text(max_size=20)),
    st.builds(lambda m: f"[WARN] {m}", st.text(max_size=20)),
    st.builds(lambda m: f"Nov 20 10:15:02 h app[1]: {m}", st.text(max_size=20)),
    st.builds(
        json.dumps,
        st.dictionaries(
            st.sampled_from(["order_id", "status", "msg", "x"]),
            st.one_of(st.text(max_size=10), st.integers()),
        ),
    ),
    st.builds(lambda a, b: f"{a},{b},x", st.text(max_size=8), st.text(max_size=8)),
    st.text(max_size=40),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(_LINE, max_size=25),
    name=st.sampled_from(["a.log", "b.jsonl", "c.csv", "d.tsv", "e.json", "f.txt"]),
    crlf=st.booleans(),
    trailing=st.booleans(),
)
# Found by Hypothesis: a quote-escaped header spanning two lines; a header name with quotes.
@example(
    lines=['2026-11-20T10:15:02Z ERROR [c] connector=A msg="\\""', "   "],
    name="c.csv",
    crlf=False,
    trailing=False,
)
@example(
    lines=['x msg=""', "\tat com.example.X(X.java:1)"], name="d.tsv", crlf=False, trailing=False
)
def test_generated_files_are_accounted_for(
    lines: list[str], name: str, crlf: bool, trailing: bool
) -> None:
    text = ("\r\n" if crlf else "\n").join(lines) + ("\n" if trailing and lines else "")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = read_logs([path])
    assert_accounted(result)


@settings(max_examples=50, deadline=None)
@given(
    data=st.binary(max_size=300),
    name=st.sampled_from(["a.log", "b.jsonl", "c.csv", "d.gz", "e.zip", "f.xlsx"]),
)
def test_any_bytes_never_crash(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        result = read_logs([path])
    assert_accounted(result)
