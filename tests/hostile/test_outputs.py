"""End to end through the CLI on the hostile corpus: no escape sequence, markup, live HTML,
live spreadsheet formula or secret that came from a log survives into any output."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from tests.hostile.conftest import CORPUS, SGR, Run, cli

# Every secret planted in corpus/secrets-bot.log: none may be printed, in any format.
SECRETS = (
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJob3N0aWxlIn0",
    "HostileJwtSig0123456789",
    "HostileClientSecret998877",
    "HostileApiKey77665544",
    "HostileUrlPassw0rd",
    "hostilePemBodyLine1QWERTY",
    "hostilePemBodyLine2ASDFGH",
)
# Words the corpus wraps in escape sequences or markup: where they appear, they appear inert.
MARKUP = {
    "MarkupConn": "[bold red]MarkupConn[/]",
    "MARKUPSTYLED": "[bold red]MARKUPSTYLED[/]",
    "MARKUPLINK": "[link=http://evil.example/markup]MARKUPLINK[/link]",
    "MARKUPBLINK": "[blink][reverse]MARKUPBLINK[/reverse][/blink]",
}
# `certriage explain` for the orders whose evidence is hostile (each run is a whole analysis).
EXPLAINED = (
    "ORD-910001",  # ANSI colour in message and connector
    "ORD-910002",  # OSC 8 hyperlink
    "ORD-920001",  # rich markup
    "ORD-930002",  # <img onerror>
    "ORD-940001",  # Bearer JWT
    "ORD-940002",  # client_secret=
    "ORD-940004",  # password in a URL
    "ORD-940005",  # PEM private key
)
# The cursor and line codes rich's progress bar writes to a terminal's stderr.
_PROGRESS = re.compile(r"\x1b\[\?25[lh]|\x1b\[2K|\x1b\[1A")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _analyze(fmt: str, *extra: str, color: bool = False) -> Run:
    run = cli("analyze", str(CORPUS), "--width", "120", "--format", fmt, *extra, color=color)
    assert run.code == 0, run.both
    return run


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every output format of one analysis of the corpus (Parquet as CSV text)."""
    out = {fmt: _analyze(fmt).stdout for fmt in ("terminal", "md", "html", "json", "csv")}
    out["terminal-color"] = _analyze("terminal", color=True).stdout
    parquet = tmp_path_factory.mktemp("parquet") / "verdicts.parquet"
    _analyze("parquet", "--output", str(parquet))
    out["parquet"] = pl.read_parquet(parquet).write_csv()
    for order in EXPLAINED:
        run = cli("explain", order, str(CORPUS), "--width", "120")
        assert run.code == 0, run.both
        out[f"explain {order}"] = run.stdout
    return out


def test_the_corpus_reaches_the_report(outputs: dict[str, str]) -> None:
    # Otherwise every other test here would pass on an empty report.
    report = json.loads(outputs["json"])
    orders = {o["order_id"] for o in report["orders"]}
    assert {"ORD-910002", "ORD-920001", "ORD-930001", "ORD-940001", "ORD-950001"} <= orders
    assert "[bold red]MarkupConn[/]" in outputs["terminal"]
    assert "ANSIRED" in outputs["terminal"]
    assert "<script>alert('conn')</script>" in outputs["terminal"]
    assert "OSCLINK" in outputs["html"]
    for shown in ("svc-ca:[REDACTED]@ca.example", "-----BEGIN RSA PRIVATE KEY-----[REDACTED]"):
        assert any(shown in text for name, text in outputs.items() if name.startswith("explain"))


@pytest.mark.parametrize("fmt", ["terminal", "md", "html", "json", "csv", "parquet", "explain"])
def test_no_secret_in_any_output(outputs: dict[str, str], fmt: str) -> None:
    texts = [text for name, text in outputs.items() if name.split(" ")[0] == fmt]
    assert texts
    leaked = [(s, fmt) for s in SECRETS for text in texts if s in text]
    assert leaked == []
    assert any("[REDACTED]" in text for text in texts)


def test_terminal_without_colour_has_no_escape_at_all(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        if name == "terminal" or name.startswith("explain"):
            assert "\x1b" not in text, name
            assert "\x9b" not in text, name  # C1 CSI
            assert "\x07" not in text, name


def _markup_is_literal(text: str) -> None:
    for word, literal in MARKUP.items():
        for match in re.finditer(word, text):
            around = text[max(0, match.start() - 60) : match.end() + 60]
            assert literal in around.replace("\n", "") or literal in text, (word, around)


def test_terminal_markup_from_logs_is_shown_not_applied(outputs: dict[str, str]) -> None:
    _markup_is_literal(outputs["terminal"])
    _markup_is_literal(SGR.sub("", outputs["terminal-color"]))


def test_forced_colour_carries_only_our_own_styles(outputs: dict[str, str]) -> None:
    text = outputs["terminal-color"]
    assert SGR.search(text), "colour was not forced"
    rest = SGR.sub("", text)
    assert "\x1b" not in rest
    assert "\x07" not in rest
    # The log's own red never reaches the terminal in front of its word.
    assert "\x1b[31mANSIRED" not in text
    assert "\x1b]8;;" not in text


def test_terminal_stderr_with_colour_is_clean(tmp_path: Path) -> None:
    # The progress bar names each file on stderr: a file name is log content too.
    (tmp_path / "bot-\x1b[31mred\x1b]8;;x\x07[bold]B.log").write_bytes(
        (CORPUS / "ansi-bot.log").read_bytes()
    )
    run = cli("analyze", str(tmp_path), "--width", "120", color=True)
    assert run.code == 0
    rest = _PROGRESS.sub("", SGR.sub("", run.both))
    assert "\x1b" not in rest
    assert "\x07" not in rest


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._open = tag

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts.append(data)


def test_html_has_no_element_from_logs(outputs: dict[str, str]) -> None:
    html = outputs["html"]
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "\x1b" not in html
    parser = _Elements()
    parser.feed(html)
    handlers = [(t, a) for t, a in parser.tags if any(k.startswith("on") for k, _ in a)]
    assert handlers == []
    hrefs = [v for _, attrs in parser.tags for k, v in attrs if k in ("href", "src") and v]
    assert all(v.startswith("#") or v.startswith("data:") for v in hrefs), hrefs
    assert [s for s in parser.scripts if "alert" in s] == []
    assert not [t for t, _ in parser.tags if t in {"img", "iframe", "object", "embed", "a"}] or all(
        dict(a).get("href", "#").startswith("#") for t, a in parser.tags if t == "a"
    )
    # The log text is there, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_markdown_has_log_html_only_inside_code_spans(outputs: dict[str, str]) -> None:
    md = outputs["md"]
    outside = re.sub(r"`[^`\n]*`", "", md)
    for needle in ("<script", "<img", "<a href", "\x1b"):
        assert needle not in outside, needle
    assert "<script>alert(1)</script>" in md  # inert, inside a code span


def test_csv_has_no_live_formula(outputs: dict[str, str]) -> None:
    rows = list(csv.reader(io.StringIO(outputs["csv"])))
    assert len(rows) > 10
    cells = [cell for row in rows for cell in row]
    live = [cell for cell in cells if cell.startswith(_FORMULA_START)]
    assert live == []
    for neutralised in ("'=HYPERLINK(", "'-2+3", "'@SUM(A1)", "'=cmd|"):
        assert any(cell.startswith(neutralised) for cell in cells), neutralised


def test_csv_has_no_control_characters(outputs: dict[str, str]) -> None:
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", outputs["csv"])


def test_json_is_valid_and_names_every_file_read(outputs: dict[str, str]) -> None:
    report = json.loads(outputs["json"])
    named = {Path(i["path"]).name for i in report["inputs"]}
    assert named == {p.name for p in CORPUS.iterdir()} - {"not-a-zip.zip"}
    problems = {Path(i["path"]).name: " ".join(i["problems"]) for i in report["inputs"]}
    assert "input.corrupt-gz" in problems["truncated-bot.log.gz"]
    assert "end-of-stream marker" in problems["truncated-bot.log.gz"]
    assert "\x1b" not in outputs["json"]


def test_analyze_names_an_archive_it_could_not_open(outputs: dict[str, str]) -> None:
    assert "not-a-zip.zip" in outputs["json"]
