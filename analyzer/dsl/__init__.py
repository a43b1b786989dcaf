"""The rule language: grammar, syntax tree, parser, validator, compiler and matcher."""
