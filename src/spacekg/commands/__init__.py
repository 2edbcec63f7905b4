"""One small module per CLI command: each registers its sub-parser and runs the command.

Every module here has ``register(subparsers)``, which adds the command and sets ``run`` to a
function ``(args, layout) -> exit code``. Heavy imports stay inside the run functions so that
`spacekg --help` and `spacekg query` start fast.
"""

NAMES = ("build", "validate", "query", "viz", "stats", "serve", "push", "init", "draft", "lookup")


def progress(quiet: bool):
    """The function a command reports its steps with: a bullet per step, or silence."""
    return (lambda _: None) if quiet else (lambda line: print(f"• {line}", flush=True))
