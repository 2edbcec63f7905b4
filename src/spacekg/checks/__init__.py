"""Checks of the built graph: SHACL shapes, OWL reasoning and violation queries.

Each check reports :class:`~spacekg.errors.Problem` records that name the annotation or registry
file and line behind the offending node (see :mod:`.where`).
"""
