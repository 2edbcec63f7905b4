"""Opening the built graph for queries and views, without reading the sources again."""

from __future__ import annotations

from rdflib import Dataset

from .errors import NotBuiltError
from .namespaces import bind_prefixes
from .paths import Layout

BUILT_DATASET = "spacekg.trig"


def open_dataset(layout: Layout) -> Dataset:
    """The built dataset (all named graphs; the default graph is their union)."""
    path = layout.output / BUILT_DATASET
    if not path.is_file():
        raise NotBuiltError(layout.relative(path))
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    dataset.parse(path, format="trig")
    return dataset
