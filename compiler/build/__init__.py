"""The build: a chapter (`chapter`) or a book (`book`) read, normalised and written, outputs
staged and renamed into place together (`outputs`), nothing rebuilt that is up to date
(`cache`), signals handled (`interrupts`), an edition's manifest (`edition`) and the phases
it reports (`progress`).

`build`, `build_book`, `compile_source` and `parse_formats` are imported from their modules
when first asked for, so that importing `compiler.build.interrupts` (the command line does, to
catch a signal) stays cheap."""

from __future__ import annotations

from typing import Any

_EXPORTS = {"build": "chapter", "compile_source": "chapter", "parse_formats": "chapter", "build_book": "book"}
__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
