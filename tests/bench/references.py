"""The reference methods the quality table compares the cleaner with, and the line-oracle ceiling.

All take a page's text (or HTML file) and return the text they keep. trafilatura's outputs are
and jusText's outputs are cached under $CLEANER_QUALITY_CACHE (default /tmp/cleaner-quality-cache),
keyed by the tool's version, its settings and the input's bytes: they take minutes over the dev set
and do not change. Nothing is cached inside the repository.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from importlib.metadata import version
from pathlib import Path

_WORD = re.compile(r"\w+")
CACHE = Path(os.environ.get("CLEANER_QUALITY_CACHE", "/tmp/cleaner-quality-cache"))

# C4 (Raffel et al. 2020) as datatrove's C4QualityFilter applies it, default settings.
_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")
_TERMINAL = (".", "?", "!", '"', "'")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s+|$)")
C4_MIN_SENTENCES = 5


def c4_line_filter(text: str) -> str:
    """C4's rules: keep stripped lines ending in terminal punctuation (not "...") with >= 3 words and no
    javascript or cookie/policy wording, citations like [1] cut out; the whole page goes if a kept line
    has "lorem ipsum" or a curly bracket, or if fewer than 5 sentences are kept. datatrove counts
    sentences with nltk's punkt; this counts sentence ends by a regular expression instead."""
    kept: list[str] = []
    sentences = 0
    for raw in text.splitlines():
        words = raw.split()
        line = _CITATION.sub("", raw.strip())
        if any(len(w) > 1000 for w in words) or not line.endswith(_TERMINAL) or line.endswith("..."):
            continue
        lower = line.lower()
        if len(words) < 3:
            continue
        if "lorem ipsum" in lower:
            return ""
        if "javascript" in lower:
            continue
        if "{" in line:
            return ""
        if any(p in lower for p in _POLICY):
            continue
        sentences += max(1, len(_SENTENCE_END.findall(line)))
        kept.append(line)
    return "\n".join(kept).strip() if sentences >= C4_MIN_SENTENCES else ""


def _cached(tool: str, settings: str, data: bytes, compute) -> str:
    """compute(), stored under CACHE by tool, version, settings and input bytes; written atomically,
    so a concurrent run never reads half a file."""
    key = hashlib.sha256(f"{tool}|{settings}|".encode() + data).hexdigest()
    cached = CACHE / tool.split()[0] / f"{key}.txt"
    if cached.exists():
        return cached.read_text("utf-8")
    text = compute()
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(text, "utf-8")
    partial.replace(cached)
    return text


def justext_lines(text: str) -> str:
    """jusText (English stop list, default settings) over the text's lines, each line one paragraph."""
    import justext

    def run() -> str:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            return ""
        page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
        paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"), encoding="utf-8")
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return _cached(f"justext {version('jusText')}", "English,lines", text.encode("utf-8"), run)


def trafilatura_text(path: Path, **options: bool) -> str:
    """`trafilatura.extract(html, deduplicate=False, **options)` of the page at `path`, cached on disk."""
    import trafilatura

    data = path.read_bytes()
    settings = ",".join(f"{k}={v}" for k, v in sorted(options.items()))
    return _cached(f"trafilatura {trafilatura.__version__}", settings, data,
                   lambda: trafilatura.extract(data, deduplicate=False, **options) or "")


def line_oracle(text: str, gold: str, title: str) -> str:
    """The ceiling of a line-deleting cleaner: keep exactly the lines whose word sequence occurs in
    the gold's, plus the first line whose words are the page title's (the guide keeps headlines)."""
    gold_words = " " + " ".join(_WORD.findall(gold)) + " "
    title_words = " ".join(_WORD.findall(title))
    kept, title_kept = [], False
    for line in text.splitlines():
        words = " ".join(_WORD.findall(line))
        if not words:
            continue
        if f" {words} " in gold_words:
            kept.append(line)
        elif not title_kept and words == title_words:
            kept.append(line)
            title_kept = True
    return "\n".join(kept)
