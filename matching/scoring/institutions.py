"""Recognising Mexican institutions in free-form names.

Scientists write their alma mater as they say it ("UNAM", "Tec de Monterrey",
"Universidad de Guadalajara"); projects belong to institutions whose names
often embed the university ("Instituto de Biología, UNAM"). Each name is
mapped to a set of canonical institution codes: by acronym or alias as a
whole word of the folded name, then by a fuzzy comparison (rapidfuzz
``token_set_ratio``) against the full official names. A name matching no
known institution keeps its own folded form, so two identical unknown names
still meet.
"""

from functools import lru_cache

from rapidfuzz import fuzz, process

from .text import fold

# code -> (official name, aliases/acronyms). Aliases are matched as whole words.
UNIVERSITIES = {
    "unam": ("Universidad Nacional Autónoma de México", ["unam"]),
    "ipn": ("Instituto Politécnico Nacional", ["ipn", "politecnico nacional"]),
    "uam": ("Universidad Autónoma Metropolitana", ["uam"]),
    "udg": ("Universidad de Guadalajara", ["udg", "udeg", "u de g"]),
    "uanl": ("Universidad Autónoma de Nuevo León", ["uanl"]),
    "buap": ("Benemérita Universidad Autónoma de Puebla", ["buap"]),
    "cinvestav": ("Centro de Investigación y de Estudios Avanzados del IPN", ["cinvestav"]),
    "itesm": (
        "Instituto Tecnológico y de Estudios Superiores de Monterrey",
        ["itesm", "tec de monterrey", "tecnologico de monterrey"],
    ),
    "itam": ("Instituto Tecnológico Autónomo de México", ["itam"]),
    "ibero": ("Universidad Iberoamericana", ["ibero", "uia"]),
    "colmex": ("El Colegio de México", ["colmex"]),
    "cide": ("Centro de Investigación y Docencia Económicas", ["cide"]),
    "cicese": (
        "Centro de Investigación Científica y de Educación Superior de Ensenada",
        ["cicese"],
    ),
    "inaoe": ("Instituto Nacional de Astrofísica, Óptica y Electrónica", ["inaoe"]),
    "cimat": ("Centro de Investigación en Matemáticas", ["cimat"]),
    "ecosur": ("El Colegio de la Frontera Sur", ["ecosur"]),
    "colef": ("El Colegio de la Frontera Norte", ["colef"]),
    "inecol": ("Instituto de Ecología", ["inecol"]),
    "insp": ("Instituto Nacional de Salud Pública", ["insp"]),
    "chapingo": ("Universidad Autónoma Chapingo", ["chapingo"]),
    "uaaan": ("Universidad Autónoma Agraria Antonio Narro", ["uaaan", "antonio narro"]),
    "colpos": ("Colegio de Postgraduados", ["colpos"]),
    "cibnor": ("Centro de Investigaciones Biológicas del Noroeste", ["cibnor"]),
    "ciad": ("Centro de Investigación en Alimentación y Desarrollo", ["ciad"]),
    "cicy": ("Centro de Investigación Científica de Yucatán", ["cicy"]),
    "ipicyt": ("Instituto Potosino de Investigación Científica y Tecnológica", ["ipicyt"]),
    "udlap": ("Universidad de las Américas Puebla", ["udlap"]),
    "uv": ("Universidad Veracruzana", ["uv"]),
    "uaslp": ("Universidad Autónoma de San Luis Potosí", ["uaslp"]),
    "uaq": ("Universidad Autónoma de Querétaro", ["uaq"]),
    "uabc": ("Universidad Autónoma de Baja California", ["uabc"]),
    "uach": ("Universidad Autónoma de Chihuahua", ["uach"]),
    "uacj": ("Universidad Autónoma de Ciudad Juárez", ["uacj"]),
    "uady": ("Universidad Autónoma de Yucatán", ["uady"]),
    "uaemex": ("Universidad Autónoma del Estado de México", ["uaemex", "uaem"]),
    "uaem_mor": ("Universidad Autónoma del Estado de Morelos", ["uaem morelos"]),
    "umsnh": (
        "Universidad Michoacana de San Nicolás de Hidalgo",
        ["umsnh", "universidad michoacana"],
    ),
    "ugto": ("Universidad de Guanajuato", ["ugto"]),
    "uaeh": ("Universidad Autónoma del Estado de Hidalgo", ["uaeh"]),
    "unison": ("Universidad de Sonora", ["unison", "uson"]),
    "uas": ("Universidad Autónoma de Sinaloa", ["uas"]),
    "uat": ("Universidad Autónoma de Tamaulipas", ["uat"]),
    "uaz": ("Universidad Autónoma de Zacatecas", ["uaz"]),
    "ujat": ("Universidad Juárez Autónoma de Tabasco", ["ujat"]),
    "unach": ("Universidad Autónoma de Chiapas", ["unach"]),
    "uagro": ("Universidad Autónoma de Guerrero", ["uagro"]),
    "uabjo": ("Universidad Autónoma Benito Juárez de Oaxaca", ["uabjo"]),
    "uaa": ("Universidad Autónoma de Aguascalientes", ["uaa"]),
    "uadec": ("Universidad Autónoma de Coahuila", ["uadec"]),
    "ujed": ("Universidad Juárez del Estado de Durango", ["ujed"]),
    "ucol": ("Universidad de Colima", ["ucol"]),
    "uqroo": ("Universidad de Quintana Roo", ["uqroo"]),
    "uan": ("Universidad Autónoma de Nayarit", ["uan"]),
    "itson": ("Instituto Tecnológico de Sonora", ["itson"]),
    "iteso": ("Instituto Tecnológico y de Estudios Superiores de Occidente", ["iteso"]),
    "up": ("Universidad Panamericana", ["universidad panamericana"]),
    "uacm": ("Universidad Autónoma de la Ciudad de México", ["uacm"]),
}

_OFFICIAL = {code: fold(name) for code, (name, _aliases) in UNIVERSITIES.items()}
_ALIASES = sorted(
    ((fold(alias), code) for code, (_n, aliases) in UNIVERSITIES.items() for alias in aliases),
    key=lambda item: -len(item[0]),
)
_NAMES = list(_OFFICIAL.values())
_CODES = list(_OFFICIAL)
FUZZY_CUTOFF = 90


@lru_cache(maxsize=100_000)
def institution_codes(name: str) -> frozenset[str]:
    """Canonical codes of the institutions a name refers to (possibly several)."""
    folded = fold(name)
    if not folded:
        return frozenset()
    padded = f" {folded} "
    codes = {code for alias, code in _ALIASES if f" {alias} " in padded}
    for official, code in zip(_NAMES, _CODES, strict=True):
        if official in folded:
            codes.add(code)
    if not codes:
        best = process.extractOne(
            folded, _NAMES, scorer=fuzz.token_set_ratio, score_cutoff=FUZZY_CUTOFF
        )
        # token_set_ratio is 100 when one name's words are a subset of the
        # other's; require the official name to be that subset, so that
        # "Instituto de Ecología" does not claim every institute.
        if best is not None and len(best[0].split()) >= 3:
            codes.add(_CODES[best[2]])
    if not codes:
        codes.add("name:" + folded)
    return frozenset(codes)


def display_name(code: str) -> str:
    if code in UNIVERSITIES:
        name, aliases = UNIVERSITIES[code]
        return aliases[0].upper() if aliases and len(aliases[0]) <= 10 else name
    return code.removeprefix("name:")
