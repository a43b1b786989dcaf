"""Unknown clusters: same error in one cluster, different errors apart, stable ids and facts."""

from __future__ import annotations

import polars as pl
import pytest

from analyzer.schema import EVENT_INDEX
from analyzer.unknowns import CLUSTER_ID, cluster_unknowns
from analyzer.unknowns import clustering as clustering_module
from tests.unknowns.rows import START, unknown_rows


def _groups(messages: list[str]) -> list[set[str]]:
    """The messages grouped by the cluster they landed in."""
    rows = unknown_rows(messages)
    assignment, _ = cluster_unknowns(rows)
    joined = rows.join(assignment, on=EVENT_INDEX)
    groups = joined.group_by(CLUSTER_ID).agg(pl.col("message")).sort(CLUSTER_ID)
    return sorted((set(g) for g in groups["message"].to_list()), key=sorted)


def test_lines_differing_in_ids_hosts_and_numbers_share_a_cluster() -> None:
    messages = [
        "Enrollment of ORD-100001 to ca01.example.com:443 failed after 3 attempts (30000 ms)",
        "Enrollment of ORD-200417 to ca7.corp.local failed after 12 attempts (1500 ms)",
        "Enrollment of ORD-300002 to 10.20.30.40 failed after 1 attempts (7 ms)",
        "Enrollment of ORD-300003 to fe80::1:2:3 failed after 2 attempts (8 ms)",
    ]
    assert _groups(messages) == [set(messages)]


def test_unmasked_names_in_a_long_line_still_share_a_cluster() -> None:
    messages = [
        f"user {user} lacks the enroll right on template {template} for ORD-{n}"
        for n, (user, template) in enumerate(
            [("jdoe", "WebServer"), ("asmith", "OVSSL"), ("svc-pki", "WebServer")]
        )
    ]
    assert _groups(messages) == [set(messages)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "connect to ca01.example.com failed: connection refused by peer",
            "connect to ca02.example.com failed: connection reset by peer",
        ),
        (
            "Request for ORD-1 denied by policy module 0x80094012 on CA",
            "Request for ORD-2 denied by policy module 0x80094800 on CA",
        ),
        ("Enrollment failed: key too small", "Enrollment failed: template not found"),
        (
            "bot ca01 upload failed: java.net.SocketTimeoutException thrown",
            "bot ca01 upload failed: java.net.UnknownHostException thrown",
        ),
        ("CA answered HTTP 503 to the enroll call", "CA answered HTTP 400 to the enroll call"),
        (
            "socket to ca01.example.com closed during the enroll call: ETIMEDOUT",
            "socket to ca02.example.com closed during the enroll call: ECONNREFUSED",
        ),
    ],
)
def test_different_errors_stay_apart(first: str, second: str) -> None:
    assert _groups([first, second, first, second]) == sorted([{first}, {second}], key=sorted)


@pytest.mark.parametrize(
    "messages",
    [
        [
            "Template 'Web Server' not found at CA for ORD-1",
            "Template 'OV SSL Custom Long Name v2' not found at CA for ORD-2",
            "Template 'EV' not found at CA for ORD-3",
        ],
        [
            "CSR rejected: SANs a.example.com rejected by the CA policy",
            "CSR rejected: SANs a.example.com, b.example.org and c.example.net rejected by the CA "
            "policy",
        ],
        [
            "Policy refused subject CN=a.example.com, O=Acme, C=US for enrollment",
            "Policy refused subject CN=b.example.com, OU=Web Team, O=Acme Widgets Ltd, L=Berlin, "
            "C=DE for enrollment",
        ],
        [
            "Upload of the certificate bundle to the keystore failed on the target host",
            "Upload of the certificate bundle to the keystore failed on the target host, giving up",
        ],
    ],
    ids=["quoted-name", "host-list", "subject-dn", "optional-clause"],
)
def test_same_error_with_different_token_counts_meets(messages: list[str]) -> None:
    assert _groups(messages) == [set(messages)]


def test_cluster_ids_are_deterministic_and_ranked_by_orders_then_count() -> None:
    messages = (
        ["TLS alert from ca9.example.com: bad record mac"] * 3
        + ["Keystore write failed for ORD-9 (disk full)"] * 5
        + ["Webhook answered garbage"]
    )
    rows = unknown_rows(messages)
    a1, c1 = cluster_unknowns(rows)
    a2, c2 = cluster_unknowns(rows.sample(fraction=1.0, shuffle=True, seed=3))
    assert [c.cluster_id for c in c1] == ["U1", "U2", "U3"]
    assert [c.count for c in c1] == [5, 3, 1]
    assert c1 == c2
    assert a1.sort(EVENT_INDEX).equals(a2.sort(EVENT_INDEX))
    assert a1[EVENT_INDEX].to_list() == rows[EVENT_INDEX].to_list()  # input order kept


def test_a_cluster_carries_orders_connectors_time_span_and_earliest_example() -> None:
    messages = ["Vault lease for ORD-1 lost", "noise", "Vault lease for ORD-77 lost"]
    rows = unknown_rows(messages).with_columns(
        pl.when(pl.col("line") == 3)
        .then(pl.lit("logs/a.log"))
        .otherwise("source_file")
        .alias("source_file")
    )
    _, clusters = cluster_unknowns(rows)
    top = clusters[0]
    assert top.template == "Vault lease for <ORDER> lost"
    assert (top.count, top.orders, top.connectors) == (2, ["ORD-1000", "ORD-1002"], ["EJBCA"])
    assert (top.first_seen, top.last_seen) == (START, START.replace(minute=2))
    assert (top.example, top.example_file, top.example_line) == (messages[0], "logs/bot.log", 1)


def test_only_distinct_masked_messages_are_mined(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    real = clustering_module.mine_templates

    def spy(shapes: list[str], counts: list[int]) -> object:
        seen.append(len(shapes))
        return real(shapes, counts)

    monkeypatch.setattr(clustering_module, "mine_templates", spy)
    messages = [f"Order ORD-{i} stuck at host ca{i % 3}.example.com for {i} s" for i in range(500)]
    _, clusters = cluster_unknowns(unknown_rows(messages + ["other thing"] * 500))
    assert seen == [2]
    assert sorted(c.count for c in clusters) == [500, 500]


def test_no_rows_no_clusters() -> None:
    assignment, clusters = cluster_unknowns(unknown_rows([]))
    assert (assignment.height, clusters) == (0, [])
    assert assignment.columns == [EVENT_INDEX, CLUSTER_ID]
