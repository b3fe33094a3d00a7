// SPDX-License-Identifier: GPL-2.0
/*
 * The run spec: its words (the op and sync names), its parser, which
 * validates a spec whole, including keys that mean nothing with the rest
 * of it, and its printing as the run file and the report show it. The
 * key=value tokens the control interface's other writes use are split and
 * read here too. Calls nothing of the module's: every layer above may use
 * it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "sstress.h"

const char *const sstress_sync_names[3] = {
	[SSTRESS_SYNC_NONE] = "none",
	[SSTRESS_SYNC_WHOLE] = "whole",
	[SSTRESS_SYNC_RANGE] = "range",
};

const char *const sstress_op_names[SSTRESS_NR_OPS] = {
	[SSTRESS_OP_MAP_SINGLE] = "map_single",
	[SSTRESS_OP_MAP_PAGE] = "map_page",
	[SSTRESS_OP_MAP_SG] = "map_sg",
	[SSTRESS_OP_ALLOC_COHERENT] = "alloc_coherent",
	[SSTRESS_OP_MAX_SIZE] = "max_size",
};

static const char *const sstress_dir_names[] = { "to", "from", "bidi" };

static const char *const sstress_offset_names[] = {
	[SSTRESS_OFFSET_FIXED] = "fixed",
	[SSTRESS_OFFSET_SWEEP] = "sweep",
	[SSTRESS_OFFSET_RANDOM] = "random",
};

static const char *const sstress_place_names[] = {
	[SSTRESS_PLACE_ANY] = "any",
	[SSTRESS_PLACE_HIGH] = "high",
};

/* How a key's value is read and printed. */
enum sstress_key_kind {
	SSTRESS_KEY_U32,	/* a u32 field, min..max */
	SSTRESS_KEY_U64,	/* a u64 field, min..max */
	SSTRESS_KEY_BOOL,	/* a bool field, 0 or 1 */
	SSTRESS_KEY_WORD,	/* an enum field, one of @words */
	SSTRESS_KEY_SIZE,	/* size=: both size_min and size_max; not printed */
	SSTRESS_KEY_OFFSET,	/* a number (fixed), or an offset mode's name */
	SSTRESS_KEY_DIRS,	/* a comma list of directions */
};

/*
 * The run spec's keys, in the order the run file and the report print
 * them: the table drives parsing, the range checks and printing. What
 * depends on several keys at once is checked after the table's loop in
 * sstress_spec_parse() and in sstress_spec_check_context().
 */
struct sstress_key {
	const char *name;
	enum sstress_key_kind kind;
	size_t field;		/* offsetof(struct sstress_spec, ...) */
	u64 min, max;
	const char *const *words;
	unsigned int nwords;
	/* For a word: what the reason says instead of "unknown KEY 'V'". */
	const char *hint;
};

#define SSTRESS_KEY_NUM(k, t, f, lo, hi) \
	{ .name = k, .kind = t, .min = lo, .max = hi, \
	  .field = offsetof(struct sstress_spec, f) }
#define SSTRESS_KEY_WORDS(k, f, w, n, h) \
	{ .name = k, .kind = SSTRESS_KEY_WORD, .words = w, .nwords = n, \
	  .hint = h, .field = offsetof(struct sstress_spec, f) }

static const struct sstress_key sstress_keys[] = {
	SSTRESS_KEY_WORDS("op", op, sstress_op_names, SSTRESS_NR_OPS, NULL),
	SSTRESS_KEY_NUM("threads", SSTRESS_KEY_U32, threads, 1,
			SSTRESS_MAX_THREADS),
	SSTRESS_KEY_NUM("iterations", SSTRESS_KEY_U64, iterations, 1,
			SSTRESS_MAX_ITERATIONS),
	SSTRESS_KEY_NUM("duration_ms", SSTRESS_KEY_U32, duration_ms, 1,
			SSTRESS_MAX_DURATION_MS),
	SSTRESS_KEY_NUM("size", SSTRESS_KEY_SIZE, size_min, 1,
			SSTRESS_MAX_MAP_SIZE),
	SSTRESS_KEY_NUM("size_min", SSTRESS_KEY_U32, size_min, 1,
			SSTRESS_MAX_MAP_SIZE),
	SSTRESS_KEY_NUM("size_max", SSTRESS_KEY_U32, size_max, 1,
			SSTRESS_MAX_MAP_SIZE),
	SSTRESS_KEY_NUM("offset", SSTRESS_KEY_OFFSET, offset, 0, PAGE_SIZE - 1),
	SSTRESS_KEY_NUM("offset_step", SSTRESS_KEY_U32, offset_step, 1,
			PAGE_SIZE - 1),
	SSTRESS_KEY_NUM("dir", SSTRESS_KEY_DIRS, dirs, 0, 0),
	SSTRESS_KEY_WORDS("place", place, sstress_place_names,
			  ARRAY_SIZE(sstress_place_names), "use any or high"),
	SSTRESS_KEY_WORDS("sync", sync, sstress_sync_names,
			  ARRAY_SIZE(sstress_sync_names), NULL),
	SSTRESS_KEY_NUM("live", SSTRESS_KEY_U32, live, 1, SSTRESS_MAX_LIVE),
	SSTRESS_KEY_NUM("segs", SSTRESS_KEY_U32, segs, 1, SSTRESS_MAX_SEGS),
	SSTRESS_KEY_NUM("partial", SSTRESS_KEY_BOOL, partial, 0, 1),
	SSTRESS_KEY_NUM("skip_cpu_sync", SSTRESS_KEY_BOOL, skip_cpu_sync, 0, 1),
	SSTRESS_KEY_NUM("pin", SSTRESS_KEY_BOOL, pin, 0, 1),
	SSTRESS_KEY_NUM("hang_ms", SSTRESS_KEY_U32, hang_ms, 100,
			SSTRESS_MAX_DURATION_MS),
	SSTRESS_KEY_NUM("sync_off", SSTRESS_KEY_U32, sync_off, 0,
			SSTRESS_MAX_MAP_SIZE - 1),
	SSTRESS_KEY_NUM("sync_len", SSTRESS_KEY_U32, sync_len, 1,
			SSTRESS_MAX_MAP_SIZE),
	SSTRESS_KEY_NUM("seed", SSTRESS_KEY_U64, seed, 0, U64_MAX),
	SSTRESS_KEY_NUM("oversize", SSTRESS_KEY_BOOL, oversize, 0, 1),
	SSTRESS_KEY_NUM("verify", SSTRESS_KEY_BOOL, verify, 0, 1),
};

/* Prints the spec as "key=value ...", every key but size=. */
void sstress_spec_show(struct seq_file *m, const struct sstress_spec *spec)
{
	const char *sep = "";
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(sstress_keys); i++) {
		const struct sstress_key *k = &sstress_keys[i];
		const void *f = (const u8 *)spec + k->field;

		if (k->kind == SSTRESS_KEY_SIZE)
			continue;
		seq_printf(m, "%s%s=", i ? " " : "", k->name);
		switch (k->kind) {
		case SSTRESS_KEY_U32:
			seq_printf(m, "%u", *(const u32 *)f);
			break;
		case SSTRESS_KEY_U64:
			seq_printf(m, "%llu", *(const u64 *)f);
			break;
		case SSTRESS_KEY_BOOL:
			seq_printf(m, "%d", *(const bool *)f);
			break;
		case SSTRESS_KEY_WORD:
			seq_puts(m, k->words[*(const u32 *)f]);
			break;
		case SSTRESS_KEY_OFFSET:
			if (spec->offset_mode == SSTRESS_OFFSET_FIXED)
				seq_printf(m, "%u", spec->offset);
			else
				seq_puts(m, sstress_offset_names[spec->offset_mode]);
			break;
		case SSTRESS_KEY_DIRS:
			for (j = 0; j < ARRAY_SIZE(sstress_dir_names); j++) {
				if (spec->dirs & BIT(j)) {
					seq_printf(m, "%s%s", sep,
						   sstress_dir_names[j]);
					sep = ",";
				}
			}
			break;
		default:
			break;
		}
	}
}

/* ---- parsing ---- */

/* Splits "k=v k=v word" in place; rejects repeated keys. */
int sstress_split(char *line, struct sstress_kv *kv, const char *what)
{
	int n = 0, i;
	char *tok;

	while ((tok = strsep(&line, " \t")) != NULL) {
		char *eq;

		if (!*tok)
			continue;
		if (n == SSTRESS_MAX_KEYS) {
			sstress_reject("%s: more than %d fields", what,
				       SSTRESS_MAX_KEYS);
			return -EINVAL;
		}
		eq = strchr(tok, '=');
		if (eq)
			*eq++ = '\0';
		kv[n].key = tok;
		kv[n].val = eq;
		for (i = 0; i < n; i++) {
			if (!strcmp(kv[i].key, tok)) {
				sstress_reject("%s: '%s' given twice", what, tok);
				return -EINVAL;
			}
		}
		n++;
	}
	if (!n) {
		sstress_reject("%s: empty request", what);
		return -EINVAL;
	}
	return n;
}

int sstress_parse_u64(const struct sstress_kv *kv, u64 min, u64 max, u64 *out,
		      const char *what)
{
	u64 v;

	if (!kv->val || kstrtou64(kv->val, 0, &v)) {
		sstress_reject("%s: %s needs a number", what, kv->key);
		return -EINVAL;
	}
	if (v < min || v > max) {
		sstress_reject("%s: %s=%llu out of range %llu..%llu", what,
			       kv->key, v, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int sstress_parse_u32(const struct sstress_kv *kv, u32 min, u32 max, u32 *out,
		      const char *what)
{
	u64 v;
	int ret;

	ret = sstress_parse_u64(kv, min, max, &v, what);
	if (!ret)
		*out = v;
	return ret;
}

static int sstress_parse_dirs(const char *val, u32 *dirs, const char *what)
{
	char buf[32], *s = buf, *tok;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		goto bad;
	*dirs = 0;
	while ((tok = strsep(&s, ",")) != NULL) {
		if (!strcmp(tok, "to"))
			*dirs |= SSTRESS_DIR_TO;
		else if (!strcmp(tok, "from"))
			*dirs |= SSTRESS_DIR_FROM;
		else if (!strcmp(tok, "bidi"))
			*dirs |= SSTRESS_DIR_BIDI;
		else if (!strcmp(tok, "all"))
			*dirs |= SSTRESS_DIR_TO | SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI;
		else
			goto bad;
	}
	return 0;
bad:
	sstress_reject("%s: dir=%s: use to, from, bidi, all or a comma list",
		       what, val);
	return -EINVAL;
}

/* Whether @key was given, with or without a value. */
static bool sstress_kv_has(const struct sstress_kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return true;
	return false;
}

/*
 * Keys that mean nothing with the rest of the spec are refused, not
 * ignored: a reproducer that names one believes it has an effect.
 */
static int sstress_spec_check_context(const struct sstress_spec *spec,
				      const struct sstress_kv *kv, int n,
				      const char *what)
{
	static const char *const no_coherent[] = {
		"dir", "offset", "offset_step", "place",
	};
	bool sync_off = sstress_kv_has(kv, n, "sync_off");
	bool sync_len = sstress_kv_has(kv, n, "sync_len");
	const char *why = NULL;
	unsigned int i;

	if ((sync_off || sync_len) && spec->sync != SSTRESS_SYNC_RANGE)
		why = "sync_off= and sync_len= need sync=range";
	else if (sync_off && !sync_len)
		why = "sync_off= needs sync_len= (without them the ranges are random)";
	else if (spec->sync == SSTRESS_SYNC_RANGE && spec->op == SSTRESS_OP_MAP_SG)
		why = "sync=range means nothing to map_sg, synced whole (sync=whole)";
	else if (sstress_kv_has(kv, n, "segs") && spec->op != SSTRESS_OP_MAP_SG)
		why = "segs= needs op=map_sg";
	else if (sstress_kv_has(kv, n, "offset_step") &&
		 spec->offset_mode != SSTRESS_OFFSET_SWEEP)
		why = "offset_step= needs offset=sweep";
	else if (spec->op == SSTRESS_OP_MAX_SIZE &&
		 (sstress_kv_has(kv, n, "size") ||
		  sstress_kv_has(kv, n, "size_min") ||
		  sstress_kv_has(kv, n, "size_max")))
		why = "op=max_size maps dma_max_mapping_size() bytes: no size=";
	else if (spec->op == SSTRESS_OP_MAX_SIZE && spec->oversize)
		why = "oversize= means nothing to op=max_size";
	else if (spec->partial &&
		 !(spec->dirs & (SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI)))
		why = "partial=1 needs dir=from or bidi: the device writes nothing to dir=to";
	if (why) {
		sstress_reject("%s: %s", what, why);
		return -EINVAL;
	}
	if (spec->op != SSTRESS_OP_ALLOC_COHERENT)
		return 0;
	/* One coherent buffer at a time, used whole, seen by both sides. */
	for (i = 0; i < ARRAY_SIZE(no_coherent); i++) {
		if (sstress_kv_has(kv, n, no_coherent[i])) {
			sstress_reject("%s: %s= means nothing to alloc_coherent",
				       what, no_coherent[i]);
			return -EINVAL;
		}
	}
	if (spec->sync != SSTRESS_SYNC_NONE || spec->partial || spec->live > 1) {
		sstress_reject("%s: alloc_coherent takes no sync=, partial=1 or live= above 1",
			       what);
		return -EINVAL;
	}
	return 0;
}

/* Reads one key's value into @spec, as the key's table entry says. */
static int sstress_key_parse(const struct sstress_key *k,
			     const struct sstress_kv *kv,
			     struct sstress_spec *spec, const char *what)
{
	void *f = (u8 *)spec + k->field;
	unsigned int i;
	u32 w;
	int ret;

	switch (k->kind) {
	case SSTRESS_KEY_U32:
		return sstress_parse_u32(kv, k->min, k->max, f, what);
	case SSTRESS_KEY_U64:
		return sstress_parse_u64(kv, k->min, k->max, f, what);
	case SSTRESS_KEY_BOOL:
		ret = sstress_parse_u32(kv, 0, 1, &w, what);
		*(bool *)f = w;
		return ret;
	case SSTRESS_KEY_SIZE:
		ret = sstress_parse_u32(kv, k->min, k->max, &spec->size_min,
					what);
		spec->size_max = spec->size_min;
		return ret;
	case SSTRESS_KEY_WORD:
		for (i = 0; i < k->nwords; i++) {
			if (!strcmp(kv->val, k->words[i])) {
				*(u32 *)f = i;
				return 0;
			}
		}
		if (k->hint)
			sstress_reject("%s: %s=%s: %s", what, kv->key, kv->val,
				       k->hint);
		else
			sstress_reject("%s: unknown %s '%s'", what, kv->key,
				       kv->val);
		return -EINVAL;
	case SSTRESS_KEY_OFFSET:
		if (!strcmp(kv->val, "sweep")) {
			spec->offset_mode = SSTRESS_OFFSET_SWEEP;
			return 0;
		}
		if (!strcmp(kv->val, "random")) {
			spec->offset_mode = SSTRESS_OFFSET_RANDOM;
			return 0;
		}
		spec->offset_mode = SSTRESS_OFFSET_FIXED;
		return sstress_parse_u32(kv, k->min, k->max, &spec->offset,
					 what);
	case SSTRESS_KEY_DIRS:
		return sstress_parse_dirs(kv->val, &spec->dirs, what);
	}
	return -EINVAL;
}

static const struct sstress_key *sstress_key_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sstress_keys); i++)
		if (!strcmp(sstress_keys[i].name, name))
			return &sstress_keys[i];
	return NULL;
}

/*
 * Parses a run spec into @out. The whole line is checked before @out is
 * written: a bad spec leaves it as it was.
 */
int sstress_spec_parse(struct sstress_dev *sd, char *line,
		       struct sstress_spec *out)
{
	static const char *what = "run";
	struct sstress_kv kv[SSTRESS_MAX_KEYS];
	struct sstress_spec parsed, *spec = &parsed;
	bool has_size, has_range;
	int n, i, ret = 0;

	/* A word key's value is stored through a u32. */
	BUILD_BUG_ON(sizeof(spec->op) != sizeof(u32) ||
		     sizeof(spec->sync) != sizeof(u32) ||
		     sizeof(spec->place) != sizeof(u32));

	n = sstress_split(line, kv, what);
	if (n < 0)
		return n;
	memset(spec, 0, sizeof(*spec));
	spec->threads = 1;
	spec->offset_mode = SSTRESS_OFFSET_SWEEP;
	spec->offset_step = 8;
	spec->dirs = SSTRESS_DIR_TO | SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI;
	spec->live = 1;
	spec->segs = 4;
	spec->hang_ms = 10000;
	spec->verify = true;

	for (i = 0; i < n && !ret; i++) {
		const struct sstress_key *k = sstress_key_find(kv[i].key);

		if (!kv[i].val) {
			sstress_reject("%s: '%s' is not key=value", what,
				       kv[i].key);
			ret = -EINVAL;
		} else if (!k) {
			sstress_reject("%s: unknown key '%s'", what, kv[i].key);
			ret = -EINVAL;
		} else {
			ret = sstress_key_parse(k, &kv[i], spec, what);
		}
	}
	if (ret)
		return ret;

	if (spec->iterations && spec->duration_ms) {
		sstress_reject("%s: give iterations= or duration_ms=, not both",
			       what);
		return -EINVAL;
	}
	if (!spec->iterations && !spec->duration_ms)
		spec->iterations = 1000;
	has_size = sstress_kv_has(kv, n, "size");
	has_range = sstress_kv_has(kv, n, "size_min") ||
		    sstress_kv_has(kv, n, "size_max");
	if (has_size && has_range) {
		sstress_reject("%s: give size= or size_min=/size_max=, not both",
			       what);
		return -EINVAL;
	}
	if (has_range) {
		if (!spec->size_min || !spec->size_max) {
			sstress_reject("%s: size_min= and size_max= go together",
				       what);
			return -EINVAL;
		}
		if (spec->size_min > spec->size_max) {
			sstress_reject("%s: size_min %u > size_max %u", what,
				       spec->size_min, spec->size_max);
			return -EINVAL;
		}
	} else if (!has_size) {
		spec->size_min = 4096;
		spec->size_max = 4096;
	}
	if (!spec->verify && (spec->sync != SSTRESS_SYNC_NONE ||
			      spec->partial || spec->skip_cpu_sync)) {
		sstress_reject("%s: verify=0 allows no sync, partial or skip_cpu_sync",
			       what);
		return -EINVAL;
	}
	if (spec->skip_cpu_sync && spec->op == SSTRESS_OP_ALLOC_COHERENT) {
		sstress_reject("%s: skip_cpu_sync means nothing to alloc_coherent",
			       what);
		return -EINVAL;
	}
	ret = sstress_spec_check_context(spec, kv, n, what);
	if (ret)
		return ret;
	*out = parsed;
	return 0;
}
