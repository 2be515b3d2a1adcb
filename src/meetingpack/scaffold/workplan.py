"""Next year's work plan: a committee's work plan in, workplan.yaml's text for the municipal year after out.

Each meeting moves on a year to the same weekday (52 weeks, or 53 where 52
would fall before May), with its time and type; its topics start empty
("To be confirmed"), last year's listed in comments to choose from. Other
work and ideas for next year are carried over for the committee to prune.
"""

from __future__ import annotations

import datetime as dt

from .. import model
from ..resolve import municipal_year
from .files import one_line, scalar


def _year_on(date: dt.date, year: int) -> dt.date:
    day = date + dt.timedelta(weeks=52)
    while municipal_year(day) < year:
        day += dt.timedelta(weeks=1)
    return day


def _texts(field: str, texts: list[str], note: str) -> str:
    if not texts:
        return f"{field}: []\n"
    return f"# {note}\n{field}:\n" + "".join(f"  - {scalar(text)}\n" for text in texts)


def next_year_text(plan: model.WorkPlan) -> tuple[str, str]:
    """The new workplan.yaml and the municipal year it is for ('2026/27')."""
    start = int(plan.municipal_year[:4]) + 1
    old, year = plan.municipal_year, f"{start}/{(start + 1) % 100:02d}"
    title = plan.title.replace(old, year) if old in plan.title else f"{plan.title} {year}"
    meetings = []
    for planned in plan.meetings:
        lines = [f"  - date: {_year_on(planned.date, start).isoformat()}",
                 f"    time: \"{planned.time.strftime('%H:%M')}\"",
                 f"    type: {planned.type.value}"]
        lines += [f"    # {old}: {one_line(topic)}" for topic in planned.topics]
        lines.append("    topics: []")
        meetings.append("\n".join(lines) + "\n")
    return (f"""\
# The work plan for {year}, carried over from {old} by pack new year: the meetings are a year on,
# on the same weekday; choose each one's topics (last year's are in the comments under it).
title: {scalar(title)}
municipal_year: {year}
meetings:{"" if meetings else " []"}
{"".join(meetings)}{_texts("other_work", plan.other_work, f"Carried over from {old}: remove what is finished.")}\
{_texts("ideas", plan.ideas, f"Ideas from {old}: move those chosen to a meeting's topics.")}""", year)
