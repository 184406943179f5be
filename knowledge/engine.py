"""The question-answering engine: read the question, find the task or agency it
is about, and compose a short answer that cites its source — or refuse.

No Telegram, no database: ``python -m bot ask`` runs it directly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import cast

from rapidfuzz.distance import Levenshtein

from knowledge import compose, compound, doc_facts, follow_up, listing, listing_text
from knowledge.analyze import Tok, analyze, folded_key
from knowledge.analyze import words as split_words
from knowledge.answer import Answer, Intent, Source, Suggestion
from knowledge.asked_dates import date_in
from knowledge.base import KnowledgeBase
from knowledge.index import Scored, TaskIndex
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.model import Agency, Task
from knowledge.near_miss import DocumentNumbers, strip_numbers
from knowledge.normalize import clean_input, fold
from knowledge.places import PlaceFinder
from knowledge.query import PhraseTable, Query, QueryReader, find_points, find_refs
from knowledge.strategies import STRATEGIES, Asked
from knowledge.succession import Succession
from knowledge.when import local_today, read_time

# Confidence at or above which the best task is answered outright; between
# SUGGEST and ANSWER the best task is answered with "did you mean" alternatives;
# below SUGGEST the engine refuses. Tuned on tests/qa/questions.yaml and
# re-checked by tests/unit/ask/test_qa_accuracy.py.
ANSWER_THRESHOLD = 0.55
SUGGEST_THRESHOLD = 0.40
# A two-syllable word of the base whose syllables are both stopwords ("báo chí") is kept
# as a topic only if at most this share of the tasks has it ("thực hiện" is everywhere).
RARE_COMPOUND_SHARE = 0.15
# Score factor for duties of the national documents when a question names no level,
# place or local agency (officers asking plainly mean the national plan).
CENTRAL_PREFERENCE = 1.2

# Levels a document can have, and the agency levels that belong to them.
AGENCY_LEVELS = {
    "party_central": {"central", "any"},
    "government": {"central", "any"},
    "province": {"province", "any"},
    "city": {"city", "any"},
    "district": {"district", "any"},
}
QUERY_LEVEL_TO_DOC = {
    "party_central": {"party_central"},
    "government": {"government"},
    "province": {"province"},
    "city": {"city"},
    "district": {"district"},
}


# Office titles, and the ways of asking who holds one: the documents name no office
# holders ("ai là bộ trưởng Bộ Nội vụ", "who is the minister of home affairs").
_OFFICE = re.compile(
    r"\b(bo truong|thu truong|giam doc|chu tich|(?<!ban )bi thu|truong ban|truong phong"
    r"|thu tuong|minister|director|chairman|chairwoman|chairperson|secretary|president"
    r"|prime minister)\b"
)
_WHO_HOLDS = re.compile(
    r"\b(la ai|ai la|ten gi|ten la gi|ho ten|who is|who s|whos|who are|name of|named)\b"
)
# Words such a question may hold besides the title and the body's name: if it holds any
# other topic ("ai là đầu mối giúp Thủ tướng theo dõi"), it asks about a duty.
_OFFICE_FILLER = frozenset(
    {
        "ai",
        "ban",
        "bi",
        "bo",
        "chairman",
        "chairperson",
        "chairwoman",
        "chu",
        "current",
        "currently",
        "dang",
        "dau",
        "deputy",
        "director",
        "doc",
        "gi",
        "giam",
        "hien",
        "ho",
        "la",
        "minister",
        "name",
        "named",
        "nay",
        "now",
        "pho",
        "phong",
        "president",
        "prime",
        "secretary",
        "tai",
        "ten",
        "thu",
        "tich",
        "truong",
        "tuong",
        "vice",
        "who",
    }
)
# Heads of agency names that may name a body the documents never name ("Ban Tổ chức").
_EXTRA_HEADS = ("ban",)
# Share of the best score within which a duty that states the asked fact, and has the
# question's document numbers in its title, is preferred to one that does not state it.
FACT_WINDOW = 0.6
# A question whose only topic is one word this common (idf below this share of the
# largest) and that has no cue, agency or reference is not answered with a duty.
COMMON_WORD_SHARE = 0.3
# A timing question whose topic words are at least this share (by weight) a campaign's
# name asks about the campaign, whose dates the documents do not set.
CAMPAIGN_SHARE = 0.6
# Words that say a campaign happens (tổ chức, diễn ra, vào, held): no topic of their own.
_EVENT_WORDS = frozenset({"to", "chuc", "dien", "ra", "vao", "held", "hold", "take", "place"})


def LOCAL_DOCS(kb: KnowledgeBase) -> set[str]:
    """Ids of the local documents (province, city, district)."""
    return {d.id for d in kb.documents.values() if d.level in ("province", "city", "district")}


_AGENCY_LIST = re.compile(r"\b(co quan|don vi|agencies|bodies|ministries)\b")
_ROMAN_WORD = re.compile(r"[ivx]{1,4}|\d{1,2}")
_REF_KEY = re.compile(r"([ivx]{1,4})\.(\d{1,2})(?:\.([a-e]))?")


def _ref_keys(task: Task) -> set[str]:
    keys = set(find_refs(task.ref)) or set(find_points(task.ref)[:1])
    for key in list(keys):
        m = _REF_KEY.fullmatch(key)
        if m and m.group(3):
            keys.add(f"{m.group(1)}.{m.group(2)}")
    return keys


class Engine:
    def __init__(
        self,
        kb: KnowledgeBase,
        lexicon: Lexicon | None = None,
        extra_phrasings: dict[str, list[str]] | None = None,
    ) -> None:
        self.kb = kb
        self.lexicon = lexicon or load_lexicon()
        self.extra_phrasings = extra_phrasings or {}
        self.agency_table = PhraseTable()
        for agency in kb.agencies.values():
            for name in (agency.name, agency.name_en, *agency.aliases):
                if name:
                    self.agency_table.add(folded_key(name, self.lexicon), agency.id)
            # "Ủy ban nhân dân các tỉnh, thành phố…": the part before the comma names it too.
            head = agency.name.split(",")[0]
            if head != agency.name and len(folded_key(head, self.lexicon)) >= 3:
                self.agency_table.add(folded_key(head, self.lexicon), agency.id)
        # Names of today (2025 mergers): read as their predecessors, noted in answers.
        self.succession = Succession(kb)
        self._today_names = PhraseTable()
        for name, agency_id in self.succession.names():
            self.agency_table.add(folded_key(name, self.lexicon), agency_id)
            self._today_names.add(folded_key(name, self.lexicon), agency_id)
        for name, change_id in self.succession.new_body_names():
            self._today_names.add(folded_key(name, self.lexicon), "+" + change_id)
        self.document_table = PhraseTable()
        for doc in kb.documents.values():
            for name in (*doc.short_names, doc.number):
                if name:
                    self.document_table.add(folded_key(name, self.lexicon), doc.id)
        tasks = [self._with_phrasings(t) for t in kb.tasks.values()]
        extra_vocab = {w for key in self.agency_table.entries for w in key}
        extra_vocab |= {w for key in self.document_table.entries for w in key}
        self.index = TaskIndex(tasks, self.lexicon, extra_vocab)
        bigram_df = Counter(b for doc in self.index.docs.values() for b in doc.bigrams)
        compounds = set(bigram_df)
        rare_share = RARE_COMPOUND_SHARE * max(len(self.index.docs), 1)
        rare_compounds = {b for b, n in bigram_df.items() if n <= rare_share}
        for key in self.agency_table.entries:
            compounds.update(itertools.pairwise(key))
        self.other_places = PlaceFinder(self.lexicon.other_places, frozenset(compounds))
        self.covered_places = PlaceFinder(self.lexicon.covered_places)
        self.reader = QueryReader(
            self.lexicon,
            self.agency_table,
            self.document_table,
            self.index.correct,
            compounds,
            rare_compounds,
            frozenset(self.index.vocab),
        )
        # Words of document kinds ("kế hoạch", "công văn"): not a topic by themselves.
        self._kind_words = {
            f for d in kb.documents.values() for f in folded_key(d.kind, self.lexicon)
        }
        self._doc_tasks: dict[str, frozenset[str]] = {
            d: frozenset(t.id for t in kb.tasks_of_document(d)) for d in kb.documents
        }
        # Tasks by the calendar date their printed deadline names ("trước ngày 05/3/2023").
        self._by_printed_date: dict[dt.date, list[str]] = {}
        for task in kb.tasks.values():
            printed = date_in(kb.deadline(task.id).text)
            if printed is not None:
                self._by_printed_date.setdefault(printed, []).append(task.id)
        self._doc_words = {w for key in self.document_table.entries for w in key}
        # Names of agencies with duties that start with a head (Sở, Bộ, Ban): (id, head,
        # the rest of the name without "và"), to offer look-alikes of an unnamed agency.
        heads = {*self.lexicon.agency_heads, *_EXTRA_HEADS}
        self._headed_names: list[tuple[str, str, tuple[str, ...]]] = []
        for agency in kb.agencies.values():
            if not kb.tasks_of_agency(agency.id):
                continue
            for name in dict.fromkeys((agency.name, *agency.aliases)):
                key = folded_key(name, self.lexicon)
                if key and key[0] in heads:
                    tail = tuple(w for w in key[1:] if w != "va")
                    self._headed_names.append((agency.id, key[0], tail))
        # Campaign names (folded, two words or more) → all the words of that campaign's names.
        self._campaign_names: dict[tuple[str, ...], set[str]] = {}
        for c in kb.campaigns.values():
            keys = [folded_key(n, self.lexicon) for n in (c.name, c.name_en, *c.aliases) if n]
            words = {w for key in keys for w in key}
            for key in keys:
                if len(key) >= 2:
                    self._campaign_names.setdefault(key, set()).update(words)
        # Section codes per document (lowercase), and the titles (folded, three words or
        # more, before any " — ") a listing question may name ("tổ chức thực hiện").
        self._section_codes: dict[str, set[str]] = {}
        self._section_titles: list[tuple[str, str, str]] = []
        for doc_id in kb.documents:
            for sec in kb.sections(doc_id):
                self._section_codes.setdefault(doc_id, set()).add(sec.code.casefold())
                title = " ".join(folded_key(sec.title.split(" — ")[0], self.lexicon))
                if (
                    len(title.split()) >= 3
                    and tuple(title.split()) not in self.agency_table.entries
                ):
                    self._section_titles.append((doc_id, sec.code, title))
        self.document_numbers = DocumentNumbers(kb)
        # Duties in document order (KL 44, QĐ 895, the local plans), for lists.
        doc_order = {d: i for i, d in enumerate(kb.documents)}
        self._tasks_in_order = sorted(kb.tasks.values(), key=lambda t: doc_order[t.document])
        # Names of the documents and of their kinds, to take out of a listing question.
        names = {" ".join(key) for key in self.document_table.entries}
        names |= {" ".join(folded_key(d.kind, self.lexicon)) for d in kb.documents.values()}
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
        self._doc_names = re.compile(rf"\b(?:{alternatives})\b")
        self._english_words = frozenset(
            w for phrase in self.lexicon.english for w in phrase.split() if len(w) > 3
        )
        # Every word of every agency's names (a listing question names its agency).
        self._agency_words = frozenset(w for key in self.agency_table.entries for w in key)
        self.ref_index: dict[str, list[str]] = {}
        for task in kb.tasks.values():
            for ref_key in _ref_keys(task):
                self.ref_index.setdefault(ref_key, []).append(task.id)

    def _with_phrasings(self, task: Task) -> Task:
        extra = self.extra_phrasings.get(task.id)
        if not extra:
            return task
        return task.model_copy(update={"keywords": [*task.keywords, *extra]})

    # ----------------------------------------------------------------- public

    def answer(
        self,
        question: str,
        lang: str | None = None,
        today: dt.date | None = None,
        previous: object = None,
    ) -> Answer:
        """Answer one question. ``today`` (default: the current day in Asia/Ho_Chi_Minh)
        is the day questions about time ("đã quá hạn chưa") are answered for;
        ``previous`` is ``remember()`` of the chat's last answer, against which a
        follow-up ("còn phối hợp?", "thế còn Sở Y tế?") is read."""
        text = clean_input(question)
        query = self.reader.read(text) if text else None
        lang = lang or (query.lang if query else "vi")
        if query is not None and previous is not None:
            resolved = follow_up.resolve(self, query, previous, lang, today or local_today())
            if isinstance(resolved, str):
                return self.answer(resolved, lang, today)
            if resolved is not None:
                return resolved
        if query is None or not (
            query.content or query.agencies or query.documents or query.refs or query.levels
        ):
            return Answer(
                compose.empty_question(lang)
                if query is None or not query.intents
                else compose.refusal(lang),
                0.0,
                True,
                "refuse",
                lang,
            )
        named_today = self._asked_today(text)
        new_body = sorted(i[1:] for i in named_today if i.startswith("+"))
        if new_body:  # a body of today that none of the documents' bodies became
            return self._refuse_new_body(new_body[0], lang)
        answer = self._decide(query, lang, today)
        return self.succession.annotate(answer, named_today, lang)

    def _refuse_new_body(self, change_id: str, lang: str) -> Answer:
        text, alts = self.succession.new_body_refusal(change_id, lang)
        if alts:
            text += "\n\n" + compose.did_you_mean_agency(lang)
        suggestions = [
            Suggestion(None, compose.short(self.kb.agencies[a].name, 60), 0.5, a) for a in alts
        ]
        return Answer(text, 0.0, True, "refuse", lang, suggestions=suggestions)

    def _asked_today(self, text: str) -> set[str]:
        """Predecessor ids the question names by a name of today (succession.yaml), and
        "+<change id>" for a body established without a predecessor in the base."""
        if not self.succession:
            return set()
        toks = analyze(text, self.lexicon)
        hits = self._today_names.find(toks, [False] * len(toks), fuzzy=True)
        return {agency_id for _, _, ids in hits for agency_id in ids}

    def answer_task(self, task_id: str, intent: str, lang: str) -> Answer:
        task = self.kb.tasks[task_id]
        intents = [] if intent == "summary" else [intent]
        return self._task_answer(task, intents, lang, 1.0, [])

    def agency_overview(
        self,
        agency_id: str,
        lang: str,
        role: str | None = None,
        documents: Iterable[str] | None = None,
    ) -> Answer:
        agency = self.kb.agencies[agency_id]
        items = self.kb.tasks_of_agency(agency_id)
        if role:
            items = [(t, r) for t, r in items if r == role]
        if documents is not None:
            allowed = set(documents)
            items = [(t, r) for t, r in items if t.document in allowed]
        text = compose.agency_overview(self.kb, agency, items, lang, role)
        sources = self._dedupe_sources([compose.source_of(self.kb, t) for t, _ in items])
        answer = Answer(
            text,
            0.9 if items else 0.6,
            False,
            "agency_tasks",
            lang,
            sources,
            [t.id for t, _ in items],
            [agency_id],
        )
        return self.succession.annotate(answer, set(), lang)

    def candidates(
        self, question: str, answer: Answer | None = None, limit: int = 5
    ) -> list[tuple[str, float]]:
        """Ranked candidate tasks for ``question`` as (task id, confidence), best first:
        the answer's own task and suggestions, then the ranking of the question's
        content words (even below the threshold at which the engine would suggest them).
        For curators, who link an unanswered question to one of these."""
        found: dict[str, float] = {}
        if answer is None:
            answer = self.answer(question)
        if not answer.refused:
            for task in answer.tasks[:1]:
                found[task] = round(float(answer.confidence), 3)
        for s in answer.suggestions:
            if s.task and s.task not in found:
                found[s.task] = round(float(s.score), 3)
        text = clean_input(question)
        if text:
            query = self.reader.read(text)
            for scored in self.index.score(query.content, None, limit=limit * 2):
                conf = round(float(self._confidence(scored, query)), 3)
                if conf > found.get(scored.task_id, -1.0):
                    found[scored.task_id] = conf
        ranked = sorted(found.items(), key=lambda kv: -kv[1])
        return [(task, score) for task, score in ranked if task in self.kb.tasks][:limit]

    def find_agencies(self, text: str) -> list[Agency]:
        query = self.reader.read(text)
        ids: list[str] = []
        for mention in query.agencies:
            for agency_id in self._order_agencies(mention, query):
                if agency_id not in ids:
                    ids.append(agency_id)
        return [self.kb.agencies[i] for i in ids]

    # --------------------------------------------------------------- decision

    def _decide(self, q: Query, lang: str, today: dt.date | None = None) -> Answer:
        """Ask each strategy in turn (knowledge/strategies.py); the first answer wins."""
        asked = Asked(self, q, lang, today or local_today())
        unknown = self._unknown_agency_words(q) if not q.agencies else None
        if unknown is not None and self._misspelt_agency(q, unknown):
            unknown = None  # "bộ nộ vụ": one letter from Bộ Nội vụ, now read as it
        asked.unknown = unknown
        for strategy in STRATEGIES:
            answer = strategy(asked)
            if answer is not None:
                return answer
        return self._refuse(q, lang, [])

    def _ranked_answer(self, a: Asked) -> Answer:
        """Rank the duties by the question's topic words (the last strategy)."""
        q, lang = a.q, a.lang
        allowed_docs, agencies, task_intents = a.allowed_docs, a.agencies, a.task_intents
        allowed = None
        if allowed_docs is not None:
            allowed = set().union(*(self._doc_tasks.get(d, ()) for d in allowed_docs))
        if agencies and ("agency_tasks" in q.intents):
            involved = {
                t.id for group in agencies for a in group[:1] for t, _ in self.kb.tasks_of_agency(a)
            }
            allowed = involved if allowed is None else (allowed & involved) or allowed
        scope = allowed
        ranked = self._rank(q, q.content, allowed, agencies)
        if not ranked and allowed is not None:
            scope = None
            ranked = self._rank(q, q.content, None, agencies)
        if q.documents and (not ranked or self._confidence(ranked[0], q) < 0.85):
            # "báo cáo … kết quả thực hiện KL 44": the document named may be the topic
            # (what a duty of another document is about) rather than the source.
            doc_words = [t for d in q.documents for t in self._doc_tokens(d)]
            wider = self._rank(q, q.content + doc_words, None, agencies)
            if wider and (
                not ranked or self._confidence(wider[0], q) > self._confidence(ranked[0], q) + 0.15
            ):
                ranked, scope = wider, None
        if agencies and not (ranked and self._owned_by(ranked[0].task_id, agencies)):
            # "quản lý cơ quan báo chí của Hội": a named body may be the topic, not the owner.
            agency_words = self._agency_tokens(q)
            wider = self._rank(q, q.content + agency_words, scope, []) if agency_words else []
            if (
                wider
                and (not ranked or wider[0].task_id != ranked[0].task_id)
                and self._confidence(wider[0], q) >= SUGGEST_THRESHOLD
            ):
                # Compared on the same (wider) words: the body's name must clearly lift
                # another duty above the one found without it.
                before = next(
                    (s.score for s in wider if ranked and s.task_id == ranked[0].task_id), 0.0
                )
                if wider[0].score >= 1.2 * before:
                    ranked = wider
        subject = self._subject_agency(q, agencies, task_intents)
        if subject is not None:
            own = self._subject_rank(q, subject, scope)
            if own is not None:
                ranked = [own, *(s for s in ranked if s.task_id != own.task_id)]
            elif not ranked or not self._owned_by(ranked[0].task_id, [[subject]]):
                # The agency named as the subject has no such duty: what it does.
                answer = self.agency_overview(subject, lang, None, allowed_docs)
                if not answer.tasks:
                    answer = self.agency_overview(subject, lang)
                return answer
        if not ranked:
            return self._refuse(q, lang, [])
        top = ranked[0]
        ranked = self._prefer_asked_fact(ranked, task_intents, q)
        best = ranked[0]
        confidence = self._confidence(best, q)
        if best.task_id != top.task_id:
            # The topic matched the first duty; the one chosen states the fact asked.
            confidence = max(confidence, self._confidence(top, q) * 0.9)
        if subject is not None and self._owned_by(best.task_id, [[subject]]):
            # The agency named is evidence too: its own duty on the topic asked.
            confidence = max(confidence, min(self._confidence(best, q) + 0.25, 0.9))
        others = [
            self.kb.tasks[s.task_id]
            for s in ranked[1:4]
            if self._confidence(s, q) >= SUGGEST_THRESHOLD * 0.8
        ]
        if confidence < SUGGEST_THRESHOLD or self._one_common_word(q):
            return self._refuse(q, lang, ranked[:3])
        task = self.kb.tasks[best.task_id]
        if confidence < ANSWER_THRESHOLD:
            return self._task_answer(
                task, task_intents, lang, confidence, others, unsure=True, status=a.status_today
            )
        same_level_alts = [o for o in others if self._close(ranked, o.id)]
        return self._task_answer(
            task, task_intents, lang, confidence, same_level_alts, status=a.status_today
        )

    # ---------------------------------------------------------------- listing

    def remember(
        self, question: str, answer: Answer, previous: object = None
    ) -> dict[str, object] | None:
        """What a follow-up to this answer may refer to (plain data the bot keeps per
        chat and passes back as ``answer(previous=…)``); None for a refusal. ``previous``
        is what was kept before this question (a follow-up is kept as what it stood for)."""
        return follow_up.remember(self, clean_input(question), answer, previous)

    def page(self, answer: Answer, page: int, notes: dict[str, str] | None = None) -> Answer:
        """A page of a list answer (the "Trang sau" button): same list, same ids; ``notes``
        by task id are added to their lines (the bot's progress status)."""
        if answer.listing is None:
            return answer
        shown = answer.listing.at(page)
        text = listing_text.render(self.kb, shown, shown.agencies, notes)
        return replace(answer, text=text, listing=shown)

    def listing_page(self, state: object, page: int) -> Answer | None:
        """Page ``page`` of a list kept as ``Listing.to_state()`` (per chat, by the bot);
        None when the state is not a list. Ids the base no longer has are left out."""
        shown = listing.Listing.from_state(state)
        if shown is None:
            return None
        kept = tuple(t for t in shown.tasks if t in self.kb.tasks)
        agencies = tuple(x for x in shown.agencies if x in self.kb.agencies)
        shown = replace(shown, tasks=kept, agencies=agencies).at(page)
        docs = list(dict.fromkeys(self.kb.tasks[t].document for t in kept))
        sources = [
            Source(d, self.kb.documents[d].label, "", None, str(self.kb.documents[d].level))
            for d in docs
        ]
        text = listing_text.render(self.kb, shown, agencies)
        return Answer(
            text, 0.9, False, "list", shown.lang, sources, list(kept), list(agencies), listing=shown
        )

    def _listing(self, a: Asked) -> Answer | None:
        """Lists and counts over task attributes (see knowledge/listing.py)."""
        q = a.q
        if a.unknown is not None and not q.agencies:
            return None  # an agency the base does not know: refused further on
        plain = strip_numbers(a.folded)
        time = read_time(plain, a.today)
        reading = listing.read(plain, time)
        flt = reading.filter
        if _AGENCY_LIST.search(plain) and not reading.noun:
            return None  # "danh sách cơ quan phối hợp …": agencies, not duties
        cue = reading.count or reading.listed
        relative = flt.overdue or flt.soon or flt.not_overdue or bool(time.words)
        if not (cue or relative or flt.timed()):
            return None
        # Every topic word must be a word of the listing itself: "rà soát luật đã quá
        # hạn chưa" asks about one duty, not for a list.
        # A part named by its title ("nội dung tổ chức thực hiện" of KL 44).
        docs = a.allowed_docs
        sections = set(flt.sections)
        title_words: set[str] = set()
        if cue:
            for doc_id, code, words in self._section_titles:
                if (docs is None or doc_id in docs) and f" {words} " in f" {a.folded} ":
                    sections.add(code)
                    title_words |= set(words.split())
                    docs = {doc_id} if docs is None else docs
        framing = (
            listing.FRAME_WORDS
            | self.reader.place_words
            | {t.f for t in self._agency_tokens(q)}
            | title_words
        )
        rest = set(self._doc_names.sub(" ", " ".join(reading.rest)).split())
        if q.lang == "en":
            framing |= self.lexicon.stopwords_en | self._agency_words | self.lexicon.stopwords_vi
            topic = [w for w in rest if w not in framing]
        else:
            # Vietnamese words as read, and English words typed inside ("replacement").
            content = {t.f for t in q.content}
            topic = [
                w for w in rest if w not in framing and (w in content or w in self._english_words)
            ]
        if any(not w.isdigit() and not _ROMAN_WORD.fullmatch(w) for w in topic):
            return None
        for ref in q.refs:
            code = ref[2:] if ref.startswith("p.") else ref
            owners = {
                d for d in (docs or self.kb.documents) if code in self._section_codes.get(d, ())
            }
            if not owners:
                return None  # a reference to one duty ("II.2 còn mấy ngày"): not a list
            in_parts = sum(
                1
                for t in self._tasks_in_order
                if t.document in owners and t.section.casefold() == code
            )
            if in_parts <= 1 and not reading.noun and self.ref_index.get(ref):
                return None  # "danh sách cơ quan phối hợp II.2": about that one duty
            sections.add(code.upper())
            docs = owners if docs is None else (docs & owners) or owners
        agencies = tuple(dict.fromkeys(g[0] for g in a.agencies))
        flt = replace(
            flt,
            documents=frozenset(docs) if docs is not None else None,
            sections=frozenset(sections),
            agencies=agencies,
            role=flt.role if agencies else None,
            today=a.today,
        )
        if not (reading.count or flt.narrows() or relative or flt.timed()):
            if agencies and reading.listed:
                # "which tasks does the Ministry of Justice take part in": all it has.
                primary = self._primary_agency(a.agencies, q)
                if any(
                    docs is None or t.document in docs for t, _ in self.kb.tasks_of_agency(primary)
                ):
                    return self.agency_overview(primary, a.lang, None, docs)
            return None  # "KL 44 gồm gì": answered further on
        ids = listing.select(self.kb, flt, self._tasks_in_order)
        tasks = [self.kb.tasks[t] for t in ids]
        if reading.unit == "sections" and reading.count:
            head = listing_text.section_header(self.kb, flt, tasks, a.lang)
        else:
            head = listing_text.header(self.kb, flt, len(ids), a.lang)
        shown = listing.Listing(
            head, tuple(ids), a.lang, timed=flt.timed(), today=a.today, agencies=agencies
        )
        doc_ids = list(dict.fromkeys(t.document for t in tasks)) or [
            d for d in self.kb.documents if docs is None or d in docs
        ]
        sources = [
            Source(d, self.kb.documents[d].label, "", None, str(self.kb.documents[d].level))
            for d in doc_ids
        ]
        return Answer(
            listing_text.render(self.kb, shown, agencies),
            0.9,
            False,
            "list",
            a.lang,
            sources,
            list(ids),
            list(agencies),
            listing=shown,
        )

    # ---------------------------------------------------------------- helpers

    def _rank(
        self, q: Query, content: list[Tok], allowed: set[str] | None, agencies: list[list[str]]
    ) -> list[Scored]:
        ranked = self.index.score(content, allowed, limit=12)
        if agencies:
            ranked = self._boost_agencies(ranked, agencies)
        if not q.levels and not q.documents and not self._local_agency(agencies):
            # No level, place or local agency named: the national documents come first.
            ranked = self._prefer_central(ranked)
        return ranked[:8]

    def _agency_kind_listing(self, q: Query, docs: set[str] | None, lang: str) -> Answer | None:
        """Bodies of one kind (sở, bộ) with duties in the documents of the level asked."""
        if not docs or q.agencies or not set(q.intents) <= {"lead", "list", "agency_tasks"}:
            return None
        heads = self.lexicon.agency_heads
        # Typed with diacritics, the head must be the word itself: "dân số" is not "sở".
        head = next((f for f in q.free_all if f in heads), None)
        typed = next((t for t in split_words(q.text) if t.f == head), None)
        if (
            head is not None
            and typed is not None
            and typed.a is not None
            and heads[head]
            and typed.a not in heads[head]
        ):
            return None
        if head is None:
            return None
        place_words = self.reader.place_words
        rest = {t.f for t in q.content} - self._kind_words - place_words - {head}
        if rest:
            return None
        found: dict[str, list[Task]] = {}
        for doc_id in docs:
            for task in self.kb.tasks_of_document(doc_id):
                for agency_id in (*task.lead, *task.coordinate):
                    name = folded_key(self.kb.agencies[agency_id].name, self.lexicon)
                    if name[:1] == (head,) or (head == "bo" and name[:2] == ("cac", "bo")):
                        found.setdefault(agency_id, []).append(task)
        if not found:
            return None
        text = compose.agency_kind_listing(self.kb, found, lang)
        tasks = list(dict.fromkeys(t.id for ts in found.values() for t in ts))
        sources = self._dedupe_sources(
            [compose.source_of(self.kb, self.kb.tasks[t]) for t in tasks]
        )
        return Answer(text, 0.85, False, "list", lang, sources, tasks, list(found))

    def _basis_document(self, q: Query, allowed_docs: set[str] | None) -> str | None:
        """The document a basis question is about: the one named, else the most local
        one of the levels named (a district letter rests on the city's, not the reverse)."""
        if q.documents and (allowed_docs is None or set(q.documents) & allowed_docs):
            return self._pick_document(q)
        if not allowed_docs:
            return None
        rank = {"district": 0, "city": 1, "province": 2, "government": 3, "party_central": 4}
        return min(allowed_docs, key=lambda d: rank.get(self.kb.documents[d].level, 5))

    def _owned_by(self, task_id: str, agencies: list[list[str]]) -> bool:
        task = self.kb.tasks[task_id]
        owners = set(task.lead) | set(task.coordinate)
        return any(group[0] in owners for group in agencies)

    def _matches_agency_tasks(self, q: Query, agencies: list[list[str]]) -> bool:
        ids = {t.id for group in agencies for a in group for t, _ in self.kb.tasks_of_agency(a)}
        best = self.index.score(q.content, ids, limit=1) if ids else []
        return bool(best) and self._confidence(best[0], q) >= SUGGEST_THRESHOLD

    def _agency_tokens(self, q: Query) -> list[Tok]:
        toks: list[Tok] = []
        for start, end in q.agency_spans:
            toks.extend(Tok(f, None) for f in q.free_all[start:end])
        return toks

    def _prefer_asked_fact(
        self, ranked: list[Scored], intents: list[str], q: Query | None = None
    ) -> list[Scored]:
        """When the best duty leaves the asked fact blank (no coordinator, deadline or output) and
        a near-equal one states it, answer with the one that states it. A duty whose title
        carries the document numbers asked (NĐ 93) is its main subject: it is preferred from
        further down (``FACT_WINDOW``) over one that mentions them among other things."""
        asked = [i for i in intents if i in ("coordinate", "deadline", "output")]
        if len(ranked) < 2 or not asked:
            return ranked
        numbers = [t.f for t in q.content if t.f.isdigit()] if q is not None else []

        def has(task_id: str) -> int:
            task = self.kb.tasks[task_id]
            return sum(1 for field in asked if getattr(task, field))

        top = has(ranked[0].task_id)
        if top == len(asked):
            return ranked
        for i, s in enumerate(ranked[1:4], start=1):
            if s.score >= 0.85 * ranked[0].score and has(s.task_id) > top:
                return [s, *ranked[:i], *ranked[i + 1 :]]
        if numbers:
            for i, s in enumerate(ranked[1:5], start=1):
                titled = self.index.docs[s.task_id].fold
                if (
                    s.score >= FACT_WINDOW * ranked[0].score
                    and has(s.task_id) > top
                    and all(titled.get(n, 0.0) >= 1.0 for n in numbers)
                ):
                    return [s, *ranked[:i], *ranked[i + 1 :]]
        return ranked

    # ------------------------------------------------------- probe-found rules

    def _cited_text(self, q: Query, lang: str) -> Answer | None:
        """ "176-KH/TU là gì", "văn bản nào căn cứ Công văn 809": a text the documents cite
        by number but the base does not hold; answered with its citation, only when the
        question asks nothing else (no duty words)."""
        text = " ".join(fold(q.text).replace("'", " ").split())
        hits, rest = doc_facts.find_cited(self.kb, text)
        if not hits:
            return None
        rest = re.sub(r"[^\w ]", " ", rest)
        content = doc_facts.asks_content(rest)  # "nói gì", "có nội dung gì": not in the base
        rest_words = doc_facts.residual(doc_facts.CONTENT.sub(" ", rest).split())
        if not all(w in doc_facts.CITED_FILLER or w in self._kind_words for w in rest_words):
            return None
        sources = [Source(d.id, d.label, "", None, str(d.level)) for h in hits for d in h.documents]
        body = compose.cited_answer(self.kb, hits, lang)
        return Answer(body, 0.9, content, "summary", lang, self._dedupe_sources(sources))

    def _document_fact(self, q: Query, lang: str) -> Answer | None:
        """ "QĐ 895 ban hành ngày nào", "kl44 do ai ký": the document's own record."""
        docs = set(q.documents)
        if not docs:
            level_docs = self._level_documents(q) if q.levels else None
            if not level_docs or len(level_docs) != 1:
                return None
            if not any(f in self._kind_words for f in q.free_all):
                return None
            docs = level_docs
        text = " ".join(fold(f"{' '.join(q.free_all)} {q.text}").replace("'", " ").split())
        text = re.sub(r"[^\w/ ]", " ", text)
        facts = doc_facts.facts_asked(text, q.intents)
        if not facts:
            return None
        several = compound.facts_asked(text, q.intents)
        allowed = self._doc_words | self._kind_words | self.reader.place_words
        allowed |= self.lexicon.stopwords_vi | self.lexicon.stopwords_en
        if not doc_facts.only_fact_words(q.free_all, allowed):
            return None
        doc_id = self._pick_document(q) if q.documents else next(iter(docs))
        doc = self.kb.documents[doc_id]
        if several:  # "QĐ 895 ngày nào, do ai ký?": the facts in the order asked
            facts = [*several, *(f for f in facts if f not in several)]
        if facts == ["basis"]:
            body = compose.basis_answer(self.kb, doc, lang)
        else:
            body = compose.document_fact(self.kb, doc, facts, lang)
        return Answer(
            body, 0.9, False, "summary", lang, [Source(doc.id, doc.label, "", None, str(doc.level))]
        )

    def _unknown_agency_words(self, q: Query) -> list[str] | None:
        """The words after an agency head (Sở, Bộ, Ban) that name no agency of the base."""
        free = q.free or []
        heads = self.lexicon.agency_heads
        stop = self.lexicon.stopwords_vi
        for i, tok in enumerate(free[:-1]):
            nxt = free[i + 1]
            after = free[i + 2].f if i + 2 < len(free) else ""
            if tok.f in heads:
                if tok.a is not None and tok.a not in heads[tok.f]:
                    continue
            elif tok.f not in _EXTRA_HEADS or tok.a is not None:
                continue
            if tok.f in _EXTRA_HEADS and (tok.f, nxt.f) in self.reader.compounds:
                continue  # "ban hành", "bổ sung" typed plainly: a word of the base, not a body
            named = nxt.f.isalpha() and (
                nxt.f not in stop or (nxt.f, after) in self.reader.compounds
            )
            if named:
                return [tok.f, *(t.f for t in free[i + 1 : i + 7])]
        return None

    def _unknown_subject(self, q: Query, words: list[str]) -> bool:
        """Whether an unnamed agency is the subject of the question: named first (also
        "Bộ Xây dựng phối hợp gì": what it coordinates is its duty), and either a
        look-alike of a named agency (Bộ Y tế ~ Sở Y tế) or no word of the base ("bộ
        phận" is one)."""
        free = [t.f for t in q.free or []]
        start = free.index(words[0]) if words[0] in free else -1
        if start < 0 or any(w not in self.lexicon.stopwords_vi for w in free[:start]):
            return False
        if (words[0], words[1]) not in self.reader.compounds:
            return True
        return bool(self._lookalike_agencies(words))

    @staticmethod
    def _asks_office_holder(q: Query, folded: str) -> bool:
        """ "Ai là bộ trưởng Bộ Nội vụ", "who is the director of …": a person, not a duty."""
        if not (_OFFICE.search(folded) and _WHO_HOLDS.search(folded)):
            return False
        return all(t.f in _OFFICE_FILLER for t in q.content)

    def _misspelt_agency(self, q: Query, words: list[str]) -> bool:
        """An agency name one typo away from exactly one name of the base with the same
        head ("bộ nộ vụ" → Bộ Nội vụ; short syllables are not typo-corrected elsewhere).
        When found, the question is read as naming it: its words leave the topic."""
        head, rest = words[0], [w for w in words[1:] if w != "va"]
        hits: dict[str, int] = {}
        for agency_id, key_head, tail in self._headed_names:
            if key_head != head or not tail or len(rest) < len(tail):
                continue
            typed = " ".join(rest[: len(tail)])
            name = " ".join(tail)
            if (
                len(name) >= 6  # not a short form ("TC"): one letter off is another word
                and typed != name
                and all(a[:1] == b[:1] for a, b in zip(rest, tail, strict=False))
                and Levenshtein.distance(typed, name) <= (1 if len(name) < 10 else 2)
            ):
                hits[agency_id] = len(tail)
        if len(hits) != 1:
            return False
        agency_id, n = next(iter(hits.items()))
        used = set(rest[:n])
        q.agencies.append({agency_id})
        q.content = [t for t in q.content if t.f not in used]
        return True

    def _lookalike_agencies(self, words: list[str]) -> list[str]:
        """Agencies whose name is the one asked with another head (Bộ X → Sở X)."""
        head, rest = words[0], [w for w in words[1:] if w != "va"]
        found: list[str] = []
        for agency_id, key_head, tail in self._headed_names:
            if agency_id in found or key_head == head:
                continue
            k = min(3, len(tail), len(rest))
            if k >= 1 and rest[:k] == list(tail[:k]):
                found.append(agency_id)
        return found[:4]

    def _other_place(self, q: Query) -> str | None:
        """A province or district the documents have no plan for ("Sở Y tế Hà Nội"), when
        the question names none they cover and no national body (whose duty holds for
        every province: "UBND các tỉnh" in QĐ 895)."""
        place = self.other_places.find(q.text)
        if place is None or self.covered_places.find(q.text) is not None:
            return None
        if q.documents - LOCAL_DOCS(self.kb):
            return None  # "… Hà Nội theo QĐ 895": a national document holds for every province
        for mention in q.agencies:
            group = self._order_agencies(mention, q)
            docs = self._agency_documents(group[0]) if group else set()
            if docs and not docs <= LOCAL_DOCS(self.kb):
                return None
        return place

    def _refuse_place(self, q: Query, lang: str, place: str) -> Answer:
        """Say which localities the documents cover; offer the agency of that name they do
        hold (Sở Y tế of Lai Châu) as a button rather than answer with its duty."""
        groups = [self._order_agencies(m, q) for m in q.agencies]
        alts = list(dict.fromkeys(a for group in groups for a in group[:1]))[:4]
        suggestions = [
            Suggestion(None, compose.short(self.kb.agencies[a].name, 60), 0.5, a) for a in alts
        ]
        text = compose.other_place(lang, place)
        if suggestions:
            text += "\n\n" + compose.did_you_mean_agency(lang)
        return Answer(text, 0.0, True, "refuse", lang, suggestions=suggestions)

    def _refuse_agency(self, q: Query, lang: str, words: list[str]) -> Answer:
        alts = self._lookalike_agencies(words)
        text = compose.unknown_agency(lang)
        if alts:
            text += "\n\n" + compose.did_you_mean_agency(lang)
        suggestions = [
            Suggestion(None, compose.short(self.kb.agencies[a].name, 60), 0.5, a) for a in alts
        ]
        return Answer(text, 0.0, True, "refuse", lang, suggestions=suggestions)

    def _campaign_only(self, q: Query) -> bool:
        """Whether a question's topic is only a campaign's name (and words no duty has)."""
        typed = [w for w in re.split(r"[^\w]+", fold(q.text)) if w]
        named_words: set[str] = set()
        for key, names in self._campaign_names.items():
            n = len(key)
            for seq in (q.free_all, typed):
                if any(tuple(seq[i : i + n]) == key for i in range(len(seq) - n + 1)):
                    named_words |= names
        if not named_words:
            return False
        words = [t.f for t in q.content if t.f in self.index.postings and t.f not in _EVENT_WORDS]
        total = sum(self.index.weight(w) for w in words)
        named = sum(self.index.weight(w) for w in words if w in named_words)
        return named >= CAMPAIGN_SHARE * total

    def _subject_agency(
        self, q: Query, agencies: list[list[str]], task_intents: list[str]
    ) -> str | None:
        """The one agency a question is about, named first as its subject ("Sở Tài chính
        có bố trí kinh phí không"), when it does not ask who leads or coordinates."""
        if len(agencies) != 1 or len(q.agency_spans) != 1 or not q.content:
            return None
        if {"lead", "coordinate"} & set(task_intents):
            return None
        start = q.agency_spans[0][0]
        framing = self.lexicon.stopwords_vi | self._doc_words | self.reader.place_words
        if any(w not in framing for w in q.free_all[:start]):
            return None  # "kinh phí cho Sở X": named after the topic, not its subject
        return agencies[0][0]

    def _subject_rank(self, q: Query, agency_id: str, scope: set[str] | None) -> Scored | None:
        """The subject agency's best duty on the question's topic, if it has one."""
        own = {t.id for t, _ in self.kb.tasks_of_agency(agency_id)}
        if scope is not None:
            own = (own & scope) or own
        best = self.index.score(q.content, own, limit=1)
        if best and self._confidence(best[0], q) >= SUGGEST_THRESHOLD * 0.6:
            return best[0]
        return None

    def _local_agency(self, agencies: list[list[str]]) -> bool:
        local = LOCAL_DOCS(self.kb)
        for group in agencies:
            docs = self._agency_documents(group[0])
            if docs and docs <= local:
                return True
        return False

    def _is_central(self, task_id: str) -> bool:
        level = self.kb.documents[self.kb.tasks[task_id].document].level
        return level in ("government", "party_central")

    def _prefer_central(self, ranked: list[Scored]) -> list[Scored]:
        out = []
        for s in ranked:
            if self._is_central(s.task_id):
                s = Scored(s.task_id, s.score * CENTRAL_PREFERENCE, s.coverage, s.bigram_coverage)
            out.append(s)
        out.sort(key=lambda s: (-s.score, self.index.order[s.task_id]))
        if out and not self._is_central(out[0].task_id):
            # The same duty restated in a local plan: on equal evidence, the national one.
            top = out[0]
            for i, s in enumerate(out[1:5], start=1):
                if (
                    self._is_central(s.task_id)
                    and s.coverage >= top.coverage - 0.05
                    and s.bigram_coverage >= top.bigram_coverage - 0.1
                ):
                    return [s, *out[:i], *out[i + 1 :]]
        return out

    def _doc_tokens(self, doc_id: str) -> list[Tok]:
        doc = self.kb.documents[doc_id]
        names = doc.short_names[:1] or [doc.number]
        return analyze(names[0], self.lexicon) if names and names[0] else []

    def _confidence(self, s: Scored, q: Query) -> float:
        conf = s.coverage * (0.6 + 0.4 * s.bigram_coverage)
        if len(q.content) == 1:
            # A single word is thin evidence unless it is rare in the base.
            rare = self.index.weight(q.content[0].f) / self.index.max_idf
            conf *= 0.55 + 0.45 * rare
        return min(conf, 1.0)

    def _close(self, ranked: list[Scored], task_id: str) -> bool:
        top = ranked[0].score
        for s in ranked:
            if s.task_id == task_id:
                return s.score >= 0.9 * top
        return False

    def _boost_agencies(self, ranked: list[Scored], agencies: list[list[str]]) -> list[Scored]:
        named = {a for group in agencies for a in group}
        out = []
        for s in ranked:
            task = self.kb.tasks[s.task_id]
            if named & (set(task.lead) | set(task.coordinate)):
                s = Scored(s.task_id, s.score * 1.25, min(1.0, s.coverage + 0.1), s.bigram_coverage)
            out.append(s)
        out.sort(key=lambda s: (-s.score, self.index.order[s.task_id]))
        return out

    def _one_common_word(self, q: Query) -> bool:
        """ "dân số tỉnh Lai Châu": no cue, no agency, no reference, and the one topic word
        left is common across the duties (dân of "nhân dân"), so it names none of them."""
        if q.intents or q.agencies or q.refs or q.documents or len(q.content) != 1:
            return False
        return self.index.weight(q.content[0].f) < COMMON_WORD_SHARE * self.index.max_idf

    def _order_ref_hits(self, hits: list[str], intents: list[str]) -> list[str]:
        """A bare reference ("hạn II.4?") with no topic words: several documents may number
        a part II.4. The duty that states the fact asked comes first, then the national
        one (the appendix of QĐ 895 is what a bare "II.4" most often means)."""
        asked = [i for i in intents if i in ("coordinate", "deadline", "output")]

        def key(task_id: str) -> tuple[int, int]:
            task = self.kb.tasks[task_id]
            missing = sum(1 for field in asked if not getattr(task, field))
            return (missing, 0 if self._is_central(task_id) else 1)

        return sorted(dict.fromkeys(hits), key=key)

    def _rank_within(self, q: Query, task_ids: list[str]) -> list[str]:
        if not q.content:
            return []
        scored = self.index.score(q.content, set(task_ids), limit=len(task_ids))
        rest = [t for t in task_ids if t not in {s.task_id for s in scored}]
        return [s.task_id for s in scored] + rest

    def _primary_agency(self, agencies: list[list[str]], q: Query) -> str:
        """The first named agency that has duties; in "X giao Y làm gì" that is Y."""
        flat = [a for group in agencies for a in group[:1]]
        if "giao" in q.free_all and len(q.agency_spans) == len(flat):
            after = q.free_all.index("giao")
            assigned = [
                a for a, (start, _) in zip(flat, q.agency_spans, strict=True) if start > after
            ]
            flat = assigned + [a for a in flat if a not in assigned]
        for agency_id in flat:
            if self.kb.tasks_of_agency(agency_id):
                return agency_id
        return flat[0]

    def _allowed_documents(self, q: Query) -> set[str] | None:
        level_docs = self._level_documents(q)
        if q.documents:
            named = set(q.documents)
            local = LOCAL_DOCS(self.kb)
            if level_docs and not named & level_docs and level_docs <= local:
                # "Thành ủy … thực hiện KL 44": the plan of that level, not KL 44 itself.
                return level_docs
            return named
        return level_docs

    def _agency_documents(self, agency_id: str) -> set[str]:
        return {t.document for t, _ in self.kb.tasks_of_agency(agency_id)}

    def _level_documents(self, q: Query) -> set[str] | None:
        if not q.levels:
            # A local agency named alone (Sở Y tế, Ban Dân vận Quận ủy) is a place:
            # the documents its duties are in. Generic national owners (UBND các tỉnh)
            # have their duties in the national plan, so they narrow nothing.
            docs: set[str] = set()
            for mention in q.agencies:
                if len(mention) != 1:
                    continue
                agency_docs = self._agency_documents(next(iter(mention)))
                if agency_docs and all(d in LOCAL_DOCS(self.kb) for d in agency_docs):
                    docs |= agency_docs
            return docs or None
        else:
            levels = set()
            for level in q.levels:
                levels |= QUERY_LEVEL_TO_DOC.get(level, set())
        docs = {d.id for d in self.kb.documents.values() if d.level in levels}
        return docs or None

    def _order_agencies(self, mention: set[str], q: Query) -> list[str]:
        """Candidate agencies of one mention, the likeliest first."""
        ids = list(mention)
        doc_levels = set()
        for level in q.levels:
            doc_levels |= QUERY_LEVEL_TO_DOC.get(level, set())
        for doc in q.documents:
            doc_levels.add(self.kb.documents[doc].level)
        order = {"central": 0, "any": 1, "province": 2, "city": 3, "district": 4}

        def key(agency_id: str) -> tuple[int, int, int]:
            agency = self.kb.agencies[agency_id]
            fits = any(agency.level in AGENCY_LEVELS.get(lv, set()) for lv in doc_levels)
            has_tasks = bool(self.kb.tasks_of_agency(agency_id))
            return (
                0 if fits or not doc_levels else 1,
                0 if has_tasks else 1,
                order.get(agency.level, 5),
            )

        return sorted(ids, key=key)

    def _pick_document(self, q: Query) -> str:
        order = list(self.kb.documents)
        return sorted(q.documents, key=order.index)[0]

    def _task_answer(
        self,
        task: Task,
        intents: list[str],
        lang: str,
        confidence: float,
        others: list[Task],
        unsure: bool = False,
        status: dt.date | None = None,
    ) -> Answer:
        text = compose.task_card(self.kb, task, intents, lang)
        if status is not None:
            # "Đã quá hạn chưa?": the duty's time status as of today comes first.
            text = listing_text.status_line(self.kb.deadline(task.id), status, lang) + "\n" + text
        suggestions = [self._suggestion(t, lang) for t in others if t.id != task.id]
        if unsure and suggestions:
            text += "\n\n" + compose.did_you_mean(lang)
        elif suggestions and any(
            self.kb.documents[t.document].level != self.kb.documents[task.document].level
            for t in others
        ):
            text += "\n\n" + compose.ambiguous_hint(lang)
        # the query reader's intents are Intent values (knowledge/query.py)
        intent = cast(Intent, intents[0]) if len(intents) == 1 else "summary"
        return Answer(
            text,
            confidence,
            False,
            intent,
            lang,
            [compose.source_of(self.kb, task)],
            [task.id],
            list(dict.fromkeys([*task.lead, *task.coordinate])),
            suggestions,
        )

    def _suggestion(self, task: Task, lang: str, score: float = 0.0) -> Suggestion:
        doc = self.kb.documents[task.document]
        label = f"{doc.short_names[0] if doc.short_names else doc.label} {task.ref}: {task.title}"
        return Suggestion(task.id, compose.short(label, 60), score)

    def _refuse(self, q: Query, lang: str, ranked: list[Scored]) -> Answer:
        suggestions = [
            self._suggestion(self.kb.tasks[s.task_id], lang, self._confidence(s, q))
            for s in ranked
            if self._confidence(s, q) >= SUGGEST_THRESHOLD * 0.6
        ]
        text = compose.refusal(lang)
        if suggestions:
            text += "\n\n" + compose.did_you_mean(lang)
        best = self._confidence(ranked[0], q) if ranked else 0.0
        return Answer(text, best, True, "refuse", lang, suggestions=suggestions)

    def _with_agency_suggestions(self, answer: Answer, alts: list[str]) -> Answer:
        if not alts:
            return answer
        extra = [
            Suggestion(None, compose.short(self.kb.agencies[a].name, 60), 0.5, a) for a in alts
        ]
        return Answer(
            answer.text,
            answer.confidence,
            answer.refused,
            answer.intent,
            answer.lang,
            answer.sources,
            answer.tasks,
            answer.agencies,
            extra,
        )

    @staticmethod
    def _dedupe_sources(sources: list[Source]) -> list[Source]:
        seen: dict[tuple[str, str], Source] = {}
        for s in sources:
            seen.setdefault((s.document, s.ref), s)
        return list(seen.values())
