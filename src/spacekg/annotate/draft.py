"""A new text → a draft annotation: proposed statements, each with a verbatim quote, the names
that the registry lacks, and what a person should check.

The drafter reads the text in its normalized form (sources/quotes.py: whitespace, typographic
quotes and broken hyphens evened out), so that every span it proposes maps back to the verbatim
text and passes the build's quote verification.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import URIRef

from ..namespaces import SKG
from ..sources.quotes import NormalizedText, normalize
from .cues import ROLES, SUBJECTS, CueBook, learn
from .dates import DateMention, Dates
from .gazetteer import Gazetteer, Mention, blank_pipeline
from .knowledge import Knowledge, local
from .ordinals import Ordinals

EVENTS = frozenset({SKG.Event})
PLACES = frozenset({SKG.Place})
CITIES = frozenset({SKG.City})
SERIES = frozenset({SKG.DialogueSeries})
ACTORS = frozenset({SKG.Organization, SKG.Person})
CONVENERS = frozenset({SKG.Government, SKG.Country})
INSTRUMENTS = frozenset({SKG.PolicyInstrument})
SUBJECT_MATTER = frozenset({SKG.Topic, SKG.Program, SKG.System, SKG.PolicyInstrument, SKG.Region, SKG.Event,
                            SKG.InternationalBody})
SESSIONS = frozenset({SKG.Session})
CUE_REACH = 30  # tokens between a cue and the name it governs, at most
NEAR = 6  # tokens between an ordinal and the series or "meeting" it numbers


@dataclass
class Proposed:
    """A proposed statement: a span of the normalized text and the facts it supports."""

    id: str
    subject: str
    start: int
    end: int
    facts: dict[str, list] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)
    confidence: str | None = None
    quote: str = ""

    def add(self, prop: str, value) -> None:
        values = self.facts.setdefault(prop, [])
        if value not in values:
            values.append(value)


@dataclass
class Unknown:
    """A name that the registry lacks, with the entry proposed for it."""

    name: str
    entry: dict
    registry_file: str


@dataclass
class Draft:
    document: dict
    statements: list[Proposed]
    unknowns: list[Unknown]
    checks: list[str]
    source: str  # the text file, as shown


@dataclass
class Analysis:
    """A text as the drafter reads it."""

    normalized: NormalizedText
    doc: object
    mentions: list[Mention]
    dates: list[DateMention]
    ordinals: list

    @property
    def text(self) -> str:
        return self.normalized.normalized

    def locate(self, quote: str) -> tuple[int, int] | None:
        needle = normalize(quote)
        at = self.text.find(needle)
        return (at, at + len(needle)) if needle and at >= 0 else None

    def sentence(self, char: int):
        span = self.doc.char_span(char, char + 1, alignment_mode="expand")
        return span.sent if span is not None else None

    def within(self, items, start: int, end: int) -> list:
        return [item for item in items if start <= item.start and item.end <= end]


class Drafter:
    """Drafts annotations with what ``knowledge`` teaches: its names, cue words and conventions."""

    def __init__(self, knowledge: Knowledge, seeds: bool = True):
        self.knowledge = knowledge
        self.nlp = blank_pipeline()
        self.gazetteer = Gazetteer(knowledge, self.nlp)
        self.dates = Dates(self.nlp)
        self.ordinals = Ordinals(self.nlp)
        self._training = {}
        self.cues: CueBook = learn(knowledge, self._training_analysis, seeds)
        self.noise = self._unannotated_names()
        self.words = knowledge.class_by_word()

    # -- what the corpus teaches ------------------------------------------------------------------

    def analyse(self, text: str) -> Analysis:
        normalized = NormalizedText(text)
        doc = self.nlp(normalized.normalized)
        _mark_headings(doc, text)
        years = Counter(d.start_date[:4] for d in self.dates.find(doc))
        default_year = int(years.most_common(1)[0][0]) if years else None
        return Analysis(normalized, doc, self.gazetteer.find(doc), self.dates.find(doc, default_year),
                        self.ordinals.find(doc))

    def _training_analysis(self, document: str):
        text = self.knowledge.texts.get(document)
        if text is None:
            return None
        analysis = self._training[document] = self.analyse(text)
        return analysis.doc, analysis.mentions, analysis.locate

    def _unannotated_names(self) -> set[str]:
        """Entities that the curated texts mention again and again but their statements hardly
        ever use ("space"): not proposed as subjects."""
        mentioned, used = Counter(), Counter()
        for document, analysis in self._training.items():
            values = {local(f.value) for s in self.knowledge.statements if s.document == document
                      for f in s.facts if isinstance(f.value, URIRef)}
            for entity in {m.entity for m in analysis.mentions}:
                mentioned[entity] += 1
                used[entity] += entity in values
        return {e for e, n in mentioned.items() if n >= 2 and used[e] / n < 0.34}

    # -- drafting ---------------------------------------------------------------------------------

    def draft(self, text: str, name: str, shown: str | None = None) -> Draft:
        """The draft annotation of ``text`` (file name ``name``, e.g. 'cds10-joint-statement.txt')."""
        return _Drafting(self, self.analyse(text), name, shown or name).run()


class _Drafting:
    """One text being drafted."""

    def __init__(self, drafter: Drafter, analysis: Analysis, name: str, shown: str):
        self.drafter = drafter
        self.k = drafter.knowledge
        self.a = analysis
        self.name = name
        self.shown = shown
        self.statements: list[Proposed] = []
        self.unknowns: dict[str, Unknown] = {}
        self.checks: list[str] = []
        self.used: set[tuple[int, int]] = set()  # mentions already given a role
        self.meeting: str | None = None
        self.meeting_ordinal: int | None = None
        self.series: str | None = None
        self.meeting_date: date | None = None
        self.events: list[str] = []  # events the text reports on
        self.plans: set[str] = set()  # meetings it announces

    def run(self) -> Draft:
        self._main_meeting()
        self._roles()
        self._next_meeting()
        self._other_events()
        self._subjects()
        self._agreement_dates()
        for statement in self.statements:
            statement.quote = self._quote(statement)
        return Draft(self._header(), self.statements, list(self.unknowns.values()), self.checks, self.shown)

    # the meeting the text reports on

    def _series_meetings(self):
        """(ordinal, series id, start, end) for every 'Nth … <series>' in the text."""
        found = []
        for ordinal in self.a.ordinals:
            after = [m for m in self.a.mentions if m.start >= ordinal.end
                     and self.k.is_a(m.entity, SERIES) and self._tokens_between(ordinal.end, m.start) <= NEAR]
            if after:
                found.append((ordinal.value, after[0].entity, ordinal.start, after[0].end))
        return found

    def _main_meeting(self) -> None:
        meetings = self._series_meetings()
        if not meetings:
            self.checks.append("no numbered meeting of a dialogue series found: give the statements' "
                               "subject by hand")
            return
        ordinal, series, start, end = meetings[0]
        self.series, self.meeting_ordinal = series, ordinal
        self.meeting = self._meeting_id(series, ordinal, planned=False)
        self.events.append(self.meeting)
        mentions = [(s, e) for n, ser, s, e in meetings if n == ordinal and ser == series]
        mentions += [(m.start, m.end) for m in self.a.mentions if m.entity == self.meeting]
        mentions += [(m.start, m.end) for m in self.a.mentions if m.entity == series]
        readings = [self._reading(sentence, sorted(mentions)) for sentence in
                    _unique(self.a.sentence(s) for s, _ in sorted(mentions))]
        readings = [r for r in readings if r is not None]
        if not readings:
            return
        # the passage that says most (a date and a place) states the meeting; other dates are
        # further claims
        primary = max(readings, key=lambda r: (bool(r[1]) + bool(r[2]), -r[0].start_char))
        claims = []
        for sentence, dates, places, span in [primary] + [r for r in readings if r is not primary]:
            if sentence is not primary[0] and not dates:
                continue
            if sentence is not primary[0] and any(c.facts.get("startDate") == [dates[0].start_date] for c in claims):
                continue
            claim = Proposed("meeting-held" if sentence is primary[0] else f"meeting-date-{len(claims) + 1}",
                             self.meeting, *span)
            if sentence is primary[0]:
                if places:
                    claim.add("heldIn", places[0].entity)
                    claim.start, claim.end = min(claim.start, places[0].start), max(claim.end, places[0].end)
            if dates:
                day = dates[0]
                claim.add("startDate", day.start_date)
                claim.add("endDate", day.end_date or day.start_date)
                claim.start, claim.end = min(claim.start, day.start), max(claim.end, day.end)
                if day.year_assumed:
                    claim.checks.append(f"'{day.text}' gives no year; {day.start_date[:4]} is the year the "
                                        "text names most often")
            claims.append(claim)
        dated = [c for c in claims if "startDate" in c.facts]
        if dated:
            self.meeting_date = date.fromisoformat(dated[0].facts["startDate"][0])
        if len({c.facts["startDate"][0] for c in dated}) > 1:
            for claim in dated:
                claim.checks.append("the text gives more than one date for the meeting: keep every claim, "
                                    "mark the right one `rank: preferred` and say why in `note` (README, "
                                    "\"Ranks\")")
        numbered = self.a.sentence(start)
        claim = next((c for c in claims if self.a.sentence(c.start) == numbered), None)
        if claim is None:
            claim = Proposed("meeting-numbered", self.meeting, start, end)
            claims.append(claim)
        claim.add("ordinal", ordinal)
        claim.add("eventStatus", "held")
        for mention in self._conveners(numbered, start):
            claim.add("convenedBy", mention.entity)
            claim.start = min(claim.start, mention.start)
        claims.sort(key=lambda c: c.id != "meeting-held")
        self.statements += claims
        self._check_plan_conflict()

    def _reading(self, sentence, mentions):
        """(sentence, full dates, cities, span of the meeting's first mention) of one sentence that
        names the meeting."""
        if sentence is None:
            return None
        inside = [(s, e) for s, e in mentions if sentence.start_char <= s < sentence.end_char]
        dates = [d for d in self.a.within(self.a.dates, sentence.start_char, sentence.end_char)
                 if "-" in d.start_date]
        places = [m for m in self.a.within(self.a.mentions, sentence.start_char, sentence.end_char)
                  if self.k.is_a(m.entity, CITIES)]
        return sentence, dates, places, inside[0]

    def _conveners(self, sentence, before: int) -> list[Mention]:
        """The governments (or else the countries) named before the meeting in its sentence, not
        those inside a compound such as 'Japan-U.S. alliance'."""
        named = [m for m in self.a.within(self.a.mentions, sentence.start_char, before)
                 if self.k.is_a(m.entity, CONVENERS) and self.a.text[m.end:m.end + 1] != "-"
                 and self.a.text[m.start - 1:m.start] != "-"]
        governments = [m for m in named if self.k.is_a(m.entity, frozenset({SKG.Government}))]
        return governments or named

    def _meeting_id(self, series: str, ordinal: int, planned: bool) -> str:
        """The id of meeting ``ordinal`` of ``series``, following the ids the registry uses
        (cds-7, and cds-8-plan for an announced meeting where the registry has such plans)."""
        members = self.k.members(series)
        prefixes = Counter(m.group(1) for m in (re.match(r"^(.*?)-\d+(-plan)?$", e) for e in members) if m)
        prefix = prefixes.most_common(1)[0][0] if prefixes else series
        uses_plans = any(e.endswith("-plan") for e in members)
        entity_id = f"{prefix}-{ordinal}" + ("-plan" if planned and uses_plans else "")
        if entity_id not in self.k.entities:
            label = f"{_ordinal_label(ordinal)} meeting of the {self.k.entities[series].label.split('U.S.-Japan ')[-1]}"
            entry = {"id": entity_id, "class": "DialogueMeeting", "label": label, "inSeries": series}
            self._unknown(label, entry)
        return entity_id

    def _check_plan_conflict(self) -> None:
        """A meeting that an earlier document recorded as planned and this text reports as held."""
        statuses = {local(v) for v in self.k.facts_about(self.meeting, SKG.eventStatus)}
        if "Planned" in statuses and "Held" not in statuses:
            plan = f"{self.meeting}-plan"
            advice = (f"{self.meeting} is recorded as planned by another document. A plan is its own entity: "
                      f"rename that plan {plan} (eventStatus planned) where it is announced, record this "
                      f"meeting as {self.meeting}, and link them with `realizedAs: {self.meeting}` on {plan} "
                      "(README, \"Planned and held meetings\")")
            self.statements[0].checks.append(advice) if self.statements else self.checks.append(advice)

    # co-chairs, participants and other roles

    def _roles(self) -> None:
        if self.meeting is None:
            return
        by_prop: dict[str, Proposed] = {}
        for sentence in self.a.doc.sents:
            cues = self.drafter.cues.find(self.a.doc, sentence.start, sentence.end, ROLES)
            cues = [c for i, c in enumerate(cues) if i == 0 or cues[i - 1][1].prop != c[1].prop]
            if not cues:
                continue
            mentions = self.a.within(self.a.mentions, sentence.start_char, sentence.end_char)
            for index, (token, cue) in enumerate(cues):
                cue_start = self.a.doc[token - len(cue.words) + 1].idx
                scope_end = (self.a.doc[cues[index + 1][0] - len(cues[index + 1][1].words) + 1].idx
                             if index + 1 < len(cues) else sentence.end_char)
                scope = [m for m in mentions if cue_start <= m.start < scope_end]
                prop = self.k.schema.properties[cue.prop]
                values = [m for m in self._without_qualifiers(scope) if self.k.is_a(m.entity, prop.range)
                          and self.k.is_a(m.entity, ACTORS)]
                unknown = self._unknown_actors(cue_start, scope_end, mentions)
                if not values and not unknown:
                    continue
                statement = by_prop.get(cue.prop)
                if statement is None or self._sentence_of(statement) != sentence.start_char:
                    statement = Proposed(_statement_id(cue.prop, self.statements), self.meeting, cue_start, cue_start)
                    statement.confidence = cue.describe()
                    by_prop[cue.prop] = statement
                    self.statements.append(statement)
                for mention in sorted(values + unknown, key=lambda m: m.start):
                    statement.add(cue.prop, mention.entity)
                    statement.end = max(statement.end, mention.end)
                    self.used.add((mention.start, mention.end))

    def _sentence_of(self, statement: Proposed) -> int:
        sentence = self.a.sentence(statement.start)
        return sentence.start_char if sentence is not None else -1

    def _without_qualifiers(self, mentions: list[Mention]) -> list[Mention]:
        """Leave out a parent organization named only to place its neighbour: 'Foreign Policy
        Bureau, Ministry of Foreign Affairs', 'the President's National Security Council'."""
        kept = []
        for i, mention in enumerate(mentions):
            neighbours = [n for n in mentions[max(0, i - 1):i + 2] if n is not mention
                          and _only_joins(self.a.text[min(n.end, mention.end):max(n.start, mention.start)])]
            if any(mention.entity in self.k.ancestors(n.entity) for n in neighbours):
                continue
            kept.append(mention)
        return kept

    def _unknown_actors(self, start: int, end: int, known: list[Mention]) -> list[Mention]:
        """Names of bodies in a list of participants that the registry lacks: runs of capitalized
        words whose first or last word names a kind of organization in the registry's labels."""
        found = []
        span = self.a.doc.char_span(start, end, alignment_mode="expand")
        run: list = []
        for token in list(span) + [None]:
            inside_known = token is not None and any(m.start <= token.idx < m.end for m in known)
            capital = token is not None and not inside_known and (token.is_title or token.is_upper) and token.is_alpha
            joiner = token is not None and not inside_known and token.lower_ in ("of", "and", "for", "on", "the") and run
            if capital or joiner:
                run.append(token)
                continue
            while run and not (run[-1].is_title or run[-1].is_upper):
                run.pop()
            if len(run) >= 2:
                found += self._propose_actor(run, known)
            run = []
        return found

    def _propose_actor(self, run, known: list[Mention]) -> list[Mention]:
        first, last = run[0].lower_, run[-1].lower_
        classes = self.drafter.words.get(first, Counter()) + self.drafter.words.get(last, Counter())
        if not classes:
            return []
        name = self.a.text[run[0].idx:run[-1].idx + len(run[-1].text)]
        doc = run[0].doc
        after = doc[run[-1].i + 1:run[-1].i + 4]
        abbr = after[1].text if len(after) == 3 and after[0].text == "(" and after[2].text == ")" else None
        entity_id = _slug(abbr or name)
        if entity_id in self.k.entities:  # a name the registry spells differently
            if not self.k.is_a(entity_id, ACTORS):
                return []
            return [Mention(run[0].idx, run[-1].idx + len(run[-1].text), entity_id, name)]
        entry = {"id": entity_id, "class": classes.most_common(1)[0][0], "label": name}
        if abbr:
            entry["abbr"] = [abbr]
        nearest = min(known, key=lambda m: abs(m.start - run[0].idx), default=None)
        country = next((local(f.value) for f in self.k.entities[nearest.entity].facts
                        if f.prop == SKG.country), None) if nearest else None
        if country:
            entry["country"] = country
        self._unknown(name, entry)
        return [Mention(run[0].idx, run[-1].idx + len(run[-1].text), entity_id, name)]

    # the next meeting

    def _next_meeting(self) -> None:
        if self.meeting is None:
            return
        for ordinal in self.a.ordinals:
            if ordinal.value != self.meeting_ordinal + 1:
                continue
            following = self.a.doc.char_span(ordinal.end, min(len(self.a.text), ordinal.end + 40),
                                              alignment_mode="expand")
            if following is None or "meeting" not in [t.lower_ for t in following[:NEAR]]:
                continue
            sentence = self.a.sentence(ordinal.start)
            plan = self._meeting_id(self.series, ordinal.value, planned=True)
            announce = Proposed("next-meeting", self.meeting, sentence.start_char, sentence.end_char)
            announce.add("nextMeeting", plan)
            planned = Proposed("next-meeting-planned", plan, sentence.start_char, sentence.end_char)
            planned.add("ordinal", ordinal.value)
            places = [m for m in self.a.within(self.a.mentions, ordinal.end, sentence.end_char)
                      if self.k.is_a(m.entity, PLACES)]
            if places:
                planned.add("heldIn", places[0].entity)
            years = self.drafter.dates.find(sentence.as_doc(), None, self.meeting_date)
            if years:
                planned.add("startDate", years[0].start_date[:4])
                if years[0].relative:
                    planned.checks.append(f"'{years[0].text}' is read as {years[0].start_date[:4]}, relative to "
                                          "the meeting's date")
            planned.add("eventStatus", "planned")
            self.statements += [announce, planned]
            self.events.append(plan)
            self.plans.add(plan)
            return

    # other events: dates, places, ordinals

    def _other_events(self) -> None:
        for mention in self.a.mentions:
            if (mention.entity in self.events or not self.k.is_a(mention.entity, EVENTS)
                    or self.k.is_a(mention.entity, SERIES) or mention.entity in self.drafter.noise):
                continue
            sentence = self.a.sentence(mention.start)
            near_end = min(sentence.end_char, mention.end + 60)
            dates = [d for d in self.a.within(self.a.dates, mention.end, near_end) if "-" in d.start_date]
            places = [m for m in self.a.within(self.a.mentions, mention.end, near_end)
                      if self.k.is_a(m.entity, PLACES)]
            inner = [o for o in self.a.ordinals if mention.start <= o.start < mention.end]
            if not (dates or places or inner):
                continue
            statement = Proposed(_unique_id(mention.entity, self.statements), mention.entity, mention.start, mention.end)
            if inner:
                statement.add("ordinal", inner[0].value)
            if dates:
                statement.add("startDate", dates[0].start_date)
                statement.add("endDate", dates[0].end_date or dates[0].start_date)
                statement.end = max(statement.end, dates[0].end)
                later = self.meeting_date and date.fromisoformat(dates[0].start_date) > self.meeting_date
                statement.add("eventStatus", "planned" if later else "held")
            if places:
                statement.add("heldIn", places[0].entity)
                statement.end = max(statement.end, places[0].end)
            statement.checks.append(f"{mention.entity} is another event that the text names; keep what "
                                    "the text says about it")
            self.statements.append(statement)
            self.events.append(mention.entity)

    # topics, programs, agreements: what the meeting took up

    def _subjects(self) -> None:
        if self.meeting is None:
            return
        for sentence in self.a.doc.sents:
            mentions = [m for m in self.a.within(self.a.mentions, sentence.start_char, sentence.end_char)
                        if (m.start, m.end) not in self.used and m.entity not in self.events[:1]
                        and m.entity not in self.drafter.noise and self.k.is_a(m.entity, SUBJECT_MATTER)
                        and not self.k.is_a(m.entity, SERIES) and not self.k.is_a(m.entity, SESSIONS)
                        and not (self.k.is_a(m.entity, EVENTS) and self._announced(m.entity))]
            if not mentions:
                continue
            cues = self.drafter.cues.find(self.a.doc, sentence.start, sentence.end, SUBJECTS)
            groups: dict[str, Proposed] = {}
            for mention in mentions:
                token, cue = self._best_cue(cues, mention)
                prop = cue.prop if cue else "discussed"
                if prop == "mentionsAgreement" and not self.k.is_a(mention.entity, INSTRUMENTS):
                    prop = "discussed"
                start = self.a.doc[token - len(cue.words) + 1].idx if cue else mention.start
                key = f"{prop}-{start if cue else sentence.start_char}"
                statement = groups.get(key)
                if statement is None:
                    statement = groups[key] = Proposed(_statement_id(prop, self.statements), self.meeting, start, mention.end)
                    if cue:
                        statement.confidence = cue.describe()
                    else:
                        statement.checks.append("no cue word before these names: 'discussed' is a guess")
                    self.statements.append(statement)
                statement.add(prop, mention.entity)
                statement.end = max(statement.end, mention.end)

    def _announced(self, event: str) -> bool:
        """True for the next meeting this text announces: not a subject it took up."""
        return event in self.plans

    def _best_cue(self, cues, mention):
        """The cue that most likely governs a name: precise, seen in several documents, near."""
        best, best_score = (None, None), 0.0
        for token, cue in cues:
            distance = sum(1 for t in self.a.doc[token + 1:token + 2 + CUE_REACH] if t.idx < mention.start)
            if self.a.doc[token].idx >= mention.start or distance > CUE_REACH:
                continue
            support = cue.support or 1
            score = cue.precision * support / (support + 1) * 0.97 ** distance
            if score > best_score:
                best, best_score = (token, cue), score
        return best

    def _agreement_dates(self) -> None:
        """A date written right before or after a policy instrument's name: when it was made."""
        for mention in self.a.mentions:
            if not self.k.is_a(mention.entity, INSTRUMENTS):
                continue
            close = [d for d in self.a.dates if 0 <= mention.start - d.end <= 3 or 0 <= d.start - mention.end <= 15]
            if not close:
                continue
            day = close[0]
            statement = Proposed(_unique_id(mention.entity, self.statements), mention.entity,
                                 min(day.start, mention.start), max(day.end, mention.end))
            statement.add("agreementDate", day.start_date)
            statement.checks.append("is this the date the instrument was made (signed, adopted)?")
            self.statements.append(statement)

    # quotes and the header

    def _quote(self, statement: Proposed) -> str:
        """The statement's span as a quote: verbatim words, occurring once in the text."""
        text = self.a.text
        start, end = statement.start, statement.end
        for opening, closing in ("()", "（）"):
            if text[start:end].count(opening) > text[start:end].count(closing) and text[end:end + 1] == closing:
                end += 1
        if text.count(text[start:end]) != 1:
            sentence = self.a.sentence(start)
            start, end = min(start, sentence.start_char), max(end, sentence.end_char)
        if text.count(text[start:end]) != 1:
            statement.checks.append("this passage occurs more than once in the text: lengthen the quote")
        matches = self.a.normalized.find(text[start:end])
        if matches:
            verbatim = _collapse(matches[0].exact)
            if len(self.a.normalized.find(verbatim)) == len(matches):
                return verbatim
        return text[start:end]

    def _header(self) -> dict:
        first_line = next((line.strip(" #*") for line in self.a.normalized.text.splitlines() if line.strip(" #*")), "")
        opening = self.a.text[:400].lower()
        kind = "JointStatement" if "joint statement" in opening else "WebPage"
        header = {"id": Path(self.name).stem, "text": self.name, "title": first_line, "kind": kind}
        dates = [d for d in self.a.dates if d.start < 400 and "-" in d.start_date and not d.year_assumed]
        if dates:
            header["issued"] = dates[0].start_date
        header["about"] = list(dict.fromkeys(self.events))
        self.checks.append(f"document: title, kind ({'JointStatement, ' if kind != 'JointStatement' else ''}"
                           "NewsArticle, WebPage …), issued and about are read from the first lines; "
                           "correct them")
        return header

    def _tokens_between(self, start: int, end: int) -> int:
        span = self.a.doc.char_span(start, end, alignment_mode="expand")
        return len(span) if span is not None else 99

    def _unknown(self, name: str, entry: dict) -> None:
        if entry["id"] not in self.unknowns:
            self.unknowns[entry["id"]] = Unknown(name, entry, self._registry_file(entry["class"]))

    def _registry_file(self, class_name: str) -> str:
        """The registry file that holds most entities of this class, or else of its kinds."""
        klass = self.k.schema.class_named(class_name)
        ancestors = self.k.schema.ancestors
        kinds = [klass] + sorted((a for a in ancestors.get(klass, ()) if a != klass and a in ancestors
                                  and str(a).startswith(str(SKG._NS))), key=lambda a: -len(ancestors[a]))
        for kind in kinds:
            files = Counter(e.where.file for e in self.k.entities.values()
                            if self.k.schema.is_a(e.klass, frozenset({kind})))
            if files:
                return files.most_common(1)[0][0]
        return "sources/registry/entities.yaml"


HEADING = 75  # characters: a heading line is shorter than this, and than 0.6 of the text's usual line


def _mark_headings(doc, raw: str) -> None:
    """Start a sentence after a heading, a date line or a caption: a short line without a final
    stop, followed by a blank line and a capital ("Joint Statement", "August 26, 2020"). A line
    is short against the text's usual line, so that the broken lines of a PDF's text are not."""
    lengths = sorted(len(line.strip()) for line in raw.splitlines() if line.strip())
    short = min(HEADING, 0.6 * lengths[len(lengths) // 2]) if lengths else HEADING
    starts = set()
    for gap in re.finditer(r"[ \t]*\n\s*\n\s*(?=[A-Z0-9\"“#*(])", raw):
        line = raw[:gap.start()].rsplit("\n", 1)[-1].strip()
        rule = line and set(line) <= set("-*_=#")  # a horizontal rule of Markdown text
        if line and len(line) < short and (line[-1] not in ".,;:-" or rule):
            starts.add(len(NormalizedText(raw[:gap.end()]).normalized))
    for token in doc[1:]:
        if token.idx in starts or token.idx - 1 in starts:
            token.is_sent_start = True


def _only_joins(gap: str) -> bool:
    """True for what stands between an office and the parent named to place it: ', ', "'s ",
    ' of the ', ' ('."""
    return not re.sub(r"\b(of|the|s)\b|[\s,'()]", "", gap)


def _unique(items):
    seen, kept = set(), []
    for item in items:
        key = None if item is None else item.start_char
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def _statement_id(prop: str, statements: list[Proposed]) -> str:
    names = {"coChairedBy": "co-chairs", "participant": "participants", "organizedBy": "organizers",
             "speaker": "speakers", "convenedBy": "convened-by", "mentionsAgreement": "mentions"}
    return _unique_id(names.get(prop, prop), statements)


def _unique_id(base: str, statements: list[Proposed]) -> str:
    taken = {s.id for s in statements}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _ordinal_label(n: int) -> str:
    from num2words import num2words
    return num2words(n, to="ordinal_num")


def _collapse(text: str) -> str:
    """Whitespace as a quote is written on one line: runs become one space, and a line break
    after a hyphen disappears (as the quote matcher reads it)."""
    return re.sub(r"\s+", lambda gap: "" if "\n" in gap.group() and gap.start() > 0
                  and text[gap.start() - 1] == "-" else " ", text).strip()
