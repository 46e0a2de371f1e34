"""The scoring engine: a fitted model, entity features, and block scoring.

How a pair is scored (every component in [0, 1]):

* **field** — the weighted mean of what both sides provide among: the SNII
  fields (same discipline 1, a whole area against a discipline in it 0.8,
  same area 0.6, interdisciplinary 0.3; the best pair of fields counts), the
  keywords (cosine of idf-weighted keyword vectors expanded with their fuzzy
  neighbours, see below), the free texts (TF-IDF cosine of the scientist's
  summary and keywords against the project's title, description and
  keywords; a cosine of ``TEXT_FULL`` or more counts as full agreement) and
  their meaning (see semantic_table; across two languages meaning replaces
  the lexical match, within one it adds a light touch).
* **goals** — 0.6 × goal overlap (the mean of "how well the scientist's goals
  cover the project's" and the converse, with related goals counting
  partly) + 0.4 × compatibility of the kinds of collaboration. A side with no
  goals or kinds stated gets the neutral 0.5 for that part.
* **timeline** — 0.4 × start (1 when the scientist is available when the
  project starts; falling linearly to 0 when they would arrive only when the
  first results are due) + 0.3 × coverage (share of the project's duration
  inside the scientist's horizon) + 0.3 × hours (hours offered / hours
  needed, capped at 1). Unknown horizon, duration or hours give 0.6 for that
  part; an unknown time to first results is taken as 6 months; unknown dates
  as today.
* **network** — 0.7 if the scientist studied at the project's institution
  (acronyms, aliases and fuzzy names: "UNAM" finds "Instituto de Biología,
  UNAM") + 0.3 if the institution's state is among the scientist's states of
  interest.
* **language** — 1 if the two sides share a language (a side that lists none
  is taken to speak Spanish), else 0 and the pair is excluded.

The total is the weighted mean of field, goals, timeline and network with
``settings.MATCH_WEIGHTS``, scaled by ``0.5 + 0.5 × timeline`` and by
``0.2 + 0.8 × field`` (field and timeline are necessary conditions: a pair
whose timeline cannot work keeps at most half of its score, one with no
topical fit at most a fifth, however good the rest), and by the language
component. A project
that is not open scores 0.

Keyword similarity: every distinct normalised keyword (accent-, case- and
punctuation-folded, Spanish/English stemmed, words sorted) is matched once
against the whole keyword vocabulary with rapidfuzz; keyword i becomes the
unit vector E_i = normalise(e_i + Σ_j sim_ij e_j) over its fuzzy neighbours j.
An entity's keyword vector is the normalised idf-weighted sum of its E_i, so
the keyword similarity of every scientist with every project is a sparse
matrix product, an exact cosine in [0, 1].
"""

from __future__ import annotations

import datetime
import hashlib
import math
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from . import semantic, tables
from .institutions import institution_codes
from .records import ProjectRecord, ScientistRecord
from .text import analyzer, normalize_keyword

DEFAULT_WEIGHTS = {"field": 0.6, "goals": 0.2, "timeline": 0.25, "network": 0.1}
COMPONENTS = ("field", "goals", "timeline", "network", "language")

# Parts of the field component, renormalised over the parts both sides have
# (settings.MATCH_FIELD_PARTS; chosen on the evaluation sets, see the README).
# "semantic" weighs closeness in meaning across two languages; within one
# language the lexical match orders expertise better and meaning only adds
# "semantic_same".
DEFAULT_FIELD_PARTS = {
    "areas": 0.2,
    "keywords": 0.2,
    "text": 0.25,
    "semantic": 2.0,
    "semantic_same": 0.05,
}
TEXT_FULL = 0.35
# Cosines of each encoder mapped linearly to [0, 1]: at or below `floor` a
# pair of texts is unrelated, at or above `full` it is about the same work.
SEMANTIC_SCALE = {semantic.USE: (0.2, 0.6), semantic.E5: (0.78, 0.87)}
# How the encoders are blended, for texts in one language and across two.
SEMANTIC_BLEND = {
    "same": {semantic.USE: 0.4, semantic.E5: 0.6},
    "cross": {semantic.USE: 0.4, semantic.E5: 0.6},
}
LANGUAGE_CODES = {"es": 1, "en": 2}
MAX_DF = 0.5  # words in more than half of all texts say nothing about a pair
MAX_NEIGHBOURS = 8  # the closest fuzzy neighbours of a keyword that count
KEYWORD_CUTOFF = 80  # rapidfuzz score (0-100) above which two keywords are neighbours
SUBSET_FACTOR = 0.85  # a keyword whose words are a subset of another's: a close neighbour
GOALS_SHARE, COLLAB_SHARE, NEUTRAL_GOALS = 0.6, 0.4, 0.5
START_SHARE, COVERAGE_SHARE, HOURS_SHARE = 0.4, 0.3, 0.3
NEUTRAL_TIMELINE_PART = 0.6
DEFAULT_FIRST_RESULTS = 6.0
ALMA_SHARE, STATE_SHARE = 0.7, 0.3
TIMELINE_GATE = 0.5
FIELD_GATE = 0.2
DEFAULT_LANGUAGE = "es"
DAYS_PER_MONTH = 30.4375
_EPOCH = datetime.date(2000, 1, 1)


def months(d: datetime.date | None) -> float:
    return float("nan") if d is None else (d - _EPOCH).days / DAYS_PER_MONTH


class Index(dict):
    """A growing code -> column index."""

    def col(self, code: str) -> int:
        found = self.get(code)
        if found is None:
            found = self[code] = len(self)
        return found


class FittedModel:
    """What is learned from all stored profiles and projects: the keyword
    vocabulary with its fuzzy neighbours and idf, and the TF-IDF model.

    Fit once (nightly, or on a full rematch) and reused by incremental
    rescoring. Unseen keywords are matched against the vocabulary on the fly.
    """

    def __init__(self):
        self.version = ""
        self.token = ""  # set when stored: which fit this is
        self.kw_index = Index()
        self.kw_vocab: list[str] = []
        self.kw_idf: dict[str, float] = {}
        self.kw_unseen_idf = 1.0
        self.kw_rows: dict[int, list[tuple[int, float]]] = {}
        self.tfidf: TfidfVectorizer | None = None
        self.codes = Index()  # institution codes
        self.languages = Index()
        self.states = Index()

    # ---------------------------------------------------------------- fitting
    @classmethod
    def fit(
        cls, scientists: list[ScientistRecord], projects: list[ProjectRecord], *, workers: int = 1
    ) -> tuple[FittedModel, sparse.csr_matrix]:
        """Fit on all records; also returns their TF-IDF rows (scientists, then projects)."""
        model = cls()
        n_docs = len(scientists) + len(projects)
        df: dict[str, int] = {}
        for rec in (*scientists, *projects):
            for norm in {normalize_keyword(k) for k in rec.keywords} - {""}:
                df[norm] = df.get(norm, 0) + 1
        vocab = sorted(df)
        model.kw_vocab = vocab
        for norm in vocab:
            model.kw_index.col(norm)
            model.kw_idf[norm] = math.log((1 + n_docs) / (1 + df[norm])) + 1.0
        model.kw_unseen_idf = math.log(1 + n_docs) + 1.0
        model._fit_neighbours(workers)
        model.tfidf = TfidfVectorizer(
            analyzer=analyzer,
            sublinear_tf=True,
            min_df=2 if n_docs >= 1000 else 1,
            max_df=MAX_DF,
            dtype=np.float32,
        )
        docs = [r.document for r in scientists] + [r.document for r in projects]
        if docs and any(d.strip() for d in docs):
            try:
                matrix = _sorted(model.tfidf.fit_transform(docs).tocsr())
            except ValueError:  # every document empty after analysis
                model.tfidf = None
                matrix = sparse.csr_matrix((len(docs), 1), dtype=np.float32)
        else:
            model.tfidf = None
            matrix = sparse.csr_matrix((len(docs), 1), dtype=np.float32)
        digest = hashlib.sha1()
        for norm in vocab:
            digest.update(norm.encode())
        digest.update(str(n_docs).encode())
        model.version = digest.hexdigest()[:12]
        return model, matrix

    def _fit_neighbours(self, workers: int) -> None:
        vocab = self.kw_vocab
        n = len(vocab)
        sims: dict[tuple[int, int], float] = {}
        step = 2000
        for start in range(0, n, step):
            block = process.cdist(
                vocab[start : start + step],
                vocab,
                scorer=fuzz.ratio,
                score_cutoff=KEYWORD_CUTOFF,
                dtype=np.uint8,
                workers=workers,
            )
            rows, cols = np.nonzero(block)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if i != c:
                    sims[(i, c)] = block[r, c] / 100.0
        # Keywords sharing a word: token_set_ratio (a subset scores 100).
        by_token: dict[str, list[int]] = {}
        for i, norm in enumerate(vocab):
            for token in norm.split():
                by_token.setdefault(token, []).append(i)
        for members in by_token.values():
            if len(members) < 2 or len(members) > 300:
                continue
            for a in members:
                for b in members:
                    if a >= b:
                        continue
                    s = SUBSET_FACTOR * fuzz.token_set_ratio(vocab[a], vocab[b]) / 100.0
                    if s * 100 >= KEYWORD_CUTOFF and s > sims.get((a, b), 0.0):
                        sims[(a, b)] = sims[(b, a)] = s
        neighbours: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n)}
        for (i, j), s in sims.items():
            neighbours[i].append((j, s))
        for i, row in neighbours.items():
            closest = sorted(row, key=lambda item: (-item[1], item[0]))[:MAX_NEIGHBOURS]
            self.kw_rows[i] = _unit(sorted([(i, 1.0), *closest]))

    def keyword_row(self, norm: str) -> list[tuple[int, float]]:
        """E_i: the unit vector of a normalised keyword over its fuzzy neighbours."""
        col = self.kw_index.get(norm)
        if col is not None and col in self.kw_rows:
            return self.kw_rows[col]
        col = self.kw_index.col(norm)
        row = [(col, 1.0)]
        if self.kw_vocab:
            for _choice, score, j in process.extract(
                norm,
                self.kw_vocab,
                scorer=fuzz.ratio,
                score_cutoff=KEYWORD_CUTOFF,
                limit=MAX_NEIGHBOURS,
            ):
                row.append((j, score / 100.0))
        self.kw_rows[col] = _unit(sorted(row))
        return self.kw_rows[col]

    def keyword_idf(self, norm: str) -> float:
        return self.kw_idf.get(norm, self.kw_unseen_idf)

    def keyword_similarity(self, a: str, b: str) -> float:
        """Cosine of two normalised keywords' expanded vectors."""
        memo = self.__dict__.setdefault("_similarity", {})
        found = memo.get((a, b))
        if found is None:
            ra, rb = dict(self.keyword_row(a)), self.keyword_row(b)
            found = memo[(a, b)] = min(1.0, sum(w * ra.get(c, 0.0) for c, w in rb))
        return found

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_similarity", None)  # a memo, rebuilt on demand
        return state

    def keyword_vector(self, keywords: list[str]) -> dict[int, float]:
        acc: dict[int, float] = {}
        for norm in sorted({normalize_keyword(k) for k in keywords} - {""}):
            idf = self.keyword_idf(norm)
            for col, w in self.keyword_row(norm):
                acc[col] = acc.get(col, 0.0) + idf * w
        norm2 = math.sqrt(sum(v * v for v in acc.values()))
        return {c: v / norm2 for c, v in acc.items()} if norm2 else {}

    def text_matrix(self, docs: list[str]) -> sparse.csr_matrix:
        if self.tfidf is None or not docs:
            return sparse.csr_matrix((len(docs), 1), dtype=np.float32)
        counts = _term_counts(self.tfidf, docs)
        # The vectorizer's own weighting (sublinear tf, idf, l2 norm) on the
        # counts it would have made: the same bits as tfidf.transform(docs).
        weighted = self.tfidf._tfidf.transform(counts, copy=False)
        return _sorted(weighted.tocsr().astype(np.float32))


def _term_counts(vectorizer: TfidfVectorizer, docs: list[str]) -> sparse.csr_array:
    """How often each document uses each term of the vocabulary, as the
    vectorizer's own transform counts them, summed by scipy instead of by a
    Python loop over every term (half the time of reading a block of texts)."""
    analyze, lookup = vectorizer.build_analyzer(), vectorizer.vocabulary_.get
    columns = [[*map(lookup, analyze(doc), repeat(-1))] for doc in docs]
    lengths = np.fromiter(map(len, columns), dtype=np.int64, count=len(columns))
    cols = np.fromiter(chain.from_iterable(columns), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(docs)), lengths)
    known = cols >= 0
    counts = sparse.coo_array(
        (np.ones(int(known.sum()), dtype=vectorizer.dtype), (rows[known], cols[known])),
        shape=(len(docs), len(vectorizer.vocabulary_)),
    ).tocsr()  # duplicates are summed
    counts.sort_indices()
    return counts


def _sorted(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Column indices in order: a sparse product sums each row's terms in
    that order, and every path must give the same float32 bits for a pair
    (fit_transform leaves them unsorted, transform does not)."""
    matrix.sort_indices()
    return matrix


def _unit(row: list[tuple[int, float]]) -> list[tuple[int, float]]:
    norm = math.sqrt(sum(w * w for _c, w in row))
    return [(c, w / norm) for c, w in row]


def _csr(rows: list[dict[int, float]], ncols: int) -> sparse.csr_matrix:
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for row in rows:
        for c in sorted(row):
            indices.append(c)
            data.append(row[c])
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), indptr),
        shape=(len(rows), max(ncols, 1)),
    )


def _incidence(sets: list, index: Index, grow: bool = False) -> list[dict[int, float]]:
    rows = []
    for codes in sets:
        row = {}
        for code in codes:
            col = index.col(code) if grow else index.get(code)
            if col is not None:
                row[col] = 1.0
        rows.append(row)
    return rows


@dataclass
class Features:
    """Column-aligned arrays for a list of scientists or of projects."""

    ids: np.ndarray
    kw: sparse.csr_matrix
    text: sparse.csr_matrix
    fields: sparse.csr_matrix  # every field code
    area_named: sparse.csr_matrix  # areas named as a whole
    area_of_disc: sparse.csr_matrix  # areas of the named disciplines
    any_area: sparse.csr_matrix  # every area involved
    has_fields: np.ndarray
    interdisciplinary: np.ndarray
    has_kw: np.ndarray
    has_text: np.ndarray
    goals_a: sparse.csr_matrix
    goals_b: sparse.csr_matrix
    has_goals: np.ndarray
    collab: sparse.csr_matrix
    has_collab: np.ndarray
    when: np.ndarray  # available_from / starts_on (months since 2000, nan = unknown)
    span: np.ndarray  # horizon / duration (nan = unknown)
    hours: np.ndarray
    first_results: np.ndarray  # projects only
    codes: sparse.csr_matrix  # alma maters / institution
    states: sparse.csr_matrix
    languages: sparse.csr_matrix
    is_open: np.ndarray
    sem: np.ndarray  # quantized semantic vectors (zeros where unknown)
    sem_inv_norm: np.ndarray  # 1 / norm of each encoder's segment
    has_sem: np.ndarray
    lang: np.ndarray  # language of the text (LANGUAGE_CODES, 0 = unknown)

    def __len__(self):
        return len(self.ids)

    sig: dict | None = None  # group -> signature id of each row
    reps: dict | None = None  # group -> one row index per signature id
    cache: dict | None = None

    def take(self, rows, signatures: bool = True) -> Features:
        rows = np.asarray(rows)
        out = {}
        for name, value in self.__dict__.items():
            if name not in ("sig", "reps", "cache"):
                out[name] = value[rows]
        return with_signatures(Features(**out)) if signatures else Features(**out)

    @classmethod
    def concat(cls, parts: list[Features]) -> Features:
        """The rows of several Features one after another, without signatures
        (`take` adds them). Code tables grow as new codes are seen, so earlier
        parts may have fewer columns: they are widened with empty columns."""
        out = {}
        for name, value in parts[0].__dict__.items():
            if name in ("sig", "reps", "cache"):
                continue
            values = [getattr(part, name) for part in parts]
            if sparse.issparse(value):
                width = max(v.shape[1] for v in values)
                out[name] = sparse.vstack(
                    [
                        sparse.csr_matrix((v.data, v.indices, v.indptr), shape=(v.shape[0], width))
                        for v in values
                    ],
                    format="csr",
                )
            else:
                out[name] = np.concatenate(values)
        return cls(**out)

    def distinct(self, group: str) -> Features:
        """One row per distinct combination of the group's codes (cached)."""
        if self.cache is None:
            self.cache = {}
        if group not in self.cache:
            self.cache[group] = self.take(self.reps[group], signatures=False)
        return self.cache[group]


# Groups of small codes: pairs are scored once per distinct combination of
# codes on each side (a lookup table), then gathered for every pair.
SIGNATURE_GROUPS = {
    "fields": (
        ("fields", "area_named", "area_of_disc", "any_area"),
        ("has_fields", "interdisciplinary"),
    ),
    "goals": (("goals_a", "goals_b", "collab"), ("has_goals", "has_collab")),
    "network": (("codes", "states"), ()),
    "language": (("languages",), ("is_open",)),
    "flags": ((), ("has_fields", "has_kw", "has_text", "has_sem", "lang")),
}


def with_signatures(f: Features) -> Features:
    f.sig, f.reps = {}, {}
    n = len(f.ids)
    for group, (mats, flags) in SIGNATURE_GROUPS.items():
        parts = []
        for name in mats:
            m = getattr(f, name)
            ptr, ind, dat = m.indptr, m.indices, m.data
            parts.append(
                [
                    (ind[ptr[i] : ptr[i + 1]].tobytes(), dat[ptr[i] : ptr[i + 1]].tobytes())
                    for i in range(n)
                ]
            )
        for name in flags:
            parts.append(getattr(f, name).tolist())
        seen: dict = {}
        sig = np.empty(n, np.int64)
        reps = []
        for i, key in enumerate(zip(*parts, strict=True)) if parts else []:
            found = seen.get(key)
            if found is None:
                found = seen[key] = len(reps)
                reps.append(i)
            sig[i] = found
        f.sig[group] = sig
        f.reps[group] = np.asarray(reps, dtype=np.int64)
    return f


def _semantic_features(recs) -> dict:
    sem = np.zeros((len(recs), semantic.DIM), np.float32)
    has = np.zeros(len(recs), bool)
    lang = np.zeros(len(recs), np.int8)
    for i, r in enumerate(recs):
        if r.vector is not None:
            sem[i] = r.vector
            has[i] = True
        language = r.language if r.vector is not None else semantic.detect_language(r.document)
        lang[i] = LANGUAGE_CODES.get(language, 0)
    return {"sem": sem, "sem_inv_norm": semantic.inverse_norms(sem), "has_sem": has, "lang": lang}


def _fields_features(field_lists):
    field_rows, named, of_disc, anyarea = [], [], [], []
    has, inter = [], []
    all_codes = {c: i for i, c in enumerate(tables.AREAS + tables.DISCIPLINES)}
    for fields in field_lists:
        known = [f for f in fields if f in all_codes]
        field_rows.append({all_codes[f]: 1.0 for f in known})
        named.append({tables.AREA_INDEX[f]: 1.0 for f in known if f in tables.AREA_INDEX})
        of_disc.append(
            {
                tables.AREA_INDEX[tables.vocab.area_of(f)]: 1.0
                for f in known
                if f in tables.DISCIPLINE_INDEX
            }
        )
        areas = {tables.vocab.area_of(f) for f in known}
        anyarea.append({tables.AREA_INDEX[a]: 1.0 for a in areas})
        has.append(bool(known))
        inter.append(tables.INTERDISCIPLINARY_AREA in areas)
    n_codes, n_areas = len(all_codes), len(tables.AREAS)
    return (
        _csr(field_rows, n_codes),
        _csr(named, n_areas),
        _csr(of_disc, n_areas),
        _csr(anyarea, n_areas),
        np.array(has, bool),
        np.array(inter, bool),
    )


def _goal_features(goal_lists):
    """a: best relatedness of each goal to the entity's goals; b: the goals,
    as weights summing to 1. coverage(x by y) = a_y · b_x."""
    rel = tables.GOAL_RELATEDNESS
    a_rows, b_rows, has = [], [], []
    for goals in goal_lists:
        idx = sorted({tables.GOAL_INDEX[g] for g in goals if g in tables.GOAL_INDEX})
        has.append(bool(idx))
        if idx:
            best = rel[idx].max(axis=0)
            a_rows.append({j: float(v) for j, v in enumerate(best) if v > 0})
            b_rows.append({j: 1.0 / len(idx) for j in idx})
        else:
            a_rows.append({})
            b_rows.append({})
    n = len(tables.GOALS)
    return _csr(a_rows, n), _csr(b_rows, n), np.array(has, bool)


def scientist_features(
    model: FittedModel, recs: list[ScientistRecord], text: sparse.csr_matrix | None = None
) -> Features:
    if text is None:
        text = model.text_matrix([r.document for r in recs])
    kw_rows = [model.keyword_vector(r.keywords) for r in recs]
    fields = _fields_features([r.fields for r in recs])
    ga, gb, has_goals = _goal_features([r.goals for r in recs])
    compat = tables.COLLABORATION_COMPATIBILITY
    collab_rows, has_collab = [], []
    for r in recs:
        idx = sorted(
            {
                tables.COLLABORATION_INDEX[c]
                for c in r.collaboration_types
                if c in tables.COLLABORATION_INDEX
            }
        )
        has_collab.append(bool(idx))
        best = compat[idx].max(axis=0) if idx else np.zeros(len(compat))
        collab_rows.append({j: float(v) for j, v in enumerate(best) if v > 0})
    codes = [
        set().union(*(institution_codes(a) for a in r.alma_maters)) if r.alma_maters else set()
        for r in recs
    ]
    return with_signatures(
        Features(
            ids=np.array([r.id for r in recs], dtype=np.int64),
            kw=_csr(kw_rows, len(model.kw_index)),
            text=text,
            fields=fields[0],
            area_named=fields[1],
            area_of_disc=fields[2],
            any_area=fields[3],
            has_fields=fields[4],
            interdisciplinary=fields[5],
            has_kw=np.array([bool(v) for v in kw_rows], bool),
            has_text=np.asarray(text.getnnz(axis=1) > 0).ravel(),
            goals_a=ga,
            goals_b=gb,
            has_goals=has_goals,
            collab=_csr(collab_rows, len(compat)),
            has_collab=np.array(has_collab, bool),
            when=np.array([months(r.available_from) for r in recs], dtype=np.float64),
            span=np.array(
                [np.nan if r.horizon_months is None else r.horizon_months for r in recs],
                dtype=np.float64,
            ),
            hours=np.array(
                [np.nan if r.hours_per_month is None else r.hours_per_month for r in recs],
                dtype=np.float64,
            ),
            first_results=np.full(len(recs), np.nan),
            codes=_csr(_incidence(codes, model.codes, grow=True), len(model.codes)),
            states=_csr(
                _incidence([r.states_of_interest for r in recs], model.states, grow=True),
                len(model.states),
            ),
            languages=_csr(
                _incidence(
                    [r.languages or [DEFAULT_LANGUAGE] for r in recs], model.languages, grow=True
                ),
                len(model.languages),
            ),
            is_open=np.ones(len(recs), bool),
            **_semantic_features(recs),
        )
    )


def project_features(
    model: FittedModel, recs: list[ProjectRecord], text: sparse.csr_matrix | None = None
) -> Features:
    if text is None:
        text = model.text_matrix([r.document for r in recs])
    kw_rows = [model.keyword_vector(r.keywords) for r in recs]
    fields = _fields_features([r.fields for r in recs])
    ga, gb, has_goals = _goal_features([r.goals for r in recs])
    collab_rows = [
        {tables.COLLABORATION_INDEX[r.collaboration_type]: 1.0}
        if r.collaboration_type in tables.COLLABORATION_INDEX
        else {}
        for r in recs
    ]
    return with_signatures(
        Features(
            ids=np.array([r.id for r in recs], dtype=np.int64),
            kw=_csr(kw_rows, len(model.kw_index)),
            text=text,
            fields=fields[0],
            area_named=fields[1],
            area_of_disc=fields[2],
            any_area=fields[3],
            has_fields=fields[4],
            interdisciplinary=fields[5],
            has_kw=np.array([bool(v) for v in kw_rows], bool),
            has_text=np.asarray(text.getnnz(axis=1) > 0).ravel(),
            goals_a=ga,
            goals_b=gb,
            has_goals=has_goals,
            collab=_csr(collab_rows, len(tables.COLLABORATION_TYPES)),
            has_collab=np.array([bool(r) for r in collab_rows], bool),
            when=np.array([months(r.starts_on) for r in recs], dtype=np.float64),
            span=np.array(
                [np.nan if r.duration_months is None else r.duration_months for r in recs],
                dtype=np.float64,
            ),
            hours=np.array(
                [np.nan if r.hours_per_month is None else r.hours_per_month for r in recs],
                dtype=np.float64,
            ),
            first_results=np.array(
                [
                    np.nan if r.first_results_months is None else r.first_results_months
                    for r in recs
                ],
                dtype=np.float64,
            ),
            codes=_csr(
                _incidence(
                    [institution_codes(r.institution_name) for r in recs], model.codes, grow=True
                ),
                len(model.codes),
            ),
            states=_csr(
                _incidence(
                    [[r.institution_state] if r.institution_state else [] for r in recs],
                    model.states,
                    grow=True,
                ),
                len(model.states),
            ),
            languages=_csr(
                _incidence(
                    [r.languages or [DEFAULT_LANGUAGE] for r in recs], model.languages, grow=True
                ),
                len(model.languages),
            ),
            is_open=np.array([r.status == "open" for r in recs], bool),
            **_semantic_features(recs),
        )
    )


def _dense_row(m: sparse.csr_matrix, width: int) -> np.ndarray:
    """The one row of m as a dense vector of `width` entries (kept on m: the
    row rescored is multiplied with every block of the other side)."""
    cached = getattr(m, "_matcher_dense", None)
    if cached is None:
        cached = m.toarray()[0]
        m._matcher_dense = cached
    if len(cached) >= width:
        return cached[:width]
    return np.concatenate([cached, np.zeros(width - len(cached), cached.dtype)])


def _prod(a: sparse.csr_matrix, b: sparse.csr_matrix) -> np.ndarray:
    """a · bᵀ as a dense float32 array; column spaces padded to the same width."""
    # One row on either side (rescoring one record): a sparse-dense product,
    # far cheaper to set up. It sums each cell's terms in the same order as the
    # sparse-sparse product (the sparse row's indices, sorted), so the scores
    # are the same bits as in a chunk of the full rematch.
    if b.shape[0] == 1:
        return (a @ _dense_row(b, a.shape[1]))[:, None].astype(np.float32, copy=False)
    if a.shape[0] == 1:
        return (b @ _dense_row(a, b.shape[1]))[None, :].astype(np.float32, copy=False)
    width = max(a.shape[1], b.shape[1])
    if a.shape[1] != width:
        a = sparse.csr_matrix((a.data, a.indices, a.indptr), shape=(a.shape[0], width))
    bt = getattr(b, "_matcher_transposed", None)
    if bt is None or bt.shape[0] != width:
        if b.shape[1] != width:
            b_wide = sparse.csr_matrix((b.data, b.indices, b.indptr), shape=(b.shape[0], width))
        else:
            b_wide = b
        bt = b_wide.T.tocsr()
        b._matcher_transposed = bt  # the project side is reused by every chunk
    return (a @ bt).toarray().astype(np.float32, copy=False)


def _outer(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.logical_and.outer(a, b)


def _weights(weights: dict | None) -> dict[str, float]:
    if weights is None:
        try:
            from django.conf import settings

            weights = settings.MATCH_WEIGHTS
        except Exception:  # noqa: BLE001 - engine usable without Django settings
            weights = DEFAULT_WEIGHTS
    total = sum(weights.get(k, 0.0) for k in DEFAULT_WEIGHTS) or 1.0
    return {k: weights.get(k, 0.0) / total for k in DEFAULT_WEIGHTS}


def today_months(today: datetime.date | None) -> float:
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return months(today)


def _areas_table(S: Features, P: Features) -> np.ndarray:
    f32 = np.float32
    areas = np.where(
        _prod(S.fields, P.fields) > 0,
        f32(tables.SAME_DISCIPLINE),
        np.where(
            (_prod(S.area_named, P.area_of_disc) + _prod(S.area_of_disc, P.area_named)) > 0,
            f32(tables.AREA_AS_A_WHOLE),
            np.where(_prod(S.any_area, P.any_area) > 0, f32(tables.SAME_AREA), f32(0.0)),
        ),
    ).astype(f32)
    inter = _outer(S.interdisciplinary, P.has_fields) | _outer(S.has_fields, P.interdisciplinary)
    np.maximum(areas, np.where(inter, f32(tables.INTERDISCIPLINARY), f32(0.0)), out=areas)
    return areas


def field_parts() -> dict[str, float]:
    try:
        from django.conf import settings

        parts = settings.MATCH_FIELD_PARTS
    except Exception:  # noqa: BLE001 - engine usable without Django settings
        parts = DEFAULT_FIELD_PARTS
    return {k: float(parts.get(k, 0.0)) for k in DEFAULT_FIELD_PARTS}


def cross_language(S: Features, P: Features) -> np.ndarray:
    """Pairs whose texts are in two different (known) languages."""
    return _outer(S.lang > 0, P.lang > 0) & (S.lang[:, None] != P.lang[None, :])


def _field_weights_tables(S: Features, P: Features) -> tuple[np.ndarray, ...]:
    """Weights of areas, keywords, text and meaning in the field component:
    the parts both sides provide, renormalised. Across two languages the
    lexical text match measures shared cognates, not meaning: it counts only
    where no semantic vectors are known."""
    f32 = np.float32
    fp = field_parts()
    hf = _outer(S.has_fields, P.has_fields) * f32(fp["areas"])
    hk = _outer(S.has_kw, P.has_kw) * f32(fp["keywords"])
    cross = cross_language(S, P)
    hs = _outer(S.has_sem, P.has_sem) * np.where(
        cross, f32(fp["semantic"]), f32(fp["semantic_same"])
    ).astype(f32)
    ht = _outer(S.has_text, P.has_text) * f32(fp["text"])
    ht[cross & (hs > 0)] = 0.0
    den = hf + hk + ht + hs
    inv = np.divide(f32(1.0), den, out=np.zeros_like(den), where=den > 0)
    return hf * inv, hk * inv, ht * inv, hs * inv


def _scaled(cosines: np.ndarray, encoder: str) -> np.ndarray:
    floor, full = SEMANTIC_SCALE[encoder]
    cosines -= np.float32(floor)
    cosines *= np.float32(1.0 / (full - floor))
    return np.clip(cosines, 0.0, 1.0, out=cosines)


def semantic_table(S: Features, P: Features) -> np.ndarray:
    """Closeness in meaning of every pair's texts in [0, 1] (0 where a side
    has no vector): each encoder's cosine scaled, then blended by whether the
    two texts share a language."""
    out = np.zeros((len(S), len(P)), np.float32)
    if not (S.has_sem.any() and P.has_sem.any()):
        return out
    cross = cross_language(S, P)
    for k, (encoder, start, end) in enumerate(semantic.SEGMENTS):
        part = S.sem[:, start:end] @ P.sem[:, start:end].T  # exact: see semantic.quantize
        part *= S.sem_inv_norm[:, k, None]
        part *= P.sem_inv_norm[None, :, k]
        part = _scaled(part, encoder)
        same_w = SEMANTIC_BLEND["same"][encoder]
        cross_w = SEMANTIC_BLEND["cross"][encoder]
        if same_w == cross_w:
            part *= np.float32(same_w)
        else:
            part *= np.where(cross, np.float32(cross_w), np.float32(same_w))
        out += part
    out[~S.has_sem, :] = 0.0
    out[:, ~P.has_sem] = 0.0
    return out


def _goals_table(S: Features, P: Features) -> tuple[np.ndarray, ...]:
    f32 = np.float32
    goal = (_prod(S.goals_a, P.goals_b) + _prod(S.goals_b, P.goals_a)) * f32(0.5)
    goal[~S.has_goals, :] = NEUTRAL_GOALS
    goal[:, ~P.has_goals] = NEUTRAL_GOALS
    collab = _prod(S.collab, P.collab)
    collab[~S.has_collab, :] = NEUTRAL_GOALS
    collab[:, ~P.has_collab] = NEUTRAL_GOALS
    goals = np.minimum(goal * f32(GOALS_SHARE) + collab * f32(COLLAB_SHARE), f32(1.0))
    return goals, goal, collab


def _network_table(S: Features, P: Features) -> np.ndarray:
    f32 = np.float32
    network = (_prod(S.codes, P.codes) > 0) * f32(ALMA_SHARE)
    network += (_prod(S.states, P.states) > 0) * f32(STATE_SHARE)
    return network


def _language_table(S: Features, P: Features) -> np.ndarray:
    return ((_prod(S.languages, P.languages) > 0) & P.is_open[None, :]).astype(np.float32)


def _by_signature(fn, S: Features, P: Features, group: str):
    """fn over the distinct code combinations of each side, gathered for every pair."""
    su, pu = S.reps[group], P.reps[group]
    if len(su) == len(S) and len(pu) == len(P):
        return fn(S, P)
    small = fn(S.distinct(group), P.distinct(group))
    rows, cols = S.sig[group], P.sig[group]

    def gather(t):
        return np.take(np.take(t, rows, axis=0), cols, axis=1)

    return tuple(gather(t) for t in small) if isinstance(small, tuple) else gather(small)


def score_block(
    S: Features,
    P: Features,
    *,
    today: datetime.date | None = None,
    weights: dict | None = None,
    components: bool = True,
) -> dict[str, np.ndarray]:
    """Scores of every scientist in S against every project in P (rows × columns)."""
    w = _weights(weights)
    now = today_months(today)
    f32 = np.float32

    language = _by_signature(_language_table, S, P, "language")
    if language.all():
        language = None  # everyone shares a language: nothing to filter

    # field
    areas = _by_signature(_areas_table, S, P, "fields")
    kw = _prod(S.kw, P.kw)
    np.minimum(kw, f32(1.0), out=kw)
    text = _prod(S.text, P.text)
    text *= f32(1.0 / TEXT_FULL)
    np.minimum(text, f32(1.0), out=text)
    meaning = semantic_table(S, P)
    ca, ck, ct, cs = _by_signature(_field_weights_tables, S, P, "flags")
    field = areas * ca
    field += kw * ck
    field += text * ct
    field += meaning * cs

    goals, goal, collab = _by_signature(_goals_table, S, P, "goals")
    network = _by_signature(_network_table, S, P, "network")

    # timeline, in months from today (small numbers keep float32 exact enough)
    s_when = (np.where(np.isnan(S.when), now, np.maximum(S.when, now)) - now).astype(f32)
    p_when = (np.where(np.isnan(P.when), now, np.maximum(P.when, now)) - now).astype(f32)
    first = np.where(
        np.isnan(P.first_results), DEFAULT_FIRST_RESULTS, np.maximum(P.first_results, 1.0)
    ).astype(f32)
    start = s_when[:, None] - p_when[None, :]
    np.maximum(start, f32(0.0), out=start)
    start *= (f32(-1.0) / first)[None, :]
    start += f32(1.0)
    np.maximum(start, f32(0.0), out=start)  # 1 - lateness / time to first results
    s_end = (s_when + np.nan_to_num(S.span, nan=0.0).astype(f32))[:, None]
    p_dur = np.maximum(np.nan_to_num(P.span, nan=1.0), 1.0).astype(f32)
    p_end = (p_when + p_dur)[None, :]
    coverage = np.minimum(s_end, p_end)
    coverage -= np.maximum(s_when[:, None], p_when[None, :])
    coverage *= (f32(1.0) / p_dur)[None, :]
    np.clip(coverage, f32(0.0), f32(1.0), out=coverage)
    coverage[np.isnan(S.span), :] = NEUTRAL_TIMELINE_PART
    coverage[:, np.isnan(P.span)] = NEUTRAL_TIMELINE_PART
    need = np.nan_to_num(P.hours, nan=1.0).astype(f32)
    inv_need = np.where(need > 0, f32(1.0) / np.maximum(need, f32(1e-9)), f32(0.0)).astype(f32)
    hours = np.nan_to_num(S.hours, nan=0.0).astype(f32)[:, None] * inv_need[None, :]
    hours[:, need <= 0] = 1.0
    np.minimum(hours, f32(1.0), out=hours)
    hours[np.isnan(S.hours), :] = NEUTRAL_TIMELINE_PART
    hours[:, np.isnan(P.hours)] = NEUTRAL_TIMELINE_PART
    timeline = start * f32(START_SHARE)
    timeline += coverage * f32(COVERAGE_SHARE)
    timeline += hours * f32(HOURS_SHARE)

    total = field * f32(w["field"])
    total += goals * f32(w["goals"])
    total += timeline * f32(w["timeline"])
    total += network * f32(w["network"])
    gate = timeline * f32(1.0 - TIMELINE_GATE)
    gate += f32(TIMELINE_GATE)
    total *= gate
    if FIELD_GATE < 1.0:
        gate = field * f32(1.0 - FIELD_GATE)
        gate += f32(FIELD_GATE)
        total *= gate
    if language is not None:
        total *= language
    else:
        language = np.ones_like(total) if components else None
    np.clip(total, f32(0.0), f32(1.0), out=total)
    out = {"total": total}
    if components:
        out.update(
            field=field,
            goals=goals,
            timeline=timeline,
            network=network,
            language=language,
            areas=areas,
            keywords=kw,
            text=text,
            semantic=meaning,
            text_weight=ct,
            semantic_weight=cs,
            goal=goal,
            collab=collab,
            start=start,
            coverage=coverage,
            hours=hours,
        )
    return out
