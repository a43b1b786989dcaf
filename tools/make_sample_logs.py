"""Generate sample_logs/ (one bad week of CA-integration logs) and the golden verdict tables.

Deterministic: a fixed seed, fixed timestamps, gzip with mtime 0. Run from the repo root:
    python tools/make_sample_logs.py
"""

# ruff: noqa: E501  (the README template below holds Markdown tables)

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_logs"
GOLDEN = ROOT / "tests" / "golden"
RNG = random.Random(20261116)
TOKEN = re.compile(r"@@[\w-]+@@")

CONN = "connector-validation.log"
BOT = "provisioning-bot.log"
BOT_GZ = "bot-archive-2026-11-17.log.gz"
ORDERS = "order-submission-export.csv"
API = "api-responses.jsonl"

CONNECTORS: dict[str, tuple[str, str]] = {
    "ADCS-Corp": ("adcs", "https://ca01.corp.example/certsrv"),
    "DigiCert-Prod": ("digicert", "https://www.digicert.com/services/v2"),
    "Sectigo-SCM": ("sectigo", "https://cert-manager.com/api/ssl/v1"),
    "EJBCA-Internal": ("ejbca", "https://ejbca.corp.example:8443/ejbca/ejbca-rest-api/v1"),
    "emCA-Public": ("emsign", "https://emca.emsign.com/certinext/api/v1"),
    "ACME-LE": ("acme", "https://acme-v02.api.letsencrypt.org/directory"),
}
TEMPLATES: dict[str, list[tuple[str, str]]] = {
    "ADCS-Corp": [
        ("WebServer-2048", "Internal"),
        ("WebServer-2048", "Internal"),
        ("Workstation-Auth", "Internal"),
    ],
    "DigiCert-Prod": [("ssl_basic", "OV"), ("ssl_basic", "OV"), ("ssl_ev_basic", "EV")],
    "Sectigo-SCM": [("Sectigo OV SSL", "OV"), ("Sectigo OV Multi-Domain", "OV")],
    "EJBCA-Internal": [("ServerTLS-1y", "Internal")],
    "emCA-Public": [("emSign OV SSL", "OV"), ("emSign DV SSL", "DV")],
    "ACME-LE": [("LE-DV-90d", "DV")],
}
PY_AGENT = {"ACME-LE"}  # orders of these connectors go through the Python agent

# A real CSR (RSA 1024, SHA-256) generated once with the `cryptography` library; the key was
# thrown away. Kept verbatim so the generator stays stdlib-only and deterministic.
WEAK_CSR = """-----BEGIN CERTIFICATE REQUEST-----
MIIBzjCCATcCAQAwRjELMAkGA1UEBhMCVVMxFTATBgNVBAoMDEV4YW1wbGUgQ29y
cDEgMB4GA1UEAwwXbGVnYWN5LXZwbi5jb3JwLmV4YW1wbGUwgZ8wDQYJKoZIhvcN
AQEBBQADgY0AMIGJAoGBALRudApB+k1LBWbEVKPRmEVisXoP8p2moGZB2/ZMrNsE
if4G/KWJudh8kkDWtzgaoeeinP6ihKxhry6lZTkLesOGUM5Zh9LZWBtGdZHIz0GP
L5GXmhN6JFUiPoTVjB5jyguWFWscRLD8STSc9+vUWhVPFr/2yD0symyNJ5V7N/S5
AgMBAAGgSDBGBgkqhkiG9w0BCQ4xOTA3MDUGA1UdEQQuMCyCF2xlZ2FjeS12cG4u
Y29ycC5leGFtcGxlghF2cG4yLmNvcnAuZXhhbXBsZTANBgkqhkiG9w0BAQsFAAOB
gQBPSSNY3H9W6HEXsryAGYn90cEWUg5Ht8qQ2OwljpyAqXZVIWSu0zR5e8vzZmUl
BnIQeisRhRil5WT8IYpvnBqtibEOuO22uqqqLbeiOLULT9M8DWDOQcQD/44MFXbB
7pnuHAZ7GW1GFAFlXtqAYljwmVuDp/oOphP6ndTfpUHMBg==
-----END CERTIFICATE REQUEST-----"""


def t(day: int, hh: int, mm: int, ss: int = 0, ms: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, ss, ms * 1000, tzinfo=UTC)


@dataclass
class Entry:
    """One log record (possibly multi-line) waiting to be written; `line` is set on write."""

    ts: datetime
    text: str
    seq: int
    line: int = 0


@dataclass
class Order:
    key: str
    created: datetime
    connector: str
    template: str
    cert_type: str
    status: str = "Issued"
    http: str = ""
    code: str = ""
    message: str = ""
    cn: str = ""
    sans: str = ""
    key_alg: str = "RSA"
    key_size: str = "2048"
    sig_alg: str = "sha256WithRSAEncryption"
    serial: str = ""
    requester: str = ""
    request_id: str = ""
    order_id: str = ""
    in_export: bool = True
    extra: dict[str, str] = field(default_factory=dict)


class Logs:
    def __init__(self) -> None:
        self.files: dict[str, list[Entry]] = {CONN: [], BOT: [], BOT_GZ: [], API: []}
        self.seq = 0

    def add(self, name: str, ts: datetime, text: str) -> Entry:
        self.seq += 1
        if name == BOT and ts < t(18, 0, 0):
            name = BOT_GZ
        entry = Entry(ts, text, self.seq)
        self.files[name].append(entry)
        return entry


LOGS = Logs()


def q(value: str) -> str:
    return '"' + value.replace('"', "'") + '"'


def conn(
    ts: datetime,
    level: str,
    name: str,
    op: str,
    msg: str,
    *,
    status: str = "",
    http: int | None = None,
    latency: int | None = None,
    **kv: str,
) -> Entry:
    ca_type, endpoint = CONNECTORS[name]
    endpoint = kv.pop("endpoint", endpoint)
    parts = [
        ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
        f"{level:<5}",
        "[connector-validation]",
        f"connector={q(name)}",
        f"ca_type={ca_type}",
        f"endpoint={q(endpoint)}",
        f"operation={op}",
    ]
    if status:
        parts.append(f"status={status}")
    for k, v in kv.items():
        parts.append(f"{k}={q(v) if ' ' in v or not v else v}")
    if http is not None:
        parts.append(f"http_status={http}")
    if latency is not None:
        parts.append(f"latency_ms={latency}")
    parts.append(f"msg={q(msg)}")
    return LOGS.add(CONN, ts, " ".join(parts))


def bot(
    ts: datetime, level: str, thread: str, logger: str, text: str, *, cont: list[str] | None = None
) -> Entry:
    stamp = ts.strftime("%Y-%m-%d %H:%M:%S,") + f"{ts.microsecond // 1000:03d}"
    body = f"{stamp} {level:<5} [{thread}] {logger} - {text}"
    if cont:
        body += "\n" + "\n".join(cont)
    return LOGS.add(BOT, ts, body)


def api(ts: datetime, order_id: str, name: str, http: int, body: object, **kv: object) -> Entry:
    obj: dict[str, object] = {
        "timestamp": ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z",
        "order_id": order_id,
        "connector": name,
        "http_status": http,
    }
    obj.update(kv)
    obj["body"] = body
    return LOGS.add(API, ts, json.dumps(obj, ensure_ascii=False))


def jitter(ts: datetime, lo: int = 1, hi: int = 9) -> datetime:
    return ts + timedelta(seconds=RNG.randint(lo, hi), milliseconds=RNG.randint(0, 999))


def hexserial(nbytes: int, prefix: str = "") -> str:
    first = RNG.randint(0x10, 0x7F)
    return (
        prefix + f"{first:02X}" + "".join(f"{RNG.randint(0, 255):02X}" for _ in range(nbytes - 1))
    )


# ---------------------------------------------------------------------------------------------
# The story: failure windows per connector (used to keep heartbeats and healthy orders honest).

WINDOWS: dict[str, list[tuple[datetime, datetime, str]]] = {
    "ADCS-Corp": [(t(17, 13, 10), t(17, 13, 52), "rpc")],
    "DigiCert-Prod": [(t(18, 0, 0), t(18, 14, 20), "expired")],
    "EJBCA-Internal": [
        (t(17, 8, 30), t(17, 15, 45), "tls"),
        (t(19, 14, 0), t(19, 14, 12), "timeout"),
    ],
    "Sectigo-SCM": [
        (t(19, 3, 0), t(19, 3, 45), "outage"),
        (t(20, 10, 2), t(20, 11, 31), "endpoint"),
    ],
    "emCA-Public": [(t(21, 2, 0), t(21, 2, 1), "burst"), (t(22, 16, 0), t(23, 0, 0), "inactive")],
    "ACME-LE": [],
}


def in_window(name: str, ts: datetime, pad: int = 30) -> str:
    for start, end, why in WINDOWS[name]:
        if start - timedelta(minutes=pad) <= ts <= end + timedelta(minutes=pad):
            return why
    return ""


REQUESTERS = [
    "j.meyer@corp.example",
    "a.khan@corp.example",
    "svc-webops@corp.example",
    "l.nguyen@corp.example",
    "svc-k8s-ingress@corp.example",
    "p.rossi@corp.example",
]
HOSTS = ["web01", "web02", "api-gw-01", "k8s-ingress-03", "mail01", "intranet02", "vpn-edge-01"]
DOMAINS = {
    "ADCS-Corp": "corp.example",
    "EJBCA-Internal": "svc.corp.example",
    "DigiCert-Prod": "example.com",
    "Sectigo-SCM": "example.net",
    "emCA-Public": "example.in",
    "ACME-LE": "example.org",
}
NAMES = [
    "portal",
    "api",
    "www",
    "intranet",
    "git",
    "wiki",
    "sso",
    "mail",
    "status",
    "pay",
    "shop",
    "cdn",
    "grafana",
    "jira",
    "vault",
    "billing",
    "crm",
    "hr",
    "docs",
    "files",
]

ORDERS_LIST: list[Order] = []
# key, cause, connector, file, evidence entry, why
VERDICTS: list[tuple[str, str, str, str, Entry, str]] = []


def new_order(
    key: str, created: datetime, connector: str, template: str = "", cert_type: str = "", **kw: Any
) -> Order:
    if not template:
        template, cert_type = TEMPLATES[connector][0]
    host = RNG.choice(NAMES)
    dom = DOMAINS[connector]
    cn = str(kw.pop("cn", f"{host}.{dom}"))
    sans = str(kw.pop("sans", f"{cn};{host}-alt.{dom}" if RNG.random() < 0.4 else cn))
    requester = RNG.choice(REQUESTERS)
    requester = str(kw.pop("requester", requester))
    order = Order(
        f"@@{key}@@",
        created,
        connector,
        template,
        cert_type,
        cn=cn,
        sans=sans,
        requester=requester,
        **kw,
    )
    ORDERS_LIST.append(order)
    return order


def verdict(order: Order, cause: str, file: str, entry: Entry, why: str) -> None:
    VERDICTS.append((order.key, cause, order.connector, file, entry, why))


# ---------------------------------------------------------------------------------------------
# Bot flows


def thread() -> str:
    return f"worker-{RNG.randint(1, 8)}"


def java_ok_flow(o: Order, *, until: str = "install") -> None:
    """keygen → csr → submit → poll → download → install for a healthy Java-bot order."""
    th = thread()
    host = RNG.choice(HOSTS)
    ts = o.created - timedelta(seconds=RNG.randint(8, 20))
    bot(
        ts,
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host={host} key_alg={o.key_alg} key_size={o.key_size} "
        "result=ok",
    )
    bot(
        jitter(ts, 1, 2),
        "INFO",
        th,
        "com.certinext.bot.EnrollmentJob",
        f'order_id={o.key} step=csr result=ok msg="CSR generated ({o.sig_alg}), subject CN={o.cn}"',
    )
    bot(
        o.created,
        "INFO",
        th,
        "com.certinext.bot.EnrollmentJob",
        f'order_id={o.key} step=submit connector={o.connector} template="{o.template}" '
        "result=ok" + (f" request_id={o.request_id}" if o.request_id else ""),
    )
    if until == "submit":
        return
    ts = o.created + timedelta(minutes=2, seconds=RNG.randint(0, 30))
    if until == "pending":
        for i in range(3):
            bot(
                ts + timedelta(hours=i * 6),
                "INFO",
                th,
                "com.certinext.bot.PollJob",
                f'order_id={o.key} step=poll attempt={i + 1} result=retry status="CSR Pending"',
            )
        return
    bot(
        ts,
        "INFO",
        th,
        "com.certinext.bot.PollJob",
        f"order_id={o.key} step=poll attempt=1 result=ok status=Issued serial={o.serial}",
    )
    bot(
        jitter(ts, 20, 40),
        "INFO",
        th,
        "com.certinext.bot.DownloadJob",
        f"order_id={o.key} step=download result=ok format=PKCS7 chain=3",
    )
    bot(
        jitter(ts, 50, 90),
        "INFO",
        th,
        "com.certinext.bot.InstallJob",
        f'Order {o.key} installed on {host} step=install result=ok target="{host}:443"',
    )


def py_ok_flow(o: Order) -> None:
    ts = o.created - timedelta(seconds=RNG.randint(5, 12))
    lg = "certinext_agent.acme"
    bot(
        ts,
        "INFO",
        "MainThread",
        lg,
        f"order_id={o.key} step=keygen host=edge-py-01 key_alg={o.key_alg} key_size={o.key_size} "
        "result=ok",
    )
    bot(
        o.created,
        "INFO",
        "MainThread",
        lg,
        f'order_id={o.key} step=submit connector={o.connector} result=ok msg="new-order created, '
        'http-01 challenge published"',
    )
    bot(
        jitter(o.created, 40, 70),
        "INFO",
        "MainThread",
        lg,
        f"order_id={o.key} step=poll result=ok status=valid serial={o.serial}",
    )
    bot(
        jitter(o.created, 80, 120),
        "INFO",
        "MainThread",
        lg,
        f'Order {o.key} step=install result=ok msg="nginx reloaded on edge-py-01"',
    )


def conn_enroll_ok(o: Order) -> None:
    conn(
        jitter(o.created, 0, 2),
        "INFO",
        o.connector,
        "enroll",
        "Request accepted",
        status="Active",
        http=201 if o.connector != "ADCS-Corp" else 200,
        latency=RNG.randint(180, 900),
        order_id=o.key,
        template=o.template,
    )


# ---------------------------------------------------------------------------------------------


def heartbeats() -> None:
    offsets = {name: i * 7 for i, name in enumerate(CONNECTORS)}
    for day in range(16, 23):
        for hour in range(0, 24, 2):
            for name in CONNECTORS:
                ts = t(day, hour, offsets[name], RNG.randint(0, 59), RNG.randint(0, 999))
                why = in_window(name, ts, pad=0)
                lat = RNG.randint(90, 600)
                if why == "expired":
                    conn(
                        ts,
                        "ERROR",
                        name,
                        "test",
                        "API key expired",
                        status="Error",
                        http=401,
                        latency=lat,
                        error_code="invalid_api_key",
                    )
                elif why == "tls":
                    conn(
                        ts,
                        "ERROR",
                        name,
                        "test",
                        "javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
                        "sun.security.provider.certpath.SunCertPathBuilderException: unable to "
                        "find valid certification path to requested target",
                        status="Error",
                        latency=lat,
                    )
                elif why == "inactive":
                    conn(
                        ts,
                        "WARN",
                        name,
                        "test",
                        "Connector is Inactive: CA account disabled (Inactive Account User.)",
                        status="Inactive",
                        http=200,
                        latency=lat,
                        error_code="EMS-1162",
                    )
                elif why == "endpoint":
                    conn(
                        ts,
                        "ERROR",
                        name,
                        "test",
                        "HTTP 404 Not Found",
                        status="Error",
                        http=404,
                        latency=lat,
                        endpoint="https://cert-manager.com/api/ssl/v2/",
                    )
                else:
                    conn(
                        ts,
                        "INFO",
                        name,
                        "test",
                        "Connector test succeeded",
                        status="Active",
                        http=200,
                        latency=lat,
                    )


def healthy_orders() -> None:
    plan = {
        "ADCS-Corp": 11,
        "DigiCert-Prod": 8,
        "Sectigo-SCM": 7,
        "EJBCA-Internal": 8,
        "emCA-Public": 7,
        "ACME-LE": 6,
    }
    for name, count in plan.items():
        made = 0
        while made < count:
            day = 16 + (made * 7) // count
            ts = t(day, RNG.randint(7, 18), RNG.randint(0, 59), RNG.randint(0, 59))
            if in_window(name, ts, pad=60):
                continue
            tmpl, ctype = RNG.choice(TEMPLATES[name])
            if name == "ADCS-Corp" and made < 5:
                tmpl, ctype = "WebServer-2048", "Internal"
            o = new_order(f"ok-{name}-{made}", ts, name, tmpl, ctype)
            if tmpl == "WebServer-ECC":
                o.key_alg, o.key_size, o.sig_alg = "EC", "256", "ecdsa-with-SHA256"
            o.serial = hexserial(19 if name == "ADCS-Corp" else 16)
            if name == "ADCS-Corp":
                o.serial = "61" + hexserial(9)
            o.request_id = f"REQ-{RNG.randint(100000, 999999)}"
            if name in PY_AGENT:
                py_ok_flow(o)
            else:
                java_ok_flow(o)
            conn_enroll_ok(o)
            made += 1


def story() -> None:
    # ---- Mon 16: AD CS template problems -------------------------------------------------
    conn(
        t(16, 8, 2, 11, 402),
        "INFO",
        "ADCS-Corp",
        "config_update",
        "Template mapping added by admin@corp.example: 'Webserver 2048' -> ADCS-Corp",
        status="Active",
    )
    o = new_order(
        "tmpl_nf",
        t(16, 9, 41, 7),
        "ADCS-Corp",
        "CodeSigning-v3",
        "Internal",
        status="Failed",
        http="",
        code="0x80094800",
        cn="build-signer.corp.example",
        sans="build-signer.corp.example",
        message="CertEnroll::CX509Enrollment::Enroll: The requested certificate "
        "template is not supported by this CA. 0x80094800 (-2146875392 "
        "CERTSRV_E_UNSUPPORTED_CERT_TYPE)",
    )
    java_ok_flow(o, until="submit")
    e = conn(
        jitter(o.created, 1, 2),
        "ERROR",
        "ADCS-Corp",
        "enroll",
        o.message,
        status="Active",
        latency=412,
        order_id=o.key,
        template=o.template,
    )
    verdict(
        o,
        "template.not_found",
        CONN,
        e,
        "AD CS 0x80094800: CodeSigning-v3 is not published on this CA; no near-miss name",
    )

    o = new_order(
        "tmpl_mm",
        t(16, 11, 5, 40),
        "ADCS-Corp",
        "Webserver 2048",
        "Internal",
        status="Failed",
        code="0x80094800",
        cn="hr-portal.corp.example",
        sans="hr-portal.corp.example;hr.corp.example",
        message="CertEnroll::CX509Enrollment::Enroll: The requested certificate "
        "template is not supported by this CA. 0x80094800 (-2146875392 "
        "CERTSRV_E_UNSUPPORTED_CERT_TYPE)",
    )
    java_ok_flow(o, until="submit")
    e = conn(
        jitter(o.created, 1, 2),
        "ERROR",
        "ADCS-Corp",
        "enroll",
        o.message,
        status="Active",
        latency=388,
        order_id=o.key,
        template=o.template,
    )
    verdict(
        o,
        "template.name_mismatch",
        CONN,
        e,
        "not-found for 'Webserver 2048' while the same connector issues 'WebServer-2048'",
    )

    o = new_order(
        "tmpl_perm",
        t(16, 14, 22, 3),
        "ADCS-Corp",
        "SmimeUser-v2",
        "Internal",
        status="Failed",
        code="0x80094012",
        cn="m.schulz@corp.example",
        sans="email:m.schulz@corp.example",
        message="Denied by Policy Module 0x80094012, The permissions on the "
        "certificate template do not allow the current user to enroll for this type "
        "of certificate.",
    )
    java_ok_flow(o, until="submit")
    e = conn(
        jitter(o.created, 1, 2),
        "ERROR",
        "ADCS-Corp",
        "enroll",
        o.message,
        status="Active",
        latency=451,
        order_id=o.key,
        template=o.template,
    )
    verdict(
        o,
        "template.permission_denied",
        CONN,
        e,
        "0x80094012: template exists, service account lacks Enroll on it",
    )

    # issued order on EJBCA, revoked later with the serial in decimal
    serial_mis = hexserial(20)
    o = new_order(
        "rev_serial",
        t(16, 10, 12, 55),
        "EJBCA-Internal",
        "ServerTLS-1y",
        "Internal",
        status="Revocation Failed",
        http="404",
        code="404",
        cn="old-api.svc.corp.example",
        sans="old-api.svc.corp.example",
        serial=serial_mis,
        request_id="REQ-318844",
        message="Revocation failed: CA returned 404 (certificate not found)",
    )
    java_ok_flow(o)
    conn_enroll_ok(o)
    rev_serial_order = o

    # issued on DigiCert, revoked on Sat with a key lacking revoke rights
    o = new_order(
        "rev_403",
        t(16, 15, 48, 20),
        "DigiCert-Prod",
        "ssl_basic",
        "OV",
        status="Revocation Failed",
        http="403",
        code="access_denied",
        cn="checkout.example.com",
        sans="checkout.example.com;pay.example.com",
        serial="0" + hexserial(16)[1:],
        request_id="DC-88213497",
        message="You do not have permission to revoke this certificate.",
    )
    java_ok_flow(o)
    conn_enroll_ok(o)
    rev_403_order = o

    # ---- Tue 17: Sectigo stuck order, EJBCA TLS trust, AD CS RPC ------------------------
    o = new_order(
        "stuck",
        t(17, 11, 20, 31),
        "Sectigo-SCM",
        "Sectigo OV SSL",
        "OV",
        status="CSR Pending",
        cn="partners.example.net",
        sans="partners.example.net",
        request_id="SCM-2297731",
    )
    java_ok_flow(o, until="pending")
    conn_enroll_ok(o)
    verdict(
        o,
        "order.stuck_pending",
        ORDERS,
        Entry(o.created, "", 0),
        "CSR Pending since 11-17 11:20, nothing wrong logged for it or its connector",
    )

    o = new_order(
        "tls_pending",
        t(17, 8, 21, 9),
        "EJBCA-Internal",
        "ServerTLS-1y",
        "Internal",
        status="CSR Pending",
        cn="ledger.svc.corp.example",
        sans="ledger.svc.corp.example",
        request_id="REQ-319007",
    )
    java_ok_flow(o, until="submit")
    conn_enroll_ok(o)
    first = None
    for i, mins in enumerate([14, 29, 59, 119, 239]):
        ts = t(17, 8, 21, 40) + timedelta(minutes=mins)
        e = conn(
            ts,
            "ERROR",
            "EJBCA-Internal",
            "poll",
            "javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
            "sun.security.provider.certpath.SunCertPathBuilderException: unable to find "
            "valid certification path to requested target",
            status="Error",
            latency=RNG.randint(40, 90),
            order_id=o.key,
            attempt=str(i + 1),
        )
        first = first or e
    conn(
        t(17, 12, 21, 52, 7),
        "WARN",
        "EJBCA-Internal",
        "poll",
        "Polling abandoned after 5 attempts; order left in CSR Pending",
        status="Error",
        order_id=o.key,
    )
    assert first is not None
    verdict(
        o,
        "network.tls",
        CONN,
        first,
        "pending since 11-17; its polls failed with PKIX path building failed (own order_id)",
    )

    o = new_order(
        "tls_fail",
        t(17, 9, 47, 18),
        "EJBCA-Internal",
        "ServerTLS-1y",
        "Internal",
        status="Failed",
        cn="metrics.svc.corp.example",
        sans="metrics.svc.corp.example",
        message="Submission to CA failed: PKIX path building failed",
    )
    th = thread()
    bot(
        o.created - timedelta(seconds=14),
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host=k8s-ingress-03 key_alg=RSA key_size=2048 result=ok",
    )
    e = bot(
        o.created + timedelta(seconds=1, milliseconds=311),
        "ERROR",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"order_id={o.key} step=submit connector=EJBCA-Internal result=failed attempt=1 "
        'msg="Submission to CA failed"',
        cont=[
            "javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
            "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
            "certification path to requested target",
            "\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)",
            "\tat java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)",
            "\tat java.base/sun.security.ssl.CertificateMessage$T13CertificateConsumer."
            "checkServerCerts(CertificateMessage.java:1329)",
            "\tat java.base/sun.net.www.protocol.https.HttpsClient.afterConnect"
            "(HttpsClient.java:589)",
            "\tat com.certinext.bot.ca.EjbcaRestClient.enroll(EjbcaRestClient.java:142)",
            "\tat com.certinext.bot.EnrollmentJob.submit(EnrollmentJob.java:88)",
            "Caused by: sun.security.validator.ValidatorException: PKIX path building failed: "
            "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
            "certification path to requested target",
            "\tat java.base/sun.security.validator.PKIXValidator.doBuild(PKIXValidator.java:439)",
            "\t... 14 more",
        ],
    )
    verdict(o, "network.tls", BOT_GZ, e, "own stack trace: PKIX path building failed")
    conn(
        t(17, 15, 40, 12, 310),
        "INFO",
        "EJBCA-Internal",
        "config_update",
        "Trust store updated by admin@corp.example: added CN=Corp Issuing CA G3 "
        "(EJBCA TLS certificate was renewed under the new issuing CA on 2026-11-17)",
        status="Active",
    )

    for i, mins in enumerate([0, 2, 5, 9, 14, 25, 38]):
        ts = t(17, 13, 10, RNG.randint(0, 59)) + timedelta(minutes=mins)
        conn(
            ts,
            "ERROR",
            "ADCS-Corp",
            "test" if i % 2 else "enroll",
            "ICertRequest::Submit: The RPC server is unavailable. 0x800706ba (WIN32: 1722 "
            "RPC_S_SERVER_UNAVAILABLE)",
            status="Error",
            latency=21000 + RNG.randint(0, 900),
        )
    o = new_order(
        "rpc",
        t(17, 13, 24, 50),
        "ADCS-Corp",
        "WebServer-2048",
        "Internal",
        status="Failed",
        code="0x800706ba",
        cn="intranet.corp.example",
        sans="intranet.corp.example",
        message="CertEnroll::CX509Enrollment::Enroll: The RPC server is unavailable. "
        "0x800706ba (WIN32: 1722 RPC_S_SERVER_UNAVAILABLE)",
    )
    th = thread()
    bot(
        o.created - timedelta(seconds=9),
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host=intranet02 key_alg=RSA key_size=2048 result=ok",
    )
    e = bot(
        o.created + timedelta(seconds=21, milliseconds=77),
        "ERROR",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"order_id={o.key} step=submit connector=ADCS-Corp result=failed attempt=3 "
        'msg="CertEnroll::CX509Enrollment::Enroll: The RPC server is unavailable. '
        '0x800706ba (WIN32: 1722 RPC_S_SERVER_UNAVAILABLE)"',
    )
    verdict(o, "network.refused", BOT_GZ, e, "RPC server unavailable (DCOM/RPC to ca01 blocked)")

    conn(
        t(17, 16, 40, 3, 18),
        "INFO",
        "DigiCert-Prod",
        "credential_rotation",
        "API key rotated by admin@corp.example (key id 4411, expires 2026-11-18T00:00:00Z)",
        status="Active",
        key_id="4411",
    )

    # ---- Wed 18: DigiCert key expired, EJBCA revoke with decimal serial, proxy, timeout ---
    for key, ts, cn in [
        ("dc_exp1", t(18, 8, 12, 40), "careers.example.com"),
        ("dc_exp2", t(18, 10, 37, 2), "b2b.example.com"),
    ]:
        o = new_order(
            key,
            ts,
            "DigiCert-Prod",
            "ssl_basic",
            "OV",
            status="Failed",
            http="401",
            code="invalid_api_key",
            cn=cn,
            sans=cn,
            message="API key expired",
        )
        java_ok_flow(o, until="submit")
        # the bot only sees the platform accept the order; the CA call is in the connector log
        e = conn(
            jitter(ts, 1, 2),
            "ERROR",
            "DigiCert-Prod",
            "enroll",
            "API key expired",
            status="Error",
            http=401,
            latency=RNG.randint(90, 200),
            order_id=o.key,
            error_code="invalid_api_key",
        )
        api(
            jitter(ts, 1, 2),
            o.key,
            "DigiCert-Prod",
            401,
            {
                "errors": [
                    {
                        "code": "invalid_api_key",
                        "message": "The API key used to authenticate has expired.",
                    }
                ]
            },
        )
        verdict(
            o,
            "auth.expired_credentials",
            CONN,
            e,
            "401 'API key expired' after the 11-17 rotation to a key expiring 11-18 00:00",
        )
    conn(
        t(18, 14, 18, 30, 555),
        "INFO",
        "DigiCert-Prod",
        "credential_rotation",
        "API key replaced by secops@corp.example (key id 4420, restrictions: Orders, Domains)",
        status="Active",
        key_id="4420",
    )

    o = rev_serial_order
    dec = str(int(o.serial, 16))
    ts = t(18, 10, 15, 9, 640)
    bot(
        ts,
        "INFO",
        "worker-2",
        "com.certinext.bot.RevokeJob",
        f"order_id={o.key} step=revoke connector=EJBCA-Internal reason=superseded serial={dec}",
    )
    api(
        jitter(ts, 0, 1),
        o.key,
        "EJBCA-Internal",
        404,
        {
            "error_code": 404,
            "error_message": f"Could not find certificate with serial number "
            f"{dec} issued by 'CN=Corp Issuing CA G2,O=Example Corp,C=US'.",
        },
        operation="revoke",
    )
    e = bot(
        jitter(ts, 1, 2),
        "ERROR",
        "worker-2",
        "com.certinext.bot.RevokeJob",
        f'order_id={o.key} step=revoke result=failed http_status=404 msg="Could not find '
        f'certificate with serial number {dec}"',
    )
    conn(
        jitter(ts, 0, 1),
        "ERROR",
        "EJBCA-Internal",
        "revoke",
        "Certificate not found",
        status="Active",
        http=404,
        latency=122,
        order_id=o.key,
        serial=dec,
    )
    verdict(
        o,
        "revocation.serial_mismatch",
        BOT,
        e,
        f"revoke sent the serial in decimal; the export knows hex {o.serial}",
    )

    o = new_order(
        "proxy",
        t(18, 9, 12, 44),
        "Sectigo-SCM",
        "Sectigo OV SSL",
        "OV",
        status="Failed",
        cn="downloads.example.net",
        sans="downloads.example.net",
        message="Submission failed: ProxyError",
    )
    lg = "certinext_agent.sectigo"
    bot(
        o.created - timedelta(seconds=3),
        "INFO",
        "MainThread",
        lg,
        f"order_id={o.key} step=keygen host=web-bot-02 key_alg=RSA key_size=2048 result=ok",
    )
    e = bot(
        o.created + timedelta(milliseconds=518),
        "ERROR",
        "MainThread",
        lg,
        f"order_id={o.key} step=submit connector=Sectigo-SCM result=failed "
        'msg="enroll request failed"',
        cont=[
            "Traceback (most recent call last):",
            '  File "/opt/certinext-agent/lib/python3.11/site-packages/urllib3/connectionpool.py"'
            ", line 776, in urlopen",
            "    self._prepare_proxy(conn)",
            '  File "/opt/certinext-agent/lib/python3.11/site-packages/urllib3/connection.py", '
            "line 1045, in _prepare_proxy",
            "    conn.connect()",
            "OSError: Tunnel connection failed: 407 Proxy Authentication Required",
            "",
            "During handling of the above exception, another exception occurred:",
            "",
            "Traceback (most recent call last):",
            '  File "/opt/certinext-agent/agent/sectigo.py", line 61, in enroll',
            "    resp = self.session.post(url, json=payload, timeout=30)",
            "requests.exceptions.ProxyError: HTTPSConnectionPool(host='cert-manager.com', "
            "port=443): Max retries exceeded with url: /api/ssl/v1/enroll (Caused by "
            "ProxyError('Cannot connect to proxy.', OSError('Tunnel connection failed: 407 "
            "Proxy Authentication Required')))",
        ],
    )
    verdict(o, "network.proxy", BOT, e, "own traceback: proxy answers 407 to the CONNECT tunnel")

    o = new_order(
        "py_timeout",
        t(18, 16, 3, 12),
        "ACME-LE",
        "LE-DV-90d",
        "DV",
        status="Failed",
        cn="blog.example.org",
        sans="blog.example.org",
        message="Submission failed: ConnectTimeout",
    )
    lg = "certinext_agent.acme"
    bot(
        o.created - timedelta(seconds=6),
        "INFO",
        "MainThread",
        lg,
        f"order_id={o.key} step=keygen host=edge-py-01 key_alg=RSA key_size=2048 result=ok",
    )
    e = bot(
        o.created + timedelta(seconds=30, milliseconds=402),
        "ERROR",
        "MainThread",
        lg,
        f"order_id={o.key} step=submit connector=ACME-LE result=failed attempt=3 "
        'msg="new-order failed"',
        cont=[
            "Traceback (most recent call last):",
            '  File "/opt/certinext-agent/agent/acme.py", line 118, in new_order',
            "    resp = self.session.post(self.directory['newOrder'], data=jws, timeout=30)",
            "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='acme-v02.api."
            "letsencrypt.org', port=443): Max retries exceeded with url: /acme/new-order "
            "(Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at "
            "0x7f3c2a1b4d90>, 'Connection to acme-v02.api.letsencrypt.org timed out. "
            "(connect timeout=30)'))",
        ],
    )
    verdict(o, "network.timeout", BOT, e, "own traceback: ConnectTimeout (connect timeout=30)")

    # ---- Thu 19: Sectigo outage, DNS on a bot host, EJBCA timeout burst, HSM 418 ----------
    for mins, secs in [(1, 4), (2, 40), (4, 12), (5, 55), (7, 31), (8, 49), (19, 2), (33, 17)]:
        ts = t(19, 3, 0) + timedelta(minutes=mins, seconds=secs)
        conn(
            ts,
            "ERROR",
            "Sectigo-SCM",
            "enroll" if mins % 2 else "test",
            "503 Service Temporarily Unavailable",
            status="Error",
            http=503,
            latency=RNG.randint(30, 120),
        )
    o = new_order(
        "outage",
        t(19, 3, 4, 11),
        "Sectigo-SCM",
        "Sectigo OV SSL",
        "OV",
        status="Failed",
        http="503",
        cn="support.example.net",
        sans="support.example.net",
        message="CA returned HTTP 503 Service Temporarily Unavailable",
    )
    java_ok_flow(o, until="submit")
    e = api(
        jitter(o.created, 0, 1),
        o.key,
        "Sectigo-SCM",
        503,
        "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
        "<h1>503 Service Temporarily Unavailable</h1></center></body></html>",
    )
    verdict(o, "ca.unavailable", API, e, "HTTP 503 inside a burst of 503s from Sectigo-SCM")

    o = new_order(
        "dns",
        t(19, 7, 55, 21),
        "emCA-Public",
        "emSign OV SSL",
        "OV",
        status="",
        cn="tenders.example.in",
        sans="tenders.example.in",
        in_export=False,
    )
    th = thread()
    bot(
        o.created - timedelta(seconds=11),
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host=bot-dmz-01 key_alg=RSA key_size=2048 result=ok",
    )
    e = bot(
        o.created + timedelta(milliseconds=20),
        "ERROR",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"order_id={o.key} step=submit connector=emCA-Public result=failed attempt=1 "
        'msg="Could not create order on platform"',
        cont=[
            f"com.certinext.bot.SubmitException: Submission failed for order {o.key}",
            "\tat com.certinext.bot.EnrollmentJob.submit(EnrollmentJob.java:97)",
            "\tat com.certinext.bot.EnrollmentJob.run(EnrollmentJob.java:54)",
            "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker"
            "(ThreadPoolExecutor.java:1136)",
            "Caused by: java.net.UnknownHostException: certinext-api.corp.example: Name or "
            "service not known",
            "\tat java.base/java.net.Inet6AddressImpl.lookupAllHostAddr(Native Method)",
            "\tat java.base/java.net.InetAddress$PlatformResolver.lookupByName"
            "(InetAddress.java:1211)",
            "\t... 9 more",
        ],
    )
    bot(
        o.created + timedelta(minutes=5),
        "WARN",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"Order {o.key} given up after 3 attempts; no order was created on the platform",
    )
    verdict(
        o,
        "network.dns",
        BOT,
        e,
        "bot-only order: UnknownHostException from bot-dmz-01, never reached the platform",
    )

    conn(
        t(19, 9, 30, 0, 12),
        "INFO",
        "emCA-Public",
        "credential_rotation",
        "OAuth client credentials rotated by secops@corp.example",
        status="Active",
        client_id="certinext-prod",
        client_secret="k7Qv2xN9pL4mR8sT1wY6zB3cF5hJ0dG2",
    )

    timeouts: list[Entry] = []
    for mins, secs in [(0, 12), (1, 30), (2, 51), (4, 8), (5, 36), (7, 2), (8, 19), (9, 40)]:
        ts = t(19, 14, 0) + timedelta(minutes=mins, seconds=secs)
        timeouts.append(
            conn(
                ts,
                "ERROR",
                "EJBCA-Internal",
                "enroll",
                "java.net.SocketTimeoutException: connect timed out",
                status="Error",
                latency=30000 + RNG.randint(0, 40),
            )
        )
    for key, ts in [("to1", t(19, 14, 1, 31)), ("to2", t(19, 14, 4, 9)), ("to3", t(19, 14, 7, 3))]:
        o = new_order(
            key,
            ts,
            "EJBCA-Internal",
            "ServerTLS-1y",
            "Internal",
            status="Failed",
            message="Submission failed",
        )
        th = thread()
        bot(
            ts - timedelta(seconds=12),
            "INFO",
            th,
            "com.certinext.bot.KeyGenJob",
            f"order_id={o.key} step=keygen host=k8s-ingress-03 key_alg=RSA key_size=2048 result=ok",
        )
        bot(
            ts + timedelta(seconds=30, milliseconds=88),
            "ERROR",
            th,
            "com.certinext.bot.EnrollmentJob",
            f"order_id={o.key} step=submit connector=EJBCA-Internal result=failed "
            'msg="Submission failed"',
        )
        e = max((x for x in timeouts if x.ts <= ts + timedelta(seconds=31)), key=lambda x: x.ts)
        verdict(
            o,
            "network.timeout",
            CONN,
            e,
            "only 'Submission failed'; EJBCA-Internal logs 8 connect timeouts 14:00-14:10",
        )
    o = new_order(
        "perm",
        t(19, 14, 5, 44),
        "EJBCA-Internal",
        "ServerTLS-1y",
        "Internal",
        status="Failed",
        http="403",
        code="403",
        message="Administrator 'CN=certinext-ra' is not authorized to resource "
        "/ca_functionality/create_certificate. Insufficient permission.",
    )
    th = thread()
    bot(
        o.created - timedelta(seconds=8),
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host=api-gw-01 key_alg=RSA key_size=2048 result=ok",
    )
    e = api(
        o.created + timedelta(milliseconds=640),
        o.key,
        "EJBCA-Internal",
        403,
        {"error_code": 403, "error_message": o.message},
    )
    bot(
        o.created + timedelta(seconds=1),
        "ERROR",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"order_id={o.key} step=submit connector=EJBCA-Internal result=failed http_status=403 "
        'msg="Submission failed"',
    )
    verdict(
        o,
        "auth.insufficient_permissions",
        API,
        e,
        "own 403 'not authorized to resource' beats the linked EJBCA timeout burst",
    )

    for key, ts, gw in [
        ("hsm1", t(19, 16, 20, 5), "hsm-gw-01"),
        ("hsm2", t(20, 9, 5, 48), "hsm-gw-02"),
        ("hsm3", t(21, 13, 42, 19), "hsm-gw-01"),
    ]:
        msg = f"Unexpected response code 418 from upstream HSM gateway {gw}.corp.example"
        o = new_order(
            key,
            ts,
            "EJBCA-Internal",
            "ServerTLS-1y",
            "Internal",
            status="Failed",
            message=msg,
        )
        th = thread()
        bot(
            ts - timedelta(seconds=10),
            "INFO",
            th,
            "com.certinext.bot.KeyGenJob",
            f"order_id={o.key} step=keygen host=api-gw-01 key_alg=RSA key_size=2048 result=ok",
        )
        e = bot(
            ts + timedelta(seconds=2, milliseconds=5),
            "ERROR",
            th,
            "com.certinext.bot.EnrollmentJob",
            f'order_id={o.key} step=submit connector=EJBCA-Internal result=failed msg="{msg}"',
        )
        conn(
            jitter(ts, 1, 2),
            "ERROR",
            "EJBCA-Internal",
            "enroll",
            msg,
            status="Active",
            latency=RNG.randint(300, 700),
            order_id=o.key,
        )
        verdict(o, "unknown", BOT, e, "deliberately unexplained: HSM gateway 418 (cluster A)")

    # ---- Fri 20: Sectigo base URL edit, CSR problems at emCA, vendor plugin oddity --------
    conn(
        t(20, 10, 2, 7, 901),
        "INFO",
        "Sectigo-SCM",
        "config_update",
        "Connector edited by admin@corp.example: base URL changed from "
        "https://cert-manager.com/api/ssl/v1 to https://cert-manager.com/api/ssl/v2/",
        status="Active",
        endpoint="https://cert-manager.com/api/ssl/v2/",
    )
    for key, ts, cn in [
        ("endpoint1", t(20, 10, 12, 19), "status.example.net"),
        ("endpoint2", t(20, 10, 47, 2), "events.example.net"),
    ]:
        o = new_order(
            key,
            ts,
            "Sectigo-SCM",
            "Sectigo OV SSL",
            "OV",
            status="Failed",
            http="404",
            cn=cn,
            sans=cn,
            message="HTTP 404 Not Found: POST https://cert-manager.com/api/ssl/v2/enroll",
        )
        java_ok_flow(o, until="submit")
        e = conn(
            jitter(ts, 0, 1),
            "ERROR",
            "Sectigo-SCM",
            "enroll",
            "HTTP 404 Not Found",
            status="Error",
            http=404,
            latency=RNG.randint(60, 140),
            order_id=o.key,
            endpoint="https://cert-manager.com/api/ssl/v2/",
        )
        verdict(
            o,
            "connector.bad_endpoint",
            CONN,
            e,
            "404 on the API path 10 min after 'base URL changed' (10:02)",
        )
    conn(
        t(20, 11, 31, 40, 2),
        "INFO",
        "Sectigo-SCM",
        "config_update",
        "Connector edited by admin@corp.example: base URL changed from "
        "https://cert-manager.com/api/ssl/v2/ to https://cert-manager.com/api/ssl/v1",
        status="Active",
    )

    o = new_order(
        "weak_key",
        t(20, 13, 14, 2),
        "emCA-Public",
        "emSign OV SSL",
        "OV",
        status="Rejected",
        http="400",
        code="EMS-915",
        key_size="1024",
        cn="legacy-vpn.corp.example",
        sans="legacy-vpn.corp.example;vpn2.corp.example",
        message="EMS-915 — CSR key does not meet policy: RSA 1024 bits, minimum is 2048",
    )
    th = thread()
    bot(
        o.created - timedelta(seconds=4),
        "INFO",
        th,
        "com.certinext.bot.KeyGenJob",
        f"order_id={o.key} step=keygen host=vpn-edge-01 key_alg=RSA key_size=1024 result=ok "
        'msg="key size taken from legacy profile vpn-edge.yaml"',
    )
    bot(
        o.created - timedelta(seconds=3),
        "INFO",
        th,
        "com.certinext.bot.EnrollmentJob",
        f'order_id={o.key} step=csr result=ok msg="CSR generated:"',
        cont=WEAK_CSR.splitlines(),
    )
    e = api(
        o.created + timedelta(milliseconds=870),
        o.key,
        "emCA-Public",
        400,
        {
            "type": "https://certinext.emudhra.com/problems/csr-policy",
            "title": "CSR rejected by CA policy",
            "status": 400,
            "detail": "EMS-915 — CSR key does not meet policy: RSA 1024 bits, minimum is 2048",
            "errors": [{"field": "csr", "message": "RSA key size 1024 not allowed"}],
        },
    )
    bot(
        o.created + timedelta(seconds=1),
        "ERROR",
        th,
        "com.certinext.bot.EnrollmentJob",
        f"order_id={o.key} step=submit connector=emCA-Public result=failed http_status=400 "
        'msg="EMS-915 — CSR key does not meet policy: RSA 1024 bits, minimum is 2048"',
    )
    verdict(o, "csr.key_policy", API, e, "EMS-915 RSA 1024; the CSR in the bot log is RSA 1024")

    o = new_order(
        "bad_csr",
        t(20, 15, 31, 50),
        "emCA-Public",
        "emSign DV SSL",
        "DV",
        status="Failed",
        http="200",
        code="EMS-921",
        cn="events.example.in",
        sans="events.example.in",
        message="Invalid CSR format: unable to decode CSR (no PEM header found)",
    )
    java_ok_flow(o, until="submit")
    e = api(
        o.created + timedelta(milliseconds=500),
        o.key,
        "emCA-Public",
        200,
        {
            "meta": {
                "status": "0",
                "errorCode": "EMS-921",
                "errorMessage": "Invalid CSR format: unable to decode CSR (no PEM header found)",
            }
        },
    )
    verdict(o, "csr.invalid_format", API, e, "HTTP 200 but meta.status 0, EMS-921")

    for key, ts, shard in [("plg1", t(20, 15, 10, 33), "4"), ("plg2", t(21, 11, 30, 7), "9")]:
        msg = f"PLG-7731 entitlement ledger out of sync for shard {shard}; order parked"
        o = new_order(
            key,
            ts,
            "Sectigo-SCM",
            "Sectigo OV Multi-Domain",
            "OV",
            status="Failed",
            code="PLG-7731",
            message=msg,
        )
        java_ok_flow(o, until="submit")
        e = conn(
            jitter(ts, 1, 3),
            "ERROR",
            "Sectigo-SCM",
            "enroll",
            msg,
            status="Active",
            latency=RNG.randint(200, 400),
            order_id=o.key,
        )
        verdict(o, "unknown", CONN, e, "deliberately unexplained vendor plugin code (cluster B)")

    # ---- Sat 21: emCA renewal burst, ACME problems, DigiCert revoke 403 ------------------
    base = t(21, 2, 0, 1, 120)
    for i in range(16):
        ts = base + timedelta(milliseconds=550 * i + RNG.randint(0, 40))
        o = new_order(
            f"burst{i:02d}",
            ts,
            "emCA-Public",
            "emSign DV SSL",
            "DV",
            status="Failed",
            http="200",
            code="EMS-1162",
            message="Inactive Account User.",
            cn=f"store{i + 1:02d}.example.in",
            sans=f"store{i + 1:02d}.example.in",
            requester="svc-renewal-bot@corp.example",
        )
        bot(
            ts - timedelta(milliseconds=200),
            "INFO",
            "renewal-pool-1",
            "com.certinext.bot.RenewalJob",
            f'order_id={o.key} step=submit connector=emCA-Public result=ok msg="renewal '
            'submitted (batch 2026-11-21-0200)"',
        )
        e = api(
            ts + timedelta(milliseconds=300),
            o.key,
            "emCA-Public",
            200,
            {
                "meta": {
                    "status": "0",
                    "errorCode": "EMS-1162",
                    "errorMessage": "Inactive Account User.",
                }
            },
        )
        verdict(
            o,
            "ca.rate_limited",
            API,
            e,
            "16 'Inactive Account User.' within 10 s on one account: CA throttling",
        )
    bot(
        t(21, 2, 0, 12, 4),
        "WARN",
        "renewal-pool-1",
        "com.certinext.bot.RenewalJob",
        "Renewal batch 2026-11-21-0200 finished: 0 ok, 16 failed",
    )

    acme = [
        (
            "acme_rl",
            t(21, 9, 12, 30),
            "app.example.org",
            429,
            "urn:ietf:params:acme:error:rateLimited",
            "too many certificates (5) already issued for this exact set of identifiers in the "
            "last 168h0m0s, retry after 2026-11-22 09:14:07 UTC: see https://letsencrypt.org/"
            "docs/rate-limits/#new-certificates-per-exact-set-of-hostnames",
            "ca.rate_limited",
            "ACME rateLimited (duplicate-certificate limit)",
        ),
        (
            "acme_caa",
            t(21, 10, 40, 5),
            "shop.example.org",
            403,
            "urn:ietf:params:acme:error:caa",
            "Error finalizing order :: CAA record for shop.example.org prevents issuance",
            "validation.domain_control",
            "ACME caa: the domain's CAA record excludes the CA",
        ),
        (
            "acme_csr",
            t(21, 12, 2, 44),
            "api.example.org",
            400,
            "urn:ietf:params:acme:error:badCSR",
            'Error finalizing order :: CSR contains an invalid SAN "shop_api.example.org": '
            "Domain name contains an invalid character",
            "csr.san_format",
            "ACME badCSR: underscore in a dNSName SAN",
        ),
    ]
    for key, ts, cn, status, typ, detail, cause, why in acme:
        sans = f"{cn};shop_api.example.org" if key == "acme_csr" else cn
        o = new_order(
            key,
            ts,
            "ACME-LE",
            "LE-DV-90d",
            "DV",
            status="invalid",
            http=str(status),
            code=typ,
            message=detail,
            cn=cn,
            sans=sans,
        )
        lg = "certinext_agent.acme"
        bot(
            ts - timedelta(seconds=5),
            "INFO",
            "MainThread",
            lg,
            f"order_id={o.key} step=keygen host=edge-py-01 key_alg=RSA key_size=2048 result=ok",
        )
        bot(
            ts + timedelta(seconds=2),
            "ERROR",
            "MainThread",
            lg,
            f"order_id={o.key} step=submit connector=ACME-LE result=failed http_status={status} "
            f'msg="{typ}"',
        )
        e = api(
            ts + timedelta(seconds=1, milliseconds=700),
            o.key,
            "ACME-LE",
            status,
            {"type": typ, "detail": detail, "status": status},
        )
        verdict(o, cause, API, e, why)

    o = rev_403_order
    ts = t(21, 10, 31, 18, 260)
    bot(
        ts,
        "INFO",
        "worker-5",
        "com.certinext.bot.RevokeJob",
        f"order_id={o.key} step=revoke connector=DigiCert-Prod reason=keyCompromise "
        f"serial={o.serial}",
    )
    e = conn(
        jitter(ts, 0, 1),
        "ERROR",
        "DigiCert-Prod",
        "revoke",
        "You do not have permission to revoke this certificate.",
        status="Active",
        http=403,
        latency=233,
        order_id=o.key,
        error_code="access_denied",
    )
    api(
        jitter(ts, 0, 1),
        o.key,
        "DigiCert-Prod",
        403,
        {
            "errors": [
                {
                    "code": "access_denied",
                    "message": "You do not have permission to revoke this certificate.",
                }
            ]
        },
        operation="revoke",
    )
    bot(
        jitter(ts, 1, 2),
        "ERROR",
        "worker-5",
        "com.certinext.bot.RevokeJob",
        f'order_id={o.key} step=revoke result=failed http_status=403 msg="access_denied"',
    )
    verdict(
        o,
        "revocation.not_permitted",
        CONN,
        e,
        "403 on revoke: key 4420 (11-18) is restricted to Orders/Domains",
    )

    # ---- Sun 22: emCA account deactivated; routine pending / cancelled ------------------
    conn(
        t(22, 16, 0, 41, 233),
        "WARN",
        "emCA-Public",
        "status_change",
        "Connector status changed Active -> Inactive: CA reports the account "
        "certinext-prod as inactive",
        status="Inactive",
        http=200,
        error_code="EMS-1162",
    )
    o = new_order(
        "inactive",
        t(22, 16, 5, 12),
        "emCA-Public",
        "emSign OV SSL",
        "OV",
        status="Failed",
        http="200",
        code="EMS-1162",
        message="Inactive Account User.",
        cn="investors.example.in",
        sans="investors.example.in",
    )
    java_ok_flow(o, until="submit")
    e = api(
        o.created + timedelta(milliseconds=410),
        o.key,
        "emCA-Public",
        200,
        {
            "meta": {
                "status": "0",
                "errorCode": "EMS-1162",
                "errorMessage": "Inactive Account User.",
            }
        },
    )
    verdict(
        o,
        "connector.inactive",
        API,
        e,
        "single 'Inactive Account User.' while the connector test reports Inactive",
    )

    o = new_order(
        "dcv_wait",
        t(22, 11, 0, 40),
        "emCA-Public",
        "emSign DV SSL",
        "DV",
        status="Pending For Approval",
        http="200",
        code="EMS-956",
        message="DCV not ready yet",
        cn="offers.example.in",
        sans="offers.example.in",
    )
    java_ok_flow(o, until="submit")
    api(
        o.created + timedelta(minutes=10),
        o.key,
        "emCA-Public",
        200,
        {"meta": {"status": "0", "errorCode": "EMS-956", "errorMessage": "DCV not ready yet"}},
    )

    o = new_order(
        "recent_pending",
        t(22, 14, 30, 2),
        "DigiCert-Prod",
        "ssl_ev_basic",
        "EV",
        status="CSR Pending",
        cn="www.example.com",
        sans="www.example.com;example.com",
        request_id="DC-88240017",
    )
    java_ok_flow(o, until="pending")
    conn_enroll_ok(o)

    o = new_order(
        "cancelled",
        t(19, 11, 8, 0),
        "DigiCert-Prod",
        "ssl_basic",
        "OV",
        status="Cancelled",
        cn="promo.example.com",
        sans="promo.example.com",
        request_id="DC-88229901",
        message="Order cancelled by requester",
    )
    java_ok_flow(o, until="submit")
    bot(
        t(19, 15, 2, 9),
        "INFO",
        "worker-1",
        "com.certinext.bot.EnrollmentJob",
        f"Order {o.key} cancelled by requester p.rossi@corp.example step=cancel result=ok",
    )

    o = new_order(
        "revoked_ok",
        t(16, 9, 3, 1),
        "ADCS-Corp",
        "WebServer-2048",
        "Internal",
        status="Revoked",
        cn="test-sso.corp.example",
        sans="test-sso.corp.example",
        serial="61" + hexserial(9),
        request_id="REQ-2231",
    )
    java_ok_flow(o)
    conn_enroll_ok(o)
    conn(
        t(20, 17, 2, 11),
        "INFO",
        "ADCS-Corp",
        "revoke",
        "Certificate revoked (reason: cessationOfOperation)",
        status="Active",
        http=200,
        latency=310,
        order_id=o.key,
        serial=o.serial,
    )

    # benign v1 success body, and the secrets redaction has to deal with
    ok = next(x for x in ORDERS_LIST if x.connector == "emCA-Public" and x.status == "Issued")
    api(
        ok.created + timedelta(seconds=40),
        ok.key,
        "emCA-Public",
        200,
        {
            "meta": {"status": "1", "errorCode": "", "errorMessage": ""},
            "response": {
                "orderId": ok.key,
                "certificateStatus": "Issued",
                "serialNumber": ok.serial,
            },
        },
    )
    bot(
        t(18, 7, 0, 3, 112),
        "DEBUG",
        "worker-1",
        "com.certinext.bot.http.ApiClient",
        "[HTTP] POST https://certinext-api.corp.example/api/v2/orders "
        "Authorization: Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtY2VydGJvdCIs"
        "ImF1ZCI6ImNlcnRpbmV4dCIsImV4cCI6MTc5NTY0ODAwMH0.Qm9ndXNTaWduYXR1cmVGb3JTYW1wbGVMb2dz",
    )
    bot(
        t(20, 7, 0, 5, 930),
        "DEBUG",
        "worker-4",
        "com.certinext.bot.http.ApiClient",
        "[HTTP] GET https://certinext-api.corp.example/api/v1/order/status?orderId=bulk"
        "&apikey=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    )


# ---------------------------------------------------------------------------------------------


def assign_ids() -> None:
    """Number the orders in creation order and put the numbers into every log line."""
    ORDERS_LIST.sort(key=lambda o: (o.created, o.key))
    for n, o in enumerate(ORDERS_LIST):
        o.order_id = f"ORD-{100401 + n}"
    ids = {o.key: o.order_id for o in ORDERS_LIST}
    for entries in LOGS.files.values():
        for e in entries:
            e.text = TOKEN.sub(lambda m: ids[m.group(0)], e.text)


def write_text(name: str) -> str:
    entries = sorted(LOGS.files[name], key=lambda e: (e.ts, e.seq))
    line = 1
    out: list[str] = []
    for e in entries:
        e.line = line
        out.append(e.text)
        line += e.text.count("\n") + 1
    return "\n".join(out) + "\n"


def write_orders() -> dict[str, int]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(
        [
            "Order ID",
            "Request ID",
            "Created On",
            "Template",
            "Certificate Type",
            "CA Connector",
            "Status",
            "HTTP Status",
            "Error Code",
            "Error Message",
            "Common Name",
            "SANs",
            "Key Algorithm",
            "Key Size",
            "Signature Algorithm",
            "Serial Number",
            "Requester",
        ]
    )
    rows: dict[str, int] = {}
    for n, o in enumerate(o for o in ORDERS_LIST if o.in_export):
        rows[o.key] = n + 2
        w.writerow(
            [
                o.order_id,
                o.request_id,
                o.created.strftime("%Y-%m-%d %H:%M:%S"),
                o.template,
                o.cert_type,
                o.connector,
                o.status,
                o.http,
                o.code,
                o.message,
                o.cn,
                o.sans,
                o.key_alg,
                o.key_size,
                o.sig_alg,
                o.serial,
                o.requester,
            ]
        )
    (OUT / ORDERS).write_text(buf.getvalue(), encoding="utf-8")
    return rows


def main() -> None:
    heartbeats()
    healthy_orders()
    story()
    assign_ids()
    OUT.mkdir(exist_ok=True)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in (CONN, BOT, API):
        (OUT / name).write_text(write_text(name), encoding="utf-8")
    data = write_text(BOT_GZ).encode("utf-8")
    (OUT / BOT_GZ).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    rows = write_orders()
    by_key = {o.key: o for o in ORDERS_LIST}
    table: list[list[str]] = []
    for key, cause, connector, file, entry, why in VERDICTS:
        o = by_key[key]
        row = f"{ORDERS}:{rows[key]}" if key in rows else "(not in export)"
        if file == ORDERS:
            entry.line = rows[key]
        table.append(
            [o.order_id, cause, connector, f"{file}:{entry.line}", row, o.status or "-", why]
        )
    table.sort(key=lambda r: r[0])
    with (GOLDEN / "expected_verdicts.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["order_id", "root_cause", "connector", "note"])
        for r in table:
            w.writerow([r[0], r[1], r[2], f"{r[3]}; {r[6]}"])
    connectors = [
        ("ADCS-Corp", "network.refused"),
        ("DigiCert-Prod", "auth.expired_credentials"),
        ("EJBCA-Internal", "network.tls"),
        ("EJBCA-Internal", "network.timeout"),
        ("Sectigo-SCM", "ca.unavailable"),
        ("Sectigo-SCM", "connector.bad_endpoint"),
        ("emCA-Public", "ca.rate_limited"),
        ("emCA-Public", "connector.inactive"),
    ]
    with (GOLDEN / "expected_connectors.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["connector", "cause"])
        w.writerows(sorted(connectors))
    ids = {o.key.strip("@"): o.order_id for o in ORDERS_LIST}
    readme = README
    md = [
        "| order | connector | status | expected root cause | evidence | export row | why |",
        "|---|---|---|---|---|---|---|",
    ]
    md += [f"| {r[0]} | {r[2]} | {r[5]} | `{r[1]}` | `{r[3]}` | `{r[4]}` | {r[6]} |" for r in table]
    counts = {
        "n_orders": str(sum(o.in_export for o in ORDERS_LIST)),
        "n_issued": str(sum(o.status == "Issued" for o in ORDERS_LIST)),
        "n_verdicts": str(len(table)),
        "n_ws2048": str(
            sum(
                o.template == "WebServer-2048"
                and o.status == "Issued"
                and o.connector == "ADCS-Corp"
                for o in ORDERS_LIST
            )
        ),
        "table": "\n".join(md),
    }
    for key, value in {**ids, **counts}.items():
        readme = readme.replace("{" + key + "}", value)
    (OUT / "README.md").write_text(readme, encoding="utf-8")


README = """# sample_logs: one bad week (2026-11-16 to 2026-11-22)

Generated by `python tools/make_sample_logs.py` (deterministic; do not edit by hand, edit the
generator and re-run it). Every line number below was computed by the generator after writing
the files. The tests compare against `tests/golden/expected_verdicts.csv` and
`tests/golden/expected_connectors.csv`, written by the same run.

## The platform

One CERTInext-style tenant with six CA connectors (the brief asked for five; emSign and an ACME
CA are both here because the `EMS-…` bodies and the ACME problem types need one each):

| connector | ca_type | endpoint | templates seen |
|---|---|---|---|
| ADCS-Corp | adcs | https://ca01.corp.example/certsrv | WebServer-2048, Workstation-Auth |
| DigiCert-Prod | digicert | https://www.digicert.com/services/v2 | ssl_basic (OV), ssl_ev_basic (EV) |
| Sectigo-SCM | sectigo | https://cert-manager.com/api/ssl/v1 | Sectigo OV SSL, Sectigo OV Multi-Domain |
| EJBCA-Internal | ejbca | https://ejbca.corp.example:8443/ejbca/ejbca-rest-api/v1 | ServerTLS-1y |
| emCA-Public | emsign | https://emca.emsign.com/certinext/api/v1 | emSign OV SSL, emSign DV SSL |
| ACME-LE | acme | https://acme-v02.api.letsencrypt.org/directory | LE-DV-90d |

Java provisioning bots (`com.certinext.bot.*`, threads `worker-N`, `renewal-pool-1`) and a
Python agent (`certinext_agent.*`, `MainThread`, on `edge-py-01` / `web-bot-02`) write to the
same bot log.

## Files

| file | kind (from the name) | what |
|---|---|---|
| `connector-validation.log` | connector | logfmt text: a test of every connector every 2 h, API calls (enroll / poll / revoke), config changes, credential rotations |
| `provisioning-bot.log` | bot | log4j-style text, 2026-11-18 onwards; Java stack traces, Python tracebacks, one CSR PEM block |
| `bot-archive-2026-11-17.log.gz` | bot | the same bot log for 2026-11-16 and 2026-11-17, rotated and gzipped (line numbers are of the decompressed text) |
| `order-submission-export.csv` | order | UI export, one row per order in its latest state, CRLF line ends, `Created On` without a zone (UTC) |
| `api-responses.jsonl` | order | raw CA / platform API responses of failed orders (and two benign ones) |

The export holds {n_orders} orders ({n_issued} issued); one more order exists only in the bot log.
{n_verdicts} orders should get a verdict. The newest event is the last connector test on
2026-11-22 ~22:35Z, so the default stuck-pending threshold (24 h) is ~2026-11-21 22:35Z.

## The week, day by day

**Mon 16.** Healthy baseline on every connector. At 08:02 an admin adds a template mapping
`'Webserver 2048' -> ADCS-Corp`. {tmpl_nf} asks AD CS for `CodeSigning-v3`, which is not
published on the CA (0x80094800, `template.not_found`). {tmpl_mm} uses the new mapping
`Webserver 2048` and gets the same 0x80094800, while {n_ws2048} orders in the export were issued
by the same connector with `WebServer-2048`: a near-miss name, `template.name_mismatch`.
{tmpl_perm} asks for `SmimeUser-v2`, which exists but the service account has no Enroll right
on it: "Denied by Policy Module 0x80094012" (`template.permission_denied`). {rev_serial} (EJBCA)
and {rev_403} (DigiCert) are issued fine; they come back later in the week. {revoked_ok} is
issued and later (Fri) revoked without trouble.

**Tue 17.** At 08:30 EJBCA-Internal starts failing every TLS handshake: its server certificate
was renewed under a new issuing CA the platform's trust store does not hold ("PKIX path building
failed"). {tls_pending} had been submitted at 08:21 just before; its five polls fail with PKIX
errors carrying its order id, polling is abandoned at 12:21 and the order stays at CSR Pending
(`network.tls`, not `order.stuck_pending`). {tls_fail} fails on submit with the full Java stack
trace (`network.tls`). The trust store is fixed at 15:40. Between 13:10 and 13:50 AD CS answers
"The RPC server is unavailable. 0x800706ba" (a firewall change blocked RPC to ca01);
{rpc} fails (`network.refused`). {stuck} goes to Sectigo-SCM at 11:20 and simply stays at CSR
Pending: nothing wrong is logged for it or for Sectigo-SCM around it (`order.stuck_pending`).
At 16:40 admin@corp.example rotates the DigiCert API key, pasting a key that expires at
2026-11-18 00:00Z.

**Wed 18.** From 00:07 every DigiCert test fails with 401 "API key expired"; {dc_exp1} and
{dc_exp2} fail the same way (`auth.expired_credentials`). At 14:18 secops replaces the key with
key 4420, restricted to Orders and Domains (this matters on Saturday). At 09:12 the Python agent
on web-bot-02 cannot get through the corporate proxy for {proxy} (407 Proxy Authentication
Required, `network.proxy`). At 10:15 the revoke of {rev_serial} is sent with the serial in
decimal instead of the hex the export holds; EJBCA answers 404 "Could not find certificate"
(`revocation.serial_mismatch`). At 16:03 {py_timeout} times out connecting to Let's Encrypt
(`requests.exceptions.ConnectTimeout`, `network.timeout`, own evidence).

**Thu 19.** Sectigo SCM is in maintenance 03:00-03:45: eight 503s in the connector log within
35 minutes (six within 10 minutes); {outage} fails with the load balancer's 503 page
(`ca.unavailable`). At 07:55 bot-dmz-01 cannot resolve the platform API host
(`UnknownHostException`): {dns} is never created on the platform, so it exists only in the bot log
(`network.dns`). At 09:30 the emCA OAuth client secret is rotated (and leaked into the connector
log: redaction must catch it). 14:00-14:10: EJBCA-Internal logs eight "connect timed out" (no
order ids on them). {to1}, {to2} and {to3} fail in that window with nothing of their own but
"Submission failed": the cause is attributed through connector and time (`network.timeout`).
{perm}, in the same window, has its own 403 "not authorized to resource" (the RA account lost
create_certificate): its own, higher-priority evidence wins over the linked timeouts
(`auth.insufficient_permissions`). The cancelled order {cancelled} (DigiCert) gets no verdict.
{hsm1} fails with "Unexpected response code 418 from upstream HSM gateway hsm-gw-01" (`unknown`,
cluster A, again for {hsm2} on Fri via hsm-gw-02 and {hsm3} on Sat).

**Fri 20.** 10:02 admin@corp.example edits Sectigo-SCM: "base URL changed" to `/api/ssl/v2/`.
Tests and enrolls get 404 on the API path; {endpoint1} and {endpoint2} fail
(`connector.bad_endpoint`); reverted at 11:31. {weak_key} (legacy-vpn.corp.example) comes from a
legacy bot profile with RSA 1024: the bot log shows the real CSR (RSA 1024, SHA-256, CN and SANs
of the order), emCA rejects it with EMS-915 (`csr.key_policy`). {bad_csr} is rejected with HTTP
200 but `meta.status` "0", EMS-921 "Invalid CSR format" (`csr.invalid_format`). {plg1} fails with
"PLG-7731 entitlement ledger out of sync for shard 4" (`unknown`, cluster B; again {plg2} on Sat,
shard 9).

**Sat 21.** 02:00:01-02:00:10 the renewal bot fires a batch of 16 renewals at emCA-Public
({burst00} … {burst15}); every one gets HTTP 200 with EMS-1162 "Inactive Account User." within
ten seconds, and later emCA orders go through again: the CA throttled the account
(`ca.rate_limited`). On ACME-LE: {acme_rl} hits the duplicate-certificate limit
(`urn:ietf:params:acme:error:rateLimited`, `ca.rate_limited`), {acme_caa} is refused by the
domain's CAA record (`…:caa`, `validation.domain_control`), {acme_csr} has an underscore in a
SAN (`…:badCSR`, `csr.san_format`). At 10:31 the revoke of {rev_403} (key compromise) gets 403
"You do not have permission to revoke this certificate": key 4420 has no revoke right
(`revocation.not_permitted`).

**Sun 22.** 11:00 {dcv_wait} waits for domain validation: EMS-956 "DCV not ready yet", Pending
For Approval, younger than 24 h: benign, no verdict. 14:30 {recent_pending} (DigiCert EV) is
CSR Pending for a few hours only: no verdict. At 16:00 emCA-Public turns Inactive (the account
was deactivated at the CA); {inactive} gets a single, isolated "Inactive Account User."
(`connector.inactive`), and every later test reports `status=Inactive`.

Secrets planted for redaction: an `Authorization: Bearer eyJ…` header and an `apikey=` query
parameter in the bot log, a `client_secret=` in the connector log. No private key anywhere.

## Expected verdicts

Evidence is the line that decides the verdict (`file:line`, first line of a multi-line event);
the export row is the order's row in `order-submission-export.csv`.

{table}

Orders without a verdict on purpose: every `Issued` order, {revoked_ok} (Revoked),
{cancelled} (Cancelled), {dcv_wait} (Pending For Approval, EMS-956, < 24 h) and
{recent_pending} (CSR Pending, < 24 h).

## Expected connector findings

| connector | cause | when |
|---|---|---|
| ADCS-Corp | `network.refused` | Tue 17 13:10-13:50, RPC server unavailable |
| DigiCert-Prod | `auth.expired_credentials` | Wed 18 00:07-14:18, every test 401 |
| EJBCA-Internal | `network.tls` | Tue 17 08:30-15:40, PKIX path building failed |
| EJBCA-Internal | `network.timeout` | Thu 19 14:00-14:10, 8 connect timeouts |
| Sectigo-SCM | `ca.unavailable` | Thu 19 03:01-03:34, 503 |
| Sectigo-SCM | `connector.bad_endpoint` | Fri 20 10:02-11:31, 404 after a base URL change |
| emCA-Public | `ca.rate_limited` | Sat 21 02:00, 16 x EMS-1162 in 10 s |
| emCA-Public | `connector.inactive` | Sun 22 from 16:00, status Inactive |

## Where the wording comes from

AD CS: the CertEnroll / certsrv texts of 0x80094800 CERTSRV_E_UNSUPPORTED_CERT_TYPE,
0x80094012 CERTSRV_E_TEMPLATE_DENIED and 0x800706ba RPC_S_SERVER_UNAVAILABLE. Java: JSSE's
`SSLHandshakeException: PKIX path building failed`, `SocketTimeoutException: connect timed
out`, `UnknownHostException: …: Name or service not known`. Python: requests / urllib3 2.x
`ConnectTimeout` and `ProxyError('Cannot connect to proxy.', …407 Proxy Authentication
Required)`. ACME: RFC 8555 error types with Let's Encrypt's wording. The DigiCert, Sectigo,
EJBCA bodies follow the shapes in `shared/LOG_FORMATS.md`; the `EMS-…` codes other than those
named there, the DigiCert `invalid_api_key` code and the exact EJBCA / DigiCert sentences are
plausible, not copied from vendor documentation.
"""


if __name__ == "__main__":
    main()
