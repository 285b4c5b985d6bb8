"""The ``forecast`` command: a thin caller of the public API.

:mod:`~unvote.cli.main` parses the subcommands and checks every input before
any model work; :mod:`~unvote.cli.process` keeps the promises of the process
boundary (one-line errors, exit status, signals, streams). The reports are
:mod:`unvote.report.text`'s.
"""
