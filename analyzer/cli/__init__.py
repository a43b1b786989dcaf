"""The command line (typer): the only layer that knows exit codes and the console."""

import os

# Polars allocates through jemalloc, which by default keeps freed pages for seconds: reading file
# after file, that shows as resident memory no longer in use. Return them within half a second
# (a decay of 0 returns them at once but doubles system time). Read at
# start-up, so set before Polars is imported; a value set by the user wins.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:500,muzzy_decay_ms:0"
)

from analyzer.cli.app import app, main

__all__ = ["app", "main"]
