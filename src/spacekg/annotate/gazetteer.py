"""The registry's names found in a text.

Every English label, alternative label and abbreviation of the registry becomes a spaCy token
pattern: words match whatever their case, punctuation between words may be there or not
("Ministry of Economy, Trade, and Industry" and "Ministry of Economy, Trade and Industry"), an
article may precede, and a possessive "'s" follows as its own token ("NASA's"). Abbreviations
match in their own case only ("DOC" is not "doc"). Japanese labels, written without spaces, are
found with an Aho–Corasick automaton (pyahocorasick). A plural head shared by a list is read as
one name per item: "the Departments of State, Defense, and Commerce" names three departments.
Where names overlap, the longest wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ahocorasick
import spacy
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .knowledge import Knowledge

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@dataclass(frozen=True)
class Mention:
    """A name of the registry found in the text (character offsets into the analysed text)."""

    start: int
    end: int
    entity: str
    text: str


def blank_pipeline():
    """spaCy's English tokenizer and rule-based sentence splitter; no statistical model."""
    nlp = spacy.blank("en")
    # Markdown's rules and emphasis ("---", "*On May 16 …*") come off the words they touch
    prefixes = list(nlp.Defaults.prefixes) + [r"-{2,}", r"\*"]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    nlp.add_pipe("sentencizer")
    return nlp


class Gazetteer:
    """Finds the registry's entities in a spaCy Doc."""

    def __init__(self, knowledge: Knowledge, nlp):
        self.knowledge = knowledge
        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab)
        self.heads: dict[str, dict[str, str]] = {}  # "departments" → {"state": "dos", …}
        self.japanese = ahocorasick.Automaton()
        for entity in knowledge.entities.values():
            for name in [entity.label, *entity.alt]:
                self._add(entity.id, name, exact_case=False)
            for name in entity.abbr:
                self._add(entity.id, name, exact_case=True)
            for name in [entity.ja] if entity.ja else []:
                self.japanese.add_word(name, (entity.id, name))
        if len(self.japanese):
            self.japanese.make_automaton()

    def _add(self, entity_id: str, name: str, exact_case: bool) -> None:
        if _CJK.search(name):
            self.japanese.add_word(name, (entity_id, name))
            return
        words = [t.text for t in self.nlp.make_doc(name) if not t.is_punct or len(t.text) > 1]
        if not words:
            return
        key = "ORTH" if exact_case else "LOWER"
        pattern = []
        for i, word in enumerate(words):
            if i:
                pattern.append({"IS_PUNCT": True, "OP": "*"})
            pattern.append({key: word if exact_case else word.lower()})
        if not exact_case and words[-1].isalpha() and words[-1].islower():  # "space policies"
            pattern[-1] = {"LOWER": {"IN": [words[-1], *_plurals(words[-1])]}}
        self.matcher.add(entity_id, [pattern])
        head, _, rest = name.partition(" of ")
        if rest and " " not in head and not exact_case:  # "Department of State": listable as a plural head
            items = self.heads.setdefault(head.lower() + "s", {})
            items[rest.lower()] = entity_id
            if rest.lower().startswith("the "):  # "Departments of … Interior" for "Department of the Interior"
                items[rest.lower()[4:]] = entity_id

    def find(self, doc: Doc) -> list[Mention]:
        found = [Mention(span.start_char, span.end_char, doc.vocab.strings[span.label], span.text)
                 for span in filter_spans([Span(doc, start, end, label=match_id)
                                           for match_id, start, end in self.matcher(doc)] + self._listed(doc))]
        found += self._japanese(doc.text)
        return longest_first(found)

    def _listed(self, doc: Doc) -> list[Span]:
        """'Departments of State, Defense, and Commerce' → one span per department."""
        spans = []
        for token in doc[:-2]:
            items = self.heads.get(token.lower_)
            if not items or doc[token.i + 1].lower_ != "of":
                continue
            i = token.i + 2
            while i < len(doc):
                length = next((n for n in (4, 3, 2, 1) if i + n <= len(doc)
                               and " ".join(t.lower_ for t in doc[i:i + n]) in items), 0)
                if not length:
                    break
                spans.append(Span(doc, i, i + length, label=items[" ".join(t.lower_ for t in doc[i:i + length])]))
                i += length
                while i < len(doc) and (doc[i].text == "," or doc[i].lower_ == "and"):
                    i += 1
        return spans

    def _japanese(self, text: str) -> list[Mention]:
        if not len(self.japanese):
            return []
        return [Mention(end - len(name) + 1, end + 1, entity_id, name)
                for end, (entity_id, name) in self.japanese.iter(text)]


def _plurals(word: str) -> list[str]:
    if word.endswith("y") and len(word) > 3:
        return [word[:-1] + "ies"]
    return [word + "es"] if word.endswith(("s", "x", "ch", "sh")) else [word + "s"]


def longest_first(mentions: list[Mention]) -> list[Mention]:
    """The mentions that do not overlap a longer one, in text order."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(mention.end <= k.start or mention.start >= k.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)
