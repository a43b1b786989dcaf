"""Benchmark: 50 compiled rules over 1 million synthetic events, with and without the prefilter."""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from analyzer.dsl.matcher import find_matches
from analyzer.engine import evaluate
from analyzer.ruleset import load_ruleset
from analyzer.schema import EVENT_INDEX, conform

# Mostly routine lines, as in real exports: one line in ten is an error of some kind.
ROUTINE = [
    "Certificate order submitted",
    "Request completed in 120 ms",
    "Polling order status: CSR Pending",
    "Renewal scheduled",
    "Heartbeat ok",
    "Connector test succeeded",
    "Order ORD-1 issued, serial 0A:1B",
    "Fetched certificate chain",
    "Scheduler tick",
]
ERRORS = [
    ("HTTP 401 Unauthorized: API key expired for user 'svc-pki'", 401),
    ("ConnectTimeout: connect to ca.example.test:443 timed out after 30000 ms", None),
    ("getaddrinfo failed: Name or service not known (ca.example.test)", None),
    ("Template 'WebServer-2048' not found at the CA", 400),
    ("503 Service Unavailable", 503),
    ("Connection refused (ECONNREFUSED) 10.0.0.12:443", None),
    ("PKIX path building failed: unable to find valid certification path", None),
    ("Rate limit exceeded: too many requests", 429),
    ("Revoke failed: unknown serial", 404),
]
MESSAGES = [(m, 200) for m in ROUTINE * 10] + ERRORS
WORDS = [
    "expired",
    "timed out",
    "refused",
    "not found",
    "unavailable",
    "PKIX",
    "denied",
    "invalid",
    "revoked",
    "rate limit",
    "too many requests",
    "malformed",
    "key size",
    "sha1",
    "SAN",
    "proxy",
    "handshake",
    "NXDOMAIN",
    "disabled",
    "maintenance",
    "throttled",
    "forbidden",
    "mismatch",
    "unknown serial",
    "CAA",
]


def rules_text(count: int) -> str:
    """`count` rules: regexes (flags, alternations, named patterns), comparisons, windows."""
    out = ["pattern expired = /(expired|no longer valid|has expired)/i\n"]
    for i in range(count):
        word = WORDS[i % len(WORDS)]
        match i % 5:
            case 0:
                when = f"message ~ /{word}/i"
            case 1:
                when = f"http_status in [401, 403] and message ~ /({word}|{word}s)/"
            case 2:
                when = f'kind == "connector" and message ~ /{word}.{{0,20}}(ms|host|user)/i'
            case 3:
                when = f"message ~ $expired and http_status >= {400 + i}"
            case _:
                when = f'message contains "{word}" and level in ["error", "fatal"]'
        count_clause = "    count >= 3 within 10m by connector\n" if i % 10 == 9 else ""
        out.append(
            f'rule bench.r{i:02d} "bench rule {i}" {{\n    cause network.timeout\n'
            f'    when {when}\n{count_clause}    fix "x"\n'
            '    example { message: "x" }\n    counter { message: "y" }\n}\n'
        )
    return "\n".join(out)


def events(rows: int) -> pl.DataFrame:
    """Synthetic canonical events, built by Polars (no Python loop per row)."""
    idx = pl.int_range(0, rows, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"i": idx}).select(
        message=pl.lit(pl.Series([m for m, _ in MESSAGES])).gather(
            pl.col("i") * 7919 % len(MESSAGES)
        ),
        http_status=pl.lit(pl.Series([s for _, s in MESSAGES], dtype=pl.Int32)).gather(
            pl.col("i") * 7919 % len(MESSAGES)
        ),
        kind=pl.lit(pl.Series(["connector", "bot", "order"])).gather(pl.col("i") % 3),
        level=pl.lit(pl.Series(["info", "error", "warn", "fatal"])).gather(pl.col("i") % 4),
        connector=pl.lit(pl.Series(["DigiCert", "EJBCA", "ADCS", "Sectigo"])).gather(
            pl.col("i") % 4
        ),
        ts=pl.lit(datetime(2026, 1, 1, tzinfo=UTC)) + pl.duration(seconds=pl.col("i")),
    )
    return conform(frame.with_columns(raw=pl.col("message"))).collect().with_row_index(EVENT_INDEX)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shipped", action="store_true", help="the shipped pack instead")
    args = parser.parse_args()
    if args.shipped:
        ruleset = load_ruleset()
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.rules"
            path.write_text(rules_text(args.rules), encoding="utf-8")
            ruleset = load_ruleset([path])
    frame = events(args.events)
    evaluate(ruleset, frame.head(1000))  # compile and warm up
    for label, run in (
        ("evaluate (prefilter on)", lambda: evaluate(ruleset, frame)),
        (
            "no prefilter",
            lambda: find_matches(ruleset.rules, ruleset.patterns, frame, prefilter=False),
        ),
    ):
        start = time.perf_counter()
        found = run()
        seconds = time.perf_counter() - start
        print(
            f"{label}: {len(ruleset)} rules x {frame.height:,} events: {seconds:.2f} s, "
            f"{found.height:,} findings, {frame.height / seconds / 1e6:.2f} M events/s"
        )


if __name__ == "__main__":
    main()
