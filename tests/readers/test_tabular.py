"""CSV / TSV exports with header aliases, quoted newlines, ragged rows; Excel workbooks."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import xlsxwriter

from analyzer.readers import ReadResult
from tests.readers.conftest import only

CSV = (
    "Order ID,Created On,Status,HTTP Status,Error Code,Error Message,CA Connector,Template,"
    "Certificate Type,Serial Number,Key Size,Requester\n"
    'ORD-1,2026-11-20 10:15:00,Failed,400,EMS-915,"Invalid CSR: key too short",DigiCert Prod,'
    "OV SSL,OV,,1024,alice\n"
    "ORD-2,2026-11-20 10:16:00,CSR Pending,,,,Sectigo,DV SSL,DV,,2048,bob\n"
    "\n"
    'ORD-3,2026-11-20 10:17:00,Frobnicated,,,"multi\nline",ADCS,WebServer,internal,0A1B,'
    "4096,carol\n"
    "ORD-4,2026-11-20 10:18:00,Order Cancelled,,,,ADCS,WebServer,internal,,2048,dave,extra\n"
)


def test_csv_export_maps_headers_and_states(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("order-export.csv", CSV)
    report = only(result)
    assert (report.kind, report.format, report.confidence) == ("order", "csv", "high")
    assert (report.lines, report.events, report.skipped_lines) == (7, 4, 2)
    rows = result.events.to_dicts()
    first = rows[0]
    assert first["order_id"] == "ORD-1"
    assert first["ts"] == datetime(2026, 11, 20, 10, 15, tzinfo=UTC)
    assert (first["status"], first["state"], first["http_status"]) == ("Failed", "failed", 400)
    assert (first["error_code"], first["message"]) == ("EMS-915", "Invalid CSR: key too short")
    assert (first["connector"], first["template"], first["cert_type"]) == (
        "DigiCert Prod",
        "OV SSL",
        "OV",
    )
    assert first["key_size"] == 1024
    assert first["level"] is None
    assert first["fields"] == '{"Requester":"alice"}'
    assert rows[1]["state"] == "pending"
    assert (rows[2]["line"], rows[2]["line_end"], rows[2]["message"]) == (5, 6, "multi\nline")
    assert (rows[2]["state"], rows[2]["serial"]) == ("unknown", "0A1B")
    assert rows[3]["state"] == "cancelled"
    codes = {d.code for d in report.problems}
    assert {"parse.ragged-row", "state.unknown-status"} <= codes
    unknown = next(d for d in report.problems if d.code == "state.unknown-status")
    assert "Frobnicated" in unknown.message


def test_tsv_is_sniffed_without_extension(read_text: Callable[..., ReadResult]) -> None:
    text = (
        "order_id\tstatus\ttimestamp\n"
        "ORD-1\tIssued\t2026-11-20T10:00:00Z\nORD-2\tvalid\t1763633702\n"
    )
    result = read_text("export.dat", text)
    report = only(result)
    assert report.format == "tsv"
    assert result.events["state"].to_list() == ["issued", "issued"]
    assert result.events["ts"].to_list()[1] == datetime.fromtimestamp(1763633702, tz=UTC)


def _workbook(rows: list[list[object]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    return buffer.getvalue()


def test_xlsx_first_sheet_with_header(read_text: Callable[..., ReadResult]) -> None:
    data = _workbook(
        [
            ["Order ID", "Status", "Created On", "Certificate Type"],
            ["ORD-1", "Issuance Failed", "2026-11-20 10:00:00", "EV"],
            [],
            ["ORD-2", "Certificate Downloaded", "2026-11-21 11:00:00", "DV"],
        ]
    )
    result = read_text("order-report.xlsx", data)
    report = only(result)
    assert (report.format, report.lines, report.events, report.skipped_lines) == ("xlsx", 4, 2, 2)
    rows = result.events.to_dicts()
    assert [(r["line"], r["order_id"], r["state"]) for r in rows] == [
        (2, "ORD-1", "failed"),
        (4, "ORD-2", "issued"),
    ]
    assert rows[0]["ts"] == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert rows[0]["cert_type"] == "EV"


def test_xlsx_without_header_says_so(read_text: Callable[..., ReadResult]) -> None:
    data = _workbook(
        [["ORD-1", "Failed", "2026-11-20 10:00:00"], ["ORD-2", "Issued", "2026-11-21 10:00:00"]]
    )
    result = read_text("report.xlsx", data)
    report = only(result)
    problem = next(d for d in report.problems if d.code == "parse.xlsx-no-header")
    assert "header" in problem.message
    assert (report.lines, report.events) == (2, 2)


def test_corrupt_xlsx_is_named(read_text: Callable[..., ReadResult]) -> None:
    result = read_text("orders.xlsx", b"PK\x03\x04 this is not a workbook")
    report = only(result)
    assert report.events == 0
    assert any(d.code == "input.corrupt-xlsx" for d in report.problems)
