"""Input discovery: folders (recursively), .gz and .zip members, with size limits and no escapes."""

from __future__ import annotations

import gzip
import io
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from analyzer.errors import Diagnostic, Location
from analyzer.schema import Kind

# A single decompressed input larger than this is refused: a zip or gzip bomb, or not a log export.
MAX_MEMBER_BYTES = 1 << 30
# Log text deflates 5-20x (sample_logs: 4.5-16x; ~50x when whole files repeat); a bomb of zeros
# ~1000x. Past RATIO_FLOOR bytes, a member expanding more than MAX_RATIO times is refused.
MAX_RATIO = 200
RATIO_FLOOR = 64 << 20
# Everything one archive may expand to, its members together.
MAX_ARCHIVE_BYTES = 4 << 30
_CHUNK = 1 << 20
# C0, DEL, C1 and bidi overrides: a file name carrying them could drive the user's terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class TooLarge(Exception):
    """A decompressed stream went past its limit (MAX_MEMBER_BYTES, or MAX_RATIO times its size)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def printable(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`), safe to print anywhere."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _expansion_limit(compressed: int) -> int:
    return min(MAX_MEMBER_BYTES, max(RATIO_FLOOR, MAX_RATIO * compressed))


@dataclass(frozen=True)
class Source:
    """One logical input file: a path on disk, a gz payload, or a zip member (`a.zip!b.log`)."""

    display: str
    name: str  # the file name the sniffer looks at (`.gz` removed)
    load: Callable[[], bytes]
    year: int  # the year syslog timestamps belong to (file modification time)
    kind: Kind | None = None
    work: int = 0  # about how many bytes there are to parse: the largest files are read first


def _read_limited(stream: IO[bytes] | gzip.GzipFile, limit: int = MAX_MEMBER_BYTES) -> bytes:
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)


def _gunzip(data: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        return _read_limited(stream, _expansion_limit(len(data)))


_GZIP_EXPANSION = 8


def _year(path: Path) -> int:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).year
    except OSError:
        return datetime.now(tz=UTC).year


def _problem(display: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code=code, message=message, location=Location(display), hint=hint)


@dataclass
class Discovery:
    """What discovery found: the sources in a stable order, and every input it could not open."""

    sources: list[Source]
    diagnostics: list[Diagnostic]


def _member_problem(info: zipfile.ZipInfo, expanded: int) -> str | None:
    """Why a member is refused before reading it. Declared sizes are safe to trust: zipfile
    never returns more than `file_size` bytes and fails the CRC when the data holds more."""
    if info.file_size > MAX_MEMBER_BYTES:
        return f"member expands to {info.file_size} bytes, over the limit; not read"
    if info.file_size > _expansion_limit(info.compress_size):
        ratio = info.file_size // max(info.compress_size, 1)
        return (
            f"member expands {ratio}x ({info.compress_size} to {info.file_size} bytes), "
            f"over the {MAX_RATIO}x limit (zip bomb?); not read"
        )
    if expanded + info.file_size > MAX_ARCHIVE_BYTES:
        return f"the archive expands to more than {MAX_ARCHIVE_BYTES} bytes in all; not read"
    return None


def _zip_members(path: Path, display: str, kind: Kind | None, out: Discovery) -> None:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        out.diagnostics.append(
            _problem(
                display,
                "input.corrupt-zip",
                f"cannot open the zip archive ({printable(str(exc))})",
                "re-export the archive or unzip it and pass the folder",
            )
        )
        return
    expanded = 0
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        member = PurePosixPath(info.filename.replace("\\", "/"))
        shown = f"{display}!{printable(info.filename)}"
        if member.is_absolute() or ".." in member.parts or re.match(r"[A-Za-z]:", str(member)):
            out.diagnostics.append(
                _problem(shown, "input.unsafe-path", "zip member path leaves the archive; not read")
            )
            continue
        refused = _member_problem(info, expanded)
        if refused is not None:
            out.diagnostics.append(_problem(shown, "input.too-large", refused))
            continue
        expanded += info.file_size

        def load(info: zipfile.ZipInfo = info) -> bytes:
            with zipfile.ZipFile(path) as again, again.open(info) as stream:
                data = _read_limited(stream)
            return _gunzip(data) if info.filename.endswith(".gz") else data

        name = member.name.removesuffix(".gz")
        work = _work(info.file_size, gzipped=info.filename.endswith(".gz"))
        out.sources.append(Source(shown, name, load, info.date_time[0], kind, work))


def _one_file(path: Path, display: str, kind: Kind | None, out: Discovery) -> None:
    display = printable(display)
    if path.suffix.lower() == ".zip":
        _zip_members(path, display, kind, out)
        return
    gzipped = path.suffix.lower() == ".gz"
    try:
        work = _work(path.stat().st_size, gzipped=gzipped)
    except OSError:
        work = 0  # reading it will say what is wrong
    if gzipped:

        def unpack() -> bytes:
            return _gunzip(path.read_bytes())

        out.sources.append(Source(display, path.name[:-3], unpack, _year(path), kind, work))
        return
    out.sources.append(Source(display, path.name, path.read_bytes, _year(path), kind, work))


def _work(size: int, *, gzipped: bool) -> int:
    """Bytes to parse, roughly: gzipped logs expand about eightfold."""
    return size * _GZIP_EXPANSION if gzipped else size


def _walk(root: Path) -> Iterator[Path]:
    """Files under `root` in name order, symlinked folders included (never walked into: one
    pointing inside the folder is read through its real path, one pointing outside is refused)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        base = Path(folder)
        entries = sorted([*files, *(d for d in dirs if (base / d).is_symlink())])
        for name in entries:
            yield base / name


def _symlink_problem(link: Path, real_root: Path) -> Diagnostic | None:
    """Why a symbolic link found in an input folder is not followed, if it is not."""
    try:
        if link.resolve().is_relative_to(real_root):
            return None
    except (OSError, RuntimeError):  # a loop: RuntimeError on Python 3.11, OSError later
        return _problem(
            printable(str(link)), "input.bad-symlink", "symbolic link loop; not followed"
        )
    return _problem(
        printable(str(link)),
        "input.symlink-outside",
        "symbolic link points outside the input folder; not followed",
        "pass its target explicitly if it belongs to the export",
    )


def split_kind(argument: str) -> tuple[Kind | None, str]:
    """`connector:logs/a.log` → (Kind.CONNECTOR, "logs/a.log"); anything else is a plain path."""
    head, sep, tail = argument.partition(":")
    if sep and head in {k.value for k in Kind} and tail:
        return Kind(head), tail
    return None, argument


def discover(arguments: list[str | Path], forced: Kind | None = None) -> Discovery:
    """Every readable input under the given paths; problems are collected, never raised."""
    out = Discovery(sources=[], diagnostics=[])
    for argument in arguments:
        kind, text = split_kind(argument) if isinstance(argument, str) else (None, str(argument))
        kind = forced or kind
        path = Path(text)
        if path.is_dir():
            real_root = path.resolve()
            for found in _walk(path):
                if found.is_symlink():
                    problem = _symlink_problem(found, real_root)
                    if problem is not None:
                        out.diagnostics.append(problem)
                        continue
                if found.is_dir():  # a symlinked folder inside the input: read through its path
                    continue
                if found.exists() and not found.is_file():  # a FIFO would block the run forever
                    out.diagnostics.append(
                        _problem(
                            printable(str(found)),
                            "input.not-a-file",
                            "not a regular file (pipe, socket or device); not read",
                        )
                    )
                    continue
                _one_file(found, str(found), kind, out)
        elif path.exists():
            _one_file(path, text, kind, out)
        else:
            out.diagnostics.append(
                _problem(
                    printable(text),
                    "input.missing",
                    "no such file or folder",
                    "check the path; quote it if it contains spaces",
                )
            )
    return out


def load(source: Source) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of one source, or the reason it cannot be read."""
    try:
        return source.load(), None
    except TooLarge as exc:
        reason = f"decompresses to more than {exc.limit} bytes (zip bomb?); not read"
        return None, _problem(source.display, "input.too-large", reason)
    except (gzip.BadGzipFile, zlib.error, lzma.LZMAError, EOFError) as exc:
        return None, _problem(
            source.display,
            "input.corrupt-gz",
            f"corrupt compressed data ({printable(str(exc))})",
            "re-export or re-download it",
        )
    except zipfile.BadZipFile as exc:
        reason = f"corrupt zip member ({printable(str(exc))})"
        return None, _problem(source.display, "input.corrupt-zip", reason)
    except (NotImplementedError, RuntimeError) as exc:  # zipfile: encrypted, unknown method
        reason = f"cannot read this zip member ({printable(str(exc))})"
        return None, _problem(source.display, "input.unsupported-zip", reason, "unzip it first")
    except OSError as exc:
        return None, _problem(
            source.display,
            "input.unreadable",
            f"cannot read the file ({exc.strerror or exc})",
            "check its permissions",
        )
