"""HTML building blocks that escape everything they are given: text, tables, sections, badges."""

from __future__ import annotations

import html

from analyzer.report.text import NONE, clean, one_line


def e(s: object) -> str:
    """Any value as escaped text, safe in element content and in quoted attributes."""
    return html.escape(clean(str(s)) if s is not None else NONE, quote=True)


def line(s: str | None, limit: int | None = None) -> str:
    """Log text on one line, escaped."""
    return html.escape(one_line(s, limit), quote=True)


def table(headers: list[str], rows: list[list[str]], attrs: str = "") -> str:
    """A table of already escaped cells; one row per line so that golden diffs stay readable."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("\n<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table{attrs}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(anchor: str, title: str, body: str) -> str:
    """A titled card of the page; anchor and title are ours, never log text."""
    return f'<section id="{anchor}"><h2>{title}</h2>{body}</section>\n'


def badge(severity: str) -> str:
    """A severity as a coloured pill (the word stays, so it reads without colour too)."""
    return f'<span class="sev sev-{e(severity)}">{e(severity)}</span>'
