"""Helping people annotate: drafting an annotation file from a new text, looking up entities and
properties, and checking annotation files one by one.

knowledge   what the corpus teaches: entities, their parents, the curated statements
gazetteer   the registry's names found in a text (spaCy token patterns; pyahocorasick for Japanese)
dates       dates and date ranges (found by spaCy patterns, read by dateparser)
ordinals    ordinal numbers: "eighth", "8th", "第8回"
cues        the words that announce a property, learned from the curated statements
draft       a text → proposed statements, unknown names and things to check
writer      a draft → the YAML of an annotation file
lookup      fuzzy search over the registry; the table of properties
checking    annotation files checked against the registry, ontology and texts, every problem at once
"""
