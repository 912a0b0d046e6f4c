"""The dashboard's charts, drawn on the server as SVG by pygal.

pygal writes a ``<script>`` into every chart (its configuration, for tooltips) even with
``js=[]``: it is removed from the tree before the chart is written, so a chart holds no
script at all. The page shows a chart as ``<img src="data:image/svg+xml;base64,...">``: an
SVG image runs nothing and loads nothing, its own ``<style>`` stays inside it, and the
Content-Security-Policy already allows ``img-src data:`` (no change to ``script-src`` nor
``style-src``). Each chart has its table of numbers beside it on the page.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Sequence

# parses only pygal's own SVG output, never a file from outside
from xml.etree import ElementTree  # nosec B405

import pygal
from pygal.style import Style

# pygal installs an import hook for its plugins (``pygal.maps...``) that lacks ``find_spec``:
# every later failed import elsewhere then warns. The app uses no plugin: take it out.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]

SVG_NS = "http://www.w3.org/2000/svg"
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#000091", "#a0a0d8"),  # this period, the period before
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)
MAX_LABEL = 40  # characters of a category shown on the chart (the table has it whole)


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | float | None]]],
) -> str:
    """Horizontal bars, one group per label and one bar per series (this period, the one
    before): an SVG document without any script."""
    chart = pygal.HorizontalBar(
        style=STYLE,
        js=[],
        title=title,
        disable_xml_declaration=True,
        print_values=True,
        show_y_guides=False,
        legend_at_bottom=True,
        truncate_label=MAX_LABEL,
        width=800,
        height=max(240, 90 + 44 * len(labels) * max(len(series), 1)),
        no_data_text="Aucune donnée",
    )
    # Horizontal bars read from the bottom up: reversed, the first category is on top.
    chart.x_labels = list(reversed(labels))
    for name, values in series:
        chart.add(name, list(reversed(values)))
    return _without_scripts(chart.render_tree())


def data_uri(svg: str) -> str:
    """The chart as the ``src`` of an ``<img>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _without_scripts(tree: ElementTree.Element) -> str:
    for parent in list(tree.iter()):
        for child in list(parent):
            if _local_name(child.tag) == "script":
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="unicode")


def _local_name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]
