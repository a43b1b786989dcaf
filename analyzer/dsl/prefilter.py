"""Literal substrings a regex cannot match without: one Aho-Corasick pass skips most rows."""

from __future__ import annotations

import re

from analyzer.dsl import ast

MIN_LITERAL = 3
_INLINE_FLAGS = re.compile(r"\(\?[a-zA-Z-]+[:)]")
_GROUP_PREFIX = re.compile(r"\?(:|P?<[A-Za-z_][A-Za-z0-9_]*>)")
_BREAKING_ESCAPES = set("dDwWsSbBAzZ")  # classes and anchors: end a literal run, consume nothing


def required_literals(regex: ast.Regex) -> tuple[tuple[str, ...], bool] | None:
    """Words of which every match contains one, and whether to compare ignoring ASCII case.

    Reads top-level alternations, groups and concatenations; a branch contributes its best
    required factor (a literal run or a required group). None when unsure: a prefilter must
    never drop a row the regex would match.
    """
    if "x" in regex.flags or "U" in regex.flags or _INLINE_FLAGS.search(regex.pattern):
        return None
    fold = "i" in regex.flags
    words = _any_of(regex.pattern)
    if not words or (fold and not all(w.isascii() for w in words)):
        return None
    return tuple(sorted(words)), fold


def _any_of(pattern: str) -> set[str] | None:
    found: set[str] = set()
    for branch in _split(pattern):
        words = _sequence(branch)
        if words is None:
            return None
        found |= words
    return found


def _split(pattern: str) -> list[str]:
    """Top-level branches of an alternation (escapes, classes and groups respected)."""
    branches, start, depth, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i) or len(pattern)
            continue
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*branches, pattern[start:]]


def _sequence(branch: str) -> set[str] | None:
    """The best required factor of a concatenation: the set whose shortest word is longest."""
    factors: list[set[str]] = []
    run = ""
    i = 0
    while i < len(branch):
        ch = branch[i]
        atom: str | set[str] | None = None  # a literal char, a required group's words, or nothing
        if ch == "\\":
            nxt = branch[i + 1 : i + 2]
            if nxt.isalnum() and nxt not in _BREAKING_ESCAPES:
                return None  # \x41, \p{L}, \1 ...: not worth reading
            atom = nxt if nxt not in _BREAKING_ESCAPES else None
            i += 2
        elif ch == "[":
            end = _class_end(branch, i)
            if end is None:
                return None
            i = end
        elif ch == "(":
            end = _group_end(branch, i)
            if end is None:
                return None
            inner = _GROUP_PREFIX.sub("", branch[i + 1 : end - 1], count=1)
            atom = _any_of(inner) or None
            i = end
        elif ch in ".^$":
            i += 1
        elif ch in ")?*+{|":
            return None  # a quantifier with nothing before it, or unbalanced: unsure
        else:
            atom = ch
            i += 1
        optional, repeated, i = _quantifier(branch, i)
        if isinstance(atom, str) and not optional:
            run += atom
            if not repeated:
                continue
        factors.append({run} if run else set())
        run = ""
        if isinstance(atom, set) and not optional:
            factors.append(atom)
    factors.append({run} if run else set())
    usable = [f for f in factors if f and min(len(w) for w in f) >= MIN_LITERAL]
    return max(usable, key=lambda f: min(len(w) for w in f), default=None)


def _quantifier(text: str, i: int) -> tuple[bool, bool, int]:
    """(optional, repeated, index after) for the quantifier at i, if any (lazy `?` included)."""
    ch = text[i : i + 1]
    if ch in ("?", "*", "+"):
        end = i + 1 + (text[i + 1 : i + 2] == "?")
        return ch != "+", True, end
    if ch == "{":
        close = text.find("}", i)
        if close < 0:
            return True, True, len(text)
        low = text[i + 1 : close].split(",", maxsplit=1)[0].strip()
        return (
            not low.isdigit() or int(low) == 0,
            True,
            close + 1 + (text[close + 1 : close + 2] == "?"),
        )
    return False, False, i


def _group_end(pattern: str, start: int) -> int | None:
    """The index after the `)` closing the group opened at `start`."""
    depth, i = 0, start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            end = _class_end(pattern, i)
            if end is None:
                return None
            i = end
            continue
        depth += ch == "("
        depth -= ch == ")"
        i += 1
        if depth == 0:
            return i
    return None


def _class_end(pattern: str, start: int) -> int | None:
    """The index after the `]` closing the class opened at `start` (nested sets, escapes)."""
    depth = 0
    i = start
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":  # a leading `]` is a literal member
                i += 1
            continue
        if ch == "]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None
