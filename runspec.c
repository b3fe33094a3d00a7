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

void sstress_spec_show(struct seq_file *m, const struct sstress_spec *spec)
{
	static const char *const offset_modes[] = {
		[SSTRESS_OFFSET_FIXED] = "fixed",
		[SSTRESS_OFFSET_SWEEP] = "sweep",
		[SSTRESS_OFFSET_RANDOM] = "random",
	};
	const char *sep = "";
	int i;

	seq_printf(m, "op=%s threads=%u iterations=%llu duration_ms=%u size_min=%u size_max=%u offset=",
		   sstress_op_names[spec->op], spec->threads, spec->iterations,
		   spec->duration_ms, spec->size_min, spec->size_max);
	if (spec->offset_mode == SSTRESS_OFFSET_FIXED)
		seq_printf(m, "%u", spec->offset);
	else
		seq_puts(m, offset_modes[spec->offset_mode]);
	seq_printf(m, " offset_step=%u dir=", spec->offset_step);
	for (i = 0; i < ARRAY_SIZE(sstress_dir_names); i++) {
		if (spec->dirs & BIT(i)) {
			seq_printf(m, "%s%s", sep, sstress_dir_names[i]);
			sep = ",";
		}
	}
	seq_printf(m, " place=%s sync=%s live=%u segs=%u partial=%d skip_cpu_sync=%d pin=%d hang_ms=%u sync_off=%u sync_len=%u seed=%llu oversize=%d verify=%d",
		   spec->place == SSTRESS_PLACE_HIGH ? "high" : "any",
		   sstress_sync_names[spec->sync], spec->live, spec->segs, spec->partial,
		   spec->skip_cpu_sync, spec->pin, spec->hang_ms, spec->sync_off,
		   spec->sync_len, spec->seed,
		   spec->oversize, spec->verify);
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

/* One of @n words; its index in *out. */
static int sstress_parse_word(const struct sstress_kv *kv,
			      const char *const *words, unsigned int n,
			      u32 *out, const char *what)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(kv->val, words[i])) {
			*out = i;
			return 0;
		}
	}
	sstress_reject("%s: unknown %s '%s'", what, kv->key, kv->val);
	return -EINVAL;
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

/*
 * Parses a run spec into @out. The whole line is checked before @out is
 * written: a bad spec leaves it as it was.
 */
int sstress_spec_parse(struct sstress_dev *sd, char *line,
		       struct sstress_spec *out)
{
	static const char *what = "run";
	struct sstress_kv kv[SSTRESS_MAX_KEYS];
	bool has_size = false, has_range = false;
	struct sstress_spec parsed, *spec = &parsed;
	u32 size = 4096, w;
	int n, i, ret = 0;

	n = sstress_split(line, kv, what);
	if (n < 0)
		return n;
	memset(spec, 0, sizeof(*spec));
	spec->threads = 1;
	spec->size_min = 0;
	spec->size_max = 0;
	spec->offset_mode = SSTRESS_OFFSET_SWEEP;
	spec->offset_step = 8;
	spec->dirs = SSTRESS_DIR_TO | SSTRESS_DIR_FROM | SSTRESS_DIR_BIDI;
	spec->live = 1;
	spec->segs = 4;
	spec->hang_ms = 10000;
	spec->verify = true;

	for (i = 0; i < n && !ret; i++) {
		const char *k = kv[i].key, *v = kv[i].val;

		if (!v) {
			sstress_reject("%s: '%s' is not key=value", what, k);
			ret = -EINVAL;
		} else if (!strcmp(k, "op")) {
			ret = sstress_parse_word(&kv[i], sstress_op_names,
						 SSTRESS_NR_OPS, &w, what);
			spec->op = w;
		} else if (!strcmp(k, "sync")) {
			ret = sstress_parse_word(&kv[i], sstress_sync_names,
						 ARRAY_SIZE(sstress_sync_names),
						 &w, what);
			spec->sync = w;
		} else if (!strcmp(k, "live")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_LIVE,
						&spec->live, what);
		} else if (!strcmp(k, "segs")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_SEGS,
						&spec->segs, what);
		} else if (!strcmp(k, "hang_ms")) {
			ret = sstress_parse_u32(&kv[i], 100, SSTRESS_MAX_DURATION_MS,
						&spec->hang_ms, what);
		} else if (!strcmp(k, "sync_off")) {
			ret = sstress_parse_u32(&kv[i], 0, SSTRESS_MAX_MAP_SIZE - 1,
						&spec->sync_off, what);
		} else if (!strcmp(k, "sync_len")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->sync_len, what);
		} else if (!strcmp(k, "partial")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->partial = w;
		} else if (!strcmp(k, "pin")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->pin = w;
		} else if (!strcmp(k, "verify")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->verify = w;
		} else if (!strcmp(k, "skip_cpu_sync")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->skip_cpu_sync = w;
		} else if (!strcmp(k, "threads")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_THREADS,
						&spec->threads, what);
		} else if (!strcmp(k, "iterations")) {
			ret = sstress_parse_u64(&kv[i], 1, SSTRESS_MAX_ITERATIONS,
						&spec->iterations, what);
		} else if (!strcmp(k, "duration_ms")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_DURATION_MS,
						&spec->duration_ms, what);
		} else if (!strcmp(k, "size")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&size, what);
			has_size = true;
		} else if (!strcmp(k, "size_min")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->size_min, what);
			has_range = true;
		} else if (!strcmp(k, "size_max")) {
			ret = sstress_parse_u32(&kv[i], 1, SSTRESS_MAX_MAP_SIZE,
						&spec->size_max, what);
			has_range = true;
		} else if (!strcmp(k, "offset")) {
			if (!strcmp(v, "sweep")) {
				spec->offset_mode = SSTRESS_OFFSET_SWEEP;
			} else if (!strcmp(v, "random")) {
				spec->offset_mode = SSTRESS_OFFSET_RANDOM;
			} else {
				spec->offset_mode = SSTRESS_OFFSET_FIXED;
				ret = sstress_parse_u32(&kv[i], 0, PAGE_SIZE - 1,
							&spec->offset, what);
			}
		} else if (!strcmp(k, "offset_step")) {
			ret = sstress_parse_u32(&kv[i], 1, PAGE_SIZE - 1,
						&spec->offset_step, what);
		} else if (!strcmp(k, "dir")) {
			ret = sstress_parse_dirs(v, &spec->dirs, what);
		} else if (!strcmp(k, "place")) {
			if (!strcmp(v, "any")) {
				spec->place = SSTRESS_PLACE_ANY;
			} else if (!strcmp(v, "high")) {
				spec->place = SSTRESS_PLACE_HIGH;
			} else {
				sstress_reject("%s: place=%s: use any or high",
					       what, v);
				ret = -EINVAL;
			}
		} else if (!strcmp(k, "seed")) {
			ret = sstress_parse_u64(&kv[i], 0, U64_MAX, &spec->seed,
						what);
		} else if (!strcmp(k, "oversize")) {
			ret = sstress_parse_u32(&kv[i], 0, 1, &w, what);
			spec->oversize = w;
		} else {
			sstress_reject("%s: unknown key '%s'", what, k);
			ret = -EINVAL;
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
	} else {
		spec->size_min = size;
		spec->size_max = size;
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
