"""Times as readers see them: in the site's configured zone, never the machine's.

The words for intervals follow the phrasing change-tracking archives already use
("about 3 hours later"), after Rails' ``distance_of_time_in_words``.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def iso(moment: datetime | date, zone: tzinfo) -> str:
    """The machine-readable form for ``<time datetime>``, with the zone's offset."""
    if isinstance(moment, datetime):
        return local(moment, zone).isoformat(timespec="seconds")
    return moment.isoformat()


def long_date(moment: datetime | date, zone: tzinfo) -> str:
    if isinstance(moment, datetime):
        moment = local(moment, zone)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def long_time(moment: datetime | date, zone: tzinfo) -> str:
    """'7 March 2025, 10:12 GMT' (a bare date stays a date)."""
    if not isinstance(moment, datetime):
        return long_date(moment, zone)
    here = local(moment, zone)
    return f"{long_date(here, zone)}, {here:%H:%M} {here.tzname()}"


def short_time(moment: datetime, zone: tzinfo) -> str:
    """'7 Mar 2025 10:12' for dense tables; the zone is named in the table's heading."""
    here = local(moment, zone)
    return f"{here.day} {MONTHS[here.month - 1][:3]} {here.year} {here:%H:%M}"


def clock(moment: datetime, zone: tzinfo) -> str:
    """'14:05 GMT', for lists of one day."""
    here = local(moment, zone)
    return f"{here:%H:%M} {here.tzname()}"


def zone_name(moment: datetime, zone: tzinfo) -> str:
    return local(moment, zone).tzname() or "UTC"


def distance(seconds: float) -> str:
    """Rails-style words for a length of time: 'about 3 hours', '2 days', 'over 1 year'."""
    minutes = round(abs(seconds) / 60)
    if minutes == 0:
        return "less than a minute"
    if minutes == 1:
        return "1 minute"
    if minutes < 45:
        return f"{minutes} minutes"
    if minutes < 90:
        return "about 1 hour"
    if minutes < 1440:
        return f"about {round(minutes / 60)} hours"
    if minutes < 2520:
        return "1 day"
    if minutes < 43200:
        return f"{round(minutes / 1440)} days"
    if minutes < 86400:
        return f"about {round(minutes / 43200)} months" if minutes >= 64800 else "about 1 month"
    if minutes < 525600:
        return f"{round(minutes / 43200)} months"
    years, rest = divmod(minutes, 525600)
    if rest < 131400:
        return f"about {years} year{'s' if years > 1 else ''}"
    if rest < 394200:
        return f"over {years} year{'s' if years > 1 else ''}"
    return f"almost {years + 1} years"


def later(earlier: datetime, then: datetime) -> str:
    """'about 3 hours later', as the history table and side-by-side headings say it."""
    return distance((then - earlier).total_seconds()) + " later"
