"""Realistic synthetic scientists and projects for benchmarks and tests.

Topics group Spanish/English term pairs; each record draws from one or two
topics with a Zipf-shaped preference, writes keywords with accent, case,
typo and language variants, and a 60-150 word summary or description.
"""

from __future__ import annotations

import datetime
import random

import numpy as np

from matching.scoring import semantic
from matching.scoring.records import ProjectRecord, ScientistRecord
from profiles import vocab

# topic -> (fields, [(es, en), ...])
TOPICS = {
    "genomics": (
        ["genetics_genomics", "bioinformatics", "biology_chemistry"],
        [
            ("genómica", "genomics"),
            ("bioinformática", "bioinformatics"),
            ("secuenciación", "sequencing"),
            ("transcriptómica", "transcriptomics"),
            ("genética de poblaciones", "population genetics"),
            ("maíz nativo", "native maize"),
            ("evolución molecular", "molecular evolution"),
            ("filogenética", "phylogenetics"),
            ("epigenética", "epigenetics"),
            ("metagenómica", "metagenomics"),
        ],
    ),
    "public_health": (
        ["public_health", "medicine_health", "nutrition"],
        [
            ("epidemiología", "epidemiology"),
            ("salud pública", "public health"),
            ("obesidad", "obesity"),
            ("diabetes", "diabetes"),
            ("nutrición", "nutrition"),
            ("enfermedades crónicas", "chronic diseases"),
            ("vacunación", "vaccination"),
            ("vigilancia epidemiológica", "epidemiological surveillance"),
            ("salud materna", "maternal health"),
            ("bioestadística", "biostatistics"),
        ],
    ),
    "immunology": (
        ["immunology", "microbiology", "medicine_health"],
        [
            ("inmunología", "immunology"),
            ("vacunas", "vaccines"),
            ("tuberculosis", "tuberculosis"),
            ("dengue", "dengue"),
            ("resistencia antimicrobiana", "antimicrobial resistance"),
            ("virología", "virology"),
            ("microbioma", "microbiome"),
            ("parásitos", "parasites"),
        ],
    ),
    "ml": (
        ["computer_science", "data_science", "engineering_technology"],
        [
            ("aprendizaje automático", "machine learning"),
            ("inteligencia artificial", "artificial intelligence"),
            ("visión por computadora", "computer vision"),
            ("redes neuronales", "neural networks"),
            ("procesamiento de lenguaje natural", "natural language processing"),
            ("ciencia de datos", "data science"),
            ("robótica", "robotics"),
            ("optimización", "optimization"),
        ],
    ),
    "ecology": (
        ["ecology_evolution", "conservation", "agro_ecosystems"],
        [
            ("ecología", "ecology"),
            ("biodiversidad", "biodiversity"),
            ("conservación", "conservation"),
            ("manglares", "mangroves"),
            ("arrecifes de coral", "coral reefs"),
            ("especies invasoras", "invasive species"),
            ("polinizadores", "pollinators"),
            ("restauración ecológica", "ecological restoration"),
            ("cambio climático", "climate change"),
        ],
    ),
    "agro": (
        ["agronomy", "food_science", "agro_ecosystems"],
        [
            ("agricultura sostenible", "sustainable agriculture"),
            ("suelos", "soils"),
            ("riego", "irrigation"),
            ("sequía", "drought"),
            ("seguridad alimentaria", "food security"),
            ("agroecología", "agroecology"),
            ("cultivos", "crops"),
            ("frijol", "beans"),
        ],
    ),
    "economics": (
        ["economics", "social_sciences", "demography"],
        [
            ("economía laboral", "labor economics"),
            ("migración", "migration"),
            ("desigualdad", "inequality"),
            ("pobreza", "poverty"),
            ("remesas", "remittances"),
            ("políticas públicas", "public policy"),
            ("mercados laborales", "labor markets"),
            ("econometría", "econometrics"),
        ],
    ),
    "materials": (
        ["materials_science", "chemistry", "energy"],
        [
            ("nanotecnología", "nanotechnology"),
            ("materiales", "materials"),
            ("celdas solares", "solar cells"),
            ("baterías", "batteries"),
            ("catálisis", "catalysis"),
            ("polímeros", "polymers"),
            ("energía renovable", "renewable energy"),
            ("hidrógeno", "hydrogen"),
        ],
    ),
    "education": (
        ["education", "psychology", "behavior_education"],
        [
            ("educación", "education"),
            ("enseñanza de las ciencias", "science education"),
            ("aprendizaje", "learning"),
            ("psicología", "psychology"),
            ("divulgación científica", "science communication"),
            ("lectura", "reading"),
            ("formación docente", "teacher training"),
        ],
    ),
    "earth": (
        ["earth_sciences", "oceanography", "physics_math_earth"],
        [
            ("sismología", "seismology"),
            ("volcanes", "volcanoes"),
            ("oceanografía", "oceanography"),
            ("hidrología", "hydrology"),
            ("acuíferos", "aquifers"),
            ("huracanes", "hurricanes"),
            ("geofísica", "geophysics"),
            ("calidad del aire", "air quality"),
        ],
    ),
}
FILLER = {
    "es": [
        "el",
        "la",
        "de",
        "en",
        "y",
        "con",
        "para",
        "los",
        "las",
        "del",
        "un",
        "una",
        "por",
        "que",
        "se",
        "estudio",
        "análisis",
        "datos",
        "modelos",
        "métodos",
        "resultados",
        "investigación",
        "proyecto",
        "desarrollo",
        "evaluación",
        "impacto",
        "comunidades",
        "regiones",
        "México",
        "nacional",
        "red",
        "colaboración",
        "trabajo",
        "campo",
        "laboratorio",
    ],
    "en": [
        "the",
        "of",
        "and",
        "in",
        "with",
        "for",
        "to",
        "a",
        "on",
        "by",
        "we",
        "study",
        "analysis",
        "data",
        "models",
        "methods",
        "results",
        "research",
        "project",
        "development",
        "evaluation",
        "impact",
        "communities",
        "regions",
        "Mexico",
        "national",
        "network",
        "collaboration",
        "work",
        "field",
        "laboratory",
    ],
}
INSTITUTIONS = [
    ("Instituto de Biología, UNAM", "MX-CMX"),
    ("Facultad de Medicina, UNAM", "MX-CMX"),
    ("Universidad de Guadalajara", "MX-JAL"),
    ("CINVESTAV Mérida", "MX-YUC"),
    ("Instituto Nacional de Salud Pública", "MX-MOR"),
    ("Universidad Autónoma de Nuevo León", "MX-NLE"),
    ("Tecnológico de Monterrey", "MX-NLE"),
    ("Universidad Veracruzana", "MX-VER"),
    ("Secretaría de Salud de Oaxaca", "MX-OAX"),
    ("ONG Agua para Todos", "MX-CHP"),
    ("El Colegio de la Frontera Sur", "MX-CHP"),
    ("CICESE", "MX-BCN"),
    ("Benemérita Universidad Autónoma de Puebla", "MX-PUE"),
    ("Universidad de Sonora", "MX-SON"),
    ("Instituto de Ecología A.C.", "MX-VER"),
    ("Empresa Biotec del Bajío", "MX-GUA"),
]
ALMA_MATERS = [
    "UNAM",
    "Universidad Nacional Autónoma de México",
    "IPN",
    "UdeG",
    "Tec de Monterrey",
    "UANL",
    "BUAP",
    "Cinvestav",
    "UAM",
    "Universidad Veracruzana",
    "Universidad de Sonora",
    "ITAM",
    "Chapingo",
]
STATES = list(dict.fromkeys(s for _n, s in INSTITUTIONS)) + ["MX-MIC", "MX-QUE", "MX-SLP"]
GOALS = [g.value for g in vocab.Goal]
TYPES = [c.value for c in vocab.CollaborationType]


def _variant(rng: random.Random, word: str) -> str:
    r = rng.random()
    if r < 0.15:
        import unicodedata

        word = "".join(
            c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)
        )
    elif r < 0.22:
        word = word.capitalize()
    elif r < 0.26 and len(word) > 6:
        i = rng.randrange(1, len(word) - 1)
        word = word[:i] + word[i + 1 :]  # a typo
    return word


def _zipf_choice(rng, items, s=1.1):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights)[0]


def _terms(rng, topics, lang, n):
    out = []
    for _ in range(n):
        topic = rng.choice(topics)
        es, en = _zipf_choice(rng, TOPICS[topic][1])
        pick = es if (lang == "es") != (rng.random() < 0.2) else en
        out.append(_variant(rng, pick))
    return out


def _text(rng, topics, lang, n_words):
    words = []
    while len(words) < n_words:
        if rng.random() < 0.35:
            words.extend(_terms(rng, topics, lang, 1)[0].split())
        else:
            words.append(rng.choice(FILLER[lang]))
    return " ".join(words[:n_words])


def synthetic_world(
    n_scientists: int, n_projects: int, *, seed: int = 0, today: datetime.date | None = None
):
    rng = random.Random(seed)
    today = today or datetime.date(2026, 11, 22)
    names = list(TOPICS)
    # A long tail of distinct keywords, as in real networks: each topic term
    # also appears qualified ("genómica de X") in a few hundred ways.
    qualifiers = [
        f"{a} {b}"
        for a in ("región", "zona", "cuenca", "valle", "costa", "sierra")
        for b in (
            "norte",
            "sur",
            "centro",
            "occidente",
            "oriente",
            "golfo",
            "pacífico",
            "maya",
            "huasteca",
            "bajío",
        )
    ]
    scientists = []
    for i in range(n_scientists):
        topics = [_zipf_choice(rng, names, 0.6)]
        if rng.random() < 0.35:
            topics.append(rng.choice(names))
        lang = "en" if rng.random() < 0.65 else "es"
        fields = rng.sample(TOPICS[topics[0]][0], rng.randint(1, 2))
        keywords = _terms(rng, topics, lang, rng.randint(2, 7))
        if rng.random() < 0.3:
            keywords.append(f"{keywords[0]} {rng.choice(qualifiers)}")
        scientists.append(
            ScientistRecord(
                id=i + 1,
                ref=f"sci-{i + 1}",
                fields=fields,
                keywords=keywords,
                summary=_text(rng, topics, lang, rng.randint(60, 150)),
                goals=rng.sample(GOALS, rng.randint(1, 3)),
                collaboration_types=rng.sample(TYPES, rng.randint(1, 3)),
                available_from=None
                if rng.random() < 0.1
                else today + datetime.timedelta(days=rng.randint(-60, 500)),
                horizon_months=None if rng.random() < 0.1 else rng.choice([6, 12, 18, 24, 36, 48]),
                hours_per_month=None
                if rng.random() < 0.1
                else rng.choice([4, 5, 8, 10, 15, 20, 40]),
                languages=["es", "en"]
                if rng.random() < 0.85
                else rng.choice([["en"], ["es"], ["en", "fr"]]),
                alma_maters=rng.sample(ALMA_MATERS, rng.randint(0, 2)),
                states_of_interest=rng.sample(STATES, rng.randint(0, 3)),
            )
        )
    projects = []
    for j in range(n_projects):
        topics = [_zipf_choice(rng, names, 0.6)]
        if rng.random() < 0.25:
            topics.append(rng.choice(names))
        lang = "es" if rng.random() < 0.8 else "en"
        inst, state = rng.choice(INSTITUTIONS)
        keywords = _terms(rng, topics, lang, rng.randint(1, 5))
        if rng.random() < 0.3:
            keywords.append(f"{keywords[0]} {rng.choice(qualifiers)}")
        projects.append(
            ProjectRecord(
                id=j + 1,
                ref=f"proj-{j + 1}",
                status="open",
                title=" ".join(_terms(rng, topics, lang, 2))
                + (" en México" if lang == "es" else " in Mexico"),
                description=_text(rng, topics, lang, rng.randint(60, 150)),
                fields=rng.sample(TOPICS[topics[0]][0], rng.randint(1, 2)),
                keywords=keywords,
                goals=rng.sample(GOALS, rng.randint(1, 3)),
                collaboration_type=rng.choice(TYPES),
                starts_on=None
                if rng.random() < 0.1
                else today + datetime.timedelta(days=rng.randint(-30, 365)),
                duration_months=None if rng.random() < 0.1 else rng.choice([3, 6, 12, 18, 24, 36]),
                first_results_months=None if rng.random() < 0.15 else rng.choice([1, 3, 6, 12]),
                hours_per_month=None if rng.random() < 0.1 else rng.choice([4, 8, 10, 20, 30]),
                languages=["es"] if rng.random() < 0.6 else rng.choice([["es", "en"], ["en"]]),
                institution_name=inst,
                institution_state=state,
            )
        )
    return scientists, projects


def attach_synthetic_vectors(records, *, seed: int = 0) -> None:
    """Give records stand-ins for semantic vectors, as stored ones would be:
    near a centroid of their first field, quantized like real ones. Real
    encoders read about 100 profile-length texts a second, too slow to embed
    100,000 synthetic texts for a benchmark of the scoring, which costs the
    same whatever the vectors hold."""
    rng = np.random.default_rng(seed)
    centroids: dict[str, np.ndarray] = {}
    for rec in records:
        key = rec.fields[0] if rec.fields else ""
        if key not in centroids:
            centroids[key] = rng.standard_normal(semantic.DIM).astype(np.float32)
        vector = centroids[key] + 0.8 * rng.standard_normal(semantic.DIM).astype(np.float32)
        rec.vector = semantic.quantize(vector)
        rec.language = semantic.detect_language(rec.document)
