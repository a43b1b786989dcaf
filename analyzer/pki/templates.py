"""Template names: the documented platform-to-CA mapping and the near-miss a not-found name is."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from analyzer.errors import ConfigError, Diagnostic, Location

# Below this similarity (0-100, on normalised names) a guess would mislead more than help.
THRESHOLD = 92.0
# The runner-up must trail the best guess by this much, or the guess is ambiguous.
MARGIN = 3.0

_PUNCT = re.compile(r"[\s_\-.()/\\]+")
_VERSION = re.compile(r"[\s_\-.]*v(?:ersion)?[\s_\-.]*\d+$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    """One documented mapping: the platform's name, the CA's internal name, display names."""

    platform: str
    ca: str
    display: tuple[str, ...] = ()
    connector: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A confident guess at the template a not-found name meant, and where the guess comes from."""

    name: str
    score: float
    source: str


def load_template_map(path: Path) -> tuple[TemplateEntry, ...]:
    """Read `[[template]]` tables with `platform`, `ca`, optional `display` list and `connector`."""
    loc = Location(str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        msg = f"cannot read template map: {exc}"
        raise ConfigError(Diagnostic("template-map", msg, loc)) from None
    entries, problems = [], []
    for i, row in enumerate(data.get("template", []), start=1):
        entry = _entry(row)
        if entry is None:
            msg = f"template #{i}: needs `platform` and `ca` strings, `display` a list of strings"
            problems.append(Diagnostic("template-map", msg, loc))
        else:
            entries.append(entry)
    if problems:
        raise ConfigError(problems)
    return tuple(entries)


def _entry(row: object) -> TemplateEntry | None:
    if not isinstance(row, dict):
        return None
    platform, ca = row.get("platform"), row.get("ca")
    display, connector = row.get("display", []), row.get("connector")
    if not (isinstance(platform, str) and isinstance(ca, str) and isinstance(display, list)):
        return None
    if not all(isinstance(d, str) for d in display) or not isinstance(connector, str | None):
        return None
    return TemplateEntry(platform, ca, tuple(display), connector)


def normalise(name: str, *, version: bool = True) -> str:
    """Case, spaces, hyphens, underscores, dots removed; a ` v2` suffix too unless `version`."""
    text = name.strip() if version else _VERSION.sub("", name.strip())
    return _PUNCT.sub("", text.lower())


def suggest_template(
    name: str,
    issued: Iterable[str],
    mapping: Sequence[TemplateEntry] = (),
    *,
    connector: str | None = None,
    threshold: float = THRESHOLD,
) -> Suggestion | None:
    """The template `name` most likely meant, only when the guess is confident and unambiguous."""
    aliases: dict[str, tuple[str, str]] = {}
    for entry in mapping:
        if entry.connector in {None, connector}:
            for alias in (entry.ca, entry.platform, *entry.display):
                aliases.setdefault(alias, (entry.ca, "template map"))
    for known in issued:
        via = f"issued on connector {connector}" if connector else "issued in this export"
        aliases[known] = (known, via)
    targets = {target for target, _ in aliases.values()}
    if name in targets:
        return None
    scored = sorted(
        ((_score(name, alias), target, via) for alias, (target, via) in aliases.items()),
        key=lambda s: (-s[0], s[1]),
    )
    if not scored or scored[0][0] < threshold:
        return None
    best, target, via = scored[0]
    if any(score > best - MARGIN and other != target for score, other, _ in scored[1:]):
        return None
    return Suggestion(target, best, via)


def _score(name: str, alias: str) -> float:
    if name == alias:
        return 100.0
    if normalise(name) == normalise(alias):
        return 99.0
    loose, other = normalise(name, version=False), normalise(alias, version=False)
    if loose == other:
        return 98.0
    # A different number is a different template (key size, validity), however similar the text.
    if _DIGITS.findall(loose) != _DIGITS.findall(other):
        return 0.0
    return float(fuzz.ratio(loose, other))
