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
