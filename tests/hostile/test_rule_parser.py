"""The rule parser on arbitrary and mutated text: diagnostics or RuleError, never another error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.dsl.parser import MAX_NESTING, parse_text
from analyzer.errors import Diagnostic, RuleError
from analyzer.ruleset import lint, load_ruleset

RULES = sorted((Path(__file__).resolve().parents[2] / "rules").glob("*.rules"))
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def _check(text: str) -> None:
    rule_file, diagnostics = parse_text(text, "fuzz.rules")
    assert all(isinstance(d, Diagnostic) and d.location.path == "fuzz.rules" for d in diagnostics)
    assert len(rule_file.lines) == len(text.splitlines())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.rules"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        assert all(isinstance(d, Diagnostic) for d in lint([path]))
        try:
            load_ruleset([path])
        except RuleError as error:
            assert error.diagnostics


_WORDS = st.sampled_from(
    [
        "rule",
        "pattern",
        "when",
        "cause",
        "severity",
        "priority",
        "fix",
        "example",
        "counter",
        "count",
        "within",
        "by",
        "and",
        "or",
        "not",
        "in",
        "exists",
        "contains",
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        ",",
        ":",
        "=",
        "==",
        "~",
        "!~",
        ">=",
        '"',
        '"""',
        "/",
        "$",
        "#",
        "\n",
        " ",
        "\\",
        "auth.x",
        "message",
        "10m",
        "3x",
        "/a(/i",
        "/[/",
        '"unterminated',
        "\x00",
        "\ufeff",
        "é",
    ]
)


@SETTINGS
@given(text=st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=60).map(" ".join)))
def test_arbitrary_text(text: str) -> None:
    _check(text)


@settings(SETTINGS, max_examples=25)
@given(
    source=st.sampled_from(RULES),
    how=st.sampled_from(["flip", "truncate", "shuffle", "drop", "duplicate"]),
    data=st.data(),
)
def test_mutated_real_rule_files(source: Path, how: str, data: st.DataObject) -> None:
    raw = bytearray(source.read_bytes())
    lines = raw.split(b"\n")
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    elif how == "shuffle":
        raw = bytearray(b"\n".join(data.draw(st.permutations(lines))))
    elif how == "drop":
        del lines[data.draw(st.integers(0, len(lines) - 1))]
        raw = bytearray(b"\n".join(lines))
    else:
        index = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(data.draw(st.integers(0, len(lines))), lines[index])
        raw = bytearray(b"\n".join(lines))
    _check(bytes(raw).decode("utf-8", errors="replace"))


@pytest.mark.parametrize(
    "condition",
    [
        " or ".join(f'message contains "x{i}"' for i in range(1000)),
        "not " * 1000 + 'message contains "x"',
        " and ".join(["message exists"] * 1000),
    ],
    ids=["or-chain", "not-chain", "and-chain"],
)
def test_deep_conditions_are_a_diagnostic_not_a_recursion_error(condition: str) -> None:
    # Found by this suite: 1000 `or`s raised RecursionError out of the parser (a traceback in
    # `certriage rules lint`); ~500 passed the parser and crashed the engine when compiled.
    text = f'rule auth.deep "t" {{\n  cause auth.expired_credentials\n  when {condition}\n}}\n'
    rules, diagnostics = parse_text(text, "deep.rules")
    assert rules.rules == ()
    assert [d.code for d in diagnostics] == ["nesting"]
    assert f"more than {MAX_NESTING} levels" in diagnostics[0].message
    assert diagnostics[0].location.line == 3
    _check(text)


def test_nesting_limit_leaves_room_for_real_rules() -> None:
    condition = " or ".join(f'message contains "x{i}"' for i in range(MAX_NESTING - 5))
    text = f'rule auth.wide "t" {{\n  cause auth.expired_credentials\n  when {condition}\n}}\n'
    rules, diagnostics = parse_text(text, "wide.rules")
    assert diagnostics == []
    assert len(rules.rules) == 1
