"""The rule pack: find rule files, parse and check them all, and hold the validated rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import analyzer
from analyzer.dsl import ast
from analyzer.dsl.checker import Checker
from analyzer.dsl.matcher import find_matches
from analyzer.dsl.parser import parse_text
from analyzer.dsl.samples import event_frame
from analyzer.dsl.validator import check_pack, check_pattern, check_rule
from analyzer.errors import Diagnostic, Location, RuleError, Severity

Rule = ast.Rule
RULE_SUFFIX = ".rules"


@dataclass(frozen=True)
class RuleSet:
    """Validated rules (file order) and the named patterns they use."""

    rules: tuple[Rule, ...]
    patterns: Mapping[str, ast.PatternDef] = field(default_factory=dict)

    def get(self, rule_id: str) -> Rule:
        """The rule with this id; KeyError if there is none."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def __len__(self) -> int:
        return len(self.rules)


def default_rules_dir() -> Path:
    """The shipped pack: `<repo>/rules`, or `analyzer/pack` in an installed wheel."""
    package = Path(analyzer.__file__).resolve().parent
    repo = package.parent / "rules"
    packed = package / "pack"
    return repo if repo.is_dir() or not packed.is_dir() else packed


def rule_files(paths: Sequence[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Every `*.rules` file under the given dirs (recursive, sorted) or the files themselves."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob(f"*{RULE_SUFFIX}") if p.is_file())
            if not files:
                problems.append(
                    Diagnostic("no-rules", "no *.rules files here", Location(str(path)))
                )
            found += files
        elif path.is_file():
            found.append(path)
        else:
            problems.append(
                Diagnostic("no-such-file", "no such file or directory", Location(str(path)))
            )
    return found, problems


@dataclass(frozen=True)
class _Parsed:
    files: list[ast.RuleFile]
    diagnostics: list[Diagnostic]
    checker: Checker

    @property
    def rules(self) -> list[Rule]:
        return [rule for f in self.files for rule in f.rules]

    @property
    def patterns(self) -> dict[str, ast.PatternDef]:
        return {p.name: p for f in reversed(self.files) for p in reversed(f.patterns)}


def _parse(paths: Sequence[Path] | None) -> _Parsed:
    files, diagnostics = rule_files(list(paths) if paths else [default_rules_dir()])
    parsed: list[ast.RuleFile] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            diagnostics.append(
                Diagnostic("unreadable", f"cannot read: {error}", Location(str(path)))
            )
            continue
        rule_file, syntax = parse_text(text, str(path))
        parsed.append(rule_file)
        diagnostics += syntax
    checker = Checker({f.path: f.lines for f in parsed})
    result = _Parsed(parsed, diagnostics, checker)
    patterns = result.patterns
    for rule_file in parsed:
        for pattern in rule_file.patterns:
            diagnostics += check_pattern(checker, pattern)
        for rule in rule_file.rules:
            diagnostics += check_rule(checker, rule, patterns)
    diagnostics += check_pack(checker, result.rules, [p for f in parsed for p in f.patterns])
    return result


def _errors(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]


def load_ruleset(paths: Sequence[Path] | None = None) -> RuleSet:
    """Parse and validate every rule file; RuleError carrying every error of every file."""
    parsed = _parse(paths)
    errors = _errors(parsed.diagnostics)
    if errors:
        raise RuleError(errors)
    return RuleSet(tuple(parsed.rules), parsed.patterns)


def lint(paths: Sequence[Path] | None = None) -> list[Diagnostic]:
    """Every problem of the pack in file order; the shadowing check runs on a clean pack only."""
    parsed = _parse(paths)
    diagnostics = list(parsed.diagnostics)
    if not _errors(diagnostics):
        diagnostics += shadowed(parsed.checker, RuleSet(tuple(parsed.rules), parsed.patterns))
    return sorted(diagnostics, key=_position)


def _position(d: Diagnostic) -> tuple[str, int, int]:
    return (d.location.path, d.location.line or 0, d.location.column or 0)


def shadowed(checker: Checker, ruleset: RuleSet) -> Iterator[Diagnostic]:
    """Rules that can never win: a higher-priority rule matches every one of their examples."""
    causal = [r for r in ruleset.rules if not r.benign]
    for rule in causal:
        stronger = [r for r in causal if r.priority > rule.priority]
        if not stronger or not rule.examples:
            continue
        winners: set[str] | None = None
        for spec in rule.examples:
            found = find_matches(stronger, ruleset.patterns, event_frame(spec))
            ids = set(found["rule_id"].to_list())
            winners = ids if winners is None else winners & ids
            if not winners:
                break
        if winners:
            other = ruleset.get(sorted(winners)[0])
            yield checker.diag(
                "shadowed",
                f"rule '{rule.id}' can never win: every example is also matched by "
                f"'{other.id}' (priority {other.priority} > {rule.priority})",
                rule.location,
                f"raise the priority of '{rule.id}', or narrow '{other.id}' ({other.location})",
            )
