"""The `certriage csr` command: decode CSR files, check them for a certificate type and policy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from analyzer.errors import ConfigError
from analyzer.pki.compliance import Problem, csr_problems
from analyzer.pki.csr import CsrFacts, CsrFormatError, decode_csr, decode_der, pem_blocks
from analyzer.pki.policy import PolicyBook, load_policy


class CertType(StrEnum):
    DV = "DV"
    OV = "OV"
    EV = "EV"


FilesArg = Annotated[
    list[Path], typer.Argument(help="CSR files (PEM, several blocks allowed, or DER) or log files.")
]
TypeOpt = Annotated[
    CertType | None,
    typer.Option("--type", help="Check the subject for this validation level (CA/B Forum)."),
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option(
        "--policy", help="Template policy (TOML): key sizes, curves, algorithms, subject."
    ),
]
TemplateOpt = Annotated[
    str | None, typer.Option("--template", help="Use this template's section of the policy file.")
]


def register(app: typer.Typer) -> None:
    """Add the `csr` command to the root app."""
    app.command("csr")(csr_command)


def csr_command(
    files: FilesArg,
    cert_type: TypeOpt = None,
    policy: PolicyOpt = None,
    template: TemplateOpt = None,
) -> None:
    """Print each CSR's key, signature, subject and SANs, and what breaks policy; exit 1 if any."""
    console = Console(highlight=False, soft_wrap=True)
    try:
        book = load_policy(policy) if policy else PolicyBook()
    except ConfigError as error:
        for diagnostic in error.diagnostics:
            console.print(diagnostic.render(), markup=False)
        raise typer.Exit(2) from None
    rules = book.for_template(template)
    found = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            console.print(f"{path}: cannot read: {exc.strerror}", markup=False)
            raise typer.Exit(2) from None
        for label, outcome in _decode(path, data):
            if isinstance(outcome, CsrFormatError):
                text = f"CSR cannot be parsed: {outcome}"
                problems = [Problem("csr.invalid_format", "pki.csr-format", text)]
                _print(console, label, None, problems)
            else:
                problems = csr_problems(outcome, cert_type.value if cert_type else None, rules)
                _print(console, label, outcome, problems)
            found += len(problems)
    if found:
        raise typer.Exit(1)


def _decode(path: Path, data: bytes) -> list[tuple[str, CsrFacts | CsrFormatError]]:
    blocks = pem_blocks(data.decode("utf-8", errors="replace"))
    if not blocks:
        return [(str(path), _try(None, data))]
    many = len(blocks) > 1
    return [
        (f"{path} #{i}" if many else str(path), _try(block, data))
        for i, block in enumerate(blocks, start=1)
    ]


def _try(pem: str | None, der: bytes) -> CsrFacts | CsrFormatError:
    try:
        return decode_csr(pem) if pem is not None else decode_der(der)
    except CsrFormatError as error:
        return error


def _print(console: Console, label: str, facts: CsrFacts | None, problems: list[Problem]) -> None:
    table = Table(title=label, title_justify="left", show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    if facts is not None:
        key = f"{facts.key_alg} {facts.key_size}" + (f" ({facts.curve})" if facts.curve else "")
        table.add_row("key", key)
        table.add_row("signature", facts.sig_alg)
        table.add_row("subject", facts.subject or "(empty)")
        table.add_row("SANs", facts.san_text() or "(none)")
    for problem in problems:
        table.add_row("[red]✗[/red]", problem.text, problem.cause)
    if not problems:
        table.add_row("[green]✓[/green]", "no problem found")
    console.print(table)
