"""Report folders of the command line: PNG figures, a CSV table, report.html.

:func:`write_report` saves every figure as a PNG file, the raw numbers as
``results.csv`` and a self-contained ``report.html`` with the text, the table
and the figures (as base64 data URIs, so the page can be moved or mailed
alone).  Figures are drawn without pyplot (no global state, no display);
without matplotlib the report has none.  Nothing here prints.
"""

import base64
import csv
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HTML_NAME = "report.html"
CSV_NAME = "results.csv"
FIGURE_DPI = 100
NO_MATPLOTLIB = (
    "matplotlib is not installed, so the report has no figures: install it "
    "with  python -m pip install matplotlib  (in skreg's checkout: "
    'python -m pip install -e ".[plot]") and run again'
)

_STYLE = """
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; }
th { text-align: left; background: #f3f3f3; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 2em 0; }
figure img { max-width: 100%; }
figcaption { color: #555; }
"""


@dataclass(frozen=True)
class Table:
    """A table of text cells, shown in the terminal and in the HTML page.

    ``columns`` holds (title, right-aligned) pairs, ``rows`` tuples of cells.
    """

    columns: tuple
    rows: tuple

    def to_text(self):
        """Return the table as aligned text: titles, a rule, then the rows."""
        widths = [
            max([len(title), *(len(row[j]) for row in self.rows)])
            for j, (title, _) in enumerate(self.columns)
        ]
        titles = self._line([title for title, _ in self.columns], widths)
        lines = [titles, "-" * len(titles)]
        lines += [self._line(row, widths) for row in self.rows]
        return "\n".join(lines)

    def _line(self, cells, widths):
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_, right) in zip(cells, widths, self.columns, strict=True)
        ).rstrip()

    def to_html(self):
        """Return the table as an HTML ``<table>`` element."""
        classes = [' class="num"' if right else "" for _, right in self.columns]

        def cells(tag, texts):
            return "".join(
                f"<{tag}{c}>{html.escape(text)}</{tag}>"
                for c, text in zip(classes, texts, strict=True)
            )

        head = cells("th", [title for title, _ in self.columns])
        body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in self.rows)
        return (
            f"<table>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>"
        )


@dataclass(frozen=True)
class FigureSpec:
    """One figure of a report: ``draw(figure, study)`` on an empty Figure.

    Saved as ``filename`` (e.g. ``"score_vs_alpha.png"``) under ``caption``;
    ``size`` is in inches.
    """

    filename: str
    caption: str
    draw: Callable
    study: object
    size: tuple = (7.0, 4.5)


@dataclass(frozen=True)
class Report:
    """The contents of a report folder.

    The page shows ``title``; the lines of ``settings`` (what was run, which
    the command line prints before the table), of ``conclusions`` (what was
    found, printed after it) and the ``run_time``; ``table`` (the one printed)
    and ``figures`` (FigureSpecs, in order).  ``results.csv`` holds the raw
    numbers of ``csv_records``, one dict (column name: value) per row.
    """

    title: str
    settings: list
    conclusions: list
    table: Table
    csv_records: list
    figures: list
    run_time: str


@dataclass(frozen=True)
class WrittenReport:
    """The files :func:`write_report` wrote (no figures without matplotlib)."""

    html: Path
    csv: Path
    figures: list
    has_matplotlib: bool


def finish_axes(ax, **properties):
    """Set ``properties`` (labels, scales, limits), a light grid and the legend."""
    ax.set(**properties)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def _render_pngs(figures):
    """Return the PNG bytes of each FigureSpec by file name; None without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:  # the report goes without figures
        return None
    pngs = {}
    for spec in figures:
        figure = Figure(figsize=spec.size)  # no layout engine: it doubles the time
        spec.draw(figure, spec.study)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
        pngs[spec.filename] = buffer.getvalue()
    return pngs


def _figure_html(spec, png):
    data = base64.b64encode(png).decode("ascii")
    name = html.escape(spec.filename)
    return (
        f'<figure id="{name}">\n'
        f'<img alt="{name}" src="data:image/png;base64,{data}">\n'
        f'<figcaption><a href="{name}">{name}</a>: {html.escape(spec.caption)}'
        "</figcaption>\n</figure>"
    )


def render_html(report, pngs):
    """Return the self-contained page of ``report``.

    ``pngs`` holds the PNG bytes of each figure, by file name, or is None
    when matplotlib is missing (the page says so instead).
    """
    title = html.escape(report.title)
    lines = [*report.settings, *report.conclusions, f"run time: {report.run_time}"]
    summary = "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)
    if pngs is None:
        figures = [f"<p><em>{html.escape(NO_MATPLOTLIB)}</em></p>"]
    else:
        figures = [_figure_html(spec, pngs[spec.filename]) for spec in report.figures]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{title}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        f"<h1>{title}</h1>", summary, "<h2>Results</h2>", report.table.to_html(),
        f'<p>Raw numbers: <a href="{CSV_NAME}">{CSV_NAME}</a></p>',
        "<h2>Figures</h2>", *figures, "</body>", "</html>", "",
    ])  # fmt: skip


def write_report(report, out_dir):
    """Write ``report`` to the PNG figures, ``results.csv`` and ``report.html``.

    ``out_dir`` is created if needed and files of the same names are replaced;
    returns the :class:`WrittenReport`, raises OSError when writing fails.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = _render_pngs(report.figures)
    for filename, png in (pngs or {}).items():
        (out_dir / filename).write_bytes(png)
    with open(out_dir / CSV_NAME, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=list(report.csv_records[0]))
        writer.writeheader()
        writer.writerows(report.csv_records)
    (out_dir / HTML_NAME).write_text(render_html(report, pngs), encoding="utf-8")
    figures = [out_dir / name for name in pngs or ()]
    html_path, csv_path = out_dir / HTML_NAME, out_dir / CSV_NAME
    return WrittenReport(html_path, csv_path, figures, pngs is not None)
