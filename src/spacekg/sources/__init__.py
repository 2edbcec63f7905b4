"""Loading the curated sources: registry, annotations and verbatim texts, checked and located."""
