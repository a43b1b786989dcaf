"""The reader fixes this suite led to, each pinned on its smallest case."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.readers import read_logs
from analyzer.readers.decode import decode
from analyzer.readers.discover import printable
from analyzer.readers.parsed import clip_long_lines, count_lines
from analyzer.readers.sniff import sniff_format
from analyzer.readers.timestamps import parse_ts
from tests.hostile.conftest import cli
from tests.readers.conftest import assert_accounted


def _read(name: str, content: str | bytes) -> pl.DataFrame:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        result = read_logs([path])
    assert_accounted(result)
    return result.events


def test_clip_long_lines_examples() -> None:
    assert clip_long_lines("short\nlines\n", 5) == ("short\nlines\n", [])
    assert clip_long_lines("abcdefgh\nok\n", 5) == ("abcde\nok\n", [(1, 8)])
    assert clip_long_lines("ok\nabcdefgh", 5) == ("ok\nabcde", [(2, 8)])
    assert clip_long_lines("a\n123456\nb\n1234567\n", 5) == (
        "a\n12345\nb\n12345\n",
        [(2, 6), (4, 7)],
    )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    lines=st.lists(st.text(alphabet="ab\r", max_size=12), max_size=12),
    limit=st.integers(1, 8),
    end=st.booleans(),
)
def test_clip_long_lines_keeps_every_line(lines: list[str], limit: int, end: bool) -> None:
    text = "\n".join(lines) + ("\n" if end and lines else "")
    clipped, cut = clip_long_lines(text, limit)
    assert count_lines(clipped) == count_lines(text)
    before, after = text.split("\n"), clipped.split("\n")
    assert after == [line[:limit] for line in before]
    assert cut == [(i + 1, len(line)) for i, line in enumerate(before) if len(line) > limit]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    text=st.text(alphabet=" \t\n\r[]{}x,\u2028", max_size=40),
    name=st.sampled_from(["a.log", "a.json"]),
)
def test_sniffing_without_copies_decides_as_before(text: str, name: str) -> None:
    head = text.lstrip()[:2]
    was_array = head.startswith("[") and (
        head[1:2] in ("{", "]")
        or (
            (head[1:2] in ("\n", "\r", "") or name.endswith("json")) and text.rstrip().endswith("]")
        )
    )
    assert (sniff_format(name, text).value == "json") == was_array


def test_printable_shows_control_characters() -> None:
    assert printable("a\x1b[31mb\x07c\u202ed\te") == "a\\x1b[31mb\\x07c\\u202ed\\te"
    assert printable("plain [bold] é") == "plain [bold] é"


def test_damaged_utf8_stays_utf8_and_code_pages_stay_code_pages() -> None:
    damaged = decode("Zertifikat für Köln ".encode() + b"\xff" + " Grüße".encode())
    assert (damaged.encoding, damaged.text) == ("utf-8", "Zertifikat für Köln \\xff Grüße")
    assert decode("Grüße à tous".encode("cp1252")).text == "Grüße à tous"


def test_escape_sequences_in_file_names_and_statuses_are_printed_inert(tmp_path: Path) -> None:
    name = "order-\x1b[31mred\x1b]8;;x\x07.csv"
    (tmp_path / name).write_text("order_id,status\nORD-1,\x1b[2Jweird\x1b[0m\n")
    run = cli("parse", str(tmp_path))
    assert run.code == 0
    assert "\x1b" not in run.both and "\x07" not in run.both
    assert "order-\\x1b[31mred\\x1b]8;;x\\x07.csv" in run.stdout
    assert "status '\\x1b[2Jweird\\x1b[0m'" in run.stdout


def test_json_fields_named_like_our_columns(tmp_path: Path) -> None:
    # Found by Hypothesis: `"line": 42` (common in JSON loggers) failed the whole file.
    record = {"line": 42, "raw": "r", "_row": 1, "_src.line": 7, "msg": "m"}
    for name, content in (
        ("a.jsonl", json.dumps(record) + "\n"),
        ("a.json", json.dumps([record])),
        ("a.csv", "raw,line,_row,message\nr,42,1,m\n"),
    ):
        events = _read(name, content)
        assert events.height == 1, name
        assert events["message"].to_list() == ["m"], name
        fields = json.loads(events["fields"][0])
        assert fields["line"] in (42, "42") and fields["raw"] == "r", (name, fields)


def test_nested_values_where_text_is_expected() -> None:
    # Found by Hypothesis: `"ts": []`, `"msg": []` failed the whole file (a cast error).
    lines = [{"ts": [], "msg": [], "level": {"a": 1}, "result": [[1]]}, {"ts": [2]}]
    events = _read("a.jsonl", "\n".join(json.dumps(v) for v in lines) + "\n")
    assert events.height == 2
    assert events["ts"].null_count() == 2
    assert parse_ts(pl.DataFrame({"t": [[1], None]}), "t").null_count() == 2


def test_json_array_element_polars_cannot_type() -> None:
    # Found by Hypothesis: `[false, 0]` cannot be one Polars list; the element is unparsed and
    # its lines were counted twice (unparsed and skipped), or the file failed.
    text = json.dumps([{"a": [False, 0]}, {"order_id": "ORD-1"}], indent=0)
    events = _read("orders.json", text)
    assert events["order_id"].to_list() == ["ORD-1"]
    assert events["raw"].to_list() == ['{\n"order_id": "ORD-1"\n}']


def test_a_whitespace_only_file_is_still_empty() -> None:
    assert _read("a.log", b" \n\t\r\n").height == 0
