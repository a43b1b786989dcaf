"""Input discovery: folders (recursively), .gz and .zip members, with size limits and no escapes."""

from __future__ import annotations

import gzip
import io
import os
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
_CHUNK = 1 << 20


class TooLarge(Exception):
    """A decompressed stream went past MAX_MEMBER_BYTES."""


@dataclass(frozen=True)
class Source:
    """One logical input file: a path on disk, a gz payload, or a zip member (`a.zip!b.log`)."""

    display: str
    name: str  # the file name the sniffer looks at (`.gz` removed)
    load: Callable[[], bytes]
    year: int  # the year syslog timestamps belong to (file modification time)
    kind: Kind | None = None


def _read_limited(stream: IO[bytes] | gzip.GzipFile) -> bytes:
    parts: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if total > MAX_MEMBER_BYTES:
            raise TooLarge
        parts.append(chunk)
    return b"".join(parts)


def _gunzip(data: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        return _read_limited(stream)


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


def _zip_members(path: Path, display: str, kind: Kind | None, out: Discovery) -> None:
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        out.diagnostics.append(
            _problem(
                display,
                "input.corrupt-zip",
                f"cannot open the zip archive ({exc})",
                "re-export the archive or unzip it and pass the folder",
            )
        )
        return
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir():
            continue
        member = PurePosixPath(info.filename.replace("\\", "/"))
        shown = f"{display}!{info.filename}"
        if member.is_absolute() or ".." in member.parts:
            out.diagnostics.append(
                _problem(shown, "input.unsafe-path", "zip member path leaves the archive; not read")
            )
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            out.diagnostics.append(
                _problem(
                    shown,
                    "input.too-large",
                    f"member expands to {info.file_size} bytes, over the limit; not read",
                )
            )
            continue

        def load(info: zipfile.ZipInfo = info) -> bytes:
            with zipfile.ZipFile(path) as again, again.open(info) as stream:
                data = _read_limited(stream)
            return _gunzip(data) if info.filename.endswith(".gz") else data

        name = member.name.removesuffix(".gz")
        out.sources.append(Source(shown, name, load, info.date_time[0], kind))


def _one_file(path: Path, display: str, kind: Kind | None, out: Discovery) -> None:
    if path.suffix.lower() == ".zip":
        _zip_members(path, display, kind, out)
        return
    if path.suffix.lower() == ".gz":
        out.sources.append(
            Source(display, path.name[:-3], lambda: _gunzip(path.read_bytes()), _year(path), kind)
        )
        return
    out.sources.append(Source(display, path.name, path.read_bytes, _year(path), kind))


def _walk(root: Path) -> Iterator[Path]:
    """Files under `root` in name order, symlinked folders included (never walked into: one
    pointing inside the folder is read through its real path, one pointing outside is refused)."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        base = Path(folder)
        entries = sorted([*files, *(d for d in dirs if (base / d).is_symlink())])
        for name in entries:
            yield base / name


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
                if found.is_dir():  # a symlinked folder
                    if not found.resolve().is_relative_to(real_root):
                        out.diagnostics.append(
                            _problem(
                                str(found),
                                "input.symlink-outside",
                                "symbolic link points outside the input folder; not followed",
                                "pass its target explicitly if it belongs to the export",
                            )
                        )
                    continue
                if found.is_symlink() and not found.resolve().is_relative_to(real_root):
                    out.diagnostics.append(
                        _problem(
                            str(found),
                            "input.symlink-outside",
                            "symbolic link points outside the input folder; not followed",
                            "pass its target explicitly if it belongs to the export",
                        )
                    )
                    continue
                _one_file(found, str(found), kind, out)
        elif path.exists():
            _one_file(path, text, kind, out)
        else:
            out.diagnostics.append(
                _problem(
                    text,
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
    except TooLarge:
        reason = f"decompresses to more than {MAX_MEMBER_BYTES} bytes (zip bomb?); not read"
        return None, _problem(source.display, "input.too-large", reason)
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        return None, _problem(
            source.display,
            "input.corrupt-gz",
            f"corrupt compressed data ({exc})",
            "re-export or re-download it",
        )
    except zipfile.BadZipFile as exc:
        return None, _problem(source.display, "input.corrupt-zip", f"corrupt zip member ({exc})")
    except OSError as exc:
        return None, _problem(
            source.display,
            "input.unreadable",
            f"cannot read the file ({exc.strerror or exc})",
            "check its permissions",
        )
