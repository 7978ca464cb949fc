"""Google disavow files: parse and check, build from findings and keep-lists, render, diff.

Pure: text in, records out. A disavow file is UTF-8 (or 7-bit ASCII) text of at most
``MAX_BYTES`` bytes and ``MAX_LINES`` lines; each line is blank, a ``#`` comment, a
``domain:host`` line (that host and every subdomain) or one http(s) URL. Parsing is tolerant as
Google's is (``DOMAIN:`` case, surrounding whitespace, a byte-order mark, CRLF) and reports every
line Google would ignore or that says nothing new, with its line number. Entries compare by
meaning: ``domain:EXAMPLE.com.`` is ``domain:example.com``, URLs compare normalised
(``urls.normalize``). See docs/disavow.md for the rules, the rendering layout and the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from linkatlas import urls
from linkatlas.errors import InputError, InvalidURLError

__all__ = [
    "MAX_BYTES",
    "MAX_LINES",
    "DisavowDiff",
    "DisavowEntry",
    "DisavowFile",
    "DisavowPlan",
    "Problem",
    "build",
    "covering_domain",
    "diff",
    "entry_for",
    "parse",
    "plan",
    "render",
]

# Google's limits. "2MB" is read as 2,000,000 bytes, the stricter of the two readings.
MAX_BYTES = 2_000_000
MAX_LINES = 100_000
_MAX_REASON = 200

Kind = Literal["domain", "url"]


@dataclass(frozen=True, slots=True)
class DisavowEntry:
    """One disavowed domain (host and subdomains) or URL; ``line`` is 0 when not from a file."""

    kind: Kind
    value: str
    reason: str = ""
    line: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """The identity of an entry: what it disavows, whatever its reason or line."""
        return (self.kind, self.value)

    def text(self) -> str:
        """The entry as a disavow-file line."""
        return f"domain:{self.value}" if self.kind == "domain" else self.value


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one line (0: the whole file); ``severity`` error or warning.

    Errors are lines Google rejects or ignores; warnings are lines that add nothing (duplicates,
    entries another entry already covers) or that reach further than intended.
    """

    line: int
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True, slots=True)
class DisavowFile:
    """A parsed disavow file: usable entries in file order, comment lines, problems."""

    entries: tuple[DisavowEntry, ...]
    comments: tuple[tuple[int, str], ...] = ()
    problems: tuple[Problem, ...] = ()
    lines: int = 0
    size: int = 0

    def domains(self) -> set[str]:
        """The disavowed domains."""
        return {e.value for e in self.entries if e.kind == "domain"}

    def urls(self) -> set[str]:
        """The disavowed URLs (normalised)."""
        return {e.value for e in self.entries if e.kind == "url"}


@dataclass(frozen=True, slots=True)
class DisavowDiff:
    """What changed between two disavow files, by meaning (not by spelling or order)."""

    added: tuple[DisavowEntry, ...]
    removed: tuple[DisavowEntry, ...]
    reason_changed: tuple[tuple[DisavowEntry, DisavowEntry], ...]
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        """True when both files disavow the same things for the same reasons."""
        return not (self.added or self.removed or self.reason_changed)


@dataclass(frozen=True, slots=True)
class DisavowPlan:
    """Entries to write, and candidates left out with the reason (kept, covered, duplicate)."""

    entries: tuple[DisavowEntry, ...]
    dropped: tuple[tuple[DisavowEntry, str], ...] = field(default=())


# -- values ----------------------------------------------------------------------------------


def _domain_value(text: str) -> str:
    """The meaning of a ``domain:`` value (lower-case punycode host); InvalidURLError if none."""
    raw = text.strip()
    if not raw:
        raise InvalidURLError("domain: needs a domain name after it")
    if "://" in raw or raw.lower().startswith(("http:", "https:")):
        raise InvalidURLError(f"domain:{raw} holds a URL: give the host alone (domain:example.com)")
    if raw.startswith("*."):
        raise InvalidURLError(
            f"domain:{raw}: no wildcards, domain:{raw[2:]} already covers every subdomain"
        )
    if any(ch in raw for ch in "/?#"):
        raise InvalidURLError(f"domain:{raw} has a path: domain: takes a host name only")
    if ("@" in raw or ":" in raw or " " in raw) and not raw.startswith("["):
        raise InvalidURLError(f"domain:{raw} is not a host name")
    name = urls.host(urls.parse_target("url:http://" + raw + "/")[1])
    if not name:
        raise InvalidURLError(f"domain:{raw} is not a host name")
    if "." not in name and not name.startswith("["):
        raise InvalidURLError(f"domain:{raw} is not an Internet host name (no dot)")
    return name


def _url_value(text: str) -> str:
    """The normalised http(s) URL of a URL line; InvalidURLError otherwise."""
    raw = text.strip()
    if " " in raw or "\t" in raw:
        raise InvalidURLError(f"{_clip(raw)!r} is not one URL (it holds a space)")
    if not urls.is_http(raw):
        if "://" not in raw and "." in raw.split("/", 1)[0]:
            hint = f"; for a whole site write domain:{raw.split('/', 1)[0]}"
            raise InvalidURLError(f"{_clip(raw)!r} is not a URL (no http:// or https://){hint}")
        raise InvalidURLError(f"{_clip(raw)!r} is not an http or https URL")
    return urls.normalize(raw)


def _clip(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _reason(text: str) -> str:
    """A reason as one comment line: whitespace collapsed, control characters out, capped."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text)
    one = " ".join(clean.split())
    return one if len(one) <= _MAX_REASON else one[: _MAX_REASON - 3].rstrip() + "..."


def covering_domain(host: str, domains: Iterable[str] | set[str]) -> str | None:
    """The listed domain that covers ``host`` (itself or a parent), or None."""
    pool = domains if isinstance(domains, set) else set(domains)
    labels = host.split(".")
    for i in range(len(labels)):
        candidate = ".".join(labels[i:])
        if candidate in pool:
            return candidate
    return None


def _parent_domain(host: str, domains: set[str]) -> str | None:
    """A listed domain strictly above ``host``, or None."""
    _, _, rest = host.partition(".")
    return covering_domain(rest, domains) if rest else None


def entry_for(value: str, reason: str = "") -> DisavowEntry:
    """The entry a finding names: a URL, ``domain:x`` (x's registrable domain), ``host:x``, or a
    bare name (its registrable domain when it is one, else that host); InputError if invalid."""
    text = value.strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")):
        return DisavowEntry("url", _url_value(text), _reason(reason))
    try:
        if lowered.startswith("domain:"):
            name = _domain_value(text[7:])
            return DisavowEntry("domain", urls.registrable_domain(name), _reason(reason))
        if lowered.startswith("host:"):
            return DisavowEntry("domain", _domain_value(text[5:]), _reason(reason))
        return DisavowEntry("domain", _domain_value(text), _reason(reason))
    except InvalidURLError as exc:
        raise InputError(f"disavow candidate {_clip(text)!r}: {exc}") from None


# -- parse -----------------------------------------------------------------------------------


def _decoded_lines(data: bytes, problems: list[Problem]) -> list[str]:
    """The lines of a file's bytes; lines that are not UTF-8 become '' with a problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    out: list[str] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            out.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(number, "not UTF-8 (save the file as UTF-8)"))
            out.append("")
    if out and out[-1] == "":
        out.pop()  # the newline that ends the last line opens no new line
    return out


def parse(source: str | bytes) -> DisavowFile:
    """Parse a disavow file's text or bytes; every unusable or redundant line is a Problem."""
    problems: list[Problem] = []
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
    lines = _decoded_lines(data, problems)
    if len(data) > MAX_BYTES:
        problems.append(Problem(0, f"{len(data):,} bytes: Google accepts at most {MAX_BYTES:,}"))
    if len(lines) > MAX_LINES:
        problems.append(Problem(0, f"{len(lines):,} lines: Google accepts at most {MAX_LINES:,}"))
    comments: list[tuple[int, str]] = []
    entries: list[DisavowEntry] = []
    seen: dict[tuple[str, str], int] = {}
    reason = ""
    for number, raw in enumerate(lines, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if line.startswith("#"):
            text = line[1:].strip()
            comments.append((number, text))
            reason = _reason(text)  # the comment nearest above an entry is its reason
            continue
        try:
            if line[:7].lower() == "domain:":
                entry = DisavowEntry("domain", _domain_value(line[7:]), reason, number)
            else:
                entry = DisavowEntry("url", _url_value(line), reason, number)
        except InvalidURLError as exc:
            problems.append(Problem(number, str(exc)))
            continue
        if entry.key in seen:
            problems.append(Problem(number, f"duplicate of line {seen[entry.key]}: "
                                    f"{entry.text()}", "warning"))
            continue
        seen[entry.key] = number
        entries.append(entry)
    problems.extend(_coverage_problems(entries))
    problems.sort(key=lambda p: p.line)
    return DisavowFile(tuple(entries), tuple(comments), tuple(problems), len(lines), len(data))


def _coverage_problems(entries: Sequence[DisavowEntry]) -> list[Problem]:
    """Warnings for entries another domain line already covers, and for public suffixes."""
    domains = {e.value: e.line for e in entries if e.kind == "domain"}
    pool = set(domains)
    out: list[Problem] = []
    for e in entries:
        if e.kind == "domain":
            parent = _parent_domain(e.value, pool)
            if e.value[-1:].isalpha() and urls.psl_registrable_domain(e.value) is None:
                out.append(Problem(e.line, f"domain:{e.value} is a public suffix: it names "
                                   "every site registered under it", "warning"))
        else:
            parent = covering_domain(urls.host(e.value), pool)
        if parent is not None:
            out.append(Problem(e.line, f"{e.text()} is already covered by domain:{parent} "
                               f"(line {domains[parent]})", "warning"))
    return out


# -- build -----------------------------------------------------------------------------------


def _keep_set(keep: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for value in keep:
        text = value.strip()
        if not text or text.startswith("#"):
            continue
        if text[:7].lower() == "domain:":
            text = text[7:]
        if text.startswith("*."):
            text = text[2:]
        try:
            out.add(_domain_value(text))
        except InvalidURLError as exc:
            raise InputError(f"keep-list entry {_clip(value)!r}: {exc}") from None
    return out


def _kept(entry: DisavowEntry, keep: set[str]) -> str | None:
    """The kept name an entry would disavow (itself, a subdomain or a parent of it), or None."""
    if not keep:
        return None
    host = entry.value if entry.kind == "domain" else urls.host(entry.value)
    hit = covering_domain(host, keep)
    if hit is not None:
        return hit
    if entry.kind == "domain":
        # domain:example.com would also disavow a kept blog.example.com.
        suffix = "." + host
        for name in sorted(keep):
            if name.endswith(suffix):
                return name
    return None


def plan(
    candidates: Iterable[DisavowEntry | tuple[str, str]],
    *,
    keep: Iterable[str] = (),
    existing: DisavowFile | Iterable[DisavowEntry] | None = None,
) -> DisavowPlan:
    """Entries for a disavow file, and what was left out and why.

    The existing file's entries stay with their reasons (the user's own judgement), except those
    naming a kept site. A candidate is left out when it names a kept site, when an existing or
    candidate domain line already covers it, or when it repeats one.
    """
    keep_set = _keep_set(keep)
    old = list(existing.entries if isinstance(existing, DisavowFile) else existing or ())
    new = [c if isinstance(c, DisavowEntry) else entry_for(c[0], c[1]) for c in candidates]
    dropped: list[tuple[DisavowEntry, str]] = []
    chosen: dict[tuple[str, str], DisavowEntry] = {}
    for entry in old:
        hit = _kept(entry, keep_set)
        if hit is not None:
            dropped.append((entry, f"on the keep-list ({hit})"))
        elif entry.key not in chosen:
            chosen[entry.key] = entry
    fresh: dict[tuple[str, str], DisavowEntry] = {}
    for entry in new:
        hit = _kept(entry, keep_set)
        if hit is not None:
            dropped.append((entry, f"on the keep-list ({hit})"))
        elif entry.key in chosen or entry.key in fresh:
            dropped.append((entry, "already listed"))
        else:
            fresh[entry.key] = entry
    domains = {k[1] for k in chosen if k[0] == "domain"} | {
        k[1] for k in fresh if k[0] == "domain"
    }
    for key, entry in fresh.items():
        host = entry.value if entry.kind == "domain" else urls.host(entry.value)
        parent = _parent_domain(host, domains) if entry.kind == "domain" else covering_domain(
            host, domains)
        if parent is not None:
            dropped.append((entry, f"covered by domain:{parent}"))
        else:
            chosen[key] = entry
    return DisavowPlan(tuple(chosen.values()), tuple(dropped))


def build(
    candidates: Iterable[DisavowEntry | tuple[str, str]],
    *,
    keep: Iterable[str] = (),
    existing: DisavowFile | Iterable[DisavowEntry] | None = None,
) -> list[DisavowEntry]:
    """The entries of a disavow file from (domain-or-URL, reason) candidates (see ``plan``)."""
    return list(plan(candidates, keep=keep, existing=existing).entries)


# -- render ----------------------------------------------------------------------------------


def render(entries: Iterable[DisavowEntry], *, header: Sequence[str] = ()) -> str:
    """The disavow file: header comments, then domain lines, then URL lines, byte-stable.

    Within each kind, entries are grouped by reason (groups in reason order, the unexplained
    first), each group under one ``# reason`` line, entries sorted. Raises InputError when the
    result would exceed Google's limits.
    """
    unique: dict[tuple[str, str], DisavowEntry] = {}
    for entry in entries:
        unique.setdefault(entry.key, entry)
    out = [f"# {_reason(h)}".rstrip() for h in header]
    for kind in ("domain", "url"):
        groups: dict[str, list[str]] = {}
        for entry in unique.values():
            if entry.kind == kind:
                groups.setdefault(_reason(entry.reason), []).append(entry.text())
        for reason in sorted(groups):
            if out:
                out.append("")
            if reason:
                out.append(f"# {reason}")
            out.extend(sorted(groups[reason]))
    text = "\n".join(out) + "\n" if out else ""
    size = len(text.encode("utf-8"))
    if len(out) > MAX_LINES or size > MAX_BYTES:
        raise InputError(
            f"the disavow file would have {len(out):,} lines and {size:,} bytes; Google accepts "
            f"at most {MAX_LINES:,} lines and {MAX_BYTES:,} bytes: list whole domains instead of "
            "their URLs, or shorten the reasons"
        )
    return text


# -- diff ------------------------------------------------------------------------------------


def diff(
    old: DisavowFile | Iterable[DisavowEntry], new: DisavowFile | Iterable[DisavowEntry]
) -> DisavowDiff:
    """Entries added, removed, and with a changed reason, from ``old`` to ``new``."""
    before = {e.key: e for e in (old.entries if isinstance(old, DisavowFile) else old)}
    after = {e.key: e for e in (new.entries if isinstance(new, DisavowFile) else new)}
    added = tuple(after[k] for k in sorted(after.keys() - before.keys()))
    removed = tuple(before[k] for k in sorted(before.keys() - after.keys()))
    common = sorted(before.keys() & after.keys())
    changed = tuple(
        (before[k], after[k]) for k in common if _reason(before[k].reason) !=
        _reason(after[k].reason)
    )
    return DisavowDiff(added, removed, changed, len(common) - len(changed))
