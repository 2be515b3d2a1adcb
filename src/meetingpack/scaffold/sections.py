"""The standard sections of a cover report, in order, each with guidance for its author.

The order and names are those of the bundled example and docs/authoring.md
(section 5.10). Guidance is written as Markdown comments (`[//]: # "..."`,
a link definition that nothing uses), which print nowhere: meetingpack does
not act on HTML, so an `<!-- -->` comment would be printed in the pack.
"""

from __future__ import annotations

import re
import textwrap

SECTIONS: list[tuple[str, str]] = [
    ("Executive summary",
     ("In two or three short paragraphs: what the report is about, why it comes to the {noun} now and what "
     "the {noun} is asked to do. pack check warns if this section is missing.")),
    ("Exempt information",
     ("Write 'This report is not exempt.' If it is exempt, name the paragraph of Part 1 of Schedule 12A to "
     "the Local Government Act 1972 that applies, add exempt_paragraph to the front matter and move the "
     "item to part_b of the agenda in meeting.yaml. If only an appendix is exempt, give exempt_paragraph "
     "to that appendix instead and keep the item in part_a.")),
    ("Recommendations",
     ("Start with 'The {noun} is asked to:' and give each recommendation as a numbered list item (1. 2. 3.), "
     "each one something the {noun} can agree to. pack check warns if this section is missing.")),
    ("What this means for residents",
     "In plain words, the difference this makes to people who live or work in the area."),
    ("Background",
     ("What the reader needs to know: earlier decisions, the facts and the figures. Paragraphs are numbered "
     "for you: do not type the numbers. Use ### for sub-headings.")),
    ("Options considered",
     ("Each option, including doing nothing, with its advantages and disadvantages. A report for "
     "information says there are no options to consider.")),
    ("Reasons for the recommended option",
     "Why the recommended option is the best one."),
    ("Impact on the council's key outcomes",
     ("A table of the council's outcomes and what the proposal means for each: a line '| Outcomes | "
     "Implications |', a line '|---|---|', then a line per outcome.")),
    ("Risks and assumptions",
     ("The main risks, how they are managed, and what the proposal assumes. Write 'None arising from "
     "this report.' if there are none.")),
    ("Legal implications",
     "Agreed with Legal Services: the powers and duties that apply. Write 'None.' if there are none."),
    ("Financial implications",
     "Agreed with Finance: costs, savings and how they are funded. Write 'None.' if there are none."),
    ("Human resources implications",
     "Effects on staff. Write 'None.' if there are none."),
    ("Technology implications",
     "Effects on systems and data. Write 'None.' if there are none."),
    ("Equality implications",
     ("The effect on people who share a protected characteristic (Equality Act 2010) and how the public "
     "sector equality duty is met; refer to the equality impact assessment if there is one.")),
    ("Consultation",
     "Who was consulted, and what they said."),
]
"""(heading, guidance); `{noun}` is the committee's word for itself, 'Panel' or 'Committee'."""


_INTERRUPTS = re.compile(r"^(?:[-+*>#=`~|]|\d+[.)])")


def comment(text: str) -> str:
    """A Markdown comment: a link definition of '#' whose title is the text. It is printed nowhere."""
    body = text.replace("\\", "\\\\").replace('"', "\\\"")
    lines: list[str] = []
    for line in textwrap.wrap(f'[//]: # "{body}"', width=100, break_long_words=False, break_on_hyphens=False):
        if lines and _INTERRUPTS.match(line):  # would end the definition and start a list, heading...
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def report_body(noun: str) -> str:
    """The body of a new cover report: every standard section, with its guidance as a comment."""
    return "\n".join(f"## {heading}\n\n{comment(guide.format(noun=noun))}" for heading, guide in SECTIONS)
