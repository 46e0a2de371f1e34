"""The matcher's scoring: see engine.py for how a pair is scored.

``score_pair(scientist, project)`` scores one stored pair as the matcher
computes it now, whether or not it is among the stored suggestions.
"""

from .explain import PairScore, score_records
from .records import ProjectRecord, ScientistRecord

__all__ = ["PairScore", "ProjectRecord", "ScientistRecord", "score_pair"]


def score_pair(scientist, project) -> PairScore:
    from matching.matcher import current_model, scoring_date

    model = current_model()
    return score_records(
        model,
        ScientistRecord.from_profile(scientist),
        ProjectRecord.from_project(project),
        today=scoring_date(model),
    )
