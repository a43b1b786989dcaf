"""`certriage parse`: the per-file table, diagnostics, output files and exit codes."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer
from typer.testing import CliRunner

from analyzer.cli import parse
from analyzer.schema import EVENT_SCHEMA
from tests.readers.conftest import FIXTURES

LOG = '2026-11-20T10:15:02Z ERROR [v] connector="ADCS" http_status=401 msg="API key expired"\n'


def _app() -> typer.Typer:
    # Only this module's command: the root app imports every other command module.
    app = typer.Typer()
    parse.register(app)

    @app.callback()
    def _root() -> None:
        """Test root."""

    return app


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["parse", *args], env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_table_and_diagnostics() -> None:
    code, out = _run(str(FIXTURES / "mixed"))
    assert code == 0
    assert "order-export.csv" in out
    assert "not a log: documentation" in out
    assert "api-responses.jsonl:5: warning[parse.invalid-json]" in out
    assert "hint: fix or remove the line" in out
    assert "Traceback" not in out


def test_writes_parquet_and_csv(tmp_path: Path) -> None:
    log = tmp_path / "connector.log"
    log.write_text(LOG, encoding="utf-8")
    code, out = _run(str(log), "--output", str(tmp_path / "out.parquet"))
    assert code == 0, out
    frame = pl.read_parquet(tmp_path / "out.parquet")
    assert frame.schema == pl.Schema(EVENT_SCHEMA)
    assert frame["http_status"].to_list() == [401]
    code, _ = _run(str(log), "-o", str(tmp_path / "out.csv"), "--kind", "bot")
    assert code == 0
    csv = pl.read_csv(tmp_path / "out.csv")
    assert csv["kind"].to_list() == ["bot"]
    assert csv["connector"].to_list() == ["ADCS"]


def test_nothing_read_exits_2(tmp_path: Path) -> None:
    code, out = _run(str(tmp_path / "[red]missing[/red].log"))
    assert code == 2
    assert "[red]missing[/red].log: error[input.missing]" in out


def test_markup_in_file_names_is_printed_verbatim(tmp_path: Path) -> None:
    log = tmp_path / "[bold]x[red].log"
    log.write_text(LOG, encoding="utf-8")
    code, out = _run(str(log))
    assert code == 0
    assert "[bold]x[red].log" in out


def test_bad_formats_file_exits_2() -> None:
    code, out = _run(str(FIXTURES / "mixed"), "--formats", str(FIXTURES / "formats-bad.toml"))
    assert code == 2
    assert "formats-bad.toml:2: error[config.invalid]" in out


def test_bad_zone_and_output_exit_2(tmp_path: Path) -> None:
    assert _run(str(FIXTURES / "mixed"), "--tz", "Mars/Olympus")[0] == 2
    assert _run(str(FIXTURES / "mixed"), "-o", str(tmp_path / "out.xlsx"))[0] == 2
