"""Writers: the tree → HTML through a layout's templates (`templates`, `html`), → PDF
(`print`, WeasyPrint), → EPUB 3 (`epub`, ebooklib). They read only the tree."""
