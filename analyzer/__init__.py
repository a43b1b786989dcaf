"""certriage: triage failed and stuck certificate orders from exported CA-integration logs."""

__version__ = "0.1.0"
