"""Template near-misses: confident guesses for near names, silence for far or ambiguous ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ConfigError
from analyzer.pki.templates import TemplateEntry, load_template_map, normalise, suggest_template

ISSUED = ["WebServer-2048", "CodeSigning", "User"]
MAPPING = (
    TemplateEntry("Web Server EV", "WebServerEV", ("Web Server (Extended Validation)",)),
    TemplateEntry("Device", "DeviceAuth-Ops", (), connector="ADCS-Ops"),
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("webserver-2048", "WebServer-2048"),
        ("Web Server 2048", "WebServer-2048"),
        ("Web_Server_2048", "WebServer-2048"),
        ("WebServer-2048 v2", "WebServer-2048"),
        ("WebSever-2048", "WebServer-2048"),
        ("Code Signing", "CodeSigning"),
        ("Web Server (Extended Validation)", "WebServerEV"),
        ("web server ev", "WebServerEV"),
    ],
)
def test_near_names_get_a_suggestion(name: str, expected: str) -> None:
    guess = suggest_template(name, ISSUED, MAPPING, connector="ADCS-Prod")
    assert guess is not None
    assert guess.name == expected


@pytest.mark.parametrize(
    "name",
    [
        "WebServer-4096",  # another key size is another template
        "WebServer",  # too short a match to be sure
        "SmartcardLogon",
        "Device",  # mapped for another connector only
        "WebServer-2048",  # it exists: not a name problem
    ],
)
def test_far_names_and_exact_names_get_none(name: str) -> None:
    assert suggest_template(name, ISSUED, MAPPING, connector="ADCS-Prod") is None


def test_an_ambiguous_guess_is_withheld() -> None:
    assert suggest_template("Web-Server", ["WebServer", "Web Server v2"], ()) is None


def test_the_source_of_a_guess_is_named() -> None:
    issued = suggest_template("webserver-2048", ISSUED, MAPPING, connector="ADCS-Prod")
    mapped = suggest_template("Web Server EV", ISSUED, MAPPING, connector="ADCS-Prod")
    assert issued is not None
    assert mapped is not None
    assert (issued.source, issued.score) == ("issued on connector ADCS-Prod", 99.0)
    assert (mapped.source, mapped.score) == ("template map", 100.0)


def test_normalise_drops_case_separators_and_optionally_the_version() -> None:
    assert normalise(" Web_Server-2048 V2 ") == "webserver2048v2"
    assert normalise(" Web_Server-2048 V2 ", version=False) == "webserver2048"


def test_the_template_map_loads_and_reports_bad_rows(tmp_path: Path) -> None:
    good = tmp_path / "map.toml"
    good.write_text(
        '[[template]]\nplatform = "Web Server"\nca = "WebServer-2048"\n'
        'display = ["Web Server (2048)"]\nconnector = "ADCS-Prod"\n',
        encoding="utf-8",
    )
    assert load_template_map(good) == (
        TemplateEntry("Web Server", "WebServer-2048", ("Web Server (2048)",), "ADCS-Prod"),
    )
    bad = tmp_path / "bad.toml"
    bad.write_text('[[template]]\nplatform = "Web Server"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_template_map(bad)
    assert err.value.diagnostics[0].message == (
        "template #1: needs `platform` and `ca` strings, `display` a list of strings"
    )
