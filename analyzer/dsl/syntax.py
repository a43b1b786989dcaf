"""Syntax-error wording: lark terminal names translated to words a rule author understands."""

from __future__ import annotations

import difflib

# Terminals with a pattern (not a fixed string) get a description; fixed strings are quoted.
_NAMED: dict[str, str] = {
    "$END": "the end of the file",
    "NAME": "a field name",
    "RULE_ID": "an id like auth.api-key-expired",
    "STRING": 'a quoted string "..."',
    "LONG_STRING": 'a triple-quoted string """..."""',
    "INT": "a whole number",
    "NUMBER": "a number",
    "DURATION": "a duration like 10m (s, m, h, d)",
    "REGEX": "a regex like /text/i",
    "PATTERN_REF": "a pattern reference like $name",
    "CMP_OP": "a comparison ('==', '!=', '<', '<=', '>', '>=')",
    "COUNT_OP": "'>=' or '>'",
    "MATCH_OP": "'~' or '!~'",
    "TEXT_OP": "'contains', 'startswith' or 'endswith'",
    "LBRACE": "an opening brace '{'",
    "RBRACE": "a closing brace '}'",
    "LPAR": "an opening parenthesis '('",
    "RPAR": "a closing parenthesis ')'",
    "LSQB": "an opening bracket '['",
    "RSQB": "a closing bracket ']'",
    "COMMA": "a comma ','",
    "COLON": "a colon ':'",
    "EQUAL": "'='",
    "TILDE": "'~'",
}
_CLAUSES = (
    *("cause", "severity", "priority", "effect", "when", "extract", "count", "fix"),
    *("references", "tags", "example", "counter"),
)


def display(terminal: str) -> str:
    """A terminal name in words: `RBRACE` → "a closing brace '}'", `WHEN` → "'when'"."""
    if terminal in _NAMED:
        return _NAMED[terminal]
    return f"'{terminal.lower()}'"


def _expected_words(expected: set[str]) -> str:
    keywords = sorted(t for t in expected if t not in _NAMED)
    if {k.lower() for k in keywords} >= set(_CLAUSES):
        keywords = [k for k in keywords if k.lower() not in _CLAUSES]
        words = ["a clause ('cause', 'when', 'fix', 'example', ...)"]
    else:
        words = []
    words += [display(t) for t in sorted(t for t in expected if t in _NAMED)]
    words += [display(k) for k in keywords]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def describe_syntax_error(found: str, text: str, expected: set[str]) -> tuple[str, str | None]:
    """Message and hint for an unexpected token (`found`, its `text`) where `expected` would do."""
    if found == "$END":
        what = "unexpected end of file"
    elif found:
        what = f"unexpected '{text}'"
    else:
        what = f"unexpected character {text!r}"
    message = f"{what}; expected {_expected_words(expected)}" if expected else what
    return message, _hint(found, text, expected)


def _hint(found: str, text: str, expected: set[str]) -> str | None:
    keywords = [t.lower() for t in expected if t not in _NAMED]
    close = difflib.get_close_matches(text, keywords, n=1) if text else []
    if close and close[0] != text:
        return f"did you mean '{close[0]}'?"
    if found == "$END" and "RBRACE" in expected:
        return "every 'rule ... {' needs a closing '}'"
    if text == "=" and "CMP_OP" in expected:
        return "compare with '==', not '='"
    if text in ("&&", "&", "||", "|", "!"):
        return "write 'and', 'or', 'not' in words"
    if text == "'" and expected & {"STRING", "REGEX"}:
        return 'strings use double quotes: "..."'
    if found == "STRING" and "NAME" in expected:
        return "field names are written without quotes"
    if any(c.isupper() for c in text) and expected & {"NAME", "RULE_ID"}:
        return 'names and ids are lower case; quote values: "..."'
    return None
