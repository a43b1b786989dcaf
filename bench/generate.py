"""Deterministic generator of large CA-integration log exports in the formats and mix of sample_logs/."""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

# One shard is one day of a busy tenant's exports (about 140 MB); `--scale N` writes N days.
ORDERS_PER_SHARD = 66_000
TEST_EVERY_S = 30.0
FIRST_DAY = date(2026, 11, 1)
DAY_S = 86_400.0
ARCHIVE_UNTIL_S = 6 * 3600.0  # bot lines before 06:00 went to the rotated, gzipped archive
OWN_FAILURE_SHARE = 0.05  # orders failing for a reason of their own; incidents add more


@dataclass(frozen=True)
class Connector:
    name: str
    ca_type: str
    endpoint: str
    templates: tuple[str, ...]
    cert_type: str


CONNECTORS: tuple[Connector, ...] = (
    Connector("ADCS-Corp", "adcs", "https://ca01.corp.example/certsrv",
              ("WebServer-2048", "Workstation-Auth"), "Internal"),
    Connector("DigiCert-Prod", "digicert", "https://www.digicert.com/services/v2",
              ("ssl_basic", "ssl_ev_basic"), "OV"),
    Connector("Sectigo-SCM", "sectigo", "https://cert-manager.com/api/ssl/v1",
              ("Sectigo OV SSL", "Sectigo OV Multi-Domain"), "OV"),
    Connector("EJBCA-Internal", "ejbca", "https://ejbca.corp.example:8443/ejbca/ejbca-rest-api/v1",
              ("ServerTLS-1y",), "Internal"),
    Connector("emCA-Public", "emsign", "https://emca.emsign.com/certinext/api/v1",
              ("emSign OV SSL", "emSign DV SSL"), "OV"),
    Connector("ACME-LE", "acme", "https://acme-v02.api.letsencrypt.org/directory",
              ("LE-DV-90d",), "DV"),
)  # fmt: skip
ADCS, DIGICERT, SECTIGO, EJBCA, EMSIGN, ACME = range(len(CONNECTORS))
CONNECTOR_IDS = {"ADCS": ADCS, "DIGICERT": DIGICERT, "SECTIGO": SECTIGO, "EJBCA": EJBCA,
                 "EMSIGN": EMSIGN, "ACME": ACME}  # fmt: skip
HOSTS = ("web01", "web02", "intranet02", "api-gw-01", "vpn-edge-01", "mail01", "k8s-ingress-03")
NAMES = ("www", "shop", "api", "portal", "sso", "docs", "status", "billing", "git", "wiki", "vpn")
DOMAINS = ("example.com", "example.net", "example.org", "corp.example", "svc.corp.example",
           "example.in")  # fmt: skip
REQUESTERS = ("svc-k8s-ingress@corp.example", "a.khan@corp.example", "p.rossi@corp.example",
              "svc-webops@corp.example", "j.doe@corp.example")  # fmt: skip
ORDER_HEADER = ("Order ID", "Request ID", "Created On", "Template", "Certificate Type",
                "CA Connector", "Status", "HTTP Status", "Error Code", "Error Message",
                "Common Name", "SANs", "Key Algorithm", "Key Size", "Signature Algorithm",
                "Serial Number", "Requester")  # fmt: skip


def _table(text: str) -> list[tuple[list[str], str]]:
    """Records of a text table: a header line of fields, then the indented message lines."""
    records: list[tuple[list[str], str]] = []
    for line in text.strip("\n").splitlines():
        if line.startswith(" "):
            head, body = records[-1]
            records[-1] = (head, f"{body} {line.strip()}".strip())
        else:
            records.append((line.split(), ""))
    return records


PKIX = (
    "PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: "
    "unable to find valid certification path to requested target"
)
RPC = (
    "CertEnroll::CX509Enrollment::Enroll: The RPC server is unavailable. 0x800706ba "
    "(WIN32: 1722 RPC_S_SERVER_UNAVAILABLE)"
)

# Connector-wide incidents: name, connector, minutes, level, status, HTTP status (0: none), and
# the message the connector log repeats for every call while it lasts.
INCIDENTS: tuple[tuple[str, int, int, str, str, int, str], ...] = tuple(
    (h[0], CONNECTOR_IDS[h[1]], int(h[2]), h[3], h[4], int(h[5]),
     msg.replace("{PKIX}", PKIX).replace("{RPC}", RPC))
    for h, msg in _table("""
timeout EJBCA 12 ERROR Error 0
    java.net.SocketTimeoutException: connect timed out
expired DIGICERT 90 ERROR Error 401
    API key expired
maintenance SECTIGO 35 ERROR Error 503
    Service Temporarily Unavailable
tls EJBCA 60 ERROR Error 0
    javax.net.ssl.SSLHandshakeException: {PKIX}
rpc ADCS 40 ERROR Error 0
    {RPC}
bad_endpoint SECTIGO 50 ERROR Error 404
    Not Found: /api/ssl/v2/enroll
throttled EMSIGN 1 ERROR Error 200
    EMS-1162 Inactive Account User.
inactive EMSIGN 45 WARN Inactive 0
    Connector is inactive; test skipped
""")
)  # fmt: skip

# Failures carried by the order's own lines: weight, connector, where the evidence is, HTTP
# status (0: none), error code (- : none), message ({cn} common name, {n} a digit, {serial}).
OWN: tuple[tuple[int, int, str, int, str, str], ...] = tuple(
    (int(h[0]), CONNECTOR_IDS[h[1]], h[2], int(h[3]), "" if h[4] == "-" else h[4], msg)
    for h, msg in _table("""
8 ADCS connector 0 0x80094800
    CertEnroll::CX509Enrollment::Enroll: The requested certificate template is not supported by
    this CA. 0x80094800 (-2146875392 CERTSRV_E_UNSUPPORTED_CERT_TYPE)
5 ADCS connector 0 0x80094012
    Denied by Policy Module 0x80094012, The permissions on the certificate template do not allow
    the current user to enroll for this type of certificate.
6 EMSIGN api 200 EMS-921
    Invalid CSR format: unable to decode CSR (no PEM header found)
5 EMSIGN api 400 EMS-915
    CSR key does not meet policy: RSA 1024 bits, minimum is 2048
3 DIGICERT api 400 invalid_csr
    Signature algorithm sha1WithRSAEncryption is not allowed
4 ACME api 400 urn:ietf:params:acme:error:badCSR
    Error finalizing order :: CSR contains an invalid SAN "{cn}": Domain name contains an
    invalid character
4 ACME api 403 urn:ietf:params:acme:error:caa
    Error finalizing order :: CAA record for {cn} prevents issuance
3 ACME api 429 urn:ietf:params:acme:error:rateLimited
    too many certificates (5) already issued for this exact set of identifiers in the last 168h0m0s
4 EJBCA api 403 403
    Administrator 'CN=certinext-ra' is not authorized to resource
    /ca_functionality/create_certificate. Insufficient permission.
3 DIGICERT api 403 access_denied
    You do not have permission to revoke this certificate.
3 EJBCA bot 404 -
    Could not find certificate with serial number {serial}
3 SECTIGO api 400 -183
    Organization validation is missing required field: jurisdictionCountryName
2 EJBCA bot 0 -
    Unexpected response code 418 from upstream HSM gateway hsm-gw-0{n}.corp.example
2 SECTIGO connector 0 -
    PLG-7731 entitlement ledger out of sync for shard {n}
2 ACME python 0 -
    timeout
2 SECTIGO python 0 -
    proxy
1 EMSIGN java 0 -
    dns
""")
)  # fmt: skip

TLS_TRACE = f"""javax.net.ssl.SSLHandshakeException: {PKIX}
\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)
\tat java.base/sun.security.ssl.TransportContext.fatal(TransportContext.java:378)
\tat com.certinext.bot.ca.EjbcaRestClient.enroll(EjbcaRestClient.java:142)
\tat com.certinext.bot.EnrollmentJob.submit(EnrollmentJob.java:88)
Caused by: sun.security.validator.ValidatorException: {PKIX}
\tat java.base/sun.security.validator.PKIXValidator.doBuild(PKIXValidator.java:439)
\t... 14 more"""
RPC_TRACE = """System.Runtime.InteropServices.COMException (0x800706BA): The RPC server is \
unavailable. (0x800706BA)
\tat CERTENROLLLib.CX509Enrollment.Enroll()
\tat Keyfactor.Orchestrators.AdcsClient.Submit(EnrollmentRequest request)"""
DNS_TRACE = """com.certinext.bot.SubmitException: Submission failed for order {order}
\tat com.certinext.bot.EnrollmentJob.submit(EnrollmentJob.java:97)
\tat com.certinext.bot.EnrollmentJob.run(EnrollmentJob.java:54)
\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)
\tat java.base/java.lang.Thread.run(Thread.java:833)
Caused by: java.net.UnknownHostException: certinext-api.corp.example: Name or service not known
\tat java.base/java.net.Inet6AddressImpl.lookupAllHostAddr(Native Method)
\t... 9 more"""
PY_TRACE = """Traceback (most recent call last):
  File "/opt/certinext-agent/agent/{ca_type}.py", line 118, in new_order
    resp = self.session.post(url, json=payload, timeout=30)
{error}"""
PY_ERRORS = {
    "timeout": "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='acme-v02.api."
    "letsencrypt.org', port=443): Max retries exceeded with url: /acme/new-order (Caused by "
    "ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f3c2a1b4d90>, "
    "'Connection to acme-v02.api.letsencrypt.org timed out. (connect timeout=30)'))",
    "proxy": "requests.exceptions.ProxyError: HTTPSConnectionPool(host='cert-manager.com', "
    "port=443): Max retries exceeded with url: /api/ssl/v1/enroll (Caused by ProxyError('Cannot "
    "connect to proxy.', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))",
}
MAINTENANCE_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)
INACTIVE_BODY = {
    "meta": {"status": "0", "errorCode": "EMS-1162", "errorMessage": "Inactive Account User."}
}
EXPIRED_BODY = {
    "errors": [
        {"code": "invalid_api_key", "message": "The API key used to authenticate has expired."}
    ]
}


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class BotWriter(Protocol):
    """Writes one line of the order's bot log (Java/Python log4j, or NLog on Windows)."""

    def __call__(self, dt: float, level: str, job: str, text: str, trace: str = "") -> None: ...


@dataclass(frozen=True)
class Order:
    """What the failure writers need to know about the order being generated."""

    id: str
    t: float
    c: int
    template: str
    cn: str
    bot: BotWriter

    @property
    def connector(self) -> str:
        return CONNECTORS[self.c].name


@dataclass
class Day:
    """One day of exports: the lines of every file, built in memory with their times, written once."""

    index: int
    seed: int
    connector: list[tuple[float, str]] = field(default_factory=list)
    bot: list[tuple[float, str]] = field(default_factory=list)
    nlog: list[tuple[float, str]] = field(default_factory=list)
    api: list[tuple[float, str]] = field(default_factory=list)
    orders: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed * 1_000_003 + self.index)
        self.day = (FIRST_DAY + timedelta(days=self.index)).isoformat()
        self.incidents: list[tuple[int, float, float, int]] = []  # connector, start, end, kind
        for k, (_, c, minutes, *_rest) in enumerate(INCIDENTS):
            for _ in range(1 + (self.rnd.random() < 0.4)):
                start = self.rnd.uniform(1800, DAY_S - 4 * 3600)
                end = start + minutes * 60 * self.rnd.uniform(0.8, 1.2)
                self.incidents.append((c, start, end, k))

    def clock(
        self, t: float, sep: str = "T", frac: str = ".", zone: str = "Z", digits: int = 3
    ) -> str:
        ms = int(t * 1000)
        s, ms = divmod(ms, 1000)
        m, s = divmod(s, 60)
        h, m = divmod(m, 60)
        tail = f"{ms:03d}" + "0" * (digits - 3)
        return f"{self.day}{sep}{h:02d}:{m:02d}:{s:02d}{frac}{tail}{zone}"

    def incident(self, c: int, t: float) -> int | None:
        return next((k for ci, a, b, k in self.incidents if ci == c and a <= t <= b), None)

    # -- writers of one line ---------------------------------------------------------------------
    def conn(
        self,
        t: float,
        c: int,
        level: str,
        op: str,
        status: str,
        *,
        msg: str,
        http: int = 0,
        extra: str = "",
        latency: float | None = None,
    ) -> None:
        con = CONNECTORS[c]
        line = (
            f"{self.clock(t)} {level:<5} [connector-validation] connector={_q(con.name)} "
            f"ca_type={con.ca_type} endpoint={_q(con.endpoint)} operation={op} status={status}"
        )
        if extra:
            line += " " + extra
        if http:
            line += f" http_status={http}"
        if latency is None:
            latency = self.rnd.uniform(100, 600)
        self.connector.append((t, f"{line} latency_ms={latency:.0f} msg={_q(msg)}"))

    def java(
        self, t: float, level: str, thread: str, logger: str, *, text: str, trace: str = ""
    ) -> None:
        line = f"{self.clock(t, ' ', ',', '')} {level:<5} [{thread}] {logger} - {text}"
        self.bot.append((t, f"{line}\n{trace}" if trace else line))

    def dotnet(self, t: float, level: str, text: str, trace: str = "") -> None:
        stamp = self.clock(t, " ", ".", "", 4)
        line = f"{stamp} Keyfactor.Orchestrators.JobExecutor [{level}] - {text}"
        self.nlog.append((t, f"{line}\n{trace}" if trace else line))

    def response(
        self, t: float, order: str, c: int, http: int, *, body: object, op: str = ""
    ) -> None:
        record: dict[str, object] = {
            "timestamp": self.clock(t),
            "order_id": order,
            "connector": CONNECTORS[c].name,
            "http_status": http,
        }
        if op:
            record["operation"] = op
        record["body"] = body
        self.api.append((t, json.dumps(record)))

    # -- the day ---------------------------------------------------------------------------------
    def tests(self) -> None:
        """A connector test every ~30 s per connector, failing while an incident lasts."""
        for c in range(len(CONNECTORS)):
            t = self.rnd.uniform(0, TEST_EVERY_S)
            while t < DAY_S:
                k = self.incident(c, t)
                if k is None or INCIDENTS[k][0] == "throttled":
                    self.conn(
                        t, c, "INFO", "test", "Active", msg="Connector test succeeded", http=200
                    )
                else:
                    name, _, _, level, status, http, msg = INCIDENTS[k]
                    latency = 30000 if name == "timeout" else None
                    self.conn(t, c, level, "test", status, msg=msg, http=http, latency=latency)
                t += self.rnd.uniform(0.7, 1.3) * TEST_EVERY_S
        for c, start, _, k in self.incidents:
            if INCIDENTS[k][0] == "bad_endpoint":
                msg = "Connector edited by admin@corp.example: base URL changed to /api/ssl/v2/"
                self.conn(start - 1, c, "INFO", "config_update", "Active", msg=msg)

    def order(self, n: int) -> None:
        """One order through keygen, CSR, submit, poll, download and install, or its failure."""
        rnd = self.rnd
        order = f"ORD-{(self.index + 1) * 1_000_000 + n}"
        req = f"REQ-{rnd.randrange(100000, 999999)}"
        own = None
        if rnd.random() < OWN_FAILURE_SHARE:
            own = rnd.choices(OWN, weights=[o[0] for o in OWN])[0]
        c = own[1] if own else rnd.randrange(len(CONNECTORS))
        con = CONNECTORS[c]
        tpl = rnd.choice(con.templates)
        cn = f"{rnd.choice(NAMES)}{rnd.randrange(1, 300)}.{rnd.choice(DOMAINS)}"
        sans = ";".join([cn] + [f"alt{i}-{cn}" for i in range(rnd.randrange(0, 3))])
        size = 1024 if own and "1024" in own[5] else rnd.choice((2048, 2048, 3072, 4096))
        sig = "sha1WithRSAEncryption" if own and "sha1" in own[5] else "sha256WithRSAEncryption"
        host = rnd.choice(HOSTS)
        t = rnd.uniform(60, DAY_S - 900)
        python = c in (ACME, SECTIGO) and (rnd.random() < 0.5 or (own is not None and own[2] == "python"))  # fmt: skip
        windows = c == ADCS and own is None
        if python:
            thread, logger = "MainThread", f"certinext_agent.{con.ca_type}"
        else:
            thread, logger = f"worker-{rnd.randrange(1, 9)}", "com.certinext.bot."
        k = self.incident(c, t + 10)
        kind = INCIDENTS[k][0] if k is not None and own is None else None

        def bot(dt: float, level: str, job: str, text: str, trace: str = "") -> None:
            if windows:
                self.dotnet(t + dt, level.title(), text, trace.replace("\t", "   "))
            else:
                name = logger if python else logger + job
                self.java(t + dt, level, thread, name, text=text, trace=trace)

        o = Order(order, t, c, tpl, cn, bot)
        bot(
            0,
            "INFO",
            "KeyGenJob",
            f"order_id={order} step=keygen host={host} key_alg=RSA key_size={size} result=ok",
        )
        bot(
            1.5,
            "INFO",
            "EnrollmentJob",
            f'order_id={order} step=csr result=ok msg="CSR generated ({sig}), subject CN={cn}"',
        )
        if rnd.random() < 0.004:  # a secret the redactor must catch
            bot(
                1.6,
                "DEBUG",
                "http.ApiClient",
                "[HTTP] POST https://certinext-api.corp.example/api/v2/orders Authorization: "
                f"Bearer eyJhbGciOiJSUzI1NiJ9.{rnd.getrandbits(128):032x}.c2lnbmF0dXJl",
            )
        status, http, code, msg, serial = "Issued", "", "", "", ""
        if kind is not None:
            status, http, code, msg = self.incident_failure(o, kind)
        elif own is not None:
            status, http, code, msg = self.own_failure(o, own)
        elif rnd.random() < 0.006:
            status = "CSR Pending"
            self.submitted(o, req)
            bot(
                140,
                "INFO",
                "PollJob",
                f'order_id={order} step=poll attempt=1 result=retry status="CSR Pending"',
            )
        elif rnd.random() < 0.006:
            status = "Cancelled"
            bot(
                20,
                "INFO",
                "EnrollmentJob",
                f"Order {order} cancelled by requester step=cancel result=ok",
            )
        else:
            serial = f"{rnd.getrandbits(128):032X}"
            self.submitted(o, req)
            if c == EMSIGN and rnd.random() < 0.05:  # benign: DCV not ready yet
                status = "Pending For Approval" if rnd.random() < 0.5 else status
                meta = {"status": "0", "errorCode": "EMS-956", "errorMessage": "DCV not ready yet"}
                self.response(t + 12, order, c, 200, body={"meta": meta})
            else:
                meta = {"status": "1", "errorCode": "", "errorMessage": ""}
                done = {"orderId": order, "certificateStatus": "Issued", "serialNumber": serial}
                self.response(t + 12, order, c, 200, body={"meta": meta, "response": done})
            if status == "Issued":
                self.conn(
                    t + 120,
                    c,
                    "INFO",
                    "poll",
                    "Active",
                    msg="Certificate issued",
                    http=200,
                    extra=f"order_id={order}",
                )
                bot(
                    130,
                    "INFO",
                    "PollJob",
                    f"order_id={order} step=poll attempt=1 result=ok status=Issued serial={serial}",
                )
                bot(
                    160,
                    "INFO",
                    "DownloadJob",
                    f"order_id={order} step=download result=ok format=PKCS7 chain=3",
                )
                bot(
                    200,
                    "INFO",
                    "InstallJob",
                    f'Order {order} installed on {host} step=install result=ok target="{host}:443"',
                )
        if status == "Issued" and rnd.random() < 0.5:
            status = rnd.choice(
                ("Certificate Generated", "Order Fulfilled", "Certificate Downloaded")
            )
        created = self.clock(t - 1, " ", "", "")[:19]
        self.orders.append((order, req, created, tpl, con.cert_type, con.name, status, http, code,
                            msg, cn, sans, "RSA", str(size), sig, serial, rnd.choice(REQUESTERS)))  # fmt: skip

    def submitted(self, o: Order, req: str) -> None:
        self.conn(o.t + 10, o.c, "INFO", "enroll", "Active", msg="Request accepted", http=201,
                  extra=f"order_id={o.id} template={_q(o.template)}")  # fmt: skip
        o.bot(10, "INFO", "EnrollmentJob",
              f"order_id={o.id} step=submit connector={o.connector} template={_q(o.template)} "
              f"result=ok request_id={req}")  # fmt: skip

    def incident_failure(self, o: Order, kind: str) -> tuple[str, str, str, str]:
        """The order fails because its connector is in an incident; (status, http, code, msg)."""
        t, c = o.t, o.c
        head = f"order_id={o.id} step=submit connector={o.connector}"
        if kind == "timeout":  # nothing of its own but "Submission failed": linked by time
            o.bot(42, "ERROR", "EnrollmentJob", f'{head} result=failed msg="Submission failed"')
            return "Failed", "", "", "Submission failed"
        if kind == "tls":
            o.bot(
                15,
                "ERROR",
                "EnrollmentJob",
                f'{head} result=failed attempt=1 msg="Submission to CA failed"',
                TLS_TRACE,
            )
            return "Failed", "", "", "Submission to CA failed"
        if kind == "rpc":
            o.bot(
                30,
                "ERROR",
                "EnrollmentJob",
                f"{head} result=failed attempt=3 msg={_q(RPC)}",
                RPC_TRACE,
            )
            return "Failed", "", "0x800706ba", RPC
        o.bot(10, "INFO", "EnrollmentJob", f"{head} template={_q(o.template)} result=ok")
        if kind == "expired":
            self.conn(
                t + 10,
                c,
                "ERROR",
                "enroll",
                "Error",
                msg="API key expired",
                http=401,
                extra=f"order_id={o.id}",
            )
            self.response(t + 11, o.id, c, 401, body=EXPIRED_BODY)
            return "Failed", "401", "invalid_api_key", EXPIRED_BODY["errors"][0]["message"]
        if kind == "maintenance":
            self.response(t + 12, o.id, c, 503, body=MAINTENANCE_PAGE)
            return "Failed", "503", "", "Service Temporarily Unavailable"
        if kind == "bad_endpoint":
            msg = next(x[6] for x in INCIDENTS if x[0] == kind)
            self.conn(
                t + 10, c, "ERROR", "enroll", "Error", msg=msg, http=404, extra=f"order_id={o.id}"
            )
            return "Failed", "404", "", msg
        self.response(t + 11, o.id, c, 200, body=INACTIVE_BODY)
        return "Failed", "200", "EMS-1162", "Inactive Account User."

    def own_failure(
        self, o: Order, own: tuple[int, int, str, int, str, str]
    ) -> tuple[str, str, str, str]:
        """The order fails for a reason in its own lines; (status, http, code, msg)."""
        _, _, where, http, code, raw = own
        t, c = o.t, o.c
        msg = raw.format(cn=o.cn.replace(".", "_", 1), t=o.template, n=self.rnd.randrange(1, 10),
                         serial=self.rnd.getrandbits(159))  # fmt: skip
        head = f"order_id={o.id} step=submit connector={o.connector}"
        if where == "connector":
            self.conn(
                t + 10,
                c,
                "ERROR",
                "enroll",
                "Active",
                msg=msg,
                extra=f"order_id={o.id} template={_q(o.template)}",
            )
            o.bot(12, "ERROR", "EnrollmentJob", f'{head} result=failed msg="Submission failed"')
            return "Failed", "", code, msg
        if where == "bot":
            revoke = "serial" in raw
            step = "revoke" if revoke else "submit"
            text = (f"order_id={o.id} step={step} result=failed http_status={http} msg={_q(msg)}"
                    if http else
                    f"order_id={o.id} step={step} connector={o.connector} result=failed msg={_q(msg)}")  # fmt: skip
            o.bot(12, "ERROR", "RevokeJob" if revoke else "EnrollmentJob", text)
            return ("Revocation Failed" if revoke else "Failed"), str(http or ""), code, msg
        if where == "python":
            trace = PY_TRACE.format(ca_type=CONNECTORS[c].ca_type, error=PY_ERRORS[raw])
            o.bot(
                30,
                "ERROR",
                "",
                f'{head} result=failed attempt=3 msg="enroll request failed"',
                trace,
            )
            return "Failed", "", "", "enroll request failed"
        if where == "java":
            o.bot(
                11,
                "ERROR",
                "EnrollmentJob",
                f'{head} result=failed attempt=1 msg="Could not create order on platform"',
                DNS_TRACE.format(order=o.id),
            )
            return "Failed", "", "", "Could not create order on platform"
        revoke = "revoke" in raw
        self.response(
            t + 12,
            o.id,
            c,
            http,
            body=self.error_body(c, http, code, msg),
            op="revoke" if revoke else "",
        )
        step = "revoke" if revoke else "submit"
        o.bot(
            13,
            "ERROR",
            "RevokeJob" if revoke else "EnrollmentJob",
            f"order_id={o.id} step={step} connector={o.connector} result=failed http_status={http}",
        )
        status = {EMSIGN: "Rejected", ACME: "invalid"}.get(c, "Failed")
        return ("Revocation Failed" if revoke else status), str(http), code, msg

    @staticmethod
    def error_body(c: int, http: int, code: str, msg: str) -> object:
        """The CA's error body in its own shape (LOG_FORMATS.md, JSON Lines)."""
        ca_type = CONNECTORS[c].ca_type
        if ca_type == "emsign" and http == 200:
            return {"meta": {"status": "0", "errorCode": code, "errorMessage": msg}}
        if ca_type == "emsign" or code.startswith("urn:"):
            kind = (
                code
                if code.startswith("urn:")
                else "https://certinext.emudhra.com/problems/csr-policy"
            )
            detail = f"{code} — {msg}" if code.startswith("EMS") else msg
            return {"type": kind, "detail": detail, "status": http}
        if ca_type == "digicert":
            return {"errors": [{"code": code, "message": msg}]}
        if ca_type == "sectigo":
            return {"code": int(code), "description": msg}
        return {"error_code": http, "error_message": msg}

    def rate_limit_bursts(self) -> None:
        """The throttled incident: a renewal batch of 16 orders rejected within ten seconds."""
        for c, start, _, k in self.incidents:
            if INCIDENTS[k][0] != "throttled":
                continue
            for i in range(16):
                t = start + i * 0.6
                order = (
                    f"ORD-{(self.index + 1) * 1_000_000 + 900_000 + int(start) % 10_000 * 20 + i}"
                )
                self.java(t, "INFO", "renewal-pool-1", "com.certinext.bot.RenewalJob",
                          text=f"order_id={order} step=submit connector={CONNECTORS[c].name} "
                          'result=ok msg="renewal submitted"')  # fmt: skip
                self.response(t + 0.4, order, c, 200, body=INACTIVE_BODY)
                cn = f"renew{i}.example.in"
                self.orders.append((order, f"REQ-{i}", self.clock(t, " ", "", "")[:19],
                                    "emSign OV SSL", "OV", CONNECTORS[c].name, "Failed", "200",
                                    "EMS-1162", "Inactive Account User.", cn, cn, "RSA", "2048",
                                    "sha256WithRSAEncryption", "", "svc-renewal@corp.example"))  # fmt: skip


def _text(events: list[tuple[float, str]], newline: str = "\n") -> bytes:
    events.sort(key=lambda e: e[0])
    text = "\n".join(text for _, text in events) + "\n"
    return (text.replace("\n", newline) if newline != "\n" else text).encode()


def build_day(out: Path, index: int, seed: int, orders: int) -> int:
    """Write one day of exports into `out`; the uncompressed bytes written."""
    day = Day(index, seed)
    day.tests()
    for n in range(orders):
        day.order(n)
    day.rate_limit_bursts()
    archived = [e for e in day.bot if e[0] < ARCHIVE_UNTIL_S]
    current = [e for e in day.bot if e[0] >= ARCHIVE_UNTIL_S]
    files = {
        f"connector-validation-{day.day}.log": _text(day.connector),
        f"provisioning-bot-{day.day}.log": _text(current),
        f"bot-orchestrator-win-{day.day}.log": _text(day.nlog, "\r\n"),
        f"api-responses-{day.day}.jsonl": _text(day.api),
    }
    buf = io.StringIO()
    day.orders.sort(key=lambda row: row[0])
    csv.writer(buf, lineterminator="\r\n").writerows([ORDER_HEADER, *day.orders])
    files[f"order-submission-export-{day.day}.csv"] = buf.getvalue().encode()
    for name, data in files.items():
        (out / name).write_bytes(data)
    archive = _text(archived)
    with gzip.open(out / f"bot-archive-{day.day}.log.gz", "wb", compresslevel=4) as gz:
        gz.write(archive)
    return sum(len(d) for d in files.values()) + len(archive)


def generate(
    out: Path, scale: int, seed: int = 7, jobs: int = 2, orders: int = ORDERS_PER_SHARD
) -> int:
    """Write `scale` days of exports into `out` (replacing its files); the uncompressed bytes."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    days = range(scale)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return sum(pool.map(build_day, [out] * scale, days, [seed] * scale, [orders] * scale))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1, help="days of exports, about 140 MB each")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="default: bench/data/x<scale>")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (same output)")
    parser.add_argument("--orders", type=int, default=ORDERS_PER_SHARD, help="orders per day")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).parent / "data" / f"x{args.scale}"
    start = time.perf_counter()
    total = generate(out, args.scale, args.seed, args.jobs, args.orders)
    took = time.perf_counter() - start
    print(f"wrote {total / 1e6:,.0f} MB (uncompressed) to {out} in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
