"""One self-contained HTML page reviewing what cleaning removed from a corpus.

The page has no external resources (CSS and JavaScript are inline, no fonts, images or requests), so it
can be mailed or archived and opened offline. Every piece of document text is HTML-escaped. It shows:

- per category (pack id for records without categories) and per rule: spans, characters, documents,
  and the distinct removed lines with their counts and up to three sample documents, each a link to
  the line in that document's view;
- per document (those with removals): the text with each removed line marked by its rule;
- two filters, by rule and by category: choosing one hides every other rule's sections and lines and
  the documents it did not touch.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from cleaner.engine.decide import LAYOUT_PACK
from cleaner.lines import split_lines
from cleaner.review.aggregate import GroupSummary, RuleSummary, by_group, category_of, summarize
from cleaner.review.collect import ReviewedDocument
from cleaner.words import plural

LINES_PER_RULE = 200  # distinct lines listed per rule; the rest are counted

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.6em 1.2em;z-index:1}
h1{font-size:1.25em;margin:0 0 .3em}main{padding:0 1.2em 3em}
h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin:.2em 0;font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.4em 0}td,th{border-bottom:1px solid #eee;padding:2px 6px;
text-align:left;vertical-align:top}td.num,th.num{text-align:right;white-space:nowrap}
code,.doc-text{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
.rule,.doc{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:.5em .9em;margin:.8em 0}
.meta{color:#666}.tag{display:inline-block;min-width:14em;color:#8a5a00;user-select:none}
.line{white-space:pre-wrap;min-height:1.2em;padding-left:.3em;scroll-margin-top:8em}
.line .no{display:inline-block;width:3.5em;color:#999;user-select:none}
.removed{background:#ffecec;text-decoration:line-through;text-decoration-color:#d99}
.removed .tag,.removed .no{text-decoration:none}
.line:target,.sample:focus{outline:2px solid #0a66c2}[hidden]{display:none!important}
.error{color:#b00020}label{margin-right:1.2em}
"""

# Filtering toggles the `hidden` attribute; elements say what they belong to with data-rule and
# data-category (a document view holds lines of several rules, so it is matched through them).
_JS = """
(function(){
  var ruleSel=document.getElementById('filter-rule'),catSel=document.getElementById('filter-category');
  function apply(){
    var rule=ruleSel.value,cat=catSel.value;
    function match(el){return (!rule||el.dataset.rule===rule)&&(!cat||el.dataset.category===cat);}
    document.querySelectorAll('[data-rule]').forEach(function(el){el.hidden=!match(el);});
    document.querySelectorAll('.group').forEach(function(el){el.hidden=!!cat&&el.dataset.group!==cat;});
    document.querySelectorAll('.doc').forEach(function(doc){
      var lines=doc.querySelectorAll('.removed');
      doc.hidden=!!(rule||cat)&&!Array.prototype.some.call(lines,match);
    });
  }
  ruleSel.addEventListener('change',apply);catSel.addEventListener('change',apply);apply();
})();
"""


def render_report(title: str, documents: Sequence[ReviewedDocument]) -> str:
    """The whole page for `documents` (in corpus order), titled after the cleaned folder."""
    summaries = summarize((n, d.removals) for n, d in enumerate(documents) if d.error is None)
    groups = by_group(summaries)
    touched = [n for n, d in enumerate(documents) if d.error is None and _rule_removals(d)]
    failed = [d for d in documents if d.error is not None]
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>cleaner report: {escape(title)}</title><style>{_CSS}</style></head><body>",
        _header(title, documents, summaries, groups, len(touched)),
        "<main>",
        _groups_section(groups),
        _rules_section(summaries.values(), documents),
        _documents_section(documents, touched),
        _failed_section(failed),
        f"</main><script>{_JS}</script></body></html>\n",
    ]
    return "".join(parts)


def _rule_removals(document: ReviewedDocument) -> list[dict]:
    return [r for r in document.removals if r.get("pack_id") != LAYOUT_PACK]


def _header(title: str, documents: Sequence[ReviewedDocument], summaries: dict[str, RuleSummary],
            groups: list[GroupSummary], touched: int) -> str:
    chars = sum(r.chars for r in summaries.values())
    rule_options = "".join(f'<option value="{escape(r.rule_id)}">{escape(r.rule_id)}</option>'
                           for r in sorted(summaries.values(), key=lambda r: r.rule_id))
    group_options = "".join(f'<option value="{escape(g.name)}">{escape(_group_label(g))}</option>'
                            for g in sorted(groups, key=lambda g: g.name))
    return (
        f"<header><h1>Removals in {escape(title)}</h1><p class=\"meta\">{plural(len(documents), 'document')}, "
        f"{touched:,} with removals; {plural(len(summaries), 'rule')} removed {plural(chars, 'character')}."
        "</p><form id=\"filters\" onsubmit=\"return false\">"
        f"<label>Rule <select id=\"filter-rule\"><option value=\"\">all rules</option>{rule_options}</select></label>"
        f"<label>Category <select id=\"filter-category\"><option value=\"\">all categories</option>"
        f"{group_options}</select></label></form></header>"
    )


def _group_label(group: GroupSummary) -> str:
    if group.rules and group.rules[0].category is None:
        return f"{group.name} (pack)"
    return group.name


def _groups_section(groups: list[GroupSummary]) -> str:
    rows = "".join(
        f'<tr class="group" data-group="{escape(g.name)}"><td>{escape(_group_label(g))}</td>'
        f'<td>{", ".join(_rule_link(r) for r in g.rules)}</td><td class="num">{g.spans:,}</td>'
        f'<td class="num">{g.chars:,}</td><td class="num">{g.documents:,}</td></tr>'
        for g in groups
    )
    return (
        '<section id="categories"><h2>By category</h2><table><thead><tr><th>category</th><th>rules</th>'
        f'<th class="num">spans</th><th class="num">characters</th><th class="num">documents</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _rule_link(rule: RuleSummary) -> str:
    return f'<a href="#rule-{escape(rule.rule_id)}">{escape(rule.rule_id)}</a>'


def _rules_section(rules, documents: Sequence[ReviewedDocument]) -> str:
    return '<section id="rules"><h2>By rule</h2>' + "".join(_rule(r, documents) for r in rules) + "</section>"


def _rule(rule: RuleSummary, documents: Sequence[ReviewedDocument]) -> str:
    data = f'data-rule="{escape(rule.rule_id)}" data-category="{escape(rule.group)}"'
    rows = []
    for line in rule.top_lines(LINES_PER_RULE):
        samples = " ".join(
            f'<a class="sample" href="#doc-{s.document}-L{s.line}">{escape(documents[s.document].name)}:{s.line}</a>'
            for s in line.samples
        )
        rows.append(f'<tr class="removed-line" {data}><td class="num">{line.count:,}</td>'
                    f"<td><code>{escape(line.text)}</code></td><td>{samples}</td></tr>")
    more = len(rule.distinct) - len(rows)
    rest = f'<p class="meta">and {plural(more, "more distinct line")}</p>' if more > 0 else ""
    category = f", category {escape(rule.category)}" if rule.category else ""
    return (
        f'<article class="rule" id="rule-{escape(rule.rule_id)}" {data}><h3>{escape(rule.rule_id)}</h3>'
        f'<p class="meta">pack {escape(rule.pack_id)}{category}: {plural(rule.spans, "span")}, '
        f'{plural(rule.lines, "line")}, {plural(rule.chars, "character")} in '
        f'{plural(len(rule.documents), "document")}; {plural(len(rule.distinct), "distinct line")}</p>'
        '<table><thead><tr><th class="num">count</th><th>removed line</th><th>sample documents</th></tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>{rest}</article>'
    )


def _documents_section(documents: Sequence[ReviewedDocument], touched: list[int]) -> str:
    views = "".join(_document(n, documents[n]) for n in touched)
    untouched = len(documents) - len(touched) - sum(1 for d in documents if d.error is not None)
    note = f'<p class="meta">{plural(untouched, "document")} without rule removals not shown.</p>' if untouched else ""
    return f'<section id="documents"><h2>Documents</h2>{note}{views}</section>'


def _document(position: int, document: ReviewedDocument) -> str:
    owners: dict[int, dict] = {}
    for removal in document.removals:
        for number in range(int(removal["first_line"]), int(removal["last_line"]) + 1):
            owners[number] = removal
    out = []
    for line in split_lines(document.text):
        anchor = f'id="doc-{position}-L{line.number}"'
        number = f'<span class="no">{line.number}</span>'
        removal = owners.get(line.number)
        if removal is None:
            out.append(f'<div class="line" {anchor}>{number}<span class="tag"></span>{escape(line.text)}</div>')
            continue
        rule_id = str(removal["rule_id"])
        group = category_of(removal) or str(removal.get("pack_id", ""))
        out.append(f'<div class="line removed" {anchor} data-rule="{escape(rule_id)}" '
                   f'data-category="{escape(group)}">{number}<span class="tag">{escape(rule_id)}</span>'
                   f"{escape(line.text)}</div>")
    removed = _rule_removals(document)
    return (f'<article class="doc" id="doc-{position}"><h3>{escape(document.name)}</h3>'
            f'<p class="meta">{plural(len(removed), "removal")}, '
            f'{plural(sum(len(r.get("text", "")) for r in removed), "character")}</p>'
            f'<div class="doc-text">{"".join(out)}</div></article>')


def _failed_section(failed: Sequence[ReviewedDocument]) -> str:
    if not failed:
        return ""
    items = "".join(f'<li class="error">{escape(d.name)}: {escape(d.error or "")}</li>' for d in failed)
    return f'<section id="unreadable"><h2>Not shown</h2><ul>{items}</ul></section>'
