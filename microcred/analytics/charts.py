"""Server-rendered SVG bar charts (no JavaScript, fine under the strict CSP; docs/decisions/0025). A chart is a dict
the template ``analytics/_chart.html`` draws, always next to the table of the same numbers."""
from __future__ import annotations

BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 0, 100


def bars(key: str, title: str, rows: list[dict], value: str, label: str = "label") -> dict:
    """A horizontal bar per row; suppressed values (None) draw no bar and are said to be hidden."""
    values = [r.get(value) for r in rows]
    top = max([v for v in values if v is not None] or [0]) or 1
    out = []
    for i, r in enumerate(rows):
        v = r.get(value)
        out.append({"label": r.get(label, ""), "value": v, "y": i * (BAR_HEIGHT + GAP), "ty": i * (BAR_HEIGHT + GAP) + 15,
                    "width": 0 if v is None else round(100 * v / top, 1)})
    return {"key": key, "title": title, "rows": out, "height": max(1, len(rows)) * (BAR_HEIGHT + GAP),
            "bar_height": BAR_HEIGHT}
