"""Rule skeletons: one unknown cluster as a rule in the rule language, for a human to finish."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import polars as pl

from analyzer.errors import Diagnostic, Location, UsageError
from analyzer.models import UnknownCluster
from analyzer.redact import Redactor
from analyzer.suggest.causes import likely_causes
from analyzer.suggest.regex import literal_regex, matches, string_literal, template_regex
from analyzer.unknowns import CLUSTER_ID, mask, mask_text
from analyzer.unknowns.masking import VARIABLE_TOKEN

MAX_EXAMPLES = 3
CAUSE_PLACEHOLDER = "<choose one: "
FIX_PLACEHOLDER = '<TODO: what to do, in the platform\'s words, as a "string">'


def _slug(cluster: UnknownCluster) -> str:
    words = re.findall(r"[a-z0-9]+", VARIABLE_TOKEN.sub(" ", cluster.template).lower())
    return "local." + "-".join([cluster.cluster_id.lower() or "u", *words[:5]])


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+|<[a-z*]+>", text.lower()))


def _event(kind: str | None, message: str) -> str:
    return f"{{ kind: {kind or 'other'}, message: {string_literal(message)} }}"


def _ordered(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in time / file / line order, with `kind` as text (null when absent)."""
    cols = [c for c in ("ts", "source_file", "line") if c in frame.columns]
    rows = frame.sort(cols, nulls_last=True, maintain_order=True) if cols else frame
    kind = pl.col("kind").cast(pl.String) if "kind" in rows.columns else pl.lit(None, pl.String)
    return rows.with_columns(kind.alias("_kind"))


def _members(frame: pl.DataFrame, limit: int) -> list[tuple[str | None, str]]:
    """Up to `limit` distinct (kind, message) of a frame, earliest first."""
    rows = (
        _ordered(frame)
        .filter(pl.col("message").is_not_null() & (pl.col("message") != ""))
        .unique("message", keep="first", maintain_order=True)
        .head(limit)
    )
    return list(zip(rows["_kind"].to_list(), rows["message"].to_list(), strict=True))


def _counter(
    pattern: str, template: str, examples: list[tuple[str | None, str]], others: pl.DataFrame | None
) -> tuple[str, str]:
    """The nearest other-cluster line the regex does not match, or a synthetic near miss."""
    if others is not None and "message" in others.columns:
        origin = pl.col(CLUSTER_ID) if CLUSTER_ID in others.columns else pl.lit(None, pl.String)
        candidates = (
            _ordered(others)
            .filter(pl.col("message").is_not_null() & ~pl.col("message").str.contains(pattern))
            .with_columns(mask(pl.col("message")).alias("_shape"), origin.alias("_origin"))
            .unique("_shape", keep="first", maintain_order=True)
        )
        target = _words(template)
        best: tuple[float, str, str | None, str | None] | None = None
        for kind, message, shape, cluster in candidates.select(
            "_kind", "message", "_shape", "_origin"
        ).iter_rows():
            words = _words(shape or "")
            score = len(target & words) / max(len(target | words), 1)
            if best is None or (-score, message) < (-best[0], best[1]):
                best = (score, message, kind, cluster)
        if best is not None:
            return _event(best[2], best[1]), f"nearest line of cluster {best[3] or '?'}"
    kind, message = examples[0]
    literals = sorted(
        {w for w in re.findall(r"[A-Za-z]{3,}", VARIABLE_TOKEN.sub(" ", template)) if w in message},
        key=lambda w: (-len(w), w),
    )
    for word in literals:
        near = re.sub(rf"\b{re.escape(word)}\b", "", message, count=1)
        near = re.sub(r" {2,}", " ", near).strip()
        if near and not matches(pattern, [near])[0]:
            return _event(kind, near), f"synthetic near miss: {word!r} removed"
    return _event(kind, "operation completed successfully"), "synthetic, no near miss found"


def _pattern(template: str, messages: list[str]) -> tuple[str, int]:
    """The most specific template regex that matches the members, and how many it misses."""
    missed = len(messages)
    for single_words in (True, False):
        # A template of variable parts only gives no regex: then the first line itself is one.
        pattern = template_regex(template, single_words=single_words) or literal_regex(
            messages[0].strip().splitlines()[0] if messages and messages[0].strip() else template
        )
        missed = len(messages) - sum(matches(pattern, messages))
        if missed == 0:
            return pattern, 0
    return pattern, missed


def suggest_rule(
    cluster: UnknownCluster, members: pl.DataFrame, others: pl.DataFrame | None = None
) -> str:
    """A rule skeleton for a cluster: regex, likely causes, TODO fix, examples and a counter.

    `members` are the cluster's events (canonical columns, at least `message`); `others` are
    events of other clusters, where the counter-example is looked for first. The skeleton does not
    lint until its two `<...>` placeholders (cause and fix) are replaced: that is intended.
    """
    examples = _members(members, MAX_EXAMPLES) or [(None, cluster.example)]
    all_messages = (
        [m for m in members["message"].drop_nulls().to_list() if m]
        if "message" in members.columns
        else []
    )
    pattern, missed = _pattern(cluster.template, all_messages or [m for _, m in examples])
    if missed:  # an example must match: keep those the regex does
        hits = matches(pattern, [m for _, m in examples])
        examples = [e for e, hit in zip(examples, hits, strict=True) if hit] or examples
    statuses: list[int] = (
        members["http_status"].drop_nulls().unique().sort().to_list()
        if "http_status" in members.columns
        else []
    )
    # Keywords are looked for in masked lines: a URL path (`/api/ssl/`) or a host says nothing.
    causes = likely_causes(
        " ".join([cluster.template, *(mask_text(m) for _, m in examples)]), statuses
    )
    counter, counter_origin = _counter(pattern, cluster.template, examples, others)
    span = f"{_time(cluster.first_seen)} .. {_time(cluster.last_seen)}"
    where = f"{cluster.example_file}:{cluster.example_line}" if cluster.example_file else "?"
    choices = " | ".join(c for c, _ in causes) or "an id of TAXONOMY.md"
    lines = [
        f"# Suggested from unknown cluster {cluster.cluster_id}: {_plural(cluster.count, 'line')}, "
        f"{_plural(len(cluster.orders), 'order')}, "
        f"connectors: {', '.join(cluster.connectors) or '-'}",
        f"# template: {cluster.template}",
        f"# seen {span}; first at {where}",
        "# likely causes: "
        + ("; ".join(f"{c} ({why})" for c, why in causes) or "none recognised, see TAXONOMY.md"),
        "# Replace both <...> placeholders, then run certriage rules lint / rules test on the file",
    ]
    if missed:
        lines.append(f"# WARNING: the regex misses {missed} member line(s); widen it by hand")
    title = string_literal(VARIABLE_TOKEN.sub("…", cluster.template)[:80])
    lines += [
        f"rule {_slug(cluster)} {title} {{",
        f"    cause     {CAUSE_PLACEHOLDER}{choices}>",
        "    severity  medium",
        f"    when      message ~ /{pattern}/",
        f"    fix       {FIX_PLACEHOLDER}",
        *(f"    example   {_event(kind, message)}" for kind, message in examples),
        f"    counter   {counter}    # {counter_origin}",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _time(value: datetime | None) -> str:
    return value.isoformat() if value is not None else "?"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def suggest_for(
    clusters: Sequence[UnknownCluster],
    unknown_rows: pl.DataFrame,
    *,
    cluster_id: str | None = None,
    order_id: str | None = None,
    redactor: Redactor | None = None,
) -> str:
    """Skeletons for one cluster (by id) or every cluster touching an order, for the CLI.

    `unknown_rows` are the unexplained events with their `cluster_id` column, as the pipeline
    returns them; with a `redactor`, secrets in example lines are redacted first.
    """
    if (cluster_id is None) == (order_id is None):
        raise _usage("give exactly one of --cluster ID or --order ORDER_ID")
    if cluster_id is not None:
        chosen = [c for c in clusters if c.cluster_id.lower() == cluster_id.lower()]
        if not chosen:
            known = ", ".join(c.cluster_id for c in clusters[:10]) or "none"
            raise _usage(f"no unknown cluster {cluster_id!r}; clusters: {known}")
    else:
        chosen = [c for c in clusters if order_id in c.orders]
        if not chosen:
            raise _usage(f"order {order_id!r} has no unexplained lines")
    rows = unknown_rows
    if redactor is not None:
        if "message" in rows.columns:
            shown = redactor.texts(rows.get_column("message").to_list())
            rows = rows.with_columns(pl.Series("message", shown, dtype=pl.String))
        chosen = [
            c.model_copy(
                update={"template": redactor.text(c.template), "example": redactor.text(c.example)}
            )
            for c in chosen
        ]
    parts = []
    for cluster in chosen:
        mine = pl.col(CLUSTER_ID) == cluster.cluster_id
        parts.append(suggest_rule(cluster, rows.filter(mine), rows.filter(~mine)))
    return "\n".join(parts)


def _usage(message: str) -> UsageError:
    return UsageError(Diagnostic("usage", message, Location("<command line>")))
