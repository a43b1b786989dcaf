"""`certriage csr`: facts and findings on the console; exit 1 on any finding, 2 on bad input."""

from __future__ import annotations

from pathlib import Path

import typer
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import load_pem_x509_csr
from typer.testing import CliRunner

from analyzer.cli.csr import register
from tests.pki.factory import make_csr

OV = (("CN", "www.example.com"), ("O", "Ex"), ("L", "Rome"), ("C", "IT"))


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["csr", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})
    return result.exit_code, result.output


def test_a_clean_csr_exits_0_and_prints_its_facts(tmp_path: Path) -> None:
    path = tmp_path / "ok.pem"
    path.write_text(make_csr(OV), encoding="utf-8")
    code, out = _run(str(path), "--type", "OV")
    assert code == 0
    assert "RSA 2048" in out
    assert "sha256WithRSAEncryption" in out
    assert "C=IT,L=Rome,O=Ex,CN=www.example.com" in out
    assert "DNS:www.example.com" in out
    assert "no problem found" in out


def test_every_finding_is_printed_with_its_cause_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "two.pem"
    weak = make_csr((*OV, ("OU", "IT")), dns=("*.*.example.com",), key_kind="rsa1024", sha1=True)
    path.write_text(weak + make_csr(OV), encoding="utf-8")
    code, out = _run(str(path), "--type", "OV")
    assert code == 1
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert f"{path} #1" in lines
    assert f"{path} #2" in lines
    for finding in [
        "✗ RSA 1024 bits, policy needs at least 2048 csr.key_policy",
        "✗ signature sha1WithRSAEncryption: SHA-256 or stronger needed csr.signature_algorithm",
        "✗ SAN `*.*.example.com`: wildcard only in the left-most label csr.san_format",
        "✗ OU present on an OV order csr.subject_policy",
    ]:
        assert finding in lines


def test_der_files_policy_and_parse_errors(tmp_path: Path) -> None:
    der = tmp_path / "req.der"
    der.write_bytes(
        load_pem_x509_csr(make_csr(OV).encode()).public_bytes(serialization.Encoding.DER)
    )
    policy = tmp_path / "policy.toml"
    policy.write_text("min_rsa_bits = 3072\n", encoding="utf-8")
    code, out = _run(str(der), "--policy", str(policy))
    assert (code, "RSA 2048 bits, policy needs at least 3072" in out) == (1, True)
    junk = tmp_path / "junk.csr"
    junk.write_bytes(b"\x30\x82\x01")
    code, out = _run(str(junk))
    assert code == 1
    assert "CSR cannot be parsed: error parsing asn1 value" in out


def test_bad_input_exits_2(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("min_rsa_bits = 'x'\n", encoding="utf-8")
    ok = tmp_path / "ok.pem"
    ok.write_text(make_csr(OV), encoding="utf-8")
    code, out = _run(str(ok), "--policy", str(policy))
    assert code == 2
    assert "error[csr-policy]: `min_rsa_bits` must be an integer" in out
    code, out = _run(str(tmp_path / "missing.pem"))
    assert code == 2
    assert "cannot read: No such file or directory" in out
    code, _ = _run(str(ok), "--type", "XV")
    assert code == 2
