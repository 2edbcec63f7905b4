"""The standings of the claims, packed into sorted arrays: the same direct facts as before packing,
whichever claims are added before or after."""

from __future__ import annotations

import random

from rdflib import URIRef

from spacekg.ingest import Standings, _PLAIN
from spacekg.namespaces import SKG
from spacekg.sources.model import Fact, Statement

PROPERTIES = [URIRef(f"urn:x:p{n}") for n in range(3)]
RANKS = [SKG.PreferredRank, SKG.NormalRank, SKG.DeprecatedRank]


def statement(rng: random.Random) -> Statement:
    subject = URIRef(f"urn:x:s{rng.randrange(40)}")
    prop = rng.choice(PROPERTIES)
    return Statement(id="s", document="d", subject=subject, quote=None, rank=rng.choice(RANKS), where=None,
                     facts=[Fact(prop, URIRef("urn:x:o"), "o", None)])


def expected_direct(statements: list[Statement], standings: Standings) -> list[bool]:
    """Direct or not, from the best standing on each subject and property worked out afresh."""
    best: dict = {}
    for one in statements:
        for fact in one.facts:
            standing = standings.standing(one, fact)
            if standing is not None:
                key = (one.subject, fact.prop)
                best[key] = max(best.get(key, _PLAIN), standing)
    return [standings.standing(one, fact) is not None
            and standings.standing(one, fact) == best[(one.subject, fact.prop)]
            for one in statements for fact in one.facts]


def test_packed_standings_give_the_direct_facts_of_every_claim():
    rng = random.Random(7)
    statements = [statement(rng) for _ in range(600)]
    standings = Standings(single_valued={PROPERTIES[0]})
    standings.add(standings.claims(statements[:300]))
    standings.pack()
    standings.add(standings.claims(statements[300:]))  # added after a packing: merged at the next
    found = [standings.is_direct(one, fact) for one in statements for fact in one.facts]
    assert found == expected_direct(statements, standings)
    assert any(found) and not all(found)
    assert standings._digests.size == len(standings._standings) > 0
