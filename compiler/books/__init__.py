"""Books: `book.toml` (`config`), a new book folder (`scaffold`), and a chapter's tree made
ready to sit in a book beside others (`chapters`)."""
