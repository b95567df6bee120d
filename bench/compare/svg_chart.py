"""The comparison chart as a self-contained SVG (no libraries): throughput bars per workload (each
pair scaled to its larger value, numbers printed) and one latency-distribution panel per workload
(percentiles 10..99.9 on x, latency on a log y axis)."""

import math
from xml.sax.saxutils import escape

PCTS = ["10", "25", "50", "75", "90", "95", "99", "99.9"]
COLORS = {0: "#4e79a7", 1: "#e15759"}


def _ok(r):
    return r is not None and "error" not in r


def _num(v):
    if v >= 100000:
        return "%.0fk" % (v / 1000)
    if v >= 10000:
        return "%.1fk" % (v / 1000)
    return "%.0f" % v


def _ms(s):
    v = s * 1e3
    return "%.2g ms" % v if v < 10 else "%.0f ms" % v


def render(results, name_a, name_b):
    rows = [(w, a, b) for w, a, b in results if _ok(a) or _ok(b)]
    width = 960
    bar_h, gap = 14, 10
    top = 60
    bars_h = len(rows) * (2 * bar_h + gap) + 20
    cols = 3
    panel_w, panel_h = 300, 170
    lat_rows = math.ceil(len(rows) / cols) if rows else 0
    height = top + bars_h + 50 + lat_rows * (panel_h + 30) + 20
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
         'font-size="11">' % (width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="20" font-size="15" font-weight="bold">%s vs %s: throughput (requests/s) and latency '
         'distributions</text>' % (escape(name_b), escape(name_a))]
    for i, n in enumerate([name_a, name_b]):
        o.append('<rect x="%d" y="32" width="12" height="12" fill="%s"/><text x="%d" y="42">%s</text>' % (
            10 + i * 90, COLORS[i], 26 + i * 90, escape(n)))
    # Throughput bars.
    label_w, bar_max = 260, width - 260 - 120
    y = top
    for w, a, b in rows:
        vals = [r["rps"] if _ok(r) else 0 for r in (a, b)]
        m = max(vals) or 1
        o.append('<text x="10" y="%d">%s</text>' % (y + bar_h + 4, escape(w["name"])))
        for i, v in enumerate(vals):
            bw = max(1, bar_max * v / m)
            yy = y + i * bar_h
            o.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (label_w, yy, bw, bar_h - 2,
                                                                                   COLORS[i]))
            o.append('<text x="%.1f" y="%d">%s</text>' % (label_w + bw + 4, yy + bar_h - 4,
                                                          _num(v) if v else "not run"))
        y += 2 * bar_h + gap
    # Latency panels.
    y0 = top + bars_h + 30
    o.append('<text x="10" y="%d" font-size="13" font-weight="bold">Latency by percentile (log scale)</text>' %
             (y0 - 8))
    for k, (w, a, b) in enumerate(rows):
        px = 10 + (k % cols) * (panel_w + 15)
        py = y0 + (k // cols) * (panel_h + 30)
        pl, pr, pt, pb = px + 50, px + panel_w - 10, py + 18, py + panel_h - 22
        o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#ccc"/>' % (
            px, py, panel_w, panel_h))
        o.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (px + 5, py + 13, escape(w["name"][:44])))
        vals = [r["p"][p] for r in (a, b) if _ok(r) for p in PCTS if r["p"].get(p)]
        if not vals:
            continue
        lo, hi = math.log10(min(vals)), math.log10(max(vals))
        if hi - lo < 0.3:
            lo, hi = lo - 0.15, hi + 0.15

        def ymap(v):
            return pb - (math.log10(v) - lo) / (hi - lo) * (pb - pt)

        def xmap(i):
            return pl + i * (pr - pl) / (len(PCTS) - 1)

        for v in (10 ** lo, 10 ** ((lo + hi) / 2), 10 ** hi):
            o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>' % (pl, pr, ymap(v), ymap(v)))
            o.append('<text x="%d" y="%.1f" text-anchor="end" font-size="9">%s</text>' % (pl - 3, ymap(v) + 3,
                                                                                           _ms(v)))
        for i, p in enumerate(PCTS):
            o.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="9">p%s</text>' % (xmap(i), pb + 12, p))
        for s, r in enumerate((a, b)):
            if not _ok(r):
                continue
            pts = [(xmap(i), ymap(r["p"][p])) for i, p in enumerate(PCTS) if r["p"].get(p)]
            o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
                COLORS[s], " ".join("%.1f,%.1f" % q for q in pts)))
    o.append("</svg>")
    return "\n".join(o) + "\n"
