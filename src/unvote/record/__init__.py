"""The plenary record: where its files are, how they are read, and how it grows.

Everything below the model and nothing that depends on it: the data folders
(:mod:`~unvote.record.datadir`), the loaders of the shipped and imported tables
(:mod:`~unvote.record.loaders`), the UN's resolution extracts
(:mod:`~unvote.record.extract`) and their import into the user's folder
(:mod:`~unvote.record.store`), member names and codes
(:mod:`~unvote.record.countries`), sponsor lists as the UN writes them
(:mod:`~unvote.record.sponsors`), and agreement with a member
(:mod:`~unvote.record.agreement`).
"""

from unvote.record.countries import (
    to_iso3,
)
from unvote.record.extract import (
    Extract,
    read_extract,
)
from unvote.record.loaders import (
    load_country_groups,
    load_member_votes,
    load_members,
    load_regions,
    load_resolutions,
    load_roll_calls,
    load_sponsors,
    load_ukraine_votes,
    members_on,
)
from unvote.record.store import (
    ImportSummary,
    data_status,
    import_extract,
    reset_imports,
)

__all__ = [
    "Extract",
    "ImportSummary",
    "data_status",
    "import_extract",
    "load_country_groups",
    "load_member_votes",
    "load_members",
    "load_regions",
    "load_resolutions",
    "load_roll_calls",
    "load_sponsors",
    "load_ukraine_votes",
    "members_on",
    "read_extract",
    "reset_imports",
    "to_iso3",
]
