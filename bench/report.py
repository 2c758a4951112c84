"""A benchmark result as Markdown, for docs/performance.md.

    python -m bench.report [bench/out/latest.json] [--rescore]

``--rescore`` derives the curve and the targets again from the measured figures, with the
current rules of ``bench.run`` (nothing is measured again).

Figures are printed as measured, to two decimals (memory to one), never rounded up by hand:
pasting this output is how the document is kept honest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _f(value: float | None, fmt: str = ".2f") -> str:
    return "–" if value is None else format(value, fmt)


def machine(report: dict[str, Any]) -> list[str]:
    m = report["machine"]
    return [
        f"Measured {report['started'][:10]} (run started {report['started']}, finished "
        f"{report.get('finished', '?')}) on: {m.get('cpu')}, {m['cores']} cores "
        f"({m['cores_usable']} usable), {m.get('ram_gib')} GiB RAM, {m['platform']}, "
        f"Python {m['python']}; sitegen {m['sitegen_version']}, code of commit "
        f"`{(m.get('sitegen_code_commit') or m['sitegen_commit'] or '?')[:12]}`"
        + (" (with uncommitted changes)" if m.get("sitegen_dirty") else "")
        + f"; Pagefind {m.get('pagefind_version')}; Hugo {m.get('hugo_version')}. "
        f"Command: `python -m bench.run {' '.join(_args(report['args']))}`.",
    ]


def _args(args: dict[str, str]) -> list[str]:
    out = [f"--sizes {args['sizes']}", f"--versions {args['versions']}"]
    if args.get("rfcs") == "True":
        out.append("--rfcs")
    if args.get("skip_hugo") == "True":
        out.append("--skip-hugo")
    if args.get("repeat", "1") != "1":
        out.append(f"--repeat {args['repeat']}")
    return out


def dataset(data: dict[str, Any]) -> list[str]:
    lines = [f"### {data['name']}: {data['articles']:,} articles, {data['versions']:,} versions",
             "", f"Prepared in {data['prepared_s']:.2f} s ({data['prepared']}).", "",
             "| build | wall s | CPU s | system s | other CPU s | pages | pages/s | "
             "sitegen peak MiB | with workers MiB | tree peak MiB | concurrent peak MiB | "
             "indexer s | indexer peak MiB | index bytes (files) | largest page B | cache hits |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for s in data["steps"]:
        if not s["ok"]:
            lines.append(f"| {s['name']} | {_f(s['wall_s'])} | | | | | | | | | | | | | | "
                         f"FAILED: {s['note']} |")
            continue
        index = (f"{s['index_bytes']:,} ({s['index_files']:,})" if s["index_bytes"]
                 else "–")
        lines.append(
            f"| {s['name']} | {_f(s['wall_s'])} | {_f(s['cpu_s'])} | {_f(s.get('sys_s'))} | "
            f"{_f(s['others_cpu_s'])} | "
            f"{s['pages']:,} | {_f(s['pages_per_s'], '.1f')} | "
            f"{_f(s['sitegen_peak_mib'], '.1f')} | {_f(s.get('sitegen_all_peak_mib'), '.1f')} | "
            f"{_f(s['tree_peak_mib'], '.1f')} | "
            f"{_f(s['concurrent_peak_mib'], '.1f')} | {_f(s['indexer_s'])} | "
            f"{_f(s['indexer_peak_mib'], '.1f')} | {index} | "
            f"{s['largest_html_bytes']:,} | {s['cache']} |")
    h = data.get("hugo") or {}
    if h.get("pages"):
        lines.append(
            f"| Hugo, same {h['pages']:,} version pages | {_f(h['wall_s'])} | {_f(h['cpu_s'])} "
            f"| {_f(h.get('sys_s'))} | {_f(h['others_cpu_s'])} | {h['pages']:,} | "
            f"{_f(h['pages'] / h['wall_s'], '.1f')}"
            f" | – | – | {_f(h['peak_mib'], '.1f')} | – | – | – | – | – | – |")
    lines.append("")
    for s in data["steps"]:
        if len(s.get("walls_s") or []) > 1:
            lines.append(f"- {s['name']}: fastest of {', '.join(_f(w) for w in s['walls_s'])} s;"
                         f" sitegen's own summary line said {_f(s['sitegen_reported_s'])} s.")
    if h.get("pages"):
        walls = ", ".join(_f(w) for w in h.get("walls_s", [h["wall_s"]]))
        lines.append(f"- Hugo: {walls} s; ratio **{_f(h.get('ratio'))}×** "
                     f"({_f(1000 * h['wall_s'] / h['pages'], '.3f')} ms a page).")
    elif h.get("skipped"):
        lines.append(f"- Hugo: {h['skipped']}")
    for s in data["steps"]:
        if s["name"] in ("one version added", "template change") and s["note"]:
            lines.append(f"- {s['name']}: {s['note']}.")
        if s.get("removed_after_s") is not None:
            lines.append(f"- {s['name']}: the previous site was removed by a detached process "
                         f"{_f(s['removed_after_s'])} s after the build returned (waited for "
                         "before the next build).")
    if data.get("settled_s"):
        lines.append(f"- waited {_f(data['settled_s'])} s before the first build, for the file "
                     "system to settle after a deletion.")
    largest = next((s["largest_html"] for s in data["steps"] if s.get("largest_html")), None)
    if largest:
        lines.append(f"- largest page: `{largest}`.")
    return [*lines, ""]


def targets(report: dict[str, Any]) -> list[str]:
    lines = ["| target | at | measured | met |", "|---|---|---|---|"]
    lines += [f"| {t['target']} | {t['at']} | {t['measured']} | {t['met']} |"
              for t in report.get("targets", [])]
    return [*lines, ""]


def curve(report: dict[str, Any]) -> list[str]:
    points = report.get("curve", {}).get("points", [])
    if not points:
        return []
    lines = ["| articles | build | wall s | CPU s | system s | other CPU s | "
             "wall s per 1,000 articles | "
             "CPU s per 1,000 articles | sitegen peak MiB | indexer peak MiB |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {p['articles']:,} | {p['build']} | {_f(p['wall_s'])} | {_f(p.get('cpu_s'))} | "
              f"{_f(p.get('sys_s'))} | {_f(p.get('others_cpu_s'))} | "
              f"{_f(1000 * p['wall_s'] / p['articles'])} | "
              f"{_f(1000 * p['cpu_s'] / p['articles'] if p.get('cpu_s') else None)} | "
              f"{_f(p['sitegen_peak_mib'], '.1f')} | {_f(p['indexer_peak_mib'], '.1f')} |"
              for p in points]
    lines.append("")
    for key, value in report["curve"].get("linear", {}).items():
        per = ", ".join(_f(m) for m in value["per_1000_articles_between_sizes"])
        lines.append(f"- {key}: per 1,000 more articles {per} (least-squares slope "
                     f"{_f(value['fit_slope_per_1000'])}, intercept "
                     f"{_f(value['fit_intercept'])}); linear: "
                     f"{'yes' if value['linear'] else 'no' if value['linear'] is False else '–'}")
    return [*lines, ""]


def markdown(report: dict[str, Any]) -> str:
    parts = [*machine(report), ""]
    for data in report["datasets"]:
        if data["steps"]:
            parts += dataset(data)
    parts += ["### Targets", "", *targets(report), "### Curve", "", *curve(report)]
    return "\n".join(parts)


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--rescore"]
    path = Path(args[0] if args else "bench/out/latest.json")
    report = json.loads(path.read_text(encoding="utf-8"))
    if "--rescore" in sys.argv:
        from bench.run import rescore

        report = rescore(report)
    print(markdown(report))


if __name__ == "__main__":
    main()
