"""Scaling: one document of 1 KB, 10 KB, 100 KB, 1 MB and 10 MB through cleaner.clean; time per MB
must stay flat (no quadratic step). Documents are the dev corpus text repeated and cut to size."""

from __future__ import annotations

import math

from common import dev_texts, median_seconds, report

import cleaner

SIZES = [1_000, 10_000, 100_000, 1_000_000, 10_000_000]
MB_PER_RUN = 2.0  # small documents are cleaned several times per timed run


def document(size: int, texts: list[str], distinct: bool) -> str:
    """`size` bytes of dev text (cycled, each copy headed by a numbered line), cut at a line end.

    With `distinct`, every non-blank line of copy n ends in " ~n", so no line repeats another from
    an earlier copy (the engine searches each distinct line text once per rule, so a document made
    of repeated copies gets cheaper per MB as it grows).
    """
    parts, total, n = [], 0, 0
    while total < size:
        text = texts[n % len(texts)]
        if distinct:
            text = "".join(line.rstrip("\n") + f" ~{n}\n" if line.strip() else line
                           for line in text.splitlines(keepends=True))
        part = f"Document {n}.\n" + text
        parts.append(part)
        total += len(part.encode("utf-8"))
        n += 1
    text = "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")
    return text[: text.rfind("\n") + 1] or text


def pieces(text: str, size: int) -> list[str]:
    """`text` cut at line ends into consecutive documents of about `size` bytes each (the last may be
    shorter): the same bytes as documents of another size, so per-MB times compare sizes, not texts.
    The work may still differ with the size: a `tail` rule's cut reaches to the end of its document,
    so in a long one a single comment heading can remove most of what follows (89 % of 10 MB of
    whole-page dev text, which is why targets.py times gold bodies), which the line model then need not score."""
    out, part, total = [], [], 0
    for line in text.splitlines(keepends=True):
        part.append(line)
        total += len(line.encode("utf-8"))
        if total >= size:
            out.append("".join(part))
            part, total = [], 0
    if part:
        out.append("".join(part))
    return out


def measure(texts: list[str], rules, distinct: bool) -> tuple[list[list], dict]:
    rows, per_mb, actual_bytes, doc_seconds = [], [], [], []
    for size in SIZES:
        doc = document(size, texts, distinct)
        megabytes = len(doc.encode("utf-8")) / 1e6
        repeat = max(1, round(MB_PER_RUN / megabytes))
        seconds, _ = median_seconds(lambda d=doc, r=repeat: [cleaner.clean(d, rules=rules) for _ in range(r)],
                                    runs=3 if size < 10_000_000 else 2)
        seconds /= repeat
        per_mb.append(seconds / megabytes)
        actual_bytes.append(megabytes * 1e6)
        doc_seconds.append(seconds)
        variant = "distinct lines" if distinct else "cycled text"
        rows.append([variant, f"{size:,}", len(doc.splitlines()), repeat, seconds * 1000, per_mb[-1],
                     megabytes / seconds])
    return rows, {"largest_over_smallest": per_mb[-1] / per_mb[0], "max_over_min": max(per_mb) / min(per_mb),
                  "loglog_slope": _slope(actual_bytes, doc_seconds)}


def main() -> None:
    texts = dev_texts()
    rules = cleaner.default_rules()
    # Steady state for every row: left alone, the pattern prefilter would compile part-way through
    # the run (after 200,000 lines), and rows before and after it would not be comparable.
    prefilter = rules.index.prepare()
    rows, summary = [], {"pattern_prefilter": prefilter}
    for distinct in (True, False):
        variant_rows, figures = measure(texts, rules, distinct)
        rows += variant_rows
        prefix = "distinct_lines" if distinct else "cycled_text"
        summary.update({f"{prefix}_{key}": value for key, value in figures.items()})
    summary["target_largest_over_smallest_below"] = 1.5
    report("scaling", "python tests/bench/scaling.py",
           ["document", "bytes", "lines", "repeats", "ms/doc", "s/MB", "MB/s"], rows, summary)


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(time) against log(size): 1.0 is linear, 2.0 quadratic."""
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


if __name__ == "__main__":
    main()
