"""Suite-wide options: `--update-goldens` rewrites golden files instead of comparing with them."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analyzer.pipeline import Analysis, AnalyzeOptions, analyze_paths

SAMPLES = Path(__file__).resolve().parent.parent / "sample_logs"
FIXED_CLOCK = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files from the current code instead of comparing (review the diff)",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True under --update-goldens or CERTRIAGE_UPDATE_GOLDENS=1."""
    flag = bool(request.config.getoption("--update-goldens"))
    return flag or os.environ.get("CERTRIAGE_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="session")
def sample_analysis() -> Analysis:
    """The analysis of sample_logs/ with a fixed clock (shared: it is the slowest fixture)."""
    # Relative to the working directory, so goldens name `sample_logs/...` wherever the clone is.
    return analyze_paths([os.path.relpath(SAMPLES)], AnalyzeOptions(generated_at=FIXED_CLOCK))
