"""The command line (typer): the only layer that knows exit codes and the console."""

import os

# Polars allocates through jemalloc, which by default keeps freed pages for seconds: reading file
# after file, that shows as resident memory no longer in use. Return them at once (read at
# start-up, so set before Polars is imported; a value set by the user wins).
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:0,muzzy_decay_ms:0"
)

from analyzer.cli.app import app, main

__all__ = ["app", "main"]
