#!/usr/bin/env python3
"""bench-plot.py OUT_DIR — the preseed bench's phases as a chart: OUT_DIR/phases.svg and a text plot on stdout.

Reads OUT_DIR/preseed-N/spans.tsv (phase, start s, end s, from scripts/lib/bench-preseed.sh) for every N run.
One group of bars per server count, one bar per phase from its start to its end: phases that run beside each
other overlap, as they did. Standard library only.
"""
import glob
import os
import re
import sys

ORDER = ["front", "services bootstrap", "joins", "storage", "networks", "profile", "other", "total"]
COLOURS = {"front": "#c0504d", "services bootstrap": "#9bbb59", "joins": "#4f81bd", "storage": "#f79646",
           "networks": "#8064a2", "profile": "#4bacc6", "other": "#7f7f7f", "total": "#404040"}


def load(out):
    runs = {}
    for path in glob.glob(os.path.join(out, "preseed-*", "spans.tsv")):
        n = int(re.search(r"preseed-(\d+)", path).group(1))
        spans = {}
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3 and parts[1] and parts[2]:
                spans[parts[0]] = (float(parts[1]), float(parts[2]))
        runs[n] = [(p, spans[p]) for p in ORDER if p in spans]
    return dict(sorted(runs.items()))


def text_plot(runs, width=60):
    longest = max(end for spans in runs.values() for _, (_, end) in spans)
    scale = width / longest
    lines = []
    for n, spans in runs.items():
        lines.append(f"{n} servers")
        for phase, (start, end) in spans:
            a, b = round(start * scale), max(round(end * scale), round(start * scale) + 1)
            lines.append(f"  {phase:<19} |{' ' * a}{'#' * (b - a)}{' ' * (width - b)}| {start:5.2f} - {end:5.2f} s")
    lines.append(f"  {'':<19}  0 s{' ' * (width - 8)}{longest:5.1f} s")
    return "\n".join(lines)


def svg_plot(runs):
    longest = max(end for spans in runs.values() for _, (_, end) in spans)
    left, right, row, gap, top = 150, 30, 16, 14, 30
    width = 760
    scale = (width - left - right) / longest
    rows = sum(len(s) for s in runs.values())
    height = top + rows * row + len(runs) * (gap + 16) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="18" font-size="13">Preseed wall time per phase (s), lab servers on one 2-core machine</text>']
    y = top
    for n, spans in runs.items():
        out.append(f'<text x="8" y="{y + 12}" font-weight="bold">{n} servers</text>')
        y += 16
        for phase, (start, end) in spans:
            x, w = left + start * scale, max((end - start) * scale, 1.5)
            out.append(f'<text x="{left - 6}" y="{y + 11}" text-anchor="end">{phase}</text>')
            out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row - 4}" fill="{COLOURS.get(phase, "#999")}"/>')
            out.append(f'<text x="{x + w + 4:.1f}" y="{y + 11}" fill="#333">{end - start:.2f}</text>')
            y += row
        y += gap
    step = 1 if longest <= 12 else 2 if longest <= 25 else 5
    t = 0
    while t <= longest:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle">{t}</text>')
        t += step
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    out = sys.argv[1]
    runs = load(out)
    if not runs:
        sys.exit("bench-plot: no preseed-N/spans.tsv under " + out)
    with open(os.path.join(out, "phases.svg"), "w") as f:
        f.write(svg_plot(runs))
    print(text_plot(runs))


if __name__ == "__main__":
    main()
