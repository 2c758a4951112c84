"""Pictures of the edits, drawn at build time as inline SVG: no script, no external request.

Colours come from the stylesheet (classes, not inline styles), so the charts follow the
light and dark themes. Each chart has a title and a description for screen readers, and a
visible caption that says the same in words.

The charts have no viewBox: they are as wide as the page and a fixed number of pixels high,
with positions along time given in percent. Scaled to a phone instead, their labels would
shrink to a third of their size (5 px at 390 px wide).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from markupsafe import Markup, escape

from sitegen import urls
from sitegen.render.helpers import plural
from sitegen.render.timefmt import MONTHS

MAX_BARS = 120  # so that the picture (and the page) does not grow with the archive


def _day_text(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _bucket(span_days: int) -> tuple[str, Callable[[date], date]]:
    if span_days <= MAX_BARS:
        return "day", lambda d: d
    if span_days <= MAX_BARS * 7:
        return "week", lambda d: d - timedelta(days=d.weekday())
    return "month", lambda d: d.replace(day=1)


def _next(kind: str, start: date) -> date:
    if kind == "day":
        return start + timedelta(days=1)
    if kind == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def activity_svg(activity: dict[date, tuple[int, int]], scope_url: str,
                 link: Callable[[str], str], chart_id: str = "activity") -> Markup:
    """Stored versions per day (or week, or month, for long spans), split into changes and
    first sightings; each bar links to the first day it covers that has a page."""
    if not activity:
        return Markup("")
    first_day, last_day = min(activity), max(activity)
    kind, start_of = _bucket((last_day - first_day).days + 1)
    buckets: dict[date, list[int]] = {}
    first_with_events: dict[date, date] = {}
    cursor = start_of(first_day)
    while cursor <= last_day:
        buckets[cursor] = [0, 0]
        cursor = _next(kind, cursor)
    for day, (firsts, changes) in activity.items():
        key = start_of(day)
        buckets[key][0] += firsts
        buckets[key][1] += changes
        first_with_events.setdefault(key, day)
    peak = max(sum(v) for v in buckets.values()) or 1
    height, top, bottom = 150, 18, 24
    plot = height - top - bottom
    slot = 100 / len(buckets)  # percent of the width
    bar = slot * 0.8
    total_changes = sum(c for _, c in activity.values())
    total_first = sum(f for f, _ in activity.values())
    busiest = max(activity, key=lambda d: (sum(activity[d]), -d.toordinal()))
    summary = (f"{plural(total_changes, 'change')} and {plural(total_first, 'first sighting')}"
               f" between {_day_text(first_day)} and {_day_text(last_day)}, one bar per {kind};"
               f" the busiest day was {_day_text(busiest)} with "
               f"{plural(sum(activity[busiest]), 'stored version')}.")
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" '
                    'width="100%" height="{}" aria-labelledby="{}-title {}-desc">'
                    ).format(height, chart_id, chart_id),
             Markup('<title id="{}-title">Stored versions per {}</title>').format(chart_id, kind),
             Markup('<desc id="{}-desc">{}</desc>').format(chart_id, summary),
             Markup('<line class="chart-axis" x1="0" y1="{0}" x2="100%" y2="{0}"/>').format(
                 height - bottom)]
    for i, (key, (firsts, changes)) in enumerate(buckets.items()):
        if firsts + changes == 0:
            continue
        x = i * slot + (slot - bar) / 2
        h_changes = plot * changes / peak
        h_firsts = plot * firsts / peak
        y_changes = height - bottom - h_changes
        label = (f"{_day_text(key)}{'' if kind == 'day' else f' ({kind})'}: "
                 f"{plural(changes, 'change')}, {firsts:,} first seen")
        href = link(urls.day(scope_url, first_with_events[key]))
        parts.append(Markup('<a href="{}"><title>{}</title>').format(href, label))
        if changes:
            parts.append(Markup('<rect class="chart-changes" x="{:.2f}%" y="{:.1f}" '
                                'width="{:.2f}%" height="{:.1f}"/>').format(x, y_changes, bar,
                                                                           h_changes))
        if firsts:
            parts.append(Markup('<rect class="chart-first" x="{:.2f}%" y="{:.1f}" '
                                'width="{:.2f}%" height="{:.1f}"/>').format(
                                    x, y_changes - h_firsts, bar, h_firsts))
        parts.append(Markup("</a>"))
    parts.append(Markup('<text class="chart-label" x="0" y="{}">{}</text>').format(
        height - 5, _day_text(first_day)))
    parts.append(Markup('<text class="chart-label" x="100%" y="{}" text-anchor="end">{}</text>')
                 .format(height - 5, _day_text(last_day)))
    parts.append(Markup('<text class="chart-label" x="0" y="12">{} a {} at most</text>').format(
        f"{peak:,}", kind))
    parts.append(Markup("</svg>"))
    caption = Markup('<figcaption class="chart-caption">{}</figcaption>').format(summary)
    return Markup('<figure class="chart-figure">') + escape("").join(parts) + caption + \
        Markup("</figure>")


def timeline_svg(versions: list, source: str, article: str,  # type: ignore[type-arg]
                 link: Callable[[str], str], zone: object) -> Markup:
    """An article's edits along time: one mark per version, its area by the words the change
    touched, cosmetic edits on a row of their own; each mark links to its diff (version 0
    to the version page)."""
    if len(versions) < 2:
        return Markup("")
    height = 96
    start = versions[0].fetched.timestamp()
    span = max(1.0, versions[-1].fetched.timestamp() - start)
    biggest = max((v.words_changed for v in versions), default=1) or 1
    rows = {"change": 40, "cosmetic": 76}
    # Plain strings, not Markup.format (one of these per article page, and format is slow):
    # every text is escaped with markupsafe's escape; the rest are numbers and fixed words.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" '
             f'width="100%" height="{height}" aria-labelledby="timeline-title '
             f'timeline-desc">']
    counts = {k: sum(1 for v in versions[1:] if v.significance == k)
              for k in ("major", "minor", "cosmetic", "none")}
    words = sum(v.words_changed for v in versions)
    desc = escape(
        f"{plural(len(versions) - 1, 'change')} between "
        f"{_day_text(versions[0].fetched.date())} and "
        f"{_day_text(versions[-1].fetched.date())}: {counts['major']} major, "
        f"{counts['minor']} minor, {counts['cosmetic']} cosmetic; {plural(words, 'word')} added "
        "or removed in all.")
    parts.append('<title id="timeline-title">Edit timeline</title>')
    parts.append(f'<desc id="timeline-desc">{desc}</desc>')
    for name, y in rows.items():
        parts.append(f'<line class="chart-axis timeline-{name}" x1="0" y1="{y}" '
                     f'x2="100%" y2="{y}"/>')
    parts.append('<text class="chart-label" x="0" y="12">changes</text>')
    parts.append(f'<text class="chart-label" x="0" y="{rows["cosmetic"] - 9}">cosmetic</text>')
    for v in versions:
        x = 100 * (v.fetched.timestamp() - start) / span  # percent of the width
        if v.number == 0:
            href, kind, y, r = link(urls.version(source, article, 0)), "first", rows["change"], 4
            label = f"Version 0, first seen {_day_text(v.fetched.date())}"
        else:
            cosmetic = v.significance in ("cosmetic", "none")
            kind = v.significance or "none"
            y = rows["cosmetic"] if cosmetic else rows["change"]
            r = 4 if cosmetic else 4 + 14 * (v.words_changed / biggest) ** 0.5
            href = link(urls.change(source, article, v.number))
            label = (f"Version {v.number}, {_day_text(v.fetched.date())}: {kind} change, "
                     f"{plural(v.words_added, 'word')} added, {v.words_removed:,} removed")
        parts.append(f'<a href="{escape(href)}"><title>{escape(label)}</title><circle '
                     f'class="mark mark-{escape(kind)}" cx="{x:.2f}%" cy="{y}" r="{r:.1f}"/></a>')
    parts.append("</svg>")
    return Markup(f'<figure class="chart-figure">{"".join(parts)}'
                  f'<figcaption class="chart-caption">{desc}</figcaption></figure>')
