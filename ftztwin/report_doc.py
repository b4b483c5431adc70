"""A report as a list of blocks, rendered to markdown and to one self-contained HTML page.

Building the content once and rendering it twice keeps ``report.md`` and ``report.html``
saying the same thing; the HTML embeds its figures as data URIs, so the one file can be
mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Doc", "render_html", "render_markdown"]


@dataclass
class Doc:
    """An ordered list of blocks: headings, paragraphs, lists, tables, warnings, figures."""

    title: str
    blocks: list[tuple[str, object]]

    def h(self, text: str) -> None:
        """A section heading."""
        self.blocks.append(("h", text))

    def p(self, text: str) -> None:
        """A paragraph."""
        self.blocks.append(("p", text))

    def ul(self, items: Sequence[str]) -> None:
        """A bullet list."""
        self.blocks.append(("ul", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table."""
        self.blocks.append(("table", (list(header), [list(r) for r in rows])))

    def warn(self, text: str) -> None:
        """A warning a reader must not miss."""
        self.blocks.append(("warn", text))

    def figure(self, name: str, caption: str) -> None:
        """A figure stored as ``name`` (a PNG next to the report)."""
        self.blocks.append(("img", (name, caption)))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(doc: Doc) -> str:
    """The document as markdown; figures are links to the PNG files beside it."""
    out = [f"# {doc.title}", ""]
    for kind, body in doc.blocks:
        if kind == "h":
            out += [f"## {body}", ""]
        elif kind == "p":
            out += [str(body), ""]
        elif kind == "warn":
            out += [f"> **Warning:** {body}", ""]
        elif kind == "ul":
            out += [f"- {item}" for item in body] + [""]  # type: ignore[attr-defined]
        elif kind == "table":
            header, rows = body  # type: ignore[misc]
            out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
        elif kind == "img":
            name, caption = body  # type: ignore[misc]
            out += [f"![{caption}]({name})", ""]
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:0.5rem 0 1.2rem;font-size:0.9rem}
th,td{border:1px solid #ccc;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f0f3f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.warn{background:#fff4e5;border-left:4px solid #d95f0e;padding:0.5rem 0.8rem;margin:0.6rem 0}
figure{margin:1rem 0}figcaption{font-size:0.85rem;color:#555}img{max-width:100%}
"""


def _is_number(text: str) -> bool:
    head = text.split(" ")[0].replace(",", "").replace("–", "")
    return bool(head) and head.replace(".", "", 1).lstrip("-").isdigit()


def render_html(doc: Doc, figures: Mapping[str, bytes]) -> str:
    """The document as one HTML page with ``figures`` (name → PNG bytes) embedded."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(doc.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(doc.title)}</h1>",
    ]
    for kind, body in doc.blocks:
        if kind == "h":
            out.append(f"<h2>{e(str(body))}</h2>")
        elif kind == "p":
            out.append(f"<p>{e(str(body))}</p>")
        elif kind == "warn":
            out.append(f'<div class="warn"><strong>Warning:</strong> {e(str(body))}</div>')
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in body) + "</ul>")  # type: ignore[attr-defined]
        elif kind == "table":
            header, rows = body  # type: ignore[misc]
            head = "".join(f"<th>{e(h)}</th>" for h in header)
            cells = [
                "".join(f'<td class="num">{e(c)}</td>' if _is_number(c) else f"<td>{e(c)}</td>" for c in row)
                for row in rows
            ]  # fmt: skip
            out.append(
                f"<table><tr>{head}</tr>" + "".join(f"<tr>{c}</tr>" for c in cells) + "</table>"
            )
        elif kind == "img":
            name, caption = body  # type: ignore[misc]
            data = figures.get(name)
            if data is not None:
                uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
                out.append(f'<figure><img src="{uri}" alt="{e(caption)}"><figcaption>{e(caption)}</figcaption></figure>')  # fmt: skip
    out.append("</body></html>")
    return "\n".join(out) + "\n"
