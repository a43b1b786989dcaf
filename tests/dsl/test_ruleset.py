"""Rule pack loading: file discovery, all diagnostics of all files at once, and the shipped pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import RuleError
from analyzer.ruleset import default_rules_dir, lint, load_ruleset
from analyzer.taxonomy import CAUSES

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = default_rules_dir()


def test_loads_recursively_and_ignores_other_files() -> None:
    ruleset = load_ruleset([FIXTURES / "pack"])
    assert [r.id for r in ruleset.rules] == [
        "auth.api-key-expired",
        "auth.denied",
        "ca.outage",
        "template.missing",
        "benign.dcv-not-ready",
        "network.slow",
    ]
    assert list(ruleset.patterns) == ["expired"]
    assert ruleset.get("auth.denied").priority == 40
    with pytest.raises(KeyError):
        ruleset.get("nope")


def test_rule_error_carries_every_mistake_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.rules").write_text('rule a.a "t" {\n    when x = 1\n}\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.rules").write_text(
        'rule b.b "t" {\n    cause network.dnss\n    when mesage exists\n}\n', encoding="utf-8"
    )
    with pytest.raises(RuleError) as caught:
        load_ruleset([tmp_path])
    codes = [(Path(d.location.path).name, d.code) for d in caught.value.diagnostics]
    assert codes == [
        ("a.rules", "syntax"),
        ("b.rules", "unknown-cause"),
        ("b.rules", "missing-fix"),
        ("b.rules", "missing-example"),
        ("b.rules", "missing-counter"),
        ("b.rules", "unknown-field"),
    ]
    assert "a.rules:2:12: error[syntax]" in str(caught.value)


def test_missing_paths_are_diagnostics(tmp_path: Path) -> None:
    found = lint([tmp_path / "absent.rules", tmp_path])
    assert [d.code for d in found] == ["no-rules", "no-such-file"]


def test_rules_cannot_name_code_or_files(tmp_path: Path) -> None:
    path = tmp_path / "evil.rules"
    path.write_text('rule a.b "t" {\n    when __import__("os").system("x")\n}\n', encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_ruleset([path])
    assert [d.code for d in caught.value.diagnostics] == ["syntax"]


# The shipped pack is written by another engineer; these pin the properties every pack must keep.
SHIPPED_FILES = sorted(SHIPPED.rglob("*.rules"))


@pytest.mark.skipif(not SHIPPED_FILES, reason="no shipped rules yet")
def test_shipped_pack_lints_clean() -> None:
    assert [d.render() for d in lint([SHIPPED])] == []


@pytest.mark.skipif(not SHIPPED_FILES, reason="no shipped rules yet")
def test_every_shipped_rule_has_an_example_and_a_counter() -> None:
    ruleset = load_ruleset([SHIPPED])
    assert [r.id for r in ruleset.rules if not r.examples or not r.counters] == []
    assert {r.cause for r in ruleset.rules if not r.benign} <= set(CAUSES)
