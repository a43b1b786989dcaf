"""Certificate serials: read every written form, and name why a revoked serial matches no record."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import polars as pl

_SEPARATORS = re.compile(r"[\s:\-]")
_HEX = re.compile(r"^[0-9a-f]+$")


@dataclass(frozen=True, slots=True)
class IssuedSerial:
    """A certificate the export shows as issued: serial as logged, order and connector."""

    serial: str
    order_id: str | None
    connector: str | None


@dataclass(frozen=True, slots=True)
class SerialVerdict:
    """Why a sent serial does not match: the cause id and the exact finding text."""

    cause: str
    text: str
    order_id: str | None = None


def hex_digits(text: str) -> str | None:
    """The hex digits of a serial (`0x`, colons, spaces, case removed), or None if it is not hex."""
    digits = _SEPARATORS.sub("", text.strip().lower()).removeprefix("0x")
    return digits if digits and _HEX.match(digits) else None


def serial_value(text: str) -> int | None:
    """The integer a serial denotes, reading it as hex (how CAs print serials)."""
    digits = hex_digits(text)
    return int(digits, 16) if digits is not None else None


def reversed_bytes(digits: str) -> int:
    """The serial read with its bytes in the opposite order (little-endian exports)."""
    padded = digits if len(digits) % 2 == 0 else "0" + digits
    return int.from_bytes(bytes.fromhex(padded)[::-1], "big")


def serial_key(serial: pl.Expr) -> pl.Expr:
    """The index key of a serial column: its hex digits without leading zeros; null unless hex."""
    digits = serial.str.to_lowercase().str.replace_all(r"[\s:\-]", "").str.strip_prefix("0x")
    return (
        pl.when(digits.str.contains(r"^[0-9a-f]+$"))
        .then(digits.str.strip_chars_start("0").replace("", "0"))
        .otherwise(None)
    )


def spellings(serials: pl.Series, keys: Collection[str]) -> pl.Series:
    """The distinct values of `serials` whose index key is one of `keys`.

    Each spelling is normalised once, however many events repeat it.
    """
    return (
        serials.unique()
        .to_frame("serial")
        .lazy()
        .with_columns(serial_key(pl.col("serial")).alias("_key"))
        .filter(pl.col("_key").is_in(list(keys)))
        .collect()
        .get_column("serial")
    )


def _readings(digits: str) -> tuple[int, int | None, int]:
    """What a sent serial may denote: read as hex, as decimal (digits only), with bytes reversed."""
    return int(digits, 16), int(digits) if digits.isdigit() else None, reversed_bytes(digits)


def lookup_keys(sent: str) -> list[str]:
    """The index keys `compare_serial` may look up for a sent serial (none when it is not hex)."""
    digits = hex_digits(sent)
    if digits is None:
        return []
    return [format(value, "x") for value in _readings(digits) if value is not None]


class SerialIndex:
    """Issued certificates keyed by the value of their serial (hex digits, no leading zeros)."""

    def __init__(self, issued: Iterable[IssuedSerial] = ()) -> None:
        self._by_value: dict[str, IssuedSerial] = {}
        for rec in issued:
            value = serial_value(rec.serial)
            if value is not None:
                self._by_value.setdefault(format(value, "x"), rec)

    @classmethod
    def from_frame(cls, issued: pl.DataFrame) -> SerialIndex:
        """Built from a frame of (serial, order_id, connector), normalised in Polars, not per row."""
        first = (
            issued.with_columns(serial_key(pl.col("serial")).alias("_key"))
            .filter(pl.col("_key").is_not_null())
            .unique(subset="_key", keep="first", maintain_order=True)
        )
        index = cls()
        index._by_value = {
            key: IssuedSerial(serial, order_id, connector)
            for key, serial, order_id, connector in first.select(
                "_key", "serial", "order_id", "connector"
            ).iter_rows()
        }
        return index

    def get(self, value: int | None) -> IssuedSerial | None:
        return self._by_value.get(format(value, "x")) if value is not None else None


def compare_serial(
    sent: str, connector: str | None, issued: Iterable[IssuedSerial] | SerialIndex
) -> SerialVerdict | None:
    """Compare a failed revocation's serial with the issued ones; None when it matches exactly."""
    index = issued if isinstance(issued, SerialIndex) else SerialIndex(issued)
    digits = hex_digits(sent)
    if digits is None:
        return SerialVerdict(
            "revocation.serial_mismatch", f"serial `{sent}` is neither hex nor decimal"
        )
    value, decimal, swapped = _readings(digits)
    rec = index.get(value)
    if rec is not None:
        if rec.connector and connector and rec.connector != connector:
            text = (
                f"serial belongs to order {rec.order_id} issued under another CA account "
                f"(connector {rec.connector})"
            )
            return SerialVerdict("revocation.issued_elsewhere", text, rec.order_id)
        theirs = hex_digits(rec.serial) or ""
        if theirs.startswith("00") and not digits.startswith("00"):
            text = f"leading 00 dropped: sent `{sent}`, the CA's record is `{rec.serial}`"
            return SerialVerdict("revocation.serial_mismatch", text, rec.order_id)
        return None
    rec = index.get(decimal)
    if rec is not None:
        text = f"decimal sent where hex expected: `{sent}` is `{rec.serial}`"
        return SerialVerdict("revocation.serial_mismatch", text, rec.order_id)
    rec = index.get(swapped) if swapped != value else None
    if rec is not None:
        text = f"byte order reversed: sent `{sent}`, the CA's record is `{rec.serial}`"
        return SerialVerdict("revocation.serial_mismatch", text, rec.order_id)
    return SerialVerdict(
        "revocation.serial_mismatch", f"no certificate with serial `{sent}` in the export"
    )
