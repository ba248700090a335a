"""reportc: compile a Chinese yearbook chapter into a PDF and an EPUB 3 from one document tree.

The package follows the pipeline: `source` (bytes → text) → `reader` (text → tree) →
`passes` (tree → normalised tree) → `render` (tree → HTML → PDF, tree → EPUB), driven by
`build` and the command line in `cli`.
"""

__version__ = "0.1.0"
