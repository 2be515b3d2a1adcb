"""The content model: what a governance officer writes, as typed, frozen records.

Each class below is one YAML file or one Markdown front matter block.  The
field descriptions are the reference documentation: they are copied into the
JSON Schemas (`pack schema`) that editors use for validation and completion,
and docs/authoring.md describes the same fields for people.

`load.py` turns files into these records; nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError


def _shallow_markdown(value: str) -> str:
    from .render.markdown import (  # not at the top: render imports the model
        MAX_INLINE_DEPTH,
        inline_too_deep,
    )

    if inline_too_deep(value):
        raise ValueError(f"emphasis and links are nested more than {MAX_INLINE_DEPTH} levels deep")
    return value


class Record(BaseModel):
    """Base of every content record: immutable, and unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _shallow_text(cls, value: object) -> object:
        """Text may be rendered as Markdown on a page or front sheet: refuse nesting the PDF engine cannot lay out."""
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                _shallow_markdown(text)
        return value


Text = Annotated[str, Field(min_length=1)]


def _time_as_text(value: object) -> object:
    # YAML reads 10.30 as a number; pydantic would take a number as seconds since midnight.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("time_type", "a time must be written as HH:MM")
    return value


Time = Annotated[
    dt.time,
    BeforeValidator(_time_as_text),
    WithJsonSchema({"type": "string", "pattern": r"^([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"}),
]
"""A time of day written "HH:MM" (24-hour, in quotes)."""


# --------------------------------------------------------------------- site


class Contact(Record):
    """How to reach a person or an office."""

    name: Text | None = Field(None, description="Person's full name, e.g. 'Priya Shah'.")
    title: Text | None = Field(None, description="Job title, e.g. 'Senior Governance Officer'.")
    phone: Text | None = Field(None, description="Telephone number as it should be printed.")
    email: Text | None = Field(None, description="Email address.")
    address: Text | None = Field(None, description="Postal address, one line or several.")


class Colours(Record):
    """The authority's colours for the website (CSS colours, e.g. '#1d4f91')."""

    primary: str = Field("#1d4f91", pattern=r"^#[0-9a-fA-F]{6}$", description="Header and link colour.")
    accent: str = Field("#ffdd00", pattern=r"^#[0-9a-fA-F]{6}$", description="Focus highlight colour.")


class Site(Record):
    """`content/site.yaml`: the authority and its website."""

    authority: Text = Field(description="Full name of the council, as printed on every pack.")
    site_title: Text = Field(description="Title of the website, e.g. 'Council meetings and papers'.")
    base_url: Text = Field(description="Public address the site is served from, ending in '/'.")
    contact: Contact = Field(description="General contact for the democratic services team.")
    time_zone: Text = Field("Europe/London", description="IANA time zone of meeting times.")
    licence: Text = Field(
        "Contains public sector information licensed under the Open Government Licence v3.0.",
        description="Licence notice printed in the footer of every page.",
    )
    colours: Colours = Field(default_factory=Colours, description="Website colours.")
    transport_note: Text | None = Field(
        None, description="Note on getting to meetings, printed on every agenda front sheet."
    )
    wards: list[Text] = Field(
        default_factory=list,
        description="The authority's wards. When given, the wards a report names are checked against it, and "
        "the website has a page per ward listing the papers that affect it.",
    )
    member_title: Text = Field(
        "Councillor",
        description="How the authority's elected members are styled, e.g. 'County Councillor': printed before "
        "the councillors' names on the front sheet and on the website.",
    )
    member_title_plural: Text | None = Field(
        None, description="The title before a list of names, e.g. 'County Councillors'; defaults to member_title "
        "with an 's'.",
    )

    @property
    def members_title(self) -> str:
        """The title before a list of councillors' names: 'Councillors', 'County Councillors'."""
        return self.member_title_plural or self.member_title + "s"

    @field_validator("base_url")
    @classmethod
    def _ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http://)")
        return value if value.endswith("/") else value + "/"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}; write e.g. 'Europe/London'") from None
        return value


# ---------------------------------------------------------------- committee


MEMBER_ID = r"^[a-z0-9][a-z0-9-]*$"
"""A member's id: lower-case letters, digits and hyphens."""


class Invitee(Record):
    """A person invited to attend who is not a member, with the body they represent."""

    name: Text = Field(description="Full name, e.g. 'Mr Tom Reid'.")
    organisation: Text | None = Field(None, description="Who they represent, e.g. 'UNISON'.")


class CoOptee(Record):
    """A co-opted member, who may vote on some matters only."""

    name: Text = Field(description="Full name.")
    role: Text | None = Field(None, description="E.g. 'Parent governor representative'.")
    id: str | None = Field(None, pattern=MEMBER_ID, description="Id across every committee (see Member); "
                           "derived from the name if not given.")


class Member(Record):
    """A member of the committee given with an id, for when the name alone is not enough to tell who it is."""

    name: Text = Field(description="Name as printed, e.g. 'Councillor Helen Ashworth' or 'Imran Baig'.")
    id: str | None = Field(
        None, pattern=MEMBER_ID,
        description="The member's id across every committee, e.g. 'john-smith-north': the same id on two "
        "committees is the same person. Minutes may name the member by it. Derived from the name if not given.",
    )

    def __str__(self) -> str:  # templates and messages print a member as the name
        return self.name


MemberEntry = Annotated[
    Union[Annotated[Text, Tag("name")], Annotated[Member, Tag("member")]],  # noqa: UP007
    Discriminator(lambda v: "member" if isinstance(v, (dict, Member)) else "name"),
]
"""A member: the name as text ('Imran Baig'), or {name: ..., id: ...}."""


class Membership(Record):
    """Who sits on the committee, by role, in the order printed on the front sheet."""

    chair: MemberEntry = Field(description="The chair, e.g. 'Councillor Ruth Okafor' (or {name: ..., id: ...}).")
    vice_chair: MemberEntry | None = Field(None, description="The vice-chair.")
    councillors: list[MemberEntry] = Field(
        default_factory=list, description="The other councillors, names as printed after 'Councillors' "
        "(each may be {name: ..., id: ...})."
    )
    invitees: list[Invitee] = Field(default_factory=list, description="Standing invitees.")
    co_optees: list[CoOptee] = Field(default_factory=list, description="Co-opted members.")
    co_optee_note: Text | None = Field(
        None, description="Footnote on the co-optees' voting rights, printed under the membership."
    )
    co_optee_heading: Text = Field("Co-optees", description="Heading over the co-optees.")


class StandardItem(Record):
    """A procedural item that a meeting's agenda can include by its key."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name used in agendas, e.g. 'apologies'.")
    title: Text = Field(description="The item as printed on the agenda.")
    note: Text | None = Field(None, description="Explanatory note printed under the item.")


class Committee(Record):
    """`content/<committee>/committee.yaml`: a committee or panel."""

    name: Text = Field(description="Full name, e.g. 'Children and Young People Overview and Scrutiny Panel'.")
    short_name: Text = Field(description="Short name for navigation, e.g. 'Children and Young People'.")
    remit: Text = Field(description="What the committee does (Markdown allowed).")
    membership: Membership = Field(description="Members by role.")
    governance_officer: Contact = Field(description="The officer to contact about this committee's meetings.")
    standard_items: list[StandardItem] = Field(
        default_factory=list,
        description="Procedural items (apologies, declarations of interest...) that agendas include by key.",
    )
    first_minute_numbers: dict[int, int] = Field(
        default_factory=dict,
        description="First minute number of a municipal year, by the year it starts in: {2015: 1}.",
    )


    @property
    def noun(self) -> str:
        """'Panel' or 'Committee', as the papers call it ("the Panel resolved")."""
        return "Panel" if "panel" in self.name.lower() else "Committee"


# ------------------------------------------------------------- work plan


class MeetingType(str, Enum):
    formal = "formal"
    informal = "informal"


class WorkPlanMeeting(Record):
    """One planned meeting or session of the year and what it will look at."""

    date: dt.date = Field(description="Date, YYYY-MM-DD.")
    time: Time = Field(description="Start time, 24-hour HH:MM.")
    type: MeetingType = Field(MeetingType.formal, description="'formal' (a meeting in public) or 'informal'.")
    topics: list[Text] = Field(default_factory=list, description="Topics planned for it.")


class WorkPlan(Record):
    """`content/<committee>/workplan.yaml`: the committee's work plan for a year."""

    title: Text = Field(description="Heading of the work plan table.")
    municipal_year: str = Field(pattern=r"^\d{4}/\d{2}$", description="E.g. '2015/16'.")
    meetings: list[WorkPlanMeeting] = Field(description="The year's meetings in date order.")
    other_work: list[Text] = Field(default_factory=list, description="Reviews and work not tied to a meeting.")
    ideas: list[Text] = Field(default_factory=list, description="Ideas for next year's work plan.")


# ----------------------------------------------------------------- meeting


class RecommendationStatus(str, Enum):
    made = "made"
    awaiting_response = "awaiting response"
    accepted = "accepted"
    partly_accepted = "partly accepted"
    rejected = "rejected"
    implemented = "implemented"


class Response(Record):
    """The executive's response to a recommendation."""

    date: dt.date = Field(description="Date of the response.")
    document: Text | None = Field(
        None, description="The paper that carries it, relative to the committee folder, e.g. "
        "'2026-03-02/letter-young-carers-response.md'; it must be on a meeting's agenda."
    )
    summary: Text | None = Field(None, description="The response in a sentence.")


class Review(Record):
    """Where the committee reviewed how a recommendation was carried out."""

    meeting: dt.date = Field(description="Date of the meeting, YYYY-MM-DD.")
    item: int = Field(ge=1, description="Its agenda item number.")


class Recommendation(Record):
    """A recommendation the committee made to the executive, followed to its outcome."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name, e.g. 'young-carers-1'.")
    title: Text = Field(description="The recommendation in a few words.")
    text: Text | None = Field(None, description="The recommendation in full (Markdown, one paragraph).")
    made: Text = Field(description="The resolution that made it, with its meeting: '38(ii) of 2025-12-09'.")
    to: Text = Field(description="Who it was made to, e.g. 'the Executive Mayor'.")
    status: RecommendationStatus = Field(
        RecommendationStatus.made,
        description="made, awaiting response, accepted, partly accepted, rejected or implemented.",
    )
    response: Response | None = Field(None, description="The executive's response, once received.")
    review: Review | None = Field(None, description="The meeting where the committee reviewed its implementation.")


class Recommendations(Record):
    """`content/<committee>/recommendations.yaml`: the committee's recommendations and their outcomes."""

    recommendations: list[Recommendation] = Field(default_factory=list, description="In the order they were made.")


class MeetingStatus(str, Enum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"
    postponed = "postponed"


class Release(Record):
    """An explicit decision that exempt information may now be published (Schedule 12A no longer applies)."""

    on: dt.date = Field(description="Date from which the paper may be published, YYYY-MM-DD.")
    by: Text = Field(
        description="The decision that released it, e.g. 'Cabinet, 12 May 2026, minute 14(iii)', so that "
        "a reader can check that the release was lawful."
    )


RELEASED_DESCRIPTION = (
    "Only for a paper that was exempt (listed under a Part B item, or with exempt_paragraph): the date from "
    "which it may be published and the decision that released it. Without it, an exempt paper is never "
    "published, wherever it is listed."
)


EXEMPT_APPENDIX_DESCRIPTION = (
    "An exempt appendix of a public report: the paragraph (1-7) of Part 1 of Schedule 12A to the Local "
    "Government Act 1972 that applies. The appendix is then listed in public by its label and the notice "
    "only, and printed in the members' pack alone."
)


class PdfAppendix(Record):
    """An existing PDF file attached to an item, listed in `meeting.yaml`."""

    pdf: Text = Field(description="Path of the PDF file, relative to the meeting folder.")
    title: Text = Field(description="Title of the appendix, e.g. 'Letter from the inspectorate'.")
    label: Text | None = Field(None, description="E.g. 'Appendix 2'.")
    description: Text = Field(
        description="What the PDF contains, in a sentence or two: read out to screen reader users."
    )
    exempt_paragraph: int | None = Field(
        None, ge=1, le=7, description=EXEMPT_APPENDIX_DESCRIPTION,
    )
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class Revision(Record):
    """A paper reissued after it was published (a correction), with the version it replaced."""

    document: Text = Field(description="The paper as listed in the item's documents now (the revised "
                           "version), e.g. 'report-budget.md' or 'inspection-letter.pdf'.")
    earlier: Text = Field(description="The version it replaced, kept in the content folder, relative to the "
                          "meeting folder, e.g. 'report-budget-2026-02-20.md' beside it (its images and links are "
                          "found from its own folder). Same kind of file (Markdown or PDF) as the document.")
    on: dt.date = Field(description="Date the revised version was published, YYYY-MM-DD.")
    reason: Text = Field(description="What was corrected, in one line, e.g. 'corrected figures in table 2'.")


DocumentRef = Annotated[
    Union[Annotated[Text, Tag("file-name")], Annotated[PdfAppendix, Tag("pdf-appendix")]],  # noqa: UP007
    Discriminator(lambda v: "pdf-appendix" if isinstance(v, dict) else "file-name"),
]


class AgendaItem(Record):
    """One numbered item of the agenda."""

    standard: str | None = Field(None, description="Key of a committee standard item to include here.")
    title: Text | None = Field(None, description="The item as printed on the agenda.")
    note: Text | None = Field(None, description="Explanatory note printed under the item.")
    documents: list[DocumentRef] = Field(
        default_factory=list,
        description="Papers for the item, in pack order: Markdown files, or {pdf: ...} for existing PDFs.",
    )
    supplementary: bool = Field(
        False, description="True if the papers are published after the main pack, in a supplementary pack."
    )
    published_on: dt.date | None = Field(
        None,
        description="Date the item's papers were published, if after the agenda was issued; such an item is "
        "supplementary. Items published on the same date share one supplementary pack.",
    )
    exempt_paragraph: int | None = Field(
        None, ge=1, le=7,
        description="Part B only: paragraph (1-7) of Part 1 of Schedule 12A to the Local Government Act 1972.",
    )
    follows_up: list[Text] = Field(
        default_factory=list,
        description="Resolutions of earlier meetings this item answers, by minute reference: '36(ii)', or "
        "'36(ii) of 2025-12-09' when the number alone is ambiguous.",
    )
    webcast_at: str | None = Field(
        None, pattern=r"^\d{1,2}:[0-5]\d:[0-5]\d$",
        description="Where the item starts in the meeting's webcast recording, as H:MM:SS, e.g. '0:42:10'.",
    )
    revisions: list[Revision] = Field(
        default_factory=list,
        description="Papers of the item reissued after publication (corrections), oldest first: the paper, "
        "the earlier version's file, the date and the reason. Every version stays on the website.",
    )

    @model_validator(mode="after")
    def _standard_or_title(self) -> AgendaItem:
        if self.standard is None and self.title is None:
            raise ValueError("an agenda item needs a 'title' (or 'standard' for a committee standard item)")
        if self.standard is not None and (self.title or self.documents):  # a note may replace the standard one
            raise ValueError("a 'standard' item takes its title from committee.yaml; remove 'title' and 'documents'")
        return self


class Agenda(Record):
    """The agenda in two parts: public business, then exempt business."""

    part_a: list[AgendaItem] = Field(
        default_factory=list, description="Items where the public and press may not be excluded."
    )
    part_b: list[AgendaItem] = Field(
        default_factory=list, description="Items where the public and press are likely to be excluded."
    )


class Meeting(Record):
    """`content/<committee>/<YYYY-MM-DD>/meeting.yaml`: one meeting and its agenda."""

    date: dt.date = Field(description="Date of the meeting, YYYY-MM-DD; must match the folder name.")
    start_time: Time = Field(description="Start time, 24-hour HH:MM, e.g. '10:00'.")
    end_time: Time | None = Field(None, description="End time, if known.")
    venue: Text = Field(description="Room, building and address.")
    public_welcome: Text | None = Field(
        "Members of the public are welcome to attend",
        description="Note to the public printed under the time; set to null to omit.",
    )
    status: MeetingStatus = Field(MeetingStatus.scheduled, description="scheduled, held, cancelled or postponed.")
    webcast: Text | None = Field(
        None, pattern=r"^https://", description="Address (https://...) of the meeting's webcast or recording."
    )
    issued_on: dt.date = Field(description="Date the agenda was published.")
    issued_by: Contact = Field(description="Who issues the agenda, usually the chief executive (name and title).")
    agenda: Agenda = Field(description="The agenda items.")

    @field_validator("end_time")
    @classmethod
    def _ends_after_start(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        start = info.data.get("start_time")
        if value is not None and start is not None and value <= start:
            raise ValueError("must be after start_time")
        return value

    @field_validator("issued_on")
    @classmethod
    def _issued_before(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        date = info.data.get("date")
        if date is not None and value > date:
            raise ValueError("must not be after the meeting date")
        return value


# --------------------------------------------------------------- documents


class Director(Record):
    """The director who signs a report off."""

    name: Text
    title: Text


def _yes_no(value: object) -> object:
    # meetingpack's YAML keeps 'yes' and 'no' as words; for a yes/no field they mean true and false.
    if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
        return value.strip().lower() == "yes"
    return value


class ReportMeta(Record):
    """Front matter of a cover report (`kind: report`)."""

    kind: Literal["report"]
    title: Text = Field(description="Title of the report.")
    date: dt.date = Field(description="Date of the meeting the report is for.")
    addressee: Text = Field(description="E.g. 'To the Chair and Members of the ... Panel'.")
    cabinet_members: list[Text] = Field(
        default_factory=list, description="Relevant cabinet member(s) with their portfolio."
    )
    wards: list[Text] = Field(default_factory=lambda: ["All"], description="Wards affected, or ['All'].")
    key_decision: Annotated[bool | Text, BeforeValidator(_yes_no)] = Field(
        False, description="false, or the forward plan reference of the key decision."
    )
    exempt_paragraph: int | None = Field(
        None, ge=1, le=7, description="If exempt: paragraph of Schedule 12A Part 1 that applies."
    )
    contact_officer: Contact = Field(description="Contact officer and report author.")
    director: Director = Field(description="Director who signs the report off.")
    background_papers: list[Text] = Field(default_factory=list, description="Background papers, or empty for 'None'.")
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class AppendixMeta(Record):
    """Front matter of a Markdown appendix (`kind: appendix`)."""

    kind: Literal["appendix"]
    title: Text = Field(description="Title of the appendix.")
    label: Text | None = Field(None, description="E.g. 'Appendix 1'.")
    source: Literal["markdown", "workplan"] = Field(
        "markdown", description="'workplan' to render the committee's workplan.yaml after the text."
    )
    landscape: bool = Field(False, description="Print on landscape pages (wide tables).")
    exempt_paragraph: int | None = Field(None, ge=1, le=7, description=EXEMPT_APPENDIX_DESCRIPTION)
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class Substitute(Record):
    """A member who attended in place of another."""

    name: Text = Field(description="Who attended, e.g. 'Councillor Ian Moss'.")
    replacing: Text = Field(description="The committee member they replaced, e.g. 'Councillor Carol Dempsey'.")


class Attendance(Record):
    """Who was at a meeting."""

    present: list[Text] = Field(description="Members present, with role, e.g. 'Councillor Ruth Okafor (Chair)'.")
    also_in_attendance: list[Text] = Field(default_factory=list, description="Officers and guests, with role.")
    apologies: list[Text] = Field(default_factory=list, description="Members who sent apologies.")
    substitutes: list[Substitute] = Field(
        default_factory=list, description="Members who attended in place of a member of the committee."
    )


class Declaration(Record):
    """An interest a member declared at the meeting."""

    member: Text = Field(description="Who declared it, e.g. 'Councillor Carol Dempsey'.")
    item: int = Field(ge=1, description="The agenda item number the interest is in.")
    interest: Text = Field(description="The interest, as minuted, e.g. 'a close family member works in the service'.")
    type: Literal["disclosable pecuniary", "other registrable", "non-registrable", "other"] = Field(
        "other", description="disclosable pecuniary, other registrable, non-registrable, or other."
    )
    action: Text | None = Field(None, description="What the member did, e.g. 'left the room for the item'.")


class MinutesMeta(Record):
    """Front matter of minutes (`kind: minutes`); each `##` heading is one minute item."""

    kind: Literal["minutes"]
    title: Text | None = Field(None, description="Defaults to 'Minutes of the meeting held on <date>'.")
    attendance: Attendance = Field(description="Who was present, in attendance, and sent apologies.")
    declarations: list[Declaration] = Field(
        default_factory=list, description="Interests declared, each with the agenda item it concerns."
    )
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class LetterMeta(Record):
    """Front matter of a letter (`kind: letter`)."""

    kind: Literal["letter"]
    title: Text = Field(description="Subject line of the letter.")
    label: Text | None = Field(None, description="E.g. 'Appendix 3', if the letter is an appendix.")
    date: dt.date = Field(description="Date of the letter.")
    sender: Contact = Field(description="Who wrote it: name, title, address.")
    recipient: Contact = Field(description="To whom: name, title, address.")
    salutation: Text = Field("Dear Sir or Madam", description="E.g. 'Dear Councillor Okafor'.")
    closing: Text = Field("Yours sincerely", description="E.g. 'Yours sincerely'.")
    exempt_paragraph: int | None = Field(None, ge=1, le=7, description=EXEMPT_APPENDIX_DESCRIPTION)
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class PlainMeta(Record):
    """Front matter of a plain document (`kind: document`)."""

    kind: Literal["document"]
    title: Text = Field(description="Title of the document.")
    label: Text | None = Field(None, description="E.g. 'Appendix 4', if the document is an appendix.")
    exempt_paragraph: int | None = Field(None, ge=1, le=7, description=EXEMPT_APPENDIX_DESCRIPTION)
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


class DecisionsMeta(Record):
    """Front matter of a meeting's decisions (`kind: decisions`), published before the minutes.

    Saved as `decisions.md` in the meeting's folder: a `##` heading per agenda
    item and its resolution, as in minutes, but without minute numbers.
    """

    kind: Literal["decisions"]
    title: Text | None = Field(None, description="Defaults to 'Decisions of the meeting held on <date>'.")
    published_on: dt.date = Field(description="Date the decisions were published.")
    released: Release | None = Field(None, description=RELEASED_DESCRIPTION)


DocumentMeta = Annotated[
    ReportMeta | AppendixMeta | MinutesMeta | LetterMeta | PlainMeta | DecisionsMeta,
    Field(discriminator="kind"),
]

DOCUMENT_KINDS = ("report", "appendix", "minutes", "letter", "document", "decisions")
