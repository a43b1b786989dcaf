"""Report test fixtures: the hand-built Report, the secret shapes, golden-file comparison."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from analyzer.models import Report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "report"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def report() -> Report:
    """The hand-built Report: every side, many causes, runner-ups, clusters, secrets in messages."""
    return Report.model_validate_json((FIXTURES / "report.json").read_text(encoding="utf-8"))


@pytest.fixture
def secret_shapes() -> list[dict[str, str]]:
    """At least forty secrets as logs show them: name, text, and the secret that must vanish."""
    shapes: list[dict[str, str]] = json.loads(
        (FIXTURES / "secrets.json").read_text(encoding="utf-8")
    )
    return shapes


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/report/golden/<name>, or rewrite it under --update-goldens."""
    update = bool(request.config.getoption("--update-goldens", default=False)) or bool(
        os.environ.get("CERTRIAGE_UPDATE_GOLDENS")
    )

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.exists(), f"no golden {path.name}: run pytest tests/report --update-goldens"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden; review, then --update-goldens"

    return check
