/* The line model's per-line work in C: a line's facts and the logistic model's probability of every
 * row of a document. A speed-up that never changes a result: cleaner/rules/features.py is the
 * reference, and tests/test_linefast.py checks that both give the same floats, bit for bit, on
 * generated lines and documents. Same floats, because every value is computed by the same operations
 * in the same order: CPython's str predicates are the Py_UNICODE_IS* macros used here, math.log1p
 * and math.exp are the C library's, int / int of small ints is one double division, and the model's
 * dot product adds its products left to right as builtin sum() does (with the compensation sum()
 * adds from Python 3.12 on). Built with -ffp-contract=off, so no multiply-add is fused.
 *
 * facts(spec, text, key) -> (values, prose, short, furniture): `_LineFacts` of one line;
 * probabilities(...) -> list[float]: `model.probability(row(k))` for every row k.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#define N_VALUES 14

/* ---- a line's facts ------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *args;            /* what it was made from, for pickling */
    PyObject *stop_words;      /* frozenset[str] */
    Py_ssize_t stop_max;       /* longest stop word, in code points */
    Py_UCS4 **words;           /* furniture words (lower-case, non-empty), as code points */
    Py_ssize_t *word_lens;
    Py_ssize_t n_words;
    Py_ssize_t *by_first;             /* word indices, those starting with each ASCII character together */
    Py_ssize_t first_at[129];         /* by_first[first_at[c]:first_at[c + 1]] start with ASCII c */
    Py_ssize_t n_other;               /* by_first[first_at[128]:] start with a non-ASCII character */
    PyObject *link_tokens;     /* tuple[str] */
    long prose_min_words, prose_min_chars, short_chars;
} SpecObject;

static void spec_dealloc(SpecObject *self) {
    Py_XDECREF(self->args);
    Py_XDECREF(self->stop_words);
    Py_XDECREF(self->link_tokens);
    for (Py_ssize_t i = 0; i < self->n_words; i++) PyMem_Free(self->words[i]);
    PyMem_Free(self->words);
    PyMem_Free(self->word_lens);
    PyMem_Free(self->by_first);
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
    if (self->args == NULL) goto fail;
    Py_INCREF(stop);
    self->stop_words = stop;
    Py_INCREF(tokens);
    self->link_tokens = tokens;
    self->prose_min_words = pmw;
    self->prose_min_chars = pmc;
    self->short_chars = sc;
    self->stop_max = -1;
    PyObject *iter = PyObject_GetIter(stop), *item;
    if (iter == NULL) goto fail;
    while ((item = PyIter_Next(iter)) != NULL) {
        if (PyUnicode_Check(item) && PyUnicode_GET_LENGTH(item) > self->stop_max)
            self->stop_max = PyUnicode_GET_LENGTH(item);
        Py_DECREF(item);
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) goto fail;
    Py_ssize_t n = PyTuple_GET_SIZE(words);
    self->words = PyMem_Calloc(n ? n : 1, sizeof(Py_UCS4 *));
    self->word_lens = PyMem_Calloc(n ? n : 1, sizeof(Py_ssize_t));
    if (self->words == NULL || self->word_lens == NULL) { PyErr_NoMemory(); goto fail; }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *w = PyTuple_GET_ITEM(words, i);
        if (!PyUnicode_Check(w) || PyUnicode_GET_LENGTH(w) == 0) {
            PyErr_SetString(PyExc_ValueError, "furniture words must be non-empty strings");
            goto fail;
        }
        self->words[i] = PyUnicode_AsUCS4Copy(w);
        if (self->words[i] == NULL) goto fail;
        self->word_lens[i] = PyUnicode_GET_LENGTH(w);
        self->n_words = i + 1;
    }
    /* a counting sort of the words by first character (non-ASCII last) */
    self->by_first = PyMem_Calloc(n ? n : 1, sizeof(Py_ssize_t));
    if (self->by_first == NULL) { PyErr_NoMemory(); goto fail; }
    Py_ssize_t counts[129] = {0};
    for (Py_ssize_t i = 0; i < n; i++) counts[self->words[i][0] < 128 ? self->words[i][0] : 128]++;
    Py_ssize_t at = 0;
    for (int c = 0; c < 129; c++) { self->first_at[c] = at; at += counts[c]; }
    self->n_other = counts[128];
    Py_ssize_t fill[129];
    memcpy(fill, self->first_at, sizeof(fill));
    for (Py_ssize_t i = 0; i < n; i++) self->by_first[fill[self->words[i][0] < 128 ? self->words[i][0] : 128]++] = i;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
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

/* Whether any furniture word occurs in `lower` (what AnyWord.found_in answers). */
static int any_word(SpecObject *spec, PyObject *lower) {
    int kind = PyUnicode_KIND(lower);
    const void *data = PyUnicode_DATA(lower);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lower);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t from = spec->first_at[c < 128 ? c : 128];
        Py_ssize_t to = c < 128 ? spec->first_at[c + 1] : from + spec->n_other;
        for (Py_ssize_t at = from; at < to; at++) {
            Py_ssize_t w = spec->by_first[at];
            const Py_UCS4 *word = spec->words[w];
            Py_ssize_t len = spec->word_lens[w];
            if (word[0] != c || len > n - i) continue;
            Py_ssize_t j = 1;
            while (j < len && PyUnicode_READ(kind, data, i + j) == word[j]) j++;
            if (j == len) return 1;
        }
    }
    return 0;
}

/* sum(w.strip(_STRIP) in stop for w in lower.split()) */
static int stop_count(SpecObject *spec, PyObject *lower, Py_ssize_t *count) {
    int kind = PyUnicode_KIND(lower);
    const void *data = PyUnicode_DATA(lower);
    Py_ssize_t n = PyUnicode_GET_LENGTH(lower), i = 0;
    *count = 0;
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) i++;
        if (i >= n) break;
        Py_ssize_t start = i;
        while (i < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) i++;
        Py_ssize_t a = start, b = i;
        while (a < b && is_strip(PyUnicode_READ(kind, data, a))) a++;
        while (b > a && is_strip(PyUnicode_READ(kind, data, b - 1))) b--;
        if (b - a > spec->stop_max) continue;
        PyObject *word = PyUnicode_Substring(lower, a, b);
        if (word == NULL) return -1;
        int found = PySet_Contains(spec->stop_words, word);
        Py_DECREF(word);
        if (found < 0) return -1;
        *count += found;
    }
    return 0;
}

static PyObject *facts(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyObject_TypeCheck(args[0], &SpecType) || !PyUnicode_Check(args[1]) ||
        !PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "facts(spec, text, key)");
        return NULL;
    }
    SpecObject *spec = (SpecObject *)args[0];
    PyObject *text = args[1], *key = args[2];
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    Py_ssize_t n = PyUnicode_GET_LENGTH(key);
    Py_ssize_t letters = 0, uppers = 0, digits = 0, n_words = 0, alpha_words = 0, upper_words = 0;
    int in_word = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (Py_UNICODE_ISALPHA(c)) letters++;
        if (Py_UNICODE_ISUPPER(c)) uppers++;
        if (Py_UNICODE_ISDIGIT(c)) digits++;
        if (Py_UNICODE_ISSPACE(c)) {
            in_word = 0;
        } else if (!in_word) {  /* a word's first character */
            in_word = 1;
            n_words++;
            if (Py_UNICODE_ISALPHA(c)) alpha_words++;
            if (Py_UNICODE_ISUPPER(c)) upper_words++;
        }
    }
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

    PyObject *lower = PyObject_CallMethod(key, "lower", NULL);
    if (lower == NULL) return NULL;
    Py_ssize_t stops;
    if (stop_count(spec, lower, &stops) < 0) { Py_DECREF(lower); return NULL; }
    Py_ssize_t links = 0;
    for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(spec->link_tokens) && links < 3; t++) {
        Py_ssize_t c = PyUnicode_Count(lower, PyTuple_GET_ITEM(spec->link_tokens, t), 0, PY_SSIZE_T_MAX);
        if (c < 0) { Py_DECREF(lower); return NULL; }
        links += c;
    }
    int furniture = spec->n_words > 0 && any_word(spec, lower);
    Py_DECREF(lower);

    double v[N_VALUES];
    if (n == 0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "division by zero");
        return NULL;
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
    v[9] = links < 3 ? (double)links : 3.0;
    v[10] = furniture;
    v[11] = prose;
    v[12] = is_short;
    v[13] = indented;
    PyObject *values = PyTuple_New(N_VALUES);
    if (values == NULL) return NULL;
    for (int i = 0; i < N_VALUES; i++) {
        PyObject *f = PyFloat_FromDouble(v[i]);
        if (f == NULL) { Py_DECREF(values); return NULL; }
        PyTuple_SET_ITEM(values, i, f);
    }
    return Py_BuildValue("(NOOO)", values, prose ? Py_True : Py_False, is_short ? Py_True : Py_False,
                         furniture ? Py_True : Py_False);
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

/* Left to right, as builtin sum() adds floats (from 0, with Neumaier's compensation from 3.12 on). */
static double python_sum_of_products(const double *w, const double *x, Py_ssize_t n) {
    if (n == 0) return 0.0;  /* sum() of nothing is the int 0; bias + 0 is the bias */
    double total = 0.0 + w[0] * x[0];
#if PY_VERSION_HEX >= 0x030C0000
    double c = 0.0;
    for (Py_ssize_t i = 1; i < n; i++) {
        double item = w[i] * x[i];
        double t = total + item;
        if (fabs(total) >= fabs(item)) c += (total - t) + item;
        else c += (item - t) + total;
        total = t;
    }
    if (c && isfinite(c)) total += c;
#else
    for (Py_ssize_t i = 1; i < n; i++) total += w[i] * x[i];
#endif
    return total;
}

typedef struct {
    PyObject *own, *removed, *removed_near, *density, *furniture_near, *pack_flags, *hints;
} Columns;

/* probabilities(weights, bias, own, removed, removed_near, density, furniture_near, run_first, run_last,
 *               pack_flags, doc, neighbours, hints) -> list[float]
 * own[k]: line k's values and repeat_log (a tuple); removed[k]: bool; pack_flags[k]: a tuple of floats;
 * doc: the DOC_FEATURES values; neighbours: (part, index) per neighbour feature; hints: None or a tuple
 * of floats per line. Row k is laid out as features._Rows.row lays it out. */
static PyObject *probabilities(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *weights_obj, *own, *removed, *removed_near, *density, *furniture_near, *pack_flags, *doc_obj,
        *neighbours_obj, *hints;
    double bias;
    Py_ssize_t run_first, run_last;
    if (!PyArg_ParseTuple(args, "O!dO!O!O!O!O!nnO!O!O!O", &PyTuple_Type, &weights_obj, &bias, &PyList_Type, &own,
                          &PyList_Type, &removed, &PyList_Type, &removed_near, &PyList_Type, &density, &PyList_Type,
                          &furniture_near, &run_first, &run_last, &PyList_Type, &pack_flags, &PyTuple_Type, &doc_obj,
                          &PyTuple_Type, &neighbours_obj, &hints))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(own);
    if (PyList_GET_SIZE(removed) != n || PyList_GET_SIZE(removed_near) != n || PyList_GET_SIZE(density) != n ||
        PyList_GET_SIZE(furniture_near) != n || PyList_GET_SIZE(pack_flags) != n ||
        (hints != Py_None && (!PyList_Check(hints) || PyList_GET_SIZE(hints) != n))) {
        PyErr_SetString(PyExc_ValueError, "columns of different lengths");
        return NULL;
    }
    if (n == 0) return PyList_New(0);
    Py_ssize_t n_own = PyTuple_Check(PyList_GET_ITEM(own, 0)) ? PyTuple_GET_SIZE(PyList_GET_ITEM(own, 0)) : -1;
    Py_ssize_t n_packs = PyTuple_Check(PyList_GET_ITEM(pack_flags, 0)) ? PyTuple_GET_SIZE(PyList_GET_ITEM(pack_flags, 0)) : -1;
    Py_ssize_t n_hints = hints == Py_None ? 0 : (PyTuple_Check(PyList_GET_ITEM(hints, 0)) ? PyTuple_GET_SIZE(PyList_GET_ITEM(hints, 0)) : -1);
    Py_ssize_t n_doc = PyTuple_GET_SIZE(doc_obj), n_nb = PyTuple_GET_SIZE(neighbours_obj);
    if (n_own < 0 || n_packs < 0 || n_hints < 0) {
        PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples");
        return NULL;
    }
    Py_ssize_t width = n_own + 8 + 2 + n_packs + n_doc + 2 * n_nb + n_hints;
    Py_ssize_t n_weights = PyTuple_GET_SIZE(weights_obj);
    if (n_weights != width) {
        PyErr_Format(PyExc_ValueError, "%zd weights for rows of %zd features", n_weights, width);
        return NULL;
    }
    double *buf = PyMem_Malloc(sizeof(double) * (size_t)(2 * width + 3 * n_own + 3 * 2));
    int *nb_part = PyMem_Malloc(sizeof(int) * (size_t)(n_nb ? n_nb : 1));
    Py_ssize_t *nb_index = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n_nb ? n_nb : 1));
    PyObject *result = NULL;
    if (buf == NULL || nb_part == NULL || nb_index == NULL) { PyErr_NoMemory(); goto done; }
    double *weights = buf, *row = buf + width, *owns = row + width, *rules = owns + 3 * n_own;
    if (doubles(weights_obj, weights, width) < 0) goto done;
    for (Py_ssize_t j = 0; j < n_nb; j++) {
        PyObject *slot = PyTuple_GET_ITEM(neighbours_obj, j);
        if (!PyTuple_Check(slot) || PyTuple_GET_SIZE(slot) != 2) {
            PyErr_SetString(PyExc_TypeError, "neighbour slots are (part, index) pairs");
            goto done;
        }
        nb_part[j] = (int)PyLong_AsLong(PyTuple_GET_ITEM(slot, 0));
        nb_index[j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(slot, 1));
        if (PyErr_Occurred()) goto done;
        if (nb_part[j] < 0 || nb_part[j] > 1 || nb_index[j] < 0 || nb_index[j] >= (nb_part[j] ? 2 : n_own)) {
            PyErr_SetString(PyExc_ValueError, "a neighbour slot out of range");
            goto done;
        }
    }
    result = PyList_New(n);
    if (result == NULL) goto done;
    /* owns/rules hold lines k-1, k, k+1 (0, 1, 2); a line past either end is marked by has[] */
    for (Py_ssize_t k = 0; k < n; k++) {
        int has[3];
        for (int d = 0; d < 3; d++) {
            Py_ssize_t m = k - 1 + d;
            has[d] = m >= 0 && m < n;
            if (!has[d]) continue;
            PyObject *values = PyList_GET_ITEM(own, m);
            if (!PyTuple_Check(values) || doubles(values, owns + d * n_own, n_own) < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples");
                goto fail;
            }
            int r = PyObject_IsTrue(PyList_GET_ITEM(removed, m));
            if (r < 0) goto fail;
            rules[2 * d] = r ? 1.0 : 0.0;
            PyObject *near = PyList_GET_ITEM(removed_near, m);
            if (!PyFloat_Check(near)) { PyErr_SetString(PyExc_TypeError, "expected floats"); goto fail; }
            rules[2 * d + 1] = PyFloat_AS_DOUBLE(near);
        }
        Py_ssize_t at = 0;
        memcpy(row, owns + n_own, sizeof(double) * (size_t)n_own);
        at = n_own;
        row[at++] = n > 1 ? (double)k / (double)(n - 1) : 0.0;
        row[at++] = k == 0;
        row[at++] = k == n - 1;
        row[at++] = run_first <= k && k <= run_last;
        row[at++] = k < run_first ? log1p((double)(run_first - k)) : 0.0;
        row[at++] = k > run_last && run_last >= 0 ? log1p((double)(k - run_last)) : 0.0;
        PyObject *dens = PyList_GET_ITEM(density, k), *furn = PyList_GET_ITEM(furniture_near, k);
        if (!PyFloat_Check(dens) || !PyFloat_Check(furn)) { PyErr_SetString(PyExc_TypeError, "expected floats"); goto fail; }
        row[at++] = PyFloat_AS_DOUBLE(dens);
        row[at++] = PyFloat_AS_DOUBLE(furn);
        row[at++] = rules[2];
        row[at++] = rules[3];
        PyObject *flags = PyList_GET_ITEM(pack_flags, k);
        if (!PyTuple_Check(flags) || doubles(flags, row + at, n_packs) < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples");
            goto fail;
        }
        at += n_packs;
        if (doubles(doc_obj, row + at, n_doc) < 0) goto fail;
        at += n_doc;
        for (int d = 0; d < 3; d += 2) {
            for (Py_ssize_t j = 0; j < n_nb; j++)
                row[at++] = !has[d] ? 0.0 : nb_part[j] ? rules[2 * d + nb_index[j]] : owns[d * n_own + nb_index[j]];
        }
        if (n_hints) {
            PyObject *hint = PyList_GET_ITEM(hints, k);
            if (!PyTuple_Check(hint) || doubles(hint, row + at, n_hints) < 0) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "rows' parts must be tuples");
                goto fail;
            }
            at += n_hints;
        }
        double z = bias + python_sum_of_products(weights, row, width);
        double p = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
        PyObject *f = PyFloat_FromDouble(p);
        if (f == NULL) goto fail;
        PyList_SET_ITEM(result, k, f);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyMem_Free(buf);
    PyMem_Free(nb_part);
    PyMem_Free(nb_index);
    return result;
}

/* window_share(flags, radius) -> list[float], or None when a flag is not a bool (windows.window_share
 * then runs): for each position, the share of true flags within +-radius positions. */
static PyObject *window_share(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *flags;
    Py_ssize_t radius;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &flags, &radius)) return NULL;
    if (radius < 0) Py_RETURN_NONE;
    Py_ssize_t n = PyList_GET_SIZE(flags);
    Py_ssize_t *prefix = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    if (prefix == NULL) return PyErr_NoMemory();
    prefix[0] = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *flag = PyList_GET_ITEM(flags, k);
        if (!PyBool_Check(flag)) { PyMem_Free(prefix); Py_RETURN_NONE; }
        prefix[k + 1] = prefix[k] + (flag == Py_True);
    }
    PyObject *shares = PyList_New(n);
    for (Py_ssize_t k = 0; shares != NULL && k < n; k++) {
        Py_ssize_t lo = k - radius > 0 ? k - radius : 0, hi = k + radius + 1 < n ? k + radius + 1 : n;
        PyObject *f = PyFloat_FromDouble((double)(prefix[hi] - prefix[lo]) / (double)(hi - lo));
        if (f == NULL) Py_CLEAR(shares);
        else PyList_SET_ITEM(shares, k, f);
    }
    PyMem_Free(prefix);
    return shares;
}

static PyMethodDef methods[] = {
    {"window_share", window_share, METH_VARARGS, "windows.window_share of a list of bools (None for anything else)."},
    {"facts", (PyCFunction)(void (*)(void))facts, METH_FASTCALL,
     "facts(spec, text, key) -> (values, prose, short, furniture): a line's facts (features._LineFacts)."},
    {"probabilities", probabilities, METH_VARARGS,
     "The line model's probability of every row of a document (features._Rows.row, LinearModel.probability)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_linefast", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__linefast(void) {
    if (PyType_Ready(&SpecType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&SpecType);
    if (PyModule_AddObject(m, "Spec", (PyObject *)&SpecType) < 0) {
        Py_DECREF(&SpecType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
