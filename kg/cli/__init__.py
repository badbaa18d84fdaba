"""The ``kg`` command line: one library call per command (the commands live in the modules of this package)."""

from kg.cli import extraction, queries, training  # noqa: F401  (register the commands on the app)
from kg.cli.app import app

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover
    app()
