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
#define KUBELINT_YAML_API 2

/* Beyond this nesting the C recursion could exhaust a thread's stack when a
 * user raises --max-depth very high: the file goes to the compose path
 * instead (the Python one-pass path would stop at the recursion limit it
 * sets, max_depth * 2 + 500, with RecursionError -> None). */
#define C_DEPTH_CAP 5000

/* ------------------------------------------------------------------------
 * Parsing ahead (kubelint.loader.Prefetch).  Building a file's data needs
 * the interpreter; running libyaml over a text does not.  So while this
 * thread builds, a thread of this module scans and parses the files queued
 * after it, and parse() takes that thread's events as they come (streamed:
 * a long file is parsed there while it is built here) instead of running
 * libyaml itself.  The events are libyaml's own, taken in the same order,
 * so everything built from them is identical.  The prefetch thread never
 * touches a Python object (it reads the text's UTF-8 buffer, which the Job
 * object keeps alive) and runs beside the interpreter without the GIL.
 *
 * Prefetcher()              starts the thread;
 *   .submit(text) -> Job    queues a text (None: a text with lone surrogates);
 *   .close()                stops the thread and waits for it (it stops the job at hand);
 * scan(text, job), parse(..., job): use the job's work when ``job`` was
 * submitted with this very ``text`` (waiting for what is under way; taking
 * the job back from the queue if it has not started), else do it here.
 *
 * Bounds: a job runs at most AHEAD_EVENTS events ahead of parse() (the
 * thread waits for it to take them; taken chunks are freed at once), so a
 * long file costs no more memory than a short one; the caller bounds the
 * jobs queued (kubelint.loader.Prefetch.AHEAD); a job whose Job object is
 * gone (the text took another path, or parse() gave up) is stopped.  If
 * the thread cannot allocate, the job stops and parse() goes on from the
 * job's parser.  Windows
 * builds have no Prefetcher: the loader then parses here.
 * ------------------------------------------------------------------------ */

typedef struct {
    long flags;
    Py_ssize_t brackets, longest, nodes;
} Facts;

/* scan()'s facts over UTF-8 text (see kubelint_scan). */
static void
scan_facts(const unsigned char *s, Py_ssize_t n, Facts *f)
{
    const unsigned char *end = s + n, *line, *q;
    Py_ssize_t brackets = 0, nodes = 0, run, longest = 0, i;
    long flags = 0;
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
    f->flags = flags;
    f->brackets = brackets;
    f->longest = longest;
    f->nodes = nodes;
}

static PyObject *
facts_tuple(const Facts *f)
{
    return Py_BuildValue("(lnnn)", f->flags, f->brackets, f->longest, f->nodes);
}

#ifndef _WIN32
#include <pthread.h>
#include <stdatomic.h>
#define KUBELINT_PREFETCH 1
#endif
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#ifdef KUBELINT_PREFETCH

#define CHUNK_SHIFT 10 /* events are kept in chunks of 1,024 (never moved: read while written) */
#define CHUNK_EVENTS (1 << CHUNK_SHIFT)
#define AHEAD_EVENTS (16 * CHUNK_EVENTS) /* at most ~1.7 MB of events not yet taken, per job */
#define RING 32 /* chunk slots: chunk i in slot i % RING (AHEAD_EVENTS / CHUNK_EVENTS + 2 at most live) */

enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_SKIPPED };

/* A job: plain memory shared by the two threads.  ``state``, ``in_queue``
 * and ``refs`` change under the Prefetcher's lock; the stream of events is
 * published through the atomics.  Two references: the Job object's and the
 * thread's (dropped when it is done with the job, or at close); the last
 * one frees it. */
typedef struct job_s {
    struct job_s *next; /* the queue */
    int state, in_queue, refs;
    int consumed; /* parse() took it (under the GIL) */
    const unsigned char *bytes; /* the text's UTF-8 (its str's own buffer: the Job object keeps the str) */
    size_t size;
    Facts facts;
    yaml_parser_t parser;
    int parser_ready, failed; /* failed: yaml_parser_parse failed after the last event published */
    size_t count;             /* events produced (the thread's) */
    yaml_event_t *chunks[RING];
    int filled[RING];        /* events of the chunk in each slot not deleted yet (the thread's) */
    atomic_size_t published; /* events 0 .. published - 1 are there */
    atomic_size_t freed;     /* chunks 0 .. freed - 1 done with by parse(): the thread may reuse their slots */
    atomic_int room_wait;    /* the thread waits for parse() to take events */
    atomic_size_t want; /* parse() waits until this many events are published (or the end) */
    atomic_int facts_ready, finished, waiting, abandon;
} job_t;

/* parse() waits for this many more events at once, not one by one: each
 * wake-up costs two context switches. */
#define WAIT_BATCH 256

typedef struct Prefetcher {
    PyObject_HEAD
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job was queued, or stop */
    pthread_cond_t done; /* a job made progress (facts, events, the end) */
    job_t *head, *tail;
    job_t *running; /* the job the thread is at (under lock) */
    job_t *garbage; /* jobs to free, freed by the thread (under lock) */
    int stop, started, closed;
    pthread_t thread;
} Prefetcher;

typedef struct {
    PyObject_HEAD
    PyObject *text; /* the str submitted (a strong reference: identity is the check) */
    Prefetcher *owner;
    job_t *job;
} Job;

#define EVENT_AT(j, i) (&(j)->chunks[((i) >> CHUNK_SHIFT) % RING][(i) & (CHUNK_EVENTS - 1)])

static void
job_free(job_t *j)
{
    size_t i;
    int k;
    for (i = 0; i < RING; i++) {
        for (k = 0; k < j->filled[i]; k++) /* parse() borrows events: they are deleted here */
            yaml_event_delete(&j->chunks[i][k]);
        free(j->chunks[i]);
    }
    if (j->parser_ready)
        yaml_parser_delete(&j->parser);
    free(j);
}

/* Drop a reference (under p->lock); 1: it was the last, free the job (after unlocking). */
static int
job_unref_locked(job_t *j)
{
    return --j->refs == 0;
}

/* Wake whoever waits on p->done (parse() or scan() for events and facts,
 * the thread for room): they check their own condition again. */
static void
done_broadcast(Prefetcher *p)
{
    pthread_mutex_lock(&p->lock);
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
}

/* Wake parse()/scan() if they wait on this job and what they wait for is there. */
static void
job_wake(Prefetcher *p, job_t *j)
{
    if (atomic_load(&j->waiting) && atomic_load(&j->published) >= atomic_load(&j->want))
        done_broadcast(p);
}

/* On the prefetch thread: wait until parse() has taken enough of the
 * job's events to make room (or the job is abandoned). */
static void
job_wait_room(Prefetcher *p, job_t *j)
{
    pthread_mutex_lock(&p->lock);
    atomic_store(&j->room_wait, 1);
    /* until half the window is free again: woken once per 8 chunks taken, not per chunk */
    while (!atomic_load(&j->abandon) && j->count - atomic_load(&j->freed) * CHUNK_EVENTS > AHEAD_EVENTS / 2)
        pthread_cond_wait(&p->done, &p->lock);
    atomic_store(&j->room_wait, 0);
    pthread_mutex_unlock(&p->lock);
}

/* From parse() (or the Job object's end): the thread may go on. */
static void
job_wake_producer(Prefetcher *p, job_t *j)
{
    if (atomic_load(&j->room_wait) &&
        (atomic_load(&j->abandon) || atomic_load(&j->published) - atomic_load(&j->freed) * CHUNK_EVENTS <= AHEAD_EVENTS / 2))
        done_broadcast(p);
}

/* On the prefetch thread, without the GIL: scan() facts, then libyaml's
 * events until the stream ends, the parse fails, no memory, or the job is
 * abandoned; at most AHEAD_EVENTS ahead of parse(). */
static void
job_run(Prefetcher *p, job_t *j)
{
    scan_facts(j->bytes, (Py_ssize_t)j->size, &j->facts);
    atomic_store(&j->facts_ready, 1);
    job_wake(p, j);
    if (!yaml_parser_initialize(&j->parser))
        return; /* parse() initialises its own */
    j->parser_ready = 1;
    yaml_parser_set_input_string(&j->parser, j->bytes, j->size);
    while (!atomic_load_explicit(&j->abandon, memory_order_relaxed)) {
        size_t slot = (j->count >> CHUNK_SHIFT) % RING;
        yaml_event_t *e;
        if (j->count - atomic_load(&j->freed) * CHUNK_EVENTS >= AHEAD_EVENTS) {
            job_wait_room(p, j);
            continue;
        }
        if ((j->count & (CHUNK_EVENTS - 1)) == 0) { /* a new chunk: in a slot parse() is done with */
            int k;
            for (k = 0; k < j->filled[slot]; k++) /* its events deleted here, in this thread's arena */
                yaml_event_delete(&j->chunks[slot][k]);
            j->filled[slot] = 0;
            if (j->chunks[slot] == NULL)
                j->chunks[slot] = malloc(CHUNK_EVENTS * sizeof(yaml_event_t));
            if (j->chunks[slot] == NULL)
                return; /* parse() goes on live from here */
        }
        e = &j->chunks[slot][j->count & (CHUNK_EVENTS - 1)];
        if (!yaml_parser_parse(&j->parser, e)) {
            j->failed = 1; /* published with ``finished`` */
            return;
        }
        j->count++;
        j->filled[slot]++;
        atomic_store(&j->published, j->count);
        job_wake(p, j);
        if (e->type == YAML_STREAM_END_EVENT)
            return;
    }
}

static void *
prefetch_main(void *arg)
{
    Prefetcher *p = (Prefetcher *)arg;
    for (;;) {
        job_t *j;
        int last;
        pthread_mutex_lock(&p->lock);
        while (!p->stop && p->head == NULL)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->garbage != NULL && !p->stop) { /* jobs parse() is done with: freed in this thread's arena */
            job_t *g = p->garbage, *next;
            p->garbage = NULL;
            pthread_mutex_unlock(&p->lock);
            for (; g != NULL; g = next) {
                next = g->next;
                job_free(g);
            }
            continue;
        }
        if (p->stop) {
            pthread_mutex_unlock(&p->lock);
            return NULL;
        }
        j = p->head;
        p->head = j->next;
        if (p->head == NULL)
            p->tail = NULL;
        j->next = NULL;
        j->in_queue = 0;
        if (j->state == JOB_SKIPPED) {
            last = job_unref_locked(j);
            pthread_mutex_unlock(&p->lock);
            if (last)
                job_free(j);
            continue;
        }
        j->state = JOB_RUNNING;
        p->running = j;
        pthread_mutex_unlock(&p->lock);
        job_run(p, j);
        pthread_mutex_lock(&p->lock);
        j->state = JOB_DONE;
        p->running = NULL;
        atomic_store(&j->finished, 1);
        pthread_cond_broadcast(&p->done);
        last = job_unref_locked(j);
        pthread_mutex_unlock(&p->lock);
        if (last)
            job_free(j);
    }
}

/* Wait (without the GIL) until the job has more than ``have`` events, or
 * has finished; ``facts``: until its scan() facts are there instead. */
static void
job_wait(Prefetcher *p, job_t *j, size_t have, int facts)
{
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&p->lock);
    atomic_store(&j->want, facts ? 0 : have + WAIT_BATCH);
    atomic_store(&j->waiting, 1);
    while (!atomic_load(&j->finished) &&
           (facts ? !atomic_load(&j->facts_ready) : atomic_load(&j->published) <= have))
        pthread_cond_wait(&p->done, &p->lock);
    atomic_store(&j->waiting, 0);
    pthread_mutex_unlock(&p->lock);
    Py_END_ALLOW_THREADS
}

/* The job of ``jobobj`` if it was submitted with this very ``text``, is
 * not consumed, and has started (one that has not is taken back from the
 * queue: the caller does the work); else NULL (no error set). */
static job_t *
job_take(PyObject *jobobj, PyObject *text, Prefetcher **owner);

#endif /* KUBELINT_PREFETCH */

typedef struct {
    yaml_parser_t *parser; /* own_parser, or a job's once its stream of events has run out */
    yaml_parser_t own_parser;
    int own_ready;
    const unsigned char *utf8; /* the text parse() was given */
    size_t size;
#ifdef KUBELINT_PREFETCH
    job_t *job; /* events parsed ahead, taken first (NULL: none, or all taken) */
    Prefetcher *owner;
    size_t ahead_pos;
#endif
    int failed; /* the parse failed where the job stopped (parser->error says how) */
    yaml_event_t event;
    int has_event;
    int borrowed; /* c->event belongs to the job (not deleted here) */
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
        if (!c->borrowed)
            yaml_event_delete(&c->event);
        c->has_event = c->borrowed = 0;
    }
#ifdef KUBELINT_PREFETCH
    while (c->job != NULL) { /* parsed ahead: the same events, in the same order */
        job_t *j = c->job;
        if (c->ahead_pos < atomic_load(&j->published)) {
            size_t i = c->ahead_pos++;
            /* borrowed: the job deletes it, in the prefetch thread (no free across malloc arenas) */
            c->event = *EVENT_AT(j, i);
            c->has_event = c->borrowed = 1;
            if (i > 0 && (i & (CHUNK_EVENTS - 1)) == 0) { /* done with the chunk before: room for the thread */
                atomic_store(&j->freed, i >> CHUNK_SHIFT);
                job_wake_producer(c->owner, j);
            }
            return 1;
        }
        if (!atomic_load(&j->finished)) {
            job_wait(c->owner, j, c->ahead_pos, 0);
            continue;
        }
        if (c->ahead_pos < atomic_load(&j->published))
            continue;
        /* The job's stream ran out: it failed there, or stopped (its bound,
         * no memory) and its parser goes on here, or it could not start one. */
        c->job = NULL;
        c->failed = j->failed;
        if (j->parser_ready)
            c->parser = &j->parser;
        else if (c->ahead_pos > 0 || !yaml_parser_initialize(&c->own_parser)) {
            PyErr_NoMemory();
            return 0;
        } else {
            c->own_ready = 1;
            yaml_parser_set_input_string(&c->own_parser, c->utf8, c->size);
            c->parser = &c->own_parser;
        }
    }
#endif
    if (c->failed || !yaml_parser_parse(c->parser, &c->event)) {
        if (c->parser->error == YAML_MEMORY_ERROR) {
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

#ifdef KUBELINT_PREFETCH

static PyTypeObject PrefetcherType;
static PyTypeObject JobType;

static PyObject *
prefetcher_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Prefetcher *p;
    if (!PyArg_ParseTuple(args, ":Prefetcher"))
        return NULL;
    p = (Prefetcher *)type->tp_alloc(type, 0);
    if (p == NULL)
        return NULL;
    p->closed = 1; /* until the thread runs: nothing to stop */
    if (pthread_mutex_init(&p->lock, NULL) != 0 || pthread_cond_init(&p->work, NULL) != 0 ||
        pthread_cond_init(&p->done, NULL) != 0) {
        Py_DECREF(p);
        return PyErr_NoMemory();
    }
    if (pthread_create(&p->thread, NULL, prefetch_main, p) != 0) {
        Py_DECREF(p);
        PyErr_SetString(PyExc_RuntimeError, "cannot start the prefetch thread");
        return NULL;
    }
    p->started = 1;
    p->closed = 0;
    return (PyObject *)p;
}

/* Stop the thread and wait for it: it stops the job at hand where it is
 * (parse() goes on from there); jobs still queued are skipped. */
static void
prefetcher_stop(Prefetcher *p)
{
    job_t *j, *next;
    if (p->closed)
        return;
    p->closed = 1;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    for (j = p->head; j != NULL; j = j->next)
        atomic_store(&j->abandon, 1);
    if (p->running != NULL) /* it may wait for parse() to take its events: it stops */
        atomic_store(&p->running->abandon, 1);
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->lock);
    Py_BEGIN_ALLOW_THREADS
    pthread_join(p->thread, NULL);
    Py_END_ALLOW_THREADS
    pthread_mutex_lock(&p->lock);
    for (j = p->garbage, p->garbage = NULL; j != NULL; j = next) {
        next = j->next;
        job_free(j);
    }
    j = p->head;
    p->head = p->tail = NULL;
    for (; j != NULL; j = next) {
        next = j->next;
        j->next = NULL;
        j->in_queue = 0;
        j->state = JOB_SKIPPED;
        if (job_unref_locked(j))
            job_free(j);
    }
    pthread_mutex_unlock(&p->lock);
#ifdef __GLIBC__
    /* The thread's malloc arena keeps the memory its jobs freed: give it back (a forked worker would
     * otherwise share those pages, and the run hold them, until the process ends). */
    malloc_trim(0);
#endif
}

static PyObject *
prefetcher_close(Prefetcher *p, PyObject *unused)
{
    prefetcher_stop(p);
    Py_RETURN_NONE;
}

static PyObject *
prefetcher_submit(Prefetcher *p, PyObject *text)
{
    const char *utf8;
    Py_ssize_t size;
    job_t *j;
    Job *job;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "submit() needs a str");
        return NULL;
    }
    if (p->closed) {
        PyErr_SetString(PyExc_ValueError, "submit() on a closed Prefetcher");
        return NULL;
    }
    utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear(); /* lone surrogates: parse() and scan() say None here */
            Py_RETURN_NONE;
        }
        return NULL;
    }
    j = calloc(1, sizeof(job_t));
    if (j == NULL)
        return PyErr_NoMemory();
    j->bytes = (const unsigned char *)utf8; /* valid while the str lives: the Job object holds it */
    j->size = (size_t)size;
    job = PyObject_New(Job, &JobType);
    if (job == NULL) {
        job_free(j);
        return NULL;
    }
    Py_INCREF(text);
    job->text = text;
    Py_INCREF(p);
    job->owner = p;
    job->job = j;
    pthread_mutex_lock(&p->lock);
    j->state = JOB_QUEUED;
    j->in_queue = 1;
    j->refs = 2; /* the Job object's and the thread's */
    if (p->tail != NULL)
        p->tail->next = j;
    else
        p->head = j;
    p->tail = j;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    return (PyObject *)job;
}

static void
prefetcher_dealloc(Prefetcher *p)
{
    prefetcher_stop(p);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static void
job_dealloc(Job *job)
{
    job_t *j = job->job;
    Prefetcher *p = job->owner;
    if (j != NULL) {
        int last;
        atomic_store(&j->abandon, 1); /* nobody will take its events any more: the thread stops */
        pthread_mutex_lock(&p->lock);
        pthread_cond_broadcast(&p->done); /* (if it waits for parse() to take its events) */
        if (j->state == JOB_QUEUED)
            j->state = JOB_SKIPPED;
        while (j->state == JOB_RUNNING) /* it reads the str's bytes: wait until it has stopped */
            pthread_cond_wait(&p->done, &p->lock);
        last = job_unref_locked(j);
        if (last && !p->closed) { /* freed by the thread, when it next wakes (its malloc arena) */
            j->next = p->garbage;
            p->garbage = j;
            last = 0;
        }
        pthread_mutex_unlock(&p->lock);
        if (last)
            job_free(j);
    }
    Py_XDECREF(job->text);
    Py_XDECREF(p);
    PyObject_Free(job);
}

static job_t *
job_take(PyObject *jobobj, PyObject *text, Prefetcher **owner)
{
    Job *job;
    job_t *j;
    int started;
    if (jobobj == NULL || jobobj == Py_None || !PyObject_TypeCheck(jobobj, &JobType))
        return NULL;
    job = (Job *)jobobj;
    j = job->job;
    if (j == NULL || job->text != text || j->consumed)
        return NULL;
    pthread_mutex_lock(&job->owner->lock);
    if (j->state == JOB_QUEUED)
        j->state = JOB_SKIPPED; /* not started: done here instead, now */
    started = j->state == JOB_RUNNING || j->state == JOB_DONE;
    pthread_mutex_unlock(&job->owner->lock);
    if (!started)
        return NULL;
    *owner = job->owner;
    return j;
}

static PyMethodDef prefetcher_methods[] = {
    {"submit", (PyCFunction)prefetcher_submit, METH_O,
     "submit(text) -> Job or None: scan and parse ``text`` on the prefetch thread."},
    {"close", (PyCFunction)prefetcher_close, METH_NOARGS,
     "close(): stop the prefetch thread and wait for it."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject PrefetcherType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_kubelint_yaml.Prefetcher",
    .tp_basicsize = sizeof(Prefetcher),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Prefetcher(): a thread that scans and parses submitted texts ahead (see the C).",
    .tp_new = prefetcher_new,
    .tp_dealloc = (destructor)prefetcher_dealloc,
    .tp_methods = prefetcher_methods,
};

static PyTypeObject JobType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "_kubelint_yaml.Job",
    .tp_basicsize = sizeof(Job),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A text submitted to a Prefetcher: pass it to scan() and parse() with the same text.",
    .tp_dealloc = (destructor)job_dealloc,
};

#endif /* KUBELINT_PREFETCH */

static PyObject *
kubelint_parse(PyObject *self, PyObject *args)
{
    PyObject *text, *resolve, *first, *result, *item, *it, *jobobj = NULL;
    Py_ssize_t max_bytes, max_documents, max_depth, max_nodes, size;
    const char *utf8;
    Ctx c;
    if (!PyArg_ParseTuple(args, "UnnnnO!|O:parse", &text, &max_bytes, &max_documents, &max_depth, &max_nodes,
                          &PyTuple_Type, &resolve, &jobobj))
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
    c.utf8 = (const unsigned char *)utf8;
    c.size = (size_t)size;
#ifdef KUBELINT_PREFETCH
    c.job = job_take(jobobj, text, &c.owner); /* its events first (next_event) */
    if (c.job != NULL)
        c.job->consumed = 1;
    else
#endif
    {
        if (!yaml_parser_initialize(&c.own_parser))
            return PyErr_NoMemory();
        c.own_ready = 1;
        yaml_parser_set_input_string(&c.own_parser, c.utf8, c.size);
        c.parser = &c.own_parser;
    }
    result = build_documents(&c, max_documents, max_nodes);
    if (c.has_event && !c.borrowed)
        yaml_event_delete(&c.event);
    if (c.own_ready)
        yaml_parser_delete(&c.own_parser); /* finally: parser.dispose() */
#ifdef KUBELINT_PREFETCH
    if (jobobj != NULL && PyObject_TypeCheck(jobobj, &JobType) && ((Job *)jobobj)->job != NULL &&
        ((Job *)jobobj)->job->consumed) {
        job_t *j = ((Job *)jobobj)->job;
        atomic_store(&j->abandon, 1); /* taken: the thread stops it if it is still at it */
        job_wake_producer(((Job *)jobobj)->owner, j);
    }
#endif
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
kubelint_scan(PyObject *self, PyObject *args)
{
    PyObject *text, *jobobj = NULL;
    const unsigned char *s;
    Py_ssize_t n;
    Facts f;
    if (!PyArg_ParseTuple(args, "O|O:scan", &text, &jobobj))
        return NULL;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "scan() needs a str");
        return NULL;
    }
#ifdef KUBELINT_PREFETCH
    {
        Prefetcher *owner;
        job_t *j = job_take(jobobj, text, &owner);
        if (j != NULL) {
            if (!atomic_load(&j->facts_ready))
                job_wait(owner, j, 0, 1);
            if (atomic_load(&j->facts_ready))
                return facts_tuple(&j->facts);
        }
    }
#endif
    s = (const unsigned char *)PyUnicode_AsUTF8AndSize(text, &n);
    if (s == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        return NULL;
    }
    scan_facts(s, n, &f);
    return facts_tuple(&f);
}

/* ------------------------------------------------------------------------
 * json_len(data) -> int: the length in bytes of what kubectl's encoder
 * (Go's encoding/json, compact) writes for ``data``, plus its newline, as
 * kubelint.apiserver.core._go_json_len computes it from json.dumps(data,
 * separators=(",", ":"), ensure_ascii=False): that text's UTF-8 length
 * (lone surrogates 3 bytes each), + 1, + 5 per "<", ">" and "&" (Go writes
 * \u003c), + 3 per U+2028 and U+2029 (Go writes \u2028).  Counted without
 * building the text.  Types as json.dumps takes them: dict (keys: str, int,
 * float, bool, None), list and tuple, str, int, float, bool, None; anything
 * else is json.dumps's TypeError; nesting beyond the interpreter's
 * recursion limit is its RecursionError.  Floats (and subclasses of int
 * and float) are measured by their repr, as json.dumps writes them.
 * ------------------------------------------------------------------------ */

static int json_len_add(PyObject *o, Py_ssize_t *n);

static int
json_str_len(PyObject *s, Py_ssize_t *n)
{
    Py_ssize_t i, len = PyUnicode_GET_LENGTH(s), total = 2; /* the quotes */
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (i = 0; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) {
            if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
                total += 1;
            else if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t')
                total += 2;
            else if (c < 0x20)
                total += 6; /* \u00XX */
            else
                total += 6; /* < > &: 1 byte, + 5 for Go's \u003c */
        } else if (c < 0x800)
            total += 2;
        else if (c < 0x10000)
            total += (c == 0x2028 || c == 0x2029) ? 6 : 3; /* Go's \u2028: + 3 */
        else
            total += 4;
    }
    *n += total;
    return 0;
}

static int
json_repr_len(PyObject *o, Py_ssize_t *n)
{
    PyObject *r = PyObject_Repr(o);
    if (r == NULL)
        return -1;
    *n += PyUnicode_GET_LENGTH(r); /* ASCII: digits, signs, "e", ".", "inf", "nan" */
    Py_DECREF(r);
    return 0;
}

static int
json_float_len(PyObject *o, Py_ssize_t *n)
{
    double x = PyFloat_AS_DOUBLE(o);
    if (x != x) {
        *n += 3; /* NaN */
        return 0;
    }
    if (x == Py_HUGE_VAL || x == -Py_HUGE_VAL) {
        *n += x > 0 ? 8 : 9; /* Infinity, -Infinity */
        return 0;
    }
    {
        /* json.dumps writes float.__repr__ (of the float value, also for a subclass) */
        PyObject *f = PyFloat_FromDouble(x);
        int rc;
        if (f == NULL)
            return -1;
        rc = json_repr_len(f, n);
        Py_DECREF(f);
        return rc;
    }
}

static int
json_key_len(PyObject *k, Py_ssize_t *n)
{
    /* json's C encoder: str as is; float, True, False, None, int converted to a string */
    if (PyUnicode_Check(k))
        return json_str_len(k, n);
    if (PyFloat_Check(k)) {
        Py_ssize_t m = 0;
        if (json_float_len(k, &m) < 0)
            return -1;
        *n += m + 2;
        return 0;
    }
    if (k == Py_True || k == Py_False || k == Py_None) {
        *n += (k == Py_False ? 5 : 4) + 2;
        return 0;
    }
    if (PyLong_Check(k)) {
        PyObject *r = PyLong_Type.tp_repr(k);
        if (r == NULL)
            return -1;
        *n += PyUnicode_GET_LENGTH(r) + 2;
        Py_DECREF(r);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %.100s", Py_TYPE(k)->tp_name);
    return -1;
}

static int
json_len_add(PyObject *o, Py_ssize_t *n)
{
    if (PyUnicode_Check(o))
        return json_str_len(o, n);
    if (o == Py_None || o == Py_True) {
        *n += 4;
        return 0;
    }
    if (o == Py_False) {
        *n += 5;
        return 0;
    }
    if (PyLong_Check(o)) {
        PyObject *r = PyLong_Type.tp_repr(o); /* int.__repr__, also for a subclass */
        if (r == NULL)
            return -1;
        *n += PyUnicode_GET_LENGTH(r);
        Py_DECREF(r);
        return 0;
    }
    if (PyFloat_Check(o))
        return json_float_len(o, n);
    if (PyList_Check(o) || PyTuple_Check(o)) {
        PyObject *seq = PySequence_Fast(o, "");
        Py_ssize_t i, size;
        int rc = 0;
        if (seq == NULL)
            return -1;
        size = PySequence_Fast_GET_SIZE(seq);
        *n += 2 + (size > 0 ? size - 1 : 0);
        if (Py_EnterRecursiveCall(" while measuring a JSON object")) {
            Py_DECREF(seq);
            return -1;
        }
        for (i = 0; i < size && rc == 0; i++)
            rc = json_len_add(PySequence_Fast_GET_ITEM(seq, i), n);
        Py_LeaveRecursiveCall();
        Py_DECREF(seq);
        return rc;
    }
    if (PyDict_Check(o)) {
        Py_ssize_t pos = 0, size = PyDict_GET_SIZE(o);
        PyObject *k, *v;
        int rc = 0;
        *n += 2 + (size > 0 ? size - 1 : 0) + size; /* braces, commas, colons */
        if (Py_EnterRecursiveCall(" while measuring a JSON object"))
            return -1;
        while (rc == 0 && PyDict_Next(o, &pos, &k, &v)) {
            Py_INCREF(k);
            Py_INCREF(v);
            rc = json_key_len(k, n);
            if (rc == 0)
                rc = json_len_add(v, n);
            Py_DECREF(k);
            Py_DECREF(v);
        }
        Py_LeaveRecursiveCall();
        return rc;
    }
    PyErr_Format(PyExc_TypeError, "Object of type %.100s is not JSON serializable", Py_TYPE(o)->tp_name);
    return -1;
}

static PyObject *
kubelint_json_len(PyObject *self, PyObject *data)
{
    Py_ssize_t n = 1; /* the newline */
    if (json_len_add(data, &n) < 0)
        return NULL;
    return PyLong_FromSsize_t(n);
}

/* ------------------------------------------------------------------------
 * to_value(value, fallback): kubelint.admission.celenv.to_value, the data
 * as the API server's unstructured value, in C: str, int and bool as they
 * are; a dict copied without its None values; a list copied; a finite
 * integral float as an int; None as None.  Any other type (a subclass of
 * dict, list or float included) is ``fallback(value)``, the Python
 * function, so the result is always that function's.
 * ------------------------------------------------------------------------ */

static PyObject *to_value_of(PyObject *v, PyObject *fallback);

static PyObject *
to_value_of(PyObject *v, PyObject *fallback)
{
    PyTypeObject *t = Py_TYPE(v);
    if (t == &PyUnicode_Type || t == &PyLong_Type || t == &PyBool_Type || v == Py_None) {
        Py_INCREF(v);
        return v;
    }
    if (t == &PyFloat_Type) {
        double x = PyFloat_AS_DOUBLE(v);
        if (isfinite(x) && x == floor(x))
            return PyLong_FromDouble(x);
        Py_INCREF(v);
        return v;
    }
    if (t == &PyDict_Type) {
        PyObject *out = PyDict_New(), *k, *item;
        Py_ssize_t pos = 0;
        if (out == NULL)
            return NULL;
        if (Py_EnterRecursiveCall(" while converting a value")) {
            Py_DECREF(out);
            return NULL;
        }
        while (PyDict_Next(v, &pos, &k, &item)) {
            PyObject *c;
            int rc;
            if (item == Py_None)
                continue;
            Py_INCREF(k);
            Py_INCREF(item);
            c = to_value_of(item, fallback);
            rc = c == NULL ? -1 : PyDict_SetItem(out, k, c);
            Py_XDECREF(c);
            Py_DECREF(k);
            Py_DECREF(item);
            if (rc < 0) {
                Py_LeaveRecursiveCall();
                Py_DECREF(out);
                return NULL;
            }
        }
        Py_LeaveRecursiveCall();
        return out;
    }
    if (t == &PyList_Type) {
        Py_ssize_t i, n = PyList_GET_SIZE(v);
        PyObject *out = PyList_New(n);
        if (out == NULL)
            return NULL;
        if (Py_EnterRecursiveCall(" while converting a value")) {
            Py_DECREF(out);
            return NULL;
        }
        for (i = 0; i < PyList_GET_SIZE(v) && i < n; i++) {
            PyObject *item = PyList_GET_ITEM(v, i), *c;
            Py_INCREF(item);
            c = to_value_of(item, fallback);
            Py_DECREF(item);
            if (c == NULL) {
                Py_LeaveRecursiveCall();
                Py_DECREF(out);
                return NULL;
            }
            PyList_SET_ITEM(out, i, c);
        }
        Py_LeaveRecursiveCall();
        if (i < n) { /* the list shrank meanwhile (a fallback changed it): as long as it is now */
            if (PyList_SetSlice(out, i, n, NULL) < 0) {
                Py_DECREF(out);
                return NULL;
            }
        }
        return out;
    }
    return PyObject_CallOneArg(fallback, v);
}

static PyObject *
kubelint_to_value(PyObject *self, PyObject *args)
{
    PyObject *value, *fallback;
    if (!PyArg_ParseTuple(args, "OO:to_value", &value, &fallback))
        return NULL;
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "to_value() needs a callable fallback");
        return NULL;
    }
    return to_value_of(value, fallback);
}

/* ------------------------------------------------------------------------
 * json_indent(doc, encode_string): kubelint.report.json.dumps in C, the
 * text of ``json.dumps(doc, indent=2, ensure_ascii=False)`` for plain data:
 * exact dict (str keys), list, tuple, str, int, float, bool and None.
 * Anything else raises TypeError and the caller asks json.dumps.  A str is
 * written as is between quotes unless it holds a character JSON escapes
 * (", \ and the controls), which ``encode_string`` (json's own
 * encode_basestring) quotes; ints and floats are their reprs, floats NaN,
 * Infinity and -Infinity as json writes them.
 * ------------------------------------------------------------------------ */

typedef struct {
    PyObject *parts; /* a list of str, joined at the end */
    PyObject *encode_string;
    PyObject *quote, *colon, *open_dict, *close_dict, *open_list, *close_list, *empty_dict, *empty_list;
    PyObject *null_, *true_, *false_, *nan_, *inf_, *ninf_;
    PyObject *newlines[64]; /* "\n" + 2 * depth spaces, made on first use */
} Indent;

static int
ind_add(Indent *w, PyObject *piece) /* borrowed */
{
    return PyList_Append(w->parts, piece);
}

static int
ind_add_new(Indent *w, PyObject *piece) /* steals */
{
    int rc;
    if (piece == NULL)
        return -1;
    rc = PyList_Append(w->parts, piece);
    Py_DECREF(piece);
    return rc;
}

static PyObject *
ind_newline(Indent *w, Py_ssize_t depth) /* borrowed, or new in *made when deeper than the table */
{
    PyObject *nl;
    char buf[1 + 2 * 63];
    if (depth < 64 && w->newlines[depth] != NULL)
        return w->newlines[depth];
    if (depth >= 64)
        return NULL;
    buf[0] = '\n';
    memset(buf + 1, ' ', (size_t)(2 * depth));
    nl = PyUnicode_FromStringAndSize(buf, 1 + 2 * depth);
    w->newlines[depth] = nl;
    return nl;
}

static int
ind_sep(Indent *w, const char *lead, Py_ssize_t depth) /* lead ("{", "[", ",", "") + newline at depth */
{
    PyObject *nl;
    if (depth < 64) {
        nl = ind_newline(w, depth);
        if (nl == NULL)
            return -1;
        if (*lead) {
            PyObject *l = PyUnicode_FromString(lead);
            if (l == NULL || ind_add_new(w, l) < 0)
                return -1;
        }
        return ind_add(w, nl);
    } else { /* deeper than the table: built here */
        Py_ssize_t n = 1 + 2 * depth, k = strlen(lead), i;
        PyObject *str = PyUnicode_New(k + n, 127);
        if (str == NULL)
            return -1;
        for (i = 0; i < k; i++)
            PyUnicode_WRITE(PyUnicode_1BYTE_KIND, PyUnicode_DATA(str), i, lead[i]);
        PyUnicode_WRITE(PyUnicode_1BYTE_KIND, PyUnicode_DATA(str), k, '\n');
        for (i = 0; i < 2 * depth; i++)
            PyUnicode_WRITE(PyUnicode_1BYTE_KIND, PyUnicode_DATA(str), k + 1 + i, ' ');
        return ind_add_new(w, str);
    }
}

static int
ind_str(Indent *w, PyObject *s)
{
    Py_ssize_t i, n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    for (i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x20 || c == '"' || c == '\\')
            return ind_add_new(w, PyObject_CallOneArg(w->encode_string, s));
    }
    if (ind_add(w, w->quote) < 0 || ind_add(w, s) < 0 || ind_add(w, w->quote) < 0)
        return -1;
    return 0;
}

static int ind_value(Indent *w, PyObject *o, Py_ssize_t depth);

static int
ind_value(Indent *w, PyObject *o, Py_ssize_t depth)
{
    PyTypeObject *t = Py_TYPE(o);
    if (t == &PyUnicode_Type)
        return ind_str(w, o);
    if (o == Py_None)
        return ind_add(w, w->null_);
    if (o == Py_True)
        return ind_add(w, w->true_);
    if (o == Py_False)
        return ind_add(w, w->false_);
    if (t == &PyLong_Type)
        return ind_add_new(w, PyLong_Type.tp_repr(o));
    if (t == &PyFloat_Type) {
        double x = PyFloat_AS_DOUBLE(o);
        if (x != x)
            return ind_add(w, w->nan_);
        if (isinf(x))
            return ind_add(w, x > 0 ? w->inf_ : w->ninf_);
        return ind_add_new(w, PyFloat_Type.tp_repr(o));
    }
    if (t == &PyDict_Type) {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        int first = 1, rc = 0;
        if (PyDict_GET_SIZE(o) == 0)
            return ind_add(w, w->empty_dict);
        if (Py_EnterRecursiveCall(" while writing JSON"))
            return -1;
        while (rc == 0 && PyDict_Next(o, &pos, &k, &v)) {
            if (Py_TYPE(k) != &PyUnicode_Type) {
                PyErr_SetString(PyExc_TypeError, "not plain data: a key that is not a str");
                rc = -1;
                break;
            }
            Py_INCREF(k);
            Py_INCREF(v);
            rc = ind_sep(w, first ? "{" : ",", depth + 1);
            if (rc == 0)
                rc = ind_str(w, k);
            if (rc == 0)
                rc = ind_add(w, w->colon);
            if (rc == 0)
                rc = ind_value(w, v, depth + 1);
            Py_DECREF(k);
            Py_DECREF(v);
            first = 0;
        }
        Py_LeaveRecursiveCall();
        if (rc == 0)
            rc = ind_sep(w, "", depth);
        return rc == 0 ? ind_add(w, w->close_dict) : -1;
    }
    if (t == &PyList_Type || t == &PyTuple_Type) {
        PyObject *seq = PySequence_Fast(o, "");
        Py_ssize_t i, n;
        int rc = 0;
        if (seq == NULL)
            return -1;
        n = PySequence_Fast_GET_SIZE(seq);
        if (n == 0) {
            Py_DECREF(seq);
            return ind_add(w, w->empty_list);
        }
        if (Py_EnterRecursiveCall(" while writing JSON")) {
            Py_DECREF(seq);
            return -1;
        }
        for (i = 0; i < n && rc == 0; i++) {
            rc = ind_sep(w, i == 0 ? "[" : ",", depth + 1);
            if (rc == 0)
                rc = ind_value(w, PySequence_Fast_GET_ITEM(seq, i), depth + 1);
        }
        Py_LeaveRecursiveCall();
        Py_DECREF(seq);
        if (rc == 0)
            rc = ind_sep(w, "", depth);
        return rc == 0 ? ind_add(w, w->close_list) : -1;
    }
    PyErr_Format(PyExc_TypeError, "not plain data: %.100s", t->tp_name);
    return -1;
}

static PyObject *
kubelint_json_indent(PyObject *self, PyObject *args)
{
    PyObject *doc, *result = NULL, *empty;
    Indent w;
    int i;
    memset(&w, 0, sizeof(w));
    if (!PyArg_ParseTuple(args, "OO:json_indent", &doc, &w.encode_string))
        return NULL;
    w.parts = PyList_New(0);
    w.quote = PyUnicode_FromString("\"");
    w.colon = PyUnicode_FromString(": ");
    w.close_dict = PyUnicode_FromString("}");
    w.close_list = PyUnicode_FromString("]");
    w.empty_dict = PyUnicode_FromString("{}");
    w.empty_list = PyUnicode_FromString("[]");
    w.null_ = PyUnicode_FromString("null");
    w.true_ = PyUnicode_FromString("true");
    w.false_ = PyUnicode_FromString("false");
    w.nan_ = PyUnicode_FromString("NaN");
    w.inf_ = PyUnicode_FromString("Infinity");
    w.ninf_ = PyUnicode_FromString("-Infinity");
    empty = PyUnicode_FromString("");
    if (w.parts && w.quote && w.colon && w.close_dict && w.close_list && w.empty_dict && w.empty_list && w.null_ &&
        w.true_ && w.false_ && w.nan_ && w.inf_ && w.ninf_ && empty && ind_value(&w, doc, 0) == 0)
        result = PyUnicode_Join(empty, w.parts);
    Py_XDECREF(empty);
    Py_XDECREF(w.parts);
    Py_XDECREF(w.quote);
    Py_XDECREF(w.colon);
    Py_XDECREF(w.close_dict);
    Py_XDECREF(w.close_list);
    Py_XDECREF(w.empty_dict);
    Py_XDECREF(w.empty_list);
    Py_XDECREF(w.null_);
    Py_XDECREF(w.true_);
    Py_XDECREF(w.false_);
    Py_XDECREF(w.nan_);
    Py_XDECREF(w.inf_);
    Py_XDECREF(w.ninf_);
    for (i = 0; i < 64; i++)
        Py_XDECREF(w.newlines[i]);
    return result;
}

static PyMethodDef methods[] = {
    {"to_value", kubelint_to_value, METH_VARARGS,
     "to_value(value, fallback): kubelint.admission.celenv.to_value in C (see the C)."},
    {"json_indent", kubelint_json_indent, METH_VARARGS,
     "json_indent(doc, encode_string) -> json.dumps(doc, indent=2, ensure_ascii=False) for plain data (see the C)."},
    {"json_len", kubelint_json_len, METH_O,
     "json_len(data) -> int: bytes kubectl's JSON encoder writes for data (see the C; apiserver/core.py)."},
    {"scan", kubelint_scan, METH_VARARGS,
     "scan(text, job=None) -> (line_starts, brackets, run, nodes) or None: what loader.py's pre-scans need to know "
     "(see the C); ``job``: a Prefetcher's Job of ``text``, whose facts are taken when it has them."},
    {"parse", kubelint_parse, METH_VARARGS,
     "parse(text, max_bytes, max_documents, max_depth, max_nodes, resolve, job=None) -> [(data, shadow)] or None\n\n"
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
#ifdef KUBELINT_PREFETCH
    if (PyType_Ready(&PrefetcherType) < 0 || PyType_Ready(&JobType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&PrefetcherType);
    if (PyModule_AddObject(m, "Prefetcher", (PyObject *)&PrefetcherType) < 0) {
        Py_DECREF(&PrefetcherType);
        Py_DECREF(m);
        return NULL;
    }
#endif
    if (PyModule_AddIntConstant(m, "API_VERSION", KUBELINT_YAML_API) < 0 ||
        PyModule_AddStringConstant(m, "LIBYAML_VERSION", yaml_get_version_string()) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
