"""Exempt information: the seven descriptions of Part 1 of Schedule 12A to the
Local Government Act 1972, and the notice printed where exempt business is withheld."""

from __future__ import annotations

SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
       "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or "
       "negotiations, in connection with any labour relations matter arising between the authority or a "
       "Minister of the Crown and employees of, or office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in "
       "legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment a notice "
       "under or by virtue of which requirements are imposed on a person; or (b) to make an order or "
       "direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the prevention, "
       "investigation or prosecution of crime.",
}


def exempt_notice(paragraph: int | None) -> str:
    """The notice shown in place of an exempt item's papers."""
    if paragraph is None:
        return "Not for publication: exempt information under Schedule 12A to the Local Government Act 1972."
    return (f"Not for publication by virtue of paragraph {paragraph} of Part 1 of Schedule 12A to the "
            f"Local Government Act 1972: {SCHEDULE_12A[paragraph]}")
