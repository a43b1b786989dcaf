"""Imports flow one way: cli → pipeline → report → correlate → engine → ruleset, readers → dsl → models → errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "analyzer"

# Higher ranks may import lower ranks only; modules of one rank never import each other.
LAYERS: dict[str, int] = {
    "cli": 10,
    "api": 10,
    "pipeline": 9,
    "report": 8,
    "correlate": 7,
    "suggest": 7,
    "pki": 6,
    "unknowns": 6,
    "engine": 5,
    "ruleset": 4,
    "readers": 4,
    "dsl": 3,
    "models": 2,
    "config": 2,
    "taxonomy": 2,
    "redact": 2,
    "schema": 1,
    "errors": 0,
}


def _top(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "analyzer" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in {"__main__.py"})


def test_every_module_has_a_layer() -> None:
    names = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    names.discard("__init__")
    assert sorted(names - set(LAYERS)) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_down(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own == "__init__":
        return
    bad = []
    for lineno, module in _imports(path):
        top = _top(module)
        if top is None or top == own or top not in LAYERS:
            continue
        if LAYERS[top] >= LAYERS[own]:
            bad.append(f"{path.name}:{lineno} {own} (layer {LAYERS[own]}) imports {module}")
    assert bad == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from analyzer.cli import app\n", encoding="utf-8")
    assert [m for _, m in _imports(bad) if _top(m) == "cli"]
