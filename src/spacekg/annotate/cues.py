"""The words that announce a property, learned from the curated statements.

For every curated fact whose value the gazetteer finds in the statement's sentence, the words
just before the value (up to the start of its quote, or of its sentence) are taken as evidence
for the fact's property: each word, pair and triple of words that is not all stop words counts
once per statement, and its support is the number of documents it was seen in. A cue's precision is how often it stood before that property rather than
another; drafting uses the nearest cue before a name, among those seen in at least two documents
(the pooled evidence of the corpus, not a list written by hand). A project without annotations gets
the few seed cues below, which the corpus's own cues replace as soon as it has any.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from spacy.tokens import Doc

from .knowledge import Knowledge, local

ROLES = ("coChairedBy", "participant", "organizedBy", "speaker", "convenedBy")
SUBJECTS = ("discussed", "reaffirmed", "welcomed", "agreed", "mentionsAgreement")
WINDOW = 12  # words before a value that may hold its cue
MIN_SUPPORT = 2  # documents a cue must have been seen in
MIN_PRECISION = 0.5

# Used only for properties the corpus teaches nothing about (a new, empty project).
SEEDS = {
    "coChairedBy": ["co-chaired"], "participant": ["participants", "attended by", "took part"],
    "organizedBy": ["organized"], "speaker": ["remarks", "keynote"], "convenedBy": ["convened"],
    "discussed": ["discussed"], "reaffirmed": ["reaffirmed"], "welcomed": ["welcomed"],
    "agreed": ["agreed"], "mentionsAgreement": ["signed"],
}


@dataclass(frozen=True)
class Cue:
    words: tuple[str, ...]
    prop: str
    precision: float
    support: int  # documents; 0 for a seed

    def describe(self) -> str:
        words = " ".join(self.words).replace(" - ", "-")
        if not self.support:
            return f"seed cue '{words}' (the corpus has no cue for {self.prop} yet)"
        return (f"cue '{words}' stood before {self.prop} in {self.support} curated documents "
                f"({self.precision:.0%} of its uses)")


@dataclass
class CueBook:
    """Learned cues: word tuples → (property, precision, support)."""

    cues: dict[tuple[str, ...], Cue] = field(default_factory=dict)

    @property
    def longest(self) -> int:
        return max((len(words) for words in self.cues), default=1)

    def properties(self) -> set[str]:
        return {cue.prop for cue in self.cues.values()}

    def find(self, doc: Doc, start: int, end: int, props: tuple[str, ...]) -> list[tuple[int, Cue]]:
        """The cues for ``props`` among tokens ``start:end`` of ``doc``, as (token index of the cue's
        last word, cue), in text order; the longest cue wins where cues overlap."""
        found, i = [], start
        while i < end:
            for length in range(min(self.longest, end - i), 0, -1):
                cue = self.cues.get(tuple(t.lower_ for t in doc[i:i + length]))
                if cue and cue.prop in props:
                    found.append((i + length - 1, cue))
                    i += length - 1
                    break
            i += 1
        return found


def learn(knowledge: Knowledge, analyse, seeds: bool = True) -> CueBook:
    """The cue book of ``knowledge``'s statements. ``analyse(document id)`` gives the document's
    spaCy Doc and the gazetteer's mentions in it (or None when its text is unknown)."""
    counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    documents: dict[tuple[tuple[str, ...], str], set] = defaultdict(set)
    by_document = defaultdict(list)
    for statement in knowledge.statements:
        by_document[statement.document].append(statement)
    for document, statements in sorted(by_document.items()):
        analysed = analyse(document)
        if analysed is None:
            continue
        doc, mentions, locate = analysed
        for statement in statements:
            span = locate(statement.quote.text)
            if span is None:
                continue
            for prop in {local(f.prop) for f in statement.facts} & set(ROLES + SUBJECTS):
                values = {local(f.value) for f in statement.facts
                          if local(f.prop) == prop and isinstance(f.value, URIRef)}
                first = next((m for m in mentions if m.entity in values and span[0] <= m.start < span[1]), None)
                if first is None:
                    continue
                for words in _window_ngrams(doc, mentions, span[0], first.start):
                    counts[words][prop] += 1
                    documents[words, prop].add(document)
    book = CueBook()
    for words, by_prop in counts.items():
        prop, count = by_prop.most_common(1)[0]
        precision = count / sum(by_prop.values())
        support = len(documents[words, prop])
        if support >= MIN_SUPPORT and precision >= MIN_PRECISION:
            book.cues[words] = Cue(words, prop, precision, support)
    if seeds:
        taught = book.properties()
        for prop, phrases in SEEDS.items():
            if prop not in taught:
                for phrase in phrases:
                    words = tuple(phrase.split())
                    book.cues.setdefault(words, Cue(words, prop, 1.0, 0))
    return book


def _window_ngrams(doc: Doc, mentions, quote_start: int, value_start: int) -> set[tuple[str, ...]]:
    """The word n-grams (1–3) in the words before a value: from the quote's start, or from its
    sentence's start when the quote begins with the value; names of the registry left out."""
    value_token = _token_at(doc, value_start)
    sentence = doc[value_token].sent
    first = _token_at(doc, quote_start)
    if first >= value_token:
        first = sentence.start
    first = max(first, sentence.start, value_token - WINDOW)
    inside = [(m.start, m.end) for m in mentions]
    tokens = [t for t in doc[first:value_token]
              if not any(a <= t.idx < b for a, b in inside)]
    grams = set()
    for n in (1, 2, 3):
        for i in range(len(tokens) - n + 1):
            run = tokens[i:i + n]
            if any(t.i != run[0].i + k for k, t in enumerate(run)):  # a name was in between
                continue
            if all(t.is_stop or t.is_punct or t.like_num for t in run) or any(t.is_punct and t.text != "-" for t in run):
                continue
            grams.add(tuple(t.lower_ for t in run))
    return grams


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span.start if span is not None else len(doc) - 1
