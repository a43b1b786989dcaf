"""A text file parsed in slices of lines reads exactly as the same file parsed whole."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.pipeline import AnalyzeOptions, analyze_paths
from analyzer.readers import ReadOptions, ReadResult, intake, read_logs
from analyzer.readers.parsed import Parsed
from analyzer.report.machine import render_json
from analyzer.schema import Kind
from tests.conftest import FIXED_CLOCK, SAMPLES
from tests.hostile.conftest import CORPUS
from tests.readers.conftest import FIXTURES, assert_accounted

SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
WHOLE = sys.maxsize  # a SLICE_CHARS no file reaches: slicing off
ROOT = Path(__file__).resolve().parents[2]
# Every committed input, a small one in slices of a few lines, a big (or compressed) one in slices
# of a few kB: slices cost a fixed time each.
REAL_INPUTS = sorted(
    path
    for folder in (SAMPLES, ROOT / "tests" / "fixtures", CORPUS)
    for path in folder.rglob("*")
    if path.is_file()
)
REAL_CASES = [
    pytest.param(path, size, id=f"{path.relative_to(ROOT)}@{size}")
    for path in REAL_INPUTS
    for size in [97 if path.stat().st_size < 20_000 and path.suffix != ".gz" else 8_000]
]


def _read(
    inputs: list[str | Path], slice_chars: int, options: ReadOptions | None = None
) -> ReadResult:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake, "SLICE_CHARS", slice_chars)
        return read_logs(inputs, options)


def _first_difference(got: pl.DataFrame, want: pl.DataFrame) -> str:
    """Where two event frames of one schema first differ, for a readable failure."""
    if got.height != want.height:
        return (
            f"{got.height} events sliced, {want.height} whole; first lines sliced "
            f"{got['line'].head(40).to_list()}, whole {want['line'].head(40).to_list()}"
        )
    for name in want.columns:
        differs = (~got[name].eq_missing(want[name])).arg_true()
        if not differs.is_empty():
            row = int(differs[0])
            return (
                f"column {name!r} differs in {differs.len()} rows; first at row {row} "
                f"(line {want['line'][row]}): sliced {got[name][row]!r}, whole {want[name][row]!r}"
            )
    return "frames differ, though no column does (dtype or chunk-level difference)"


def assert_same(sliced: ReadResult, whole: ReadResult) -> None:
    """Events (schema, rows, order), file reports and diagnostics all equal."""
    assert sliced.events.schema == whole.events.schema
    same = sliced.events.equals(whole.events, null_equal=True)
    assert same, _first_difference(sliced.events, whole.events)
    assert len(sliced.files) == len(whole.files)
    for got, want in zip(sliced.files, whole.files, strict=True):
        assert got == want
    assert sliced.diagnostics == whole.diagnostics


# --- Generated text logs ----------------------------------------------------------------------

# Time shapes differ in width, fraction, zone and validity: a slice may hold only some of them.
TIMES = [
    "2026-11-01 06:00:00,018",
    "2026-11-01 06:00:01",
    "2026-11-01T06:00:02.5Z",
    "2026-11-01 06:00:03.1234567",
    "2026-11-01T06:00:04+01:00",
    "2026-02-30 06:00:05,000",
]
NLOG_TIMES = ["2026-11-01T10:00:00.1234567Z", "2026-11-01 10:00:00.7030", "2026-11-01T10:00:01Z"]
SYSLOG_TIMES = ["Nov  1 10:00:00", "Nov 11 10:00:00", "Feb 30 10:00:00"]
LEVELS = ["INFO", "WARN", "ERROR", "Error", "info", "Debug", "FATAL", "Information", "crit"]
# No commas (a file must sniff as text) and no line feed; other line separators of str.splitlines.
WORDS = [
    "ok",
    "failed",
    "Order ORD-100401 installed",
    "order #58231 failed",
    "café",
    "証明書の発行",
    "naïve",
    "—",
    "🔐",
    "x\ry",
    "a\u2028b",
    "p\x85q",
    "\x0c",
    "[bracket]",
    'say "hi"',
    "-",
]
# Keys no canonical column takes: `fields` lists them in order of first appearance (some are
# named like internal columns).
FIELD_KEYS = ["tenant", "zone", "clé", "x.y", "a-b", "attempt", "line", "raw", "_row", "fields"]
FIELD_KEYS += ["timestamp", "level", "thread"]
# Spellings of one canonical column: coalesced in order of first appearance.
SYNONYMS = [
    ("order_id", "orderId", "order"),
    ("msg", "error", "reason"),
    ("status", "state"),
    ("step", "stage"),
    ("http_status", "status_code"),
    ("latency_ms", "latency"),
    ("connector", "issuer"),
]
OTHER_KEYS = ["result", "bot", "host", "common_name", "key_size"]
VALUES = [
    "ORD-1",
    "ORD-2",
    "Active",
    "Inactive",
    "Error",
    "Issued",
    "Pending",
    "WeirdStatus",
    "Évalué",
    "200",
    "503",
    "12.5",
    "keygen",
    "ok",
    "é",
    "=",
    "0",
    "2026-11-01T06:00:00Z",
    '"two words"',
    '"with \\"escaped\\" quotes"',
    '""',
    '"clé=v k=w"',
    '"  padded  "',
    '"證書"',
]

_TS, _LEVEL = st.sampled_from(TIMES), st.sampled_from(LEVELS)
_COMPONENT = st.sampled_from(["connector-validation", "bot", "é"])


def _body(keys: list[str]) -> st.SearchStrategy[str]:
    """Words and pairs of `keys`, in any order: a few keys in many orders make rows where the
    order in which keys first appear differs from one part of the file to another."""
    pair = st.builds("{}={}".format, st.sampled_from(keys), st.sampled_from(VALUES))
    return st.lists(st.one_of(st.sampled_from(WORDS), pair, pair), max_size=6).map(" ".join)


def _headers(body: st.SearchStrategy[str]) -> dict[str, st.SearchStrategy[str]]:
    """A first line of each built-in layout (and a plain one) ending in `body`."""
    syslog = st.sampled_from(SYSLOG_TIMES)
    return {
        "log4j": st.builds(
            "{} {}  [worker-{}] com.x.Job - {}".format, _TS, _LEVEL, st.integers(1, 4), body
        ),
        "nlog": st.builds(
            "{} Keyfactor.{} [{}] - {}".format,
            st.sampled_from(NLOG_TIMES),
            st.sampled_from(["X", "Orchestrators.Job"]),
            st.sampled_from(["Error", "Info", "Warn", "Trace"]),
            body,
        ),
        "logfmt": st.one_of(
            st.builds("{} {}  [{}] {}".format, _TS, _LEVEL, _COMPONENT, body),
            st.builds("{} {} {}".format, _TS, _LEVEL, body),
        ),
        "bracketed": st.one_of(
            st.builds("[{}] {}".format, _LEVEL, body),
            st.builds("[{}] [{}] {}".format, _LEVEL, _COMPONENT, body),
        ),
        "syslog": st.one_of(
            st.builds(
                "{} host{} app[{}]: {}".format, syslog, st.integers(1, 2), st.integers(1, 99), body
            ),
            st.builds("{} host app: {}".format, syslog, body),
        ),
        "timestamped": st.one_of(
            st.builds("{} {}".format, _TS, body), st.builds("[{}] {}".format, _TS, body)
        ),
        "plain": body,
    }


LAYOUTS = sorted(_headers(st.just("")))

PY_TRACE = [
    "Traceback (most recent call last):",
    '  File "bot.py", line 3, in <module>',
    "    run()",
    "ValueError: bad value",
]
PY_CHAINED = [
    *PY_TRACE,
    "",
    "During handling of the above exception, another exception occurred:",
    "",
    *PY_TRACE,
]
JAVA = [
    "java.lang.IllegalStateException: boom",
    "\tat com.x.Y.run(Y.java:1)",
    "    at com.x.Z(Z.java:22)",
    "at com.x.W(W.java:3)",
    "Caused by: java.io.IOException: réseau coupé",
    "\t... 3 more",
    "... 3 more",
    "Suppressed: x.Y: z",
]
_BLANKS = st.lists(st.sampled_from(["", "   ", "\t"]), min_size=1, max_size=3)
# What follows a header line: nothing, a stack trace, a traceback, blank lines.
TAILS: dict[str, st.SearchStrategy[list[str]]] = {
    "none": st.just([]),
    "java": st.lists(st.sampled_from(JAVA), min_size=1, max_size=5),
    "python": st.builds(
        lambda trace, blanks: [*trace, *blanks],
        st.sampled_from([PY_TRACE, PY_CHAINED, PY_TRACE[:2], [PY_TRACE[0], "", PY_TRACE[1]]]),
        st.lists(st.just(""), max_size=2),
    ),
    "blank": _BLANKS,
}


@st.composite
def _region(draw: st.DrawFn, keys: list[str]) -> list[str]:
    """Lines in a few layouts, trace styles and keys of their own: the parts of a file differ
    (headed share, layouts present, keys and their order), as where one slice ends and the next
    starts."""
    mine = st.lists(st.sampled_from(keys), min_size=len(keys) // 2 + 1, unique=True)
    headers = _headers(_body(draw(mine)))
    layouts = draw(st.lists(st.sampled_from(LAYOUTS), min_size=1, max_size=3, unique=True))
    tails = draw(st.lists(st.sampled_from(sorted(TAILS)), min_size=1, max_size=3, unique=True))
    entries = draw(
        st.lists(
            st.tuples(
                st.one_of([headers[name] for name in layouts]),
                st.one_of([TAILS[name] for name in tails]),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return [line for head, tail in entries for line in (head, *tail)]


@st.composite
def text_logs(draw: st.DrawFn) -> bytes:
    """A text log: regions of lines, LF or CRLF ends, maybe no final newline, a BOM or a bad byte."""
    keys = draw(st.lists(st.sampled_from(FIELD_KEYS), min_size=1, max_size=3, unique=True))
    for synonyms in draw(st.lists(st.sampled_from(SYNONYMS), max_size=2, unique=True)):
        keys += synonyms
    keys += draw(st.lists(st.sampled_from(OTHER_KEYS), max_size=1))
    regions = st.lists(_region(keys), min_size=1, max_size=3).map(
        lambda parts: [line for part in parts for line in part]
    )
    lines = draw(regions.filter(lambda lines: any(line.strip() for line in lines)))
    end = st.sampled_from(["\n", "\n", "\n", "\r\n"])
    ends = draw(st.lists(end, min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    if draw(st.booleans()):
        text = text.removesuffix("\n").removesuffix("\r")
    data = text.encode("utf-8")
    extra = draw(st.sampled_from([b"", b"", b"\xef\xbb\xbf", b"\xff"]))
    if extra == b"\xef\xbb\xbf":
        return extra + data
    if extra:
        at = draw(st.integers(0, len(data)))
        return data[:at] + extra + data[at:]
    return data


@dataclass(frozen=True)
class Named:
    """How an input gets its kind: its file name, the --kind option, a `kind:path` prefix, or
    (name without a kind, no option) its content, where slicing does not apply."""

    name: str
    option: Kind | None = None
    prefix: Kind | None = None

    def inputs(self, path: Path) -> list[str | Path]:
        return [f"{self.prefix.value}:{path}" if self.prefix else str(path)]


_KINDS = st.sampled_from(list(Kind))
NAMINGS = st.one_of(
    st.builds(
        Named,
        st.sampled_from(
            [
                "provisioning-bot.log",
                "connector-validation.log",
                "order-submission.log",
                "audit-trail.log",
                "bot-connector.log",  # a name with two kinds: medium confidence
            ]
        ),
    ),
    st.builds(Named, st.just("app.log"), option=_KINDS),
    st.builds(Named, st.just("app.log"), prefix=_KINDS),
    st.just(Named("app.log")),
)


@SETTINGS
@given(data=text_logs(), named=NAMINGS, slice_chars=st.integers(1, 400))
def test_generated_logs_read_in_slices_as_whole(
    data: bytes, named: Named, slice_chars: int
) -> None:
    options = ReadOptions(kind=named.option)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / named.name
        path.write_bytes(data)
        whole = _read(named.inputs(path), WHOLE, options)
        sliced = _read(named.inputs(path), slice_chars, options)
    assert whole.files[0].format.startswith("text"), whole.files[0]  # else nothing is sliced
    assert_accounted(sliced)
    assert_same(sliced, whole)


def test_a_slice_boundary_inside_a_traceback(tmp_path: Path) -> None:
    """Blank lines between chained exceptions, the next slice opening on a traceback's lines."""
    block = "\n".join(
        ["2026-11-01 06:00:00,018 ERROR [w] com.x.Job - order_id=ORD-1 step=csr", *PY_CHAINED, ""]
    )
    path = tmp_path / "provisioning-bot.log"
    text = block * 8 + "plain tail line k=v\n"
    path.write_text(text, encoding="utf-8")
    # Down to an event a slice, a slice a block give or take a line, one slice of all but a line.
    for size in (1, len(block) - 1, len(block) + 1, len(text) - 1):
        assert_same(_read([path], size), _read([path], WHOLE))


# --- Committed inputs -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "slice_chars"), REAL_CASES)
def test_committed_inputs_read_in_slices_as_whole(path: Path, slice_chars: int) -> None:
    options = ReadOptions(kind=Kind.BOT)  # a forced kind: every text file may be sliced
    assert_same(_read([path], slice_chars, options), _read([path], WHOLE, options))


def test_folders_read_together_in_slices_as_whole() -> None:
    """Sliced files (kind in the name) and whole ones (kind from content, or not text) in one run."""
    inputs: list[str | Path] = [ROOT / "tests" / "fixtures", CORPUS]
    assert_same(_read(inputs, 97), _read(inputs, WHOLE))


def test_sample_report_is_byte_identical_in_slices() -> None:
    """With the pipeline's `keep` (each slice slimmed on its own) the analysis is the same."""

    def report(slice_chars: int) -> list[str]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(intake, "SLICE_CHARS", slice_chars)
            analysis = analyze_paths(
                [os.path.relpath(SAMPLES)], AnalyzeOptions(generated_at=FIXED_CLOCK)
            )
        return render_json(analysis.report).splitlines()

    assert report(2_000) == report(WHOLE)


# --- Slicing happens, and only where the kind does not depend on the content ------------------

LOG4J_LINES = "".join(
    f"2026-11-01 06:00:{i % 60:02d},018 INFO  [worker-1] com.x.Job - order_id=ORD-{i} step=keygen\n"
    for i in range(200)
)
SLICE = 1_000
# User layouts without kinds: the fixture's `pipe` (first lines of events), and one only
# continuation lines match (a whole file never gives it columns; a slice must not either).
PIPE_FORMATS = r"""
[aliases]
order_id = ["Ticket"]

[[layouts]]
name = "pipe"
pattern = '^(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) \| (?P<level>\w+) \| (?P<Ticket>\S+) \| (?P<message>.*)$'
"""
PIPE_LINES = "".join(
    f"2026-11-01 07:00:{i:02d} | WARN | T-{i} | retry k{i % 3}=v\n" for i in range(40)
)
INDENTED_FORMATS = r"""
[[layouts]]
name = "indented"
pattern = '^\s+step (?P<step>\w+) (?P<zeta>\w+)'
"""
INDENTED_LINES = "".join(
    f"2026-11-01 06:00:{i % 60:02d},018 INFO  [w] com.x.Job - tenant={i}\n  step keygen extra\n"
    for i in range(40)
)


def _parse_text_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every intake.parse_text call from now on."""
    texts: list[str] = []
    real = intake.parse_text

    def counted(text: str, *args: Any, **kwargs: Any) -> Parsed:
        texts.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(intake, "parse_text", counted)
    return texts


@pytest.mark.parametrize(
    "named",
    [
        Named("provisioning-bot.log"),
        Named("app.log", option=Kind.BOT),
        Named("app.log", prefix=Kind.BOT),
    ],
    ids=["name", "option", "prefix"],
)
def test_a_text_file_of_a_known_kind_is_parsed_in_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, named: Named
) -> None:
    path = tmp_path / named.name
    path.write_text(LOG4J_LINES, encoding="utf-8")
    options = ReadOptions(kind=named.option)
    whole = _read(named.inputs(path), WHOLE, options)
    texts = _parse_text_calls(monkeypatch)
    monkeypatch.setattr(intake, "SLICE_CHARS", SLICE)
    sliced = read_logs(named.inputs(path), options)
    # Slices of about SLICE characters, every line one event: a cut may fall at any line.
    assert len(texts) >= len(LOG4J_LINES) // (2 * SLICE)
    assert all(len(text) < len(LOG4J_LINES) for text in texts)
    assert_same(sliced, whole)


def test_a_file_whose_kind_comes_from_its_content_is_parsed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "app.log"
    path.write_text(LOG4J_LINES, encoding="utf-8")
    texts = _parse_text_calls(monkeypatch)
    monkeypatch.setattr(intake, "SLICE_CHARS", SLICE)
    read_logs([path])
    assert len(texts) == 1


def test_layout_kinds_in_the_formats_file_turn_slicing_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "provisioning-bot.log"
    path.write_text(LOG4J_LINES, encoding="utf-8")
    options = ReadOptions(formats_file=FIXTURES / "formats-good.toml")  # layout `pipe`, kind bot
    whole = _read([path], WHOLE, options)
    texts = _parse_text_calls(monkeypatch)
    monkeypatch.setattr(intake, "SLICE_CHARS", SLICE)
    sliced = read_logs([path], options)
    assert len(texts) == 1
    assert_same(sliced, whole)


@pytest.mark.parametrize(
    ("formats", "text"),
    [
        (PIPE_FORMATS, PIPE_LINES + LOG4J_LINES + PIPE_LINES),
        (INDENTED_FORMATS, INDENTED_LINES),
    ],
    ids=["pipe", "indented"],
)
def test_user_layouts_without_kinds_are_parsed_in_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formats: str, text: str
) -> None:
    formats_file = tmp_path / "formats.toml"
    formats_file.write_text(formats, encoding="utf-8")
    path = tmp_path / "provisioning-bot.log"
    path.write_text(text, encoding="utf-8")
    options = ReadOptions(formats_file=formats_file)
    whole = _read([path], WHOLE, options)
    texts = _parse_text_calls(monkeypatch)
    monkeypatch.setattr(intake, "SLICE_CHARS", SLICE)
    sliced = read_logs([path], options)
    assert len(texts) > 1
    assert_same(sliced, whole)
