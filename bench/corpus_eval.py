"""Held-out accuracy of the rule pack on real CA / client error messages.

Every row of tests/corpus/real_messages.csv becomes one failed order of a small order export
(one JSON line: timestamp, order_id C-<n>, status Failed, http_status, error_code, operation,
message), the export is analysed once through the normal path (`analyzer.pipeline.analyze_paths`)
and each order's root_cause is compared with the row's expected_cause.

    python bench/corpus_eval.py                 # accuracy overall, per cause, confusion list
    python bench/corpus_eval.py --misses-only   # only the rows that were wrong
    python bench/corpus_eval.py --json out.json # machine-readable result as well
    python bench/corpus_eval.py --rules old/    # same corpus, another rule pack (before/after)
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "real_messages.csv"
COLUMNS = ["source", "kind", "http_status", "error_code", "operation", "message", "expected_cause"]
START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@dataclass
class Row:
    n: int
    source: str
    kind: str
    http_status: int | None
    error_code: str
    operation: str
    message: str
    expected: str

    @property
    def order_id(self) -> str:
        return f"C-{self.n}"


@dataclass
class Result:
    rows: list[Row]
    got: dict[str, str]
    rule: dict[str, str | None] = field(default_factory=dict)

    @property
    def correct(self) -> int:
        return sum(1 for r in self.rows if self.got.get(r.order_id) == r.expected)

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.rows) if self.rows else 0.0

    def per_cause(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.rows:
            out[r.expected][1] += 1
            if self.got.get(r.order_id) == r.expected:
                out[r.expected][0] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def misses(self) -> list[tuple[Row, str]]:
        return [
            (r, self.got.get(r.order_id, "<no verdict>"))
            for r in self.rows
            if self.got.get(r.order_id) != r.expected
        ]


def load_corpus(path: Path = CORPUS) -> list[Row]:
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"{path}: missing columns {sorted(missing)}")
        for n, rec in enumerate(reader, start=1):
            status = (rec["http_status"] or "").strip()
            rows.append(
                Row(
                    n=n,
                    source=rec["source"].strip(),
                    kind=rec["kind"].strip(),
                    http_status=int(status) if status else None,
                    error_code=(rec["error_code"] or "").strip(),
                    operation=(rec["operation"] or "").strip(),
                    message=rec["message"],
                    expected=rec["expected_cause"].strip(),
                )
            )
    return rows


def _export(rows: list[Row], folder: Path) -> Path:
    """One order export: a JSON line per row, an hour apart so no threshold rule groups them."""
    path = folder / "orders_corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for r in rows:
            rec: dict[str, object] = {
                "timestamp": (START + timedelta(hours=r.n)).isoformat().replace("+00:00", "Z"),
                "order_id": r.order_id,
                "status": "Failed",
                "message": r.message,
            }
            if r.http_status is not None:
                rec["http_status"] = r.http_status
            if r.error_code:
                rec["error_code"] = r.error_code
            if r.operation:
                rec["operation"] = r.operation
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def evaluate(path: Path = CORPUS, rules: list[Path] | None = None) -> Result:
    """Analyse the corpus once; `rules` overrides the shipped pack (e.g. an older copy to compare)."""
    from analyzer.pipeline import AnalyzeOptions, analyze_paths

    rows = load_corpus(path)
    with tempfile.TemporaryDirectory(prefix="certriage-corpus-") as tmp:
        export = _export(rows, Path(tmp))
        options = AnalyzeOptions(rules=rules or None, generated_at=START, redact=False)
        analysis = analyze_paths([export], options)
    got = {o.order_id: o.root_cause for o in analysis.report.orders}
    rule = {o.order_id: o.rule for o in analysis.report.orders}
    return Result(rows=rows, got=got, rule=rule)


def _family(source: str) -> str:
    return source.split(":", 1)[0].strip() or "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses-only", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--rules",
        type=Path,
        action="append",
        default=None,
        help="rule files or folders to use instead of the shipped pack (repeatable)",
    )
    args = parser.parse_args(argv)

    result = evaluate(args.corpus, args.rules)
    print(f"corpus: {args.corpus} ({len(result.rows)} rows)")
    print(f"accuracy: {result.correct}/{len(result.rows)} = {result.accuracy:.1%}")
    if not args.misses_only:
        print("\nper expected cause (correct/total):")
        for cause, (ok, total) in result.per_cause().items():
            print(f"  {cause:32s} {ok:3d}/{total:<3d} {ok / total:6.1%}")
        fams = Counter(_family(r.source) for r in result.rows)
        print("\nrows per product family:")
        for fam, n in fams.most_common():
            print(f"  {fam:28s} {n}")
    misses = result.misses()
    confusion = Counter((r.expected, got) for r, got in misses)
    print(f"\nconfusions (expected -> got): {len(misses)}")
    for (exp, got), n in confusion.most_common():
        print(f"  {n:3d}  {exp} -> {got}")
    print("\nmisses:")
    for r, got in misses:
        print(
            f"  C-{r.n} [{_family(r.source)}] {r.expected} -> {got} ({result.rule.get(r.order_id)}): "
            f"{r.http_status or ''} {r.error_code} {r.message[:150]!r}"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": len(result.rows),
                    "correct": result.correct,
                    "accuracy": result.accuracy,
                    "per_cause": {
                        k: {"correct": a, "total": b} for k, (a, b) in result.per_cause().items()
                    },
                    "misses": [
                        {"n": r.n, "expected": r.expected, "got": g, "message": r.message}
                        for r, g in misses
                    ],
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
