"""Benchmark: a generated 1-million-line mix of the log formats, read with read_logs."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from analyzer.readers import read_logs

CONNECTORS = ["DigiCert-Prod", "Sectigo-SCM", "ADCS-Corp", "EJBCA-Internal", "ACME-LE"]


def _connector_lines(n: int, rng: random.Random) -> str:
    out = []
    for i in range(n):
        c = rng.choice(CONNECTORS)
        status = rng.choice([200, 200, 200, 401, 503])
        level = "INFO" if status == 200 else "ERROR"
        out.append(
            f"2026-11-{16 + i % 10:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}.{i % 1000:03d}Z "
            f'{level} [connector-validation] connector="{c}" ca_type=x '
            f'endpoint="https://ca.example/{i % 7}" operation=test status=Active '
            f'http_status={status} latency_ms={i % 900} msg="test {i}"'
        )
    return "\n".join(out) + "\n"


def _bot_lines(n: int, rng: random.Random) -> str:
    out: list[str] = []
    i = 0
    while len(out) < n:
        i += 1
        if rng.random() < 0.05:
            out += [
                f"2026-11-18 07:{i % 60:02d}:00,{i % 1000:03d} ERROR [worker-{i % 8}] "
                f"com.certinext.bot.EnrollmentJob"
                f' - order_id=ORD-{i} step=submit result=failed msg="Submission to CA failed"',
                "javax.net.ssl.SSLHandshakeException: PKIX path building failed",
                "\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)",
                "\tat com.certinext.bot.EnrollmentJob.submit(EnrollmentJob.java:88)",
                "Caused by: sun.security.validator.ValidatorException: PKIX path building failed",
                "\t... 14 more",
            ]
        else:
            out.append(
                f"2026-11-18 07:{i % 60:02d}:00,{i % 1000:03d} INFO  [worker-{i % 8}] "
                f"com.certinext.bot.PollJob - order_id=ORD-{i} step=poll attempt=1 result=ok "
                f"status=Issued serial={i:032X}"
            )
    return "\n".join(out[:n]) + "\n"


def _order_csv(n: int, rng: random.Random) -> str:
    head = (
        "Order ID,Request ID,Created On,Template,CA Connector,Status,HTTP Status,"
        "Error Code,Error Message"
    )
    rows = [
        f"ORD-{i},REQ-{i},2026-11-16 07:22:{i % 60:02d},OV SSL,{rng.choice(CONNECTORS)},"
        f'{rng.choice(["Issued", "Failed", "CSR Pending", "Revoked"])},,EMS-{i % 999},"msg {i}"'
        for i in range(n - 1)
    ]
    return "\n".join([head, *rows]) + "\n"


def _api_jsonl(n: int, rng: random.Random) -> str:
    bodies = [
        {"meta": {"status": "0", "errorCode": "EMS-1162", "errorMessage": "Template not mapped"}},
        {"errors": [{"code": "invalid_api_key", "message": "The API key has expired."}]},
        {"error_code": 404, "error_message": "Could not find certificate"},
        {"type": "urn:ietf:params:acme:error:rateLimited", "status": 429, "detail": "too many"},
    ]
    return "".join(
        json.dumps(
            {
                "timestamp": f"2026-11-18T08:{i % 60:02d}:41.043Z",
                "order_id": f"ORD-{i}",
                "connector": rng.choice(CONNECTORS),
                "http_status": 200,
                "body": rng.choice(bodies),
            }
        )
        + "\n"
        for i in range(n)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(7)
    total = args.lines
    shares = {
        "connector-validation.log": 0.4,
        "provisioning-bot.log": 0.3,
        "order-export.csv": 0.15,
        "api-responses.jsonl": 0.15,
    }
    makers = [_connector_lines, _bot_lines, _order_csv, _api_jsonl]
    with tempfile.TemporaryDirectory() as folder:
        for (name, share), make in zip(shares.items(), makers, strict=True):
            (Path(folder) / name).write_text(make(int(total * share), rng), encoding="utf-8")
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        start, cpu_start = time.perf_counter(), time.process_time()
        done: dict[str, float] = {}
        result = read_logs(
            [folder], progress=lambda path, _: done.update({path: time.perf_counter()})
        )
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    lines = sum(r.lines for r in result.files)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    previous = start
    for report in result.files:
        took, previous = done[report.path] - previous, done[report.path]
        print(f"{took:6.2f} s ", end="")
        print(
            f"{Path(report.path).name:28} {report.format:14} {report.lines:>9} lines "
            f"{report.events:>9} events {report.unparsed_lines:>4} unparsed"
        )
    print(
        f"{lines} lines ({size / 1e6:.0f} MB) in {elapsed:.2f} s: {lines / elapsed:,.0f} lines/s; "
        f"{result.events.height} events; peak RSS {peak_mb:.0f} MB"
    )
    # Wall time depends on what else the machine runs; CPU time (all threads) much less so.
    print(f"CPU {cpu:.1f} s on {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    sys.exit(0 if lines == total else 1)


if __name__ == "__main__":
    main()
