"""Containers (folders, gz, zip), encodings and the inputs that cannot be read: never a crash."""

from __future__ import annotations

import gzip
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.readers import ReadOptions, ReadResult, read_logs
from analyzer.readers import discover as discover_module
from analyzer.schema import Kind
from tests.readers.conftest import assert_accounted, only

LOG = '2026-11-20T10:15:02Z ERROR [v] connector=ADCS msg="café refused"\n'


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", LOG.encode()),
        ("utf-8-sig", b"\xef\xbb\xbf" + LOG.encode()),
        ("utf-16-le", b"\xff\xfe" + LOG.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + LOG.encode("utf-16-be")),
        ("utf-16-le", LOG.encode("utf-16-le")),
        ("cp1252", LOG.encode("cp1252")),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "cp1252"],
)
def test_encodings(read_text: Callable[..., ReadResult], encoding: str, data: bytes) -> None:
    result = read_text("connector.log", data)
    row = result.events.row(0, named=True)
    assert row["connector"] == "ADCS"
    assert row["raw"] == LOG.rstrip("\n")
    assert row["level"] == "error"


def test_nul_bytes_are_dropped(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("x.log", b"2026-11-20T10:15:02Z INFO a\x00b\n")
    assert result.events["message"].to_list() == ["ab"]


def test_gz_and_zip_members(tmp_path: Path) -> None:
    (tmp_path / "bot.log.gz").write_bytes(gzip.compress(LOG.encode()))
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("logs/connector.log", LOG)
        archive.writestr("logs/orders.csv", "order_id,status\nORD-1,Failed\n")
        archive.writestr("nested/agent.log.gz", gzip.compress(LOG.encode()))
        archive.writestr("../evil.log", LOG)
    result = read_logs([tmp_path])
    assert_accounted(result)
    paths = [r.path for r in result.files]
    base = str(tmp_path)
    assert paths == [
        f"{base}/bot.log.gz",
        f"{base}/export.zip!logs/connector.log",
        f"{base}/export.zip!logs/orders.csv",
        f"{base}/export.zip!nested/agent.log.gz",
    ]
    assert [r.kind for r in result.files] == [Kind.BOT, Kind.CONNECTOR, Kind.ORDER, Kind.BOT]
    assert result.events.filter(source_file=f"{base}/export.zip!logs/orders.csv")[
        "state"
    ].to_list() == ["failed"]
    assert any(
        d.code == "input.unsafe-path" and "evil" in str(d.location) for d in result.diagnostics
    )


def test_zip_bomb_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover_module, "MAX_MEMBER_BYTES", 1000)
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.log", "A" * 100_000)
    (tmp_path / "big.log.gz").write_bytes(gzip.compress(b"B" * 100_000))
    result = read_logs([tmp_path])
    codes = [d.code for d in result.diagnostics]
    assert codes.count("input.too-large") == 2
    assert result.nothing_read


@pytest.mark.parametrize(
    ("name", "data", "code", "skipped"),
    [
        ("empty.log", b"", "input.empty", "empty file"),
        ("image.log", bytes(range(256)) * 40, "input.binary", "binary file"),
        ("broken.log.gz", b"\x1f\x8bnot really gzip", "input.corrupt-gz", "unreadable"),
        ("broken.zip", b"PK\x03\x04garbage", "input.corrupt-zip", None),
    ],
)
def test_unreadable_inputs_are_named(
    tmp_path: Path, name: str, data: bytes, code: str, skipped: str | None
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "good.log").write_text(LOG, encoding="utf-8")
    result = read_logs([tmp_path])
    assert_accounted(result)
    problem = next(d for d in result.diagnostics if d.code == code)
    assert name in problem.location.path
    assert result.events.height == 1
    if skipped:
        assert next(r for r in result.files if name in r.path).skipped == skipped


def test_unreadable_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    path = tmp_path / "locked.log"
    path.write_text(LOG, encoding="utf-8")
    path.chmod(0)
    result = read_logs([path])
    assert result.diagnostics[0].code == "input.unreadable"


def test_documentation_is_skipped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes\n\nnot a log\n", encoding="utf-8")
    result = read_logs([tmp_path])
    report = only(result)
    assert (report.skipped, report.lines, report.skipped_lines) == (
        "not a log: documentation",
        3,
        3,
    )
    assert result.nothing_read is False


def test_symlinks_outside_the_folder_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.log").write_text(LOG, encoding="utf-8")
    inside = tmp_path / "input"
    inside.mkdir()
    (inside / "a.log").write_text(LOG, encoding="utf-8")
    (inside / "link.log").symlink_to(outside / "secret.log")
    (inside / "dir").symlink_to(outside)
    (inside / "loop").symlink_to(inside)
    result = read_logs([inside])
    assert [Path(r.path).name for r in result.files] == ["a.log"]
    refused = [d for d in result.diagnostics if d.code == "input.symlink-outside"]
    assert sorted(Path(d.location.path).name for d in refused) == ["dir", "link.log"]


def test_kind_prefix_and_option(tmp_path: Path) -> None:
    path = tmp_path / "misc.log"
    path.write_text(LOG, encoding="utf-8")
    by_prefix = read_logs([f"bot:{path}"])
    assert (only(by_prefix).kind, only(by_prefix).confidence) == (Kind.BOT, "high")
    forced = read_logs([path], ReadOptions(kind=Kind.ORDER))
    assert only(forced).kind == Kind.ORDER
    assert forced.events["kind"].to_list() == ["order"]


def test_missing_path_and_nothing_read(tmp_path: Path) -> None:
    result = read_logs([tmp_path / "nope.log"])
    assert result.nothing_read
    assert result.diagnostics[0].code == "input.missing"
    assert result.events.columns == list(result.events.schema)


def test_progress_is_called_once_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(LOG * 3, encoding="utf-8")
    (tmp_path / "b.log").write_text(LOG, encoding="utf-8")
    seen: list[tuple[str, int]] = []
    read_logs([tmp_path], progress=lambda path, lines: seen.append((Path(path).name, lines)))
    assert seen == [("a.log", 3), ("b.log", 1)]


def test_the_largest_files_start_first_and_results_keep_input_order(tmp_path: Path) -> None:
    sizes = {"a-small.log": 1, "b-large.log.gz": 400, "c-medium.log": 40, "d-large.log": 300}
    for name, lines in sizes.items():
        data = "".join(LOG.replace("ADCS", f"{name}-{i}") for i in range(lines)).encode()
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    found = discover_module.discover([tmp_path], None)
    work = {Path(s.display).name: s.work for s in found.sources}
    # A gzipped file counts as about eight times its compressed size: work to do, not bytes read.
    assert work["b-large.log.gz"] == 8 * (tmp_path / "b-large.log.gz").stat().st_size
    assert work["d-large.log"] == (tmp_path / "d-large.log").stat().st_size
    assert work["d-large.log"] > work["c-medium.log"] > work["a-small.log"]
    read = read_logs([tmp_path])
    assert [Path(f.path).name for f in read.files] == sorted(sizes)
    assert [f.events for f in read.files] == [sizes[name] for name in sorted(sizes)]
    files = read.events.get_column("source_file").to_list()
    assert files == sorted(files)
