"""Bytes to text: UTF-8 (± BOM), UTF-16 (± BOM) and a lossless fallback; never raises."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

# Share of control bytes above which a file is not text at all (images, executables, keystores).
_BINARY_SHARE = 0.10
_SAMPLE = 64 * 1024
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1b")
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROLS)


@dataclass(frozen=True)
class Decoded:
    """The text of a file, the encoding it was read with, and what to tell the user about it."""

    text: str
    encoding: str
    binary: bool = False
    note: str | None = None  # a lossy or guessed decoding, worth one diagnostic


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM shows NULs on every other byte (ASCII-range characters)."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul = even.count(0) / len(even)
    odd_nul = odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def is_binary(sample: bytes) -> bool:
    """Mostly non-text bytes: NULs or C0 controls other than white space."""
    if not sample:
        return False
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls / len(sample) > _BINARY_SHARE


def decode(data: bytes) -> Decoded:
    """Decode `data`; NUL characters are dropped so that no later stage chokes on them."""
    if data.startswith(codecs.BOM_UTF8):
        return _finish(data[3:], "utf-8-sig")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        return _finish(data[2:], encoding)
    sample = data[:_SAMPLE]
    guessed = _utf16_without_bom(sample)
    if guessed is not None:
        return _finish(data, guessed, note=f"no byte-order mark; read as {guessed.upper()}")
    if is_binary(sample):
        return Decoded(text="", encoding="binary", binary=True)
    return _finish(data, "utf-8")


def _mostly_utf8(data: bytes) -> bool:
    """More valid multi-byte UTF-8 characters than broken sequences: UTF-8 with damage, not a
    single-byte code page (where every accented letter is a broken sequence)."""
    replaced = data.decode("utf-8", errors="replace")
    broken = replaced.count("\ufffd")
    valid = len(replaced.encode("utf-8")) - len(replaced) - 2 * broken  # extra bytes of others
    return valid > broken


def _finish(data: bytes, encoding: str, note: str | None = None) -> Decoded:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding.startswith("utf-16"):
            text = data.decode(encoding, errors="replace")
            note = f"not valid {encoding.upper()}; undecodable bytes replaced with U+FFFD"
        elif _mostly_utf8(data):
            # A UTF-8 file with a few broken bytes (a cut multi-byte character, a stray byte):
            # reading it all as cp1252 would garble every accented letter in it.
            text = data.decode(encoding, errors="backslashreplace")
            note = "not valid UTF-8 in places; undecodable bytes kept as \\xNN escapes"
        else:
            # cp1252 covers Windows exports; latin-1 maps every byte, so nothing is ever lost.
            try:
                text, encoding = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "latin-1"
            note = f"not valid UTF-8; read as {encoding} (every byte kept)"
    if "\x00" in text:
        text = text.replace("\x00", "")
        note = (note + "; " if note else "") + "NUL bytes removed"
    return Decoded(text=text, encoding=encoding, note=note)
