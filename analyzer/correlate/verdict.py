"""One verdict per order: rank the candidate causes, pick the winner, explain every runner-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from analyzer.correlate.decoded import DECODED_PREFIX
from analyzer.correlate.linking import LINKED, OWN, THRESHOLD
from analyzer.correlate.orders import ORDER_KEY
from analyzer.schema import EVENT_INDEX, State
from analyzer.taxonomy import STUCK_PENDING, UNKNOWN

_RANKING = [ORDER_KEY, "priority", "proximity", "distance_s", "rule_id", EVENT_INDEX]
_DESCENDING = [False, True, False, False, False, False]
_NEEDS_VERDICT = [State.FAILED.value, State.REVOKE_FAILED.value, State.UNKNOWN.value]


@dataclass(frozen=True, slots=True)
class Decision:
    """The frames a triage decides: one verdict row per order, and the runner-ups with why they lost."""

    verdicts: pl.DataFrame
    runner_ups: pl.DataFrame


def _ranked(candidates: pl.DataFrame) -> pl.DataFrame:
    # `support`: how many distinct rules (pack or decoded) point at this cause for this order.
    best_per_cause = (
        candidates.with_columns(
            pl.col("rule_id").n_unique().over(ORDER_KEY, "cause").alias("support")
        )
        .sort(_RANKING, descending=_DESCENDING, nulls_last=True)
        .unique(subset=[ORDER_KEY, "cause"], keep="first", maintain_order=True)
    )
    return best_per_cause.with_columns(pl.int_range(pl.len()).over(ORDER_KEY).alias("rank"))


def eligible_orders(
    orders: pl.DataFrame,
    with_candidates: pl.Series,
    newest: datetime | None,
    pending_after: timedelta,
) -> pl.DataFrame:
    """Orders that get a verdict: failed, revoke-failed, unknown; pending with evidence or too old."""
    state = pl.col("state").cast(pl.String)
    has_candidate = pl.col(ORDER_KEY).is_in(with_candidates.implode())
    too_old = (
        pl.col("first_ts") < pl.lit(newest - pending_after)
        if newest is not None
        else pl.lit(value=False)
    )
    unknown_with_errors = state.is_null() & pl.col("has_error")
    return orders.with_columns(
        pl.when(unknown_with_errors)
        .then(pl.lit(State.UNKNOWN.value))
        .otherwise(state)
        .alias("state")
    ).filter(
        pl.col("state").is_in(_NEEDS_VERDICT)
        | ((pl.col("state") == State.PENDING.value) & (has_candidate | too_old.fill_null(False)))
    )


def _why_not() -> pl.Expr:
    lower_priority = pl.format(
        "lower priority ({} < {} of {})", "priority", "w_priority", "w_rule_id"
    )
    farther = (
        pl.when(pl.col("proximity") == THRESHOLD)
        .then(pl.lit("same priority, but a burst over the connector ranks below direct evidence"))
        .otherwise(
            pl.lit("same priority, but linked connector evidence ranks below the order's own lines")
        )
    )
    later = pl.format(
        "same priority and proximity, but {}s from the failure against {}s",
        pl.col("distance_s").round(0).cast(pl.Int64),
        pl.col("w_distance_s").round(0).cast(pl.Int64),
    )
    return (
        pl.when(pl.col("priority") < pl.col("w_priority"))
        .then(lower_priority)
        .when(pl.col("proximity") > pl.col("w_proximity"))
        .then(farther)
        .when(pl.col("distance_s") > pl.col("w_distance_s"))
        .then(later)
        .otherwise(pl.format("tie on priority, proximity and time; {} sorts first", "w_rule_id"))
        .alias("why_not")
    )


def _confidence(window: timedelta) -> pl.Expr:
    window_s = max(window.total_seconds(), 1.0)
    base = (
        pl.when(pl.col("rule_id").str.starts_with(DECODED_PREFIX))
        .then(0.95)
        .when(pl.col("proximity") == OWN)
        .then(0.9)
        .when(pl.col("proximity") == LINKED)
        .then(0.75 - 0.25 * (pl.col("distance_s") / window_s).clip(0.0, 1.0))
        .otherwise(0.6)
    )
    # A tie with another cause costs confidence, unless more rules back the winner than the other.
    tied = (
        (pl.col("r_priority") == pl.col("priority"))
        & (pl.col("r_proximity") == pl.col("proximity"))
        & (pl.col("r_support") >= pl.col("support"))
    )
    return (
        pl.when(tied.fill_null(False)).then(base * 0.7).otherwise(base).round(2).alias("confidence")
    )


def decide(eligible: pl.DataFrame, candidates: pl.DataFrame, window: timedelta) -> Decision:
    """Winner per eligible order (or stuck-pending / unknown), with runner-ups and their why_not."""
    ranked = _ranked(candidates.join(eligible.select(ORDER_KEY), on=ORDER_KEY, how="semi"))
    winners = ranked.filter(pl.col("rank") == 0).drop("rank")
    second = ranked.filter(pl.col("rank") == 1).select(
        ORDER_KEY,
        pl.col("priority").alias("r_priority"),
        pl.col("proximity").alias("r_proximity"),
        pl.col("support").alias("r_support"),
    )
    verdicts = (
        eligible.join(winners, on=ORDER_KEY, how="left", suffix="_w")
        .join(second, on=ORDER_KEY, how="left")
        .with_columns(_confidence(window))
        .with_columns(
            pl.when(pl.col("cause").is_not_null())
            .then(pl.col("cause"))
            .when(pl.col("state") == State.PENDING.value)
            .then(pl.lit(STUCK_PENDING))
            .otherwise(pl.lit(UNKNOWN))
            .alias("root_cause"),
        )
        .with_columns(
            pl.when(pl.col("root_cause") == STUCK_PENDING)
            .then(0.5)
            .when(pl.col("root_cause") == UNKNOWN)
            .then(0.0)
            .otherwise(pl.col("confidence"))
            .alias("confidence"),
        )
        .drop("r_priority", "r_proximity", "r_support")
        .sort(ORDER_KEY)
    )
    winner_cols = winners.select(
        ORDER_KEY,
        pl.col("rule_id").alias("w_rule_id"),
        pl.col("priority").alias("w_priority"),
        pl.col("proximity").alias("w_proximity"),
        pl.col("distance_s").alias("w_distance_s"),
    )
    runner_ups = (
        ranked.filter(pl.col("rank") > 0)
        .join(winner_cols, on=ORDER_KEY, how="inner")
        .with_columns(_why_not())
        .select(ORDER_KEY, "rank", "cause", "rule_id", "why_not", EVENT_INDEX)
        .sort(ORDER_KEY, "rank")
    )
    return Decision(verdicts=verdicts, runner_ups=runner_ups)
