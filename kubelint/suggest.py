""" "Did you mean": the closest known name to a misspelt one.

Two questions, one module: :func:`closest` / :func:`did_you_mean` pick a
hint for a message that is reported anyway (difflib similarity, lenient);
:func:`misspelling_of` decides whether a name is a typo of a known one at all
(at most two edits, strict: the CRD stage warns only then).
"""

from __future__ import annotations


TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Iterable, Optional


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The candidate closest to ``word``: an exact case-insensitive match
    first (``containerport`` -> ``containerPort``), then the best
    :func:`difflib.get_close_matches` hit, else ``None``."""
    candidates = list(candidates)
    if not isinstance(word, str) or not candidates:
        return None
    lower = word.lower()
    for c in candidates:
        if c.lower() == lower:
            return c
    # Ignore separators people add or drop: image_pull_policy, image-pull-policy.
    squashed = lower.replace("_", "").replace("-", "")
    for c in candidates:
        if c.lower() == squashed:
            return c
    # difflib's ratio is at most 2*len(b)/(len(a)+len(b)): a word this much
    # longer than every candidate cannot reach the cutoff, and difflib would
    # spend seconds on a hostile megabyte-long key finding that out.
    longest = max((len(c) for c in candidates), default=0)
    if cutoff > 0 and len(word) * cutoff > (2 - cutoff) * longest:
        return None
    import difflib  # only for a word with no exact match (a run with nothing misspelt never imports it)

    hits = difflib.get_close_matches(word, candidates, n=1, cutoff=cutoff)
    if hits:
        return hits[0]
    lowered = [c.lower() for c in candidates]
    if lower == word and lowered == candidates:
        return None  # (the same question again: object names are lower-case)
    hits = difflib.get_close_matches(lower, lowered, n=1, cutoff=cutoff)
    if hits:
        for c in candidates:
            if c.lower() == hits[0]:
                return c
    return None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """`` (did you mean "X"?)`` or an empty string."""
    hit = closest(word, candidates, cutoff)
    return f' (did you mean "{hit}"?)' if hit else ""


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a transposition is one edit), capped:
    names whose lengths differ by more than two are 3 apart."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def misspelling_of(word: str, candidates: Iterable[str]) -> Optional[str]:
    """The candidate ``word`` misspells: at most two edits (case-insensitive),
    and not a longer or shorter name (CronWorkflow / Workflow,
    AlertmanagerConfig / Alertmanager are distinct names), else None."""
    best = None
    a = word.lower()
    for k in candidates:
        b = k.lower()
        if a != b and (a in b or b in a):
            continue
        d = edit_distance(a, b)
        if d <= 2 and (best is None or d < best[0]):
            best = (d, k)
    return best[1] if best else None
