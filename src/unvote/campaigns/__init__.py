"""Campaign effects estimated from past episodes of pressure.

:mod:`~unvote.campaigns.episodes` finds the members a campaign targeted in a
past vote and estimates how much it moved them, the evidence behind the
strengths of the built-in scenarios.
"""
