"""Atheris harness: the rule parser and the pack checks on arbitrary text.

parse_text must answer with diagnostics, never an exception; load_ruleset on the same text as a
file must succeed or raise RuleError. Anything else is a crash.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["analyzer"]):
    from analyzer.dsl.parser import parse_text
    from analyzer.errors import Diagnostic, RuleError
    from analyzer.ruleset import load_ruleset

_FILE = Path(tempfile.mkdtemp(prefix="certriage-fuzz-rules-")) / "fuzz.rules"


def check(data: bytes) -> None:
    """Parse `data` as a rule file, then load it as a pack."""
    text = data.decode("utf-8", errors="replace")
    rule_file, diagnostics = parse_text(text, "fuzz.rules")
    assert all(isinstance(d, Diagnostic) for d in diagnostics)
    assert len(rule_file.lines) == len(text.splitlines())
    _FILE.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_ruleset([_FILE])
    except RuleError as error:
        assert error.diagnostics


def main() -> None:
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
