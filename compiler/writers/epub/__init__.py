"""The EPUB 3 edition: the package (`package`, ebooklib, re-packed deterministically), the print
edition's page list (`page_list`) and embedded font subsets (`fonts`)."""
