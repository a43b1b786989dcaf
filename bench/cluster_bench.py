"""Benchmark: cluster 100k synthetic unexplained events of a few hundred shapes; print the time."""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime, timedelta

import polars as pl

from analyzer.schema import EVENT_INDEX
from analyzer.unknowns import cluster_unknowns

ERRORS = [
    "connect to {host}:{port} timed out after {num} ms",
    "upstream {host} closed the connection while reading the response",
    "template '{name}' is not published on issuing CA {host}",
    "request {uuid} rejected by policy module code {hex8}",
    "serial {serial} unknown to CA account {num}",
    "DCV check for {host} returned unexpected record {ip}",
    "bot {name} lost its lease on job {uuid} after {num} s",
    "CSR for {host} carries {num} SAN entries, the limit is {num}",
    "vault path secret/{name}/{num} returned an empty payload",
    "order {order} is locked by another workflow since {ts}",
    "agent {ip} reported disk full while writing {name}.pem",
    "webhook {url} answered HTTP {status} with an HTML page",
]
PLACES = ["during enroll", "during renew", "during revoke", "during poll", "during pickup"]
SYSTEMS = ["[digicert]", "[sectigo]", "[ejbca]", "[adcs]", "[acme]", "[vault]"]


def _fill(pattern: str, rnd: random.Random) -> str:
    words = ["Web Server", "OV-SSL", "svc-ca", "EV Custom v2", "internal"]
    return pattern.format(
        host=f"ca{rnd.randint(1, 99)}.{rnd.choice(['example.com', 'corp.local', 'acme.io'])}",
        port=rnd.choice([443, 8443, 9443]),
        num=rnd.randint(1, 99999),
        name=rnd.choice(words),
        uuid=f"{rnd.getrandbits(32):08x}-1234-4abc-8def-{rnd.getrandbits(48):012x}",
        hex8=f"0x8009{rnd.choice(['4012', '4800', '4801'])}",
        serial=":".join(f"{rnd.getrandbits(8):02X}" for _ in range(8)),
        ip=f"10.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}",
        order=f"ORD-{rnd.randint(100000, 999999)}",
        ts=f"2026-11-{rnd.randint(10, 28)}T10:{rnd.randint(10, 59)}:02Z",
        url=f"https://hooks.example.com/{rnd.randint(1, 999)}",
        status=rnd.choice([500, 502, 404]),
    )


def synthetic(rows: int, seed: int = 7) -> pl.DataFrame:
    """`rows` unexplained events drawn from len(ERRORS) x len(PLACES) x len(SYSTEMS) shapes."""
    rnd = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    messages = [
        f"{rnd.choice(SYSTEMS)} {_fill(rnd.choice(ERRORS), rnd)} {rnd.choice(PLACES)}"
        for _ in range(rows)
    ]
    return pl.DataFrame(
        {
            EVENT_INDEX: pl.arange(0, rows, eager=True).cast(pl.UInt32),
            "source_file": ["bench.log"] * rows,
            "line": pl.arange(1, rows + 1, eager=True).cast(pl.UInt32),
            "ts": [start + timedelta(seconds=i) for i in range(rows)],
            "order_id": [f"ORD-{rnd.randint(1, 5000)}" for _ in range(rows)],
            "connector": [rnd.choice(["DigiCert", "Sectigo", "EJBCA"]) for _ in range(rows)],
            "message": messages,
            "raw": messages,
        }
    )


def main(rows: int = 100_000) -> None:
    frame = synthetic(rows)
    started, cpu = time.perf_counter(), time.process_time()
    assignment, clusters = cluster_unknowns(frame)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    shapes = len(ERRORS) * len(PLACES) * len(SYSTEMS)
    print(
        f"{rows} rows, {shapes} generated shapes -> {len(clusters)} clusters "
        f"in {elapsed:.2f} s wall ({cpu:.2f} s CPU, all threads)"
    )
    for cluster in clusters[:5]:
        print(f"  {cluster.cluster_id} {cluster.count:6d}  {cluster.template}")
    assert assignment.height == rows


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
