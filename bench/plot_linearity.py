#!/usr/bin/env python3
"""Plots bench/linearity.sh's results as SVG: CPU seconds against pupils, one line per rule count.

usage: plot_linearity.py RESULTS.tsv OUT.svg   (rows: pupils, factor, wall, cpu, peak MiB, flags, rules)
Plain SVG written by hand, so the benchmark needs nothing beyond python3.
"""
import sys
from collections import defaultdict

rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines() if line.strip()]
series = defaultdict(list)
rule_count = {}
for n, k, _wall, cpu, _mem, _flags, rules in rows:
    series[int(k)].append((int(n), float(cpu)))
    rule_count[int(k)] = int(rules)
width, height, left, bottom, top, right = 640, 400, 70, 50, 30, 150
max_n = max(n for s in series.values() for n, _ in s)
max_c = max(c for s in series.values() for _, c in s) * 1.1 or 1


def x(n):
    return left + (width - left - right) * n / max_n


def y(c):
    return height - bottom - (height - bottom - top) * c / max_c


colours = ["#1b6ca8", "#d1495b", "#66a182", "#edae49"]
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
       f'<rect width="{width}" height="{height}" fill="white"/>',
       f'<text x="{width / 2 - 60}" y="18" font-size="14">waymark run: CPU seconds</text>',
       f'<line x1="{left}" y1="{y(0)}" x2="{width - right}" y2="{y(0)}" stroke="black"/>',
       f'<line x1="{left}" y1="{y(0)}" x2="{left}" y2="{top}" stroke="black"/>',
       f'<text x="{(width - right) / 2}" y="{height - 12}">pupils</text>']
for i in range(0, 6):
    c = max_c * i / 5
    out.append(f'<text x="{left - 8}" y="{y(c) + 4}" text-anchor="end">{c:.1f}</text>')
    out.append(f'<line x1="{left}" y1="{y(c)}" x2="{width - right}" y2="{y(c)}" stroke="#ddd"/>')
for n in sorted({n for s in series.values() for n, _ in s}):
    out.append(f'<text x="{x(n)}" y="{y(0) + 16}" text-anchor="middle">{n // 1000}k</text>')
for i, (k, points) in enumerate(sorted(series.items())):
    colour = colours[i % len(colours)]
    points = sorted(points)
    path = " ".join(f"{x(n):.1f},{y(c):.1f}" for n, c in [(0, 0)] + points)
    out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for n, c in points:
        out.append(f'<circle cx="{x(n):.1f}" cy="{y(c):.1f}" r="3" fill="{colour}"/>')
    out.append(f'<text x="{width - right + 10}" y="{top + 20 + 18 * i}" fill="{colour}">{rule_count[k]} rules ({k}x England)</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
