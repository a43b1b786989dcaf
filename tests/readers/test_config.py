"""The user's formats file: aliases and text layouts used, mistakes reported with file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analyzer.config import load_formats, parse_formats
from analyzer.errors import ConfigError
from analyzer.readers import ReadOptions, read_logs
from analyzer.schema import Kind
from tests.readers.conftest import FIXTURES, assert_accounted, only

ROOT = Path(__file__).resolve().parents[2]


def test_user_layout_and_alias_are_used(tmp_path: Path) -> None:
    path = tmp_path / "weird.log"
    path.write_text(
        "2026-11-20 10:15:02 | ERROR | T-77 | enrollment refused\n"
        "2026-11-20 10:15:03 | INFO | T-78 | fine\n",
        encoding="utf-8",
    )
    result = read_logs([path], ReadOptions(formats_file=FIXTURES / "formats-good.toml"))
    assert_accounted(result)
    report = only(result)
    assert (report.kind, report.format) == (Kind.BOT, "text/pipe")
    row = result.events.row(0, named=True)
    assert row["order_id"] == "T-77"
    assert row["level"] == "error"
    assert row["message"] == "enrollment refused"
    assert row["ts"] == datetime(2026, 11, 20, 10, 15, 2, tzinfo=UTC)


def test_every_mistake_is_reported_with_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_formats(FIXTURES / "formats-bad.toml")
    rendered = [d.render() for d in caught.value.diagnostics]
    assert len(rendered) == 2
    assert rendered[0].startswith(f"{FIXTURES / 'formats-bad.toml'}:2: error[config.invalid]")
    assert "did you mean 'order_id'?" in rendered[0]
    assert ":6: " in rendered[1]
    assert "not a valid regular expression" in rendered[1]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[aliases\n", "not valid TOML"),
        ('[[layouts]]\nname = "x"\npattern = "abc"\n', "no named group"),
        (
            '[[layouts]]\nname = "x"\npattern = "(?P<message>.*)"\nkind = "robot"\n',
            "layouts.0.kind",
        ),
        ('colour = "blue"\n', "colour"),
    ],
)
def test_mistakes(text: str, needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_formats(text, "formats.toml")
    assert needle in str(caught.value)


def test_shipped_formats_file_is_valid() -> None:
    config = load_formats(ROOT / "rules" / "formats.toml")
    assert config.layouts == []


def test_read_logs_raises_config_error_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        read_logs([tmp_path], ReadOptions(formats_file=tmp_path / "missing.toml"))


def test_user_states_map_unknown_statuses(tmp_path: Path) -> None:
    formats = tmp_path / "formats.toml"
    formats.write_text('[states]\nfailed = ["CA Declined"]\n', encoding="utf-8")
    export = tmp_path / "orders.csv"
    export.write_text("order_id,status\nORD-1,CA declined\nORD-2,Frobnicated\n", encoding="utf-8")
    result = read_logs([export], ReadOptions(formats_file=formats))
    assert result.events["state"].to_list() == ["failed", "unknown"]
    unknown = [d for d in result.diagnostics if d.code == "state.unknown-status"]
    assert len(unknown) == 1
    assert "Frobnicated" in unknown[0].message


def test_unknown_state_name_is_a_mistake() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_formats('[states]\nbroken = ["x"]\n', "formats.toml")
    assert "states.broken" in str(caught.value)
