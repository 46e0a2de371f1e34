"""Controlled vocabularies shared by forms, import, matcher and dashboard.

Codes are a public interface (../shared/data-contract.md): never rename one.
Labels are translated in the interface.
"""

import unicodedata
from functools import cache

import pycountry
from babel import Locale
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The nine areas of Mexico's national researchers system (SNII)."""

    PHYSICS_MATH_EARTH = "physics_math_earth", _("I. Physics, mathematics and earth sciences")
    BIOLOGY_CHEMISTRY = "biology_chemistry", _("II. Biology and chemistry")
    MEDICINE_HEALTH = "medicine_health", _("III. Medicine and health sciences")
    BEHAVIOR_EDUCATION = "behavior_education", _("IV. Behavioural sciences and education")
    HUMANITIES = "humanities", _("V. Humanities")
    SOCIAL_SCIENCES = "social_sciences", _("VI. Social sciences")
    AGRO_ECOSYSTEMS = "agro_ecosystems", _("VII. Agricultural, forestry and ecosystem sciences")
    ENGINEERING_TECHNOLOGY = "engineering_technology", _("VIII. Engineering and technology")
    INTERDISCIPLINARY = "interdisciplinary", _("IX. Interdisciplinary")


# Disciplines within each area: code -> (area, label).
DISCIPLINES = {
    # I
    "physics": (Area.PHYSICS_MATH_EARTH, _("Physics")),
    "astronomy": (Area.PHYSICS_MATH_EARTH, _("Astronomy and astrophysics")),
    "mathematics": (Area.PHYSICS_MATH_EARTH, _("Mathematics")),
    "statistics": (Area.PHYSICS_MATH_EARTH, _("Statistics")),
    "earth_sciences": (Area.PHYSICS_MATH_EARTH, _("Earth sciences and geology")),
    "oceanography": (Area.PHYSICS_MATH_EARTH, _("Oceanography and atmospheric sciences")),
    # II
    "molecular_biology": (Area.BIOLOGY_CHEMISTRY, _("Molecular and cell biology")),
    "genetics_genomics": (Area.BIOLOGY_CHEMISTRY, _("Genetics and genomics")),
    "biochemistry": (Area.BIOLOGY_CHEMISTRY, _("Biochemistry")),
    "microbiology": (Area.BIOLOGY_CHEMISTRY, _("Microbiology")),
    "ecology_evolution": (Area.BIOLOGY_CHEMISTRY, _("Ecology and evolution")),
    "chemistry": (Area.BIOLOGY_CHEMISTRY, _("Chemistry")),
    "bioinformatics": (Area.BIOLOGY_CHEMISTRY, _("Bioinformatics")),
    # III
    "public_health": (Area.MEDICINE_HEALTH, _("Public health and epidemiology")),
    "clinical_medicine": (Area.MEDICINE_HEALTH, _("Clinical medicine")),
    "neuroscience": (Area.MEDICINE_HEALTH, _("Neuroscience")),
    "oncology": (Area.MEDICINE_HEALTH, _("Oncology")),
    "pharmacology": (Area.MEDICINE_HEALTH, _("Pharmacology")),
    "nutrition": (Area.MEDICINE_HEALTH, _("Nutrition")),
    "immunology": (Area.MEDICINE_HEALTH, _("Immunology and infectious diseases")),
    # IV
    "psychology": (Area.BEHAVIOR_EDUCATION, _("Psychology")),
    "education": (Area.BEHAVIOR_EDUCATION, _("Education")),
    "cognitive_science": (Area.BEHAVIOR_EDUCATION, _("Cognitive science")),
    # V
    "history": (Area.HUMANITIES, _("History")),
    "philosophy": (Area.HUMANITIES, _("Philosophy")),
    "linguistics": (Area.HUMANITIES, _("Linguistics and literature")),
    "arts": (Area.HUMANITIES, _("Arts and cultural studies")),
    # VI
    "economics": (Area.SOCIAL_SCIENCES, _("Economics")),
    "sociology": (Area.SOCIAL_SCIENCES, _("Sociology")),
    "political_science": (Area.SOCIAL_SCIENCES, _("Political science and public policy")),
    "law": (Area.SOCIAL_SCIENCES, _("Law")),
    "anthropology": (Area.SOCIAL_SCIENCES, _("Anthropology")),
    "demography": (Area.SOCIAL_SCIENCES, _("Demography and migration")),
    # VII
    "agronomy": (Area.AGRO_ECOSYSTEMS, _("Agronomy")),
    "forestry": (Area.AGRO_ECOSYSTEMS, _("Forestry")),
    "veterinary": (Area.AGRO_ECOSYSTEMS, _("Veterinary and animal science")),
    "food_science": (Area.AGRO_ECOSYSTEMS, _("Food science")),
    "conservation": (Area.AGRO_ECOSYSTEMS, _("Conservation and ecosystem management")),
    # VIII
    "computer_science": (Area.ENGINEERING_TECHNOLOGY, _("Computer science")),
    "electrical_engineering": (
        Area.ENGINEERING_TECHNOLOGY,
        _("Electrical and electronic engineering"),
    ),
    "mechanical_engineering": (Area.ENGINEERING_TECHNOLOGY, _("Mechanical engineering")),
    "civil_engineering": (Area.ENGINEERING_TECHNOLOGY, _("Civil engineering")),
    "chemical_engineering": (Area.ENGINEERING_TECHNOLOGY, _("Chemical engineering")),
    "materials_science": (Area.ENGINEERING_TECHNOLOGY, _("Materials science and nanotechnology")),
    "biomedical_engineering": (Area.ENGINEERING_TECHNOLOGY, _("Biomedical engineering")),
    "energy": (Area.ENGINEERING_TECHNOLOGY, _("Energy")),
    # IX
    "data_science": (Area.INTERDISCIPLINARY, _("Data science")),
    "sustainability": (Area.INTERDISCIPLINARY, _("Sustainability and climate change")),
    "science_policy": (Area.INTERDISCIPLINARY, _("Science, technology and society")),
}

FIELD_CODES = frozenset(Area.values) | frozenset(DISCIPLINES)


def area_of(field_code: str) -> str:
    """The SNII area code of an area or discipline code."""
    if field_code in DISCIPLINES:
        return str(DISCIPLINES[field_code][0])
    return field_code


def areas_of(field_codes) -> list[str]:
    """The sorted SNII area codes covered by a list of area or discipline codes."""
    return sorted({area_of(code) for code in field_codes})


def field_label(field_code: str) -> str:
    if field_code in DISCIPLINES:
        return str(DISCIPLINES[field_code][1])
    return str(Area(field_code).label)


def field_choices():
    """Grouped choices for forms: each area, then its disciplines."""
    groups = []
    for area in Area:
        options = [(area.value, area.label)]
        options += [(code, label) for code, (a, label) in DISCIPLINES.items() if a == area]
        groups.append((area.label, options))
    return groups


class Goal(models.TextChoices):
    PUBLICATIONS = "publications", _("Publications")
    CONFERENCES = "conferences", _("Conferences")
    STUDENT_TRAINING = "student_training", _("Student training")
    MOBILITY = "mobility", _("Academic mobility")
    SCIENCE_COMMUNICATION = "science_communication", _("Science communication")
    POLICY = "policy", _("Public policy")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    SOCIAL_IMPACT = "social_impact", _("Social impact")
    JOINT_FUNDING = "joint_funding", _("Joint funding")
    CAPACITY_BUILDING = "capacity_building", _("Capacity building")


class CollaborationType(models.TextChoices):
    ACADEMIC_PROJECT = "academic_project", _("Academic project")
    NGO_PROJECT = "ngo_project", _("NGO project")
    GOVERNMENT_PROJECT = "government_project", _("Government project")
    INDUSTRY_PROJECT = "industry_project", _("Industry project")
    TEACHING = "teaching", _("Teaching")
    MENTORING = "mentoring", _("Mentoring")
    SCIENCE_COMMUNICATION = "science_communication", _("Science communication")
    ADVISORY = "advisory", _("Advisory")


class Sector(models.TextChoices):
    ACADEMIA = "academia", _("Academia")
    INDUSTRY = "industry", _("Industry")
    GOVERNMENT = "government", _("Government")
    NGO = "ngo", _("NGO")
    CONSULTING = "consulting", _("Consulting")


class Position(models.TextChoices):
    GRAD_STUDENT = "grad_student", _("Graduate student")
    POSTDOC = "postdoc", _("Postdoc")
    FACULTY = "faculty", _("Faculty")
    RESEARCHER = "researcher", _("Researcher")
    INDUSTRY = "industry", _("Industry")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_CENTER = "research_center", _("Research centre")
    NGO = "ngo", _("NGO")
    GOVERNMENT = "government", _("Government agency")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other")


class Funding(models.TextChoices):
    NONE = "none", _("No funding")
    PARTIAL = "partial", _("Partial funding")
    FULL = "full", _("Full funding")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


@cache
def mexican_states() -> dict[str, str]:
    """ISO 3166-2:MX code -> name."""
    states = pycountry.subdivisions.get(country_code="MX")
    return dict(sorted((s.code, s.name) for s in states))


# Names of countries and languages come from the Unicode CLDR through Babel (the
# source browsers and operating systems use): Mexican Spanish for the Spanish
# interface. The codes themselves are ISO's, through pycountry.
CLDR_LOCALES = {"es": "es_MX", "en": "en"}


def _cldr_locale(language: str) -> Locale:
    return Locale.parse(CLDR_LOCALES.get(language, "en"))


def _sort_key(item: tuple[str, str]) -> str:
    # "Österreich" next to "Omán": accents do not move a name to the end.
    decomposed = unicodedata.normalize("NFKD", item[1])
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _interface_language() -> str:
    return (get_language() or "en").split("-")[0]


def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> name, in the active language."""
    return _countries(_interface_language())


@cache
def _countries(language: str) -> dict[str, str]:
    names = _cldr_locale(language).territories
    found = {c.alpha_2: names.get(c.alpha_2, c.name) for c in pycountry.countries}
    return dict(sorted(found.items(), key=_sort_key))


def languages() -> dict[str, str]:
    """ISO 639-1 code -> name, in the active language ("Amárico", "Afrikáans")."""
    return _languages(_interface_language())


@cache
def _languages(language: str) -> dict[str, str]:
    names = _cldr_locale(language).languages

    def name(lang) -> str:
        # Spanish writes language names in lower case; a list item starts with a capital.
        text = names.get(lang.alpha_2, lang.name)
        return text[:1].upper() + text[1:]

    found = {lang.alpha_2: name(lang) for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return dict(sorted(found.items(), key=_sort_key))


def state_choices():
    return list(mexican_states().items())


def country_choices():
    return list(countries().items())


def language_choices():
    # The languages scientists mostly list first, then all of ISO 639-1.
    common = ["es", "en", "fr", "de", "pt", "it", "zh", "ja"]
    table = languages()
    head = [(c, table[c]) for c in common if c in table]
    return head + [(c, n) for c, n in table.items() if c not in common]
