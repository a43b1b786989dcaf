"""The analysis pipeline: read logs, evaluate rules, triage orders, cluster the unknown, assemble the Report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl

from analyzer.correlate import Triage, TriageOptions, triage
from analyzer.correlate.assembly import assemble
from analyzer.correlate.slim import slim
from analyzer.engine import evaluate
from analyzer.errors import InputError
from analyzer.models import Accounting, InputFile, Report, SecurityFinding
from analyzer.readers import ReadOptions, ReadResult, read_logs
from analyzer.redact import Redactor, find_private_keys
from analyzer.report import verdicts_frame
from analyzer.ruleset import RuleSet, load_ruleset
from analyzer.schema import EVENT_INDEX, Kind
from analyzer.taxonomy import cause
from analyzer.unknowns import cluster_unknowns


@dataclass(frozen=True)
class AnalyzeOptions:
    rules: Sequence[Path] | None = None
    kind: Kind | None = None
    tz: str = "UTC"
    formats_file: Path | None = None
    link_window: timedelta = timedelta(minutes=15)
    pending_after: timedelta = timedelta(hours=24)
    since: datetime | None = None
    until: datetime | None = None
    redact: bool = True
    extra_redactions: Sequence[str] = ()
    template_map: Path | None = None  # documented template mapping (TOML), for near-miss names
    csr_policy: Path | None = None  # template CSR policy (TOML), checked on top of CA/B Forum rules
    generated_at: datetime | None = None  # fixed clock for golden outputs
    # Keep of the healthy lines only what triage aggregates (analyzer.correlate.slim): the same
    # report from a fraction of the memory. False keeps every line in Analysis.events.
    slim: bool = True


@dataclass
class Analysis:
    """A finished analysis: the Report and the frames it came from (for the Python API and the CLI)."""

    report: Report
    events: pl.DataFrame
    findings: pl.DataFrame
    triage: Triage
    unknown_rows: pl.DataFrame  # unexplained events with their cluster_id
    read: ReadResult = field(repr=False)

    @property
    def verdicts(self) -> pl.DataFrame:
        """One row per order verdict, as a Polars frame."""
        return verdicts_frame(self.report)


def _inputs(read: ReadResult) -> tuple[list[InputFile], Accounting]:
    inputs = [
        InputFile(
            path=f.path,
            kind=f.kind.value,
            format=f.format,
            confidence=f.confidence,
            lines=f.lines,
            events=f.events,
            unparsed_lines=f.unparsed_lines,
            skipped=f.skipped,
            problems=[d.render() for d in f.problems],
        )
        for f in read.files
    ]
    named = {f.path for f in read.files}
    accounting = Accounting(
        files=len(read.files),
        lines_read=sum(f.lines for f in read.files),
        events=sum(f.events for f in read.files),
        unparsed_lines=sum(f.unparsed_lines for f in read.files),
        lines_skipped=sum(f.skipped_lines for f in read.files),
        files_skipped=[f"{f.path}: {f.skipped}" for f in read.files if f.skipped and f.events == 0]
        # Inputs refused before any line was read (corrupt archive, unsafe member, symlink out).
        + [f"{d.location}: {d.message}" for d in read.diagnostics if d.location.path not in named],
    )
    return inputs, accounting


def _window(events: pl.DataFrame, since: datetime | None, until: datetime | None) -> pl.DataFrame:
    if since is None and until is None:
        return events
    keep = pl.lit(value=True)
    if since is not None:
        keep = keep & (pl.col("ts").is_null() | (pl.col("ts") >= since))
    if until is not None:
        keep = keep & (pl.col("ts").is_null() | (pl.col("ts") <= until))
    return events.filter(keep)


def _benign_counts(findings: pl.DataFrame) -> dict[str, int]:
    counts = findings.filter(pl.col("benign")).group_by("rule_id").len().sort("rule_id")
    return {r["rule_id"]: r["len"] for r in counts.iter_rows(named=True)}


def _security(events: pl.DataFrame) -> list[SecurityFinding]:
    keys = find_private_keys(events)
    return [
        SecurityFinding(
            kind="private_key_in_log",
            file=r["source_file"],
            line=r["line"],
            message="A private key PEM block is written in this log: treat the key as compromised, "
            "revoke its certificates and rotate it; remove the log from shared places.",
        )
        for r in keys.iter_rows(named=True)
    ]


def analyze_read(
    read: ReadResult, ruleset: RuleSet, options: AnalyzeOptions | None = None
) -> Analysis:
    """Analyse logs that were already read."""
    opts = options or AnalyzeOptions()
    events = _window(read.events, opts.since, opts.until).with_row_index(EVENT_INDEX)
    findings = evaluate(ruleset, events)
    result = triage(
        events,
        findings,
        TriageOptions(
            link_window=opts.link_window,
            pending_after=opts.pending_after,
            template_map=opts.template_map,
            csr_policy=opts.csr_policy,
        ),
    )
    assignments, clusters = cluster_unknowns(result.unknown_rows)
    unknown_rows = result.unknown_rows.join(assignments, on=EVENT_INDEX, how="left")

    def lookup(rule_id: str, cause_id: str) -> tuple[str, str, str]:
        rule = next((r for r in ruleset.rules if r.id == rule_id), None)
        if (
            rule is None
        ):  # decoded evidence (analyzer.pki): the fix of the pack's best rule for that cause
            same = sorted(
                (r for r in ruleset.rules if r.cause == cause_id), key=lambda r: -r.priority
            )
            if not same:
                return cause(cause_id).meaning.capitalize(), "high", ""
            rule = same[0]
        return rule.title, rule.severity.value, rule.fix

    inputs, accounting = _inputs(read)
    report = assemble(
        result,
        generated_at=opts.generated_at or datetime.now(UTC),
        inputs=inputs,
        accounting=accounting,
        timezone=read.tz,
        lookup=lookup,
        clusters=clusters,
        benign=_benign_counts(findings),
        security=_security(events),
        notes=result.notes,
        redactor=Redactor(opts.extra_redactions) if opts.redact else None,
    )
    return Analysis(
        report=report,
        events=events,
        findings=findings,
        triage=result,
        unknown_rows=unknown_rows,
        read=read,
    )


def analyze_paths(
    paths: Sequence[str | Path],
    options: AnalyzeOptions | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> Analysis:
    """Read every path and analyse it; raises InputError when nothing at all could be read."""
    opts = options or AnalyzeOptions()
    ruleset = load_ruleset(list(opts.rules) if opts.rules else None)

    def keep(events: pl.DataFrame) -> pl.DataFrame:
        window = _window(events, opts.since, opts.until)
        return slim(window) if opts.slim else window

    read = read_logs(
        paths,
        ReadOptions(kind=opts.kind, tz=opts.tz, formats_file=opts.formats_file),
        progress,
        keep=keep,
    )
    if read.nothing_read:
        raise InputError(read.diagnostics)
    return analyze_read(read, ruleset, opts)
