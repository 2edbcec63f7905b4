"""The web application of `spacekg serve`: the SPARQL endpoint and the pages around it."""
