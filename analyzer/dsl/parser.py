"""Rule-file text to AST: the only module that knows lark; syntax errors become diagnostics."""

from __future__ import annotations

import re
import textwrap
from functools import cache
from importlib.resources import files
from itertools import pairwise

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from analyzer.dsl import ast
from analyzer.dsl.syntax import describe_syntax_error
from analyzer.errors import Diagnostic, Location
from analyzer.schema import RuleSeverity

# A new top-level item starts at a line beginning with `rule` or `pattern`: parsing each chunk on
# its own lets one file report a syntax error per broken rule and still check the others.
_ITEM_START = re.compile(r"^(?=(rule|pattern)\b)", re.MULTILINE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_SEVERITIES = frozenset(s.value for s in RuleSeverity)
# Clauses whose diagnostics point at the value rather than the keyword.
_VALUE_CLAUSES = frozenset({"cause", "severity", "priority", "effect"})
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Conditions nest this deep at most: the AST, its checks and its compilation recurse once per
# level, and Python's stack ends near 1000. The shipped rules nest 12 deep.
MAX_NESTING = 100


@cache
def _lark() -> Lark:
    grammar = files("analyzer.dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def parse_text(text: str, path: str) -> tuple[ast.RuleFile, list[Diagnostic]]:
    """Parse one file: every rule and pattern that parsed, and one diagnostic per broken item."""
    lines = tuple(text.splitlines())
    builder = _Builder(path)
    diagnostics: list[Diagnostic] = []
    offset = 0
    for chunk in _chunks(text):
        padded = "\n" * offset + chunk
        offset += chunk.count("\n")
        try:
            tree = _lark().parse(padded)
        except UnexpectedInput as error:
            diagnostics.append(_syntax_diagnostic(error, path, lines, min(offset + 1, len(lines))))
            continue
        too_deep = _too_deep(tree)
        if too_deep is not None:
            diagnostics.append(
                Diagnostic(
                    "nesting",
                    f"condition nested more than {MAX_NESTING} levels deep",
                    _loc(path, too_deep),
                    "split the rule, or use `field in [...]` or one regex with alternatives",
                )
            )
            continue
        builder.items(tree)
    rule_file = ast.RuleFile(path, tuple(builder.rules), tuple(builder.patterns), lines)
    return rule_file, diagnostics


def _too_deep(tree: Tree[Token]) -> Tree[Token] | None:
    """The first node nested deeper than MAX_NESTING, found without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return node
        stack += [(kid, depth + 1) for kid in node.children if isinstance(kid, Tree)]
    return None


def _chunks(text: str) -> list[str]:
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    bounds = [0, *[s for s in starts if s > 0], len(text)]
    return [text[a:b] for a, b in pairwise(bounds)]


def _syntax_diagnostic(
    error: UnexpectedInput, path: str, lines: tuple[str, ...], last_line: int
) -> Diagnostic:
    line, column = error.line, error.column
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        line = max(1, last_line)
        while line > 1 and not lines[line - 1].strip():
            line -= 1
        column = len(lines[line - 1]) + 1 if lines else 1
    if isinstance(error, UnexpectedToken):
        accepts: set[str] = error.interactive_parser.accepts()  # type: ignore[no-untyped-call]
        expected = (accepts - {"$END"}) or set(error.expected)
        found = error.token.type
        text = str(error.token)
    elif isinstance(error, UnexpectedCharacters):
        expected = set(error.allowed or ())
        found = ""
        text = error.char
    else:
        expected, found, text = set(), "$END", ""
    message, hint = describe_syntax_error(found, text, expected)
    source = lines[line - 1] if 0 < line <= len(lines) else None
    return Diagnostic("syntax", message, Location(path, line, column), hint, source_line=source)


def _loc(path: str, item: Tree[Token] | Token) -> Location:
    if isinstance(item, Token):
        return Location(path, item.line, item.column)
    return Location(path, item.meta.line, item.meta.column)


def unquote(token: str) -> str:
    """The value of a `"..."` or a dedented `\"\"\"...\"\"\"` string."""
    if token.startswith('"""'):
        body = token[3:-3]
        first, _, rest = body.partition("\n")
        text = first.strip() + ("\n" + textwrap.dedent(rest) if rest else "")
        return text.strip()
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), token[1:-1])


class _Builder:
    """Walks lark trees into AST nodes; one method per grammar rule, no lark beyond this class."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rules: list[ast.Rule] = []
        self.patterns: list[ast.PatternDef] = []

    def items(self, tree: Tree[Token]) -> None:
        for item in tree.children:
            assert isinstance(item, Tree)
            if item.data == "pattern_def":
                name, regex = item.children
                assert isinstance(name, Token) and isinstance(regex, Token)
                self.patterns.append(
                    ast.PatternDef(str(name), self.regex(regex), _loc(self.path, item))
                )
            else:
                self.rules.append(self.rule(item))

    def regex(self, token: Token) -> ast.Regex:
        body, _, flags = str(token)[1:].rpartition("/")
        return ast.Regex(body.replace("\\/", "/"), flags, _loc(self.path, token))

    def regex_like(self, tree: Tree[Token] | Token) -> ast.RegexLike:
        token = tree.children[0] if isinstance(tree, Tree) else tree
        assert isinstance(token, Token)
        if token.type == "PATTERN_REF":
            return ast.PatternRef(str(token)[1:], _loc(self.path, token))
        return self.regex(token)

    def duration(self, token: Token) -> ast.Duration:
        text = str(token)
        return ast.Duration(text, int(text[:-1]) * _UNITS[text[-1]], _loc(self.path, token))

    def literal(self, token: Token) -> ast.Str | ast.Num:
        location = _loc(self.path, token)
        if token.type in ("STRING", "LONG_STRING"):
            return ast.Str(unquote(str(token)), location)
        if token.type == "RULE_ID":
            return ast.Str(str(token), location)
        number = float(token) if "." in token else int(token)
        return ast.Num(number, location)

    def field(self, token: Tree[Token] | Token) -> ast.Field:
        assert isinstance(token, Token)
        return ast.Field(str(token), _loc(self.path, token))

    def rule(self, tree: Tree[Token]) -> ast.Rule:
        rule_id, title, *clauses = tree.children
        assert isinstance(rule_id, Token) and isinstance(title, Token)
        values: dict[str, object] = {}
        written: list[ast.Clause] = []
        extracts: list[ast.Extract] = []
        examples: list[ast.EventSpec] = []
        counters: list[ast.EventSpec] = []
        for clause in clauses:
            assert isinstance(clause, Tree)
            keyword = str(clause.data).removesuffix("_clause")
            kids = clause.children
            raw = str(kids[0]) if kids and isinstance(kids[0], Token) else ""
            at = kids[0] if raw and keyword in _VALUE_CLAUSES else clause
            written.append(ast.Clause(keyword, raw, _loc(self.path, at)))
            match keyword:
                case "cause" | "effect":
                    values.setdefault(keyword, raw)
                case "severity":
                    values.setdefault(keyword, RuleSeverity(raw) if raw in _SEVERITIES else None)
                case "priority":
                    values.setdefault(keyword, int(raw))
                case "fix":
                    values.setdefault(keyword, unquote(raw))
                case "references":
                    values[keyword] = (*values.get(keyword, ()), *(unquote(str(k)) for k in kids))  # type: ignore[misc]
                case "tags":
                    values[keyword] = (*values.get(keyword, ()), *(str(k) for k in kids))  # type: ignore[misc]
                case "when":
                    values.setdefault(keyword, self.condition(kids[0]))
                case "extract":
                    extracts.append(
                        ast.Extract(
                            self.field(kids[0]), self.regex_like(kids[1]), _loc(self.path, clause)
                        )
                    )
                case "count":
                    values.setdefault(keyword, self.count(clause))
                case "example":
                    examples.append(self.event(kids[0]))
                case "counter":
                    counters.append(self.event(kids[0]))
        severity = values.get("severity")
        return ast.Rule(
            id=str(rule_id),
            title=unquote(str(title)),
            location=_loc(self.path, tree),
            when=values.get("when"),  # type: ignore[arg-type]
            cause=values.get("cause"),  # type: ignore[arg-type]
            severity=severity if isinstance(severity, RuleSeverity) else RuleSeverity.MEDIUM,
            priority=values.get("priority", ast.DEFAULT_PRIORITY),  # type: ignore[arg-type]
            fix=values.get("fix", ""),  # type: ignore[arg-type]
            references=values.get("references", ()),  # type: ignore[arg-type]
            tags=values.get("tags", ()),  # type: ignore[arg-type]
            benign=values.get("effect") == "benign",
            threshold=values.get("count"),  # type: ignore[arg-type]
            extracts=tuple(extracts),
            examples=tuple(examples),
            counters=tuple(counters),
            clauses=tuple(written),
        )

    def count(self, clause: Tree[Token]) -> ast.CountSpec:
        op, number, within, by = clause.children
        assert isinstance(op, Token) and isinstance(number, Token) and isinstance(within, Token)
        at_least = int(number) + (1 if op == ">" else 0)
        return ast.CountSpec(
            at_least, self.duration(within), self.field(by), _loc(self.path, clause)
        )

    def event(self, tree: Tree[Token] | Token) -> ast.EventSpec:
        assert isinstance(tree, Tree)
        repeat, every, fields = 1, None, []
        for kid in tree.children:
            if isinstance(kid, Tree):
                name, value = kid.children
                assert isinstance(name, Token) and isinstance(value, Token)
                fields.append(ast.EventField(str(name), self.literal(value), _loc(self.path, name)))
            elif kid.type == "INT":
                repeat = int(kid)
            elif kid.type == "DURATION":
                every = self.duration(kid)
        return ast.EventSpec(tuple(fields), repeat, every, _loc(self.path, tree))

    def condition(self, tree: Tree[Token] | Token) -> ast.Condition:
        assert isinstance(tree, Tree)
        kids = tree.children
        location = _loc(self.path, tree)
        match tree.data:
            case "or_expr":
                return ast.Or(self.condition(kids[0]), self.condition(kids[1]), location)
            case "and_expr":
                return ast.And(self.condition(kids[0]), self.condition(kids[1]), location)
            case "not_expr":
                return ast.Not(self.condition(kids[0]), location)
            case "compare":
                op = str(kids[1])
                assert isinstance(kids[2], Token)
                return ast.Compare(self.field(kids[0]), op, self.literal(kids[2]), location)  # type: ignore[arg-type]
            case "in_list":
                values = tuple(self.literal(k) for k in kids[1:] if isinstance(k, Token))
                return ast.InList(self.field(kids[0]), values, location)
            case "match":
                negated = str(kids[1]) == "!~"
                return ast.Match(self.field(kids[0]), self.regex_like(kids[2]), negated, location)
            case "text_test":
                value = self.literal(kids[2])  # type: ignore[arg-type]
                assert isinstance(value, ast.Str)
                return ast.TextTest(self.field(kids[0]), str(kids[1]), value, location)  # type: ignore[arg-type]
            case "exists":
                return ast.Exists(self.field(kids[0]), location)
        raise AssertionError(f"unhandled grammar rule {tree.data}")
