"""A meeting's minutes to fill in: the resolved meeting and its first minute number in, minutes.md's text out.

A `##` heading per agenda item, in agenda order (the minutes of the last
meeting that meetingpack adds to the agenda included), each with its minute
number as the build will give it, in a comment (the build numbers the
headings itself: typed numbers would be printed twice). Part B items carry
`{exempt=N}`, so that only their number and heading are published. The
attendance lists every member of the committee as present.
"""

from __future__ import annotations

from .. import model
from ..resolve import ResolvedMeeting
from .files import scalar
from .sections import comment


def _councillor(name: str, title: str = "Councillor") -> str:
    written = name.lower()
    if written.startswith(("councillor ", "cllr", title.lower() + " ")) or " councillor " in f" {written}":
        return name
    return f"{title} {name}"


def members_present(membership: model.Membership, title: str = "Councillor") -> list[str]:
    """Everyone on the committee, named as minutes name them: 'Councillor Ann Carter (Chair)' (`title` is
    the council's member title, site.yaml's `member_title`)."""
    present = [f"{membership.chair} (Chair)"]
    if membership.vice_chair:
        present.append(f"{membership.vice_chair} (Vice-Chair)")
    present += [_councillor(str(name), title) for name in membership.councillors]
    present += [f"{c.name} ({c.role or 'co-opted member'})" for c in membership.co_optees]
    present += [f"{i.name} ({i.organisation + ', ' if i.organisation else ''}invitee)" for i in membership.invitees]
    return present


def _list(names: list[str], indent: str) -> str:
    return "".join(f"\n{indent}- {scalar(name)}" for name in names) if names else " []"


def minutes_text(meeting: ResolvedMeeting, first_minute: int) -> str:
    committee = meeting.committee.committee
    officer = committee.governance_officer
    also = [", ".join(p for p in (officer.name, officer.title) if p)] if officer.name else []
    noun = committee.noun
    body = []
    for number, item in enumerate(meeting.items, start=first_minute):
        mark = f" {{exempt={item.exempt_paragraph}}}" if item.exempt and item.exempt_paragraph else ""
        where = "Exempt business: only this minute's number and heading are published. " if mark else ""
        guide = (f"Minute {number} (agenda item {item.number}). {where}Record what the {noun} heard and "
                 f"discussed; a decision starts 'RESOLVED that', with a numbered list for several parts.")
        body.append(f"## {item.title}{mark}\n\n{comment(guide)}")
    if not body:  # minutes need a minute item; a meeting with no agenda items still has a record
        body.append(f"## Business of the meeting\n\n{comment(f'Minute {first_minute}.')}")
    return f"""\
---
kind: minutes
# Everyone on the {noun} is listed as present: move those who sent apologies to
# 'apologies', and delete those who were absent without them.
attendance:
  present:{_list(members_present(committee.membership, meeting.site.member_title), "    ")}
  # Officers and guests, with their role.
  also_in_attendance:{_list(also, "    ")}
  apologies: []
  # substitutes:
  #   - name: Councillor ...
  #     replacing: Councillor ...
# Interests declared at the meeting, each on its agenda item number:
# declarations:
#   - member: Councillor ...
#     item: 3
#     interest: ...
---

""" + "\n".join(body)
