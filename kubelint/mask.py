"""Secrets never leave kubelint: masking in one place, before any reporter.

What is secret (collected per object by :func:`collect`, while loading):

* every value of a ``Secret``'s ``data`` (and its base64-decoded text) and
  ``stringData``, and a Secret's ``last-applied-configuration`` annotation
  (a JSON copy of the data);
* ``value`` of every ``env`` entry (any kind, custom resources included)
  whose ``name`` looks like a credential (:data:`CREDENTIAL_NAME`);
* the value a credential rule flags (:func:`is_credential_rule`: ids in
  :data:`CREDENTIAL_RULES` or a catalogue category ``credentials`` /
  ``secrets``) -- the runner adds it when the finding is made.

How it is masked (:class:`Masker`, built by the runner for every run):

* finding messages (:meth:`Masker.finding`): in the quoted fragments of
  a message (where kubelint puts values), every distinctive secret, in every
  spelling a reporter could produce (raw, JSON-, XML-, repr- and GitHub
  annotation-escaped), becomes ``****``; in a finding that points into a
  secret value, the value and any quoted piece of it too (clipped values
  such as ``'hunter2...'``); in internal-error messages, secrets anywhere.
  Messages are then made one line (control characters escaped, hostile
  terminal sequences included) and overlong runs clipped;
* source excerpts (:meth:`Masker.line`, called by
  ``report.text.SourceLines`` for every reporter that shows source): the
  same replacement, the value part of lines that hold a secret value (block
  scalars included), and the value of any ``key: value`` line whose key
  looks like a credential; in a file that could not be parsed but looks
  like a Secret, every value;
* ``--debug`` tracebacks and ``kubelint: error:`` lines (:meth:`Masker.text`
  of the masker the command line hands to ``runner.run``): secrets anywhere.
  Rendered reports need no final pass: all they show is
  masked before a reporter runs.

Only :func:`distinctive` secrets (at least :data:`MIN_LENGTH` characters,
long or mixing character classes) are masked wherever they appear; the
others (``admin``, ``postgres``, ``istio.io``) only where kubelint knows
they sit (their excerpt lines, findings pointing into them): replacing such
words everywhere would garble file names and messages.
"""

from __future__ import annotations

import json
import re
from collections import namedtuple

from .lazyre import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only (strings): a run does not import typing (tests/test_startup.py)
    from typing import Dict, Iterable, List, Optional

MASK = "****"
MIN_LENGTH = 6  # shorter secrets are masked only at their known positions
MAX_MESSAGE_RUN = 200  # a run of non-space characters longer than this is clipped on a terminal
MAX_WHOLE_RUN = 4096  # ... and in every output (a megabyte-long key is not echoed whole)

# env names (and keys) that hold credentials.
CREDENTIAL_NAME = lazy(
    r"pass(?:wd|word|phrase)?|pwd|secret|token|api[-_.]?key|private[-_.]?key|access[-_.]?key|"
    r"credential|auth|signing[-_.]?key|session[-_.]?key|encryption[-_.]?key|cookie|dsn|"
    r"connection[-_.]?string|conn[-_.]?str|bearer|client[-_.]?key|license[-_.]?key",
    re.I,
)
# Rule ids whose finding points at a credential value (the rules helper's
# hard-coded-credential checks register here, or use a catalogue category
# "credentials" / "secrets").
CREDENTIAL_RULES = {
    "configmap-credentials",
    "secret-in-env-literal",
    "hardcoded-secret",
    "hardcoded-credential",
    "secret-in-env",
    "env-secret-literal",
    "plaintext-secret",
    "credential-in-env",
    "secret-in-configmap",
    "credential-in-configmap",
}
_CREDENTIAL_CATEGORIES = {"credentials", "credential", "secrets", "secret"}
_SECRET_FIELDS = {"apiVersion", "kind", "metadata", "type", "data", "stringData", "immutable"}
_SECRET_TYPE = lazy(r"^(?:Opaque|[A-Za-z0-9.-]+/[A-Za-z0-9._-]+)$")
_OBJECT_META = {
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
}
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


# (collections.namedtuple, not typing.NamedTuple: a run does not import typing; tests/test_startup.py)
class Secret(namedtuple("Secret", ("value", "line", "column", "key_column"), defaults=(0, 0, 0))):
    """A secret value (str) and where it sits in its file (1-based); picklable,
    so worker processes can send it back with their FileResult.

    ``line``: 0 when the position is unknown (value-based masking only);
    ``column``: of the value; ``key_column``: of its key (continuation lines
    are indented deeper)."""

    __slots__ = ()


# ---------------------------------------------------------------------------
# Collecting


def collect(obj) -> List[Secret]:
    """The secret values of one KubeObject (see the module docstring)."""
    out: List[Secret] = []
    data = obj.data
    shadow = obj.shadow
    if obj.kind == "Secret":
        for field in ("data", "stringData"):
            values = data.get(field)
            if isinstance(values, dict):
                for key, value in values.items():
                    _add(out, value, shadow, (field, key), decode=field == "data")
            elif values is not None:
                # `stringData: hunter2` (a scalar, or a list): the schema error would quote it
                _add(out, values, shadow, (field,), decode=field == "data")
        # A Secret's misplaced values (wrong indentation, a field name typed
        # wrong) are secret too: unknown top-level fields, a non-boolean
        # `immutable`, a `type` that is no type, unknown metadata fields.
        for key, value in data.items():
            if (
                key not in _SECRET_FIELDS
                or (key == "immutable" and not isinstance(value, bool))
                or (key == "type" and isinstance(value, str) and not _SECRET_TYPE.match(value))
            ):
                _add(out, value, shadow, (key,))
        meta = data.get("metadata")
        if isinstance(meta, dict):
            for key, value in meta.items():
                if key not in _OBJECT_META:
                    _add(out, value, shadow, ("metadata", key))
        ann = meta.get("annotations") if isinstance(meta, dict) else None
        if isinstance(ann, dict) and isinstance(ann.get(_LAST_APPLIED), str):
            _add(out, ann[_LAST_APPLIED], shadow, ("metadata", "annotations", _LAST_APPLIED))
    # env lists: in the pod spec of built-in workloads, anywhere in custom
    # resources (operators embed pod templates); other built-in kinds have
    # none, and walking them (CRD schemas!) would cost a few % of a run.
    from .kinds import iter_containers, pod_spec_path

    if pod_spec_path(obj.group, obj.kind) is not None:
        for container, path, _ in iter_containers(obj, include_ephemeral=True):
            env = container.get("env")
            if isinstance(env, list):
                _env_list(env, path + ("env",), shadow, out)
    elif "." in obj.group and not obj.group.endswith(".k8s.io"):
        _walk_env(data, (), shadow, out)
    return out


_CREDENTIAL_ENV: Dict[str, bool] = {}  # env name -> CREDENTIAL_NAME finds it (names repeat across a run)


def _credential_env(name: str) -> bool:
    hit = _CREDENTIAL_ENV.get(name)
    if hit is None:
        if len(_CREDENTIAL_ENV) > 50_000:
            _CREDENTIAL_ENV.clear()
        hit = _CREDENTIAL_ENV[name] = CREDENTIAL_NAME.search(name) is not None
    return hit


def _env_list(env, path, shadow, out):
    for i, item in enumerate(env):
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str) and _credential_env(name):
                # `value`, and whatever else holds a value (`valeu:` misspelt)
                for key, value in item.items():
                    if key not in ("name", "valueFrom"):
                        _add(out, value, shadow, path + (i, key))


def _walk_env(node, path, shadow, out, depth=0):
    """Every ``env: [{name, value}]`` list anywhere in the object."""
    if depth > 200:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "env" and isinstance(value, list):
                _env_list(value, path + (key,), shadow, out)
            elif isinstance(value, (dict, list)):
                _walk_env(value, path + (key,), shadow, out, depth + 1)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (dict, list)):
                _walk_env(item, path + (i,), shadow, out, depth + 1)


def value_at(data, path):
    node = data
    for elem in path:
        if isinstance(node, dict) and not isinstance(elem, int):
            node = node.get(elem)
        elif isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
            node = node[elem]
        else:
            return None
    return node


def secrets_at(obj, path) -> List[Secret]:
    """The value a credential rule flagged at ``path`` of ``obj``."""
    out: List[Secret] = []
    _add(out, value_at(obj.data, tuple(path)), obj.shadow, tuple(path))
    return out


def _add(out, value, shadow, path, decode=False):
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, (dict, list)):
        # a whole structure flagged: every scalar in it
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            _add(out, v, shadow, path + (k,), decode)
        return
    text = value if isinstance(value, str) else str(value)
    if not text:
        return
    from .positions import locate

    try:
        line, col = locate(shadow, path)
        _kl, key_col = locate(shadow, path, "key")
    except Exception:  # odd shapes: value-based masking still applies
        line = col = key_col = 0
    out.append(Secret(text, line, col, key_col))
    if decode:
        plain = _b64_text(text)
        if plain:
            out.append(Secret(plain))


def _b64_text(text: str) -> Optional[str]:
    import base64  # imported when a Secret's data is decoded, not by every run
    import binascii

    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        plain = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return plain if plain.strip() else None


_RULE_CACHE: Dict[str, bool] = {}


def is_credential_rule(rule: Optional[str]) -> bool:
    if not rule:
        return False
    hit = _RULE_CACHE.get(rule)
    if hit is None:
        hit = rule in CREDENTIAL_RULES
        if not hit:
            try:
                from .engine import catalogue

                entry = catalogue().get(rule)
            except Exception:  # pragma: no cover - catalogue problems are reported elsewhere
                entry = None
            hit = entry is not None and (getattr(entry, "category", "") or "").lower() in _CREDENTIAL_CATEGORIES
        _RULE_CACHE[rule] = hit
    return hit


# ---------------------------------------------------------------------------
# Masking


def _spellings(value: str) -> Iterable[str]:
    """Every way a reporter may write ``value``."""
    yield value
    yield json.dumps(value, ensure_ascii=False)[1:-1]
    yield json.dumps(value)[1:-1]
    # html.escape(value, quote=False), then quote=True (html's import, with its entity table, costs 1 ms)
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    yield escaped.replace('"', "&quot;").replace("'", "&#x27;")
    yield escaped
    yield repr(value)[1:-1]
    # GitHub workflow commands: data and property escaping
    gh = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    yield gh
    yield gh.replace(":", "%3A").replace(",", "%2C")
    yield value.encode("unicode_escape").decode("ascii", "replace")


# C0 and C1 controls (ESC starts CSI and OSC sequences: window title, OSC 52
# clipboard writes, hyperlinks; BEL, NUL), line and paragraph separators and
# the bidirectional overrides and isolates ("Trojan Source": text displayed
# in another order than it is read).  Tab is the only control left as is.
# Lone surrogates are bytes of a file name that is not UTF-8 (os.fsdecode's
# surrogateescape): shown as ``\xff``, they would make JSON and SARIF
# invalid UTF-8 and crash an encoder.
_CTRL = lazy(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_LONG_RUN = lazy(r"\S{%d,}" % (MAX_MESSAGE_RUN + 1))
_VERY_LONG_RUN = lazy(r"\S{%d,}" % (MAX_WHOLE_RUN + 1))
_QUOTED = lazy(r"'([^'\n]*)'|\"([^\"\n]*)\"|`([^`\n]*)`")
_KEY_VALUE = lazy(r"^(\s*(?:-\s+)?[\"']?([^\"':#\s][^\"':#]*?)[\"']?\s*:\s+)(\S.*)$")
_SECRET_KIND = lazy(r"^kind:\s*[\"']?Secret[\"']?\s*(#.*)?$", re.M)
_PLAIN_KEYS = {"apiVersion", "kind", "name", "namespace", "type", "immutable"}


def _WORD_VALUE(value: str):
    """``value`` as a whole token: a short value ('v') never masks the
    letters of other words ('Invalid value')."""
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(value) + r"(?![A-Za-z0-9_])")


def _replace_value(text: str, value: str) -> str:
    if value not in text:
        return text
    if distinctive(value):
        return text.replace(value, MASK)
    return _WORD_VALUE(value).sub(MASK, text)


def _escape_one(m) -> str:
    c = m.group()
    if "\udc80" <= c <= "\udcff":
        return f"\\x{ord(c) - 0xDC00:02x}"  # an undecodable byte of a file name
    return c.encode("unicode_escape", "backslashreplace").decode("ascii")


def _escape_ctrl(text: str) -> str:
    return _CTRL.sub(_escape_one, text)


def _has_ctrl(text: str) -> bool:
    """``_CTRL.search(text)``: printable text has none of its characters (every one of them is a category
    str.isprintable refuses), and is known so without compiling the pattern (~0.2 ms of a one-file check)."""
    return not text.isprintable() and _CTRL.search(text) is not None


def visible(text: str) -> str:
    """Every control character shown escaped (``\\x1b``, ``\\x07``,
    ``\\u202e``): a source excerpt or name can never drive the terminal."""
    return _escape_ctrl(text) if _has_ctrl(text) else text


def one_line(message: str) -> str:
    """Control characters escaped (a message is one line and cannot drive a
    terminal), overlong runs of non-space characters clipped."""
    return _clip_runs(visible(message))


DISPLAY_VALUE = 80  # a quoted value longer than this is shortened on a terminal
_LONG_QUOTED = lazy(r'"((?:[^"\\\n]|\\.){%d,})"' % (DISPLAY_VALUE + 1))


def display(message: str) -> str:
    """A message as a person reads it on a terminal (the text reporter): one
    line, a quoted value over :data:`DISPLAY_VALUE` characters shortened to
    its start and length, overlong runs clipped.  Findings keep the server's
    text whole (JSON, SARIF, JUnit, GitHub, the LSP); masking has already
    run on it, so a shortened value never reveals more than the whole one."""
    message = visible(message)
    if len(message) > DISPLAY_VALUE and '"' in message:
        message = _LONG_QUOTED.sub(
            lambda m: f'"{m.group(1)[: DISPLAY_VALUE - 3]}..." ({len(m.group(1)):,} characters)', message
        )
    return _clip_runs(message)


def _clip_runs(message: str, limit: int = MAX_MESSAGE_RUN) -> str:
    runs = _LONG_RUN if limit == MAX_MESSAGE_RUN else _VERY_LONG_RUN
    if len(message) > limit and runs.search(message):
        message = runs.sub(
            lambda m: f"{m.group()[:60]}...({len(m.group()) - 80:,} more characters)...{m.group()[-20:]}", message
        )
    return message


def distinctive(value: str) -> bool:
    """Masked wherever it appears (not only where kubelint knows it sits):
    long, or mixing character classes like a real credential.  Demo values
    such as ``postgres`` or ``admin`` are masked at their positions only,
    not in every file name and message that happens to contain the word."""
    if len(value) < MIN_LENGTH:
        return False
    if len(value) >= 12:
        return True
    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
    return classes >= 3 or (classes >= 2 and len(value) >= 8 and not re.fullmatch(r"[a-z0-9]+([.-][a-z0-9]+)*", value))


_PREFIX = 48  # secrets are found by their first characters, then verified
_MEMO_TEXT = 256  # Masker.text remembers texts up to this long ...
_MEMO_TEXTS = 50_000  # ... this many at a time
MAX_TRIE_FORMS = 20_000  # beyond: whole-token matching (compiling takes ~2.5 s at 20,000)
_TOKEN = lazy(r"[^\s'\"`,;=@]+")


def _trie_pattern(words) -> str:
    """A regex matching any of ``words`` (longest first), built as a trie:
    ``(?:ab(?:c|d)|x)`` rather than ``abc|abd|x``."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    escaped: Dict[str, str] = {}  # re.escape of each character, once (a corpus run's trie has ~35,000 nodes)

    def build(node) -> str:
        alts = []
        for ch in sorted(node):
            if ch:
                e = escaped.get(ch)
                if e is None:
                    e = escaped[ch] = re.escape(ch)
                alts.append(e + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


class Masker:
    """The secrets of a run and the masking of everything that shows them."""

    def __init__(self):
        self.values = set()  # every secret text (and its lines), any length
        self.spans: Dict[str, Dict[Secret, None]] = {}  # file -> secrets with positions
        self._regex = None
        self._by_prefix: Dict[str, List[str]] = {}
        self._by_head: Dict[str, List[str]] = {}
        self._texts: Dict[str, str] = {}  # text() of short texts, for the current pattern
        self._exact = None
        self._dirty = False
        self._secretish: Dict[str, bool] = {}
        self._index: Dict[str, tuple] = {}  # file -> (count, {line: [Secret]}, [(first, last, Secret)])

    def add(self, path: str, secrets: Iterable) -> None:
        for s in secrets:
            s = Secret(*s) if not isinstance(s, Secret) else s
            if not s.value:
                continue
            self.values.add(s.value)
            if "\n" in s.value:
                for part in s.value.split("\n"):
                    part = part.strip()
                    if part:
                        self.values.add(part)
            if s.line:
                self.spans.setdefault(path, {})[s] = None  # an ordered set
            self._dirty = True

    def __bool__(self) -> bool:
        return bool(self.values)

    def _pattern(self):
        """(regex, forms by prefix): the regex finds, at every position,
        the first characters of any spelling of any distinctive secret --
        a trie, so each position costs a few character tests however many
        secrets there are (a plain alternation of 600 secrets took 20 s
        over the corpus report); candidates are then verified in full."""
        if self._dirty or self._regex is None:
            forms = set()
            for v in self.values:
                if distinctive(v):
                    for f in _spellings(v):
                        if len(f) >= MIN_LENGTH:
                            forms.add(f)
            self._exact = None
            if len(forms) > MAX_TRIE_FORMS:
                # A hostile input with hundreds of thousands of secrets: the
                # trie would take minutes to compile; match whole tokens.
                self._exact = forms
                self._by_prefix = {}
                self._texts = {}
                self._regex = False
                self._dirty = False
                return self._regex
            by_prefix: Dict[str, List[str]] = {}
            for f in forms:
                by_prefix.setdefault(f[:_PREFIX], []).append(f)
            for group in by_prefix.values():
                group.sort(key=len, reverse=True)  # longest spelling first
            # The regex finds the first MIN_LENGTH characters of the prefixes (every form has as many), a
            # trie a few times smaller than one of whole prefixes (compiling that was 36 ms of a corpus
            # run); text() then takes the longest prefix there, as the whole trie's greedy match would.
            by_head: Dict[str, List[str]] = {}
            for prefix in by_prefix:
                by_head.setdefault(prefix[:MIN_LENGTH], []).append(prefix)
            for group in by_head.values():
                group.sort(key=len, reverse=True)  # longest prefix first
            self._by_prefix = by_prefix
            self._by_head = by_head
            self._texts = {}
            self._regex = re.compile("(?=(" + _trie_pattern(by_head) + "))") if by_prefix else False
            self._dirty = False
        return self._regex

    def text(self, text: str) -> str:
        """Every known distinctive secret in ``text`` masked."""
        regex = self._pattern()
        if not text:
            return text
        if len(text) <= _MEMO_TEXT:  # findings' paths and quoted values repeat: each short text masked once
            hit = self._texts.get(text)
            if hit is None:
                if len(self._texts) >= _MEMO_TEXTS:
                    self._texts.clear()
                hit = self._texts[text] = self._text(text, regex)
            return hit
        return self._text(text, regex)

    def _text(self, text: str, regex) -> str:
        if not regex:
            if self._exact:
                return _TOKEN.sub(lambda m: MASK if m.group() in self._exact else m.group(), text)
            return text
        out = []
        last = 0
        by_prefix = self._by_prefix
        by_head = self._by_head
        for m in regex.finditer(text):
            pos = m.start()
            if pos < last:
                continue  # inside a secret already masked
            for prefix in by_head[m.group(1)]:
                if text.startswith(prefix, pos):  # the longest prefix here: its spellings, longest first
                    for form in by_prefix[prefix]:
                        if text.startswith(form, pos):
                            out.append(text[last:pos])
                            out.append(MASK)
                            last = pos + len(form)
                            break
                    break
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    # -- findings ---------------------------------------------------------

    def _span_of(self, path: str, line: int) -> List[Secret]:
        """Secrets whose value covers ``line`` of ``path`` (block scalars
        span the lines after their indicator)."""
        spans = self.spans.get(path)
        if not spans:
            return []
        index = self._index.get(path)
        if index is None or index[0] != len(spans):
            single: Dict[int, List[Secret]] = {}
            multi = []
            for s in spans:
                if "\n" in s.value:
                    multi.append((s.line, s.line + s.value.count("\n") + 1, s))
                else:
                    single.setdefault(s.line, []).append(s)
            index = self._index[path] = (len(spans), single, multi)
        out = list(index[1].get(line, ()))
        for first, last, s in index[2]:
            if first <= line <= last:
                out.append(s)
        return out

    def _quoted(self, message: str) -> str:
        """Distinctive secrets masked inside the quoted fragments of a
        message, where kubelint puts values (scanning only those keeps the
        cost of a corpus run's 6,000 messages at a few milliseconds)."""
        if not (self._pattern() or self._exact) or not any(q in message for q in "'\"`"):
            return message
        return _QUOTED.sub(lambda m: self.text(m.group()), message)

    def finding(self, f):
        spans = self._span_of(f.file, f.line) if self.spans else ()
        changes = {}
        # the message and kubelint's hint beside it: both are masked alike
        for field in ("message", "hint"):
            original = getattr(f, field)
            if not original:
                continue
            # a hint is kubelint's free text, short: masked anywhere, not only in quotes
            masked = self._masked_text(original, "internal-error" if field == "hint" else f.rule, spans)
            if masked != original:
                changes[field] = masked
        if self.values and f.path:
            # a secret used as a map key is part of the finding's path (JSON, SARIF)
            path = self.text(f.path)
            for s in spans:
                path = _replace_value(path, s.value)
            if path != f.path:
                changes["path"] = path
        if _has_ctrl(f.file):
            # A hostile file name (newline, terminal escapes) must not forge
            # output lines or workflow commands; its excerpt is lost, no more.
            changes["file"] = _escape_ctrl(f.file)
        obj = f.object
        if obj is not None and any(isinstance(v, str) and _has_ctrl(v) for v in obj):
            changes["object"] = obj._replace(
                **{k: _escape_ctrl(v) for k, v in obj._asdict().items() if isinstance(v, str)}
            )
        return f._replace(**changes) if changes else f

    @staticmethod
    def _mask_quoted(message: str, value: str) -> str:
        def sub(m):
            inner = next(g for g in m.groups() if g is not None)
            clipped = inner.endswith("...") or inner.endswith("\u2026")
            probe = inner.rstrip(".\u2026") if clipped else inner
            if not probe:
                return m.group()
            # the value itself, a clipped prefix of it, or a distinctive
            # piece of it -- not a container name or a key that happens to
            # occur inside a large flagged block
            if (
                (value in probe and (distinctive(value) or _WORD_VALUE(value).search(probe)))
                or probe == value.strip()
                or (clipped and len(probe) >= 4 and value.startswith(probe))
                or (probe in value and distinctive(probe))
            ):
                q = m.group()[0]
                return f"{q}{MASK}{q}"
            return m.group()

        return _QUOTED.sub(sub, message)

    def _masked_text(self, message: str, rule: str, spans) -> str:
        if not self.values:
            pass
        elif rule == "internal-error":  # exception text: values anywhere, unquoted
            message = self.text(message)
        else:
            message = self._quoted(message)
        for s in spans:
            message = self._mask_quoted(message, s.value)
            message = _replace_value(message, s.value)
        # control characters escaped; the text stays whole (the server's words) up to runs of
        # MAX_WHOLE_RUN characters: reporters for people shorten long values for display (display())
        return _clip_runs(visible(message), MAX_WHOLE_RUN)

    def findings(self, findings: list) -> list:
        return [self.finding(f) for f in findings]

    # -- source excerpts --------------------------------------------------

    def line(self, path: str, lineno: int, text: str, lines: Optional[List[str]] = None) -> str:
        """One source line as an excerpt may show it."""
        text = self.text(text)
        for s in self._span_of(path, lineno):
            if lineno == s.line:
                if 0 < s.column <= len(text) + 1:
                    text = text[: s.column - 1] + MASK
            else:
                body = text.lstrip(" \t")
                indent = len(text) - len(body)
                if body and indent >= max(s.key_column, 1):
                    text = text[:indent] + MASK
        m = _KEY_VALUE.match(text)
        if m and MASK not in m.group(3):
            key = m.group(2).strip()
            if CREDENTIAL_NAME.search(key) or (key not in _PLAIN_KEYS and self._looks_like_secret_file(path, lines)):
                text = m.group(1) + MASK
        return text

    def _looks_like_secret_file(self, path: str, lines: Optional[List[str]]) -> bool:
        """A Secret kubelint could not parse (so it knows no positions)."""
        hit = self._secretish.get(path)
        if hit is None:
            hit = path not in self.spans and lines is not None and bool(_SECRET_KIND.search("\n".join(lines[:5000])))
            self._secretish[path] = hit
        return hit
