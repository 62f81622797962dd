/* The text keys of a page's block elements in C, for the HTML line hints (cleaner/io/html_lines.py).
 * A speed-up that never changes a result: html_lines' Python is the reference, and
 * tests/test_html_lines_fast.py checks both give the same answers and the same hints.
 *
 * short_blocks(root, tags, limit, wanted, placed_tag) -> (matches, placed) | None: the elements of
 * `root.iter(*tags)` whose text content `text` (what `text_content()` gives: the descendant text
 * nodes, in document order) has at most `limit` characters are numbered in that order; `matches` is
 * (number, element, key) of each whose `hint_key(text)` is a key of the dict `wanted`, `placed`
 * (element, number) of each named `placed_tag`. None when the page holds a node the reference reads
 * otherwise (an entity reference, text that is not UTF-8): the caller then reads it in Python.
 * text_key(element, limit) -> str | None | False: `hint_key(element.text_content())`, None past
 * `limit` characters, False for such a node.
 *
 * lxml's public C API (lxml.etree_api.h, built against lxml.get_include()) gives an element's
 * libxml2 node and the element of a node (the one lxml would give, created as lxml creates it); the
 * tree is only read. Only the elements returned get a Python object, not every block of the page.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include <libxml/tree.h>

#include "lxml.etree_api.h"

#define MAX_TAGS 64

typedef struct {
    Py_UCS4 *buf;      /* the key so far */
    Py_ssize_t len;    /* its characters */
    Py_ssize_t cap;
    Py_ssize_t chars;  /* the text's characters (len(text)) */
    Py_ssize_t limit;
    int over;          /* more than limit characters */
    int bad;           /* a node or byte the reference reads otherwise */
    int pipe;          /* the key holds '|' */
    Py_UCS4 lead[2];   /* the first two characters of text.lstrip() */
    int leads;
} Key;

static int key_push(Key *k, Py_UCS4 c) {
    if (k->len == k->cap) {
        Py_ssize_t cap = k->cap ? 2 * k->cap : 256;
        Py_UCS4 *buf = PyMem_Realloc(k->buf, cap * sizeof(Py_UCS4));
        if (buf == NULL) return -1;
        k->buf = buf;
        k->cap = cap;
    }
    k->buf[k->len++] = c;
    return 0;
}

/* Add one text node's UTF-8 content (libxml2 holds valid UTF-8; anything else is `bad`). */
static int key_add(Key *k, const unsigned char *s) {
    while (*s) {
        Py_UCS4 c;
        unsigned char b = *s;
        int n;
        if (b < 0x80) { c = b; n = 1; }
        else if ((b & 0xE0) == 0xC0) { c = b & 0x1F; n = 2; }
        else if ((b & 0xF0) == 0xE0) { c = b & 0x0F; n = 3; }
        else if ((b & 0xF8) == 0xF0) { c = b & 0x07; n = 4; }
        else { k->bad = 1; return 0; }
        for (int i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80) { k->bad = 1; return 0; }
            c = (c << 6) | (s[i] & 0x3F);
        }
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) { k->bad = 1; return 0; }
        s += n;
        if (++k->chars > k->limit) { k->over = 1; return 0; }
        if (Py_UNICODE_ISSPACE(c)) {
            if (k->leads == 1) k->lead[k->leads++] = c;
            continue;
        }
        if (k->leads < 2) k->lead[k->leads++] = c;
        if (c == '|') k->pipe = 1;
        if (key_push(k, c) < 0) return -1;
    }
    return 0;
}

/* The text nodes under `node` (not itself, nor its siblings), in document order. */
static int key_of_subtree(Key *k, xmlNode *top) {
    xmlNode *node = top->children;
    while (node != NULL) {
        switch (node->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (node->content != NULL && key_add(k, node->content) < 0) return -1;
            if (k->over || k->bad) return 0;
            break;
        case XML_ELEMENT_NODE:
            if (node->children != NULL) { node = node->children; continue; }
            break;
        case XML_ENTITY_REF_NODE:
        case XML_ENTITY_DECL:
        case XML_XINCLUDE_START:
        case XML_XINCLUDE_END:
            k->bad = 1;
            return 0;
        default:  /* comments, processing instructions: their text is not the element's */
            break;
        }
        while (node != top && node->next == NULL) node = node->parent;
        if (node == top) break;
        node = node->next;
    }
    return 0;
}

/* hint_key's pipes: drop each "\|", then each '|' (str.replace's non-overlapping left-to-right scan). */
static void drop_pipes(Key *k) {
    Py_ssize_t out = 0;
    for (Py_ssize_t i = 0; i < k->len; i++) {
        if (k->buf[i] == '\\' && i + 1 < k->len && k->buf[i + 1] == '|') { i++; continue; }
        k->buf[out++] = k->buf[i];
    }
    k->len = out;
    out = 0;
    for (Py_ssize_t i = 0; i < k->len; i++)
        if (k->buf[i] != '|') k->buf[out++] = k->buf[i];
    k->len = out;
}

/* hint_key(text) of `element`'s text, or Py_None past the limit; NULL with an error set, or with
 * k->bad set and no error. */
static PyObject *element_key(Key *k, xmlNode *element) {
    k->len = k->chars = 0;
    k->over = k->bad = k->pipe = k->leads = 0;
    if (key_of_subtree(k, element) < 0) return PyErr_NoMemory();
    if (k->bad) return NULL;
    if (k->over) Py_RETURN_NONE;
    if (k->pipe) drop_pipes(k);
    Py_ssize_t start = 0;
    if (k->len > 0 && k->buf[0] == '-' && k->leads == 2 && k->lead[0] == '-' && k->lead[1] == ' ') start = 1;
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, k->buf + start, k->len - start);
}

static int is_wanted(xmlNode *node, const char **tags, int n_tags) {
    if (node->type != XML_ELEMENT_NODE || node->name == NULL) return 0;
    const char *name = (const char *)node->name;
    for (int i = 0; i < n_tags; i++)
        if (name[0] == tags[i][0] && strcmp(name, tags[i]) == 0) return 1;
    return 0;
}

/* The elements named in `tags`, in `root.iter(*tags)`'s order (`root` and its descendants). */
typedef struct {
    xmlNode *top, *node;
    const char *tags[MAX_TAGS];
    int n_tags;
} Walk;

static int walk_start(Walk *w, PyObject *root, PyObject *tag_tuple) {
    w->top = w->node = ((struct LxmlElement *)root)->_c_node;  /* the caller checks root is an lxml element */
    Py_ssize_t n = PyTuple_GET_SIZE(tag_tuple);
    if (n > MAX_TAGS) {
        PyErr_SetString(PyExc_ValueError, "too many tags");
        return -1;
    }
    w->n_tags = (int)n;
    for (Py_ssize_t i = 0; i < n; i++)
        if ((w->tags[i] = PyUnicode_AsUTF8(PyTuple_GET_ITEM(tag_tuple, i))) == NULL) return -1;
    return 0;
}

static xmlNode *walk_next(Walk *w) {
    while (w->node != NULL) {
        xmlNode *node = w->node;
        if (node->type == XML_ELEMENT_NODE && node->children != NULL) w->node = node->children;
        else {
            xmlNode *up = node;
            while (up != w->top && up->next == NULL) up = up->parent;
            w->node = up == w->top ? NULL : up->next;
        }
        if (is_wanted(node, w->tags, w->n_tags)) return node;
    }
    return NULL;
}

static PyObject *proxy(PyObject *root, xmlNode *node) {
    return (PyObject *)elementFactory(((struct LxmlElement *)root)->_doc, node);
}

/* short_blocks(root, tags, limit, wanted, placed_tag) -> (matches, placed) | None */
static PyObject *short_blocks(PyObject *self, PyObject *args) {
    PyObject *root, *tag_tuple, *wanted;
    const char *placed_tag;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "OO!nO!s", &root, &PyTuple_Type, &tag_tuple, &limit, &PyDict_Type, &wanted,
                          &placed_tag))
        return NULL;
    Walk w;
    if (walk_start(&w, root, tag_tuple) < 0) return NULL;
    PyObject *matches = PyList_New(0), *placed = PyList_New(0);
    Key k = {0};
    k.limit = limit;
    Py_ssize_t order = 0;
    xmlNode *node;
    if (matches == NULL || placed == NULL) goto error;
    while ((node = walk_next(&w)) != NULL) {
        PyObject *key = element_key(&k, node);
        if (key == NULL) {
            if (PyErr_Occurred()) goto error;
            Py_DECREF(matches);
            Py_DECREF(placed);
            PyMem_Free(k.buf);
            Py_RETURN_NONE;  /* k.bad: the caller reads this page in Python */
        }
        if (key == Py_None) {
            Py_DECREF(key);
            continue;
        }
        int wanted_key = PyDict_Contains(wanted, key);
        int place = strcmp((const char *)node->name, placed_tag) == 0;
        if (wanted_key < 0) {
            Py_DECREF(key);
            goto error;
        }
        if (wanted_key || place) {
            PyObject *element = proxy(root, node);
            PyObject *item = element == NULL ? NULL :
                             wanted_key ? Py_BuildValue("(nOO)", order, element, key) : NULL;
            PyObject *spot = element == NULL || !place ? NULL : Py_BuildValue("(On)", element, order);
            int failed = element == NULL || (wanted_key && (item == NULL || PyList_Append(matches, item) < 0)) ||
                         (place && (spot == NULL || PyList_Append(placed, spot) < 0));
            Py_XDECREF(item);
            Py_XDECREF(spot);
            Py_XDECREF(element);
            if (failed) {
                Py_DECREF(key);
                goto error;
            }
        }
        Py_DECREF(key);
        order++;
    }
    PyMem_Free(k.buf);
    PyObject *result = PyTuple_Pack(2, matches, placed);
    Py_DECREF(matches);
    Py_DECREF(placed);
    return result;
error:
    PyMem_Free(k.buf);
    Py_XDECREF(matches);
    Py_XDECREF(placed);
    return NULL;
}

/* text_key(element, limit) -> hint_key(element.text_content()), None past limit characters, False
 * when the element must be read in Python */
static PyObject *text_key(PyObject *self, PyObject *args) {
    PyObject *element;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "On", &element, &limit)) return NULL;
    Key k = {0};
    k.limit = limit;
    PyObject *key = element_key(&k, ((struct LxmlElement *)element)->_c_node);  /* the caller checks the type */
    PyMem_Free(k.buf);
    if (key == NULL && !PyErr_Occurred()) Py_RETURN_FALSE;
    return key;
}

static PyMethodDef methods[] = {
    {"short_blocks", short_blocks, METH_VARARGS,
     "short_blocks(root, tags, limit, wanted, placed_tag) -> (matches, placed): of the elements of "
     "root.iter(*tags) whose text has at most limit characters, numbered in that order, (number, element, key) "
     "of those whose hint key is in the dict wanted, and (element, number) of those named placed_tag; None "
     "when the page must be read in Python."},
    {"text_key", text_key, METH_VARARGS,
     "text_key(element, limit) -> the hint key of the element's text, None past limit characters, False when "
     "it must be read in Python."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_treefast", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__treefast(void) {
    if (import_lxml__etree() < 0) return NULL;
    return PyModule_Create(&module);
}
