"""One test per diagnostic code: the exact text `certriage rules lint` prints, caret included."""

# ruff: noqa: E501  (pinned diagnostics are long lines by nature)

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import Severity
from analyzer.ruleset import lint

# The clauses a valid rule needs besides `cause` and `when`.
OK = """\
    fix       "Do it."
    example   { message: "a" }
    counter   { message: "b" }
"""

# code: (the rule file, the rendered diagnostics between the blank lines)
CASES: dict[str, tuple[str, str]] = {
    "syntax": (
        'rule a.b "t" {\n    when message = "x"\n}\n',
        r"""
x.rules:2:18: error[syntax]: unexpected '='; expected a comparison ('==', '!=', '<', '<=', '>', '>='), '~' or '!~', 'contains', 'startswith' or 'endswith', 'exists' or 'in'
        when message = "x"
                     ^
  hint: compare with '==', not '='
""",
    ),
    "syntax-eof": (
        'rule a.b "t" {\n    when message == "x"\n',
        r"""
x.rules:2:24: error[syntax]: unexpected end of file; expected a clause ('cause', 'when', 'fix', 'example', ...), a closing brace '}', 'and' or 'or'
        when message == "x"
                           ^
  hint: every 'rule ... {' needs a closing '}'
""",
    ),
    "syntax-keyword": (
        'rule a.b "t" {\n    sevrity high\n}\n',
        r"""
x.rules:2:5: error[syntax]: unexpected 'sevrity'; expected a clause ('cause', 'when', 'fix', 'example', ...) or a closing brace '}'
        sevrity high
        ^
  hint: did you mean 'severity'?
""",
    ),
    "syntax-char": (
        'rule a.b "t" {\n    when message ~ /a/ && level == "error"\n}\n',
        r"""
x.rules:2:24: error[syntax]: unexpected character '&'; expected a clause ('cause', 'when', 'fix', 'example', ...), a closing brace '}', a closing parenthesis ')', 'and' or 'or'
        when message ~ /a/ && level == "error"
                           ^
  hint: write 'and', 'or', 'not' in words
""",
    ),
    "unknown-field": (
        'rule a.b "t" {\n    cause network.dns\n    when error_cod == "X"\n' + OK + "}\n",
        r"""
x.rules:3:10: error[unknown-field]: unknown field 'error_cod'
        when error_cod == "X"
             ^
  hint: did you mean 'error_code'?
""",
    ),
    "type-mismatch-regex": (
        'rule a.b "t" {\n    cause network.dns\n    when http_status ~ /40\\d/\n' + OK + "}\n",
        r"""
x.rules:3:10: error[type-mismatch]: a regex needs text; 'http_status' is a number
        when http_status ~ /40\d/
             ^
  hint: compare numbers with ==, <, >= or in [...]
""",
    ),
    "type-mismatch-order": (
        'rule a.b "t" {\n    cause network.dns\n    when message < "b"\n' + OK + "}\n",
        r"""
x.rules:3:10: error[type-mismatch]: '<' compares numbers and times; 'message' is text
        when message < "b"
             ^
  hint: use ==, !=, in [...], contains or ~ /regex/ on text
""",
    ),
    "type-mismatch-string": (
        'rule a.b "t" {\n    cause network.dns\n    when http_status == "401"\n' + OK + "}\n",
        r"""
x.rules:3:25: error[type-mismatch]: 'http_status' is a number, compared with a string
        when http_status == "401"
                            ^
  hint: write the number without quotes: 401
""",
    ),
    "invalid-regex": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /timed (?=out)/i\n' + OK + "}\n",
        r"""
x.rules:3:27: error[invalid-regex]: invalid regex: look-around, including look-ahead and look-behind, is not supported
        when message ~ /timed (?=out)/i
                              ^
  hint: rules run Rust regex (linear time): no look-around, no back-references
""",
    ),
    "unknown-cause": (
        'rule a.b "t" {\n    cause network.dnss\n    when message ~ /x/\n' + OK + "}\n",
        r"""
x.rules:2:11: error[unknown-cause]: unknown cause 'network.dnss'
        cause network.dnss
              ^
  hint: did you mean 'network.dns'?
""",
    ),
    "duplicate-rule": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/\n'
        + OK
        + '}\n\nrule a.b "again" {\n    cause network.dns\n    when message ~ /b/\n'
        + OK
        + "}\n",
        r"""
x.rules:9:1: error[duplicate-rule]: duplicate rule id 'a.b'
    rule a.b "again" {
    ^
  hint: first defined at x.rules:1:1; rule ids must be unique across the pack
""",
    ),
    "missing-example": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/\n    fix "Do it."\n    counter { message: "b" }\n}\n',
        r"""
x.rules:1:1: error[missing-example]: rule 'a.b' has no example
    rule a.b "t" {
    ^
  hint: add example { message: "..." } with an event the rule must match
""",
    ),
    "missing-counter": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/\n    fix "Do it."\n    example { message: "a" }\n}\n',
        r"""
x.rules:1:1: error[missing-counter]: rule 'a.b' has no counter-example
    rule a.b "t" {
    ^
  hint: add counter { message: "..." } with a near-miss the rule must not match
""",
    ),
    "missing-cause": (
        'rule a.b "t" {\n    when message ~ /a/\n' + OK + "}\n",
        r"""
x.rules:1:1: error[missing-cause]: rule 'a.b' has no 'cause'
    rule a.b "t" {
    ^
  hint: add 'cause ID' (an id of TAXONOMY.md), or 'effect benign'
""",
    ),
    "missing-fix": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/\n    example { message: "a" }\n    counter { message: "b" }\n}\n',
        r"""
x.rules:1:1: error[missing-fix]: rule 'a.b' has no 'fix'
    rule a.b "t" {
    ^
  hint: add fix "what to do, in the platform's words"
""",
    ),
    "unknown-capture": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/\n    extract message ~ /host (?P<hots>\\S+)/\n'
        + OK
        + "}\n",
        r"""
x.rules:4:33: error[unknown-capture]: unknown capture group 'hots'
        extract message ~ /host (?P<hots>\S+)/
                                    ^
  hint: did you mean 'host'?
""",
    ),
    "undefined-pattern": (
        'pattern timeout = /timed out/i\n\nrule a.b "t" {\n    cause network.timeout\n    when message ~ $timout\n'
        + OK
        + "}\n",
        r"""
x.rules:5:20: error[undefined-pattern]: undefined pattern '$timout'
        when message ~ $timout
                       ^
  hint: did you mean '$timeout'?
""",
    ),
    "shadowed": (
        'rule a.wide "t" {\n    cause network.dns\n    priority 60\n    when message contains "a"\n'
        + OK
        + '}\n\nrule a.narrow "t" {\n    cause network.timeout\n    when message == "a"\n'
        + OK
        + "}\n",
        r"""
x.rules:10:1: error[shadowed]: rule 'a.narrow' can never win: every example is also matched by 'a.wide' (priority 60 > 50)
    rule a.narrow "t" {
    ^
  hint: raise the priority of 'a.narrow', or narrow 'a.wide' (x.rules:1:1)
""",
    ),
    "unknown-value": (
        'rule a.b "t" {\n    cause network.dns\n    when kind == "conector"\n' + OK + "}\n",
        r"""
x.rules:3:18: error[unknown-value]: 'conector' is not a kind
        when kind == "conector"
                     ^
  hint: did you mean 'connector'?
""",
    ),
    "duplicate-clause": (
        'rule a.b "t" {\n    cause network.dns\n    cause network.tls\n    when message ~ /a/\n'
        + OK
        + "}\n",
        r"""
x.rules:3:11: error[duplicate-clause]: 'cause' given twice in rule 'a.b'
        cause network.tls
              ^
  hint: keep one; the first one counts
""",
    ),
    "missing-when": (
        'rule a.b "t" {\n    cause network.dns\n' + OK + "}\n",
        r"""
x.rules:1:1: error[missing-when]: rule 'a.b' has no 'when' condition
    rule a.b "t" {
    ^
  hint: add e.g. when message ~ /text/i
""",
    ),
    "invalid-severity": (
        'rule a.b "t" {\n    cause network.dns\n    severity hihg\n    when message ~ /a/\n'
        + OK
        + "}\n",
        r"""
x.rules:3:14: error[invalid-severity]: unknown severity 'hihg'
        severity hihg
                 ^
  hint: did you mean 'high'?
""",
    ),
    "invalid-effect": (
        'rule a.b "t" {\n    effect harmless\n    when message ~ /a/\n' + OK + "}\n",
        r"""
x.rules:1:1: error[missing-cause]: rule 'a.b' has no 'cause'
    rule a.b "t" {
    ^
  hint: add 'cause ID' (an id of TAXONOMY.md), or 'effect benign'
x.rules:2:12: error[invalid-effect]: unknown effect 'harmless'
        effect harmless
               ^
  hint: the only effect is 'benign'
""",
    ),
    "invalid-priority": (
        'rule a.b "t" {\n    cause network.dns\n    priority 101\n    when message ~ /a/\n'
        + OK
        + "}\n",
        r"""
x.rules:3:14: error[invalid-priority]: priority 101 is outside 0..100
        priority 101
                 ^
  hint: higher wins; the default is 50
""",
    ),
    "invalid-timestamp": (
        'rule a.b "t" {\n    cause network.dns\n    when ts >= "yesterday"\n' + OK + "}\n",
        r"""
x.rules:3:16: error[invalid-timestamp]: 'ts' needs an ISO 8601 time
        when ts >= "yesterday"
                   ^
  hint: e.g. "2026-01-01T00:00:00Z"
""",
    ),
    "invalid-regex-flag": (
        'rule a.b "t" {\n    cause network.dns\n    when message ~ /a/g\n' + OK + "}\n",
        r"""
x.rules:3:20: error[invalid-regex]: unknown regex flag 'g'
        when message ~ /a/g
                       ^
  hint: flags are i (ignore case), m, s, x, U
""",
    ),
    "duplicate-pattern": (
        'pattern p = /a/\npattern p = /b/\n\nrule a.b "t" {\n    cause network.dns\n    when message ~ $p\n'
        + OK
        + "}\n",
        r"""
x.rules:2:1: error[duplicate-pattern]: duplicate pattern 'p'
    pattern p = /b/
    ^
  hint: first defined at x.rules:1:1; patterns must be unique across the pack
""",
    ),
}


@pytest.mark.parametrize("code", list(CASES))
def test_diagnostic_text(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source, expected = CASES[code]
    monkeypatch.chdir(tmp_path)
    Path("x.rules").write_text(source, encoding="utf-8")
    diagnostics = lint([Path("x.rules")])
    assert "\n".join(d.render() for d in diagnostics) == expected.strip("\n")
    assert all(d.severity is Severity.ERROR for d in diagnostics)
