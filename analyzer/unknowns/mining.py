"""Template mining over distinct masked messages: drain3, then a pass joining variable lengths."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig

from analyzer.unknowns.masking import VARIABLE_TOKEN

# Messages are masked before mining, so what is left differs in words that matter: a high
# similarity threshold keeps "key too small" and "template not found" apart.
SIMILARITY = 0.7
# Second pass: a shape whose literal words are those of another with a few more inserted (an
# optional clause, a variable-length part the masks did not catch) is the same error; at least
# MERGE_RATIO of the longer one's words must be shared. A substituted word ("refused" / "reset")
# is not the same error: that keeps different errors apart.
MERGE_RATIO = 0.8
MIN_WORDS_FOR_FUZZY = 4
EMPTY = "(empty message)"

_PUNCT = "()[]{}<>.,;:'\"!?=|"
# Words that name the error itself (HRESULT, HTTP status kept by masking, error codes, errno
# names, exception classes, ACME error URNs): shapes that differ in them are never one cluster.
_SIGNIFICANT = re.compile(
    r"0x[0-9A-Fa-f]{4,}|[1-5]\d\d|[A-Z][A-Z0-9]*[-_]\d+|E[A-Z]{4,}|[A-Z][A-Z0-9]*_[A-Z0-9_]+"
    r"|NXDOMAIN|SERVFAIL|urn:\S+"
    r"|(?:[\w$]+\.)*[A-Z]\w*(?:Exception|Error|Failure|Fault)"
)


@dataclass(frozen=True, slots=True)
class Mined:
    """The group of every input shape (same order as the input) and the template of every group."""

    group_of: list[int]
    templates: list[str]


def _miner() -> TemplateMiner:
    config = TemplateMinerConfig()  # in memory: no ini file read, no persistence, no snapshots
    config.drain_sim_th = SIMILARITY
    config.drain_depth = 4
    config.drain_max_children = 100
    config.parametrize_numeric_tokens = True
    return TemplateMiner(persistence_handler=None, config=config)


# Words that say what went wrong: drain would merge "connection refused by peer" with
# "connection reset by peer" (one word of many differs), so they split clusters like codes do.
_ERROR_WORDS = frozenset(
    {
        *("refused", "reset", "timeout", "timed", "expired", "invalid", "revoked", "denied"),
        *("forbidden", "unauthorized", "unavailable", "unreachable", "unknown", "missing"),
        *("malformed", "rejected", "disabled", "inactive", "mismatch", "aborted", "closed"),
        *("exceeded", "throttled", "locked", "full", "empty", "truncated", "unsupported"),
        *("corrupt", "corrupted", "duplicate", "conflict", "busy", "offline", "untrusted"),
        *("weak", "insufficient"),
    }
)


def _significant(tokens: Sequence[str]) -> tuple[str, ...]:
    stripped = (VARIABLE_TOKEN.sub("", t).strip(_PUNCT) for t in tokens)
    return tuple(t for t in stripped if _SIGNIFICANT.fullmatch(t) or t.lower() in _ERROR_WORDS)


def _words(template: str) -> tuple[str, ...]:
    """The literal words of a template, lower case, without the variable tokens."""
    out = (VARIABLE_TOKEN.sub("", t).strip(_PUNCT).lower() for t in template.split(" "))
    return tuple(w for w in out if w)


def _aligned(shapes: Sequence[str]) -> str:
    """One template for same-length shapes: a position stays literal only where all agree."""
    columns = zip(*(s.split(" ") for s in shapes), strict=True)
    return " ".join(col[0] if len(set(col)) == 1 else "<*>" for col in columns)


class _Union:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _inserted(short: Sequence[str], long: Sequence[str]) -> bool:
    """True when `long` is `short` with words inserted (`short` is a subsequence of `long`)."""
    rest = iter(long)
    return all(word in rest for word in short)


def _fuzzy_pairs(sequences: Sequence[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Pairs where one word sequence is the other plus a few words, by prefix filtering."""
    word_sets = [frozenset(seq) for seq in sequences]
    freq: dict[str, int] = defaultdict(int)
    for words in word_sets:
        for w in words:
            freq[w] += 1
    index: dict[str, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int]] = []
    for i, words in enumerate(word_sets):
        if len(sequences[i]) < MIN_WORDS_FOR_FUZZY:
            continue
        ordered = sorted(words, key=lambda w: (freq[w], w))
        prefix = ordered[: len(ordered) - ceil(MERGE_RATIO * len(ordered)) + 1]
        seen: set[int] = set()
        for w in prefix:
            for j in index[w]:
                if j in seen:
                    continue
                seen.add(j)
                short, long = sorted((sequences[i], sequences[j]), key=len)
                if len(short) >= MERGE_RATIO * len(long) and _inserted(short, long):
                    pairs.append((j, i))
            index[w].append(i)
    return pairs


def mine_templates(shapes: Sequence[str], counts: Sequence[int]) -> Mined:
    """Group distinct masked messages (`counts` rows each) into error templates, deterministic."""
    miner = _miner()
    subgroups: dict[tuple[int, tuple[str, ...]], list[int]] = defaultdict(list)
    for i, shape in enumerate(shapes):
        text = shape or EMPTY
        drain_id = int(miner.add_log_message(text)["cluster_id"])
        subgroups[(drain_id, _significant(text.split(" ")))].append(i)

    keys = sorted(subgroups, key=lambda k: min(subgroups[k]))
    templates = [_aligned([shapes[i] or EMPTY for i in subgroups[k]]) for k in keys]
    weights = [sum(counts[i] for i in subgroups[k]) for k in keys]
    union = _Union(len(keys))

    by_signature: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = {}
    for n, (key, template) in enumerate(zip(keys, templates, strict=True)):
        signature = (key[1], _words(template))
        union.join(by_signature.setdefault(signature, n), n)
    by_significant: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for n, key in enumerate(keys):
        by_significant[key[1]].append(n)
    for members in by_significant.values():
        for a, b in _fuzzy_pairs([_words(templates[n]) for n in members]):
            union.join(members[a], members[b])

    # The template shown for a merged group is the one of its most frequent shape.
    def rank(n: int) -> tuple[int, int, str]:
        return (-weights[n], len(templates[n]), templates[n])

    best: dict[int, int] = {}
    for n in range(len(keys)):
        root = union.find(n)
        if root not in best or rank(n) < rank(best[root]):
            best[root] = n
    roots = sorted(best)
    number = {root: g for g, root in enumerate(roots)}
    group_of = [0] * len(shapes)
    for n, key in enumerate(keys):
        for i in subgroups[key]:
            group_of[i] = number[union.find(n)]
    return Mined(group_of=group_of, templates=[templates[best[root]] for root in roots])
