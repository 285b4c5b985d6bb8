"""The model: features of each member at a roll call, the estimator, and its fits.

:mod:`~unvote.model.features` builds the member-by-roll-call rows from the
record and the items; :mod:`~unvote.model.estimator` is :class:`VoteModel`,
the pooled multinomial logit with a shared roll-call shock
(:mod:`~unvote.model.shock`); :mod:`~unvote.model.fitting` fits it once a
session, and :mod:`~unvote.model.cache` keeps the fits keyed by the record's
content and the code.
"""

from unvote.model.estimator import (
    VoteModel,
)
from unvote.model.features import (
    MODEL_FEATURES,
    Record,
    agreement_with,
    feature_rows,
    load_record,
    training_rows,
)

__all__ = [
    "MODEL_FEATURES",
    "Record",
    "VoteModel",
    "agreement_with",
    "feature_rows",
    "load_record",
    "training_rows",
]
