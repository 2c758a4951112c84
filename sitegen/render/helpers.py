"""Template filters that need the site's settings (its time zone) or produce markup."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from sitegen import urls
from sitegen.config import Config
from sitegen.render import timefmt


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 version', '2,345 versions'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def filters(config: Config) -> dict[str, Any]:
    from sitegen.render import markdown  # with the templates, not with the CLI

    zone = config.tz
    formats = {"long": timefmt.long_time, "date": timefmt.long_date,
               "short": timefmt.short_time, "clock": timefmt.clock}

    @lru_cache(maxsize=4096)  # an article's few times appear on every one of its pages
    def time_tag(moment: datetime | date, style: str = "long") -> Markup:
        """``<time datetime=…>`` with the human form in the configured zone."""
        shown = formats[style](moment, zone)  # type: ignore[operator]
        return Markup(f'<time datetime="{escape(timefmt.iso(moment, zone))}">'
                      f"{escape(shown)}</time>")

    def time_text(moment: datetime | date, style: str = "long") -> str:
        """The human form of ``time_tag`` alone, for attributes and option labels."""
        formats = {"long": timefmt.long_time, "short": timefmt.short_time}
        return formats[style](moment, zone)  # type: ignore[operator]

    def later(moment: datetime, earlier: datetime | None) -> str:
        return timefmt.later(earlier, moment) if earlier else ""

    def day_url(moment: datetime, scope_url: str) -> str:
        """The date-archive page of the day ``moment`` falls on, in the site's zone."""
        return urls.day(scope_url, moment.astimezone(zone).date())

    def zone_name(moment: datetime) -> str:
        return timefmt.zone_name(moment, zone)

    def render_markdown(source: str, shift: int = 1) -> Markup:
        return Markup(markdown.render(source, shift))

    return {
        "time": time_tag,
        "time_text": time_text,
        "later": later,
        "day_url": day_url,
        "zone_name": zone_name,
        "markdown": render_markdown,
        "plural": plural,
        "e": escape,
    }
