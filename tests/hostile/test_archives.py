"""Archives and folders that attack the reader: bombs, escaping member names, symlinks, pipes."""

from __future__ import annotations

import gzip
import os
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.readers import discover as discover_module
from analyzer.readers import read_logs
from tests.hostile.conftest import CORPUS, cli
from tests.readers.conftest import assert_accounted

LOG = b'2026-11-20T10:15:02Z ERROR [bot] order_id=ORD-1 result=failed msg="frobnicator"\n'


_CHUNK = 1 << 20
_ZEROS = bytes(_CHUNK)


def _zeros(total: int) -> Iterator[bytes]:
    for _ in range(total // _CHUNK):
        yield _ZEROS


class _ZeroDeflater:
    """zipfile's compressor for chunks of zeros: after a full flush deflate starts afresh, so
    every chunk deflates to the same bytes. Replaying them builds a 1 GiB bomb in a second
    instead of deflating 1 GiB (~8 s); the archive is byte for byte what zlib would write."""

    def __init__(self) -> None:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block = deflate.compress(_ZEROS) + deflate.flush(zlib.Z_FULL_FLUSH)

    def compress(self, data: bytes) -> bytes:
        assert data == _ZEROS
        return self.block

    def flush(self) -> bytes:
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # the final empty block


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~1 MB zip whose member expands to 1 GiB of zeros, next to one honest member."""
    folder = tmp_path_factory.mktemp("bomb")
    with zipfile.ZipFile(folder / "export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(zipfile, "_get_compressor", lambda *_: _ZeroDeflater())
            with archive.open("logs/bomb-bot.log", "w", force_zip64=True) as member:
                for chunk in _zeros(1 << 30):  # streamed: never 1 GiB in memory
                    member.write(chunk)
        archive.writestr("logs/honest-bot.log", LOG)
    with (
        zipfile.ZipFile(folder / "export.zip") as archive,
        archive.open("logs/bomb-bot.log") as member,
    ):
        assert member.read(_CHUNK) == _ZEROS  # a valid member, as the test claims
    return folder


def test_zip_bomb_member_is_refused_before_it_is_read(bomb: Path) -> None:
    size = (bomb / "export.zip").stat().st_size
    assert size < 3 << 20  # the test builds what it claims: ~1000x compression
    result = read_logs([bomb])
    assert_accounted(result)
    refused = [d for d in result.diagnostics if d.code == "input.too-large"]
    assert [str(d.location) for d in refused] == [f"{bomb}/export.zip!logs/bomb-bot.log"]
    assert "over the 200x limit (zip bomb?)" in refused[0].message
    assert [r.path for r in result.files] == [f"{bomb}/export.zip!logs/honest-bot.log"]
    assert result.events.height == 1


def test_zip_bomb_through_the_cli_exits_0_and_names_it(bomb: Path) -> None:
    run = cli("parse", str(bomb))
    assert run.code == 0
    assert "export.zip!logs/bomb-bot.log: error[input.too-large]" in run.stdout


def test_gzip_bomb_stops_at_the_ratio_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discover_module, "RATIO_FLOOR", 1 << 20)
    with gzip.open(tmp_path / "bomb-bot.log.gz", "wb") as out:
        for chunk in _zeros(16 << 20):
            out.write(chunk)
    (tmp_path / "honest-bot.log").write_bytes(LOG)
    result = read_logs([tmp_path])
    assert_accounted(result)
    (problem,) = [d for d in result.diagnostics if d.code == "input.too-large"]
    assert problem.location.path.endswith("bomb-bot.log.gz")
    assert "zip bomb?" in problem.message
    assert result.events.height == 1


def test_archive_total_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(discover_module, "MAX_ARCHIVE_BYTES", 3 * len(LOG))
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as archive:
        for index in range(5):
            archive.writestr(f"bot-{index}.log", LOG)
    result = read_logs([tmp_path])
    assert_accounted(result)
    assert [r.path.rpartition("!")[2] for r in result.files] == [
        "bot-0.log",
        "bot-1.log",
        "bot-2.log",
    ]
    refused = [d for d in result.diagnostics if d.code == "input.too-large"]
    assert [d.location.path.rpartition("!")[2] for d in refused] == ["bot-3.log", "bot-4.log"]
    assert all("in all; not read" in d.message for d in refused)


@pytest.mark.parametrize(
    "member",
    [
        "../../escaped-bot.log",
        "logs/../../escaped-bot.log",
        "/tmp/absolute-bot.log",
        "..\\..\\windows-bot.log",
        "C:/windows/drive-bot.log",
    ],
)
def test_zip_member_leaving_the_archive_is_neither_read_nor_written(
    tmp_path: Path, member: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.chdir(run_dir)
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr(member, LOG)
        archive.writestr("ok-bot.log", LOG)
    before = set(tmp_path.rglob("*"))
    result = read_logs([tmp_path / "evil.zip"])
    assert_accounted(result)
    assert set(tmp_path.rglob("*")) == before  # nothing extracted, anywhere
    assert not Path("/tmp/absolute-bot.log").exists()
    unsafe = [d for d in result.diagnostics if d.code == "input.unsafe-path"]
    assert [d.location.path for d in unsafe] == [f"{tmp_path}/evil.zip!{member}"]
    assert [r.path for r in result.files] == [f"{tmp_path}/evil.zip!ok-bot.log"]


def test_zip_symlink_member_is_read_as_text_not_followed(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link-bot.log")
    info.external_attr = 0o120777 << 16  # a Unix symlink entry whose target is /etc/passwd
    with zipfile.ZipFile(tmp_path / "links.zip", "w") as archive:
        archive.writestr(info, "/etc/passwd")
    result = read_logs([tmp_path / "links.zip"])
    assert_accounted(result)
    assert result.events["raw"].to_list() == ["/etc/passwd"]
    assert not result.events.filter(result.events["raw"].str.contains("root:")).height


def test_symlinks_out_of_the_folder_loops_and_pipes(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret-bot.log").write_bytes(b"OUTSIDE-MARKER " + LOG)
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "bot.log").write_bytes(LOG)
    (logs / "out-file.log").symlink_to(outside / "secret-bot.log")
    (logs / "out-dir").symlink_to(outside)
    (logs / "abs.log").symlink_to("/etc/passwd")
    (logs / "loop-a.log").symlink_to(logs / "loop-b.log")
    (logs / "loop-b.log").symlink_to(logs / "loop-a.log")
    (logs / "in-file.log").symlink_to(logs / "bot.log")
    os.mkfifo(logs / "pipe.log")  # reading it would block the run forever
    result = read_logs([logs])
    assert_accounted(result)
    codes = {
        Path(d.location.path).name: d.code for d in result.diagnostics if d.severity == "error"
    }
    assert codes == {
        "abs.log": "input.symlink-outside",
        "out-dir": "input.symlink-outside",
        "out-file.log": "input.symlink-outside",
        "loop-a.log": "input.bad-symlink",
        "loop-b.log": "input.bad-symlink",
        "pipe.log": "input.not-a-file",
    }
    assert sorted(Path(r.path).name for r in result.files) == ["bot.log", "in-file.log"]
    assert not result.events.filter(result.events["raw"].str.contains("OUTSIDE|root:")).height


def test_folder_of_only_corrupt_archives_exits_2_naming_each(tmp_path: Path) -> None:
    for name in ("truncated-bot.log.gz", "garbage-bot.log.gz", "not-a-zip.zip"):
        (tmp_path / name).write_bytes((CORPUS / name).read_bytes())
    for command in ("parse", "analyze"):
        run = cli(command, str(tmp_path))
        assert run.code == 2, run.both
        for name, code in (
            ("truncated-bot.log.gz", "input.corrupt-gz"),
            ("garbage-bot.log.gz", "input.corrupt-gz"),
            ("not-a-zip.zip", "input.corrupt-zip"),
        ):
            assert f"{tmp_path}/{name}: error[{code}]" in run.both, (command, name)


def test_one_readable_file_among_corrupt_ones_exits_0(tmp_path: Path) -> None:
    for name in ("truncated-bot.log.gz", "not-a-zip.zip"):
        (tmp_path / name).write_bytes((CORPUS / name).read_bytes())
    (tmp_path / "bot.log").write_bytes(LOG)
    for command in ("parse", "analyze"):
        assert cli(command, str(tmp_path)).code == 0, command
