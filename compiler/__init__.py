"""reportc: compile a Chinese yearbook chapter into a PDF and an EPUB 3 from one document tree.

The sub-packages are the pipeline, and imports point down it only:

    cli                 the command line (argument parsing, printing, watch mode, progress)
    build               a chapter or a book built: outputs, the up-to-date check, signals
    writers             tree → HTML (templates) → PDF (print/, WeasyPrint) and EPUB (epub/)
    weasyprint_patches  every reach into WeasyPrint's internals (only writers/print uses it)
    books               book.toml, a new book's folder, chapters made ready for a book
    transforms          the normalisation, pure tree → tree
    readers, checks     bytes → text → tree; findings for editors, which images may be shown
    model, diagnostics  the nodes, the one traversal, the dump, character classes; findings
"""

__version__ = "0.1.0"
