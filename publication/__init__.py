"""Publication: the published copy, its journal, closing, paid history, statements and report."""
