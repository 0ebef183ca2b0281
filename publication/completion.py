"""Complete a publication a killed run left half done (publication/pending.py).

Run first, under the home's run lock, by every run: the published copy is already at the new
version, so its Parquet copies, statements and report are written from it now, and the home is
whole again before anything else happens.
"""

from __future__ import annotations

from core.settings import Home
from publication import pending
from publication.parquet_export import export_parquet
from publication.published_layout import read_publication_log
from publication.report import write_run_reports
from publication.statements import write_statements


def complete_pending(home: Home) -> list[str]:
    """Write the pieces a journal names for the published version; returns what was completed.

    A journal whose version is not the published one belongs to a publication that never
    swapped in: the previous publication and everything written from it are intact, and the
    journal is dropped."""
    journal = pending.read(home.published_db)
    if journal is None:
        return []
    log = read_publication_log(home.published_db)
    if not log or log[-1][0] != journal.version:
        pending.drop(home.published_db)
        return []
    for piece in journal.pieces:
        if piece == pending.PARQUET:
            export_parquet(home.published_db, home.published_parquet, journal.version)
        elif piece == pending.STATEMENTS:
            write_statements(home.published_db, home.reports, journal.lang)
        elif piece == pending.REPORT:
            write_run_reports(home.published_db, home.reports, journal.as_of, journal.lang)
        pending.done(home.published_db, piece)
    return [f"version {journal.version}: {piece}" for piece in journal.pieces]
