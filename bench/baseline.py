"""The plain-Python baseline: a per-line loop applying every regex of the rule pack with `re`."""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

# Every `/regex/flags` literal of a rule file; used only when the project's API cannot load the pack.
_LITERAL = re.compile(r"(?<![\w)\]\"])/((?:[^/\\\n]|\\.)+)/([imsxU]*)")
_PROBE = "lorem ipsum 42"
_FLAGS_PREFIX = re.compile(r"^\(\?[a-zA-Z]+\)")
_LINE_FIELDS = frozenset({"message", "raw"})
_RUST_ONLY = (r"\p{", r"\P{", r"\pL", r"\pN", "[[:", r"\z", "(?U", "(?-u")


@dataclass(frozen=True)
class PackPatterns:
    """The distinct regexes of the pack in Rust syntax, and where they came from."""

    rust: tuple[str, ...]
    source: str  # "ruleset API" or "rule-file text (fallback)"
    rules: int
    excluded: tuple[tuple[str, str], ...] = ()  # (pattern, why it is not a line search)


@dataclass
class Converted:
    compiled: list[re.Pattern[str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rust pattern, reason)


def _walk(node: object) -> Iterator[object]:
    from analyzer.dsl import ast

    if isinstance(node, ast.And | ast.Or):
        yield from _walk(node.left)
        yield from _walk(node.right)
    elif isinstance(node, ast.Not):
        yield from _walk(node.operand)
    elif node is not None:
        yield node


def pack_patterns(rules_dir: Path | None = None) -> PackPatterns:
    """Every regex a rule's `when` condition uses (plus `contains`-style literals), as Rust regex."""
    try:
        from analyzer.dsl import ast
        from analyzer.dsl.compiler import resolve
        from analyzer.dsl.patterns import rust_pattern
        from analyzer.ruleset import load_ruleset

        ruleset = load_ruleset([rules_dir] if rules_dir else None)
    except Exception as error:  # the API is still being written: fall back to the files' text
        print(
            f"baseline: ruleset API unavailable ({error!r}); scanning rule files", file=sys.stderr
        )
        return _patterns_from_text(rules_dir or Path(__file__).resolve().parents[1] / "rules")
    seen: dict[str, None] = {}
    excluded: dict[str, str] = {}
    for rule in ruleset.rules:
        for leaf in _walk(rule.when):
            if isinstance(leaf, ast.Match):
                pattern = rust_pattern(resolve(leaf.regex, ruleset.patterns))
                why = _not_a_search(pattern, leaf.field.name)
                if why:
                    excluded[pattern] = why
                else:
                    seen[pattern] = None
            elif isinstance(leaf, ast.TextTest):
                seen[re.escape(leaf.value.value)] = None
    return PackPatterns(tuple(seen), "ruleset API", len(ruleset.rules), tuple(excluded.items()))


def _not_a_search(pattern: str, field_name: str) -> str | None:
    r"""Why a regex tests the shape of one parsed field rather than searches a line, if it does.

    `error_code !~ /\S/` or `status ~ /^inactive$/i` is meaningful on a field only: on a whole
    line it matches everything or nothing, and would let ripgrep stop at the first character.
    """
    try:
        probe = re.compile(to_python(pattern))
    except re.error:
        return None
    if probe.search(_PROBE):
        return "matches any text (a field-shape test)"
    body = _FLAGS_PREFIX.sub("", pattern)
    anchored = body.startswith("^") or (body.endswith("$") and not body.endswith("\\$"))
    if field_name not in _LINE_FIELDS and anchored:
        return f"anchored to the whole `{field_name}` field"
    return None


def _patterns_from_text(rules_dir: Path) -> PackPatterns:
    seen: dict[str, None] = {}
    rules = 0
    for path in sorted(rules_dir.rglob("*.rules")):
        for line in path.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0] if not line.lstrip().startswith("pattern") else line
            rules += code.lstrip().startswith("rule ")
            if code.lstrip().startswith(("example", "counter")):
                continue
            for literal, flags in _LITERAL.findall(code):
                body = literal.replace("\\/", "/")
                inline = "".join(sorted(set(flags)))
                seen[f"(?{inline}){body}" if inline else body] = None
    return PackPatterns(tuple(seen), "rule-file text (fallback)", rules)


def to_python(pattern: str) -> str:
    """Rust regex syntax to `re` syntax, for the constructs the two spell differently."""
    return re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pattern)


def convert(patterns: tuple[str, ...]) -> Converted:
    out = Converted()
    for pattern in patterns:
        if any(token in pattern for token in _RUST_ONLY):
            out.skipped.append((pattern, "Rust-only syntax"))
            continue
        try:
            out.compiled.append(re.compile(to_python(pattern)))
        except re.error as error:
            out.skipped.append((pattern, str(error)))
    return out


def uncompressed_size(path: Path) -> int:
    """Bytes of the decoded file (a .gz trailer holds its size modulo 4 GiB)."""
    if path.suffix == ".gz":
        with path.open("rb") as raw:
            raw.seek(-4, 2)
            return int.from_bytes(raw.read(4), "little")
    return path.stat().st_size


def _open(path: Path) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def input_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [f for f in files if not f.name.startswith(".")]


def scan(files: list[Path], regexes: list[re.Pattern[str]], fraction: float) -> dict[str, object]:
    """The quick script: every line against every regex; the first `fraction` of each file."""
    counts = [0] * len(regexes)
    lines = done = total = 0
    start = time.perf_counter()
    cpu = time.process_time()
    for path in files:
        size = uncompressed_size(path)
        total += size
        budget = size * fraction
        seen = 0
        with _open(path) as handle:
            for line in handle:
                for i, regex in enumerate(regexes):
                    if regex.search(line):
                        counts[i] += 1
                lines += 1
                seen += len(line)
                if seen >= budget:
                    break
        done += seen
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "extrapolated_cpu_seconds": cpu_seconds * total / done if done else 0.0,
        "lines": lines,
        "bytes_scanned": done,
        "bytes_total": total,
        "extrapolated_seconds": seconds * total / done if done else 0.0,
        "matching_lines_per_pattern": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--rules", type=Path, help="rule directory (default: the shipped pack)")
    parser.add_argument(
        "--fraction",
        type=float,
        default=1.0,
        help="scan this share of every file and extrapolate the time to all of it",
    )
    parser.add_argument(
        "--write-patterns",
        type=Path,
        help="write the pack's patterns (Rust syntax, one a line, for rg -f) and exit",
    )
    args = parser.parse_args(argv)
    pack = pack_patterns(args.rules)
    if args.write_patterns:
        args.write_patterns.write_text("".join(p + "\n" for p in pack.rust), encoding="utf-8")
        excluded = [{"pattern": p, "reason": r} for p, r in pack.excluded]
        print(
            json.dumps(
                {
                    "patterns": len(pack.rust),
                    "rules": pack.rules,
                    "source": pack.source,
                    "excluded": excluded,
                }
            )
        )
        return 0
    converted = convert(pack.rust)
    result = scan(input_files(args.paths), converted.compiled, args.fraction)
    result |= {
        "rules": pack.rules,
        "patterns_source": pack.source,
        "patterns": len(pack.rust),
        "patterns_compiled": len(converted.compiled),
        "patterns_skipped": [{"pattern": p, "reason": r} for p, r in converted.skipped],
        "patterns_excluded": [{"pattern": p, "reason": r} for p, r in pack.excluded],
        "fraction": args.fraction,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
