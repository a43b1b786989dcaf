"""Each committed hostile file, its expected outcome, and how `certriage parse` names it."""

from __future__ import annotations

import pytest

from analyzer.readers import ReadResult, read_logs
from tests.hostile.conftest import CORPUS, cli
from tests.readers.conftest import assert_accounted

# file → (lines, events, the diagnostic `certriage parse` prints for it, or None)
EXPECTED: dict[str, tuple[int, int, str | None]] = {
    "ansi-bot.log": (4, 3, None),
    "bad-utf8-bot.log": (
        2,
        2,
        "info[input.encoding]: not valid UTF-8 in places; undecodable bytes kept as \\xNN escapes",
    ),
    "formulas-order.csv": (5, 4, None),
    "garbage-bot.log.gz": (0, 0, "error[input.corrupt-gz]: corrupt compressed data (Error -3"),
    "html-bot.log": (3, 3, None),
    "latin1-bot.log": (1, 1, "info[input.encoding]: not valid UTF-8; read as cp1252"),
    "markup-bot.log": (3, 3, None),
    "not-a-zip.zip": (0, 0, "error[input.corrupt-zip]: cannot open the zip archive"),
    "nul-bot.log": (2, 2, "info[input.encoding]: NUL bytes removed"),
    "secrets-bot.log": (9, 5, None),
    "truncated-bot.log.gz": (
        0,
        0,
        "error[input.corrupt-gz]: corrupt compressed data (Compressed file ended before the "
        "end-of-stream marker was reached)",
    ),
    "utf16-nobom-bot.log": (2, 2, "info[input.encoding]: no byte-order mark; read as UTF-16-LE"),
}


@pytest.fixture(scope="module")
def corpus() -> ReadResult:
    result = read_logs([CORPUS])
    assert_accounted(result)
    return result


def test_the_table_covers_the_corpus() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.iterdir())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outcome(corpus: ReadResult, name: str) -> None:
    lines, events, _ = EXPECTED[name]
    reports = [r for r in corpus.files if r.path.endswith(f"/{name}")]
    if name.endswith(".zip"):
        assert reports == []  # never opened: named by discovery
        return
    (report,) = reports
    assert (report.lines, report.events) == (lines, events)


def test_parse_names_every_problem_with_file_and_reason() -> None:
    run = cli("parse", str(CORPUS))
    assert run.code == 0  # most of the corpus is readable
    for name, (_, _, problem) in EXPECTED.items():
        if problem is not None:
            assert f"{CORPUS}/{name}: {problem}" in run.stdout, name


def test_decoded_text(corpus: ReadResult) -> None:
    def message(name: str, line: int) -> str:
        rows = corpus.events.filter(
            corpus.events["source_file"].str.ends_with(f"/{name}") & (corpus.events["line"] == line)
        )
        return str(rows["message"][0])

    assert "Köln" in message("bad-utf8-bot.log", 1)
    assert "\\xff\\xfe" in message("bad-utf8-bot.log", 1)  # the broken bytes, visible
    assert "naïve café" in message("bad-utf8-bot.log", 2)
    assert "Grüße à tous" in message("latin1-bot.log", 1)
    assert message("nul-bot.log", 1) == "nulinthe middle"
    assert message("utf16-nobom-bot.log", 1) == "utf16 without bom"
    pem = message("secrets-bot.log", 5)
    assert "BEGIN RSA PRIVATE KEY" in pem and "END RSA PRIVATE KEY" in pem  # one event, 4 lines
