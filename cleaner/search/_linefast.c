/* The line model's per-line work in C: a line's facts and the logistic model's probability of every
 * row of a document. A speed-up that never changes a result: cleaner/rules/features.py is the
 * reference, and tests/test_linefast.py checks that both give the same floats, bit for bit, on
 * generated lines and documents. Same floats, because every value is computed by the same operations
 * in the same order: CPython's str predicates are the Py_UNICODE_IS* macros used here, math.log1p
 * and math.exp are the C library's, int / int of small ints is one double division, and the model's
 * dot product adds its products left to right as builtin sum() does (with the compensation sum()
 * adds from Python 3.12 on). Built with -ffp-contract=off, so no multiply-add is fused.
 *
 * facts(spec, text, key) -> (values, prose, short, furniture): `LineFacts` of one line;
 * FactsCache(make): line_facts' cache of line facts held in C (with the lexicon's values of each line), whose
 * packed(...) gives score_document a document's facts and lexical columns with no Python object per line;
 * probabilities(...) -> list[float]: `model.probability(row(k))` for every row k;
 * explain(names, top, ks, ...): `model.explain(row(k), top)` of the rows ks, before rounding;
 * window_mean(values, radius): windows.py's windowed means of floats and shares of bools;
 * spans(...): engine/decide._spans;
 * records(removals): a record's removals and counts (engine/provenance.build_record);
 * MatchEnds(n): a hyperscan match handler for search/hyperscan_prefilter.py, lines mapped in C.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define N_VALUES 14
#define FURNITURE_AT 10  /* furniture_word, prose and short in a line's values (LINE_FEATURES) */
#define PROSE_AT 11
#define SHORT_AT 12

/* The Py_UNICODE_IS* answers for ASCII, looked up once at import (the same macros answer them). */
enum { IS_ALPHA = 1, IS_UPPER = 2, IS_DIGIT = 4, IS_SPACE = 8 };
static unsigned char ascii_class[128];

static void fill_ascii_class(void) {
    for (Py_UCS4 c = 0; c < 128; c++)
        ascii_class[c] = (Py_UNICODE_ISALPHA(c) ? IS_ALPHA : 0) | (Py_UNICODE_ISUPPER(c) ? IS_UPPER : 0) |
                         (Py_UNICODE_ISDIGIT(c) ? IS_DIGIT : 0) | (Py_UNICODE_ISSPACE(c) ? IS_SPACE : 0);
}

static inline int char_class(Py_UCS4 c) {
    if (c < 128) return ascii_class[c];
    return (Py_UNICODE_ISALPHA(c) ? IS_ALPHA : 0) | (Py_UNICODE_ISUPPER(c) ? IS_UPPER : 0) |
           (Py_UNICODE_ISDIGIT(c) ? IS_DIGIT : 0) | (Py_UNICODE_ISSPACE(c) ? IS_SPACE : 0);
}

/* ---- a line's facts ------------------------------------------------------------------------- */

/* A line's key in lower case: for an ASCII key a lower-cased copy (str.lower() maps only A-Z there),
 * else the string key.lower() returned. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} Text;

/* The scans below are written once, always inlined into two callers each: one for any text and one
 * for a text known to be one byte a character (`ONE_BYTE`), which the compiler then builds without a
 * switch on the kind per character. Most lines are ASCII. */
#if defined(_MSC_VER)
#define ALWAYS_INLINE __forceinline
#else
#define ALWAYS_INLINE inline __attribute__((always_inline))
#endif
#define ONE_BYTE(t) ((t)->kind == PyUnicode_1BYTE_KIND)

static inline Py_UCS4 text_at(const Text *t, Py_ssize_t i) {
    return PyUnicode_READ(t->kind, t->data, i);
}

/* Literal strings grouped by first character, for the three lookups: any occurs (furniture words),
 * occurrences counted as str.count counts them (link tokens), equal to a slice (stop words). */
typedef struct {
    Py_UCS4 **items;
    Py_ssize_t *lens, n, max_len;
    int has_empty;
    Py_ssize_t *by_first;     /* item indices, those starting with each ASCII character together */
    Py_ssize_t first_at[129]; /* by_first[first_at[c]:first_at[c + 1]]: items starting with ASCII c;
                                 by_first[first_at[128]:n]: non-ASCII first characters */
    Py_ssize_t *next_free;    /* scratch for counting: where each item's next match may start */
    /* A filter that rules out most places before the lists are read (see `may_start`): for an ASCII
     * first character c, pairs[c][d / 8] bit d % 8 says an item starts with c then ASCII d; alone[c]
     * that an item is c alone or starts with c then a non-ASCII character. */
    unsigned char pairs[128][16], alone[128];
    /* For a non-ASCII first character: bit c of `wide` (c below 0x10000) says an item starts with c (the
     * lists are read at every character of a line in another script without it). */
    unsigned char *wide;
} Phrases;

static void phrases_free(Phrases *p) {
    for (Py_ssize_t i = 0; i < p->n; i++) PyMem_Free(p->items[i]);
    PyMem_Free(p->items);
    PyMem_Free(p->lens);
    PyMem_Free(p->by_first);
    PyMem_Free(p->next_free);
    PyMem_Free(p->wide);
}

/* Fill `p` from an iterable of str (empty strings only noted in has_empty); -1 with an exception. */
static int phrases_init(Phrases *p, PyObject *iterable) {
    PyObject *list = PySequence_List(iterable);
    if (list == NULL) return -1;
    Py_ssize_t total = PyList_GET_SIZE(list), size = total ? total : 1;
    p->items = PyMem_Calloc(size, sizeof(Py_UCS4 *));
    p->lens = PyMem_Calloc(size, sizeof(Py_ssize_t));
    p->by_first = PyMem_Calloc(size, sizeof(Py_ssize_t));
    p->next_free = PyMem_Calloc(size, sizeof(Py_ssize_t));
    p->wide = PyMem_Calloc(0x10000 / 8, 1);
    if (!p->items || !p->lens || !p->by_first || !p->next_free || !p->wide) {
        Py_DECREF(list);
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t counts[129] = {0};
    for (Py_ssize_t i = 0; i < total; i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        if (!PyUnicode_Check(item)) { Py_DECREF(list); PyErr_SetString(PyExc_TypeError, "expected str"); return -1; }
        Py_ssize_t len = PyUnicode_GET_LENGTH(item);
        if (len == 0) { p->has_empty = 1; continue; }
        Py_UCS4 *copy = PyUnicode_AsUCS4Copy(item);
        if (copy == NULL) { Py_DECREF(list); return -1; }
        p->items[p->n] = copy;
        p->lens[p->n++] = len;
        if (len > p->max_len) p->max_len = len;
        counts[copy[0] < 128 ? copy[0] : 128]++;
    }
    Py_DECREF(list);
    Py_ssize_t at = 0, fill[129];
    for (int c = 0; c < 129; c++) { p->first_at[c] = fill[c] = at; at += counts[c]; }
    for (Py_ssize_t i = 0; i < p->n; i++) p->by_first[fill[p->items[i][0] < 128 ? p->items[i][0] : 128]++] = i;
    for (Py_ssize_t i = 0; i < p->n; i++) {
        Py_UCS4 c = p->items[i][0], d = p->lens[i] > 1 ? p->items[i][1] : 0;
        if (c >= 128) {  /* non-ASCII first characters go to the lists, when `wide` lets them */
            if (c < 0x10000) p->wide[c / 8] |= (unsigned char)(1 << (c % 8));
            continue;
        }
        if (p->lens[i] == 1 || d >= 128) p->alone[c] = 1;
        else p->pairs[c][d / 8] |= (unsigned char)(1 << (d % 8));
    }
    return 0;
}

/* Whether an item may start at t[i]: false only where none can (the lists then need not be read). */
static ALWAYS_INLINE int may_start(const Phrases *p, const Text *t, Py_ssize_t i, Py_UCS4 c) {
    if (c >= 128) return c >= 0x10000 || (p->wide[c / 8] >> (c % 8)) & 1;
    if (p->alone[c]) return 1;
    if (i + 1 >= t->n) return 0;  /* only an item of one character could start at the last one */
    Py_UCS4 d = text_at(t, i + 1);
    return d < 128 && (p->pairs[c][d / 8] >> (d % 8)) & 1;
}

static inline void phrases_starting(const Phrases *p, Py_UCS4 c, Py_ssize_t *from, Py_ssize_t *to) {
    *from = p->first_at[c < 128 ? c : 128];
    *to = c < 128 ? p->first_at[c + 1] : p->n;
}

static ALWAYS_INLINE int phrase_at(const Phrases *p, Py_ssize_t w, const Text *t, Py_ssize_t i) {
    Py_ssize_t len = p->lens[w];
    if (len > t->n - i) return 0;
    for (Py_ssize_t j = 1; j < len; j++)
        if (text_at(t, i + j) != p->items[w][j]) return 0;
    return 1;
}

static ALWAYS_INLINE int any_phrase_in(const Phrases *p, const Text *t) {
    for (Py_ssize_t i = 0; i < t->n; i++) {
        Py_UCS4 c = text_at(t, i);
        if (!may_start(p, t, i, c)) continue;
        Py_ssize_t from, to;
        phrases_starting(p, c, &from, &to);
        for (Py_ssize_t at = from; at < to; at++)
            if (p->items[p->by_first[at]][0] == c && phrase_at(p, p->by_first[at], t, i)) return 1;
    }
    return 0;
}

static int any_phrase(const Phrases *p, const Text *t) {
    if (ONE_BYTE(t)) {
        const Text bytes = {PyUnicode_1BYTE_KIND, t->data, t->n};
        return any_phrase_in(p, &bytes);
    }
    return any_phrase_in(p, t);
}

/* sum(t.count(item) for item in items), or `cap` once it reaches cap. */
static ALWAYS_INLINE Py_ssize_t count_phrases_in(const Phrases *p, const Text *t, Py_ssize_t cap) {
    Py_ssize_t total = 0;
    for (Py_ssize_t w = 0; w < p->n; w++) p->next_free[w] = 0;
    for (Py_ssize_t i = 0; i < t->n && total < cap; i++) {
        Py_UCS4 c = text_at(t, i);
        if (!may_start(p, t, i, c)) continue;
        Py_ssize_t from, to;
        phrases_starting(p, c, &from, &to);
        for (Py_ssize_t at = from; at < to; at++) {
            Py_ssize_t w = p->by_first[at];
            if (p->items[w][0] == c && i >= p->next_free[w] && phrase_at(p, w, t, i)) {
                total++;
                p->next_free[w] = i + p->lens[w];  /* str.count: matches do not overlap */
            }
        }
    }
    return total < cap ? total : cap;
}

static Py_ssize_t count_phrases(const Phrases *p, const Text *t, Py_ssize_t cap) {
    if (ONE_BYTE(t)) {
        const Text bytes = {PyUnicode_1BYTE_KIND, t->data, t->n};
        return count_phrases_in(p, &bytes, cap);
    }
    return count_phrases_in(p, t, cap);
}

static ALWAYS_INLINE int phrase_equals(const Phrases *p, const Text *t, Py_ssize_t a, Py_ssize_t b) {
    if (a == b) return p->has_empty;
    if (b - a > p->max_len) return 0;
    Py_UCS4 c = text_at(t, a);
    Py_ssize_t from, to;
    phrases_starting(p, c, &from, &to);
    for (Py_ssize_t at = from; at < to; at++) {
        Py_ssize_t w = p->by_first[at];
        if (p->lens[w] == b - a && p->items[w][0] == c && phrase_at(p, w, t, a)) return 1;
    }
    return 0;
}

typedef struct {
    PyObject_HEAD
    PyObject *args;  /* what it was made from, for pickling */
    Phrases stop, furniture, links;
    long prose_min_words, prose_min_chars, short_chars;
} SpecObject;

static void spec_dealloc(SpecObject *self) {
    Py_XDECREF(self->args);
    phrases_free(&self->stop);
    phrases_free(&self->furniture);
    phrases_free(&self->links);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *spec_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"stop_words", "furniture_words", "link_tokens", "prose_min_words",
                             "prose_min_chars", "short_chars", NULL};
    PyObject *stop, *words, *tokens;
    long pmw, pmc, sc;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!O!O!lll", kwlist, &PyFrozenSet_Type, &stop, &PyTuple_Type,
                                     &words, &PyTuple_Type, &tokens, &pmw, &pmc, &sc))
        return NULL;
    SpecObject *self = (SpecObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->args = Py_BuildValue("(OOOlll)", stop, words, tokens, pmw, pmc, sc);
    self->prose_min_words = pmw;
    self->prose_min_chars = pmc;
    self->short_chars = sc;
    if (self->args == NULL || phrases_init(&self->stop, stop) < 0 || phrases_init(&self->furniture, words) < 0 ||
        phrases_init(&self->links, tokens) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    if (self->furniture.has_empty || self->links.has_empty) {
        PyErr_SetString(PyExc_ValueError, "furniture words and link tokens must not be empty");
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static PyObject *spec_reduce(SpecObject *self, PyObject *Py_UNUSED(ignored)) {
    return Py_BuildValue("(OO)", (PyObject *)Py_TYPE(self), self->args);
}

static PyMethodDef spec_methods[] = {
    {"__reduce__", (PyCFunction)spec_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject SpecType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.search._linefast.Spec",
    .tp_doc = "The feature parameters of a FeatureSpec, ready for facts().",
    .tp_basicsize = sizeof(SpecObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = spec_new,
    .tp_dealloc = (destructor)spec_dealloc,
    .tp_methods = spec_methods,
};

static int is_closer(Py_UCS4 c) {  /* features._CLOSERS */
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' || c == ']' || c == '*';
}

static int is_bullet(Py_UCS4 c) {  /* features._BULLETS */
    switch (c) {
    case '*': case '+': case 0x2022: case 0xB7: case 0x25AA: case 0x25E6: case 0x2023: case '-': case 0x2013:
    case 0x2014: case 0x25BA: case 0x25B8:
        return 1;
    default:
        return 0;
    }
}

static int is_strip(Py_UCS4 c) {  /* features._STRIP */
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '"' || c == '\'' ||
           c == '(' || c == ')';
}

/* sum(w.strip(_STRIP) in stop for w in lower.split()) */
static ALWAYS_INLINE Py_ssize_t stop_count_in(const Phrases *stop, const Text *t) {
    Py_ssize_t i = 0, count = 0;
    while (i < t->n) {
        while (i < t->n && Py_UNICODE_ISSPACE(text_at(t, i))) i++;
        if (i >= t->n) break;
        Py_ssize_t a = i;
        while (i < t->n && !Py_UNICODE_ISSPACE(text_at(t, i))) i++;
        Py_ssize_t b = i;
        while (a < b && is_strip(text_at(t, a))) a++;
        while (b > a && is_strip(text_at(t, b - 1))) b--;
        count += phrase_equals(stop, t, a, b);
    }
    return count;
}

static Py_ssize_t stop_count(const Phrases *stop, const Text *t) {
    if (ONE_BYTE(t)) {
        const Text bytes = {PyUnicode_1BYTE_KIND, t->data, t->n};
        return stop_count_in(stop, &bytes);
    }
    return stop_count_in(stop, t);
}

/* What the line's characters are: letters, capitals, digits; words (split on whitespace), those starting
 * with a letter, with a capital. */
typedef struct {
    Py_ssize_t letters, uppers, digits, words, alpha_words, upper_words;
} Counts;

static ALWAYS_INLINE Counts count_classes_in(const Text *t) {
    Counts c = {0, 0, 0, 0, 0, 0};
    int in_word = 0;
    for (Py_ssize_t i = 0; i < t->n; i++) {
        int cls = char_class(text_at(t, i));
        c.letters += (cls & IS_ALPHA) != 0;
        c.uppers += (cls & IS_UPPER) != 0;
        c.digits += (cls & IS_DIGIT) != 0;
        if (cls & IS_SPACE) {
            in_word = 0;
        } else if (!in_word) {  /* a word's first character */
            in_word = 1;
            c.words++;
            c.alpha_words += (cls & IS_ALPHA) != 0;
            c.upper_words += (cls & IS_UPPER) != 0;
        }
    }
    return c;
}

static Counts count_classes(const Text *t) {
    if (ONE_BYTE(t)) {
        const Text bytes = {PyUnicode_1BYTE_KIND, t->data, t->n};
        return count_classes_in(&bytes);
    }
    return count_classes_in(t);
}

/* 0.0 and 1.0, most of a line's values (its flags, its empty shares), made once: a float is immutable,
 * so sharing one object for them changes no value, and spares an allocation and a free for each. */
static PyObject *float_zero, *float_one;

/* A new reference to a float of value v (the shared 0.0 or 1.0 when it is one of them, sign included). */
static inline PyObject *shared_float(double v) {
    if (v == 0.0 && !signbit(v)) return Py_NewRef(float_zero);
    if (v == 1.0) return Py_NewRef(float_one);
    return PyFloat_FromDouble(v);
}

/* Stop the cycle collector tracking a container that can hold no cycle (atoms and such containers):
 * results are the same, and collections, which walk every tracked container, get cheaper. */
static inline void untrack(PyObject *container) {
    if (PyObject_GC_IsTracked(container)) PyObject_GC_UnTrack(container);
}

/* A line's LINE_FEATURES values but repeat_log into v (N_VALUES doubles; its prose, short and furniture flags
 * are v[PROSE_AT], v[SHORT_AT] and v[FURNITURE_AT], 1.0 or 0.0): 0, or -1 with an exception. */
static int facts_values(SpecObject *spec, PyObject *text, PyObject *key, double *v) {
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    const Text as_is = {kind, data, n};
    Counts c = count_classes(&as_is);
    Py_ssize_t letters = c.letters, uppers = c.uppers, digits = c.digits, n_words = c.words,
               alpha_words = c.alpha_words, upper_words = c.upper_words;
    Py_ssize_t end = n;  /* ends_sentence: the last character before trailing closers */
    while (end > 0 && is_closer(PyUnicode_READ(kind, data, end - 1))) end--;
    int sentence = 0;
    if (end > 0) {
        Py_UCS4 last = PyUnicode_READ(kind, data, end - 1);
        sentence = last == '.' || last == '!' || last == '?' || last == 0x2026;
    }
    int bullet = n > 0 && is_bullet(PyUnicode_READ(kind, data, 0));
    int prose = sentence && n_words >= spec->prose_min_words && n >= spec->prose_min_chars && !bullet;
    int is_short = n < spec->short_chars;
    int indented = PyUnicode_GET_LENGTH(text) > 0 && Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, 0));

    PyObject *lower = NULL;  /* key.lower(), needed only beyond ASCII */
    Py_UCS1 short_copy[512], *copy = NULL;  /* an ASCII key lower-cased (str.lower() maps only A-Z there) */
    Text t;
    if (PyUnicode_IS_ASCII(key)) {
        copy = n <= (Py_ssize_t)sizeof(short_copy) ? short_copy : PyMem_Malloc((size_t)n);
        if (copy == NULL) { PyErr_NoMemory(); return -1; }
        const Py_UCS1 *chars = data;
        for (Py_ssize_t i = 0; i < n; i++) copy[i] = chars[i] >= 'A' && chars[i] <= 'Z' ? chars[i] + ('a' - 'A') : chars[i];
        t = (Text){PyUnicode_1BYTE_KIND, copy, n};
    } else {
        lower = PyObject_CallMethod(key, "lower", NULL);
        if (lower == NULL) return -1;
        t = (Text){PyUnicode_KIND(lower), PyUnicode_DATA(lower), PyUnicode_GET_LENGTH(lower)};
    }
    Py_ssize_t stops = stop_count(&spec->stop, &t);
    Py_ssize_t links = count_phrases(&spec->links, &t, 3);
    int furniture = any_phrase(&spec->furniture, &t);
    Py_XDECREF(lower);
    if (copy != short_copy) PyMem_Free(copy);

    if (n == 0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "division by zero");
        return -1;
    }
    v[0] = log1p((double)n);
    v[1] = log1p((double)n_words);
    v[2] = n_words ? (double)stops / (double)n_words : 0.0;
    v[3] = sentence;
    v[4] = n > 0 && PyUnicode_READ(kind, data, n - 1) == ':';
    v[5] = alpha_words ? (double)upper_words / (double)alpha_words : 0.0;
    v[6] = letters ? (double)uppers / (double)letters : 0.0;
    v[7] = (double)digits / (double)n;  /* n > 0: blank lines have no facts (the reference divides too) */
    v[8] = bullet;
    v[9] = (double)links;
    v[10] = furniture;
    v[11] = prose;
    v[12] = is_short;
    v[13] = indented;
    return 0;
}

/* The facts tuple of values v (facts_values'): (values, prose, short, furniture) as `make(...)` (a tuple
 * subclass) or a plain tuple (NULL); a new reference, or NULL with an exception. */
static PyObject *facts_tuple(const double *v, PyTypeObject *make) {
    PyObject *values = PyTuple_New(N_VALUES);
    if (values == NULL) return NULL;
    for (int i = 0; i < N_VALUES; i++) {
        PyObject *f = shared_float(v[i]);
        if (f == NULL) { Py_DECREF(values); return NULL; }
        PyTuple_SET_ITEM(values, i, f);
    }
    PyObject *found = make ? make->tp_alloc(make, 4) : PyTuple_New(4);
    if (found == NULL) { Py_DECREF(values); return NULL; }
    PyTuple_SET_ITEM(found, 0, values);
    PyTuple_SET_ITEM(found, 1, Py_NewRef(v[PROSE_AT] != 0.0 ? Py_True : Py_False));
    PyTuple_SET_ITEM(found, 2, Py_NewRef(v[SHORT_AT] != 0.0 ? Py_True : Py_False));
    PyTuple_SET_ITEM(found, 3, Py_NewRef(v[FURNITURE_AT] != 0.0 ? Py_True : Py_False));
    /* Tuples of floats and bools can hold no cycle: untracked, as the collector itself would untrack
     * them on its next pass, they spare it the cache's 20,000 lines on every collection (a quarter of
     * the facts' time went to the collector). */
    untrack(values);
    untrack(found);
    return found;
}

/* facts(spec, text, key) -> (values, prose, short, furniture) of one line, a plain tuple. */
static PyObject *facts(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyObject_TypeCheck(args[0], &SpecType) || !PyUnicode_Check(args[1]) ||
        !PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "facts(spec, text, key)");
        return NULL;
    }
    double v[N_VALUES];
    if (facts_values((SpecObject *)args[0], args[1], args[2], v) < 0) return NULL;
    return facts_tuple(v, NULL);
}

/* 0 when `make` is a tuple subclass and the lists `a` and `b` (named in `what`) are as long as each
 * other; else -1 with an exception. */
static int maker_and_lengths(PyObject *make, PyObject *a, PyObject *b, const char *what) {
    if (!PyType_IsSubtype((PyTypeObject *)make, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "make must be a tuple subclass");
        return -1;
    }
    if (PyList_GET_SIZE(a) != PyList_GET_SIZE(b)) {
        PyErr_Format(PyExc_ValueError, "%s of different lengths", what);
        return -1;
    }
    return 0;
}

/* ---- the model over a document's rows --------------------------------------------------------- */

/* Doubles out of a sequence of floats (a list or tuple); -1 with an exception when an item is not a float. */
static int doubles(PyObject *seq, double *out, Py_ssize_t n) {
    if (PySequence_Fast_GET_SIZE(seq) != n) {
        PyErr_SetString(PyExc_ValueError, "a sequence of the wrong length");
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!PyFloat_Check(items[i])) {
            PyErr_SetString(PyExc_TypeError, "expected floats");
            return -1;
        }
        out[i] = PyFloat_AS_DOUBLE(items[i]);
    }
    return 0;
}

/* Left to right, as builtin sum() adds floats (from 0, with Neumaier's compensation from 3.12 on), the
 * products w[i] * x[i], or the values x[i] themselves when w is NULL. */
static double python_sum_of_products(const double *w, const double *x, Py_ssize_t n) {
    if (n == 0) return 0.0;  /* sum() of nothing is the int 0; bias + 0 is the bias */
    double total = 0.0 + (w ? w[0] * x[0] : x[0]);
#if PY_VERSION_HEX >= 0x030C0000
    double c = 0.0;
    for (Py_ssize_t i = 1; i < n; i++) {
        double item = w ? w[i] * x[i] : x[i];
        double t = total + item;
        if (fabs(total) >= fabs(item)) c += (total - t) + item;
        else c += (item - t) + total;
        total = t;
    }
    if (c && isfinite(c)) total += c;
#else
    for (Py_ssize_t i = 1; i < n; i++) total += w ? w[i] * x[i] : x[i];
#endif
    return total;
}

/* A derived column (rules/derived.plan): code DERIVED_ABOVE, _BELOW (a hinge of column a at `knot`) or
 * _PRODUCT (columns a and b). */
enum { DERIVED_ABOVE, DERIVED_BELOW, DERIVED_PRODUCT };
typedef struct {
    int code;
    Py_ssize_t a, b;
    double knot;
} Derived;

/* A document's rows, as probabilities(), explain() and score_document() build them: per line, the
 * columns the row layout reads, as doubles (filled from the Python columns by rows_parse, or computed
 * from the lines' facts by score_document), and what the layout needs. */
typedef struct {
    Py_ssize_t n, n_own, n_packs, n_hints, n_doc, n_nb, n_context, n_derived, width, run_first, run_last;
    double bias;
    double *weights;  /* width */
    double *own;      /* n x n_own: a line's values, then its repeat_log */
    double *rule;     /* n x 2: removed (0 or 1), removed_near */
    double *near;     /* n x 2: density, furniture_near */
    double *pack;     /* n x n_packs: removed_<pack> */
    double *doc;      /* n_doc: the DOC_FEATURES values */
    double *hints;    /* n x n_hints, or NULL */
    double *context;  /* n x n_context: each line's context features (context_features.columns), or NULL */
    char *flags;      /* n x 3: the facts' prose, short and furniture */
    int *nb_part;
    Py_ssize_t *nb_index;
    Derived *derived;  /* n_derived derived columns (rules/derived.py), computed from the row before them */
} Rows;

static void rows_free(Rows *r) {
    PyMem_Free(r->weights);
    PyMem_Free(r->own);
    PyMem_Free(r->rule);
    PyMem_Free(r->near);
    PyMem_Free(r->pack);
    PyMem_Free(r->doc);
    PyMem_Free(r->hints);
    PyMem_Free(r->context);
    PyMem_Free(r->flags);
    PyMem_Free(r->nb_part);
    PyMem_Free(r->nb_index);
    PyMem_Free(r->derived);
    memset(r, 0, sizeof(*r));
}

/* The per-line arrays of `r` for r->n lines (n_own, n_packs and n_hints set); 0, or -1 with an exception. */
static int rows_alloc(Rows *r) {
    size_t n = (size_t)r->n;
    r->own = PyMem_Malloc(sizeof(double) * (n * (size_t)r->n_own + 1));
    r->rule = PyMem_Malloc(sizeof(double) * (2 * n + 1));
    r->near = PyMem_Malloc(sizeof(double) * (2 * n + 1));
    r->pack = PyMem_Malloc(sizeof(double) * (n * (size_t)r->n_packs + 1));
    r->doc = PyMem_Malloc(sizeof(double) * (size_t)(r->n_doc + 1));
    r->hints = r->n_hints ? PyMem_Malloc(sizeof(double) * (n * (size_t)r->n_hints)) : NULL;
    r->flags = PyMem_Malloc(3 * n + 1);
    if (r->own == NULL || r->rule == NULL || r->near == NULL || r->pack == NULL || r->doc == NULL ||
        (r->n_hints && r->hints == NULL) || r->flags == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Line k's facts (a tuple (values, prose, short, furniture), values N - 1 floats) into r->own (the first
 * n_own - 1 values of row k) and r->flags; 0, or -1 with an exception. */
static int rows_facts(Rows *r, Py_ssize_t k, PyObject *line) {
    if (!PyTuple_Check(line) || PyTuple_GET_SIZE(line) != 4 || !PyTuple_Check(PyTuple_GET_ITEM(line, 0))) {
        PyErr_SetString(PyExc_TypeError, "a line's facts must be a tuple (values, prose, short, furniture)");
        return -1;
    }
    if (doubles(PyTuple_GET_ITEM(line, 0), r->own + k * r->n_own, r->n_own - 1) < 0) return -1;
    for (int f = 0; f < 3; f++) {
        int truth = PyObject_IsTrue(PyTuple_GET_ITEM(line, f + 1));
        if (truth < 0) return -1;
        r->flags[3 * k + f] = (char)truth;
    }
    return 0;
}

/* Line k's facts into r (as rows_facts): facts[k] of a list of facts tuples, or row k of `facts` packed as the
 * bytes of n rows of N_VALUES doubles (FactsCache.packed; its flags are the values at PROSE_AT, SHORT_AT and
 * FURNITURE_AT). 0, or -1 with an exception. */
static int rows_line_facts(Rows *r, Py_ssize_t k, PyObject *facts) {
    if (!PyBytes_CheckExact(facts)) return rows_facts(r, k, PyList_GET_ITEM(facts, k));
    const double *v = (const double *)PyBytes_AS_STRING(facts) + N_VALUES * k;
    memcpy(r->own + k * r->n_own, v, sizeof(double) * N_VALUES);
    r->flags[3 * k] = v[PROSE_AT] != 0.0;
    r->flags[3 * k + 1] = v[SHORT_AT] != 0.0;
    r->flags[3 * k + 2] = v[FURNITURE_AT] != 0.0;
    return 0;
}

/* The context features' codes (linefast.CONTEXT_CODES) and series (linefast.CONTEXT_SERIES). */
enum { CTX_WINDOW, CTX_PROSE_ABOVE, CTX_PROSE_BELOW, CTX_BEFORE_PROSE, CTX_AFTER_PROSE, CTX_AFTER, CTX_BEFORE };
enum { SERIES_PROSE, SERIES_REMOVED, SERIES_LIST, SERIES_SHORT, SERIES_FURNITURE, SERIES_CHARS, N_SERIES };
#define LIST_AT 8  /* list_marker and chars_log in a line's values (LINE_FEATURES, checked by linefast.matches) */
#define CHARS_AT 0

static void window_mean_of(const double *p, Py_ssize_t n, Py_ssize_t radius, double *prefix, double *out);

/* Per line of r, 1 when it was removed and its run of removed lines has a kept prose line right above it and
 * two right below it (context_features.boxed), into `out` (n zeroed chars). */
static void boxed_runs(const Rows *r, char *out) {
    Py_ssize_t n = r->n, k = 0;
    while (k < n) {
        Py_ssize_t end = k;
        int removed = r->rule[2 * k] != 0.0;
        while (removed && end + 1 < n && r->rule[2 * (end + 1)] != 0.0) end++;
        /* (the run is whole: the line above it and the line below it are kept) */
        if (removed && k > 0 && end < n - 2 && r->flags[3 * (k - 1)] && r->flags[3 * (end + 1)] &&
            r->flags[3 * (end + 2)] && r->rule[2 * (end + 2)] == 0.0)
            memset(out + k, 1, (size_t)(end + 1 - k));
        k = end + 1;
    }
}

/* r->context from `plan` (a tuple of (code, a, b) per context feature, see context_features.plan):
 * the values context_features.columns gives, row by row; 0, or -1 with an exception. */
static int rows_context(Rows *r, PyObject *plan) {
    Py_ssize_t n = r->n, m = r->n_context = PyTuple_GET_SIZE(plan);
    if (r->n_own <= LIST_AT) {
        PyErr_SetString(PyExc_ValueError, "a context plan or line facts of the wrong shape");
        return -1;
    }
    double *series = PyMem_Malloc(sizeof(double) * (size_t)(N_SERIES * n + 2 * n + 1));
    r->context = PyMem_Malloc(sizeof(double) * (size_t)(n * (m ? m : 1)));
    if (series == NULL || r->context == NULL) { PyMem_Free(series); PyErr_NoMemory(); return -1; }
    double *prefix = series + N_SERIES * n, *out = prefix + n + 1;
    /* landmarks count from the first (to the last) prose line no rule removed: context_features.columns */
    Py_ssize_t total = 0, first_prose = n, last_prose = -1, first_kept = n, last_kept = -1;
    for (Py_ssize_t k = 0; k < n; k++) {  /* each line's flags and chars, as features._Rows._series reads them */
        const double *own = r->own + k * r->n_own;
        int prose = r->flags[3 * k];
        series[SERIES_PROSE * n + k] = prose;
        series[SERIES_REMOVED * n + k] = r->rule[2 * k];
        series[SERIES_LIST * n + k] = own[LIST_AT] > 0;
        series[SERIES_SHORT * n + k] = r->flags[3 * k + 1];
        series[SERIES_FURNITURE * n + k] = r->flags[3 * k + 2];
        series[SERIES_CHARS * n + k] = own[CHARS_AT];
        if (prose) {
            total++;
            if (first_prose == n) first_prose = k;
            last_prose = k;
            if (r->rule[2 * k] == 0.0) {
                if (first_kept == n) first_kept = k;
                last_kept = k;
            }
        }
    }
    double scale = total ? 1.0 / (double)total : 0.0;
    char *boxed = NULL;  /* per line, context_features.boxed: found when a landmark first asks */
    for (Py_ssize_t j = 0; j < m; j++) {
        PyObject *item = PyTuple_GET_ITEM(plan, j);
        long code, a, b;
        if (!PyArg_ParseTuple(item, "lll", &code, &a, &b)) goto fail;
        if (code == CTX_WINDOW) {
            if (a < 0 || a >= N_SERIES || b < 0) goto wrong;
            window_mean_of(series + a * n, n, b, prefix, out);
            for (Py_ssize_t k = 0; k < n; k++) r->context[k * m + j] = out[k];
            continue;
        }
        /* the first (last) line pack `a` removed below the first (above the last) kept prose line; with b, not
         * one whose run of removed lines stands inside the prose (context_features.boxed) */
        Py_ssize_t edge = code == CTX_AFTER ? n : -1;
        if (code == CTX_AFTER || code == CTX_BEFORE) {
            if (a < 0 || a >= r->n_packs || b < 0 || b > 1) goto wrong;
            if (b && boxed == NULL) {
                if ((boxed = PyMem_Calloc((size_t)n, 1)) == NULL) { PyErr_NoMemory(); goto fail; }
                boxed_runs(r, boxed);
            }
            Py_ssize_t from = code == CTX_AFTER ? first_kept + 1 : 0, to = code == CTX_AFTER ? n : last_kept;
            for (Py_ssize_t k = from; k < to; k++) {
                if (r->pack[k * r->n_packs + a] == 0.0 || (b && boxed[k])) continue;
                if (edge == n) edge = k;
                if (code == CTX_BEFORE) edge = k;
            }
        }
        double above = 0.0;  /* prose lines above line k: accumulate(prose, initial=0.0) */
        for (Py_ssize_t k = 0; k < n; k++) {
            double v;
            switch (code) {
            case CTX_PROSE_ABOVE: v = above * scale; break;
            case CTX_PROSE_BELOW: v = (((double)total - above) - series[SERIES_PROSE * n + k]) * scale; break;
            case CTX_BEFORE_PROSE: v = k < first_prose; break;
            case CTX_AFTER_PROSE: v = k > last_prose; break;
            case CTX_AFTER: v = k > edge; break;   /* after the first line the pack removed (n: none) */
            case CTX_BEFORE: v = k < edge; break;  /* before the last line it removed (-1: none) */
            default: goto wrong;
            }
            r->context[k * m + j] = v;
            above = above + series[SERIES_PROSE * n + k];
        }
    }
    PyMem_Free(series);
    PyMem_Free(boxed);
    return 0;
wrong:
    PyErr_SetString(PyExc_ValueError, "a context plan or line facts of the wrong shape");
fail:
    PyMem_Free(series);
    PyMem_Free(boxed);
    return -1;
}

/* r->derived from `plan` (a tuple of (code, a, b, knot) per derived column, see derived.plan), whose
 * columns read the `before` columns ahead of them; 0, or -1 with an exception. */
static int rows_derived(Rows *r, PyObject *plan, Py_ssize_t before) {
    Py_ssize_t m = r->n_derived = PyTuple_GET_SIZE(plan);
    r->derived = PyMem_Malloc(sizeof(Derived) * (size_t)(m ? m : 1));
    if (r->derived == NULL) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t j = 0; j < m; j++) {
        Derived *d = r->derived + j;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(plan, j), "innd", &d->code, &d->a, &d->b, &d->knot)) return -1;
        if (d->code < DERIVED_ABOVE || d->code > DERIVED_PRODUCT || d->a < 0 || d->a >= before ||
            (d->code == DERIVED_PRODUCT && (d->b < 0 || d->b >= before))) {
            PyErr_SetString(PyExc_ValueError, "a derived column out of range");
            return -1;
        }
    }
    return 0;
}

/* What both ways of filling `r` end with, its per-line columns in place: the context features from
 * `plan` (None or a tuple), the derived columns from `derived` (None or a tuple), the weights (a tuple,
 * one per feature) and the neighbour slots ((part, index) pairs); 0, or -1 with an exception. */
static int rows_finish(Rows *r, PyObject *weights_obj, PyObject *neighbours_obj, PyObject *plan, PyObject *derived) {
    if (plan != Py_None && !PyTuple_Check(plan)) {
        PyErr_SetString(PyExc_TypeError, "the context plan is None or a tuple");
        return -1;
    }
    if (derived != Py_None && !PyTuple_Check(derived)) {
        PyErr_SetString(PyExc_TypeError, "the derived plan is None or a tuple");
        return -1;
    }
    if (plan != Py_None && rows_context(r, plan) < 0) return -1;
    r->n_nb = PyTuple_GET_SIZE(neighbours_obj);
    Py_ssize_t before = r->n_own + 8 + 2 + r->n_packs + r->n_doc + 2 * r->n_nb + r->n_hints + r->n_context;
    if (derived != Py_None && rows_derived(r, derived, before) < 0) return -1;
    Py_ssize_t width = r->width = before + r->n_derived;
    if (PyTuple_GET_SIZE(weights_obj) != width) {
        PyErr_Format(PyExc_ValueError, "%zd weights for rows of %zd features", PyTuple_GET_SIZE(weights_obj), width);
        return -1;
    }
    r->weights = PyMem_Malloc(sizeof(double) * (size_t)(width + 1));
    r->nb_part = PyMem_Malloc(sizeof(int) * (size_t)(r->n_nb ? r->n_nb : 1));
    r->nb_index = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(r->n_nb ? r->n_nb : 1));
    if (r->weights == NULL || r->nb_part == NULL || r->nb_index == NULL) { PyErr_NoMemory(); return -1; }
    if (doubles(weights_obj, r->weights, width) < 0) return -1;
    for (Py_ssize_t j = 0; j < r->n_nb; j++) {
        PyObject *slot = PyTuple_GET_ITEM(neighbours_obj, j);
        if (!PyTuple_Check(slot) || PyTuple_GET_SIZE(slot) != 2) {
            PyErr_SetString(PyExc_TypeError, "neighbour slots are (part, index) pairs");
            return -1;
        }
        r->nb_part[j] = (int)PyLong_AsLong(PyTuple_GET_ITEM(slot, 0));
        r->nb_index[j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(slot, 1));
        if (PyErr_Occurred()) return -1;
        if (r->nb_part[j] < 0 || r->nb_part[j] > 1 || r->nb_index[j] < 0 ||
            r->nb_index[j] >= (r->nb_part[j] ? 2 : r->n_own)) {
            PyErr_SetString(PyExc_ValueError, "a neighbour slot out of range");
            return -1;
        }
    }
    return 0;
}

/* A float out of a column (a list) at k into *out; -1 with an exception when it is not one. */
static int float_at(PyObject *column, Py_ssize_t k, double *out) {
    PyObject *v = PyList_GET_ITEM(column, k);
    if (!PyFloat_Check(v)) {
        PyErr_SetString(PyExc_TypeError, "expected floats");
        return -1;
    }
    *out = PyFloat_AS_DOUBLE(v);
    return 0;
}

/* Parse probabilities()'s arguments, from `args[first]` on, into `r` (0), or -1 with an exception;
 * r->n == 0: an empty document (nothing else filled in). rows_free(r) in either case. */
static int rows_parse(Rows *r, PyObject *args, Py_ssize_t first) {
    PyObject *weights_obj, *neighbours_obj, *own, *repeat, *removed, *removed_near, *density, *furniture_near,
        *pack_flags, *doc, *hints;
    memset(r, 0, sizeof(*r));
    PyObject *rest = PyTuple_GetSlice(args, first, PyTuple_GET_SIZE(args));
    if (rest == NULL) return -1;
    PyObject *plan = Py_None, *derived = Py_None;
    int ok = PyArg_ParseTuple(rest, "O!dO!O!O!O!O!O!nnO!O!O!O|OO", &PyTuple_Type, &weights_obj, &r->bias,
                              &PyList_Type, &own, &PyList_Type, &repeat, &PyList_Type, &removed,
                              &PyList_Type, &removed_near, &PyList_Type, &density, &PyList_Type,
                              &furniture_near, &r->run_first, &r->run_last, &PyList_Type, &pack_flags,
                              &PyTuple_Type, &doc, &PyTuple_Type, &neighbours_obj, &hints, &plan, &derived);
    Py_DECREF(rest);
    if (!ok) return -1;
    Py_ssize_t n = r->n = PyList_GET_SIZE(own);
    if (PyList_GET_SIZE(removed) != n || PyList_GET_SIZE(repeat) != n || PyList_GET_SIZE(removed_near) != n ||
        PyList_GET_SIZE(density) != n || PyList_GET_SIZE(furniture_near) != n || PyList_GET_SIZE(pack_flags) != n ||
        (hints != Py_None && (!PyList_Check(hints) || PyList_GET_SIZE(hints) != n))) {
        PyErr_SetString(PyExc_ValueError, "columns of different lengths");
        return -1;
    }
    if (n == 0) return 0;
    PyObject *first_line = PyList_GET_ITEM(own, 0), *flags0 = PyList_GET_ITEM(pack_flags, 0);
    r->n_own = PyTuple_Check(first_line) && PyTuple_GET_SIZE(first_line) > 0 &&
               PyTuple_Check(PyTuple_GET_ITEM(first_line, 0))
        ? PyTuple_GET_SIZE(PyTuple_GET_ITEM(first_line, 0)) + 1 : -1;  /* the values and repeat_log */
    r->n_packs = PyTuple_Check(flags0) ? PyTuple_GET_SIZE(flags0) : -1;
    r->n_hints = hints == Py_None ? 0
        : (PyTuple_Check(PyList_GET_ITEM(hints, 0)) ? PyTuple_GET_SIZE(PyList_GET_ITEM(hints, 0)) : -1);
    r->n_doc = PyTuple_GET_SIZE(doc);
    if (r->n_own < 0 || r->n_packs < 0 || r->n_hints < 0) {
        PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples");
        return -1;
    }
    if (rows_alloc(r) < 0 || doubles(doc, r->doc, r->n_doc) < 0) return -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (rows_facts(r, k, PyList_GET_ITEM(own, k)) < 0 || float_at(repeat, k, r->own + k * r->n_own + r->n_own - 1) < 0)
            return -1;
        int is_removed = PyObject_IsTrue(PyList_GET_ITEM(removed, k));
        if (is_removed < 0) return -1;
        r->rule[2 * k] = is_removed ? 1.0 : 0.0;
        if (float_at(removed_near, k, r->rule + 2 * k + 1) < 0 || float_at(density, k, r->near + 2 * k) < 0 ||
            float_at(furniture_near, k, r->near + 2 * k + 1) < 0)
            return -1;
        PyObject *flags = PyList_GET_ITEM(pack_flags, k);
        if (!PyTuple_Check(flags)) { PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples"); return -1; }
        if (doubles(flags, r->pack + k * r->n_packs, r->n_packs) < 0) return -1;
        if (r->n_hints) {
            PyObject *hint = PyList_GET_ITEM(hints, k);
            if (!PyTuple_Check(hint)) { PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples"); return -1; }
            if (doubles(hint, r->hints + k * r->n_hints, r->n_hints) < 0) return -1;
        }
    }
    return rows_finish(r, weights_obj, neighbours_obj, plan, derived);
}

/* Row k (0 <= k < n) into `row` (width doubles), laid out as features._Rows.row lays it out. */
static void rows_row(const Rows *r, Py_ssize_t k, double *row) {
    Py_ssize_t n = r->n, n_own = r->n_own, run_first = r->run_first, run_last = r->run_last;
    const double *own = r->own + k * n_own, *rule = r->rule + 2 * k;
    memcpy(row, own, sizeof(double) * (size_t)n_own);
    Py_ssize_t at = n_own;
    row[at++] = n > 1 ? (double)k / (double)(n - 1) : 0.0;
    row[at++] = k == 0;
    row[at++] = k == n - 1;
    row[at++] = run_first <= k && k <= run_last;
    row[at++] = k < run_first ? log1p((double)(run_first - k)) : 0.0;
    row[at++] = k > run_last && run_last >= 0 ? log1p((double)(k - run_last)) : 0.0;
    row[at++] = r->near[2 * k];
    row[at++] = r->near[2 * k + 1];
    row[at++] = rule[0];
    row[at++] = rule[1];
    memcpy(row + at, r->pack + k * r->n_packs, sizeof(double) * (size_t)r->n_packs);
    at += r->n_packs;
    memcpy(row + at, r->doc, sizeof(double) * (size_t)r->n_doc);
    at += r->n_doc;
    for (Py_ssize_t m = k - 1; m <= k + 1; m += 2) {  /* the previous line's, then the next line's */
        int has = m >= 0 && m < n;
        for (Py_ssize_t j = 0; j < r->n_nb; j++)
            row[at++] = !has ? 0.0 : r->nb_part[j] ? r->rule[2 * m + r->nb_index[j]] : r->own[m * n_own + r->nb_index[j]];
    }
    if (r->n_hints) memcpy(row + at, r->hints + k * r->n_hints, sizeof(double) * (size_t)r->n_hints);
    at += r->n_hints;
    if (r->n_context) memcpy(row + at, r->context + k * r->n_context, sizeof(double) * (size_t)r->n_context);
    at += r->n_context;
    for (Py_ssize_t j = 0; j < r->n_derived; j++) {  /* derived.values */
        const Derived *d = r->derived + j;
        double v;
        if (d->code == DERIVED_PRODUCT) {
            v = row[d->a] * row[d->b];
        } else {
            v = d->code == DERIVED_ABOVE ? row[d->a] - d->knot : d->knot - row[d->a];
            v = v > 0 ? v : 0.0;
        }
        row[at++] = v;
    }
}

/* LinearModel.probability of a row (width doubles) under r's weights and bias. */
static double row_probability(const Rows *r, const double *row) {
    double z = r->bias + python_sum_of_products(r->weights, row, r->width);
    return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/* What a caller of map_rows makes of row k (built in `row`): a new reference, or NULL with an exception. */
typedef PyObject *(*RowResult)(const Rows *r, Py_ssize_t k, const double *row, void *context);

/* [fn(r, k, row k) for k in ks] (ks: a list of row indices; NULL: every row), building each row once into
 * one buffer; NULL with an exception. */
static PyObject *map_rows(const Rows *r, PyObject *ks, RowResult fn, void *context) {
    Py_ssize_t count = ks == NULL ? r->n : PyList_GET_SIZE(ks);
    double *row = PyMem_Malloc(sizeof(double) * (size_t)(r->width + 1));
    PyObject *result = row == NULL ? PyErr_NoMemory() : PyList_New(count);
    for (Py_ssize_t j = 0; result != NULL && j < count; j++) {
        Py_ssize_t k = ks == NULL ? j : PyLong_AsSsize_t(PyList_GET_ITEM(ks, j));
        PyObject *item = NULL;
        if (k == -1 && PyErr_Occurred()) {
        } else if (k < 0 || k >= r->n) {
            PyErr_SetString(PyExc_IndexError, "row out of range");
        } else {
            rows_row(r, k, row);
            item = fn(r, k, row, context);
        }
        if (item == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, j, item);
    }
    PyMem_Free(row);
    return result;
}

/* Row k's probability: LinearModel.probability. */
static PyObject *probability_of(const Rows *r, Py_ssize_t Py_UNUSED(k), const double *row, void *Py_UNUSED(context)) {
    return PyFloat_FromDouble(row_probability(r, row));
}

/* probabilities(weights, bias, facts, repeat, removed, removed_near, density, furniture_near, run_first,
 *               run_last, pack_flags, doc, neighbours, hints[, context_plan[, derived_plan]]) -> list[float]
 * facts[k]: line k's facts (values, prose, short, furniture), repeat[k] its repeat_log; removed[k]: bool;
 * pack_flags[k]: a tuple of floats; doc: the DOC_FEATURES values; neighbours: (part, index) per neighbour
 * feature; hints: None or a tuple of floats per line; context_plan: None, or the context features computed
 * here from the facts and `removed` (rows_context); derived_plan: None, or the derived columns after them
 * (rows_derived). Row k is laid out as features._Rows.row lays it out;
 * its probability is LinearModel.probability's. */
static PyObject *probabilities(PyObject *Py_UNUSED(module), PyObject *args) {
    Rows r;
    PyObject *result = rows_parse(&r, args, 0) < 0 ? NULL : map_rows(&r, NULL, probability_of, NULL);
    rows_free(&r);
    return result;
}

/* Whether contribution a (value, name) sorts after b in LinearModel.explain's descending sort of
 * (value, name) tuples: the larger value first, then the larger name (-1 with an exception). */
static int sorts_before(double va, PyObject *na, double vb, PyObject *nb) {
    if (va != vb) return va > vb;
    return PyObject_RichCompareBool(na, nb, Py_GT);
}

/* What explain keeps of a row: the names, and room for the `room` best contributions (index, value). */
typedef struct {
    PyObject *names;
    Py_ssize_t room, *best;
    double *best_value;
} Explaining;

/* Row k's top contributions, [(name, weight x value)], as LinearModel.explain orders them, unrounded. */
static PyObject *top_contributions(const Rows *r, Py_ssize_t Py_UNUSED(k), const double *row, void *context) {
    Explaining *e = context;
    Py_ssize_t kept = 0;  /* best[0:kept]: the largest so far, in order (an insertion into `room` places) */
    for (Py_ssize_t i = 0; i < r->width && e->room; i++) {
        double v = r->weights[i] * row[i];
        if (!(v > 0)) continue;
        Py_ssize_t at = kept;
        while (at > 0) {
            int before = sorts_before(v, PyTuple_GET_ITEM(e->names, i), e->best_value[at - 1],
                                      PyTuple_GET_ITEM(e->names, e->best[at - 1]));
            if (before < 0) return NULL;
            if (!before) break;
            at--;
        }
        if (at >= e->room) continue;
        for (Py_ssize_t m = kept < e->room ? kept : e->room - 1; m > at; m--) {
            e->best_value[m] = e->best_value[m - 1];
            e->best[m] = e->best[m - 1];
        }
        e->best_value[at] = v;
        e->best[at] = i;
        if (kept < e->room) kept++;
    }
    PyObject *parts = PyList_New(kept);
    for (Py_ssize_t m = 0; parts != NULL && m < kept; m++) {
        PyObject *pair = Py_BuildValue("(Od)", PyTuple_GET_ITEM(e->names, e->best[m]), e->best_value[m]);
        if (pair == NULL) Py_CLEAR(parts);
        else PyList_SET_ITEM(parts, m, pair);
    }
    return parts;
}

/* The explanations of rows ks (a list) of r: for each, the `top` best contributions (name, weight x value)
 * named by `names` (a tuple, one per feature), as top_contributions finds them; NULL with an exception. */
static PyObject *explain_rows(const Rows *r, PyObject *names, Py_ssize_t top, PyObject *ks) {
    if (r->n && PyTuple_GET_SIZE(names) != r->width) {
        PyErr_SetString(PyExc_ValueError, "one name per feature");
        return NULL;
    }
    Explaining e = {names, top < 0 ? 0 : top < r->width ? top : r->width, NULL, NULL};
    e.best = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(e.room + 1));
    e.best_value = PyMem_Malloc(sizeof(double) * (size_t)(e.room + 1));
    PyObject *result = e.best == NULL || e.best_value == NULL ? PyErr_NoMemory()
                                                              : map_rows(r, ks, top_contributions, &e);
    PyMem_Free(e.best);
    PyMem_Free(e.best_value);
    return result;
}

/* explain(names, top, ks, *probabilities' arguments) -> list: for each row k in ks, LinearModel.explain's
 * list before rounding: the `top` (name, weight x value) pairs with weight x value > 0, largest first
 * (ties: the larger name first, as sorting (value, name) tuples in reverse puts them). */
static PyObject *explain(PyObject *Py_UNUSED(module), PyObject *args) {
    if (PyTuple_GET_SIZE(args) < 3 || !PyTuple_Check(PyTuple_GET_ITEM(args, 0)) ||
        !PyList_Check(PyTuple_GET_ITEM(args, 2))) {
        PyErr_SetString(PyExc_TypeError, "explain(names: tuple, top: int, ks: list, *columns)");
        return NULL;
    }
    Py_ssize_t top = PyLong_AsSsize_t(PyTuple_GET_ITEM(args, 1));
    if (top == -1 && PyErr_Occurred()) return NULL;
    Rows r;
    PyObject *result = rows_parse(&r, args, 3) < 0 ? NULL
        : explain_rows(&r, PyTuple_GET_ITEM(args, 0), top, PyTuple_GET_ITEM(args, 2));
    rows_free(&r);
    return result;
}

/* ---- the second stage over a document's first-stage probabilities (rules/second_stage.py) ------------ */

/* second_stage._logit: the log-odds, clipped to +-clip. */
static double clipped_logit(double p, double clip) {
    if (p <= 0.0) return -clip;
    if (p >= 1.0) return clip;
    double z = log(p / (1.0 - p));
    z = z < clip ? z : clip;
    return -clip > z ? -clip : z;
}

/* windows.window_mean of p within +-radius, into out (prefix: n + 1 doubles of scratch). */
static void window_mean_of(const double *p, Py_ssize_t n, Py_ssize_t radius, double *prefix, double *out) {
    prefix[0] = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) prefix[k + 1] = k ? prefix[k] + p[k] : p[k];
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t lo = k > radius ? k - radius : 0, hi = k + radius + 1 < n ? k + radius + 1 : n;
        out[k] = (prefix[hi] - prefix[lo]) / (double)(hi - lo);
    }
}

/* second_stage._window_extreme with max (sign 1) or min (sign -1). */
static void window_extreme_of(const double *p, Py_ssize_t n, Py_ssize_t radius, int sign, double *out) {
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t lo = k > radius ? k - radius : 0, hi = k + radius + 1 < n ? k + radius + 1 : n;
        double best = p[lo];
        for (Py_ssize_t j = lo + 1; j < hi; j++)
            if (sign > 0 ? p[j] > best : p[j] < best) best = p[j];
        out[k] = best;
    }
}

/* second_stage._decayed_mean (ahead: 2n doubles of scratch). */
static void decayed_mean_of(const double *p, Py_ssize_t n, double decay, double *ahead, double *out) {
    double s = 0.0, w = 0.0;
    for (Py_ssize_t k = 0; k < n; k++) {
        s = s * decay + p[k];
        w = w * decay + 1.0;
        ahead[2 * k] = s;
        ahead[2 * k + 1] = w;
    }
    s = w = 0.0;
    for (Py_ssize_t k = n - 1; k >= 0; k--) {
        out[k] = (ahead[2 * k] + s) / (ahead[2 * k + 1] + w);
        s = (s + p[k]) * decay;
        w = (w + 1.0) * decay;
    }
}

/* windows.best_region over the body log-odds -z (second_stage). */
static void best_region_of(const double *z, Py_ssize_t n, Py_ssize_t *first, Py_ssize_t *last) {
    double best = 0.0, total = 0.0;
    Py_ssize_t start = 0;
    *first = -1;
    *last = -2;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (total <= 0) {
            total = 0.0;
            start = k;
        }
        total += -z[k];
        if (total > best) {
            best = total;
            *first = start;
            *last = k;
        }
    }
}

/* Column `code` (the index of its name in second_stage.NAMES) of the second stage's features. */
static void second_column(int code, const double *p, const double *z, Py_ssize_t n, double decay,
                          Py_ssize_t first, Py_ssize_t last, double *scratch, double *out) {
    static const Py_ssize_t mean_radius[] = {1, 3, 10};
    for (Py_ssize_t k = 0; k < n; k++) {
        switch (code) {
        case 0: out[k] = p[k]; break;
        case 1: out[k] = z[k]; break;
        case 8: out[k] = (first <= k && k <= last) ? 1.0 : 0.0; break;
        case 9: out[k] = k < first ? log1p((double)(first - k)) : 0.0; break;
        case 10: out[k] = (k > last && last >= 0) ? log1p((double)(k - last)) : 0.0; break;
        case 11: out[k] = (first <= k && k <= last) ? log1p((double)(k - first < last - k ? k - first : last - k))
                                                    : 0.0; break;
        default: break;
        }
    }
    if (code >= 2 && code <= 4) window_mean_of(p, n, mean_radius[code - 2], scratch, out);
    else if (code == 5 || code == 6) window_extreme_of(p, n, 3, code == 5 ? 1 : -1, out);
    else if (code == 7) decayed_mean_of(p, n, decay, scratch, out);
}

/* Flags (a list of bools, or None: all false) into out, n ints; -1 with an error set. */
static int flags_of(PyObject *obj, Py_ssize_t n, char *out) {
    if (obj == Py_None) {
        memset(out, 0, (size_t)n);
        return 0;
    }
    if (!PyList_Check(obj) || PyList_GET_SIZE(obj) != n) {
        PyErr_SetString(PyExc_ValueError, "flags: a list of one bool per line, or None");
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        int truth = PyObject_IsTrue(PyList_GET_ITEM(obj, k));
        if (truth < 0) return -1;
        out[k] = (char)truth;
    }
    return 0;
}

/* The kept_* columns (codes 14-18): second_stage._kept_columns. kp: the kept lines' probabilities (nk of
 * them), at their lines kidx; kfirst..klast their best region; tmp: nk doubles; scratch: 2 nk + 2. */
static void kept_column(int code, const double *p, Py_ssize_t n, const double *kp, const Py_ssize_t *kidx,
                        Py_ssize_t nk, Py_ssize_t kfirst, Py_ssize_t klast, double decay, double *scratch,
                        double *tmp, double *out) {
    if (code == 14 || code == 15) {
        memcpy(out, p, sizeof(double) * (size_t)n);  /* a removed line: its own probability */
        if (code == 14) window_mean_of(kp, nk, 3, scratch, tmp);
        else decayed_mean_of(kp, nk, decay, scratch, tmp);
        for (Py_ssize_t j = 0; j < nk; j++) out[kidx[j]] = tmp[j];
        return;
    }
    for (Py_ssize_t k = 0; k < n; k++) out[k] = 0.0;
    for (Py_ssize_t j = 0; j < nk; j++) {
        double v;
        if (code == 16) v = (kfirst <= j && j <= klast) ? 1.0 : 0.0;
        else if (code == 17) v = j < kfirst ? log1p((double)(kfirst - j)) : 0.0;
        else v = (j > klast && klast >= 0) ? log1p((double)(j - klast)) : 0.0;
        out[kidx[j]] = v;
    }
}

/* The second stage's probabilities (second_stage.reference_probabilities) into out (n doubles): sigmoid(bias +
 * weight x column, left to right, zero weights skipped) per line, the columns by their codes (a tuple of
 * indexes into second_stage.NAMES, one weight each in `weights`) over the first stage's probabilities p
 * and the lines' flags `removed` and `prose` (n each); 0, or -1 with an exception. */
static int second_of(const double *p, Py_ssize_t n, PyObject *codes_obj, const double *weights, double bias,
                     double clip, double decay, const char *removed, const char *prose, double *out) {
    Py_ssize_t m = PyTuple_GET_SIZE(codes_obj);
    /* z acc col scratch(2n+2) kp kz tmp, then kidx (n) */
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(8 * n + 2) + sizeof(Py_ssize_t) * (size_t)n + 1);
    if (buf == NULL) { PyErr_NoMemory(); return -1; }
    double *z = buf, *acc = z + n, *col = acc + n, *scratch = col + n, *kp = scratch + 2 * n + 2, *kz = kp + n,
           *tmp = kz + n;
    Py_ssize_t *kidx = (Py_ssize_t *)(tmp + n);
    Py_ssize_t nk = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        z[k] = clipped_logit(p[k], clip);
        acc[k] = bias;
        if (!removed[k]) {
            kidx[nk] = k;
            kp[nk] = p[k];
            kz[nk] = z[k];
            nk++;
        }
    }
    Py_ssize_t first = -1, last = -2, kfirst = -1, klast = -2;
    best_region_of(z, n, &first, &last);
    best_region_of(kz, nk, &kfirst, &klast);
    for (Py_ssize_t i = 0; i < m; i++) {
        long code = PyLong_AsLong(PyTuple_GET_ITEM(codes_obj, i));
        if (code < 0 || code > 18) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "an unknown second-stage code");
            PyMem_Free(buf);
            return -1;
        }
        if (!weights[i]) continue;
        if (code == 12 || code == 13) {
            const char *flag = code == 12 ? removed : prose;
            for (Py_ssize_t k = 0; k < n; k++) col[k] = flag[k] ? 1.0 : 0.0;
        } else if (code >= 14) {
            kept_column((int)code, p, n, kp, kidx, nk, kfirst, klast, decay, scratch, tmp, col);
        } else {
            second_column((int)code, p, z, n, decay, first, last, scratch, col);
        }
        for (Py_ssize_t k = 0; k < n; k++) acc[k] = acc[k] + weights[i] * col[k];
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        double v = acc[k];
        out[k] = v >= 0 ? 1.0 / (1.0 + exp(-v)) : exp(v) / (1.0 + exp(v));
    }
    PyMem_Free(buf);
    return 0;
}

/* A list of n floats. */
static PyObject *float_list(const double *values, Py_ssize_t n) {
    PyObject *result = PyList_New(n);
    for (Py_ssize_t k = 0; result != NULL && k < n; k++) {
        PyObject *f = PyFloat_FromDouble(values[k]);
        if (f == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, k, f);
    }
    return result;
}

/* second_probabilities(first, codes, weights, bias, clip, decay, removed, prose) -> list[float]: second_of over
 * the first stage's probabilities `first`, the lines' flags `removed` and `prose` lists of bools, or None. */
static PyObject *second_probabilities(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *first_obj, *codes_obj, *weights_obj, *removed_obj = Py_None, *prose_obj = Py_None;
    double bias, clip, decay;
    if (!PyArg_ParseTuple(args, "O!O!O!ddd|OO", &PyList_Type, &first_obj, &PyTuple_Type, &codes_obj,
                          &PyTuple_Type, &weights_obj, &bias, &clip, &decay, &removed_obj, &prose_obj))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(first_obj), m = PyTuple_GET_SIZE(codes_obj);
    if (PyTuple_GET_SIZE(weights_obj) != m) {
        PyErr_SetString(PyExc_ValueError, "one weight per code");
        return NULL;
    }
    /* p out weights(m), then the two flag arrays (n each) */
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(2 * n + m + 1) + 2 * (size_t)n + 1);
    if (buf == NULL) return PyErr_NoMemory();
    double *p = buf, *out = p + n, *weights = out + n;
    char *removed = (char *)(weights + m), *prose = removed + n;
    PyObject *result = NULL;
    if (doubles(first_obj, p, n) == 0 && doubles(weights_obj, weights, m) == 0 && flags_of(removed_obj, n, removed) == 0
        && flags_of(prose_obj, n, prose) == 0 && second_of(p, n, codes_obj, weights, bias, clip, decay, removed, prose, out) == 0)
        result = float_list(out, n);
    PyMem_Free(buf);
    return result;
}

/* window_mean(values, radius) -> list[float], or None when a value is neither a bool nor a float (the
 * reference, windows.reference_window_mean, then runs): for each position, the mean of the values
 * within +-radius positions; over bools, the share of true ones. One helper for both, window_mean_of:
 * its prefix sums add left to right from the first value, as itertools.accumulate does, so the floats
 * are the same (over bools the sums are whole numbers, exact as doubles, and int / int is one double
 * division). */
static PyObject *window_mean(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *values;
    Py_ssize_t radius;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &values, &radius)) return NULL;
    if (radius < 0) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(values);
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(3 * n + 1));
    if (buf == NULL) return PyErr_NoMemory();
    double *p = buf, *prefix = p + n, *out = prefix + n + 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *value = PyList_GET_ITEM(values, k);
        if (PyFloat_CheckExact(value)) p[k] = PyFloat_AS_DOUBLE(value);
        else if (PyBool_Check(value)) p[k] = value == Py_True ? 1.0 : 0.0;
        else { PyMem_Free(buf); Py_RETURN_NONE; }
    }
    window_mean_of(p, n, radius, prefix, out);
    PyObject *means = float_list(out, n);
    PyMem_Free(buf);
    return means;
}

/* ---- removals grouped into spans (engine/decide._spans) -------------------------------------------- */

/* {"line": line, **reason}: a new dict, "line" first (a "line" in `reason` overrides its value). */
static PyObject *reason_of_line(Py_ssize_t line, PyObject *reason) {
    PyObject *out = PyDict_New(), *number = PyLong_FromSsize_t(line);
    if (out == NULL || number == NULL || PyDict_SetItemString(out, "line", number) < 0 ||
        PyDict_Update(out, reason) < 0) {
        Py_XDECREF(out);
        Py_XDECREF(number);
        return NULL;
    }
    Py_DECREF(number);
    return out;
}

/* The reasons of the lines first..last-1 (0-based) of a span: None, or a tuple of reason_of_line dicts. */
static PyObject *span_reasons(PyObject *reasons, Py_ssize_t first, Py_ssize_t last) {
    PyObject *found = PyList_New(0);
    if (found == NULL) return NULL;
    for (Py_ssize_t k = first; k < last; k++) {
        PyObject *key = PyLong_FromSsize_t(k);
        if (key == NULL) goto fail;
        PyObject *reason = PyDict_GetItemWithError(reasons, key);  /* borrowed */
        Py_DECREF(key);
        if (reason == NULL) {
            if (PyErr_Occurred()) goto fail;
            continue;
        }
        PyObject *line = reason_of_line(k + 1, reason);
        if (line == NULL || PyList_Append(found, line) < 0) { Py_XDECREF(line); goto fail; }
        Py_DECREF(line);
    }
    if (PyList_GET_SIZE(found) == 0) { Py_DECREF(found); Py_RETURN_NONE; }
    PyObject *why = PyList_AsTuple(found);
    Py_DECREF(found);
    return why;
fail:
    Py_DECREF(found);
    return NULL;
}

/* The ids of the owner and of the rules `others` lists on lines first..last-1, each once, in order. */
static PyObject *span_matched(PyObject *rule_id, PyObject *others, Py_ssize_t first, Py_ssize_t last) {
    PyObject *matched = PyList_New(1);
    if (matched == NULL) return NULL;
    PyList_SET_ITEM(matched, 0, Py_NewRef(rule_id));
    for (Py_ssize_t k = first; k < last && PyDict_GET_SIZE(others); k++) {
        PyObject *key = PyLong_FromSsize_t(k);
        if (key == NULL) goto fail;
        PyObject *rules = PyDict_GetItemWithError(others, key);  /* borrowed */
        Py_DECREF(key);
        if (rules == NULL) {
            if (PyErr_Occurred()) goto fail;
            continue;
        }
        PyObject *iterator = PyObject_GetIter(rules), *rule;
        if (iterator == NULL) goto fail;
        while ((rule = PyIter_Next(iterator)) != NULL) {
            PyObject *id = PyObject_GetAttrString(rule, "id");
            Py_DECREF(rule);
            int seen = id == NULL ? -1 : PySequence_Contains(matched, id);
            if (seen == 0 && PyList_Append(matched, id) < 0) seen = -1;
            Py_XDECREF(id);
            if (seen < 0) { Py_DECREF(iterator); goto fail; }
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred()) goto fail;
    }
    PyObject *out = PyList_AsTuple(matched);
    Py_DECREF(matched);
    return out;
fail:
    Py_DECREF(matched);
    return NULL;
}

/* One removal: make(rule_id, pack_id, start, end, first_line, last_line, text, evidence, matched, why). */
static PyObject *span_removal(PyTypeObject *make, PyObject *text, PyObject *starts, Py_ssize_t i, Py_ssize_t j,
                              PyObject *owner, PyObject *others, PyObject *reasons, PyObject *manual,
                              PyObject *layout_pack) {
    PyObject *items[10] = {NULL};
    if (PyUnicode_Check(owner)) {
        int is_manual = PyObject_RichCompareBool(owner, manual, Py_EQ);
        if (is_manual < 0) return NULL;
        items[0] = Py_NewRef(owner);
        items[1] = Py_NewRef(is_manual ? manual : layout_pack);
        items[7] = Py_NewRef(Py_None);
    } else {
        items[0] = PyObject_GetAttrString(owner, "id");
        items[1] = PyObject_GetAttrString(owner, "pack_id");
        items[7] = PyObject_GetAttrString(owner, "evidence");
    }
    Py_ssize_t n_lines = PyList_GET_SIZE(starts);
    items[2] = Py_NewRef(PyList_GET_ITEM(starts, i));
    items[3] = j < n_lines ? Py_NewRef(PyList_GET_ITEM(starts, j)) : PyLong_FromSsize_t(PyUnicode_GET_LENGTH(text));
    items[4] = PyLong_FromSsize_t(i + 1);
    items[5] = PyLong_FromSsize_t(j);
    PyObject *result = NULL;
    for (int f = 0; f < 6; f++)
        if (items[f] == NULL) goto done;
    if (items[7] == NULL) goto done;
    Py_ssize_t start = PyLong_AsSsize_t(items[2]), end = PyLong_AsSsize_t(items[3]);
    if ((start == -1 || end == -1) && PyErr_Occurred()) goto done;
    items[6] = PyUnicode_Substring(text, start, end);
    items[8] = span_matched(items[0], others, i, j);
    items[9] = PyDict_GET_SIZE(reasons) ? span_reasons(reasons, i, j) : Py_NewRef(Py_None);
    if (items[6] == NULL || items[8] == NULL || items[9] == NULL) goto done;
    result = make->tp_alloc(make, 10);
    if (result == NULL) goto done;
    for (int f = 0; f < 10; f++) {
        PyTuple_SET_ITEM(result, f, items[f]);
        items[f] = NULL;
    }
done:
    for (int f = 0; f < 10; f++) Py_XDECREF(items[f]);
    return result;
}

/* spans(text, starts, owners, others, reasons, manual, layout_pack, make) -> list: decide._spans, the
 * lines given by their start offsets; runs of consecutive lines with the same owner (by identity, not
 * None) each become one removal, `make` (a tuple subclass) of its ten fields. */
static PyObject *spans(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *text, *starts, *owners, *others, *reasons, *manual, *layout_pack, *make;
    if (!PyArg_ParseTuple(args, "UO!O!O!O!UUO!", &text, &PyList_Type, &starts, &PyList_Type, &owners,
                          &PyDict_Type, &others, &PyDict_Type, &reasons, &manual, &layout_pack, &PyType_Type, &make))
        return NULL;
    if (maker_and_lengths(make, starts, owners, "starts and owners") < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(owners);
    PyObject *removals = PyList_New(0);
    if (removals == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n;) {
        PyObject *owner = PyList_GET_ITEM(owners, i);
        Py_ssize_t j = i + 1;
        while (j < n && PyList_GET_ITEM(owners, j) == owner) j++;
        if (owner != Py_None) {
            PyObject *removal = span_removal((PyTypeObject *)make, text, starts, i, j, owner, others, reasons,
                                             manual, layout_pack);
            if (removal == NULL || PyList_Append(removals, removal) < 0) {
                Py_XDECREF(removal);
                Py_DECREF(removals);
                return NULL;
            }
            Py_DECREF(removal);
        }
        i = j;
    }
    return removals;
}

/* ---- a document's removals as its record's lists (engine/provenance.build_record) ------------------ */

/* The record's keys, interned once (as the literals of Removal.to_dict and count_removals are). */
enum { K_MATCHED = 7, K_EVIDENCE, K_REASONS, K_SPANS, K_LINES, K_CHARS, N_KEYS };
static const char *key_names[N_KEYS] = {"rule_id", "pack_id", "start", "end", "first_line", "last_line", "text",
                                        "matched", "evidence", "reasons", "spans", "lines", "chars"};
static PyObject *keys[N_KEYS];

static int intern_keys(void) {
    for (int k = 0; k < N_KEYS; k++)
        if (keys[k] == NULL && (keys[k] = PyUnicode_InternFromString(key_names[k])) == NULL) return -1;
    return 0;
}

/* Removal.to_dict() of one removal (a 10-tuple: rule_id, pack_id, start, end, first_line, last_line,
 * text, evidence, matched, reasons). */
static PyObject *removal_dict(PyObject *r) {
    PyObject *record = PyDict_New();
    if (record == NULL) return NULL;
    for (int f = 0; f < 7; f++)
        if (PyDict_SetItem(record, keys[f], PyTuple_GET_ITEM(r, f)) < 0) goto fail;
    PyObject *matched = PyTuple_GET_ITEM(r, 8), *evidence = PyTuple_GET_ITEM(r, 7), *reasons = PyTuple_GET_ITEM(r, 9);
    int some = PyObject_IsTrue(matched);
    if (some < 0) goto fail;
    PyObject *list = some ? PySequence_List(matched) : PyList_New(1);
    if (list == NULL) goto fail;
    if (!some) PyList_SET_ITEM(list, 0, Py_NewRef(PyTuple_GET_ITEM(r, 0)));
    int stored = PyDict_SetItem(record, keys[K_MATCHED], list);
    Py_DECREF(list);
    if (stored < 0) goto fail;
    if (evidence != Py_None) {
        PyObject *copy = PyDict_New();
        if (copy == NULL || PyDict_MergeFromSeq2(copy, evidence, 1) < 0 ||
            PyDict_SetItem(record, keys[K_EVIDENCE], copy) < 0) {
            Py_XDECREF(copy);
            goto fail;
        }
        Py_DECREF(copy);
    }
    some = PyObject_IsTrue(reasons);
    if (some < 0) goto fail;
    if (some) {
        list = PySequence_List(reasons);
        stored = list == NULL ? -1 : PyDict_SetItem(record, keys[K_REASONS], list);
        Py_XDECREF(list);
        if (stored < 0) goto fail;
    }
    return record;
fail:
    Py_DECREF(record);
    return NULL;
}

/* {"spans": s, "lines": n, "chars": c} */
static PyObject *rule_counts(const Py_ssize_t *c) {
    PyObject *out = PyDict_New();
    for (int f = 0; out != NULL && f < 3; f++) {
        PyObject *value = PyLong_FromSsize_t(c[f]);
        if (value == NULL || PyDict_SetItem(out, keys[K_SPANS + f], value) < 0) Py_CLEAR(out);
        Py_XDECREF(value);
    }
    return out;
}

/* records(removals) -> (dicts, counts): [r.to_dict() for r in removals] and
 * provenance.count_removals(removals), the removals decide.Removal tuples. */
static PyObject *records(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *given;
    if (!PyArg_ParseTuple(args, "O", &given) || intern_keys() < 0) return NULL;
    PyObject *removals = PySequence_Fast(given, "removals must be a sequence");
    if (removals == NULL) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(removals), n_rules = 0, total_lines = 0, total_chars = 0;
    PyObject *dicts = PyList_New(n), *index = PyDict_New(), *result = NULL, *by_rule = NULL, *ids = NULL;
    Py_ssize_t *counts = PyMem_Calloc((size_t)(3 * n + 3), sizeof(Py_ssize_t));
    if (dicts == NULL || index == NULL || counts == NULL) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *r = PySequence_Fast_GET_ITEM(removals, j);
        if (!PyTuple_Check(r) || PyTuple_GET_SIZE(r) != 10 || !PyUnicode_Check(PyTuple_GET_ITEM(r, 6))) {
            PyErr_SetString(PyExc_TypeError, "expected Removal tuples");
            goto done;
        }
        PyObject *record = removal_dict(r);
        if (record == NULL) goto done;
        PyList_SET_ITEM(dicts, j, record);
        Py_ssize_t first = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 4)), last = PyLong_AsSsize_t(PyTuple_GET_ITEM(r, 5));
        if ((first == -1 || last == -1) && PyErr_Occurred()) goto done;
        PyObject *at = PyDict_GetItemWithError(index, PyTuple_GET_ITEM(r, 0));  /* borrowed */
        if (at == NULL && PyErr_Occurred()) goto done;
        Py_ssize_t k = at == NULL ? n_rules : PyLong_AsSsize_t(at);
        if (at == NULL) {
            PyObject *slot = PyLong_FromSsize_t(n_rules++);
            if (slot == NULL || PyDict_SetItem(index, PyTuple_GET_ITEM(r, 0), slot) < 0) { Py_XDECREF(slot); goto done; }
            Py_DECREF(slot);
        }
        counts[3 * k] += 1;
        counts[3 * k + 1] += last - first + 1;
        counts[3 * k + 2] += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(r, 6));
        total_lines += last - first + 1;
        total_chars += PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(r, 6));
    }
    ids = PyDict_Keys(index);
    if (ids == NULL || PyList_Sort(ids) < 0) goto done;
    by_rule = PyDict_New();
    if (by_rule == NULL) goto done;
    for (Py_ssize_t j = 0; j < PyList_GET_SIZE(ids); j++) {
        PyObject *id = PyList_GET_ITEM(ids, j);
        Py_ssize_t k = PyLong_AsSsize_t(PyDict_GetItem(index, id));
        PyObject *c = rule_counts(counts + 3 * k);
        if (c == NULL || PyDict_SetItem(by_rule, id, c) < 0) { Py_XDECREF(c); goto done; }
        Py_DECREF(c);
    }
    result = Py_BuildValue("(O{s:n,s:n,s:n,s:O})", dicts, "removals", n, "lines_removed", total_lines,
                           "chars_removed", total_chars, "by_rule", by_rule);
done:
    Py_DECREF(removals);
    Py_XDECREF(dicts);
    Py_XDECREF(index);
    Py_XDECREF(by_rule);
    Py_XDECREF(ids);
    PyMem_Free(counts);
    return result;
}

/* ---- the pattern prefilter's matches (search/hyperscan_prefilter.py) ------------------------------ */

/* MatchEnds(n_patterns): a match handler for hyperscan's Database.scan, called (id, from, to, flags,
 * context) per match, that only notes (id, to); lines(data, first) then gives, per pattern, the sorted
 * distinct indices (plus `first`) of the lines of `data` (lines each ending in "\n") those matches end
 * on: `bisect_left(bounds, to)`, bounds[i] the offset just past line i's "\n", as the Python handler
 * and its bisect do. The dense patterns (bulleted items, short lines) match most lines of a page: a
 * Python handler was a Python call per line and pattern. */
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    Py_ssize_t n_patterns, n, capacity;
    unsigned int *ids;
    unsigned long long *ends;
} MatchEndsObject;

static PyObject *match_ends_call(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    MatchEndsObject *self = (MatchEndsObject *)callable;
    if (PyVectorcall_NARGS(nargsf) < 3 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "MatchEnds(id, from, to, flags, context)");
        return NULL;
    }
    unsigned long id = PyLong_AsUnsignedLong(args[0]);
    if (id == (unsigned long)-1 && PyErr_Occurred()) return NULL;
    unsigned long long end = PyLong_AsUnsignedLongLong(args[2]);
    if (end == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    if ((Py_ssize_t)id >= self->n_patterns) {
        PyErr_SetString(PyExc_ValueError, "pattern id out of range");
        return NULL;
    }
    if (self->n == self->capacity) {
        Py_ssize_t capacity = self->capacity ? 2 * self->capacity : 1024;
        unsigned int *ids = PyMem_Realloc(self->ids, sizeof(unsigned int) * (size_t)capacity);
        if (ids == NULL) return PyErr_NoMemory();
        self->ids = ids;
        unsigned long long *ends = PyMem_Realloc(self->ends, sizeof(unsigned long long) * (size_t)capacity);
        if (ends == NULL) return PyErr_NoMemory();
        self->ends = ends;
        self->capacity = capacity;
    }
    self->ids[self->n] = (unsigned int)id;
    self->ends[self->n++] = end;
    Py_RETURN_NONE;  /* go on scanning */
}

static PyObject *match_ends_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    Py_ssize_t n_patterns;
    if (kwds != NULL && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "MatchEnds(n_patterns)");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "n", &n_patterns)) return NULL;
    if (n_patterns < 0) {
        PyErr_SetString(PyExc_ValueError, "n_patterns < 0");
        return NULL;
    }
    MatchEndsObject *self = (MatchEndsObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->vectorcall = match_ends_call;
    self->n_patterns = n_patterns;
    return (PyObject *)self;
}

static void match_ends_dealloc(MatchEndsObject *self) {
    PyMem_Free(self->ids);
    PyMem_Free(self->ends);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int compare_ssize(const void *a, const void *b) {
    Py_ssize_t x = *(const Py_ssize_t *)a, y = *(const Py_ssize_t *)b;
    return (x > y) - (x < y);
}

/* lines(data, first) -> list of lists: see MatchEnds. The matches noted so far are forgotten. */
static PyObject *match_ends_lines(MatchEndsObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t first;
    if (!PyArg_ParseTuple(args, "y*n", &data, &first)) return NULL;
    PyObject *result = NULL;
    const char *bytes = data.buf;
    Py_ssize_t size = data.len, n_bounds = 0, n = self->n, np = self->n_patterns;
    Py_ssize_t *bounds = NULL, *index = NULL, *start = NULL;
    for (const char *at = bytes; at < bytes + size && (at = memchr(at, '\n', (size_t)(bytes + size - at))); at++)
        n_bounds++;
    bounds = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_bounds + 1));
    index = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    start = PyMem_Calloc((size_t)np + 1, sizeof(Py_ssize_t));
    if (bounds == NULL || index == NULL || start == NULL) { PyErr_NoMemory(); goto done; }
    Py_ssize_t b = 0;
    for (const char *at = bytes; at < bytes + size && (at = memchr(at, '\n', (size_t)(bytes + size - at))); at++)
        bounds[b++] = at - bytes + 1;
    /* group the matches by pattern (a counting sort, keeping their order), each mapped to its line */
    for (Py_ssize_t j = 0; j < n; j++) start[self->ids[j] + 1]++;
    for (Py_ssize_t p = 0; p < np; p++) start[p + 1] += start[p];
    Py_ssize_t *fill = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(np + 1));
    if (fill == NULL) { PyErr_NoMemory(); goto done; }
    memcpy(fill, start, sizeof(Py_ssize_t) * (size_t)(np + 1));
    for (Py_ssize_t j = 0; j < n; j++) {
        unsigned long long end = self->ends[j];
        Py_ssize_t lo = 0, hi = n_bounds;  /* bisect_left(bounds, end) */
        while (lo < hi) {
            Py_ssize_t mid = lo + (hi - lo) / 2;
            if ((unsigned long long)bounds[mid] < end) lo = mid + 1;
            else hi = mid;
        }
        index[fill[self->ids[j]]++] = lo;
    }
    PyMem_Free(fill);
    result = PyList_New(np);
    if (result == NULL) goto done;
    for (Py_ssize_t p = 0; p < np; p++) {
        Py_ssize_t *run = index + start[p], count = start[p + 1] - start[p], distinct = 0;
        int ordered = 1;
        for (Py_ssize_t j = 1; j < count && ordered; j++) ordered = run[j - 1] <= run[j];
        if (!ordered) qsort(run, (size_t)count, sizeof(Py_ssize_t), compare_ssize);
        for (Py_ssize_t j = 0; j < count; j++)
            if (distinct == 0 || run[j] != run[distinct - 1]) run[distinct++] = run[j];
        PyObject *list = PyList_New(distinct);
        if (list == NULL) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, p, list);
        for (Py_ssize_t j = 0; j < distinct; j++) {
            PyObject *i = PyLong_FromSsize_t(first + run[j]);
            if (i == NULL) { Py_CLEAR(result); goto done; }
            PyList_SET_ITEM(list, j, i);
        }
    }
done:
    self->n = 0;
    PyMem_Free(bounds);
    PyMem_Free(index);
    PyMem_Free(start);
    PyBuffer_Release(&data);
    return result;
}

static PyMethodDef match_ends_methods[] = {
    {"lines", (PyCFunction)match_ends_lines, METH_VARARGS,
     "lines(data, first) -> per pattern, the sorted distinct indices (plus first) of the lines its matches end on."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject MatchEndsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.search._linefast.MatchEnds",
    .tp_doc = "A hyperscan match handler noting where each pattern's matches end (see lines()).",
    .tp_basicsize = sizeof(MatchEndsObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(MatchEndsObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_new = match_ends_new,
    .tp_dealloc = (destructor)match_ends_dealloc,
    .tp_methods = match_ends_methods,
};

/* ---- a document's line model in one call (rules/features.scores: LineModelRule.find's per-line work) ---- */

/* counts[k]: how many of the n lines have keys[k] (a list of str) for their key, as collections.Counter
 * counts them (equal strings, one hash table); 0, or -1 with an exception. */
static int key_counts(PyObject *keys, Py_ssize_t n, Py_ssize_t *counts) {
    size_t size = 8;
    while (size < 2 * (size_t)n) size <<= 1;
    Py_ssize_t *slots = PyMem_Malloc(sizeof(Py_ssize_t) * size), *first = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    Py_hash_t *hashes = PyMem_Malloc(sizeof(Py_hash_t) * (size_t)(n + 1));
    int status = -1;
    if (slots == NULL || first == NULL || hashes == NULL) { PyErr_NoMemory(); goto done; }
    for (size_t i = 0; i < size; i++) slots[i] = -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k);
        Py_hash_t h = hashes[k] = PyObject_Hash(key);
        if (h == -1) goto done;
        for (size_t i = (size_t)h & (size - 1);; i = (i + 1) & (size - 1)) {
            Py_ssize_t s = slots[i];
            if (s < 0) {
                slots[i] = first[k] = k;
                break;
            }
            if (hashes[s] != h) continue;
            int equal = PyObject_RichCompareBool(PyList_GET_ITEM(keys, s), key, Py_EQ);
            if (equal < 0) goto done;
            if (equal) {
                first[k] = s;
                break;
            }
        }
        counts[k] = 0;
    }
    for (Py_ssize_t k = 0; k < n; k++) counts[first[k]]++;
    for (Py_ssize_t k = 0; k < n; k++) counts[k] = counts[first[k]];
    status = 0;
done:
    PyMem_Free(slots);
    PyMem_Free(first);
    PyMem_Free(hashes);
    return status;
}

/* windows.main_run over the prose flags (every `stride`-th char of `prose`; z: n doubles of scratch): the
 * best stretch where prose counts +1 and any other line -0.5, as best_region_of finds it over the negated
 * scores (the same sums: negating is exact); (-1, -2) when there is no prose. */
static void main_run_of(const char *prose, Py_ssize_t stride, Py_ssize_t n, double *z, Py_ssize_t *first,
                        Py_ssize_t *last) {
    for (Py_ssize_t k = 0; k < n; k++) z[k] = prose[k * stride] ? -1.0 : 0.5;
    best_region_of(z, n, first, last);
}

/* What shape_of counts the share of (windows.shape_values' flags). */
enum { ODD_SHORT, FURNITURE, REMOVED, REPEATED };

/* windows.share of one of a document's flags over lines [a, b): their count over b - a (0.0 when none). */
static double share_of(const Rows *r, const Py_ssize_t *counts, int what, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t count = 0;
    for (Py_ssize_t k = a; k < b; k++) {
        const char *f = r->flags + 3 * k;
        count += what == ODD_SHORT ? f[1] && !f[0] : what == FURNITURE ? f[2] != 0
               : what == REMOVED ? r->rule[2 * k] != 0.0 : counts[k] > 1;
    }
    return b > a ? (double)count / (double)(b - a) : 0.0;
}

#define N_SHAPE 13  /* windows.SHAPE_FEATURES */
#define EDGE_LINES 10  /* windows.EDGE_LINES */
#define LINK_AT 9  /* link_like, title_share and list_marker in a line's values (LINE_FEATURES) */
#define TITLE_AT 5

/* sum(column) as builtin sum() adds the floats of one column of r->own (scratch: n doubles). */
static double own_sum(const Rows *r, Py_ssize_t at, double *scratch) {
    for (Py_ssize_t k = 0; k < r->n; k++) scratch[k] = r->own[k * r->n_own + at];
    return python_sum_of_products(NULL, scratch, r->n);
}

/* windows.shape_values of a document (n > 0) whose lines' repeat counts are `counts`, into out (N_SHAPE). */
static void shape_of(const Rows *r, const Py_ssize_t *counts, double *scratch, double *out) {
    Py_ssize_t n = r->n, last_prose = -1, head = n < EDGE_LINES ? n : EDGE_LINES, tail = n > EDGE_LINES ? n - EDGE_LINES : 0;
    for (Py_ssize_t k = 0; k < n; k++)
        if (r->flags[3 * k]) last_prose = k;
    out[0] = log1p((double)(n - 1 - last_prose));
    out[1] = share_of(r, counts, ODD_SHORT, 0, head);
    out[2] = share_of(r, counts, ODD_SHORT, tail, n);
    out[3] = share_of(r, counts, FURNITURE, 0, head);
    out[4] = share_of(r, counts, FURNITURE, tail, n);
    out[5] = share_of(r, counts, REMOVED, 0, head);
    out[6] = share_of(r, counts, REMOVED, tail, n);
    out[7] = own_sum(r, LINK_AT, scratch) / (double)(3 * n);
    out[8] = share_of(r, counts, FURNITURE, 0, n);
    out[9] = own_sum(r, TITLE_AT, scratch) / (double)n;
    out[10] = own_sum(r, LIST_AT, scratch) / (double)n;
    out[11] = share_of(r, counts, REPEATED, 0, n);
    out[12] = r->run_last >= r->run_first ? (double)(r->run_last - r->run_first + 1) / (double)n : 0.0;
}

/* A tuple of n floats. */
static PyObject *float_tuple(const double *values, Py_ssize_t n) {
    PyObject *list = float_list(values, n), *result = list == NULL ? NULL : PyList_AsTuple(list);
    Py_XDECREF(list);
    return result;
}

/* A document's rows and its scores, kept for select() and explain(). */
typedef struct {
    PyObject_HEAD
    Rows rows;
    double *probability;  /* n: the probability the thresholds meet (the second stage's, or the first's) */
    char *removed;        /* n: a rule removed the line */
    char *region;         /* n: the line lies in the best body region of the lines no rule removed */
} ScoredObject;

static void scored_dealloc(ScoredObject *self) {
    rows_free(&self->rows);
    PyMem_Free(self->probability);
    PyMem_Free(self->removed);  /* and the region after it */
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* select(threshold, run_prose_threshold, region_threshold, min_stop_share, stop_at) -> list[int]: the rows
 * LineModelRule.find removes among those no rule removed (features.Scores.select): probability at least
 * `threshold` (none above 1), at least `run_prose_threshold` for a prose line in the main run of prose,
 * and, when region_threshold > threshold, at least `region_threshold` for a line in the best body region
 * whose value `stop_at` (its stop_share) reaches `min_stop_share` (any, when that is not above 0). */
static PyObject *scored_select(ScoredObject *self, PyObject *args) {
    double threshold, run_prose_threshold, region_threshold, min_stop;
    Py_ssize_t stop_at;
    if (!PyArg_ParseTuple(args, "ddddn", &threshold, &run_prose_threshold, &region_threshold, &min_stop, &stop_at))
        return NULL;
    const Rows *r = &self->rows;
    if (stop_at < 0 || stop_at >= r->n_own) {
        PyErr_SetString(PyExc_IndexError, "stop_at out of range");
        return NULL;
    }
    PyObject *out = PyList_New(0);
    if (out == NULL || threshold > 1) return out;
    int shield = region_threshold > threshold;
    for (Py_ssize_t k = 0; k < r->n; k++) {
        double p = self->probability[k];
        if (self->removed[k] || !(p >= threshold)) continue;
        int run_prose = r->flags[3 * k] && r->run_first <= k && k <= r->run_last;
        if (!(p >= run_prose_threshold) && run_prose) continue;
        int reads = min_stop <= 0 || r->own[k * r->n_own + stop_at] >= min_stop;
        if (shield && !(p >= region_threshold) && self->region[k] && reads) continue;
        PyObject *index = PyLong_FromSsize_t(k);
        if (index == NULL || PyList_Append(out, index) < 0) {
            Py_XDECREF(index);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(index);
    }
    return out;
}

/* explain(names, top, ks): the `explain` function's answer for these rows. */
static PyObject *scored_explain(ScoredObject *self, PyObject *args) {
    PyObject *names, *ks;
    Py_ssize_t top;
    if (!PyArg_ParseTuple(args, "O!nO!", &PyTuple_Type, &names, &top, &PyList_Type, &ks)) return NULL;
    return explain_rows(&self->rows, names, top, ks);
}

static PyMethodDef scored_methods[] = {
    {"select", (PyCFunction)scored_select, METH_VARARGS, "The rows the line model removes among those no rule removed."},
    {"explain", (PyCFunction)scored_explain, METH_VARARGS, "explain(names, top, ks) of these rows."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScoredType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.search._linefast.Scored",
    .tp_doc = "A document's line-model rows and scores (score_document).",
    .tp_basicsize = sizeof(ScoredObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_dealloc = (destructor)scored_dealloc,
    .tp_methods = scored_methods,
};

/* r's per-line columns from the lines' facts (a list), keys and owners (the pack that removed each line, or
 * None), as features._Rows computes them: values and repeat_log, removed and removed_near, density and
 * furniture_near over windows of `windows` (density's, furniture's), the removed_<pack> flags, the main
 * run and the DOC_FEATURES values; counts: each line's repeat count (key_counts). 0, or -1 with an exception. */
static int rows_of_facts(Rows *r, PyObject *facts, PyObject *keys, PyObject *owners, PyObject *packs,
                         const Py_ssize_t *windows, Py_ssize_t *counts) {
    Py_ssize_t n = r->n;
    if (rows_alloc(r) < 0 || key_counts(keys, n, counts) < 0) return -1;
    double *series = PyMem_Malloc(sizeof(double) * (size_t)(3 * n + 1));
    if (series == NULL) { PyErr_NoMemory(); return -1; }
    double *prefix = series + n, *out = prefix + n + 1;
    Py_ssize_t prose = 0, short_not_prose = 0, removed = 0, lead = n;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *owner = PyList_GET_ITEM(owners, k);
        if (rows_line_facts(r, k, facts) < 0) goto fail;
        r->own[k * r->n_own + N_VALUES] = log1p((double)(counts[k] - 1));  /* repeat_log: log(0) when once */
        r->rule[2 * k] = owner != Py_None;
        for (Py_ssize_t j = 0; j < r->n_packs; j++) {  /* owner == pack (most lines: None, no pack) */
            PyObject *pack = PyTuple_GET_ITEM(packs, j);
            int equal = owner == pack ? 1 : owner == Py_None ? 0 : PyObject_RichCompareBool(owner, pack, Py_EQ);
            if (equal < 0) goto fail;
            r->pack[k * r->n_packs + j] = equal ? 1.0 : 0.0;
        }
        const char *f = r->flags + 3 * k;
        prose += f[0];
        short_not_prose += f[1] && !f[0];
        removed += owner != Py_None;
        if (f[0] && lead == n) lead = k;
    }
    for (int w = 0; w < 3; w++) {  /* density, furniture_near, removed_near */
        for (Py_ssize_t k = 0; k < n; k++) series[k] = w == 0 ? r->flags[3 * k] : w == 1 ? r->flags[3 * k + 2] : r->rule[2 * k];
        window_mean_of(series, n, w < 2 ? windows[w] : 2, prefix, out);
        for (Py_ssize_t k = 0; k < n; k++) {
            if (w < 2) r->near[2 * k + w] = out[k];
            else r->rule[2 * k + 1] = out[k];
        }
    }
    main_run_of(r->flags, 3, n, series, &r->run_first, &r->run_last);
    PyMem_Free(series);
    double doc[] = {log1p((double)n), (double)prose / (double)n, (double)short_not_prose / (double)n,
                    (double)removed / (double)n, log1p((double)lead)};
    memcpy(r->doc, doc, sizeof(doc));
    return 0;
fail:
    PyMem_Free(series);
    return -1;
}

/* score_document(facts, keys, owners, packs, density_window, furniture_window, weights, bias, neighbours,
 *                hints, context_plan, derived_plan, clip, decay, second) -> (doc, shape, probabilities,
 *                run, scored)
 * A document's line model in one call, from its non-blank lines' facts (a list of LineFacts, or their values
 * packed as bytes, FactsCache.packed), keys (their stripped
 * texts) and owners (the pack that removed each, or None): the rows as features._Rows lays them out (packs:
 * the removed_<pack> names' packs; neighbours, hints, the plans: as `probabilities` takes them), each row's
 * probability under (weights, bias), then, with `second` = (codes, weights, bias), the second stage's over
 * them (second_of; clip and decay its constants). doc: the DOC_FEATURES values; shape: SHAPE_FEATURES';
 * probabilities: those the thresholds meet; run: the main run of prose (first, last); scored: the rows,
 * for select() and explain(). */
static PyObject *score_document(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *facts, *keys, *owners, *packs, *weights_obj, *neighbours, *hints, *plan, *derived, *second;
    Py_ssize_t windows[2];
    double bias, clip, decay;
    if (!PyArg_ParseTuple(args, "OO!O!O!nnO!dO!OOOddO", &facts, &PyList_Type, &keys, &PyList_Type,
                          &owners, &PyTuple_Type, &packs, &windows[0], &windows[1], &PyTuple_Type, &weights_obj, &bias,
                          &PyTuple_Type, &neighbours, &hints, &plan, &derived, &clip, &decay, &second))
        return NULL;
    const Py_ssize_t row_bytes = (Py_ssize_t)sizeof(double) * N_VALUES;
    if (!PyList_Check(facts) && !(PyBytes_CheckExact(facts) && PyBytes_GET_SIZE(facts) % row_bytes == 0)) {
        PyErr_SetString(PyExc_TypeError, "facts: a list of facts tuples, or their values packed as bytes");
        return NULL;
    }
    Py_ssize_t n = PyList_Check(facts) ? PyList_GET_SIZE(facts) : PyBytes_GET_SIZE(facts) / row_bytes;
    int packed = PyBytes_CheckExact(hints);  /* the rows' tails as n rows of doubles (Lexicon.columns packed) */
    if (n == 0 || PyList_GET_SIZE(keys) != n || PyList_GET_SIZE(owners) != n ||
        (hints != Py_None && !packed && (!PyList_Check(hints) || PyList_GET_SIZE(hints) != n)) ||
        (packed && PyBytes_GET_SIZE(hints) % (Py_ssize_t)(sizeof(double) * (size_t)n) != 0)) {
        PyErr_SetString(PyExc_ValueError, "facts, keys, owners (and hints) of one length, not empty");
        return NULL;
    }
    PyObject *codes = NULL, *second_weights = NULL;
    double second_bias = 0.0;
    if (second != Py_None && !PyArg_ParseTuple(second, "O!O!d", &PyTuple_Type, &codes, &PyTuple_Type,
                                               &second_weights, &second_bias))
        return NULL;
    if (codes != NULL && PyTuple_GET_SIZE(codes) != PyTuple_GET_SIZE(second_weights)) {
        PyErr_SetString(PyExc_ValueError, "one weight per code");
        return NULL;
    }
    ScoredObject *self = PyObject_New(ScoredObject, &ScoredType);
    if (self == NULL) return NULL;
    Rows *r = &self->rows;
    memset(r, 0, sizeof(*r));
    self->probability = PyMem_Malloc(sizeof(double) * (size_t)(3 * n + 1));
    self->removed = PyMem_Malloc((size_t)(2 * n + 1));
    self->region = self->removed == NULL ? NULL : self->removed + n;
    Py_ssize_t *counts = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)n);
    double *sw = codes == NULL ? NULL : PyMem_Malloc(sizeof(double) * (size_t)(PyTuple_GET_SIZE(codes) + 1));
    double *first = NULL, *scratch = NULL, *row = NULL;  /* the first stage's probabilities; n doubles of scratch */
    PyObject *result = NULL;
    r->n = n;
    r->n_own = N_VALUES + 1;
    r->n_packs = PyTuple_GET_SIZE(packs);
    r->n_doc = 5;
    r->n_hints = hints == Py_None ? 0 : packed ? PyBytes_GET_SIZE(hints) / (Py_ssize_t)(sizeof(double) * (size_t)n)
               : PyTuple_Check(PyList_GET_ITEM(hints, 0)) ? PyTuple_GET_SIZE(PyList_GET_ITEM(hints, 0)) : -1;
    if (self->probability == NULL || self->removed == NULL || counts == NULL || (codes != NULL && sw == NULL)) {
        PyErr_NoMemory();
        goto done;
    }
    first = self->probability + n;
    scratch = first + n;
    if (r->n_hints < 0) { PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples"); goto done; }
    if (rows_of_facts(r, facts, keys, owners, packs, windows, counts) < 0) goto done;
    if (packed && r->n_hints) memcpy(r->hints, PyBytes_AS_STRING(hints), (size_t)PyBytes_GET_SIZE(hints));
    for (Py_ssize_t k = 0; !packed && r->n_hints && k < n; k++) {
        PyObject *hint = PyList_GET_ITEM(hints, k);
        if (!PyTuple_Check(hint)) { PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples"); goto done; }
        if (doubles(hint, r->hints + k * r->n_hints, r->n_hints) < 0) goto done;
    }
    r->bias = bias;
    if (rows_finish(r, weights_obj, neighbours, plan, derived) < 0) goto done;
    row = PyMem_Malloc(sizeof(double) * (size_t)(r->width + 1));
    if (row == NULL) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t k = 0; k < n; k++) {
        rows_row(r, k, row);
        first[k] = row_probability(r, row);
        self->removed[k] = r->rule[2 * k] != 0.0;
    }
    if (codes == NULL) {
        memcpy(self->probability, first, sizeof(double) * (size_t)n);
    } else {
        char *flags = PyMem_Malloc((size_t)n + 1);
        if (flags == NULL) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t k = 0; k < n; k++) flags[k] = r->flags[3 * k];
        int failed = doubles(second_weights, sw, PyTuple_GET_SIZE(codes)) < 0 ||
                     second_of(first, n, codes, sw, second_bias, clip, decay, self->removed, flags, self->probability) < 0;
        PyMem_Free(flags);
        if (failed) goto done;
    }
    /* second_stage.kept_region over the first stage's probabilities */
    Py_ssize_t nk = 0, kfirst, klast;
    for (Py_ssize_t k = 0; k < n; k++) {
        self->region[k] = 0;
        if (!self->removed[k]) scratch[nk++] = clipped_logit(first[k], clip);
    }
    best_region_of(scratch, nk, &kfirst, &klast);
    for (Py_ssize_t k = 0, j = 0; k < n; k++) {
        if (self->removed[k]) continue;
        self->region[k] = kfirst <= j && j <= klast;
        j++;
    }
    double shape[N_SHAPE];
    shape_of(r, counts, scratch, shape);
    result = Py_BuildValue("(NNN(nn)O)", float_tuple(r->doc, r->n_doc), float_tuple(shape, N_SHAPE),
                           float_list(self->probability, n), r->run_first, r->run_last, (PyObject *)self);
done:
    PyMem_Free(counts);
    PyMem_Free(row);
    PyMem_Free(sw);
    Py_DECREF(self);
    return result;
}

/* ---- the text kinds in C: prose_window (rules/kinds/prose_window.py) ------------------------------- */
/* ProseWindowRule.find's scoring and decision over a document's lines; the kind's Python stays the
 * reference (`CLEANER_PURE_PYTHON=1`; tests/test_text_kinds_fast.py compares them): the same rows and
 * scores (each one of the rule's own floats; a window's total summed left to right, as Python sums it),
 * so the same lines. */

static int pw_is_terminal(Py_UCS4 c) {  /* prose_window._TERMINAL */
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == 0x2026;
}

static int pw_is_bullet(Py_UCS4 c) {  /* prose_window._BULLETS */
    return c == '*' || c == '+' || c == 0x2022 || c == 0xB7 || c == 0x25AA || c == 0x25E6 || c == 0x2023 || c == '-';
}

/* prose_window._sentence_like of one stripped text: it ends in sentence punctuation (closers may follow)
 * and holds at least min_words words (as str.split(None, min_words - 1) counts them). */
static int pw_sentence_like(PyObject *key, long min_words) {
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key), end = n;
    while (end > 0 && is_closer(PyUnicode_READ(kind, data, end - 1))) end--;  /* _CLOSERS: features' too */
    if (end == 0 || !pw_is_terminal(PyUnicode_READ(kind, data, end - 1))) return 0;
    if (min_words <= 1) return 1;  /* a non-empty text splits into at least one part, whatever maxsplit */
    long words = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n && words < min_words; i++) {
        if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) in_word = 0;
        else if (!in_word) { in_word = 1; words++; }
    }
    return words >= min_words;
}

/* len(text) - len(text.lstrip()) */
static Py_ssize_t pw_indent(PyObject *text) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) i++;
    return i;
}

typedef struct {
    long min_words, min_prose_chars, head_lines, tail_lines, keep_outside_chars, menu_chars, indent_sample,
         min_menu_before, min_lead_lines, min_outside_lines;
    double penalty, stop_score, other_indent_score, min_score, first_within, min_outside_share;
    int run_on, run_back, tab_rows_neutral, skip_teaser_runs;
} PwParams;

/* ProseWindowRule._score_key of an unclaimed line's stripped text, `counts` the document's key_counts;
 * 0 or -1 with an exception. */
static int pw_score_key(const PwParams *p, PyObject *key, PyObject *counts, double *score) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    if (p->tab_rows_neutral && PyUnicode_FindChar(key, '\t', 0, n, 1) >= 0) {  /* a table row */
        *score = 0.0;
        return 0;
    }
    if (!pw_sentence_like(key, p->min_words)) {
        *score = n >= p->min_prose_chars ? 0.0 : -p->penalty;
        return 0;
    }
    if (pw_is_bullet(PyUnicode_READ_CHAR(key, 0)) || n < p->min_prose_chars) {
        *score = 0.0;
        return 0;
    }
    PyObject *shown = PyDict_GetItemWithError(counts, key);  /* borrowed; a Counter's missing key counts 0 */
    if (shown == NULL && PyErr_Occurred()) return -1;
    int once = 0;
    if (shown != NULL) {
        PyObject *one = PyLong_FromLong(1);
        if (one == NULL) return -1;
        once = PyObject_RichCompareBool(shown, one, Py_EQ);
        Py_DECREF(one);
        if (once < 0) return -1;
    }
    *score = once ? 1.0 : -p->penalty;
    return 0;
}

/* prose_window._run_to: the last positive row met walking from row `from` in `step` (1 or -1) before the
 * first removed row (rows[k] < 0) or stop line; `from` when there is none. */
static Py_ssize_t pw_run_to(const double *scores, const Py_ssize_t *rows, const char *stop, Py_ssize_t n,
                            Py_ssize_t from, int step) {
    Py_ssize_t end = from;
    for (Py_ssize_t g = from + step; g >= 0 && g < n; g += step) {
        if (rows[g] < 0 || stop[rows[g]]) break;  /* furniture: the article ends (or starts) here */
        if (scores[g] > 0) end = g;
    }
    return end;
}

/* prose_window._teaser_run: whether every positive row of first..last that is a kept line's comes right after
 * a list item's row (`bullet`, by line index). */
static int pw_teaser_run(const double *scores, const Py_ssize_t *rows, const char *bullet, Py_ssize_t first,
                         Py_ssize_t last) {
    for (Py_ssize_t g = first; g <= last; g++)
        if (scores[g] > 0 && rows[g] >= 0 && !(g > 0 && rows[g - 1] >= 0 && bullet[rows[g - 1]])) return 0;
    return 1;
}

/* ProseWindowRule._best_window: the earliest positive segment scoring at least first_within of the best
 * (Kadane's walk, each segment's best prefix), run on (run_on) to the last positive row before the first
 * removed row (rows[k] < 0) or stop line after it and back (run_back) to the first positive row after the
 * last one before it (with skip_teaser_runs, passing over a segment scoring under the best whose positive
 * rows each follow a list item's): 1 and its rows, 0 when none scores min_score, -1 where
 * the reference raises (no segment reaches its bar: a StopIteration), so the caller runs the reference. */
static int pw_best_window(const PwParams *p, const double *scores, const Py_ssize_t *rows, const char *stop,
                          const char *bullet, Py_ssize_t n, Py_ssize_t *first, Py_ssize_t *last) {
    double total = 0.0, best = 0.0, peak = 0.0;
    Py_ssize_t start = 0, peak_start = 0, peak_end = 0;
    int has_peak = 0, any = 0;
    /* Two walks: the first finds the best segment total, the second the earliest segment reaching the bar
     * (the reference lists the segments, then takes the max, then the first reaching it). */
    for (int walk = 0; walk < 2; walk++) {
        double bar = 0.0;
        if (walk == 1) {
            if (best < p->min_score) return 0;  /* best: 0.0 without any segment (max's default) */
            bar = p->first_within * best > p->min_score ? p->first_within * best : p->min_score;  /* max() */
        }
        total = 0.0, start = 0, has_peak = 0;
        for (Py_ssize_t k = 0; k <= n; k++) {
            if (k == n || total <= 0) {
                if (has_peak) {  /* a segment ends: (peak, peak_start, peak_end) */
                    if (walk == 0) {
                        if (!any || peak > best) best = peak;
                        any = 1;
                    } else if (peak >= bar && !(p->skip_teaser_runs && peak < best
                                                && pw_teaser_run(scores, rows, bullet, peak_start, peak_end))) {
                        *first = peak_start;
                        *last = peak_end;
                        if (p->run_on) *last = pw_run_to(scores, rows, stop, n, peak_end, 1);
                        if (p->run_back) *first = pw_run_to(scores, rows, stop, n, peak_start, -1);
                        return 1;
                    }
                }
                if (k == n) break;
                total = 0.0, start = k, has_peak = 0;
            }
            total += scores[k];
            if (total > 0 && (!has_peak || total > peak)) {
                peak = total, peak_start = start, peak_end = k;
                has_peak = 1;
            }
        }
    }
    return -1;
}

/* prose_possible(keys, claimed, menu_chars) -> (possible, nonblank): ProseWindowRule._may_show_furniture's
 * count of the non-blank lines claimed or shorter than menu_chars, and the count of non-blank lines. */
static PyObject *prose_possible(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *keys, *claimed;
    Py_ssize_t menu_chars;
    if (!PyArg_ParseTuple(args, "O!O!n", &PyList_Type, &keys, &PyList_Type, &claimed, &menu_chars)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(keys), possible = 0, nonblank = 0;
    if (PyList_GET_SIZE(claimed) != n) {
        PyErr_SetString(PyExc_ValueError, "keys and claimed of different lengths");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        if (!PyUnicode_Check(key)) { PyErr_SetString(PyExc_TypeError, "keys must be str"); return NULL; }
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        if (len == 0) continue;
        nonblank++;
        possible += PyList_GET_ITEM(claimed, i) != Py_None || len < menu_chars;
    }
    return Py_BuildValue("(nn)", possible, nonblank);
}

/* prose_window(texts, keys, claimed, stops, counts, ints, floats, flags) -> list[int] | None: the lines
 * ProseWindowRule.find claims (each a claim of its own), once _may_show_furniture said it may; None where
 * the reference raises (then run it). stops: the line indices its `stop` pattern matches; counts: the
 * document's key_counts; ints: (min_words, min_prose_chars, head_lines, tail_lines, keep_outside_chars,
 * menu_chars, indent_sample, min_menu_before, min_lead_lines, min_outside_lines); floats: (penalty,
 * stop_penalty, other_indent_score, min_score, first_within, min_outside_share); flags: (run_on, run_back,
 * tab_rows_neutral, skip_teaser_runs). */
static PyObject *prose_window(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *texts, *keys, *claimed, *stops, *counts;
    PwParams p;
    double stop_penalty;
    if (!PyArg_ParseTuple(args, "O!O!O!OO!(llllllllll)(dddddd)(pppp)", &PyList_Type, &texts, &PyList_Type, &keys,
                          &PyList_Type, &claimed, &stops, &PyDict_Type, &counts, &p.min_words, &p.min_prose_chars,
                          &p.head_lines, &p.tail_lines, &p.keep_outside_chars, &p.menu_chars, &p.indent_sample,
                          &p.min_menu_before, &p.min_lead_lines, &p.min_outside_lines, &p.penalty, &stop_penalty,
                          &p.other_indent_score, &p.min_score, &p.first_within, &p.min_outside_share,
                          &p.run_on, &p.run_back, &p.tab_rows_neutral, &p.skip_teaser_runs))
        return NULL;
    p.stop_score = -stop_penalty;
    Py_ssize_t n = PyList_GET_SIZE(keys);
    if (PyList_GET_SIZE(claimed) != n || PyList_GET_SIZE(texts) != n) {
        PyErr_SetString(PyExc_ValueError, "texts, keys and claimed of different lengths");
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t *rows = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t)), *removed = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    double *scores = PyMem_Malloc((n + 1) * sizeof(double));
    char *stop = PyMem_Calloc(n + 1, 1), *bullet = PyMem_Calloc(n + 1, 1);
    Py_ssize_t *indents = NULL;
    if (!rows || !removed || !scores || !stop || !bullet) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(keys, i)) || !PyUnicode_Check(PyList_GET_ITEM(texts, i))) {
            PyErr_SetString(PyExc_TypeError, "texts and keys must be str");
            goto done;
        }
    PyObject *it = PyObject_GetIter(stops), *item;
    if (it == NULL) goto done;
    while ((item = PyIter_Next(it)) != NULL) {
        Py_ssize_t i = PyLong_AsSsize_t(item);
        Py_DECREF(item);
        if (i == -1 && PyErr_Occurred()) break;
        if (i >= 0 && i < n) stop[i] = 1;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) goto done;

    /* _rows: a row per kept non-blank line, one neutral row per run of claimed ones */
    Py_ssize_t n_rows = 0, n_removed = 0, n_neutral = 0;
    int in_removed_row = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *key = PyList_GET_ITEM(keys, i);
        if (PyUnicode_GET_LENGTH(key) == 0) continue;
        if (PyList_GET_ITEM(claimed, i) != Py_None) {
            removed[n_removed++] = i;
            if (!in_removed_row) {
                rows[n_rows] = -1, scores[n_rows++] = 0.0, n_neutral++;
                in_removed_row = 1;
            }
            if (stop[i]) scores[n_rows - 1] = p.stop_score;
        } else {
            in_removed_row = 0;
            rows[n_rows] = i;
            if (p.skip_teaser_runs) bullet[i] = (char)pw_is_bullet(PyUnicode_READ_CHAR(key, 0));  /* read only with the option */
            if (stop[i]) scores[n_rows] = p.stop_score;
            else if (pw_score_key(&p, key, counts, &scores[n_rows]) < 0) goto done;
            n_rows++;
        }
    }
    /* _by_indent: prose indented unlike the commonest indentation of the sample's prose scores otherwise */
    if (p.other_indent_score != 1.0) {
        indents = PyMem_Malloc((n_rows + 1) * 2 * sizeof(Py_ssize_t));
        if (indents == NULL) { PyErr_NoMemory(); goto done; }
        Py_ssize_t *prose = indents + n_rows + 1, n_prose = 0;
        for (Py_ssize_t k = 0; k < n_rows; k++)
            if (scores[k] > 0 && rows[k] >= 0) {
                prose[n_prose] = k;
                indents[n_prose++] = pw_indent(PyList_GET_ITEM(texts, rows[k]));
            }
        if (n_prose > 0) {
            Py_ssize_t sample = p.indent_sample && p.indent_sample < n_prose ? p.indent_sample : n_prose;
            if (p.indent_sample < 0) sample = n_prose + p.indent_sample > 0 ? n_prose + p.indent_sample : 0;
            if (sample == 0) { Py_INCREF(Py_None); result = Py_None; goto done; }  /* most_common(1)[0]: IndexError */
            /* Counter(...).most_common(1)[0][0]: of the indentations seen most often, the first seen */
            Py_ssize_t widest = 0, body = -1, body_count = 0;
            for (Py_ssize_t a = 0; a < sample; a++) widest = indents[a] > widest ? indents[a] : widest;
            Py_ssize_t *tally = PyMem_Calloc(widest + 1, sizeof(Py_ssize_t));
            if (tally == NULL) { PyErr_NoMemory(); goto done; }
            for (Py_ssize_t a = 0; a < sample; a++) tally[indents[a]]++;
            for (Py_ssize_t a = 0; a < sample; a++)
                if (tally[indents[a]] > body_count) body = indents[a], body_count = tally[indents[a]];
            PyMem_Free(tally);
            for (Py_ssize_t j = 0; j < n_prose; j++)
                if (indents[j] != body) scores[prose[j]] = p.other_indent_score;
        }
    }
    Py_ssize_t best_first = 0, best_last = 0;
    int found = pw_best_window(&p, scores, rows, stop, bullet, n_rows, &best_first, &best_last);
    if (found < 0) { Py_INCREF(Py_None); result = Py_None; goto done; }
    result = PyList_New(0);
    if (result == NULL || found == 0) goto done;
    Py_ssize_t first = best_first - p.head_lines > 0 ? best_first - p.head_lines : 0;
    Py_ssize_t last = best_last + p.tail_lines < n_rows - 1 ? best_last + p.tail_lines : n_rows - 1;
    /* outside: the rows' lines outside first..last (but prose kept by keep_outside_chars); furniture: those
     * of them shorter than menu_chars and not sentence-like, and the claimed lines */
    Py_ssize_t start = n, first_prose = n;
    for (Py_ssize_t k = first; k < n_rows; k++)
        if (rows[k] >= 0) { start = rows[k]; break; }
    for (Py_ssize_t k = 0; k < n_rows; k++)
        if (scores[k] > 0 && rows[k] >= 0) { first_prose = rows[k]; break; }
    Py_ssize_t furniture = n_removed, before = 0, lead = 0;
    for (Py_ssize_t j = 0; j < n_removed; j++) {
        before += removed[j] < start;
        lead += removed[j] < first_prose;
    }
    for (Py_ssize_t k = 0; k < n_rows; k++) {
        Py_ssize_t i = rows[k];
        if (i < 0 || (first <= k && k <= last)) continue;
        PyObject *key = PyList_GET_ITEM(keys, i);
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        if (p.keep_outside_chars && scores[k] > 0 && len >= p.keep_outside_chars) continue;
        PyObject *index = PyLong_FromSsize_t(i);
        if (index == NULL || PyList_Append(result, index) < 0) { Py_XDECREF(index); Py_CLEAR(result); goto done; }
        Py_DECREF(index);
        if (len < p.menu_chars && !pw_sentence_like(key, p.min_words)) {
            furniture++;
            before += i < start;
            lead += i < first_prose;
        }
    }
    Py_ssize_t total = n_rows - n_neutral + n_removed;
    double share = p.min_outside_share * (double)total;
    /* len(furniture) >= max(min_outside_lines, share): max() keeps its first argument unless the second is greater */
    int enough = share > (double)p.min_outside_lines ? (double)furniture >= share : furniture >= p.min_outside_lines;
    if (!(enough && before >= p.min_menu_before && lead >= p.min_lead_lines)) Py_SETREF(result, PyList_New(0));
done:
    PyMem_Free(rows);
    PyMem_Free(removed);
    PyMem_Free(scores);
    PyMem_Free(stop);
    PyMem_Free(bullet);
    PyMem_Free(indents);
    return result;
}

/* ---- the text kinds in C: the context condition (rules/kinds/context.py) --------------------------- */

static int ctx_is_item_mark(Py_UCS4 c) {  /* context._ITEM_MARKS */
    return c == '*' || c == '+' || c == 0x2022 || c == 0xB7 || c == 0x25AA || c == 0x25E6 || c == 0x2023 ||
           c == '-' || c == 0x2013;
}

/* key.endswith(context._CUT_OFF): "...", "…", "[…]", "[...]" */
static int ctx_cut_off(PyObject *key) {
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    if (n >= 1 && PyUnicode_READ(kind, data, n - 1) == 0x2026) return 1;  /* "…" */
    if (n >= 3 && PyUnicode_READ(kind, data, n - 1) == '.' && PyUnicode_READ(kind, data, n - 2) == '.' &&
        PyUnicode_READ(kind, data, n - 3) == '.')
        return 1;  /* "..." */
    if (n >= 3 && PyUnicode_READ(kind, data, n - 1) == ']' && PyUnicode_READ(kind, data, n - 2) == 0x2026 &&
        PyUnicode_READ(kind, data, n - 3) == '[')
        return 1;
    if (n >= 5 && PyUnicode_READ(kind, data, n - 1) == ']' && PyUnicode_READ(kind, data, n - 2) == '.' &&
        PyUnicode_READ(kind, data, n - 3) == '.' && PyUnicode_READ(kind, data, n - 4) == '.' &&
        PyUnicode_READ(kind, data, n - 5) == '[')
        return 1;
    return 0;
}

typedef struct {
    long sentence_words, article_lines;
    double headline_share;
} CtxParams;

/* context.is_sentence of a stripped text: prose_window.is_sentence_like(key, sentence_words) (the key
 * stripped, closers dropped, ends in . ! ? : ; or …, and holds that many words) and not in headline case
 * (context._headline_cased: of its words after the first that start with a letter, at least
 * headline_share start with a capital). */
static int ctx_is_sentence(const CtxParams *p, PyObject *key) {
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key), a = 0, b = n;
    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++;  /* text.strip() */
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) b--;
    while (b > a && is_closer(PyUnicode_READ(kind, data, b - 1))) b--;  /* .rstrip(_CLOSERS) */
    if (b == a || !pw_is_terminal(PyUnicode_READ(kind, data, b - 1))) return 0;
    long words = 0, lettered = 0, capitals = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {  /* the words of key.split(), all of them */
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISSPACE(c)) { in_word = 0; continue; }
        if (in_word) continue;
        in_word = 1;
        if (words++ > 0 && Py_UNICODE_ISALPHA(c)) {
            lettered++;
            capitals += Py_UNICODE_ISUPPER(c) != 0;
        }
    }
    /* len(text.split(None, sentence_words - 1)) >= sentence_words: a non-empty text is one part at least */
    if (p->sentence_words > 1 && words < p->sentence_words) return 0;
    return !(lettered > 0 && (double)capitals >= p->headline_share * (double)lettered);
}

static int ctx_args(PyObject *args, PyObject **keys, PyObject **claimed, Py_ssize_t *index, Py_ssize_t *step,
                    int *flag, CtxParams *p) {
    if (!PyArg_ParseTuple(args, "O!O!nnp(lld)", &PyList_Type, keys, &PyList_Type, claimed, index, step, flag,
                          &p->sentence_words, &p->article_lines, &p->headline_share))
        return -1;
    if (PyList_GET_SIZE(*claimed) < PyList_GET_SIZE(*keys)) {
        PyErr_SetString(PyExc_ValueError, "fewer claimed than keys");
        return -1;
    }
    return 0;  /* keys are checked as the walk reads them: a check of all of them made each call O(lines) */
}

/* keys[i] when it is a str, else NULL with a TypeError. */
static PyObject *ctx_key(PyObject *keys, Py_ssize_t i) {
    PyObject *key = PyList_GET_ITEM(keys, i);
    if (PyUnicode_Check(key)) return key;
    PyErr_SetString(PyExc_TypeError, "keys must be str");
    return NULL;
}

/* prose_near(keys, claimed, index, step, paragraph, (sentence_words, article_lines, headline_share)) -> bool:
 * context._prose_near of a document's stripped lines `keys` and their owners so far `claimed`. */
static PyObject *prose_near(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *keys, *claimed;
    Py_ssize_t index, step;
    int paragraph;
    CtxParams p;
    if (ctx_args(args, &keys, &claimed, &index, &step, &paragraph, &p) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(keys), i = index + step, seen = 0;
    while (0 <= i && i < n && seen < p.article_lines) {
        PyObject *key = ctx_key(keys, i);
        if (key == NULL) return NULL;
        if (PyUnicode_GET_LENGTH(key) > 0) {
            if (PyList_GET_ITEM(claimed, i) != Py_None) Py_RETURN_FALSE;
            if (ctx_is_sentence(&p, key) && !(paragraph && ctx_cut_off(key))) Py_RETURN_TRUE;
            if (!ctx_is_item_mark(PyUnicode_READ_CHAR(key, 0))) seen++;
        }
        i += step;
    }
    Py_RETURN_FALSE;
}

/* prose_reached(keys, claimed, index, step, at_end, (sentence_words, article_lines, headline_share)) -> bool:
 * context._prose_reached. */
static PyObject *prose_reached(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *keys, *claimed;
    Py_ssize_t index, step;
    int at_end;
    CtxParams p;
    if (ctx_args(args, &keys, &claimed, &index, &step, &at_end, &p) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(keys), i = index + step;
    while (0 <= i && i < n) {
        PyObject *key = ctx_key(keys, i);
        if (key == NULL) return NULL;
        if (PyUnicode_GET_LENGTH(key) > 0) {
            if (PyList_GET_ITEM(claimed, i) != Py_None) Py_RETURN_FALSE;
            if (ctx_is_sentence(&p, key) && !ctx_cut_off(key)) Py_RETURN_TRUE;
        }
        i += step;
    }
    return PyBool_FromLong(at_end);
}

/* context_sentence(key, (sentence_words, article_lines, headline_share)) -> bool: context.is_sentence. */
static PyObject *context_sentence(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *key;
    CtxParams p;
    if (!PyArg_ParseTuple(args, "U(lld)", &key, &p.sentence_words, &p.article_lines, &p.headline_share)) return NULL;
    return PyBool_FromLong(ctx_is_sentence(&p, key));
}

/* distinct_owners(claimed) -> list: the distinct objects of a list other than None, by identity, in the
 * order they first occur (list_run's owners by identity: a rule's hash is Python code over its fields). */
static PyObject *distinct_owners(PyObject *Py_UNUSED(module), PyObject *claimed) {
    if (!PyList_Check(claimed)) { PyErr_SetString(PyExc_TypeError, "claimed must be a list"); return NULL; }
    PyObject *result = PyList_New(0), *last = Py_None;
    if (result == NULL) return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(claimed); i++) {
        PyObject *owner = PyList_GET_ITEM(claimed, i);
        if (owner == last) continue;  /* most lines: kept, or the line above's owner */
        last = owner;
        if (owner == Py_None) continue;
        int seen = 0;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(result) && !seen; j++) seen = PyList_GET_ITEM(result, j) == owner;
        if (!seen && PyList_Append(result, owner) < 0) { Py_DECREF(result); return NULL; }
    }
    return result;
}

/* ---- the engine's pass (engine/decide._match) ------------------------------------------------------ */

/* active_candidates(active, n_lines, hits, ids) -> dict: decide._match's `candidates`, each rule id of `ids`
 * that `hits` holds mapped to its hit lines' positions among the `active` lines (sorted line indices out of
 * n_lines), those not active left out, in the order of the hits: {id: [position[i] for i in hits[id] if
 * position[i] >= 0]}. */
static PyObject *active_candidates(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *active, *hits, *ids;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "O!nO!O!", &PyList_Type, &active, &n, &PyDict_Type, &hits, &PyList_Type, &ids))
        return NULL;
    if (n < 0) { PyErr_SetString(PyExc_ValueError, "n_lines < 0"); return NULL; }
    Py_ssize_t *position = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    if (position == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) position[i] = -1;
    PyObject *result = NULL;
    for (Py_ssize_t p = 0; p < PyList_GET_SIZE(active); p++) {
        Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(active, p));
        if (i == -1 && PyErr_Occurred()) goto done;
        if (i < 0 || i >= n) { PyErr_SetString(PyExc_IndexError, "active line out of range"); goto done; }
        position[i] = p;
    }
    result = PyDict_New();
    if (result == NULL) goto done;
    for (Py_ssize_t r = 0; r < PyList_GET_SIZE(ids); r++) {
        PyObject *id = PyList_GET_ITEM(ids, r);
        PyObject *found = PyDict_GetItemWithError(hits, id);  /* borrowed */
        if (found == NULL) {
            if (PyErr_Occurred()) goto fail;
            continue;
        }
        if (!PyList_Check(found)) { PyErr_SetString(PyExc_TypeError, "hits must be lists"); goto fail; }
        Py_ssize_t m = PyList_GET_SIZE(found), kept = 0;
        PyObject *mapped = PyList_New(m);
        if (mapped == NULL) goto fail;
        for (Py_ssize_t j = 0; j < m; j++) {
            Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(found, j));
            if (i == -1 && PyErr_Occurred()) { Py_DECREF(mapped); goto fail; }
            /* position[i] as Python indexes it: a negative i counts from the end, past it is an IndexError */
            if (i < 0) i += n;
            if (i < 0 || i >= n) { Py_DECREF(mapped); PyErr_SetString(PyExc_IndexError, "list index out of range"); goto fail; }
            if (position[i] < 0) continue;
            PyObject *at = PyLong_FromSsize_t(position[i]);
            if (at == NULL) { Py_DECREF(mapped); goto fail; }
            PyList_SET_ITEM(mapped, kept++, at);
        }
        Py_SET_SIZE(mapped, kept);  /* the items past `kept` were never set: NULL, nothing to release */
        int stored = PyDict_SetItem(result, id, mapped);
        Py_DECREF(mapped);
        if (stored < 0) goto fail;
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyMem_Free(position);
    return result;
}

static PyMethodDef text_kind_methods[] = {
    {"prose_possible", prose_possible, METH_VARARGS,
     "(possible, nonblank): ProseWindowRule._may_show_furniture's counts of a document's lines."},
    {"prose_window", prose_window, METH_VARARGS,
     "The lines ProseWindowRule.find claims in a document (None: run the reference, which raises)."},
    {"prose_near", prose_near, METH_VARARGS, "context._prose_near of a document's stripped lines and owners."},
    {"prose_reached", prose_reached, METH_VARARGS, "context._prose_reached of a document's stripped lines and owners."},
    {"context_sentence", context_sentence, METH_VARARGS, "context.is_sentence of a stripped line."},
    {"distinct_owners", distinct_owners, METH_O,
     "The distinct objects of a list but None, by identity, in the order they first occur."},
    {"active_candidates", active_candidates, METH_VARARGS,
     "decide._match's candidates: each rule's hit lines as positions among the active lines."},
    {NULL, NULL, 0, NULL},
};

/* ---- the learned lexicon (rules/lexicon.py) ------------------------------------------------------- */

/* Lexicon(weights, sum_cap, near, dense): a rule's table of term weights (a dict str -> float), hashed once
 * when the rule loads; columns(keys, codes, before) gives lexicon.columns of a document's stripped lines,
 * bit for bit:
 * - a line's terms are those of lexicon.terms: the line lowered as str.lower() lowers it (in C for a
 *   line without upper or title case beyond ASCII, see lex_class, else by calling it), its tokens as re's `\w+|[^\w\s]` finds
 *   them on a str (sre's \w is Py_UNICODE_ISALNUM or '_', its \s Py_UNICODE_ISSPACE: checked on every
 *   code point by tests/test_lexicon.py), the bigrams of consecutive word tokens ("a b"), the lead
 *   ("^" + first token + " " + second);
 * - a term is looked up by its code points (str equality), without building a string;
 * - the weights found are added left to right as builtin sum() adds them (python_sum_of_products),
 *   max and min keep the first of equals (and a NaN first), as max() and min() do, and lex_near and
 *   lex_dense are windows.window_mean (window_mean_of) of the means and of max(0.0, max). */

/* The table: open addressing, at most half full, each slot 8 bytes (the top of a term's hash and its
 * index + 1, 0 when empty), behind a one-hash Bloom filter of at least 16 bits a term: most lookups
 * miss, and a miss then reads one bit of an array small enough to stay in cache between lines. */
typedef struct {
    uint32_t tag, term;
} LexSlot;

typedef struct {
    Py_ssize_t at, len;  /* the term's code points: pool[at:at + len] */
    double weight;
} LexTerm;

/* lex_line's scratch: a line's lowered code points, its tokens' ends and hashes, the weights found;
 * kept by the table from call to call (fresh buffers for every document cost more than its lines'
 * terms: a long line's are mapped and faulted in anew), grown to the longest line met. */
typedef struct {
    Py_ssize_t cap;
    Py_UCS4 *text;
    Py_ssize_t *start, *end;
    uint64_t *hash;
    char *word;
    double *found;
} LexScratch;

typedef struct {
    PyObject_HEAD
    PyObject *args;  /* what it was made from, for pickling */
    LexScratch scratch;
    LexSlot *slots;
    LexTerm *terms;
    size_t mask;
    uint64_t *bloom;
    size_t bloom_mask;  /* its bits - 1 */
    Py_UCS4 *pool;
    double sum_cap;
    Py_ssize_t near, dense;
} LexiconObject;

/* A code point's class: sre's \w (Py_UNICODE_ISALNUM or '_') and \s (Py_UNICODE_ISSPACE), and whether
 * it is beyond ASCII and upper or title case. str.lower() changes a character beyond ASCII only when it
 * is one of those (final sigma's capital too; checked on every code point by tests/test_lexicon.py), so
 * a line without any is lowered here, A-Z only. Looked up once per BMP code point, as met. */
enum { LEX_WORD = 1, LEX_SPACE = 2, LEX_CASED = 4, LEX_KNOWN = 8 };
static unsigned char lex_bmp[0x10000];

static int lex_class_of(Py_UCS4 c) {
    return LEX_KNOWN | (Py_UNICODE_ISALNUM(c) || c == '_' ? LEX_WORD : 0) | (Py_UNICODE_ISSPACE(c) ? LEX_SPACE : 0) |
           (c >= 128 && (Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISTITLE(c)) ? LEX_CASED : 0);
}

static void fill_lex_ascii(void) {
    for (Py_UCS4 c = 0; c < 128; c++) lex_bmp[c] = (unsigned char)lex_class_of(c);
}

static inline int lex_class(Py_UCS4 c) {
    if (c >= 0x10000) return lex_class_of(c);
    if (!lex_bmp[c]) lex_bmp[c] = (unsigned char)lex_class_of(c);
    return lex_bmp[c];
}

#define LEX_SEED 14695981039346656037ULL  /* FNV-1a over code points: a term's hash is fed piece by piece */
static inline uint64_t lex_feed(uint64_t h, const Py_UCS4 *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static inline uint64_t lex_feed1(uint64_t h, Py_UCS4 c) {
    return (h ^ c) * 1099511628211ULL;
}

static inline size_t lex_slot_of(uint64_t h, size_t mask) {
    return (size_t)(h ^ (h >> 31)) & mask;
}

static inline size_t lex_bit_of(uint64_t h, size_t mask) {  /* FNV's best-mixed bits are its top ones */
    return (size_t)(h >> 40) & mask;
}

/* Whether the term of hash h can be in the table (0: it is not). */
static inline int lex_maybe(const LexiconObject *t, uint64_t h) {
    size_t b = lex_bit_of(h, t->bloom_mask);
    return (int)((t->bloom[b >> 6] >> (b & 63)) & 1);
}

/* The weight of the term (lead ? "^" : "") + a + (b ? " " + b : "") of hash h into *w: 1 found, 0 not. */
static ALWAYS_INLINE int lex_find(const LexiconObject *t, uint64_t h, int lead, const Py_UCS4 *a, Py_ssize_t na,
                    const Py_UCS4 *b, Py_ssize_t nb, double *w) {
    Py_ssize_t len = (lead ? 1 : 0) + na + (b ? nb + 1 : 0);
    if (!lex_maybe(t, h)) return 0;
    for (size_t i = lex_slot_of(h, t->mask);; i = (i + 1) & t->mask) {
        const LexSlot *slot = &t->slots[i];
        if (!slot->term) return 0;
        if (slot->tag != (uint32_t)(h >> 32)) continue;
        const LexTerm *s = &t->terms[slot->term - 1];
        if (s->len != len) continue;
        const Py_UCS4 *p = t->pool + s->at;
        if (lead && *p++ != '^') continue;
        Py_ssize_t j = 0;
        while (j < na && p[j] == a[j]) j++;
        if (j < na) continue;
        if (b) {
            if (p[na] != ' ') continue;
            for (p += na + 1, j = 0; j < nb && p[j] == b[j];) j++;
            if (j < nb) continue;
        }
        *w = s->weight;
        return 1;
    }
}

static void lex_scratch_free(LexScratch *s);

static void lexicon_dealloc(LexiconObject *self) {
    Py_XDECREF(self->args);
    lex_scratch_free(&self->scratch);
    PyMem_Free(self->slots);
    PyMem_Free(self->bloom);
    PyMem_Free(self->terms);
    PyMem_Free(self->pool);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *lexicon_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"weights", "sum_cap", "near", "dense", NULL};
    PyObject *weights;
    double cap;
    Py_ssize_t near, dense;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O!dnn", kwlist, &PyDict_Type, &weights, &cap, &near, &dense))
        return NULL;
    if (near < 0 || dense < 0) {
        PyErr_SetString(PyExc_ValueError, "near and dense must not be negative");
        return NULL;
    }
    LexiconObject *self = (LexiconObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->sum_cap = cap;
    self->near = near;
    self->dense = dense;
    self->args = Py_BuildValue("(Odnn)", weights, cap, near, dense);
    Py_ssize_t n = PyDict_GET_SIZE(weights), chars = 0, pos = 0;
    if (n >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "a lexicon of fewer than 2**31 terms");
        Py_DECREF(self);
        return NULL;
    }
    PyObject *key, *value;
    while (PyDict_Next(weights, &pos, &key, &value)) {
        if (!PyUnicode_CheckExact(key) || !PyFloat_CheckExact(value)) {
            PyErr_SetString(PyExc_TypeError, "a lexicon maps str terms to floats");
            Py_DECREF(self);
            return NULL;
        }
        chars += PyUnicode_GET_LENGTH(key);
    }
    size_t size = 8;
    while (size < 2 * (size_t)n + 2) size *= 2;  /* at most half full: every probe ends at an empty slot */
    self->mask = size - 1;
    size_t bits = 512;
    while (bits < 16 * (size_t)n) bits *= 2;
    self->bloom_mask = bits - 1;
    self->bloom = PyMem_Calloc(bits / 64, sizeof(uint64_t));
    self->slots = PyMem_Calloc(size, sizeof(LexSlot));
    self->terms = PyMem_Malloc(sizeof(LexTerm) * (size_t)(n + 1));
    self->pool = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(chars + 1));
    if (self->args == NULL || self->bloom == NULL || self->slots == NULL || self->terms == NULL || self->pool == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        Py_DECREF(self);
        return NULL;
    }
    Py_ssize_t at = 0;
    uint32_t count = 0;
    pos = 0;
    while (PyDict_Next(weights, &pos, &key, &value)) {  /* dict keys: distinct, so no term is met twice */
        Py_ssize_t len = PyUnicode_GET_LENGTH(key);
        if (PyUnicode_AsUCS4(key, self->pool + at, len + 1, 0) == NULL) {
            Py_DECREF(self);
            return NULL;
        }
        uint64_t h = lex_feed(LEX_SEED, self->pool + at, len);
        size_t i = lex_slot_of(h, self->mask);
        size_t bit = lex_bit_of(h, self->bloom_mask);
        self->bloom[bit >> 6] |= (uint64_t)1 << (bit & 63);
        while (self->slots[i].term) i = (i + 1) & self->mask;
        self->terms[count] = (LexTerm){at, len, PyFloat_AS_DOUBLE(value)};
        self->slots[i] = (LexSlot){(uint32_t)(h >> 32), ++count};
        at += len;
    }
    return (PyObject *)self;
}

static void lex_scratch_free(LexScratch *s) {
    PyMem_Free(s->text);
    PyMem_Free(s->start);
    PyMem_Free(s->end);
    PyMem_Free(s->hash);
    PyMem_Free(s->word);
    PyMem_Free(s->found);
    memset(s, 0, sizeof(*s));
}

static int lex_scratch_grow(LexScratch *s, Py_ssize_t n) {
    if (n <= s->cap) return 0;
    Py_ssize_t cap = n > 2 * s->cap ? (n > 255 ? n : 255) : 2 * s->cap;
    lex_scratch_free(s);
    size_t m = (size_t)cap + 1;
    s->text = PyMem_Malloc(sizeof(Py_UCS4) * m);
    s->start = PyMem_Malloc(sizeof(Py_ssize_t) * m);
    s->end = PyMem_Malloc(sizeof(Py_ssize_t) * m);
    s->hash = PyMem_Malloc(sizeof(uint64_t) * m);
    s->word = PyMem_Malloc(m);
    s->found = PyMem_Malloc(sizeof(double) * 2 * m);  /* at most n tokens and n - 1 bigrams */
    if (!s->text || !s->start || !s->end || !s->hash || !s->word || !s->found) {
        lex_scratch_free(s);
        PyErr_NoMemory();
        return -1;
    }
    s->cap = cap;
    return 0;
}

/* lexicon.line_values of one stripped line `key` into out[0..5): (mean, max, min, clipped sum, lead);
 * 0, or -1 with an exception. */
static int lex_line(const LexiconObject *t, PyObject *key, LexScratch *s, double *out) {
    if (!PyUnicode_CheckExact(key)) {  /* str.lower() then runs no Python code that could call us again */
        PyErr_SetString(PyExc_TypeError, "a line's key must be a str (not a subclass)");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    if (lex_scratch_grow(s, n) < 0) return -1;
    int kind = PyUnicode_KIND(key), cased = 0;
    const void *data = PyUnicode_DATA(key);
    /* lowered as str.lower() lowers a line of no upper or title case; most lines are one byte a character */
#define LEX_LOWER(c) do { \
        if ((c) >= 128 && lex_class(c) & LEX_CASED) { cased = 1; break; } \
        s->text[i] = (c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c); \
    } while (0)
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *c = data;
        for (Py_ssize_t i = 0; i < n && !cased; i++) LEX_LOWER((Py_UCS4)c[i]);
    } else {
        for (Py_ssize_t i = 0; i < n && !cased; i++) LEX_LOWER(PyUnicode_READ(kind, data, i));
    }
#undef LEX_LOWER
    if (cased) {  /* full case mapping (e.g. U+0130 -> i + U+0307), final sigma: str.lower() itself */
        PyObject *lower = PyObject_CallMethod(key, "lower", NULL);
        if (lower == NULL) return -1;
        n = PyUnicode_GET_LENGTH(lower);
        if (lex_scratch_grow(s, n) < 0 || PyUnicode_AsUCS4(lower, s->text, n + 1, 0) == NULL) {
            Py_DECREF(lower);
            return -1;
        }
        Py_DECREF(lower);
    }
    const Py_UCS4 *x = s->text;
    Py_ssize_t nt = 0, nf = 0;
    double w;
    for (Py_ssize_t i = 0; i < n;) {  /* \w+|[^\w\s], left to right; each token looked up as a unigram */
        int cls = lex_class(x[i]);
        if (cls & LEX_SPACE) { i++; continue; }
        Py_ssize_t j = i + 1;
        uint64_t h = lex_feed1(LEX_SEED, x[i]);
        if (cls & LEX_WORD)
            for (; j < n && lex_class(x[j]) & LEX_WORD; j++) h = lex_feed1(h, x[j]);
        s->start[nt] = i;
        s->end[nt] = j;
        s->word[nt] = (cls & LEX_WORD) != 0;
        s->hash[nt] = h;
        if (lex_find(t, s->hash[nt], 0, x + i, j - i, NULL, 0, &w)) s->found[nf++] = w;
        nt++;
        i = j;
    }
    for (Py_ssize_t a = -1, b = 0; b < nt; b++) {  /* bigrams of consecutive word tokens */
        if (!s->word[b]) continue;
        if (a >= 0) {
            const Py_UCS4 *wb = x + s->start[b];
            Py_ssize_t nb = s->end[b] - s->start[b];
            uint64_t h = lex_feed(lex_feed1(s->hash[a], ' '), wb, nb);
            if (lex_find(t, h, 0, x + s->start[a], s->end[a] - s->start[a], wb, nb, &w)) s->found[nf++] = w;
        }
        a = b;
    }
    double lead = 0.0;
    if (nt >= 2) {
        const Py_UCS4 *a = x + s->start[0], *b = x + s->start[1];
        Py_ssize_t na = s->end[0] - s->start[0], nb = s->end[1] - s->start[1];
        uint64_t h = lex_feed(lex_feed1(lex_feed(lex_feed1(LEX_SEED, '^'), a, na), ' '), b, nb);
        if (!lex_find(t, h, 1, a, na, b, nb, &lead)) lead = 0.0;
    }
    out[4] = lead;
    if (nf == 0) {
        out[0] = out[1] = out[2] = out[3] = 0.0;
        return 0;
    }
    double total = python_sum_of_products(NULL, s->found, nf), hi = s->found[0], lo = s->found[0];
    for (Py_ssize_t i = 1; i < nf; i++) {
        if (s->found[i] > hi) hi = s->found[i];
        if (s->found[i] < lo) lo = s->found[i];
    }
    double clipped = total < t->sum_cap ? total : t->sum_cap;  /* max(-cap, min(cap, total)) */
    out[0] = total / (double)nf;
    out[1] = hi;
    out[2] = lo;
    out[3] = clipped > -t->sum_cap ? clipped : -t->sum_cap;
    return 0;
}

#define LEX_NEAR 5  /* lexicon.LEXICAL_FEATURES: lex_mean, lex_max, lex_min, lex_sum, lex_lead, lex_near, lex_dense */
#define LEX_DENSE 6

/* Code c's value of row k: a window's (near, dense) or the line's own five. */
static inline double lex_value(int c, Py_ssize_t k, const double *values, const double *near, const double *dense) {
    return c == LEX_NEAR ? near[k] : c == LEX_DENSE ? dense[k] : values[5 * k + c];
}

/* The rows of lexicon_columns, packed: n rows of doubles, before[k]'s floats then the codes' values. */
static PyObject *lex_packed(PyObject *before, Py_ssize_t n, const int *code, Py_ssize_t nc, const double *values,
                            const double *near, const double *dense) {
    Py_ssize_t nh = 0;
    if (before != Py_None && n) {
        PyObject *head = PyList_GET_ITEM(before, 0);
        if (!PyTuple_Check(head)) { PyErr_SetString(PyExc_TypeError, "before: one tuple per key"); return NULL; }
        nh = PyTuple_GET_SIZE(head);
    }
    Py_ssize_t width = nh + nc;
    PyObject *result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(double) * n * width);
    double *row = PyMem_Malloc(sizeof(double) * (size_t)(width + 1));
    if (result == NULL || row == NULL) {
        Py_XDECREF(result);
        PyMem_Free(row);
        return row == NULL ? PyErr_NoMemory() : NULL;
    }
    char *out = PyBytes_AS_STRING(result);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *head = nh ? PyList_GET_ITEM(before, k) : NULL;
        if (head != NULL && (!PyTuple_Check(head) || doubles(head, row, nh) < 0)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "before: one tuple per key");
            Py_CLEAR(result);
            break;
        }
        for (Py_ssize_t c = 0; c < nc; c++) row[nh + c] = lex_value(code[c], k, values, near, dense);
        memcpy(out + sizeof(double) * (size_t)(k * width), row, sizeof(double) * (size_t)width);
    }
    PyMem_Free(row);
    return result;
}

/* The codes of a tuple (indexes into LEXICAL_FEATURES) into code (room for LEX_DENSE + 1), *has_near and
 * *has_dense whether lex_near and lex_dense are among them: how many, or -1 with an exception. */
static Py_ssize_t lex_codes(PyObject *codes, int *code, int *has_near, int *has_dense) {
    Py_ssize_t nc = PyTuple_GET_SIZE(codes);
    *has_near = *has_dense = 0;
    if (nc > LEX_DENSE + 1) { PyErr_SetString(PyExc_ValueError, "too many codes"); return -1; }
    for (Py_ssize_t c = 0; c < nc; c++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(codes, c));
        if (v == -1 && PyErr_Occurred()) return -1;
        if (v < 0 || v > LEX_DENSE) { PyErr_SetString(PyExc_ValueError, "a code is 0 to 6"); return -1; }
        code[c] = (int)v;
        *has_near |= v == LEX_NEAR;
        *has_dense |= v == LEX_DENSE;
    }
    return nc;
}

/* The windows of n lines' values (`values`: 10n + 1 doubles, each line's five first): lex_near's (the
 * means') when has_near and lex_dense's (of max(0.0, lex_max)) when has_dense, computed in the rest of
 * `values`, where *near and *dense then point. */
static void lex_windows(const LexiconObject *t, double *values, Py_ssize_t n, int has_near, int has_dense,
                        double **near, double **dense) {
    double *means = values + 5 * n, *prefix = means + n, *hits = prefix + n + 1;
    *near = hits + n;
    *dense = *near + n;
    for (Py_ssize_t k = 0; k < n; k++) {
        means[k] = values[5 * k];
        hits[k] = values[5 * k + 1] > 0.0 ? values[5 * k + 1] : 0.0;  /* max(0.0, lex_max) */
    }
    if (has_near) window_mean_of(means, n, t->near, prefix, *near);
    if (has_dense) window_mean_of(hits, n, t->dense, prefix, *dense);
}

/* columns(keys, codes, before, cache, packed=False) -> list of tuples: per key (a stripped line),
 * before[k] (a tuple; before: None or a list) followed by the values of `codes` (indexes into
 * LEXICAL_FEATURES), as lexicon.columns gives them; packed: those rows as the bytes of n rows of doubles
 * (before's items floats), score_document's `hints`. cache (a dict, or None): key -> its five values as
 * the bytes of five doubles, read and added to (a line is met again in a document's later pass, and on
 * a site's pages). */
static PyObject *lexicon_columns(LexiconObject *self, PyObject *args) {
    PyObject *keys, *codes, *before, *cache;
    int packed = 0;
    if (!PyArg_ParseTuple(args, "O!O!OO|p", &PyList_Type, &keys, &PyTuple_Type, &codes, &before, &cache, &packed))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(keys), nc = PyTuple_GET_SIZE(codes);
    if (before != Py_None && (!PyList_Check(before) || PyList_GET_SIZE(before) != n)) {
        PyErr_SetString(PyExc_ValueError, "before: None or a list, one tuple per key");
        return NULL;
    }
    if (cache != Py_None && !PyDict_Check(cache)) {
        PyErr_SetString(PyExc_TypeError, "cache: None or a dict");
        return NULL;
    }
    int code[LEX_DENSE + 1], has_near, has_dense;
    if (lex_codes(codes, code, &has_near, &has_dense) < 0) return NULL;
    double *values = PyMem_Malloc(sizeof(double) * (size_t)(10 * n + 1));  /* 5 a line, then the windows' */
    if (values == NULL) return PyErr_NoMemory();
    double *near, *dense;
    LexScratch *scratch = &self->scratch;
    PyObject *result = NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *key = PyList_GET_ITEM(keys, k), *known = NULL;
        double *v = values + 5 * k;
        if (cache != Py_None && (known = PyDict_GetItemWithError(cache, key)) == NULL && PyErr_Occurred()) goto done;
        if (known != NULL && PyBytes_CheckExact(known) && PyBytes_GET_SIZE(known) == 5 * sizeof(double)) {
            memcpy(v, PyBytes_AS_STRING(known), 5 * sizeof(double));
        } else {
            if (lex_line(self, key, scratch, v) < 0) goto done;
            if (cache != Py_None) {
                PyObject *bytes = PyBytes_FromStringAndSize((const char *)v, 5 * sizeof(double));
                int failed = bytes == NULL || PyDict_SetItem(cache, key, bytes) < 0;
                Py_XDECREF(bytes);
                if (failed) goto done;
            }
        }
    }
    lex_windows(self, values, n, has_near, has_dense, &near, &dense);
    if (packed) {
        result = lex_packed(before, n, code, nc, values, near, dense);
        goto done;
    }
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *head = before == Py_None ? NULL : PyList_GET_ITEM(before, k);
        if (head != NULL && !PyTuple_Check(head)) {
            PyErr_SetString(PyExc_TypeError, "before: one tuple per key");
            Py_CLEAR(result);
            goto done;
        }
        Py_ssize_t nh = head == NULL ? 0 : PyTuple_GET_SIZE(head);
        PyObject *row = PyTuple_New(nh + nc);
        if (row == NULL) { Py_CLEAR(result); goto done; }
        PyList_SET_ITEM(result, k, row);
        for (Py_ssize_t i = 0; i < nh; i++) PyTuple_SET_ITEM(row, i, Py_NewRef(PyTuple_GET_ITEM(head, i)));
        for (Py_ssize_t c = 0; c < nc; c++) {
            PyObject *v = shared_float(lex_value(code[c], k, values, near, dense));
            if (v == NULL) { Py_CLEAR(result); goto done; }
            PyTuple_SET_ITEM(row, nh + c, v);
        }
        if (head == NULL) untrack(row);  /* floats only */
    }
done:
    PyMem_Free(values);
    return result;
}

static PyObject *lexicon_reduce(LexiconObject *self, PyObject *Py_UNUSED(ignored)) {
    return Py_BuildValue("(OO)", (PyObject *)Py_TYPE(self), self->args);
}

static PyMethodDef lexicon_methods[] = {
    {"columns", (PyCFunction)lexicon_columns, METH_VARARGS,
     "columns(keys, codes, before, cache, packed=False): lexicon.columns of stripped lines, each row after "
     "before[k]."},
    {"__reduce__", (PyCFunction)lexicon_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject LexiconType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.search._linefast.Lexicon",
    .tp_doc = "A line model's lexicon (rules/lexicon.py), hashed for columns().",
    .tp_basicsize = sizeof(LexiconObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = lexicon_new,
    .tp_dealloc = (destructor)lexicon_dealloc,
    .tp_methods = lexicon_methods,
};

/* ---- the facts cache held in C (rules/line_facts: the compiled spec's cache) ----------------------------- */

/* FactsCache(make): line_facts' cache of line facts, (key, indented) -> the line's values, held as doubles
 * (no Python object per line but its key): looked up by facts() (the facts as `make` tuples, as
 * line_facts.facts_of_lines gives them) and packed() (the values as the bytes of n rows of N_VALUES doubles, which
 * score_document takes for its facts; with a Lexicon, also the line's lexicon values, held alike). It
 * looks up, adds and sweeps exactly as line_facts.facts_of and line_facts._sweep do the dict's entries
 * (items() shows them as that dict would hold them), so it holds the same lines in the same order; facts
 * and lexicon values never depend on what is cached. */
typedef struct {
    PyObject *key;  /* a str, owned */
    Py_hash_t hash;  /* of (key, indented) here: the key's hash mixed with indented */
    char indented, reused, has_lex;
    double v[N_VALUES];
    double lex[5];  /* lex_line's values under the cache's lexicon, when has_lex */
} FactEntry;

typedef struct {
    PyObject_HEAD
    PyTypeObject *make;  /* the facts' tuple subclass (LineFacts), owned */
    LexiconObject *lexicon;  /* whose values the entries hold (has_lex), owned, or NULL */
    FactEntry *entries;  /* n of them, in the order they were added (as a dict keeps its items) */
    Py_ssize_t n, room;
    Py_ssize_t *index;  /* open addressing over `mask + 1` slots: an entry's position, or -1 */
    size_t mask;
} FactsCacheObject;

static PyTypeObject FactsCacheType;

static inline Py_hash_t fact_hash(Py_hash_t key_hash, int indented) {
    return key_hash ^ (indented ? (Py_hash_t)0x5bd1e995 : 0);
}

static int same_text(PyObject *a, PyObject *b) {
    if (a == b) return 1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    int kind = PyUnicode_KIND(a);
    return n == PyUnicode_GET_LENGTH(b) && kind == PyUnicode_KIND(b) &&
           memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * (size_t)kind) == 0;
}

static void fc_truncate(FactsCacheObject *self, Py_ssize_t kept);

/* The index rebuilt for the entries, with at least twice their room in slots; 0, or -1 with an exception,
 * the cache then emptied (its old index cleared), so it is never left with an index of other entries. */
static int fc_reindex(FactsCacheObject *self) {
    size_t slots = 16;
    while (slots < 2 * (size_t)self->room + 2) slots <<= 1;
    Py_ssize_t *index = PyMem_Malloc(sizeof(Py_ssize_t) * slots);
    if (index == NULL) {
        fc_truncate(self, 0);
        for (size_t i = 0; self->index != NULL && i <= self->mask; i++) self->index[i] = -1;
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < slots; i++) index[i] = -1;
    for (Py_ssize_t e = 0; e < self->n; e++) {
        size_t i = (size_t)self->entries[e].hash & (slots - 1);
        while (index[i] != -1) i = (i + 1) & (slots - 1);
        index[i] = e;
    }
    PyMem_Free(self->index);
    self->index = index;
    self->mask = slots - 1;
    return 0;
}

/* The entry of (key, indented), or NULL; *slot: where it is or would go in the index. */
static FactEntry *fc_find(FactsCacheObject *self, PyObject *key, int indented, Py_hash_t hash, size_t *slot) {
    size_t i = (size_t)hash & self->mask;
    for (; self->index[i] != -1; i = (i + 1) & self->mask) {
        FactEntry *e = self->entries + self->index[i];
        if (e->hash == hash && e->indented == indented && same_text(e->key, key)) { *slot = i; return e; }
    }
    *slot = i;
    return NULL;
}

/* Drop entries from position `kept` on (their keys released). */
static void fc_truncate(FactsCacheObject *self, Py_ssize_t kept) {
    for (Py_ssize_t e = kept; e < self->n; e++) Py_CLEAR(self->entries[e].key);
    self->n = kept;
}

/* Give back the entries' memory a larger document left behind: room for `limit` entries (what the cache
 * holds before its next sweep), the next power of two, when it has more. A worker that met one long
 * document kept room for all its lines (a 10 MB text's: 13 MB) for the rest of its life. Called before
 * fc_reindex, which sizes the index by the room. */
static void fc_shrink(FactsCacheObject *self, Py_ssize_t limit) {
    Py_ssize_t room = 64;
    while (room < limit) room *= 2;
    if (self->room <= room || self->n > room) return;
    FactEntry *entries = PyMem_Realloc(self->entries, sizeof(FactEntry) * (size_t)room);
    if (entries == NULL) return;  /* keeping the larger block changes nothing but the memory held */
    self->entries = entries;
    self->room = room;
}

/* line_facts._sweep: the entries looked up again since the last sweep stay, in order and marked not reused,
 * unless there are more than limit // 2 of them: then none stay. 0, or -1 with an exception. */
static int fc_sweep(FactsCacheObject *self, Py_ssize_t limit) {
    Py_ssize_t half = limit >= 0 ? limit / 2 : -((-limit + 1) / 2);  /* Python's floor division */
    Py_ssize_t reused = 0;
    for (Py_ssize_t e = 0; e < self->n; e++) reused += self->entries[e].reused;
    if (reused > half) {
        fc_truncate(self, 0);
        fc_shrink(self, limit);
        return fc_reindex(self);
    }
    Py_ssize_t to = 0;
    for (Py_ssize_t e = 0; e < self->n; e++) {
        FactEntry *entry = self->entries + e;
        if (!entry->reused) { Py_CLEAR(entry->key); continue; }
        entry->reused = 0;
        if (to != e) { self->entries[to] = *entry; entry->key = NULL; }
        to++;
    }
    self->n = to;
    fc_shrink(self, limit);
    return fc_reindex(self);
}

/* The entry of line `text` (stripped: `key`): looked up, or its values computed and added (after a sweep when
 * the cache holds `limit` lines), as line_facts.facts_of; a pointer into the cache valid until its next
 * change, or NULL with an exception. */
static FactEntry *fc_entry(FactsCacheObject *self, SpecObject *spec, PyObject *text, PyObject *key,
                               Py_ssize_t limit) {
    if (!PyUnicode_Check(text) || !PyUnicode_Check(key)) { PyErr_SetString(PyExc_TypeError, "expected str"); return NULL; }
    int indented = PyUnicode_GET_LENGTH(text) > 0 && Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, 0));
    Py_hash_t key_hash = PyObject_Hash(key);
    if (key_hash == -1) return NULL;
    Py_hash_t hash = fact_hash(key_hash, indented);
    size_t slot;
    FactEntry *found = fc_find(self, key, indented, hash, &slot);
    if (found != NULL) {
        found->reused = 1;
        return found;
    }
    double v[N_VALUES];
    if (facts_values(spec, text, key, v) < 0) return NULL;  /* before any change: an error leaves it as it was */
    /* A str subclass's lower() may have run Python code that changed the cache: look again. */
    if ((found = fc_find(self, key, indented, hash, &slot)) != NULL) {
        found->reused = 1;
        return found;
    }
    int moved = 0;
    if (self->n >= limit) {
        if (fc_sweep(self, limit) < 0) return NULL;
        moved = 1;
    }
    if (self->n == self->room) {
        Py_ssize_t room = self->room ? 2 * self->room : 64;
        FactEntry *entries = PyMem_Realloc(self->entries, sizeof(FactEntry) * (size_t)room);
        if (entries == NULL) { PyErr_NoMemory(); return NULL; }
        self->entries = entries;
        self->room = room;
        if (fc_reindex(self) < 0) return NULL;
        moved = 1;
    }
    if (moved) fc_find(self, key, indented, hash, &slot);
    FactEntry *entry = self->entries + self->n;
    entry->key = Py_NewRef(key);
    entry->hash = hash;
    entry->indented = (char)indented;
    entry->reused = 0;
    entry->has_lex = 0;
    memcpy(entry->v, v, sizeof(v));
    self->index[slot] = self->n++;
    return entry;
}

/* fc_entry's values. */
static const double *fc_values(FactsCacheObject *self, SpecObject *spec, PyObject *text, PyObject *key,
                               Py_ssize_t limit) {
    FactEntry *entry = fc_entry(self, spec, text, key, limit);
    return entry == NULL ? NULL : entry->v;
}

/* Parse (spec, texts, lines, keys, limit) of facts() and packed(); 0, or -1 with an exception. */
static int fc_args(PyObject *args, SpecObject **spec, PyObject **texts, PyObject **lines, PyObject **keys,
                   Py_ssize_t *limit) {
    if (!PyArg_ParseTuple(args, "O!O!O!O!n", &SpecType, spec, &PyList_Type, texts, &PyList_Type, lines,
                          &PyList_Type, keys, limit))
        return -1;
    if (PyList_GET_SIZE(*lines) != PyList_GET_SIZE(*keys)) {
        PyErr_SetString(PyExc_ValueError, "lines and keys of different lengths");
        return -1;
    }
    return 0;
}

/* texts[lines[j]], checked; a borrowed reference, or NULL with an exception. */
static PyObject *fc_text(PyObject *texts, PyObject *lines, Py_ssize_t j) {
    Py_ssize_t i = PyLong_AsSsize_t(PyList_GET_ITEM(lines, j));
    if (i == -1 && PyErr_Occurred()) return NULL;
    if (i < 0 || i >= PyList_GET_SIZE(texts)) { PyErr_SetString(PyExc_IndexError, "line out of range"); return NULL; }
    return PyList_GET_ITEM(texts, i);
}

/* facts(spec, texts, lines, keys, limit) -> list: line_facts.facts_of of each line lines[j] (key keys[j]), in
 * order, as `make` tuples. */
static PyObject *fc_facts(FactsCacheObject *self, PyObject *args) {
    SpecObject *spec;
    PyObject *texts, *lines, *keys;
    Py_ssize_t limit;
    if (fc_args(args, &spec, &texts, &lines, &keys, &limit) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    PyObject *result = PyList_New(n);
    if (result == NULL) return NULL;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *text = fc_text(texts, lines, j), *item;
        const double *held = text == NULL ? NULL : fc_values(self, spec, text, PyList_GET_ITEM(keys, j), limit);
        double v[N_VALUES];  /* copied: making the tuple may collect garbage, whose finalizers may use the cache */
        if (held != NULL) memcpy(v, held, sizeof(v));
        if (held == NULL || (item = facts_tuple(v, self->make)) == NULL) { Py_DECREF(result); return NULL; }
        PyList_SET_ITEM(result, j, item);
    }
    return result;
}

/* The entry's lexicon values under `lexicon` into out (5 doubles): those held, or computed, then held in the
 * entry found again (computing may run Python code, str.lower()'s, that changes the cache); 0, or -1 with an
 * exception. */
static int fc_lexical(FactsCacheObject *self, FactEntry *entry, LexiconObject *lexicon, double *out) {
    if (self->lexicon != lexicon) {  /* another table: the values held are not its */
        for (Py_ssize_t e = 0; e < self->n; e++) self->entries[e].has_lex = 0;
        Py_XSETREF(self->lexicon, (LexiconObject *)Py_NewRef(lexicon));
    }
    if (entry->has_lex) {
        memcpy(out, entry->lex, sizeof(entry->lex));
        return 0;
    }
    PyObject *key = Py_NewRef(entry->key);
    Py_hash_t hash = entry->hash;
    int indented = entry->indented;
    int failed = lex_line(lexicon, key, &lexicon->scratch, out) < 0;
    size_t slot;
    FactEntry *again = failed || self->lexicon != lexicon ? NULL : fc_find(self, key, indented, hash, &slot);
    if (again != NULL) {
        memcpy(again->lex, out, sizeof(again->lex));
        again->has_lex = 1;
    }
    Py_DECREF(key);
    return failed ? -1 : 0;
}

/* The lexical columns of the n lines whose lexicon values are `values` (10n + 1 doubles, 5 a line first, the
 * rest scratch), packed as Lexicon.columns(keys, codes, None, cache, packed=True) packs them; a new
 * reference, or NULL. */
static PyObject *fc_lexical_rows(LexiconObject *lexicon, PyObject *codes, double *values, Py_ssize_t n) {
    int code[LEX_DENSE + 1], has_near, has_dense;
    Py_ssize_t nc = lex_codes(codes, code, &has_near, &has_dense);
    if (nc < 0) return NULL;
    double *near, *dense;
    lex_windows(lexicon, values, n, has_near, has_dense, &near, &dense);
    return lex_packed(Py_None, n, code, nc, values, near, dense);
}

/* packed(spec, texts, lines, keys, limit, lexicon=None, codes=None) -> bytes: the values `facts` gives, as n
 * rows of N_VALUES doubles; with a Lexicon and its codes (indexes into LEXICAL_FEATURES), (those bytes, the
 * lines' lexical columns as lexicon.columns(keys, codes, None, cache, packed=True) gives them), each line's
 * lexicon values held with its facts. */
static PyObject *fc_packed(FactsCacheObject *self, PyObject *args) {
    SpecObject *spec;
    PyObject *texts, *lines, *keys, *codes = Py_None;
    LexiconObject *lexicon = NULL;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "O!O!O!O!n|O!O!", &SpecType, &spec, &PyList_Type, &texts, &PyList_Type, &lines,
                          &PyList_Type, &keys, &limit, &LexiconType, &lexicon, &PyTuple_Type, &codes))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(lines);
    if (PyList_GET_SIZE(keys) != n || (lexicon != NULL) != (codes != Py_None)) {
        PyErr_SetString(PyExc_ValueError, "lines and keys of one length; a lexicon with its codes");
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)sizeof(double) * N_VALUES * n);
    double *values = lexicon == NULL ? NULL : PyMem_Malloc(sizeof(double) * (size_t)(10 * n + 1));
    if (result == NULL || (lexicon != NULL && values == NULL)) {
        Py_XDECREF(result);
        return result == NULL ? NULL : PyErr_NoMemory();
    }
    double *out = (double *)PyBytes_AS_STRING(result);
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *text = fc_text(texts, lines, j);
        FactEntry *entry = text == NULL ? NULL : fc_entry(self, spec, text, PyList_GET_ITEM(keys, j), limit);
        if (entry != NULL) memcpy(out + N_VALUES * j, entry->v, sizeof(double) * N_VALUES);
        if (entry == NULL || (lexicon != NULL && fc_lexical(self, entry, lexicon, values + 5 * j) < 0)) {
            Py_CLEAR(result);
            break;
        }
    }
    if (result != NULL && lexicon != NULL) {
        PyObject *rows = fc_lexical_rows(lexicon, codes, values, n);
        result = rows == NULL ? (Py_DECREF(result), NULL) : Py_BuildValue("(NN)", result, rows);
    }
    PyMem_Free(values);
    return result;
}

/* items() -> list: [((key, indented), [facts, reused])], the entries as line_facts' dict would hold them. */
static PyObject *fc_items(FactsCacheObject *self, PyObject *Py_UNUSED(ignored)) {
    PyObject *result = PyList_New(self->n);
    if (result == NULL) return NULL;
    for (Py_ssize_t e = 0; e < PyList_GET_SIZE(result); e++) {
        if (e >= self->n) {  /* (a finalizer run by a collection below changed the cache: so be it) */
            Py_DECREF(result);
            PyErr_SetString(PyExc_RuntimeError, "the cache changed while its items were read");
            return NULL;
        }
        FactEntry entry = self->entries[e];  /* copied: building may collect garbage, whose finalizers... */
        Py_INCREF(entry.key);
        PyObject *facts = facts_tuple(entry.v, self->make);
        PyObject *item = facts == NULL ? NULL
            : Py_BuildValue("((OO)[NO])", entry.key, entry.indented ? Py_True : Py_False, facts,
                            entry.reused ? Py_True : Py_False);
        Py_DECREF(entry.key);
        if (item == NULL) { Py_DECREF(result); return NULL; }
        PyList_SET_ITEM(result, e, item);
    }
    return result;
}

static PyObject *fc_clear(FactsCacheObject *self, PyObject *Py_UNUSED(ignored)) {
    fc_truncate(self, 0);
    PyMem_Free(self->entries);  /* forgotten, and their memory given back */
    self->entries = NULL;
    self->room = 0;
    if (fc_reindex(self) < 0) return NULL;
    Py_RETURN_NONE;
}

/* sys.getsizeof: the object, its entries' room and its index. */
static PyObject *fc_sizeof(FactsCacheObject *self, PyObject *Py_UNUSED(ignored)) {
    size_t size = (size_t)Py_TYPE(self)->tp_basicsize + sizeof(FactEntry) * (size_t)self->room +
                  sizeof(Py_ssize_t) * (self->index != NULL ? self->mask + 1 : 0);
    return PyLong_FromSize_t(size);
}

static PyObject *fc_reduce(FactsCacheObject *self, PyObject *Py_UNUSED(ignored)) {
    return Py_BuildValue("(O(O))", (PyObject *)Py_TYPE(self), (PyObject *)self->make);  /* pickled empty */
}

static Py_ssize_t fc_len(FactsCacheObject *self) {
    return self->n;
}

static PyObject *fc_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *make;
    if (!PyArg_ParseTuple(args, "O!:FactsCache", &PyType_Type, &make)) return NULL;
    if (kwds != NULL && PyDict_GET_SIZE(kwds)) { PyErr_SetString(PyExc_TypeError, "FactsCache(make)"); return NULL; }
    if (!PyType_IsSubtype((PyTypeObject *)make, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "make must be a tuple subclass");
        return NULL;
    }
    FactsCacheObject *self = (FactsCacheObject *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    self->make = (PyTypeObject *)Py_NewRef(make);
    if (fc_reindex(self) < 0) { Py_DECREF(self); return NULL; }
    return (PyObject *)self;
}

static void fc_dealloc(FactsCacheObject *self) {
    fc_truncate(self, 0);
    PyMem_Free(self->entries);
    PyMem_Free(self->index);
    Py_XDECREF(self->make);
    Py_XDECREF(self->lexicon);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyMethodDef fc_methods[] = {
    {"facts", (PyCFunction)fc_facts, METH_VARARGS,
     "facts(spec, texts, lines, keys, limit): line_facts.facts_of of each line, in order."},
    {"packed", (PyCFunction)fc_packed, METH_VARARGS,
     "packed(spec, texts, lines, keys, limit, lexicon=None, codes=None): the lines' values as bytes, n rows of "
     "14 doubles (with a lexicon: and their lexical columns, packed)."},
    {"items", (PyCFunction)fc_items, METH_NOARGS, "[((key, indented), [facts, reused])], in order."},
    {"clear", (PyCFunction)fc_clear, METH_NOARGS, "Forget every line."},
    {"__sizeof__", (PyCFunction)fc_sizeof, METH_NOARGS, "The bytes held: the object, its entries' room, its index."},
    {"__reduce__", (PyCFunction)fc_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods fc_as_sequence = {.sq_length = (lenfunc)fc_len};

static PyTypeObject FactsCacheType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "cleaner.search._linefast.FactsCache",
    .tp_doc = "line_facts' cache of line facts, held in C (FactsCache(make)).",
    .tp_basicsize = sizeof(FactsCacheObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = fc_new,
    .tp_dealloc = (destructor)fc_dealloc,
    .tp_methods = fc_methods,
    .tp_as_sequence = &fc_as_sequence,
};

static PyMethodDef methods[] = {
    {"records", records, METH_VARARGS, "([r.to_dict() for r in removals], provenance.count_removals(removals))."},
    {"spans", spans, METH_VARARGS, "engine/decide._spans: a document's removed lines grouped into removals."},
    {"window_mean", window_mean, METH_VARARGS,
     "windows.window_mean of a list of bools or floats (None for anything else)."},
    {"facts", (PyCFunction)(void (*)(void))facts, METH_FASTCALL,
     "facts(spec, text, key) -> (values, prose, short, furniture): a line's facts (features._LineFacts)."},
    {"second_probabilities", second_probabilities, METH_VARARGS,
     "The line model's second stage over a document's first-stage probabilities (rules/second_stage.py)."},
    {"explain", explain, METH_VARARGS,
     "LinearModel.explain of some of a document's rows, before rounding (the rows as probabilities takes them)."},
    {"score_document", score_document, METH_VARARGS,
     "A document's line model in one call: its rows, probabilities, main run and region (features.scores)."},
    {"probabilities", probabilities, METH_VARARGS,
     "The line model's probability of every row of a document (features._Rows.row, LinearModel.probability)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linefast", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__linefast(void) {
    fill_ascii_class();
    fill_lex_ascii();
    if (float_zero == NULL && ((float_zero = PyFloat_FromDouble(0.0)) == NULL ||
                               (float_one = PyFloat_FromDouble(1.0)) == NULL))
        return NULL;
    if (PyType_Ready(&SpecType) < 0 || PyType_Ready(&MatchEndsType) < 0 || PyType_Ready(&ScoredType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    /* context plans' after_removed / before_removed may leave out removals inside the prose (boxed_runs) */
    if (PyModule_AddIntConstant(m, "LANDMARKS_APART", 1) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddFunctions(m, text_kind_methods) < 0) {  /* the text kinds' region, above */
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&SpecType);
    if (PyModule_AddObject(m, "Spec", (PyObject *)&SpecType) < 0) {
        Py_DECREF(&SpecType);
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&MatchEndsType);
    if (PyModule_AddObject(m, "MatchEnds", (PyObject *)&MatchEndsType) < 0) {
        Py_DECREF(&MatchEndsType);
        Py_DECREF(m);
        return NULL;
    }
    if (PyType_Ready(&LexiconType) < 0 || PyModule_AddObjectRef(m, "Lexicon", (PyObject *)&LexiconType) < 0 ||
        PyType_Ready(&FactsCacheType) < 0 || PyModule_AddObjectRef(m, "FactsCache", (PyObject *)&FactsCacheType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
