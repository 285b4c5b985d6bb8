"""The ``forecast`` command: a thin caller of the public API.

:mod:`~unvote.cli.main` parses the command line, checks every input before
any model work, and prints or writes the reports.
"""
