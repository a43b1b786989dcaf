"""CSR policy: the CA/Browser Forum baseline per certificate type, tightened by a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError, Diagnostic, Location
from analyzer.pki.csr import ATTRIBUTE_LABELS

BASELINE_CURVES = ("P-256", "P-384", "P-521")
STRONG_HASHES = frozenset({"sha256", "sha384", "sha512", "sha3-256", "sha3-384", "sha3-512"})
KNOWN_ATTRIBUTES = frozenset(ATTRIBUTE_LABELS.values())

# CA/Browser Forum Baseline Requirements 7.1.4 and the EV Guidelines 9.2, by validation level.
ALLOWED_SUBJECT: dict[str, frozenset[str] | None] = {
    "DV": frozenset({"C", "CN"}),
    "OV": None,
    "EV": None,
}
REQUIRED_SUBJECT: dict[str, tuple[str, ...]] = {
    "DV": (),
    "OV": ("O", "C"),
    "EV": ("O", "C", "businessCategory", "jurisdictionCountryName", "serialNumber"),
}
FORBIDDEN_SUBJECT: dict[str, tuple[str, ...]] = {"DV": (), "OV": ("OU",), "EV": ("OU",)}


@dataclass(frozen=True, slots=True)
class CsrPolicy:
    """What a CSR must satisfy beyond the baseline; the defaults are the baseline itself."""

    min_rsa_bits: int = 2048
    allowed_curves: tuple[str, ...] = BASELINE_CURVES
    allowed_sig_algs: tuple[str, ...] = ()
    required_subject: tuple[str, ...] = ()
    forbidden_subject: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PolicyBook:
    """A default policy and per-template overrides, as one TOML file declares them."""

    default: CsrPolicy = field(default_factory=CsrPolicy)
    templates: dict[str, CsrPolicy] = field(default_factory=dict)

    def for_template(self, template: str | None) -> CsrPolicy:
        """The policy of a template, the default when it has none."""
        return self.templates.get(template or "", self.default)


_KEYS: dict[str, type] = {
    "min_rsa_bits": int,
    "allowed_curves": list,
    "allowed_sig_algs": list,
    "required_subject": list,
    "forbidden_subject": list,
}


def load_policy(path: Path) -> PolicyBook:
    """Read a policy file: top-level keys are the default, `[template."X"]` tables override."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_diag(path, f"cannot read CSR policy: {exc}")) from None
    tables = data.pop("template", {})
    default = _policy(path, data, CsrPolicy(), "")
    if not isinstance(tables, dict):
        raise ConfigError(_diag(path, "`template` must be a table of tables"))
    templates = {
        name: _policy(path, body, default, f"template.{name}.") for name, body in tables.items()
    }
    return PolicyBook(default, templates)


def _policy(path: Path, data: Any, base: CsrPolicy, prefix: str) -> CsrPolicy:
    if not isinstance(data, dict):
        raise ConfigError(_diag(path, f"`{prefix.rstrip('.')}` must be a table"))
    problems = []
    for key, value in data.items():
        kind = _KEYS.get(key)
        if kind is None:
            hint = f"use one of {sorted(_KEYS)}"
            problems.append(_diag(path, f"unknown key `{prefix}{key}`", hint))
        elif kind is int and not isinstance(value, int):
            problems.append(_diag(path, f"`{prefix}{key}` must be an integer"))
        elif kind is list and not _strings(value):
            problems.append(_diag(path, f"`{prefix}{key}` must be a list of strings"))
        elif key.endswith("_subject"):
            hint = f"use one of {sorted(KNOWN_ATTRIBUTES)}"
            problems += [
                _diag(path, f"`{prefix}{key}`: unknown attribute `{attr}`", hint)
                for attr in value
                if attr not in KNOWN_ATTRIBUTES
            ]
    if problems:
        raise ConfigError(problems)
    changes: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return replace(base, **changes)


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _diag(path: Path, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic("csr-policy", message, Location(str(path)), hint)
