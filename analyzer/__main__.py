"""`python -m analyzer` runs the certriage command line."""

from analyzer.cli import main

main()
