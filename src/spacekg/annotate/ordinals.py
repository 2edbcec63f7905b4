"""Ordinal numbers in a text: "eighth", "Eighth", "8th", "第8回", "second-ever", "inaugural".

The words come from num2words (English ordinals and their numeric forms up to 200); the Japanese
form 第N回 is read by a token pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from num2words import num2words
from spacy.matcher import Matcher
from spacy.tokens import Doc

LARGEST = 200
_JAPANESE = re.compile(r"第\s*([0-9０-９]+)\s*回")


@dataclass(frozen=True)
class Ordinal:
    start: int
    end: int
    value: int
    text: str


@lru_cache(maxsize=1)
def ordinal_words() -> dict[str, int]:
    """'first' → 1, '1st' → 1, … up to LARGEST; 'inaugural' counts as first."""
    words = {"inaugural": 1}
    for n in range(1, LARGEST + 1):
        words[num2words(n, to="ordinal").lower()] = n
        words[num2words(n, to="ordinal_num").lower()] = n
    return words


class Ordinals:
    def __init__(self, nlp):
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("ORDINAL", [[{"LOWER": {"IN": sorted(ordinal_words())}}]])
        self.matcher.add("JAPANESE", [[{"TEXT": {"REGEX": _JAPANESE.pattern}}]])

    def find(self, doc: Doc) -> list[Ordinal]:
        found = []
        for match_id, start, end in self.matcher(doc):
            token = doc[start]
            if doc.vocab.strings[match_id] == "JAPANESE":
                for match in _JAPANESE.finditer(token.text):
                    digits = match.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
                    found.append(Ordinal(token.idx + match.start(), token.idx + match.end(), int(digits),
                                         match.group()))
            else:
                found.append(Ordinal(token.idx, token.idx + len(token.text), ordinal_words()[token.lower_],
                                     token.text))
        return sorted(found, key=lambda o: o.start)
