"""Rule suggestions: turn an unknown cluster into a rule skeleton in the rule language."""

from analyzer.suggest.causes import likely_causes
from analyzer.suggest.regex import string_literal, template_regex
from analyzer.suggest.skeleton import (
    CAUSE_PLACEHOLDER,
    FIX_PLACEHOLDER,
    suggest_for,
    suggest_rule,
)

__all__ = [
    "CAUSE_PLACEHOLDER",
    "FIX_PLACEHOLDER",
    "likely_causes",
    "string_literal",
    "suggest_for",
    "suggest_rule",
    "template_regex",
]
