"""The file suffixes the read_logs harness picks from (its input's first byte chooses one)."""

SUFFIXES = (
    ".log",
    ".jsonl",
    ".csv",
    ".tsv",
    ".json",
    ".txt",
    ".gz",
    ".zip",
    ".xlsx",
    ".md",
    ".ndjson",
    "",
)
