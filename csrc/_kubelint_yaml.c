/*
 * _kubelint_yaml: kubelint's one-pass loader (kubelint/loader.py,
 * _py_fast_documents and its helpers) in C, over libyaml's event API.
 *
 * parse(text, max_bytes, max_documents, max_depth, max_nodes, resolve)
 *     -> [(data, shadow), ...] or None
 *
 * It builds exactly what the Python one-pass path builds (the same data, the
 * same position shadows, the same documents) and gives up (None) exactly
 * where that path gives up, so that the compose-then-build path reads the
 * file again and words every finding.  Each bail-out below names the Python
 * it mirrors; tests/test_loader_onepass.py compares the two paths (and the
 * compose path) on every corpus file, the loader tests' inputs and fuzzed
 * text.
 *
 * go-yaml v2 resolution of plain scalars stays in Python, in one place:
 * ``resolve`` is the tuple (key_cache, resolve_cache, fast_key, fast_value,
 * bail, null_key, resolved_first) of loader.py's objects.  A plain key, and a
 * plain value whose first character is in resolved_first, is looked up in
 * the caches first and resolved by calling the Python function on a miss;
 * any other plain scalar is its own text (as in Python).
 *
 * libyaml 0.2.5 (csrc/libyaml, the version PyYAML's wheels bundle) is
 * compiled into this module: marks count characters, as PyYAML's CParser's
 * do, and both paths see the same parser.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

#include "yaml.h"

/* The version of the interface loader.py expects: a stale build with
 * another version is ignored (loader.py falls back to Python). */
#define KUBELINT_YAML_API 1

/* Beyond this nesting the C recursion could exhaust a thread's stack when a
 * user raises --max-depth very high: the file goes to the compose path
 * instead (the Python one-pass path would stop at the recursion limit it
 * sets, max_depth * 2 + 500, with RecursionError -> None). */
#define C_DEPTH_CAP 5000

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;
    int has_event;
    int bailed; /* 1: give the file to the compose path (no Python error set) */
    Py_ssize_t max_depth;
    Py_ssize_t count; /* nodes left in this document: Python's count[0] */
    PyObject *key_cache;     /* loader._KEY_CACHE (dict) */
    PyObject *resolve_cache; /* loader._RESOLVE_CACHE (dict) */
    PyObject *fast_key;      /* loader._fast_key */
    PyObject *fast_value;    /* loader._fast_value */
    PyObject *bail;          /* loader._Bail */
    PyObject *null_key;      /* loader._NULL_KEY */
    unsigned char resolved_first[256]; /* first bytes of loader._RESOLVED_FIRST */
    int resolve_empty;                 /* "" in loader._RESOLVED_FIRST */
} Ctx;

/* Short ASCII scalars (keys, and values such as "TCP" or "true") repeat
 * across a corpus: each text gets one str object, reused from a small
 * direct-mapped table (a new reference each time; strs are immutable, so
 * sharing them is invisible).  A reused str also keeps its hash, which the
 * caches' and the mappings' dict operations need.  Every other text is
 * decoded as PyYAML's CParser decodes it (PyUnicode_DecodeUTF8, strict). */
#define STR_CACHE_SLOTS 4096 /* a power of 2 */
#define STR_CACHE_LONGEST 40
static PyObject *str_cache[STR_CACHE_SLOTS];

static PyObject *
text_of(const unsigned char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    unsigned char high = 0;
    size_t i;
    PyObject *o;
    if (n > STR_CACHE_LONGEST)
        return PyUnicode_DecodeUTF8((const char *)s, (Py_ssize_t)n, "strict");
    for (i = 0; i < n; i++) {
        high |= s[i];
        h = (h ^ s[i]) * 16777619u;
    }
    if (high & 0x80)
        return PyUnicode_DecodeUTF8((const char *)s, (Py_ssize_t)n, "strict");
    o = str_cache[h & (STR_CACHE_SLOTS - 1)];
    if (o != NULL && (size_t)PyUnicode_GET_LENGTH(o) == n && memcmp(PyUnicode_1BYTE_DATA(o), s, n) == 0) {
        Py_INCREF(o);
        return o;
    }
    o = PyUnicode_New((Py_ssize_t)n, 127);
    if (o == NULL)
        return NULL;
    memcpy(PyUnicode_1BYTE_DATA(o), s, n);
    Py_XSETREF(str_cache[h & (STR_CACHE_SLOTS - 1)], Py_NewRef(o));
    return o;
}

/* Return value of a builder on a bail-out: NULL with ctx->bailed set. */
static PyObject *
bail_out(Ctx *c)
{
    c->bailed = 1;
    return NULL;
}

/* The next event into c->event; 0 on a bail-out or an error.
 * Python: next_event() = CParser.get_event; a parse error is a
 * yaml.YAMLError, caught by _fast_documents -> None; libyaml's memory error
 * is MemoryError in PyYAML, which propagates. */
static int
next_event(Ctx *c)
{
    if (c->has_event) {
        yaml_event_delete(&c->event);
        c->has_event = 0;
    }
    if (!yaml_parser_parse(&c->parser, &c->event)) {
        if (c->parser.error == YAML_MEMORY_ERROR) {
            PyErr_NoMemory();
            return 0;
        }
        c->bailed = 1; /* except (_Bail, yaml.YAMLError, ...): return None */
        return 0;
    }
    c->has_event = 1;
    return 1;
}

/* (line + 1, column + 1, child): steals ``child``. */
static PyObject *
position(size_t line, size_t column, PyObject *child)
{
    PyObject *t = PyTuple_New(3);
    PyObject *l, *col;
    if (t == NULL) {
        Py_DECREF(child);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 2, child);
    l = PyLong_FromSize_t(line + 1);
    if (l == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, l);
    col = PyLong_FromSize_t(column + 1);
    if (col == NULL) {
        Py_DECREF(t);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 1, col);
    /* A tuple of untracked objects can be in no reference cycle: untracked
     * now, as CPython's collector would untrack it on its first pass
     * (_PyTuple_MaybeUntrack); a dict of such tuples then stays untracked
     * too.  Lists are never untracked: they may be changed later. */
    if (!PyObject_GC_IsTracked(child))
        PyObject_GC_UnTrack(t);
    return t;
}

/* A callback's failure: _Bail (and RecursionError, which _fast_documents
 * also catches) is a bail-out, anything else propagates. */
static PyObject *
callback_failed(Ctx *c)
{
    if (PyErr_ExceptionMatches(c->bail) || PyErr_ExceptionMatches(PyExc_RecursionError)) {
        PyErr_Clear();
        return bail_out(c);
    }
    return NULL;
}

/* The value of the scalar event in c->event (new reference).
 * Python:
 *     value = event.value
 *     if not event.style and value[:1] in _RESOLVED_FIRST:
 *         value = _fast_value(value)
 * with _fast_value's cache lookup done here:
 *     value = _RESOLVE_CACHE.get(text, _MISS)  (then _resolve_cached on a miss)
 *     if value.__class__ is float and (value != value or value in _INFINITIES): raise _Bail
 */
static PyObject *
scalar_value(Ctx *c)
{
    yaml_event_t *e = &c->event;
    size_t n = e->data.scalar.length;
    const unsigned char *s = e->data.scalar.value;
    PyObject *text, *value;
    text = text_of(s, n);
    if (text == NULL || e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return text;
    if (n == 0 ? !c->resolve_empty : !c->resolved_first[s[0]])
        return text; /* its own text */
    value = PyDict_GetItemWithError(c->resolve_cache, text); /* borrowed */
    if (value != NULL) {
        Py_DECREF(text);
        if (PyFloat_CheckExact(value) && !isfinite(PyFloat_AS_DOUBLE(value)))
            return bail_out(c); /* .inf, .nan */
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(text);
        return NULL;
    }
    value = PyObject_CallOneArg(c->fast_value, text);
    Py_DECREF(text);
    if (value == NULL)
        return callback_failed(c);
    return value;
}

/* The JSON key string of the scalar key event in c->event (new reference).
 * Python:
 *     if key.style:
 *         skey = key.value
 *     else:
 *         skey = _KEY_CACHE.get(key.value)
 *         if skey is None or skey is _NULL_KEY:
 *             skey = _fast_key(key.value)   # _Bail for "<<" and null keys
 */
static PyObject *
scalar_key(Ctx *c)
{
    yaml_event_t *e = &c->event;
    PyObject *text, *skey;
    text = text_of(e->data.scalar.value, e->data.scalar.length);
    if (text == NULL || e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return text;
    skey = PyDict_GetItemWithError(c->key_cache, text); /* borrowed */
    if (skey != NULL && skey != c->null_key) {
        Py_INCREF(skey);
        Py_DECREF(text);
        return skey;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(text);
        return NULL;
    }
    skey = PyObject_CallOneArg(c->fast_key, text);
    Py_DECREF(text);
    if (skey == NULL)
        return callback_failed(c);
    return skey;
}

/* Python: ``if event.tag is not None or event.anchor is not None: raise _Bail``
 * (and ``start.tag``/``start.anchor`` for collections). */
static int
tagged(const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        return e->data.scalar.tag != NULL || e->data.scalar.anchor != NULL;
    case YAML_MAPPING_START_EVENT:
        return e->data.mapping_start.tag != NULL || e->data.mapping_start.anchor != NULL;
    case YAML_SEQUENCE_START_EVENT:
        return e->data.sequence_start.tag != NULL || e->data.sequence_start.anchor != NULL;
    default:
        return 0;
    }
}

static PyObject *build_mapping(Ctx *c, Py_ssize_t depth, PyObject **shadow_out);
static PyObject *build_sequence(Ctx *c, Py_ssize_t depth, PyObject **shadow_out);

/* The node that starts with c->event (a scalar, mapping or sequence), as a
 * child at ``depth``: its data (new reference) and *shadow_out.  An alias
 * is a bail-out.  Python: the ``cls is _ScalarEvent`` / ``_MappingStartEvent``
 * / ``_SequenceStartEvent`` / ``else: raise _Bail  # an alias`` chains of
 * _fast_mapping and _fast_sequence. */
static PyObject *
build_node(Ctx *c, Py_ssize_t depth, PyObject **shadow_out)
{
    yaml_event_t *e = &c->event;
    PyObject *value;
    size_t line, column;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        if (tagged(e))
            return bail_out(c);
        line = e->start_mark.line;
        column = e->start_mark.column;
        value = scalar_value(c);
        if (value == NULL)
            return NULL;
        Py_INCREF(Py_None);
        *shadow_out = position(line, column, Py_None);
        if (*shadow_out == NULL) {
            Py_DECREF(value);
            return NULL;
        }
        return value;
    case YAML_MAPPING_START_EVENT:
        return build_mapping(c, depth, shadow_out);
    case YAML_SEQUENCE_START_EVENT:
        return build_sequence(c, depth, shadow_out);
    default:
        return bail_out(c); /* an alias */
    }
}

/* Python _fast_mapping(next_event, start, depth, max_depth, count): c->event
 * is the MappingStartEvent. */
static PyObject *
build_mapping(Ctx *c, Py_ssize_t depth, PyObject **shadow_out)
{
    PyObject *out = NULL, *shadow = NULL, *skey = NULL, *value = NULL, *vshadow = NULL, *kshadow;
    size_t line = c->event.start_mark.line, column = c->event.start_mark.column;
    size_t kline, kcolumn;
    /* if start.tag is not None or start.anchor is not None or depth > max_depth: raise _Bail */
    if (tagged(&c->event) || depth > c->max_depth || depth > C_DEPTH_CAP)
        return bail_out(c);
    out = PyDict_New();
    shadow = PyDict_New();
    if (out == NULL || shadow == NULL)
        goto fail;
    depth += 1;
    for (;;) {
        if (!next_event(c)) /* key = next_event() */
            goto fail;
        if (c->event.type != YAML_SCALAR_EVENT) {
            if (c->event.type == YAML_MAPPING_END_EVENT)
                break;
            bail_out(c); /* a collection or an alias as a key */
            goto fail;
        }
        if (tagged(&c->event)) { /* key.tag / key.anchor */
            bail_out(c);
            goto fail;
        }
        kline = c->event.start_mark.line;
        kcolumn = c->event.start_mark.column;
        skey = scalar_key(c);
        if (skey == NULL)
            goto fail;
        /* if skey in out: raise _Bail  # a duplicate key: _Builder words the warning */
        switch (PyDict_Contains(out, skey)) {
        case 1:
            bail_out(c);
            goto fail;
        case -1:
            goto fail;
        }
        if (!next_event(c)) /* event = next_event() */
            goto fail;
        value = build_node(c, depth, &vshadow);
        if (value == NULL)
            goto fail;
        /* out[skey] = ...; shadow[skey] = (m.line + 1, m.column + 1, vshadow) */
        if (PyDict_SetItem(out, skey, value) < 0)
            goto fail;
        Py_CLEAR(value);
        kshadow = position(kline, kcolumn, vshadow);
        vshadow = NULL;
        if (kshadow == NULL)
            goto fail;
        if (PyDict_SetItem(shadow, skey, kshadow) < 0) {
            Py_DECREF(kshadow);
            goto fail;
        }
        Py_DECREF(kshadow);
        Py_CLEAR(skey);
    }
    /* count[0] -= 2 * len(out)  # _Builder's decodes: a key and its value each count a node
     * if count[0] < 0: raise _Bail */
    c->count -= 2 * PyDict_GET_SIZE(out);
    if (c->count < 0) {
        bail_out(c);
        goto fail;
    }
    *shadow_out = position(line, column, shadow); /* (m.line + 1, m.column + 1, shadow) */
    if (*shadow_out == NULL) {
        Py_DECREF(out);
        return NULL;
    }
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(shadow);
    Py_XDECREF(skey);
    Py_XDECREF(value);
    Py_XDECREF(vshadow);
    return NULL;
}

/* Python _fast_sequence(next_event, start, depth, max_depth, count): c->event
 * is the SequenceStartEvent. */
static PyObject *
build_sequence(Ctx *c, Py_ssize_t depth, PyObject **shadow_out)
{
    PyObject *items = NULL, *shadows = NULL, *value = NULL, *vshadow = NULL;
    size_t line = c->event.start_mark.line, column = c->event.start_mark.column;
    /* if start.tag is not None or start.anchor is not None or depth > max_depth: raise _Bail */
    if (tagged(&c->event) || depth > c->max_depth || depth > C_DEPTH_CAP)
        return bail_out(c);
    items = PyList_New(0);
    shadows = PyList_New(0);
    if (items == NULL || shadows == NULL)
        goto fail;
    depth += 1;
    for (;;) {
        if (!next_event(c))
            goto fail;
        if (c->event.type == YAML_SEQUENCE_END_EVENT)
            break;
        value = build_node(c, depth, &vshadow); /* an alias: raise _Bail */
        if (value == NULL)
            goto fail;
        if (PyList_Append(items, value) < 0 || PyList_Append(shadows, vshadow) < 0)
            goto fail;
        Py_CLEAR(value);
        Py_CLEAR(vshadow);
    }
    /* count[0] -= len(items); if count[0] < 0: raise _Bail */
    c->count -= PyList_GET_SIZE(items);
    if (c->count < 0) {
        bail_out(c);
        goto fail;
    }
    *shadow_out = position(line, column, shadows);
    if (*shadow_out == NULL) {
        Py_DECREF(items);
        return NULL;
    }
    return items;
fail:
    Py_XDECREF(items);
    Py_XDECREF(shadows);
    Py_XDECREF(value);
    Py_XDECREF(vshadow);
    return NULL;
}

/* Python _fast_documents' loop over the documents: a new list of
 * (data, shadow), or NULL (bailed, or an error). */
static PyObject *
build_documents(Ctx *c, Py_ssize_t max_documents, Py_ssize_t max_nodes)
{
    PyObject *documents = PyList_New(0), *data = NULL, *shadow = NULL, *pair;
    Py_ssize_t seen = 0;
    Py_ssize_t empty_budget = 10 * max_documents; /* empty_budget = 10 * limits.max_documents */
    int plain_scalar_root;
    size_t line, column;
    if (documents == NULL)
        return NULL;
    if (!next_event(c)) /* next_event()  # StreamStartEvent */
        goto fail;
    for (;;) {
        if (!next_event(c))
            goto fail;
        if (c->event.type != YAML_DOCUMENT_START_EVENT) {
            if (c->event.type == YAML_STREAM_END_EVENT)
                break;
            bail_out(c);
            goto fail;
        }
        if (!next_event(c))
            goto fail;
        c->count = max_nodes - 1; /* count = [limits.max_nodes - 1] */
        plain_scalar_root = 0;
        switch (c->event.type) {
        case YAML_MAPPING_START_EVENT:
            data = build_mapping(c, 1, &shadow);
            break;
        case YAML_SEQUENCE_START_EVENT:
            data = build_sequence(c, 1, &shadow);
            break;
        case YAML_SCALAR_EVENT:
            /* if event.tag is not None or event.anchor is not None: raise _Bail
             * data = event.value if event.style else _fast_value(event.value)
             * (_fast_value of a plain scalar whose first character is not in
             * _RESOLVED_FIRST is the scalar's own text: resolve_plain
             * returns it unchanged, so scalar_value's shortcut is the same) */
            if (tagged(&c->event)) {
                bail_out(c);
                goto fail;
            }
            plain_scalar_root = c->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            line = c->event.start_mark.line;
            column = c->event.start_mark.column;
            data = scalar_value(c);
            if (data != NULL) {
                Py_INCREF(Py_None);
                shadow = position(line, column, Py_None);
                if (shadow == NULL)
                    goto fail;
            }
            break;
        default:
            bail_out(c); /* an alias */
            goto fail;
        }
        if (data == NULL)
            goto fail;
        if (c->count < 0) { /* if count[0] < 0: raise _Bail */
            bail_out(c);
            goto fail;
        }
        if (!next_event(c)) /* next_event()  # DocumentEndEvent */
            goto fail;
        seen += 1;
        if (seen > empty_budget) { /* if seen > empty_budget: raise _Bail */
            bail_out(c);
            goto fail;
        }
        if (data == Py_None && plain_scalar_root) {
            /* if data is None and cls is _ScalarEvent and not event.style: continue */
            Py_CLEAR(data);
            Py_CLEAR(shadow);
            continue;
        }
        if (PyList_GET_SIZE(documents) >= max_documents) { /* if len(documents) >= limits.max_documents */
            bail_out(c);
            goto fail;
        }
        pair = PyTuple_Pack(2, data, shadow);
        if (pair == NULL)
            goto fail;
        Py_CLEAR(data);
        Py_CLEAR(shadow);
        if (PyList_Append(documents, pair) < 0) {
            Py_DECREF(pair);
            goto fail;
        }
        Py_DECREF(pair);
    }
    return documents;
fail:
    Py_XDECREF(documents);
    Py_XDECREF(data);
    Py_XDECREF(shadow);
    return NULL;
}

static PyObject *
kubelint_parse(PyObject *self, PyObject *args)
{
    PyObject *text, *resolve, *first, *result, *item, *it;
    Py_ssize_t max_bytes, max_documents, max_depth, max_nodes, size;
    const char *utf8;
    Ctx c;
    if (!PyArg_ParseTuple(args, "UnnnnO!:parse", &text, &max_bytes, &max_documents, &max_depth, &max_nodes,
                          &PyTuple_Type, &resolve))
        return NULL;
    memset(&c, 0, sizeof(c));
    if (!PyArg_ParseTuple(resolve, "O!O!OOOOO:parse", &PyDict_Type, &c.key_cache, &PyDict_Type, &c.resolve_cache,
                          &c.fast_key, &c.fast_value, &c.bail, &c.null_key, &first))
        return NULL;
    /* _RESOLVED_FIRST: one-character strings (ASCII) and "" */
    it = PyObject_GetIter(first);
    if (it == NULL)
        return NULL;
    while ((item = PyIter_Next(it)) != NULL) {
        Py_ssize_t n;
        const char *ch = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &n) : NULL;
        if (ch == NULL || n > 1 || (n == 1 && (unsigned char)ch[0] >= 0x80)) {
            Py_DECREF(item);
            Py_DECREF(it);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "resolved_first holds one-character ASCII strings and ''");
            return NULL;
        }
        if (n == 0)
            c.resolve_empty = 1;
        else
            c.resolved_first[(unsigned char)ch[0]] = 1;
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (PyErr_Occurred())
        return NULL;
    /* if len(text) > limits.max_request_bytes: return None
     * (the size bound makes the byte limit unreachable here) */
    if (PyUnicode_GET_LENGTH(text) > max_bytes)
        Py_RETURN_NONE;
    /* parser = _CParser(text); except UnicodeEncodeError: return None  (lone surrogates) */
    utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return NULL;
    }
    c.max_depth = max_depth;
    if (!yaml_parser_initialize(&c.parser))
        return PyErr_NoMemory();
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)utf8, (size_t)size);
    result = build_documents(&c, max_documents, max_nodes);
    if (c.has_event)
        yaml_event_delete(&c.event);
    yaml_parser_delete(&c.parser); /* finally: parser.dispose() */
    if (result == NULL && c.bailed && !PyErr_Occurred())
        Py_RETURN_NONE; /* except (_Bail, yaml.YAMLError, RecursionError): return None */
    return result;
}

/* One pass over the text for loader.py's pre-scans (_stream_error,
 * _directive_findings, _prescan): facts that are necessary for their
 * patterns to match, so that the patterns run only on the files where they
 * might.  The patterns themselves stay in Python and decide.
 *
 * scan(text) -> (line_starts, brackets, run, nodes) or None (text not encodable)
 *   line_starts: bit 1: a line starts with "---", then spaces or tabs, then
 *                a character other than space, tab, "#", "\r" and "\n": the
 *                match of _SEPARATOR_WITH_CONTENT;
 *                bit 2: a line starts with "<<<<<<<", ">>>>>>>" or "======="
 *                (_CONFLICT); bit 4: a line starts with "%" (_DIRECTIVE)
 *   brackets:    text.count("[") + text.count("{")
 *   run:         the longest run of [ \t?:-] that starts a line (_deep_indent)
 *   nodes:       _node_estimate(text, 0, len(text)): the number of "\n", ","
 *                "- " and "? " in the text (_count_nodes)
 * "Line start": offset 0 and after every "\n", as _LineStart's patterns. */
static PyObject *
kubelint_scan(PyObject *self, PyObject *text)
{
    const unsigned char *s, *end, *line, *q;
    Py_ssize_t n, brackets = 0, nodes = 0, run, longest = 0, i;
    long flags = 0;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "scan() needs a str");
        return NULL;
    }
    s = (const unsigned char *)PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return NULL;
    }
    end = s + n;
    /* '[', '{', '\n', ',', '-', '?' and ' ' are single bytes in UTF-8, never part
     * of another character's encoding: counting bytes counts characters. */
    for (i = 0; i + 1 < n; i++) {
        unsigned char c = s[i];
        brackets += (c == '[') | (c == '{');
        /* str.count of "\n", ",", "- " and "? " (none of them can overlap itself) */
        nodes += (c == '\n') | (c == ',') | (((c == '-') | (c == '?')) & (s[i + 1] == ' '));
    }
    if (n > 0) { /* the last character */
        brackets += (s[n - 1] == '[') | (s[n - 1] == '{');
        nodes += (s[n - 1] == '\n') | (s[n - 1] == ',');
    }
    line = s;
    for (;;) {
        Py_ssize_t left = end - line;
        if (left >= 3 && line[0] == '-' && line[1] == '-' && line[2] == '-') {
            for (q = line + 3; q < end && (*q == ' ' || *q == '\t'); q++)
                ;
            if (q < end && *q != ' ' && *q != '\t' && *q != '#' && *q != '\r' && *q != '\n')
                flags |= 1;
        } else if (left >= 7 && (line[0] == '<' || line[0] == '>' || line[0] == '=') && line[1] == line[0] &&
                 line[2] == line[0] && line[3] == line[0] && line[4] == line[0] && line[5] == line[0] &&
                 line[6] == line[0])
            flags |= 2;
        else if (left >= 1 && line[0] == '%')
            flags |= 4;
        for (q = line; q < end && (*q == ' ' || *q == '\t' || *q == '?' || *q == ':' || *q == '-'); q++)
            ;
        run = q - line; /* ASCII: bytes are characters */
        if (run > longest)
            longest = run;
        q = memchr(q, '\n', (size_t)(end - q));
        if (q == NULL)
            break;
        line = q + 1;
    }
    return Py_BuildValue("(lnnn)", flags, brackets, longest, nodes);
}

static PyMethodDef methods[] = {
    {"scan", kubelint_scan, METH_O,
     "scan(text) -> (line_starts, brackets, run, nodes) or None: what loader.py's pre-scans need to know (see the C)."},
    {"parse", kubelint_parse, METH_VARARGS,
     "parse(text, max_bytes, max_documents, max_depth, max_nodes, resolve) -> [(data, shadow)] or None\n\n"
     "kubelint.loader's one-pass path in C (see csrc/_kubelint_yaml.c)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kubelint_yaml", "kubelint's one-pass YAML loader in C, over libyaml 0.2.5.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__kubelint_yaml(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "API_VERSION", KUBELINT_YAML_API) < 0 ||
        PyModule_AddStringConstant(m, "LIBYAML_VERSION", yaml_get_version_string()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
