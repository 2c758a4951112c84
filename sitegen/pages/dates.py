"""Date archives: a page per day of changes, and per month and year above it, for the whole
archive and for each source; "what changed on 7 March at the BBC?".

Days are days in the site's configured time zone. Only days with at least one stored
version get a page; "previous day" and "next day" lead to the nearest days that have one.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sitegen import urls
from sitegen.model import ArticleSummary, VersionSummary
from sitegen.pages import Page
from sitegen.pages.paginate import paginate


@dataclass(frozen=True)
class Event:
    """One stored version, as the date archive lists it."""

    article: ArticleSummary
    version: VersionSummary

    @property
    def fingerprint(self) -> str:
        """What stands for the event in the keys of pages (fingerprint.stable): its
        article's, and which version it is."""
        known = self.article.fingerprint
        return f"{known}/{self.version.number}" if known else ""

    @property
    def previous(self) -> VersionSummary | None:
        n = self.version.number
        return self.article.versions[n - 1] if n > 0 else None

    @property
    def headline_changed(self) -> bool:
        return self.previous is not None and self.previous.title != self.version.title


class LocalDays:
    """The local day of moments in one zone, by arithmetic on their timestamps: the zone's
    offset is looked up once per UTC day (converting each of 50,000 versions with
    ``astimezone`` was half the cost of planning the date archive), and exactly, with
    ``astimezone``, on the days its offset changes."""

    def __init__(self, zone: tzinfo):
        self.zone = zone
        self.offsets: dict[int, int | None] = {}  # UTC day number -> offset in seconds
        self.dates: dict[int, date] = {}  # local day number -> its date

    def _offset(self, utc_day: int) -> int | None:
        start = datetime.fromtimestamp(utc_day * 86400, self.zone).utcoffset()
        end = datetime.fromtimestamp(utc_day * 86400 + 86399, self.zone).utcoffset()
        if start is None or start != end:
            return None  # the offset changes during this day
        return int(start.total_seconds())

    def day(self, moment: datetime, timestamp: float) -> date:
        utc_day = int(timestamp // 86400)
        if utc_day not in self.offsets:
            self.offsets[utc_day] = self._offset(utc_day)
        offset = self.offsets[utc_day]
        if offset is None:
            return moment.astimezone(self.zone).date()
        number = int((timestamp + offset) // 86400)
        found = self.dates.get(number)
        if found is None:
            found = self.dates[number] = _EPOCH_DAY + timedelta(days=number)
        return found


_EPOCH_DAY = date(1970, 1, 1)


def by_day(articles: Iterable[ArticleSummary], zone: tzinfo) -> dict[date, list[Event]]:
    """Every version, by the local day it was fetched on; newest first within a day."""
    days: dict[date, list[tuple[float, str, int, ArticleSummary, VersionSummary]]]
    days = defaultdict(list)
    local = LocalDays(zone)
    for article in articles:
        key = article.key
        for version in article.versions:
            moment = version.fetched
            stamp = moment.timestamp()
            days[local.day(moment, stamp)].append((-stamp, key, version.number, article, version))
    # Plain tuples sort in C; key and number are unique together, so the summaries at the
    # end are never compared.
    return {day: [Event(a, v) for _, _, _, a, v in sorted(found)]
            for day, found in sorted(days.items())}


def _neighbours(keys: list) -> dict:  # type: ignore[type-arg]
    return {k: (keys[i - 1] if i else None, keys[i + 1] if i + 1 < len(keys) else None)
            for i, k in enumerate(keys)}


def calendar_weeks(year: int, month: int, counts: dict[date, int]
                   ) -> list[list[tuple[date | None, int]]]:
    """The month as weeks of seven (day, count) cells, Monday first; None outside it."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(d if d.month == month else None, counts.get(d, 0)) for d in week])
    return weeks


def date_pages(scope_url: str, scope_name: str | None, days: dict[date, list[Event]],
               page_size: int, extra: dict) -> list[Page]:  # type: ignore[type-arg]
    """The archive index, year, month and day pages of one scope."""
    if not days:
        return []
    context = {**extra, "scope_url": scope_url, "scope_name": scope_name}
    counts = {d: len(events) for d, events in days.items()}
    latest = {d: max(e.version.fetched for e in events) for d, events in days.items()}
    months: dict[tuple[int, int], list[date]] = defaultdict(list)
    for d in days:
        months[(d.year, d.month)].append(d)
    years: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for y, m in months:
        years[y].append((y, m))
    newest: datetime = max(latest.values())

    pages = [Page(urls.archive_index(scope_url), "archive_index.html",
                  {**context, "years": [(y, sum(counts[d] for ym in years[y] for d in months[ym]))
                                        for y in sorted(years, reverse=True)]}, newest)]
    year_links = _neighbours(sorted(years))
    for y in sorted(years):
        month_counts = [(m, sum(counts[d] for d in months[(y, m)])) for _, m in years[y]]
        pages.append(Page(urls.year(scope_url, y), "archive_year.html",
                          {**context, "year": y, "months": month_counts,
                           "previous": year_links[y][0], "next": year_links[y][1]},
                          max(latest[d] for ym in years[y] for d in months[ym])))
    month_links = _neighbours(sorted(months))
    for (y, m), month_days in sorted(months.items()):
        pages.append(Page(urls.month(scope_url, y, m), "archive_month.html",
                          {**context, "year": y, "month": m,
                           "weeks": calendar_weeks(y, m, counts),
                           "total": sum(counts[d] for d in month_days),
                           "previous": month_links[(y, m)][0], "next": month_links[(y, m)][1]},
                          max(latest[d] for d in month_days)))
    day_links = _neighbours(list(days))
    for d, events in days.items():
        for items, pagination in paginate(events, page_size, urls.day(scope_url, d)):
            pages.append(Page(pagination.url, "archive_day.html",
                              {**context, "day": d, "events": items, "pagination": pagination,
                               "previous": day_links[d][0], "next": day_links[d][1]},
                              latest[d]))
    return pages
