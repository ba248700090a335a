"""The document model, the bottom of the pipeline: typed nodes (`nodes`), the one traversal
(`traverse`), the golden-file dump (`dump`) and every character class (`text`). It imports
nothing else of the compiler."""
