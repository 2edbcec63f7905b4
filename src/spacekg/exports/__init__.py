"""Writing the built graph to files: one module per format family."""
