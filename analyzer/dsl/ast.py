"""The rule language's syntax tree: frozen dataclasses, each node carrying its source location."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from analyzer.errors import Location
from analyzer.schema import RuleSeverity

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
TextOp = Literal["contains", "startswith", "endswith"]
DEFAULT_PRIORITY = 50
CAPTURE_NAMES = ("template", "account", "host", "serial")


@dataclass(frozen=True, slots=True)
class Str:
    value: str
    location: Location


@dataclass(frozen=True, slots=True)
class Num:
    value: int | float
    location: Location


Literal_ = Str | Num


@dataclass(frozen=True, slots=True)
class Regex:
    """`/pattern/flags`, the body unescaped (`\\/` became `/`)."""

    pattern: str
    flags: str
    location: Location


@dataclass(frozen=True, slots=True)
class PatternRef:
    """`$name`: a regex defined once with `pattern name = /.../`."""

    name: str
    location: Location


RegexLike = Regex | PatternRef


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    location: Location


@dataclass(frozen=True, slots=True)
class Compare:
    field: Field
    op: CompareOp
    value: Literal_
    location: Location


@dataclass(frozen=True, slots=True)
class InList:
    field: Field
    values: tuple[Literal_, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Match:
    field: Field
    regex: RegexLike
    negated: bool
    location: Location


@dataclass(frozen=True, slots=True)
class TextTest:
    field: Field
    op: TextOp
    value: Str
    location: Location


@dataclass(frozen=True, slots=True)
class Exists:
    field: Field
    location: Location


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition
    location: Location


@dataclass(frozen=True, slots=True)
class And:
    left: Condition
    right: Condition
    location: Location


@dataclass(frozen=True, slots=True)
class Or:
    left: Condition
    right: Condition
    location: Location


Leaf = Compare | InList | Match | TextTest | Exists
Condition = Leaf | Not | And | Or


@dataclass(frozen=True, slots=True)
class Duration:
    text: str
    seconds: int
    location: Location


@dataclass(frozen=True, slots=True)
class CountSpec:
    """`count >= N within DURATION by FIELD` (`> N` is stored as `>= N+1`)."""

    at_least: int
    within: Duration
    by: Field
    location: Location


@dataclass(frozen=True, slots=True)
class Extract:
    field: Field
    regex: RegexLike
    location: Location


@dataclass(frozen=True, slots=True)
class EventField:
    name: str
    value: Str | Num
    location: Location


@dataclass(frozen=True, slots=True)
class EventSpec:
    """An `example` / `counter` event, repeated `repeat` times `every` apart."""

    fields: tuple[EventField, ...]
    repeat: int
    every: Duration | None
    location: Location


@dataclass(frozen=True, slots=True)
class Clause:
    """One metadata clause as written (`cause x`, `severity high`, ...), kept for locations."""

    keyword: str
    value: str
    location: Location


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    location: Location
    when: Condition | None
    cause: str | None = None
    severity: RuleSeverity = RuleSeverity.MEDIUM
    priority: int = DEFAULT_PRIORITY
    fix: str = ""
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    benign: bool = False
    threshold: CountSpec | None = None
    extracts: tuple[Extract, ...] = ()
    examples: tuple[EventSpec, ...] = ()
    counters: tuple[EventSpec, ...] = ()
    clauses: tuple[Clause, ...] = ()

    def clause(self, keyword: str) -> Clause | None:
        """The first clause written with this keyword, for pointing at it."""
        return next((c for c in self.clauses if c.keyword == keyword), None)


@dataclass(frozen=True, slots=True)
class PatternDef:
    name: str
    regex: Regex
    location: Location


@dataclass(frozen=True, slots=True)
class RuleFile:
    """One parsed `.rules` file: what parsed, plus the raw values the validator must still judge."""

    path: str
    rules: tuple[Rule, ...]
    patterns: tuple[PatternDef, ...]
    lines: tuple[str, ...]


def pattern_names(node: object) -> set[str]:
    """Every named pattern (`$name`) a node refers to, however deep."""
    if isinstance(node, PatternRef):
        return {node.name}
    if isinstance(node, (tuple, list)):
        return set().union(*(pattern_names(item) for item in node))
    if hasattr(node, "__dataclass_fields__") and not isinstance(node, Location):
        return set().union(*(pattern_names(getattr(node, f)) for f in node.__dataclass_fields__))
    return set()
