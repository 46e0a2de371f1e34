"""Realistic, varied, bilingual demo data, deterministic for a given seed.

``build_payload`` returns an import file (the public contract of import_data)
with institutions across Mexican states, scientists abroad and projects of
every kind and timeline. The seed_demo command imports it and adds demo
accounts, interests, introductions and agreements on top.

The proportions follow the interview study behind the product
(../shared/brief.md): mostly in the USA and Canada, many in medicine, health
sciences, biology and chemistry, mostly postdocs in academia, and 77% had
already tried to collaborate with a Mexican initiative.
"""

from __future__ import annotations

import datetime
import random
import unicodedata

from profiles.vocab import area_of, mexican_states

# --------------------------------------------------------------------------- people

FEMALE_NAMES = [
    "María Fernanda",
    "Ana",
    "Sofía",
    "Ximena",
    "Valeria",
    "Daniela",
    "Andrea",
    "Mariana",
    "Itzel",
    "Citlali",
    "Xóchitl",
    "Guadalupe",
    "Paola",
    "Alejandra",
    "Gabriela",
    "Lucía",
    "Regina",
    "Renata",
    "Natalia",
    "Karla",
    "Verónica",
    "Mónica",
    "Claudia",
    "Adriana",
    "Leticia",
    "Rocío",
    "Berenice",
    "Nayeli",
    "Yolotl",
    "Jimena",
    "Elena",
    "Carolina",
    "Diana",
    "Fabiola",
    "Montserrat",
    "Tania",
    "Brenda",
    "Araceli",
    "Beatriz",
    "Abril",
]
MALE_NAMES = [
    "José Luis",
    "Juan Carlos",
    "Luis",
    "Carlos",
    "Miguel Ángel",
    "Jorge",
    "Alejandro",
    "Diego",
    "Emiliano",
    "Santiago",
    "Rodrigo",
    "Eduardo",
    "Ricardo",
    "Fernando",
    "Héctor",
    "Iván",
    "Óscar",
    "Raúl",
    "Cuauhtémoc",
    "Tonatiuh",
    "Arturo",
    "Gerardo",
    "Sergio",
    "Javier",
    "Andrés",
    "Mauricio",
    "Pablo",
    "Rubén",
    "Omar",
    "Joaquín",
]
NONBINARY_NAMES = ["Alex", "Sasha", "Ari", "Dani"]
SURNAMES = [
    "García",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Jiménez",
    "Reyes",
    "Díaz",
    "Torres",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Ramos",
    "Xolalpa",
    "Cuevas",
    "Tapia",
    "Zúñiga",
    "Ibarra",
    "Salazar",
    "Villaseñor",
    "Quintero",
    "Olvera",
    "Espinoza",
    "Nava",
    "Cervantes",
    "Peña",
    "Trejo",
    "Huerta",
    "Pacheco",
    "Ávila",
    "Téllez",
    "Bautista",
    "Sandoval",
    "Zavala",
]
EMAIL_DOMAINS = ["example.org", "example.com", "example.net", "mail.example", "correo.example"]

# country -> weight, [(city, [institutions abroad])]
ABROAD = {
    "US": (
        62,
        [
            (
                "Houston",
                ["Rice University", "Baylor College of Medicine", "MD Anderson Cancer Center"],
            ),
            ("Boston", ["Harvard Medical School", "MIT", "Boston University", "Broad Institute"]),
            ("San Diego", ["UC San Diego", "Salk Institute", "Scripps Research"]),
            ("Los Angeles", ["UCLA", "USC", "Cedars-Sinai Medical Center"]),
            ("Pasadena", ["Caltech", "NASA Jet Propulsion Laboratory"]),
            ("San Francisco", ["UCSF", "Gladstone Institutes"]),
            ("Palo Alto", ["Stanford University"]),
            ("Austin", ["University of Texas at Austin"]),
            ("San Antonio", ["UT Health San Antonio", "Texas Biomedical Research Institute"]),
            ("Chicago", ["University of Chicago", "Northwestern University"]),
            ("New York", ["Columbia University", "NYU Langone", "Memorial Sloan Kettering"]),
            ("Seattle", ["University of Washington", "Fred Hutch Cancer Center"]),
            ("Tucson", ["University of Arizona"]),
            ("Ann Arbor", ["University of Michigan"]),
            ("Baltimore", ["Johns Hopkins University"]),
            ("Atlanta", ["Emory University", "CDC", "Georgia Tech"]),
            ("Bethesda", ["National Institutes of Health"]),
            ("Madison", ["University of Wisconsin-Madison"]),
            ("Davis", ["UC Davis"]),
            ("Raleigh", ["North Carolina State University"]),
            ("Albuquerque", ["University of New Mexico", "Sandia National Laboratories"]),
        ],
    ),
    "CA": (
        20,
        [
            ("Toronto", ["University of Toronto", "SickKids Research Institute"]),
            ("Montréal", ["McGill University", "Université de Montréal", "Mila"]),
            ("Vancouver", ["University of British Columbia", "BC Cancer"]),
            ("Calgary", ["University of Calgary"]),
            ("Edmonton", ["University of Alberta"]),
            ("Ottawa", ["University of Ottawa", "National Research Council Canada"]),
            ("Québec", ["Université Laval"]),
            ("Waterloo", ["University of Waterloo"]),
        ],
    ),
    "ES": (
        5,
        [
            ("Madrid", ["CSIC", "CNIO", "Universidad Complutense de Madrid"]),
            ("Barcelona", ["Universitat de Barcelona", "IRB Barcelona", "ISGlobal"]),
        ],
    ),
    "DE": (
        4,
        [
            ("Heidelberg", ["EMBL", "DKFZ"]),
            ("Berlin", ["Charité", "Max Delbrück Center"]),
            ("Munich", ["TU München", "Max Planck Institute of Biochemistry"]),
        ],
    ),
    "GB": (
        4,
        [
            ("London", ["Imperial College London", "UCL", "LSHTM"]),
            ("Cambridge", ["University of Cambridge", "Wellcome Sanger Institute"]),
            ("Oxford", ["University of Oxford"]),
            ("Edinburgh", ["University of Edinburgh"]),
        ],
    ),
    "FR": (
        3,
        [
            ("Paris", ["Institut Pasteur", "Sorbonne Université", "CNRS"]),
            ("Grenoble", ["Université Grenoble Alpes"]),
        ],
    ),
    "NL": (1, [("Wageningen", ["Wageningen University"]), ("Utrecht", ["Utrecht University"])]),
    "CH": (1, [("Zürich", ["ETH Zürich"]), ("Geneva", ["CERN"])]),
    "SE": (1, [("Stockholm", ["Karolinska Institutet"])]),
    "AU": (1, [("Melbourne", ["University of Melbourne"])]),
    "JP": (1, [("Tokyo", ["University of Tokyo"])]),
}
INDUSTRY_ABROAD = {
    "US": [
        ("South San Francisco", "Genentech"),
        ("Mountain View", "Google"),
        ("Redmond", "Microsoft"),
        ("Thousand Oaks", "Amgen"),
        ("Cambridge", "Moderna"),
        ("Hillsboro", "Intel"),
        ("Yorktown Heights", "IBM Research"),
        ("New Brunswick", "Johnson & Johnson"),
        ("San Diego", "Illumina"),
    ],
    "CA": [
        ("Toronto", "Sanofi Pasteur Canada"),
        ("Montréal", "AbCellera"),
        ("Vancouver", "STEMCELL Technologies"),
    ],
    "DE": [("Ludwigshafen", "BASF"), ("Darmstadt", "Merck KGaA")],
    "CH": [("Basel", "Roche")],
    "GB": [("Cambridge", "AstraZeneca")],
    "FR": [("Lyon", "Sanofi")],
}
PROJECT_KIND_WEIGHTS = {
    "ngo": 30,
    "government": 25,
    "university": 20,
    "research_center": 13,
    "company": 10,
    "other": 2,
}
LOCAL_LANGUAGE = {"DE": "de", "FR": "fr", "NL": "nl", "SE": "sv", "JP": "ja", "CH": "de"}

POSITIONS = [
    ("postdoc", 34),
    ("grad_student", 20),
    ("faculty", 18),
    ("researcher", 12),
    ("industry", 6),
    ("government", 3),
    ("other", 4),
]
POSITION_TEXT = {
    "postdoc": ("investigadora posdoctoral", "investigador posdoctoral", "postdoctoral fellow"),
    "grad_student": ("estudiante de doctorado", "estudiante de doctorado", "PhD student"),
    "faculty": ("profesora", "profesor", "assistant professor"),
    "researcher": ("investigadora", "investigador", "research scientist"),
    "industry": ("científica en la industria", "científico en la industria", "senior scientist"),
    "government": ("asesora científica", "asesor científico", "science policy advisor"),
    "other": ("consultora", "consultor", "independent consultant"),
}

# canonical alma mater -> (state, ways people write it)
ALMA_MATERS = {
    "UNAM": (
        "MX-CMX",
        [
            "UNAM",
            "Universidad Nacional Autónoma de México",
            "U.N.A.M.",
            "Facultad de Ciencias, UNAM",
            "Universidad Nacional Autonoma de Mexico",
            "unam",
        ],
    ),
    "IPN": (
        "MX-CMX",
        [
            "IPN",
            "Instituto Politécnico Nacional",
            "Instituto Politecnico Nacional",
            "ESIME-IPN",
            "ENCB IPN",
        ],
    ),
    "UdeG": ("MX-JAL", ["UdeG", "Universidad de Guadalajara", "U de G", "UDG", "CUCEI UdeG"]),
    "Tec": (
        "MX-NLE",
        [
            "Tec de Monterrey",
            "ITESM",
            "Tecnológico de Monterrey",
            "Instituto Tecnológico y de Estudios Superiores de Monterrey",
            "el Tec",
        ],
    ),
    "CINVESTAV": (
        "MX-CMX",
        [
            "CINVESTAV",
            "Cinvestav-IPN",
            "Cinvestav Irapuato",
            "Centro de Investigación y de Estudios Avanzados del IPN",
        ],
    ),
    "BUAP": (
        "MX-PUE",
        [
            "BUAP",
            "Benemérita Universidad Autónoma de Puebla",
            "Benemerita Universidad Autonoma de Puebla",
        ],
    ),
    "UANL": ("MX-NLE", ["UANL", "Universidad Autónoma de Nuevo León", "U.A.N.L."]),
    "UAM": (
        "MX-CMX",
        ["UAM", "UAM Iztapalapa", "Universidad Autónoma Metropolitana", "UAM-Xochimilco"],
    ),
    "UV": ("MX-VER", ["Universidad Veracruzana", "UV"]),
    "UGTO": ("MX-GUA", ["Universidad de Guanajuato", "UGto"]),
    "UADY": ("MX-YUC", ["UADY", "Universidad Autónoma de Yucatán"]),
    "UABC": ("MX-BCN", ["UABC", "Universidad Autónoma de Baja California"]),
    "UMSNH": (
        "MX-MIC",
        ["Universidad Michoacana", "UMSNH", "Universidad Michoacana de San Nicolás de Hidalgo"],
    ),
    "Chapingo": ("MX-MEX", ["Universidad Autónoma Chapingo", "Chapingo", "UACh"]),
    "UNISON": ("MX-SON", ["Universidad de Sonora", "UNISON"]),
    "UAQ": ("MX-QUE", ["Universidad Autónoma de Querétaro", "UAQ"]),
    "UASLP": ("MX-SLP", ["UASLP", "Universidad Autónoma de San Luis Potosí"]),
    "ITAM": ("MX-CMX", ["ITAM", "Instituto Tecnológico Autónomo de México"]),
    "COLMEX": ("MX-CMX", ["El Colegio de México", "COLMEX", "Colmex"]),
    "CICESE": ("MX-BCN", ["CICESE"]),
    "INAOE": ("MX-PUE", ["INAOE", "Instituto Nacional de Astrofísica, Óptica y Electrónica"]),
    "UAEM": ("MX-MOR", ["Universidad Autónoma del Estado de Morelos", "UAEM"]),
}
ALMA_WEIGHTS = {
    "UNAM": 30,
    "IPN": 10,
    "UdeG": 8,
    "Tec": 8,
    "CINVESTAV": 7,
    "BUAP": 5,
    "UANL": 5,
    "UAM": 6,
    "UV": 2,
    "UGTO": 3,
    "UADY": 2,
    "UABC": 2,
    "UMSNH": 2,
    "Chapingo": 2,
    "UNISON": 2,
    "UAQ": 2,
    "UASLP": 2,
    "ITAM": 2,
    "COLMEX": 1,
    "CICESE": 2,
    "INAOE": 2,
    "UAEM": 2,
}

# --------------------------------------------------------------------------- research

# area -> weight (the study: many in medicine, health sciences, biology and chemistry)
AREA_WEIGHTS = {
    "biology_chemistry": 25,
    "medicine_health": 24,
    "engineering_technology": 12,
    "physics_math_earth": 9,
    "social_sciences": 8,
    "agro_ecosystems": 7,
    "behavior_education": 6,
    "interdisciplinary": 6,
    "humanities": 3,
}

# discipline -> [(Spanish keyword, English keyword)]: cognates on purpose.
TOPICS = {
    "physics": [
        ("física de partículas", "particle physics"),
        ("óptica cuántica", "quantum optics"),
        ("materia condensada", "condensed matter"),
        ("física médica", "medical physics"),
    ],
    "astronomy": [
        ("astrofísica", "astrophysics"),
        ("exoplanetas", "exoplanets"),
        ("cosmología", "cosmology"),
        ("radioastronomía", "radio astronomy"),
    ],
    "mathematics": [
        ("teoría de grafos", "graph theory"),
        ("ecuaciones diferenciales", "differential equations"),
        ("optimización", "optimization"),
    ],
    "statistics": [
        ("estadística bayesiana", "Bayesian statistics"),
        ("bioestadística", "biostatistics"),
        ("inferencia causal", "causal inference"),
    ],
    "earth_sciences": [
        ("sismología", "seismology"),
        ("vulcanología", "volcanology"),
        ("hidrogeología", "hydrogeology"),
        ("riesgo sísmico", "seismic hazard"),
    ],
    "oceanography": [
        ("oceanografía", "oceanography"),
        ("cambio climático", "climate change"),
        ("huracanes", "hurricanes"),
        ("surgencias costeras", "coastal upwelling"),
    ],
    "molecular_biology": [
        ("biología celular", "cell biology"),
        ("CRISPR", "CRISPR"),
        ("señalización celular", "cell signaling"),
        ("biología molecular", "molecular biology"),
    ],
    "genetics_genomics": [
        ("genómica", "genomics"),
        ("genómica de poblaciones", "population genomics"),
        ("RNA-seq", "RNA-seq"),
        ("epigenética", "epigenetics"),
        ("secuenciación", "sequencing"),
    ],
    "biochemistry": [
        ("bioquímica", "biochemistry"),
        ("proteómica", "proteomics"),
        ("enzimología", "enzymology"),
        ("metabolómica", "metabolomics"),
    ],
    "microbiology": [
        ("microbioma", "microbiome"),
        ("resistencia antimicrobiana", "antimicrobial resistance"),
        ("virología", "virology"),
        ("microbiología ambiental", "environmental microbiology"),
    ],
    "ecology_evolution": [
        ("ecología", "ecology"),
        ("biodiversidad", "biodiversity"),
        ("evolución", "evolution"),
        ("polinizadores", "pollinators"),
    ],
    "chemistry": [
        ("química orgánica", "organic chemistry"),
        ("catálisis", "catalysis"),
        ("química computacional", "computational chemistry"),
        ("química verde", "green chemistry"),
    ],
    "bioinformatics": [
        ("bioinformática", "bioinformatics"),
        ("biología computacional", "computational biology"),
        ("filogenómica", "phylogenomics"),
        ("aprendizaje automático", "machine learning"),
    ],
    "public_health": [
        ("salud pública", "public health"),
        ("epidemiología", "epidemiology"),
        ("diabetes", "diabetes"),
        ("obesidad infantil", "childhood obesity"),
        ("vigilancia epidemiológica", "disease surveillance"),
    ],
    "clinical_medicine": [
        ("ensayos clínicos", "clinical trials"),
        ("cardiología", "cardiology"),
        ("medicina interna", "internal medicine"),
        ("enfermedad renal crónica", "chronic kidney disease"),
    ],
    "neuroscience": [
        ("neurociencias", "neuroscience"),
        ("neurodegeneración", "neurodegeneration"),
        ("Alzheimer", "Alzheimer's disease"),
        ("neuroimagen", "neuroimaging"),
    ],
    "oncology": [
        ("cáncer de mama", "breast cancer"),
        ("oncología", "oncology"),
        ("inmunoterapia", "immunotherapy"),
        ("leucemia infantil", "childhood leukemia"),
    ],
    "pharmacology": [
        ("farmacología", "pharmacology"),
        ("descubrimiento de fármacos", "drug discovery"),
        ("farmacogenómica", "pharmacogenomics"),
    ],
    "nutrition": [
        ("nutrición", "nutrition"),
        ("seguridad alimentaria", "food security"),
        ("dieta y microbiota", "diet and microbiota"),
    ],
    "immunology": [
        ("inmunología", "immunology"),
        ("vacunas", "vaccines"),
        ("dengue", "dengue"),
        ("tuberculosis", "tuberculosis"),
        ("enfermedades infecciosas", "infectious diseases"),
    ],
    "psychology": [
        ("psicología clínica", "clinical psychology"),
        ("salud mental", "mental health"),
        ("ansiedad", "anxiety"),
        ("migración y salud mental", "migration and mental health"),
    ],
    "education": [
        ("educación STEM", "STEM education"),
        ("formación docente", "teacher training"),
        ("educación indígena", "indigenous education"),
    ],
    "cognitive_science": [
        ("cognición", "cognition"),
        ("adquisición del lenguaje", "language acquisition"),
        ("toma de decisiones", "decision making"),
    ],
    "history": [
        ("historia de la ciencia", "history of science"),
        ("historia colonial", "colonial history"),
        ("archivos", "archives"),
    ],
    "philosophy": [
        ("filosofía de la ciencia", "philosophy of science"),
        ("bioética", "bioethics"),
        ("ética de la IA", "AI ethics"),
    ],
    "linguistics": [
        ("lenguas indígenas", "indigenous languages"),
        ("sociolingüística", "sociolinguistics"),
        ("náhuatl", "Nahuatl"),
    ],
    "arts": [
        ("patrimonio cultural", "cultural heritage"),
        ("estudios culturales", "cultural studies"),
        ("arte digital", "digital art"),
    ],
    "economics": [
        ("economía del desarrollo", "development economics"),
        ("pobreza", "poverty"),
        ("mercados laborales", "labor markets"),
        ("remesas", "remittances"),
    ],
    "sociology": [
        ("desigualdad", "inequality"),
        ("violencia de género", "gender violence"),
        ("sociología urbana", "urban sociology"),
    ],
    "political_science": [
        ("políticas públicas", "public policy"),
        ("gobernanza", "governance"),
        ("transparencia", "transparency"),
    ],
    "law": [
        ("derechos humanos", "human rights"),
        ("derecho ambiental", "environmental law"),
        ("propiedad intelectual", "intellectual property"),
    ],
    "anthropology": [
        ("antropología médica", "medical anthropology"),
        ("etnografía", "ethnography"),
        ("comunidades indígenas", "indigenous communities"),
    ],
    "demography": [
        ("migración", "migration"),
        ("demografía", "demography"),
        ("diáspora", "diaspora"),
        ("envejecimiento", "aging"),
    ],
    "agronomy": [
        ("maíz nativo", "native maize"),
        ("agroecología", "agroecology"),
        ("mejoramiento genético", "plant breeding"),
        ("suelos", "soil science"),
    ],
    "forestry": [
        ("manejo forestal", "forest management"),
        ("incendios forestales", "wildfires"),
        ("captura de carbono", "carbon sequestration"),
    ],
    "veterinary": [
        ("salud animal", "animal health"),
        ("zoonosis", "zoonoses"),
        ("ganadería sostenible", "sustainable livestock"),
    ],
    "food_science": [
        ("ciencia de alimentos", "food science"),
        ("fermentación", "fermentation"),
        ("inocuidad alimentaria", "food safety"),
    ],
    "conservation": [
        ("conservación", "conservation"),
        ("áreas naturales protegidas", "protected areas"),
        ("manglares", "mangroves"),
        ("arrecifes", "coral reefs"),
    ],
    "computer_science": [
        ("inteligencia artificial", "artificial intelligence"),
        ("aprendizaje profundo", "deep learning"),
        ("visión por computadora", "computer vision"),
        ("procesamiento de lenguaje natural", "natural language processing"),
    ],
    "electrical_engineering": [
        ("microelectrónica", "microelectronics"),
        ("sistemas embebidos", "embedded systems"),
        ("redes eléctricas", "power grids"),
    ],
    "mechanical_engineering": [
        ("manufactura aditiva", "additive manufacturing"),
        ("robótica", "robotics"),
        ("mecánica de fluidos", "fluid mechanics"),
    ],
    "civil_engineering": [
        ("ingeniería sísmica", "earthquake engineering"),
        ("agua potable", "drinking water"),
        ("movilidad urbana", "urban mobility"),
    ],
    "chemical_engineering": [
        ("ingeniería de procesos", "process engineering"),
        ("biocombustibles", "biofuels"),
        ("tratamiento de aguas", "water treatment"),
    ],
    "materials_science": [
        ("nanomateriales", "nanomaterials"),
        ("nanotecnología", "nanotechnology"),
        ("polímeros", "polymers"),
        ("grafeno", "graphene"),
    ],
    "biomedical_engineering": [
        ("dispositivos médicos", "medical devices"),
        ("biomateriales", "biomaterials"),
        ("imagen médica", "medical imaging"),
    ],
    "energy": [
        ("energía solar", "solar energy"),
        ("baterías de litio", "lithium batteries"),
        ("transición energética", "energy transition"),
        ("hidrógeno verde", "green hydrogen"),
    ],
    "data_science": [
        ("ciencia de datos", "data science"),
        ("datos abiertos", "open data"),
        ("análisis de datos", "data analysis"),
        ("big data", "big data"),
    ],
    "sustainability": [
        ("sustentabilidad", "sustainability"),
        ("cambio climático", "climate change"),
        ("economía circular", "circular economy"),
    ],
    "science_policy": [
        ("política científica", "science policy"),
        ("comunicación de la ciencia", "science communication"),
        ("ciencia abierta", "open science"),
    ],
}
AREA_DISCIPLINES: dict[str, list[str]] = {}
for _code in TOPICS:
    AREA_DISCIPLINES.setdefault(area_of(_code), []).append(_code)

# Common misspellings scientists really type.
TYPOS = {
    "bioinformática": ["bioinformatica", "bioinfomática"],
    "genómica": ["genomica", "génomica"],
    "epidemiología": ["epidemiologia", "epidemología"],
    "neurociencias": ["neurociencia", "neurocencias"],
    "inteligencia artificial": ["inteligencia artifical", "IA"],
    "machine learning": ["machine-learning", "ML"],
    "bioinformatics": ["bio-informatics", "bioinformatcs"],
    "genomics": ["genomic", "genomcis"],
    "nanotecnología": ["nanotecnologia"],
    "sustentabilidad": ["sostenibilidad", "sustentabilidad ambiental"],
    "salud pública": ["salud publica"],
    "microbioma": ["microbiota", "microbiomas"],
    "RNA-seq": ["RNAseq", "rna-seq", "ARN-seq"],
    "cambio climático": ["cambio climatico"],
}

GOAL_TEXT = {
    "publications": ("publicar artículos conjuntos", "co-author papers"),
    "conferences": ("organizar congresos y talleres", "organize conferences and workshops"),
    "student_training": ("formar estudiantes", "train students"),
    "mobility": ("recibir estancias de investigación", "host research stays"),
    "science_communication": ("divulgar la ciencia", "do science outreach"),
    "policy": ("incidir en políticas públicas", "inform public policy"),
    "technology_transfer": ("transferir tecnología", "transfer technology"),
    "social_impact": ("tener impacto social", "have social impact"),
    "joint_funding": ("conseguir financiamiento conjunto", "apply for joint funding"),
    "capacity_building": ("fortalecer capacidades locales", "build local capacity"),
}
OFFERS = [
    ("asesoría en análisis de datos", "advice on data analysis"),
    ("acceso a equipo y protocolos de mi laboratorio", "access to my lab's protocols"),
    ("codirección de tesis", "thesis co-supervision"),
    ("cursos cortos en línea", "short online courses"),
    ("revisión de propuestas y manuscritos", "review of proposals and manuscripts"),
    ("contactos con grupos internacionales", "contacts with international groups"),
    ("talleres de escritura científica", "scientific writing workshops"),
    ("apoyo para estancias de estudiantes", "support for student visits"),
]
CONCERNS = [
    (
        "La diferencia de tiempos entre la academia y las organizaciones me preocupa, "
        "así que prefiero metas claras desde el inicio.",
        "Timelines differ between academia and NGOs, so I prefer clear goals from the start.",
    ),
    (
        "Ya intenté colaborar antes pero el proyecto se perdió por falta de seguimiento.",
        "I tried to collaborate before, but the project faded for lack of follow-up.",
    ),
    (
        "Me gustaría retribuir a mi país y a mi estado de origen.",
        "I would like to give back to Mexico and my home state.",
    ),
    (
        "Tengo pocas horas al mes, pero puedo comprometerme a largo plazo.",
        "I have few hours a month but can commit for the long term.",
    ),
    ("", ""),
]

# --------------------------------------------------------------------------- institutions

# (ref, name, kind, state, city, website, disciplines they post projects in)
INSTITUTIONS = [
    (
        "inst-unam-ib",
        "Instituto de Biología, UNAM",
        "university",
        "MX-CMX",
        "Ciudad de México",
        "https://www.ib.unam.mx",
        ["ecology_evolution", "genetics_genomics", "conservation"],
    ),
    (
        "inst-unam-fm",
        "Facultad de Medicina, UNAM",
        "university",
        "MX-CMX",
        "Ciudad de México",
        "https://www.facmed.unam.mx",
        ["public_health", "clinical_medicine", "immunology"],
    ),
    (
        "inst-unam-ifc",
        "Instituto de Fisiología Celular, UNAM",
        "university",
        "MX-CMX",
        "Ciudad de México",
        "",
        ["neuroscience", "molecular_biology", "biochemistry"],
    ),
    (
        "inst-ipn-encb",
        "Escuela Nacional de Ciencias Biológicas, IPN",
        "university",
        "MX-CMX",
        "Ciudad de México",
        "",
        ["microbiology", "biochemistry", "food_science"],
    ),
    (
        "inst-udg-cucba",
        "Centro Universitario de Ciencias Biológicas y Agropecuarias, UdeG",
        "university",
        "MX-JAL",
        "Zapopan",
        "",
        ["agronomy", "ecology_evolution", "veterinary"],
    ),
    (
        "inst-udg-cucs",
        "Centro Universitario de Ciencias de la Salud, UdeG",
        "university",
        "MX-JAL",
        "Guadalajara",
        "",
        ["public_health", "nutrition", "oncology"],
    ),
    (
        "inst-uanl-med",
        "Facultad de Medicina, UANL",
        "university",
        "MX-NLE",
        "Monterrey",
        "",
        ["clinical_medicine", "pharmacology", "oncology"],
    ),
    (
        "inst-tec-mty",
        "Tecnológico de Monterrey, Escuela de Ingeniería y Ciencias",
        "university",
        "MX-NLE",
        "Monterrey",
        "",
        ["computer_science", "biomedical_engineering", "energy"],
    ),
    (
        "inst-buap-fcq",
        "Facultad de Ciencias Químicas, BUAP",
        "university",
        "MX-PUE",
        "Puebla",
        "",
        ["chemistry", "materials_science", "chemical_engineering"],
    ),
    (
        "inst-uady",
        "Universidad Autónoma de Yucatán",
        "university",
        "MX-YUC",
        "Mérida",
        "",
        ["immunology", "public_health", "anthropology"],
    ),
    (
        "inst-uv",
        "Universidad Veracruzana",
        "university",
        "MX-VER",
        "Xalapa",
        "",
        ["ecology_evolution", "linguistics", "education"],
    ),
    (
        "inst-unison",
        "Universidad de Sonora",
        "university",
        "MX-SON",
        "Hermosillo",
        "",
        ["energy", "materials_science", "physics"],
    ),
    (
        "inst-uabc",
        "Universidad Autónoma de Baja California",
        "university",
        "MX-BCN",
        "Tijuana",
        "",
        ["oceanography", "demography", "civil_engineering"],
    ),
    (
        "inst-umsnh",
        "Universidad Michoacana de San Nicolás de Hidalgo",
        "university",
        "MX-MIC",
        "Morelia",
        "",
        ["forestry", "history", "agronomy"],
    ),
    (
        "inst-unach",
        "Universidad Autónoma de Chiapas",
        "university",
        "MX-CHP",
        "Tuxtla Gutiérrez",
        "",
        ["public_health", "education", "agronomy"],
    ),
    (
        "inst-uaq",
        "Universidad Autónoma de Querétaro",
        "university",
        "MX-QUE",
        "Querétaro",
        "",
        ["food_science", "psychology", "mechanical_engineering"],
    ),
    (
        "inst-ugto",
        "Universidad de Guanajuato",
        "university",
        "MX-GUA",
        "Guanajuato",
        "",
        ["mathematics", "astronomy", "history"],
    ),
    (
        "inst-uaz",
        "Universidad Autónoma de Zacatecas",
        "university",
        "MX-ZAC",
        "Zacatecas",
        "",
        ["earth_sciences", "economics", "nutrition"],
    ),
    (
        "inst-uabjo",
        "Universidad Autónoma Benito Juárez de Oaxaca",
        "university",
        "MX-OAX",
        "Oaxaca de Juárez",
        "",
        ["linguistics", "anthropology", "conservation"],
    ),
    (
        "inst-chapingo",
        "Universidad Autónoma Chapingo",
        "university",
        "MX-MEX",
        "Texcoco",
        "",
        ["agronomy", "forestry", "sustainability"],
    ),
    (
        "inst-langebio",
        "Langebio, Cinvestav Irapuato",
        "research_center",
        "MX-GUA",
        "Irapuato",
        "https://langebio.cinvestav.mx",
        ["genetics_genomics", "bioinformatics", "agronomy"],
    ),
    (
        "inst-cicese",
        "CICESE",
        "research_center",
        "MX-BCN",
        "Ensenada",
        "https://www.cicese.edu.mx",
        ["oceanography", "earth_sciences", "computer_science"],
    ),
    (
        "inst-inaoe",
        "Instituto Nacional de Astrofísica, Óptica y Electrónica",
        "research_center",
        "MX-PUE",
        "Tonantzintla",
        "https://www.inaoep.mx",
        ["astronomy", "physics", "electrical_engineering"],
    ),
    (
        "inst-insp",
        "Instituto Nacional de Salud Pública",
        "research_center",
        "MX-MOR",
        "Cuernavaca",
        "https://www.insp.mx",
        ["public_health", "nutrition", "statistics"],
    ),
    (
        "inst-inmegen",
        "Instituto Nacional de Medicina Genómica",
        "research_center",
        "MX-CMX",
        "Ciudad de México",
        "https://www.inmegen.gob.mx",
        ["genetics_genomics", "bioinformatics", "pharmacology"],
    ),
    (
        "inst-inecol",
        "Instituto de Ecología, A.C.",
        "research_center",
        "MX-VER",
        "Xalapa",
        "",
        ["ecology_evolution", "conservation", "sustainability"],
    ),
    (
        "inst-cibnor",
        "Centro de Investigaciones Biológicas del Noroeste",
        "research_center",
        "MX-BCS",
        "La Paz",
        "",
        ["conservation", "oceanography", "microbiology"],
    ),
    (
        "inst-cimat",
        "Centro de Investigación en Matemáticas",
        "research_center",
        "MX-GUA",
        "Guanajuato",
        "",
        ["mathematics", "statistics", "data_science"],
    ),
    (
        "inst-ecosur",
        "El Colegio de la Frontera Sur",
        "research_center",
        "MX-CHP",
        "San Cristóbal de las Casas",
        "",
        ["conservation", "anthropology", "agronomy"],
    ),
    (
        "inst-incan",
        "Instituto Nacional de Cancerología",
        "research_center",
        "MX-CMX",
        "Ciudad de México",
        "",
        ["oncology", "clinical_medicine"],
    ),
    (
        "inst-ong-salud-chiapas",
        "Salud Comunitaria de los Altos, A.C.",
        "ngo",
        "MX-CHP",
        "San Cristóbal de las Casas",
        "",
        ["public_health", "nutrition"],
    ),
    (
        "inst-ong-agua-oax",
        "Agua Limpia para Oaxaca, A.C.",
        "ngo",
        "MX-OAX",
        "Oaxaca de Juárez",
        "",
        ["chemical_engineering", "public_health"],
    ),
    (
        "inst-ong-mujeres-ciencia",
        "Red de Mujeres en Ciencia de Jalisco, A.C.",
        "ngo",
        "MX-JAL",
        "Guadalajara",
        "",
        ["education", "science_policy"],
    ),
    (
        "inst-ong-semillas",
        "Sembrando Futuro Rural, A.C.",
        "ngo",
        "MX-MIC",
        "Pátzcuaro",
        "",
        ["agronomy", "food_science"],
    ),
    (
        "inst-ong-ciencia-abierta",
        "Colectivo Ciencia Abierta Monterrey",
        "ngo",
        "MX-NLE",
        "Monterrey",
        "",
        ["data_science", "science_policy"],
    ),
    (
        "inst-ong-migrantes",
        "Observatorio de Migración y Retorno, A.C.",
        "ngo",
        "MX-ZAC",
        "Zacatecas",
        "",
        ["demography", "psychology"],
    ),
    (
        "inst-gob-ssj",
        "Secretaría de Salud Jalisco",
        "government",
        "MX-JAL",
        "Guadalajara",
        "",
        ["public_health", "immunology"],
    ),
    (
        "inst-gob-agua-gto",
        "Comisión Estatal del Agua de Guanajuato",
        "government",
        "MX-GUA",
        "Guanajuato",
        "",
        ["civil_engineering", "earth_sciences"],
    ),
    (
        "inst-gob-icti-mich",
        "Instituto de Ciencia, Tecnología e Innovación de Michoacán",
        "government",
        "MX-MIC",
        "Morelia",
        "",
        ["science_policy", "education"],
    ),
    (
        "inst-gob-sedema",
        "Secretaría del Medio Ambiente de la Ciudad de México",
        "government",
        "MX-CMX",
        "Ciudad de México",
        "",
        ["sustainability", "data_science"],
    ),
    (
        "inst-gob-sonora-energia",
        "Agencia Estatal de Energía de Sonora",
        "government",
        "MX-SON",
        "Hermosillo",
        "",
        ["energy", "science_policy"],
    ),
    (
        "inst-emp-biosinergia",
        "BioSinergia Querétaro, S.A. de C.V.",
        "company",
        "MX-QUE",
        "Querétaro",
        "",
        ["biochemistry", "pharmacology"],
    ),
    (
        "inst-emp-agrogen",
        "AgroGenómica del Bajío",
        "company",
        "MX-GUA",
        "León",
        "",
        ["genetics_genomics", "agronomy"],
    ),
    (
        "inst-emp-medtec",
        "Tecnologías Médicas del Norte",
        "company",
        "MX-NLE",
        "Apodaca",
        "",
        ["biomedical_engineering", "electrical_engineering"],
    ),
    (
        "inst-emp-software-yuc",
        "Software Científico Peninsular",
        "company",
        "MX-YUC",
        "Mérida",
        "",
        ["computer_science", "data_science"],
    ),
    (
        "inst-otro-museo-puebla",
        "Museo de Ciencias de Puebla",
        "other",
        "MX-PUE",
        "Puebla",
        "",
        ["science_policy", "astronomy"],
    ),
]

# kind -> how its projects look: collaboration types, goals, duration and first-results
# ranges (months), funding weights.
PROJECT_PROFILES = {
    "university": (
        ["academic_project", "academic_project", "teaching", "mentoring"],
        ["publications", "student_training", "mobility", "conferences", "joint_funding"],
        (12, 36),
        (6, 12),
        {"none": 5, "partial": 4, "full": 1},
    ),
    "research_center": (
        ["academic_project", "academic_project", "academic_project", "mentoring", "advisory"],
        [
            "publications",
            "student_training",
            "joint_funding",
            "technology_transfer",
            "capacity_building",
        ],
        (12, 36),
        (4, 12),
        {"none": 4, "partial": 4, "full": 2},
    ),
    "ngo": (
        ["ngo_project", "ngo_project", "ngo_project", "science_communication", "advisory"],
        ["social_impact", "science_communication", "capacity_building", "policy"],
        (3, 9),
        (1, 3),
        {"none": 6, "partial": 3, "full": 1},
    ),
    "government": (
        ["government_project", "government_project", "government_project", "advisory"],
        ["policy", "social_impact", "capacity_building"],
        (3, 12),
        (2, 4),
        {"none": 2, "partial": 4, "full": 4},
    ),
    "company": (
        ["industry_project", "industry_project", "industry_project", "advisory"],
        ["technology_transfer", "joint_funding", "capacity_building"],
        (6, 18),
        (3, 6),
        {"none": 1, "partial": 4, "full": 5},
    ),
    "other": (
        ["science_communication", "teaching"],
        ["science_communication", "social_impact"],
        (2, 8),
        (1, 3),
        {"none": 6, "partial": 3, "full": 1},
    ),
}
PROJECT_TITLES = {
    "academic_project": [
        "{es_cap} en {place}",
        "Estudio de {es} en poblaciones de {place}",
        "{en_cap} in {place}: a collaborative study",
        "Red de investigación en {es}",
    ],
    "teaching": ["Curso de posgrado: {es}", "Seminario internacional de {es}"],
    "mentoring": ["Mentoría para estudiantes en {es}", "Programa de tutorías en {es}"],
    "advisory": ["Asesoría científica en {es}", "Comité asesor sobre {es}"],
    "ngo_project": [
        "{es_cap} para comunidades de {place}",
        "Diagnóstico comunitario de {es} en {place}",
        "Talleres de {es} con comunidades de {place}",
    ],
    "government_project": [
        "Lineamientos estatales de {es}",
        "Programa de {es} del estado de {place}",
        "Evaluación de la política de {es} en {place}",
    ],
    "industry_project": [
        "Desarrollo de prototipo: {es}",
        "Escalamiento industrial de {es}",
        "{en_cap} pilot for the Mexican market",
    ],
    "science_communication": [
        "Divulgación de {es} para jóvenes de {place}",
        "Podcast y exposición sobre {es}",
    ],
}
NEEDS = {
    "ngo_project": (
        "Necesitamos resultados en pocos meses para presentarlos a la comunidad y a "
        "nuestros donantes.",
        "We need results within a few months.",
    ),
    "government_project": (
        "El programa requiere recomendaciones antes del cierre del ejercicio fiscal.",
        "Recommendations are needed before the fiscal year ends.",
    ),
    "industry_project": (
        "Buscamos una persona que nos ayude a validar la tecnología y acompañar la transferencia.",
        "We need help validating the technology.",
    ),
    "academic_project": (
        "Proyecto de largo plazo con estudiantes de posgrado; buscamos "
        "coautores y codirección de tesis.",
        "A long-term project with graduate students.",
    ),
}


NEED_PHRASES = [
    "asesoría metodológica y revisión de protocolos",
    "formar a nuestro equipo en análisis de datos",
    "codirigir tesis de maestría y doctorado",
    "escribir juntos una propuesta de financiamiento",
    "un acompañamiento de pocas horas al mes, pero constante",
    "vincularnos con grupos internacionales",
]


def _meses(n: int) -> str:
    return "1 mes" if n == 1 else f"{n} meses"


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def fold(text: str) -> str:
    """Lower case without accents, as people often type an email address."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _weighted(rng: random.Random, table):
    items = list(table.items()) if isinstance(table, dict) else list(table)
    values = [k for k, _ in items]
    weights = [w if isinstance(w, int | float) else w[0] for _, w in items]
    return rng.choices(values, weights=weights, k=1)[0]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _variant(rng: random.Random, keyword: str) -> str:
    """Sometimes a typo, no accents or different capitalisation: real input."""
    roll = rng.random()
    if keyword in TYPOS and roll < 0.2:
        return rng.choice(TYPOS[keyword])
    if roll < 0.3:
        return fold(keyword)
    if roll < 0.35:
        return _cap(keyword)
    return keyword


# --------------------------------------------------------------------------- builders


def build_payload(
    *,
    scientists: int = 300,
    projects: int = 100,
    seed: int = 2026,
    today: datetime.date | None = None,
) -> dict:
    """An import file (the data contract's shape), the same for the same arguments."""
    today = today or datetime.date.today()
    rng = random.Random(seed)
    institutions = [
        {
            "ref": ref,
            "name": name,
            "kind": kind,
            "state": state,
            "city": city,
            **({"website": site} if site else {}),
        }
        for ref, name, kind, state, city, site, _ in INSTITUTIONS
    ]
    records = [_scientist(rng, i, today) for i in range(scientists)]
    if records:
        records[0] = _demo_scientist(today)
    return {
        "institutions": institutions,
        "scientists": records,
        "projects": [_project(rng, i, today) for i in range(projects)],
    }


# The profile of the demo scientist login (scientist@example.org).
DEMO_SCIENTIST_REF = "demo-sci-0000"
# The institution of the demo member login (member@example.org).
DEMO_INSTITUTION_REF = "inst-unam-fm"


def _demo_scientist(today: datetime.date) -> dict:
    return {
        "ref": DEMO_SCIENTIST_REF,
        "name": "Ana López Hernández",
        "email": "scientist@example.org",
        "country": "US",
        "city": "Houston",
        "institution_abroad": "Baylor College of Medicine",
        "position": "postdoc",
        "fields": ["genetics_genomics", "public_health", "bioinformatics"],
        "keywords": [
            "genómica",
            "bioinformática",
            "RNA-seq",
            "diabetes",
            "salud pública",
            "population genomics",
        ],
        "summary": (
            "Soy investigadora posdoctoral en Baylor College of Medicine (Houston). Estudio la "
            "genómica de la diabetes tipo 2 en poblaciones mexicanas con RNA-seq y métodos de "
            "bioinformática. Me interesa formar estudiantes y publicar con grupos de salud "
            "pública en México; puedo ofrecer cursos cortos en línea y codirección de tesis. "
            "I also review proposals in English."
        ),
        "goals": ["publications", "student_training", "capacity_building"],
        "collaboration_types": ["academic_project", "mentoring", "government_project"],
        "available_from": (today + datetime.timedelta(days=30)).isoformat(),
        "horizon_months": 24,
        "hours_per_month": 10,
        "languages": ["es", "en"],
        "alma_maters": ["UNAM", "CINVESTAV"],
        "states_of_interest": ["MX-CMX", "MX-JAL", "MX-MOR"],
        "sectors": ["academia"],
        "abroad_since": today.year - 6,
        "collaborated_before": True,
    }


def _name(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.6:
        first, gender = rng.choice(FEMALE_NAMES), "f"
    elif roll < 0.97:
        first, gender = rng.choice(MALE_NAMES), "m"
    else:
        first, gender = rng.choice(NONBINARY_NAMES), "x"
    last = rng.sample(SURNAMES, 2)
    # Abroad many drop the second surname or hyphenate both.
    style = rng.random()
    if style < 0.45:
        name = f"{first} {last[0]} {last[1]}"
    elif style < 0.85:
        name = f"{first} {last[0]}"
    else:
        name = f"{first} {last[0]}-{last[1]}"
    return name, gender


def _disciplines(rng: random.Random) -> tuple[str, list[str]]:
    area = _weighted(rng, AREA_WEIGHTS)
    pool = AREA_DISCIPLINES[area]
    picks = rng.sample(pool, k=min(len(pool), rng.randint(1, 2)))
    if rng.random() < 0.2:  # a second area: interdisciplinary people
        other = _weighted(rng, AREA_WEIGHTS)
        picks.append(rng.choice(AREA_DISCIPLINES[other]))
    return area, list(dict.fromkeys(picks))


def _scientist(rng: random.Random, i: int, today: datetime.date) -> dict:
    name, gender = _name(rng)
    country = _weighted(rng, {c: w for c, (w, _) in ABROAD.items()})
    city, institutions = rng.choice(ABROAD[country][1])
    institution = rng.choice(institutions)
    position = _weighted(rng, POSITIONS)
    if position == "industry":
        city, institution = rng.choice(INDUSTRY_ABROAD.get(country, [(city, "a private lab")]))
    area, disciplines = _disciplines(rng)
    fields = disciplines if rng.random() < 0.8 else [area, *disciplines]

    # Language of the profile: Spanish, English or a mix, as people really write.
    writes = rng.choices(["es", "en", "mix"], weights=[50, 35, 15])[0]
    pairs = [p for d in disciplines for p in TOPICS[d]]
    chosen = rng.sample(pairs, k=min(len(pairs), rng.randint(3, 6)))
    keywords = []
    for es, en in chosen:
        lang = writes if writes != "mix" else rng.choice(["es", "en"])
        keywords.append(_variant(rng, es if lang == "es" else en))
    if writes == "mix" and chosen and rng.random() < 0.5:
        keywords.append(chosen[0][1])  # the cognate too: genómica and genomics
    keywords = list(dict.fromkeys(keywords))

    goals = rng.sample(list(GOAL_TEXT), k=rng.randint(1, 4))
    if position in ("postdoc", "faculty", "researcher", "grad_student") and rng.random() < 0.7:
        goals = list(dict.fromkeys(["publications", *goals]))
    collab_pool = [
        "academic_project",
        "mentoring",
        "teaching",
        "science_communication",
        "advisory",
        "ngo_project",
        "government_project",
        "industry_project",
    ]
    weights = [9, 6, 3, 3, 3, 3, 2, 2]
    if position == "industry":
        weights = [2, 4, 1, 1, 5, 1, 1, 8]
    picked = rng.choices(collab_pool, weights, k=rng.randint(1, 3))
    collaboration_types = list(dict.fromkeys(picked))

    alma_keys = list(
        dict.fromkeys(
            rng.choices(
                list(ALMA_WEIGHTS), list(ALMA_WEIGHTS.values()), k=rng.choice([1, 1, 2, 2, 3])
            )
        )
    )
    alma_maters = [rng.choice(ALMA_MATERS[k][1]) for k in alma_keys]
    home_states = [ALMA_MATERS[k][0] for k in alma_keys]
    all_states = list(mexican_states())
    states = list(dict.fromkeys(home_states + rng.sample(all_states, k=rng.randint(0, 2))))

    sectors = {"industry": ["industry"], "government": ["government"], "other": ["consulting"]}.get(
        position, ["academia"]
    )
    if rng.random() < 0.15:
        sectors.append(rng.choice(["industry", "ngo", "consulting", "government"]))
    sectors = list(dict.fromkeys(sectors))

    # Median about 5-6 years abroad; students left recently.
    if position == "grad_student":
        years = rng.randint(1, 6)
    else:
        years = max(1, int(rng.gammavariate(2.2, 2.6)))
    languages = ["es", "en"]
    if country in LOCAL_LANGUAGE:
        languages.append(LOCAL_LANGUAGE[country])
    elif country == "CA" and city in ("Montréal", "Québec") or rng.random() < 0.08:
        languages.append("fr")
    if rng.random() < 0.03:
        languages.append(rng.choice(["pt", "it"]))

    horizon = rng.choice([3, 6, 6, 12, 12, 12, 18, 24, 24, 36, 48])
    hours = rng.choice([2, 4, 4, 5, 8, 8, 10, 10, 12, 16, 20, 30])
    available = today + datetime.timedelta(days=rng.randint(-90, 270))

    summary = _summary(rng, writes, gender, position, institution, city, chosen, goals)
    first_token = fold(name.split()[0])
    last_token = fold(name.split()[-1].split("-")[0])
    email = f"{first_token}.{last_token}{i}@{rng.choice(EMAIL_DOMAINS)}"

    record = {
        "ref": f"demo-sci-{i:04d}",
        "name": name,
        "email": email,
        "country": country,
        "city": city,
        "institution_abroad": institution,
        "position": position,
        "fields": fields,
        "keywords": keywords,
        "summary": summary,
        "goals": goals,
        "collaboration_types": collaboration_types,
        "available_from": available.isoformat(),
        "horizon_months": horizon,
        "hours_per_month": hours,
        "languages": languages,
        "alma_maters": alma_maters,
        "states_of_interest": states,
        "sectors": sectors,
        "abroad_since": today.year - years,
        "collaborated_before": rng.random() < 0.77,
    }
    # Not everyone fills in everything.
    for key in ("city", "available_from", "horizon_months", "abroad_since"):
        if rng.random() < 0.05:
            del record[key]
    return record


def _summary(rng, writes, gender, position, institution, city, chosen, goals) -> str:
    female = gender == "f"
    es_pos = POSITION_TEXT[position][0 if female else 1]
    en_pos = POSITION_TEXT[position][2]
    kws_es = [es for es, _ in chosen]
    kws_en = [en for _, en in chosen]
    offer_es, offer_en = rng.choice(OFFERS)
    concern_es, concern_en = rng.choice(CONCERNS)
    goal_es = " y ".join(GOAL_TEXT[g][0] for g in goals[:2])
    goal_en = " and ".join(GOAL_TEXT[g][1] for g in goals[:2])
    templates_es = [
        f"Soy {es_pos} en {institution} ({city}). Trabajo en {kws_es[0]}"
        f"{' y ' + kws_es[1] if len(kws_es) > 1 else ''}, con énfasis en "
        f"{kws_es[-1]}. Me interesa {goal_es} con instituciones mexicanas. Puedo ofrecer "
        f"{offer_es}. {concern_es}",
        f"Mi investigación se centra en {', '.join(kws_es[:3])}. Actualmente soy {es_pos} en "
        f"{institution}. Busco colaborar con grupos en México para {goal_es}; ofrezco "
        f"{offer_es}. {concern_es}",
    ]
    templates_en = [
        f"I am a {en_pos} at {institution} in {city}. My research focuses on {kws_en[0]}"
        f"{' and ' + kws_en[1] if len(kws_en) > 1 else ''}, in particular {kws_en[-1]}. "
        f"I would like to {goal_en} with Mexican institutions. I can offer {offer_en}. "
        f"{concern_en}",
        f"{_cap(en_pos)} working on {', '.join(kws_en[:3])}. Looking for partners in Mexico to "
        f"{goal_en}. Happy to provide {offer_en}. {concern_en}",
    ]
    if writes == "es":
        text = rng.choice(templates_es)
    elif writes == "en":
        text = rng.choice(templates_en)
    else:
        text = f"{rng.choice(templates_es)} / {rng.choice(templates_en)}"
    return " ".join(text.split())


def _project(rng: random.Random, i: int, today: datetime.date) -> dict:
    if i < len(INSTITUTIONS):  # every institution posts at least one project
        institution = INSTITUTIONS[i]
    elif i < len(INSTITUTIONS) + 3:  # the demo member's institution has a few
        institution = next(x for x in INSTITUTIONS if x[0] == DEMO_INSTITUTION_REF)
    else:  # then short NGO and government projects are frequent
        kind = _weighted(rng, PROJECT_KIND_WEIGHTS)
        institution = rng.choice([x for x in INSTITUTIONS if x[2] == kind])
    ref, inst_name, kind, state, city, _site, disciplines = institution
    types, goal_pool, duration_range, results_range, funding = PROJECT_PROFILES[kind]
    collaboration_type = rng.choice(types)
    discipline = rng.choice(disciplines)
    es, en = rng.choice(TOPICS[discipline])
    place = rng.choice([city, mexican_states()[state]])
    title_template = rng.choice(PROJECT_TITLES[collaboration_type])
    title = title_template.format(es=es, en=en, es_cap=_cap(es), en_cap=_cap(en), place=place)
    others = [p for d in disciplines for p in TOPICS[d] if p != (es, en)]
    extra = rng.sample(others, k=min(len(others), rng.randint(1, 3)))
    english = title_template.startswith("{en")
    keywords = list(
        dict.fromkeys(
            [_variant(rng, en if english else es)]
            + [_variant(rng, e if english or rng.random() < 0.2 else s) for s, e in extra]
        )
    )
    duration = rng.randint(*duration_range)
    first_results = min(duration, rng.randint(*results_range))
    need_es, need_en = NEEDS.get(collaboration_type, NEEDS["academic_project"])
    extra_es = ", ".join(s for s, _ in extra)
    if english:
        description = rng.choice(
            [
                f"{inst_name} invites Mexican scientists abroad to join a project on {en} in "
                f"{place}. First results are expected after {_months(first_results)}. {need_en}",
                f"We are looking for collaborators with experience in {en} and "
                f"{', '.join(e for _, e in extra) or en}. The project lasts {_months(duration)}; "
                f"first results after {_months(first_results)}. {need_en}",
            ]
        )
    else:
        description = rng.choice(
            [
                f"{inst_name} busca colaborar con científicas y científicos mexicanos en el "
                f"extranjero en un proyecto sobre {es} en {place}. Esperamos primeros "
                f"resultados en {_meses(first_results)}. {need_es}",
                f"Buscamos personas con experiencia en {es} y {extra_es or es} que quieran "
                f"apoyar a {place}. Duración: {_meses(duration)}; primeros resultados en "
                f"{_meses(first_results)}. {need_es}",
                f"Proyecto de {inst_name} sobre {es}. Nos interesa {rng.choice(NEED_PHRASES)}. "
                f"Primeros resultados esperados en {_meses(first_results)}. {need_es}",
            ]
        )
    status = rng.choices(["open", "draft", "closed"], weights=[80, 10, 10])[0]
    fields = [discipline] if rng.random() < 0.7 else [discipline, rng.choice(disciplines)]
    languages = ["es"] if rng.random() < 0.55 else ["es", "en"]
    if english and rng.random() < 0.5:
        languages = ["en"]
    return {
        "ref": f"demo-proj-{i:04d}",
        "institution": ref,
        "title": title[:300],
        "description": description,
        "fields": list(dict.fromkeys(fields)),
        "keywords": keywords,
        "goals": rng.sample(goal_pool, k=min(len(goal_pool), rng.randint(1, 3))),
        "collaboration_type": collaboration_type,
        "starts_on": (today + datetime.timedelta(days=rng.randint(-45, 240))).isoformat(),
        "duration_months": duration,
        "first_results_months": first_results,
        "hours_per_month": rng.choice([4, 6, 8, 10, 12, 16, 20]),
        "languages": languages,
        "funding": _weighted(rng, funding),
        "seats": rng.choice([1, 1, 2, 2, 3, 4]),
        "status": status,
    }
