"""Small lookup tables of the matcher: how related two goals, two kinds of
collaboration and two fields are. Each value is in [0, 1]; 1 on the diagonal."""

import numpy as np

from profiles import vocab

GOALS = [g.value for g in vocab.Goal]
COLLABORATION_TYPES = [c.value for c in vocab.CollaborationType]
AREAS = [a.value for a in vocab.Area]
DISCIPLINES = list(vocab.DISCIPLINES)

# Field relation between one field of each side (the best pair counts).
SAME_DISCIPLINE = 1.0  # both name the same discipline (or the same area, with no discipline)
AREA_AS_A_WHOLE = 0.8  # one side names a whole area, the other a discipline in it
SAME_AREA = 0.6  # different disciplines of the same area
INTERDISCIPLINARY = 0.3  # either side is in area IX (interdisciplinary)

# Goals that serve each other: a scientist who wants conferences will usually
# welcome publications; policy work and social impact go together.
_RELATED_GOALS = {
    ("publications", "conferences"): 0.5,
    ("student_training", "capacity_building"): 0.6,
    ("student_training", "mobility"): 0.5,
    ("mobility", "conferences"): 0.3,
    ("science_communication", "social_impact"): 0.5,
    ("policy", "social_impact"): 0.5,
    ("technology_transfer", "joint_funding"): 0.3,
    ("technology_transfer", "social_impact"): 0.3,
    ("capacity_building", "social_impact"): 0.4,
    ("joint_funding", "publications"): 0.3,
}

# Kinds of collaboration a scientist accepts (row) against the project's (column).
_RELATED_COLLABORATION = {
    ("academic_project", "mentoring"): 0.5,
    ("academic_project", "teaching"): 0.4,
    ("academic_project", "advisory"): 0.4,
    ("ngo_project", "government_project"): 0.5,
    ("ngo_project", "science_communication"): 0.5,
    ("ngo_project", "advisory"): 0.5,
    ("government_project", "advisory"): 0.6,
    ("industry_project", "advisory"): 0.6,
    ("industry_project", "academic_project"): 0.3,
    ("teaching", "mentoring"): 0.7,
    ("teaching", "science_communication"): 0.5,
    ("mentoring", "science_communication"): 0.3,
}


def _symmetric(codes, related):
    index = {c: i for i, c in enumerate(codes)}
    table = np.eye(len(codes), dtype=np.float64)
    for (a, b), value in related.items():
        table[index[a], index[b]] = table[index[b], index[a]] = value
    return table


GOAL_RELATEDNESS = _symmetric(GOALS, _RELATED_GOALS)
COLLABORATION_COMPATIBILITY = _symmetric(COLLABORATION_TYPES, _RELATED_COLLABORATION)
GOAL_INDEX = {g: i for i, g in enumerate(GOALS)}
COLLABORATION_INDEX = {c: i for i, c in enumerate(COLLABORATION_TYPES)}
AREA_INDEX = {a: i for i, a in enumerate(AREAS)}
DISCIPLINE_INDEX = {d: i for i, d in enumerate(DISCIPLINES)}
INTERDISCIPLINARY_AREA = vocab.Area.INTERDISCIPLINARY.value


def field_relation(a: str, b: str) -> float:
    """How related two field codes (area or discipline) are, in [0, 1]."""
    if a == b:
        return SAME_DISCIPLINE
    area_a, area_b = vocab.area_of(a), vocab.area_of(b)
    if area_a == area_b:
        if a == area_a or b == area_b:
            return AREA_AS_A_WHOLE
        return SAME_AREA
    if INTERDISCIPLINARY_AREA in (area_a, area_b):
        return INTERDISCIPLINARY
    return 0.0
