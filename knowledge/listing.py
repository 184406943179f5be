"""Lists and counts of duties over any of their attributes.

A question is read into a ``TaskFilter`` (document, appendix group or section, level or
place, agency and role, deadline window or bound, deadline kind, blank cells, overdue or
due soon as of a day), the filter selects task ids in document order, and a ``Listing``
carries the full list and renders it a page at a time ("mấy/bao nhiêu" answers with the
number and the list).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from knowledge.base import KnowledgeBase
from knowledge.model import Task
from knowledge.when import SOON_DAYS, TimeAsked, Window, kind_label, last_day

PAGE_SIZE = 10

# "mấy/bao nhiêu … nhiệm vụ", "how many tasks": a count of duties (or of sections).
_COUNT = re.compile(
    r"\b(bao nhieu|bao nhiu|may|how many|so luong|tong so|tong cong|number of|count)\b"
)
_TASK_UNIT = re.compile(
    r"\b(nhiem vu|nv|viec|cong viec|tasks?|duties|duty|noi dung|dong nhiem vu"
    r"|gach dau dong|items?|rows?)\b"
)
_SECTION_UNIT = re.compile(
    r"\b(?:bao nhieu|may|how many)\s+(diem|muc|nhom|phan|groups?|sections?|points?)\b"
)
# Words no count of duties may count: people, money, articles of a law, days.
_OTHER_UNIT = re.compile(
    r"\b(nguoi|can bo|hoi vien|tien|dong tien|dieu|chuong|ngay|lan|thanh vien|members?"
    r"|people|staff|money|articles?|days?|tinh nguyen vien|don vi mau)\b"
)
_LIST = re.compile(
    r"\b(liet ke|danh sach|ds|list|(which|what|all) (\w+ ){0,2}(tasks?|duties)"
    r"|(nhung|cac|all|which|what) (nhiem vu|viec|nv|cong viec|tasks?"
    r"|duties|dong)|(nhiem vu|viec|nv|cong viec|tasks?) (nao|gi)|gom (nhung )?(gi|nhiem vu|viec)"
    r"|co (nhung )?(gi|viec gi|viec nao)|han (nhung )?(gi|viec gi)|what is due|what s due|whats due"
    r"|contain|due (in|before|after|by|soon|this|next)|tasks? due|overdue)\b"
)
_APPENDIX = re.compile(r"\b(phu luc|pl|appendix|annex)\b")
_GROUP = re.compile(r"\b(?:nhom|group|muc|section|phan)\s+(iv|v|iii|ii|i|[1-5])(?![.\d])\b")
_ROLE_LEAD = re.compile(r"\b(chu tri|lead|leads|led)\b")
_ROLE_COORD = re.compile(r"\b(phoi hop|coordinate|coordinates|coordinating)\b")

# Deadline kinds and blank cells, as officers say them (checked in this order).
_KINDS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        re.compile(
            r"\b(chua|khong) (co|ghi) (thoi )?han cu the|no (fixed|specific) (deadline|date)"
        ),
        frozenset({"none", "ongoing", "yearly", "periodic", "conditional"}),
    ),
    (
        re.compile(
            r"\b(khong|chua) (ghi|co|de) (thoi )?han|no deadline|without (a )?deadline"
            r"|(de )?trong (cot )?thoi han|blank deadline"
        ),
        frozenset({"none"}),
    ),
    (
        re.compile(r"\bco (thoi )?han cu the|co ngay cu the|dated|with a (fixed )?deadline"),
        frozenset({"date", "period"}),
    ),
    (re.compile(r"\b(thuong xuyen|ongoing|lien tuc|continuous)\b"), frozenset({"ongoing"})),
    (
        re.compile(r"\b(hang nam|moi nam|yearly|annual|annually|every year|each year)\b"),
        frozenset({"yearly"}),
    ),
    (
        re.compile(r"\b(dinh ky|recurring|periodic|lap lai|lap di lap lai)\b"),
        frozenset({"ongoing", "yearly", "periodic"}),
    ),
    (re.compile(r"\b(sau khi|co dieu kien|conditional)\b"), frozenset({"conditional"})),
)
_NO_OUTPUT = re.compile(
    r"\b(khong|chua) (co|ghi|de) (san pham|dau ra)|no (main )?output|without (an )?output"
    r"|trong (cot )?san pham|de trong .{0,20}san pham"
)
_NO_COORD = re.compile(r"\b(khong|chua) (co|ghi) (co quan |don vi )?phoi hop|no coordinat")
_OVERDUE = re.compile(r"\b(qua han|tre han|het han|overdue|late|past due|missed)\b")
_NOT_OVERDUE = re.compile(r"\b(con han|chua (qua|het|den) han|not yet due|still open)\b")
_SOON = re.compile(
    r"\b(sap (den|toi|het) han|sap toi|sap den|gan den han|due soon|upcoming|coming up|soon)\b"
)
# Single words left in a listing question once its cue and filter phrases are taken out,
# that name no topic (time words, the nouns of duties, question words).
FRAME_WORDS = frozenset(
    [
        "nhiem",
        "vu",
        "viec",
        "nv",
        "cong",
        "task",
        "tasks",
        "duty",
        "duties",
        "han",
        "thoi",
        "gian",
        "xong",
        "hoan",
        "thanh",
        "phai",
        "nam",
        "thang",
        "quy",
        "ngay",
        "truoc",
        "sau",
        "den",
        "het",
        "cuoi",
        "nay",
        "nao",
        "gi",
        "co",
        "cac",
        "nhung",
        "khong",
        "roi",
        "chua",
        "nua",
        "la",
        "cua",
        "trong",
        "duoc",
        "giao",
        "do",
        "the",
        "van",
        "ban",
        "muc",
        "phan",
        "nhom",
        "diem",
        "dong",
        "tat",
        "ca",
        "all",
        "any",
        "which",
        "what",
        "when",
        "the",
        "of",
        "in",
        "are",
        "is",
        "be",
        "have",
        "has",
        "there",
        "due",
        "by",
        "before",
        "after",
        "until",
        "end",
        "this",
        "next",
        "last",
        "year",
        "month",
        "quarter",
        "day",
        "date",
        "deadline",
        "deadlines",
        "list",
        "show",
        "me",
        "give",
        "cho",
        "xin",
        "biet",
        "hoi",
        "ve",
        "lam",
        "toi",
        "minh",
        "kia",
        "hien",
        "tai",
        "bay",
        "gio",
        "now",
        "today",
        "hom",
        "currently",
        "take",
        "part",
        "repeated",
        "repeat",
        "done",
        "carried",
        "held",
        "each",
        "participate",
        "participates",
        "involved",
        "involve",
        "tham",
        "gia",
    ]
)
# Patterns that are the listing's own words (cues and filters), blanked before the
# topic check.


_OWN_PATTERNS = (
    _COUNT,
    _TASK_UNIT,
    _SECTION_UNIT,
    _LIST,
    _APPENDIX,
    _GROUP,
    _ROLE_LEAD,
    _ROLE_COORD,
    _NO_OUTPUT,
    _NO_COORD,
    _OVERDUE,
    _NOT_OVERDUE,
    _SOON,
    re.compile(r"\b(quy|quarter|q)\s*(iv|iii|ii|i|[1-4])\b"),
    re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s*/\s*\d{4}"),
    re.compile(r"\b(nam|thang|quy) (nay|ngoai|truoc|roi|sau|toi)|sang nam|this (year|month)"),
    re.compile(r"\b(next|last|previous) (year|month)|end of|cham nhat|no later than"),
    re.compile(r"\b(january|february|march|april|may|june|july|august|september|october)\b"),
    re.compile(r"\b(november|december)\b"),
)


@dataclass(frozen=True)
class TaskFilter:
    """The attributes a listing question restricts duties by (all must hold)."""

    documents: frozenset[str] | None = None
    appendix: bool = False
    sections: frozenset[str] = frozenset()  # section codes, or a Roman prefix ("III")
    agencies: tuple[str, ...] = ()
    role: str | None = None  # "lead", "coordinate" or None (any)
    window: Window | None = None
    before: dt.date | None = None
    after: dt.date | None = None
    kinds: frozenset[str] | None = None
    no_output: bool = False
    no_coordinate: bool = False
    overdue: bool = False
    not_overdue: bool = False
    soon: bool = False
    today: dt.date | None = None

    def narrows(self) -> bool:
        """Whether it restricts anything beyond documents and agencies."""
        return bool(
            self.appendix
            or self.sections
            or self.window
            or self.before
            or self.after
            or self.kinds
            or self.no_output
            or self.no_coordinate
            or self.overdue
            or self.not_overdue
            or self.soon
            or self.role
        )

    def timed(self) -> bool:
        return bool(self.window or self.before or self.after or self.overdue or self.soon)


@dataclass(frozen=True)
class Reading:
    """A listing question read: its filter, whether it counts, and what it counts."""

    filter: TaskFilter
    count: bool
    listed: bool
    unit: str  # "tasks" or "sections"
    noun: bool = False  # it names duties (nhiệm vụ, việc, tasks)
    words: frozenset[str] = field(default_factory=frozenset)  # folded words it consumed
    rest: frozenset[str] = field(default_factory=frozenset)  # words no cue or filter took


def asks_for_list(folded: str) -> bool:
    """Whether a (folded) question asks for a list or a count of duties."""
    return bool(_LIST.search(folded)) or bool(_COUNT.search(folded) and _TASK_UNIT.search(folded))


def read(folded: str, time: TimeAsked) -> Reading:
    """The listing cues and attribute filters of a folded question (names, documents and
    levels are added by the engine, which has read them)."""
    count = bool(_COUNT.search(folded)) and bool(
        _TASK_UNIT.search(folded) or _SECTION_UNIT.search(folded)
    )
    if count and _OTHER_UNIT.search(folded) and not _TASK_UNIT.search(folded):
        count = False
    unit = "sections" if _SECTION_UNIT.search(folded) else "tasks"
    listed = bool(_LIST.search(folded))
    noun = bool(_TASK_UNIT.search(folded))
    words: set[str] = set(time.words)
    kinds: frozenset[str] | None = None
    for pattern, found in _KINDS:
        if m := pattern.search(folded):
            kinds = found
            words |= set(m.group(0).split())
            break
    sections: set[str] = set()
    appendix = bool(_APPENDIX.search(folded))
    if m := _GROUP.search(folded):
        code = m.group(1)
        sections.add(code.upper())
        roman = {"1": "i", "2": "ii", "3": "iii", "4": "iv", "5": "v"}.get(code)
        if roman:
            sections.add(roman.upper())  # "nhóm 2" of the appendix is its group II
    overdue = bool(_OVERDUE.search(folded)) and not _NOT_OVERDUE.search(folded)
    role = None
    if _ROLE_LEAD.search(folded):
        role = "lead"
    elif _ROLE_COORD.search(folded):
        role = "coordinate"
    rest = folded
    for pattern in (*_OWN_PATTERNS, *(p for p, _ in _KINDS)):
        rest = pattern.sub(" ", rest)
    flt = TaskFilter(
        appendix=appendix,
        sections=frozenset(sections),
        role=role,
        window=time.window,
        before=time.before,
        after=time.after,
        kinds=kinds,
        no_output=bool(_NO_OUTPUT.search(folded)),
        no_coordinate=bool(_NO_COORD.search(folded)),
        overdue=overdue and time.window is None,
        not_overdue=bool(_NOT_OVERDUE.search(folded)),
        soon=bool(_SOON.search(folded)),
    )
    # "nv hằng năm của phụ lục": a noun of duties and an attribute, no question word.
    listed = listed or (noun and bool(kinds or appendix or sections or time.window))
    return Reading(flt, count, listed, unit, noun, frozenset(words), frozenset(rest.split()))


def _in_section(task: Task, sections: frozenset[str]) -> bool:
    code = task.section.casefold()
    for wanted in sections:
        w = wanted.casefold()
        if code == w or code.startswith(w + "."):
            return True
    return False


def is_appendix(task: Task) -> bool:
    return task.ref.casefold().startswith("phụ lục")


def roles_of(task: Task, agency: str) -> set[str]:
    """The agency's part in a duty as the document prints it: "lead", "coordinate",
    "participate" or "addressee" (an owner's printed role), or "coordinate" as a partner."""
    roles = set()
    if agency in task.lead:
        roles.add(getattr(task, "role", "lead") or "lead")
    if agency in task.coordinate and agency not in task.lead:
        roles.add("coordinate")
    return roles


# Which printed roles a question's role word covers: "chủ trì" only a printed lead;
# "phối hợp" a partner, an owner whose own verb is "phối hợp", and one who takes part.
ROLE_WORDS = {"lead": {"lead"}, "coordinate": {"coordinate", "participate"}}


def select(kb: KnowledgeBase, flt: TaskFilter, tasks: list[Task] | None = None) -> list[str]:
    """Ids of the duties that meet every restriction of ``flt``, in document order."""
    out = []
    today = flt.today
    if tasks is None:
        # Document order (KL 44, QĐ 895, then the local plans), each in its own order.
        order = {doc: i for i, doc in enumerate(kb.documents)}
        tasks = sorted(kb.tasks.values(), key=lambda t: order.get(t.document, len(order)))
    for task in tasks:
        if flt.documents is not None and task.document not in flt.documents:
            continue
        if flt.appendix and not is_appendix(task):
            continue
        if flt.sections and not _in_section(task, flt.sections):
            continue
        if flt.agencies:
            roles = set().union(*(roles_of(task, a) for a in flt.agencies))
            if not roles or (flt.role and not roles & ROLE_WORDS[flt.role]):
                continue
        if flt.no_output and task.output:
            continue
        if flt.no_coordinate and task.coordinate:
            continue
        deadline = kb.deadline(task.id)
        if flt.kinds is not None and kind_label(deadline) not in flt.kinds:
            continue
        if flt.window is not None and not flt.window.holds(deadline):
            continue
        end = last_day(deadline)
        if (flt.before or flt.after or flt.overdue or flt.not_overdue or flt.soon) and end is None:
            continue
        assert end is not None or not (flt.before or flt.after)
        if flt.before and end and not end < flt.before:
            continue
        if flt.after and end and not end > flt.after:
            continue
        if today is not None and end is not None:
            if flt.overdue and not end < today:
                continue
            if flt.not_overdue and end < today:
                continue
            if flt.soon and not (today <= end <= today + dt.timedelta(days=SOON_DAYS)):
                continue
        out.append(task.id)
    return out


@dataclass(frozen=True)
class Listing:
    """A list answer's full content: its header, every task id, and the page shown."""

    header: str
    tasks: tuple[str, ...]
    lang: str
    page: int = 0
    page_size: int = PAGE_SIZE
    timed: bool = False  # show each duty's last day (a question about time)
    today: dt.date | None = None
    agencies: tuple[str, ...] = ()  # the agencies asked about: each line shows their role

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.tasks) // self.page_size))

    def at(self, page: int) -> Listing:
        return replace(self, page=max(0, min(page, self.pages - 1)))

    def to_state(self) -> dict[str, object]:
        """Plain data (JSON-safe) to keep per chat for the page buttons."""
        return {
            "header": self.header,
            "tasks": list(self.tasks),
            "lang": self.lang,
            "page_size": self.page_size,
            "timed": self.timed,
            "today": self.today.isoformat() if self.today else None,
            "agencies": list(self.agencies),
        }

    @classmethod
    def from_state(cls, state: object) -> Listing | None:
        """The listing kept by ``to_state``; None when the data is not one."""
        if not isinstance(state, dict):
            return None
        try:
            today = state.get("today")
            return cls(
                header=str(state["header"]),
                tasks=tuple(str(t) for t in state["tasks"]),
                lang=str(state["lang"]),
                page_size=int(state.get("page_size", PAGE_SIZE)),
                timed=bool(state.get("timed", False)),
                today=dt.date.fromisoformat(today) if isinstance(today, str) else None,
                agencies=tuple(str(a) for a in state.get("agencies", ())),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def page_ids(self) -> tuple[str, ...]:
        start = self.page * self.page_size
        return self.tasks[start : start + self.page_size]
