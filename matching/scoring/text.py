"""Text normalisation shared by keywords, free text and institution names.

Profiles are often in English and projects in Spanish. Scientific vocabulary
is largely cognate, so every token is folded (accents, case, punctuation),
translated when it is one of a few common non-cognates (``salud`` ->
``health``), its Spanish suffix rewritten to the English one (``-ción`` ->
``-tion``, ``-ía`` -> ``-y``, ``-ica`` -> ``-ic``), stemmed with the English
Snowball stemmer and reduced to a spelling key (``ph`` -> ``f``, ``th`` ->
``t``, doubled letters...). "genómica" and "genomics", "epidemiología" and
"epidemiology", "Bioquímica", "bioquimica" and "biochemistry" all meet.
"""

import codecs
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_EN = snowballstemmer.stemmer("english")
_ES = snowballstemmer.stemmer("spanish")

_STOP_TEXT = """
    a al algo algun alguna algunas alguno algunos ante antes aqui asi aun cada como con contra cual
    cuales cuando de del desde donde dos e el ella ellas ellos en entre era eres es esa esas ese eso
    esos esta estas este esto estos fue fueron ha han hasta hay la las le les lo los mas me mi mis
    mucho muy ni no nos nuestra nuestro nuestros o os otra otro otros para pero poco por porque que
    se sea ser si sin sobre solo son su sus tambien te tiene tienen todo todos tu u un una uno unos
    y ya yo usted ustedes traves mediante segun tanto tan asi
    about above after again all also an and any are as at be been being between both but by can
    could did do does doing during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just may me more most my no nor not of off on once
    only or other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your using use used based new via within among across
"""
STOPWORDS = frozenset(_STOP_TEXT.split())

# Common Spanish scientific words that are not cognates of their English
# translation; the matcher treats them as the English word.
GLOSSARY = {
    "salud": "health",
    "quimica": "chemistry",
    "quimicas": "chemistry",
    "quimico": "chemical",
    "quimicos": "chemical",
    "bioquimica": "biochemistry",
    "aprendizaje": "learning",
    "automatico": "machine",
    "datos": "data",
    "dato": "data",
    "redes": "networks",
    "red": "network",
    "suelo": "soil",
    "suelos": "soil",
    "agua": "water",
    "aguas": "water",
    "enfermedad": "disease",
    "enfermedades": "diseases",
    "desigualdad": "inequality",
    "desigualdades": "inequality",
    "poblacion": "population",
    "poblaciones": "populations",
    "sostenibilidad": "sustainability",
    "sostenible": "sustainable",
    "sustentable": "sustainable",
    "estudiantes": "students",
    "estudiante": "student",
    "vacuna": "vaccine",
    "vacunas": "vaccines",
    "ninos": "children",
    "nino": "child",
    "ninas": "children",
    "infancia": "childhood",
    "mujeres": "women",
    "mujer": "woman",
    "pobreza": "poverty",
    "cambio": "change",
    "calidad": "quality",
    "aire": "air",
    "bosque": "forest",
    "bosques": "forests",
    "cultivo": "crop",
    "cultivos": "crops",
    "maiz": "maize",
    "frijol": "bean",
    "semillas": "seeds",
    "semilla": "seed",
    "riego": "irrigation",
    "sequia": "drought",
    "sequias": "drought",
    "incendios": "fires",
    "contaminacion": "pollution",
    "residuos": "waste",
    "pesca": "fisheries",
    "pesquerias": "fisheries",
    "mar": "sea",
    "mares": "seas",
    "costero": "coastal",
    "costeros": "coastal",
    "costera": "coastal",
    "costeras": "coastal",
    "tierra": "land",
    "mineria": "mining",
    "ingenieria": "engineering",
    "computo": "computing",
    "computacion": "computing",
    "ensenanza": "teaching",
    "escuela": "school",
    "escuelas": "schools",
    "lectura": "reading",
    "cerebro": "brain",
    "corazon": "heart",
    "sangre": "blood",
    "mama": "breast",
    "celulas": "cells",
    "celula": "cell",
    "estadistica": "statistics",
    "estadisticas": "statistics",
    "estadistico": "statistical",
    "gobierno": "government",
    "politicas": "policy",
    "politica": "policy",
    "empresa": "company",
    "empresas": "companies",
    "medio": "environment",
    "ambiente": "environment",
    "ambiental": "environmental",
    "ambientales": "environmental",
    "inmunologia": "immunology",
    "vivienda": "housing",
    "trabajo": "work",
    "empleo": "employment",
    "migrantes": "migrants",
    "migrante": "migrant",
    "peces": "fish",
    "plantas": "plants",
    "planta": "plant",
    "animales": "animals",
    "hongos": "fungi",
    "insectos": "insects",
    "abejas": "bees",
    "arboles": "trees",
    "selva": "rainforest",
    "lluvia": "rainfall",
    "clima": "climate",
    "huracanes": "hurricanes",
    "sismos": "earthquakes",
    "sismo": "earthquake",
    "terremotos": "earthquakes",
    "volcanes": "volcanoes",
    "rocas": "rocks",
    "luz": "light",
    "aprendizajes": "learning",
    "ensayos": "trials",
    "ensayo": "trial",
    "clinicos": "clinical",
    "clinico": "clinical",
    "clinica": "clinical",
    "clinicas": "clinical",
    "farmacos": "drugs",
    "farmaco": "drug",
    "medicamentos": "drugs",
    "medicamento": "drug",
    "edificios": "buildings",
    "puentes": "bridges",
    "carreteras": "roads",
    "ciudades": "cities",
    "ciudad": "city",
    "ninez": "childhood",
    "envejecimiento": "aging",
    "adultos": "adults",
    "mayores": "older",
    "lengua": "language",
    "lenguas": "languages",
    "indigenas": "indigenous",
    "indigena": "indigenous",
    "derechos": "rights",
    "derecho": "law",
    "humanos": "human",
    "humano": "human",
    "seguridad": "security",
    "alimentaria": "food",
    "alimentos": "food",
    "alimento": "food",
    "alimentacion": "food",
    "cuantica": "quantum",
    "cuantico": "quantum",
    "cuanticos": "quantum",
    "estrellas": "stars",
    "galaxias": "galaxies",
    "hidrogeno": "hydrogen",
    "baterias": "batteries",
    "bateria": "battery",
    "paneles": "panels",
    "solares": "solar",
    "eolica": "wind",
    "viento": "wind",
    "fuentes": "sources",
    "procesamiento": "processing",
    "lenguaje": "language",
    "natural": "natural",
    "vision": "vision",
    "imagenes": "images",
    "imagen": "image",
}
PHRASES = [
    ("aprendizaje automatico", "machine learning"),
    ("aprendizaje profundo", "deep learning"),
    ("aprendizaje de maquina", "machine learning"),
    ("medio ambiente", "environment"),
    ("salud publica", "public health"),
]

_SUFFIXES = [
    ("acionales", "ational"),
    ("acional", "ational"),
    ("cionales", "tional"),
    ("cional", "tional"),
    ("ciones", "tions"),
    ("cion", "tion"),
    ("dades", "ties"),
    ("dad", "ty"),
    ("icas", "ics"),
    ("icos", "ics"),
    ("ica", "ic"),
    ("ico", "ic"),
    ("ias", "ies"),
    ("ia", "y"),
    ("ismo", "ism"),
    ("istas", "ists"),
    ("ista", "ist"),
    ("mente", "ly"),
    ("osos", "ous"),
    ("osas", "ous"),
    ("oso", "ous"),
    ("osa", "ous"),
    ("ales", "al"),
    ("ivos", "ive"),
    ("ivas", "ive"),
    ("ivo", "ive"),
    ("iva", "ive"),
    ("entes", "ent"),
    ("ente", "ent"),
    ("antes", "ant"),
    ("ante", "ant"),
    ("ables", "able"),
    ("ibles", "ible"),
]
_SPELLING = [
    ("ph", "f"),
    ("th", "t"),
    ("ch", "c"),
    ("qu", "cu"),
    ("k", "c"),
    ("y", "i"),
    ("z", "s"),
    ("nm", "m"),
]
_DOUBLE = re.compile(r"(.)\1+")
_LEADING_ES = re.compile(r"^es(?=[bcdfgptlmnr])")
# Every byte but a-z and 0-9 becomes a space.
_WORD_BYTES = bytes(b if 48 <= b <= 57 or 97 <= b <= 122 else 32 for b in range(256))


@lru_cache(maxsize=20_000)
def _fold_run(chars: str) -> str:
    """A run of non-ASCII characters, folded: accents dropped, ß as ss,
    compatibility forms decomposed (ﬁ -> fi) and anything else a space."""
    decomposed = unicodedata.normalize("NFKD", chars)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isascii() else " " for c in kept.replace("ß", "ss"))


def _fold_error(error: UnicodeEncodeError) -> tuple[str, int]:
    return _fold_run(error.object[error.start : error.end]), error.end


# Encoding to ASCII hands each run of other characters to _fold_run: the
# ASCII bulk of a text never goes through Python code.
codecs.register_error("diaspora.fold", _fold_error)


def _words(text: str) -> list[str]:
    if not text:
        return []
    ascii_bytes = text.lower().encode("ascii", "diaspora.fold")
    return ascii_bytes.translate(_WORD_BYTES).decode("ascii").split()


def fold(text: str) -> str:
    """Lower-case, strip accents, keep letters and digits separated by one space."""
    return " ".join(_words(text))


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """The cross-language stem of one folded token ('' for a stop word)."""
    if token in STOPWORDS or len(token) < 2:
        return ""
    word = GLOSSARY.get(token, token)
    if word == token and not token.isdigit():
        for spanish, english in _SUFFIXES:
            if word.endswith(spanish) and len(word) - len(spanish) >= 3:
                word = word[: -len(spanish)] + english
                break
    word = _EN.stemWord(word)
    for a, b in _SPELLING:
        word = word.replace(a, b)
    word = _DOUBLE.sub(r"\1", word)
    word = _LEADING_ES.sub("s", word)
    if len(word) > 4 and word[-1] in "aeio":
        word = word[:-1]
    return word


def _apply_phrases(folded: str) -> str:
    for spanish, english in PHRASES:
        if spanish in folded:
            folded = folded.replace(spanish, english)
    return folded


def stems(text: str) -> list[str]:
    """Stems of the content words of a text, in order."""
    words = _words(text)
    folded = " ".join(words)
    phrased = _apply_phrases(folded)
    if phrased != folded:
        words = phrased.split()
    return [*filter(None, map(stem, words))]


@lru_cache(maxsize=200_000)
def normalize_keyword(keyword: str) -> str:
    """A keyword's matching form: its distinct stems, sorted, joined by spaces ('' if none).

    Sorting makes word order irrelevant: "genómica de poblaciones" and
    "population genomics" have the same form.
    """
    return " ".join(sorted(set(stems(keyword))))


def analyzer(text: str) -> list[str]:
    """TF-IDF terms of a text: stems and pairs of consecutive stems."""
    words = stems(text)
    return words + [*map(" ".join, zip(words, words[1:], strict=False))]


# Words that say nothing about what a pair has in common: they may weigh in the
# TF-IDF match of a small corpus, but a reason citing them convinces nobody.
_GENERIC_TEXT = """
    estudiante estudiantes alumno alumnos apoyar apoyo apoya resultados resultado proyecto proyectos
    trabajo trabajar trabajamos investigacion investigaciones investigar investigador investigadora
    investigadores estudio estudios estudiar estudiamos analisis analizar datos dato desarrollo
    desarrollar desarrollamos buscamos busca buscar necesitamos apoyo colaboracion colaborar
    colaboradores programa programas grupo grupos equipo equipos comunidad comunidades modelo
    modelos sistema sistemas metodo metodos nuevo nueva nuevos nuevas mexico mexicano mexicana
    nacional estado estados region regional local institucion instituto universidad centro
    objetivo objetivos meses anos ano semana horas mes experiencia meta metas impacto calidad
    mejorar evaluar evaluacion propuesta tema temas area areas campo parte forma manera tipo
    student students support supporting results result project projects work working research
    researcher researchers study studies studying analysis analyse analyze data development develop
    developing seek seeking looking need needs collaboration collaborate collaborators program
    programme group groups team teams community communities model models system systems method
    methods approach approaches new mexico mexican national state states region regional local
    institution institute university center centre goal goals aim aims months years year week
    hours experience impact quality improve improving evaluate evaluation proposal topic topics
    area areas field fields part way type focus focused interest interests interested currently
    phd postdoc professor lab laboratory
"""
GENERIC_STEMS = frozenset(filter(None, (stem(w) for w in _GENERIC_TEXT.split())))
