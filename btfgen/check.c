// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen check - will CO-RE BPF objects load on a kernel, or on every
 * kernel of a btfhub-like tree? Per program the verdict libbpf reaches,
 * and each relocation a kernel does not satisfy, in source terms; over a
 * tree, kernels grouped by identical verdicts and the relocations that
 * break most kernels first.
 */
#include <errno.h>
#include <fnmatch.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "main.h"

struct check_args {
	struct input_args in;
	const char **objs;
	size_t obj_cnt;
	const char *batch;
	const char *allow;
	unsigned int jobs;
};

/* The --allow patterns. */
struct allow {
	char **pats;
	size_t cnt;
};

/* One kernel's outcome, however it was checked. */
struct kres {
	const char *path;
	int err;
	const struct tg_check_result *res;
	char *key;		/* what kernels of one group share */
	enum tg_check_verdict v;	/* worst over the objects */
	bool allowed;		/* every failure is a known gap */
};

static const char *reason_str(enum tg_check_reason r)
{
	static const char *const s[] = {
		[TG_CHECK_TYPE_MISSING] = "type_missing",
		[TG_CHECK_FIELD_MISSING] = "field_missing",
		[TG_CHECK_FIELD_TYPE] = "field_type",
		[TG_CHECK_FIELD_SIZE] = "field_size",
		[TG_CHECK_ENUMVAL_MISSING] = "enumval_missing",
		[TG_CHECK_AMBIGUOUS] = "ambiguous",
		[TG_CHECK_INVALID] = "invalid",
	};

	return (unsigned int)r < sizeof(s) / sizeof(*s) ? s[r] : "?";
}

static const char *obj_name(const struct tg_check *c, size_t obj)
{
	const char *p = tg_check__object_path(c, obj), *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static const char *prog_of(const struct tg_check *c,
			   const struct tg_check_problem *p)
{
	const struct tg_check_prog *pr = tg_check__prog(c, p->prog);

	return pr ? pr->name : "?";
}

/* ---- known gaps ---------------------------------------------------------- */

static int read_allow(const char *path, struct allow *a)
{
	char *line = NULL, *s, *e, **p;
	size_t cap = 0;
	FILE *f = fopen(path, "r");
	int err = 0;

	if (!f) {
		p_err_code(path, -errno);
		return EXIT_ERR;
	}
	while (getline(&line, &cap, f) > 0) {
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == ' ' ||
				 e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		p = realloc(a->pats, (a->cnt + 1) * sizeof(*p));
		if (!p || !(p[a->cnt] = strdup(s))) {
			if (p)
				a->pats = p;
			err = -ENOMEM;
			break;
		}
		a->pats = p;
		a->cnt++;
	}
	if (!err && ferror(f))
		err = -EIO;
	free(line);
	fclose(f);
	if (err) {
		p_err_code(path, err);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

static void free_allow(struct allow *a)
{
	size_t i;

	for (i = 0; i < a->cnt; i++)
		free(a->pats[i]);
	free(a->pats);
}

static bool allowed(const struct allow *a, const char *prog, const char *what)
{
	char key[1024];
	size_t i;

	snprintf(key, sizeof(key), "%s: %s", prog, what);
	for (i = 0; i < a->cnt; i++)
		if (!fnmatch(a->pats[i], key, 0))
			return true;
	return false;
}

/* ---- one kernel's verdicts ----------------------------------------------- */

static bool fatal(const struct tg_check_problem *p)
{
	return !p->dead;
}

/* The group key and the verdict of @k. */
static int summarize(const struct tg_check *c, const struct allow *a,
		     struct kres *k)
{
	char msg[256], *buf = NULL;
	size_t len = 0, i, n;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	k->allowed = true;
	if (k->err) {
		fprintf(f, "error: %s", err_str(k->err, msg, sizeof(msg)));
		k->v = TG_CHECK_FAILS;
		k->allowed = false;
	} else {
		k->v = TG_CHECK_LOADS;
		for (i = 0; i < tg_check__object_cnt(c); i++) {
			enum tg_check_verdict v = tg_check_result__object(k->res, i);

			fprintf(f, "%zu:%d;", i, v);
			if (v > k->v)
				k->v = v;
		}
		n = tg_check_result__problem_cnt(k->res);
		for (i = 0; i < n; i++) {
			const struct tg_check_problem *p =
				tg_check_result__problem(k->res, i);

			fprintf(f, "\n%zu\t%s\t%s\t%d", p->obj, prog_of(c, p),
				p->what, p->dead);
			if (fatal(p) && !allowed(a, prog_of(c, p), p->what))
				k->allowed = false;
		}
	}
	if (fclose(f))
		return -ENOMEM;
	k->key = buf;
	return 0;
}

static void print_problem(FILE *out, const struct tg_check *c,
			  const struct tg_check_problem *p, const char *indent)
{
	fprintf(out, "%s%s (%s, insn %u)", indent, p->what,
		tg_relo_kind__str(p->kind), p->insn_idx);
	if (p->dead)
		fprintf(out, ": dead code%s%s\n", p->guard ? ", guarded by " : "",
			p->guard ? p->guard : "");
	else if (p->guard)
		fprintf(out, ": reachable; %s is tested elsewhere in %s but does not guard it\n",
			p->guard, prog_of(c, p));
	else
		fprintf(out, ": reachable, no existence check guards it\n");
}

static void text_one(const struct tg_check *c, const struct kres *k)
{
	size_t o, i, j, n = tg_check_result__problem_cnt(k->res);

	for (o = 0; o < tg_check__object_cnt(c); o++) {
		printf("%s on %s: %s\n", tg_check__object_path(c, o), k->path,
		       tg_check_verdict__str(tg_check_result__object(k->res, o)));
		for (i = 0; i < tg_check__prog_cnt(c); i++) {
			const struct tg_check_prog *pr = tg_check__prog(c, i);

			if (pr->obj != o)
				continue;
			printf("  %s (%s): %s\n", pr->name, pr->section,
			       tg_check_verdict__str(tg_check_result__prog(k->res, i)));
			for (j = 0; j < n; j++) {
				const struct tg_check_problem *p =
					tg_check_result__problem(k->res, j);

				if (p->prog == i)
					print_problem(stdout, c, p, "    ");
			}
			for (j = 0; j < pr->call_cnt; j++) {
				size_t q = pr->calls[j];

				if (tg_check_result__prog(k->res, q) != TG_CHECK_LOADS)
					printf("    calls %s: %s\n",
					       tg_check__prog(c, q)->name,
					       tg_check_verdict__str(tg_check_result__prog(k->res, q)));
			}
		}
		for (j = 0; j < n; j++) {
			const struct tg_check_problem *p =
				tg_check_result__problem(k->res, j);

			if (p->obj == o && p->prog >= tg_check__prog_cnt(c))
				print_problem(stdout, c, p, "  outside any function: ");
		}
	}
}

/* ---- a tree -------------------------------------------------------------- */

/* <distro>/<version>/<arch>/<release>.btf... split; missing parts "". */
struct kpath {
	char distro[64], version[64], arch[32], release[128];
};

static void split_path(const char *path, struct kpath *kp)
{
	const char *part[4] = { "", "", "", "" }, *s = path, *e;
	size_t lens[4] = {}, n = 0, i;
	const char *comp[64];
	size_t clen[64];

	memset(kp, 0, sizeof(*kp));
	while (*s && n < 64) {
		e = strchr(s, '/');
		comp[n] = s;
		clen[n] = e ? (size_t)(e - s) : strlen(s);
		n++;
		if (!e)
			break;
		s = e + 1;
	}
	for (i = 0; i < 4 && i < n; i++) {
		part[3 - i] = comp[n - 1 - i];
		lens[3 - i] = clen[n - 1 - i];
	}
	snprintf(kp->distro, sizeof(kp->distro), "%.*s", (int)lens[0], part[0]);
	snprintf(kp->version, sizeof(kp->version), "%.*s", (int)lens[1], part[1]);
	snprintf(kp->arch, sizeof(kp->arch), "%.*s", (int)lens[2], part[2]);
	e = strstr(part[3], ".btf");
	snprintf(kp->release, sizeof(kp->release), "%.*s",
		 (int)(e ? (size_t)(e - part[3]) : lens[3]), part[3]);
}

static int cmp_key(const void *a, const void *b)
{
	const struct kres *x = *(const struct kres *const *)a;
	const struct kres *y = *(const struct kres *const *)b;
	int r = strcmp(x->key, y->key);

	return r ?: strcmp(x->path, y->path);
}

/* Kernels with identical verdicts: a run of a key-sorted array. */
struct group {
	struct kres **k;
	size_t cnt;
};

static int group_rank(const struct group *g)
{
	if (g->k[0]->err)
		return 1;
	return g->k[0]->v == TG_CHECK_FAILS ? 0 :
	       g->k[0]->v == TG_CHECK_LOADS_DEAD ? 2 : 3;
}

/* Failures first, then what cannot be read, then the largest groups. */
static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (group_rank(x) != group_rank(y))
		return group_rank(x) - group_rank(y);
	if (x->cnt != y->cnt)
		return x->cnt < y->cnt ? 1 : -1;
	return strcmp(x->k[0]->key, y->k[0]->key);
}

/* @ks grouped into *@gp (*@gcnt groups) over the array *@sortedp. */
static int make_groups(struct kres *ks, size_t n, struct kres ***sortedp,
		       struct group **gp, size_t *gcnt)
{
	struct kres **sorted = calloc(n + 1, sizeof(*sorted));
	struct group *g = calloc(n + 1, sizeof(*g));
	size_t i, cnt = 0;

	if (!sorted || !g) {
		free(sorted);
		free(g);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		sorted[i] = &ks[i];
	qsort(sorted, n, sizeof(*sorted), cmp_key);
	for (i = 0; i < n; i++) {
		if (!i || strcmp(sorted[i]->key, sorted[i - 1]->key))
			g[cnt++].k = &sorted[i];
		g[cnt - 1].cnt++;
	}
	qsort(g, cnt, sizeof(*g), cmp_group);
	*sortedp = sorted;
	*gp = g;
	*gcnt = cnt;
	return 0;
}

/* Kernels of one group, by distro, version and arch, then release. */
static int cmp_release(const void *a, const void *b)
{
	const struct kres *x = *(const struct kres *const *)a;
	const struct kres *y = *(const struct kres *const *)b;
	struct kpath p, q;
	int r;

	split_path(x->path, &p);
	split_path(y->path, &q);
	r = strcmp(p.distro, q.distro);
	r = r ?: strverscmp(p.version, q.version);
	r = r ?: strcmp(p.arch, q.arch);
	return r ?: strverscmp(p.release, q.release);
}

/* "ubuntu 20.04 x86_64: 5.4.0-1 .. 5.4.0-9 (4)" per distro/version/arch. */
static void print_ranges(struct kres **ks, size_t n)
{
	struct kpath first, last, cur;
	size_t i, start = 0;

	qsort(ks, n, sizeof(*ks), cmp_release);
	for (i = 1; i <= n; i++) {
		if (i < n) {
			split_path(ks[start]->path, &first);
			split_path(ks[i]->path, &cur);
			if (!strcmp(first.distro, cur.distro) &&
			    !strcmp(first.version, cur.version) &&
			    !strcmp(first.arch, cur.arch))
				continue;
		}
		split_path(ks[start]->path, &first);
		split_path(ks[i - 1]->path, &last);
		printf("    %s%s%s%s%s%s", first.distro, *first.distro ? " " : "",
		       first.version, *first.version ? " " : "", first.arch,
		       *first.arch ? ": " : "");
		if (i - start == 1)
			printf("%s\n", first.release);
		else
			printf("%s .. %s (%zu)\n", first.release, last.release,
			       i - start);
		start = i;
	}
}

struct breaker {
	size_t obj;
	const char *prog, *what;
	size_t kernels;
	size_t last;		/* 1 + the last kernel counted */
	bool allowed;
};

static int cmp_breaker(const void *a, const void *b)
{
	const struct breaker *x = a, *y = b;

	if (x->kernels != y->kernels)
		return x->kernels < y->kernels ? 1 : -1;
	return strcmp(x->what, y->what) ?: strcmp(x->prog, y->prog);
}

/* Each fatal problem counted once per kernel it breaks. */
static int count_breakers(const struct tg_check *c, const struct allow *a,
			  const struct kres *ks, size_t n,
			  struct breaker **bp, size_t *cntp)
{
	struct breaker *b = NULL, *nb;
	size_t cnt = 0, i, j, l;

	for (i = 0; i < n; i++) {
		size_t pc = ks[i].err ? 0 : tg_check_result__problem_cnt(ks[i].res);

		for (j = 0; j < pc; j++) {
			const struct tg_check_problem *p =
				tg_check_result__problem(ks[i].res, j);
			const char *prog = prog_of(c, p);

			if (!fatal(p))
				continue;
			for (l = 0; l < cnt; l++)
				if (b[l].obj == p->obj && !strcmp(b[l].prog, prog) &&
				    !strcmp(b[l].what, p->what))
					break;
			if (l == cnt) {
				nb = realloc(b, (cnt + 1) * sizeof(*b));
				if (!nb) {
					free(b);
					return -ENOMEM;
				}
				b = nb;
				b[cnt].obj = p->obj;
				b[cnt].prog = prog;
				b[cnt].what = p->what;
				b[cnt].kernels = 0;
				b[cnt].last = 0;
				b[cnt].allowed = allowed(a, prog, p->what);
				cnt++;
			}
			/* Twice in one program on one kernel counts once. */
			if (b[l].last != i + 1)
				b[l].kernels++;
			b[l].last = i + 1;
		}
	}
	if (cnt)
		qsort(b, cnt, sizeof(*b), cmp_breaker);
	*bp = b;
	*cntp = cnt;
	return 0;
}

struct totals {
	size_t v[3], unreadable, allowed;
};

static void count_totals(const struct kres *ks, size_t n, struct totals *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (ks[i].err)
			t->unreadable++;
		else
			t->v[ks[i].v]++;
		if (!ks[i].err && ks[i].v == TG_CHECK_FAILS && ks[i].allowed)
			t->allowed++;
	}
}

static int text_batch(const struct tg_check *c, const struct allow *a,
		      struct kres *ks, size_t n)
{
	struct kres **sorted = NULL;
	struct breaker *b = NULL;
	struct group *g = NULL;
	struct totals t;
	size_t i, bc = 0, gc = 0;
	char msg[256];
	int err;

	err = make_groups(ks, n, &sorted, &g, &gc);
	err = err ?: count_breakers(c, a, ks, n, &b, &bc);
	if (err) {
		free(sorted);
		free(g);
		return err;
	}
	count_totals(ks, n, &t);
	printf("%zu object%s, %zu kernels: %zu load, %zu load with poisoned dead code, %zu fail",
	       tg_check__object_cnt(c), tg_check__object_cnt(c) == 1 ? "" : "s",
	       n, t.v[TG_CHECK_LOADS], t.v[TG_CHECK_LOADS_DEAD],
	       t.v[TG_CHECK_FAILS]);
	if (t.allowed)
		printf(" (%zu only by known gaps)", t.allowed);
	printf(", %zu unreadable\n", t.unreadable);
	if (bc)
		printf("\nWhat breaks, most kernels first:\n");
	for (i = 0; i < bc; i++)
		printf("  %5zu kernel%s  %s %s: %s%s\n", b[i].kernels,
		       b[i].kernels == 1 ? " " : "s", obj_name(c, b[i].obj),
		       b[i].prog, b[i].what, b[i].allowed ? " (allowed)" : "");

	printf("\nKernels by verdict:\n");
	for (i = 0; i < gc; i++) {
		const struct kres *k = g[i].k[0];

		printf("  group %zu: %zu kernel%s: %s\n", i + 1, g[i].cnt,
		       g[i].cnt == 1 ? "" : "s",
		       k->err ? err_str(k->err, msg, sizeof(msg)) :
		       tg_check_verdict__str(k->v));
		if (!k->err) {
			size_t pc = tg_check_result__problem_cnt(k->res), l;

			for (l = 0; l < pc; l++) {
				const struct tg_check_problem *p =
					tg_check_result__problem(k->res, l);

				printf("    %s %s: ", obj_name(c, p->obj),
				       prog_of(c, p));
				print_problem(stdout, c, p, "");
			}
		}
		print_ranges(g[i].k, g[i].cnt);
	}
	free(sorted);
	free(g);
	free(b);
	return 0;
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_problem(struct json_writer *w, const struct tg_check *c,
			 const struct tg_check_problem *p)
{
	jsonw_start_object(w);
	jsonw_string_field(w, "object", tg_check__object_path(c, p->obj));
	jsonw_string_field(w, "program", prog_of(c, p));
	jsonw_name(w, "insn");
	jsonw_uint(w, p->insn_idx);
	jsonw_string_field(w, "kind", tg_relo_kind__str(p->kind));
	jsonw_string_field(w, "spec", p->spec);
	jsonw_string_field(w, "reason", reason_str(p->reason));
	jsonw_string_field(w, "what", p->what);
	jsonw_name(w, "dead");
	jsonw_bool(w, p->dead);
	jsonw_string_field(w, "guard", p->guard);
	jsonw_end_object(w);
}

static void json_kernel(struct json_writer *w, const struct tg_check *c,
			const struct kres *k, size_t group)
{
	size_t o, i, n;
	struct kpath kp;
	char msg[256];

	split_path(k->path, &kp);
	jsonw_start_object(w);
	jsonw_string_field(w, "path", k->path);
	jsonw_string_field(w, "distro", kp.distro);
	jsonw_string_field(w, "version", kp.version);
	jsonw_string_field(w, "arch", kp.arch);
	jsonw_string_field(w, "release", kp.release);
	jsonw_name(w, "group");
	jsonw_uint(w, group);
	if (k->err) {
		jsonw_string_field(w, "error", err_str(k->err, msg, sizeof(msg)));
		jsonw_end_object(w);
		return;
	}
	jsonw_string_field(w, "verdict", tg_check_verdict__str(k->v));
	jsonw_name(w, "allowed");
	jsonw_bool(w, k->allowed);
	jsonw_name(w, "objects");
	jsonw_start_array(w);
	for (o = 0; o < tg_check__object_cnt(c); o++) {
		jsonw_start_object(w);
		jsonw_string_field(w, "path", tg_check__object_path(c, o));
		jsonw_string_field(w, "verdict",
			tg_check_verdict__str(tg_check_result__object(k->res, o)));
		jsonw_name(w, "programs");
		jsonw_start_object(w);
		for (i = 0; i < tg_check__prog_cnt(c); i++)
			if (tg_check__prog(c, i)->obj == o)
				jsonw_string_field(w, tg_check__prog(c, i)->name,
					tg_check_verdict__str(tg_check_result__prog(k->res, i)));
		jsonw_end_object(w);
		jsonw_end_object(w);
	}
	jsonw_end_array(w);
	jsonw_name(w, "problems");
	jsonw_start_array(w);
	n = tg_check_result__problem_cnt(k->res);
	for (i = 0; i < n; i++)
		json_problem(w, c, tg_check_result__problem(k->res, i));
	jsonw_end_array(w);
	jsonw_end_object(w);
}

static int json_all(const struct tg_check *c, const struct allow *a,
		    struct kres *ks, size_t n)
{
	size_t *group = calloc(n + 1, sizeof(*group));
	struct kres **sorted = NULL;
	struct breaker *b = NULL;
	struct group *g = NULL;
	struct json_writer w;
	size_t i, j, bc = 0, gc = 0;
	struct totals t;
	int err = -ENOMEM;

	if (!group)
		goto out;
	err = make_groups(ks, n, &sorted, &g, &gc);
	err = err ?: count_breakers(c, a, ks, n, &b, &bc);
	if (err)
		goto out;
	for (i = 0; i < gc; i++)
		for (j = 0; j < g[i].cnt; j++)
			group[g[i].k[j] - ks] = i + 1;
	count_totals(ks, n, &t);
	jsonw_init(&w, stdout, pretty_output);
	jsonw_start_object(&w);
	jsonw_name(&w, "summary");
	jsonw_start_object(&w);
	jsonw_name(&w, "kernels");
	jsonw_uint(&w, n);
	jsonw_name(&w, "loads");
	jsonw_uint(&w, t.v[TG_CHECK_LOADS]);
	jsonw_name(&w, "loads_dead");
	jsonw_uint(&w, t.v[TG_CHECK_LOADS_DEAD]);
	jsonw_name(&w, "fails");
	jsonw_uint(&w, t.v[TG_CHECK_FAILS]);
	jsonw_name(&w, "fails_allowed");
	jsonw_uint(&w, t.allowed);
	jsonw_name(&w, "unreadable");
	jsonw_uint(&w, t.unreadable);
	jsonw_name(&w, "groups");
	jsonw_uint(&w, gc);
	jsonw_end_object(&w);
	jsonw_name(&w, "breakers");
	jsonw_start_array(&w);
	for (i = 0; i < bc; i++) {
		jsonw_start_object(&w);
		jsonw_string_field(&w, "object", tg_check__object_path(c, b[i].obj));
		jsonw_string_field(&w, "program", b[i].prog);
		jsonw_string_field(&w, "what", b[i].what);
		jsonw_name(&w, "kernels");
		jsonw_uint(&w, b[i].kernels);
		jsonw_name(&w, "allowed");
		jsonw_bool(&w, b[i].allowed);
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
	jsonw_name(&w, "kernels");
	jsonw_start_array(&w);
	for (i = 0; i < n; i++)
		json_kernel(&w, c, &ks[i], group[i]);
	jsonw_end_array(&w);
	jsonw_end_object(&w);
	jsonw_finish(&w);
out:
	free(sorted);
	free(group);
	free(g);
	free(b);
	return err;
}

/* ---- running -------------------------------------------------------------- */

static int report(const struct check_args *a, const struct tg_check *c,
		  const struct allow *al, struct kres *ks, size_t n)
{
	size_t i;
	int err = 0, ret = EXIT_OK;

	for (i = 0; !err && i < n; i++)
		err = summarize(c, al, &ks[i]);
	if (!err && json_output)
		err = json_all(c, al, ks, n);
	else if (!err && !a->batch)
		text_one(c, &ks[0]);
	else if (!err)
		err = text_batch(c, al, ks, n);
	if (!err && fflush(stdout))
		err = -errno;
	if (err) {
		p_err_code("check", err);
		return EXIT_ERR;
	}
	for (i = 0; i < n; i++)
		if (!ks[i].allowed)
			ret = EXIT_ERR;
	return ret;
}

static int run_one(const struct check_args *a, const struct tg_check *c,
		   const struct allow *al)
{
	struct tg_check_result *res = NULL;
	const struct tg_btf *kernel;
	struct inputs in = {};
	struct kres k = {};
	int ret = EXIT_ERR, err;

	if (load_unmerged(&a->in, &in, &kernel))
		goto out;
	err = tg_check__run(c, kernel, in.mods, in.mod_cnt, &res);
	if (err) {
		p_err_code(in.name, err);
		goto out;
	}
	k.path = in.name;
	k.res = res;
	ret = report(a, c, al, &k, 1);
out:
	free(k.key);
	tg_check_result__free(res);
	free_inputs(&in);
	return ret;
}

static void progress(const struct tg_check_kernel *k, size_t done,
		     size_t total, void *ctx)
{
	(void)ctx;
	batch_progress(k->path, done, total);
}

static int run_batch(const struct check_args *a, const struct tg_check *c,
		     const struct allow *al)
{
	TG_OPTS(tg_check_batch_opts, opts, .jobs = a->jobs);
	struct tg_check_batch *b;
	struct kres *ks;
	size_t i, n;
	int ret, err;

	if (isatty(STDERR_FILENO))
		opts.progress = progress;
	/*
	 * Each kernel's types are megabytes, allocated and freed per kernel.
	 * By default glibc maps each such block afresh and unmaps it on
	 * free, so every kernel pays its page faults and zeroing again (more
	 * than the checking itself); kept in the heap, the memory is reused.
	 * The peak stays a kernel per thread.
	 */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	err = tg_check__batch(c, a->batch, &opts, &b);
	if (err) {
		p_err_code(a->batch, err);
		return EXIT_ERR;
	}
	n = tg_check_batch__cnt(b);
	ks = calloc(n + 1, sizeof(*ks));
	if (!ks) {
		tg_check_batch__free(b);
		p_err_code(NULL, -ENOMEM);
		return EXIT_ERR;
	}
	for (i = 0; i < n; i++) {
		const struct tg_check_kernel *k = tg_check_batch__kernel(b, i);

		ks[i].path = k->path;
		ks[i].err = k->err;
		ks[i].res = k->res;
	}
	ret = report(a, c, al, ks, n);
	for (i = 0; i < n; i++)
		free(ks[i].key);
	free(ks);
	tg_check_batch__free(b);
	return ret;
}

/* ---- options ------------------------------------------------------------ */

static const struct cmd_opt check_opts[] = {
	OPTION_INPUT("the kernel's types, in any form dump reads\n"
		     "(default: found as typegen(1) describes)",
		     struct check_args, in.loc),
	OPTION_FROM_DWARF(HELP_FROM_DWARF, struct check_args, in.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct check_args, in.loc),
	OPTION_BASE("the kernel's types, if -i is a module's",
		    struct check_args, in),
	OPTION_MODULE("a kernel module's types, split BTF on the\n"
		      "kernel's (repeatable)", struct check_args, in),
	OPTION_RELEASE("kernel release in the probed paths",
		       struct check_args, in.loc),
	OPTION_SYSROOT("look for the probed paths under DIR",
		       struct check_args, in.loc),
	OPTION_STR("batch", 0, "DIR",
		   "check every kernel under DIR, a tree like\n"
		   "btfhub's <distro>/<version>/<arch>/<release>.btf\n"
		   "(or .btf.tar.xz...): kernels grouped by\n"
		   "identical verdicts, what breaks most first",
		   struct check_args, batch),
	OPTION_FN("jobs", 0, "N",
		  "worker threads for --batch (default: one per CPU)",
		  struct check_args, jobs, opt_jobs),
	OPTION_STR("allow", 0, "FILE",
		   "known gaps: lines \"PROGRAM: WHAT\" (shell\n"
		   "patterns, # comments) matching failures that\n"
		   "do not count against the exit status",
		   struct check_args, allow),
	{ 0 },
};

static int check_args(const struct check_args *a)
{
	const char *why = NULL;

	if (!a->obj_cnt)
		why = "no BPF object given";
	else if (a->batch && (a->in.loc.path || a->in.base || a->in.module_cnt))
		why = "--batch reads its kernels from DIR: no -i, --base or --module";
	else if (!a->batch && a->jobs)
		why = "--jobs is for --batch";
	if (!why)
		return EXIT_OK;
	p_err(NULL, "check: %s; try '%s check --help'", why, prog_name);
	return EXIT_USAGE;
}

static int add_check_object(void *c, const char *path)
{
	return tg_check__add_object(c, path);
}

static int load_objects(const struct check_args *a, struct tg_check **cp)
{
	int err = tg_check__new(NULL, cp);

	if (err) {
		p_err_code(NULL, err);
		return EXIT_ERR;
	}
	return add_objects(a->objs, a->obj_cnt, add_check_object, *cp);
}

static int do_check(int argc, char **argv)
{
	struct check_args a = {};
	struct tg_check *c = NULL;
	struct allow al = {};
	int ret;

	ret = parse_opts(&cmd_check, argc, argv, &a);
	a.objs = (const char **)argv + optind;
	a.obj_cnt = argc - optind;
	if (ret == PARSE_HELP) {
		ret = EXIT_OK;
		goto out;
	}
	ret = ret ?: check_args(&a);
	ret = ret ?: (a.allow ? read_allow(a.allow, &al) : EXIT_OK);
	ret = ret ?: load_objects(&a, &c);
	if (!ret)
		ret = a.batch ? run_batch(&a, c, &al) : run_one(&a, c, &al);
out:
	tg_check__free(c);
	free_allow(&al);
	free(a.in.modules);
	return ret;
}

const struct cmd cmd_check = {
	.name = "check",
	.summary = "tell whether CO-RE objects load on kernels, program by program",
	.run = do_check,
	.usage = (const char *const []){
		"OBJ... [-i PATH] [--base PATH] [--module PATH]... [--allow FILE]",
		"OBJ... --batch DIR [--jobs N] [--allow FILE]",
		NULL,
	},
	.about =
		"Tell whether CO-RE BPF objects (OBJ, compiled with clang -g -target\n"
		"bpf) load on a kernel, program by program, as libbpf decides: every\n"
		"relocation resolves (loads); some are poisoned but only in code the\n"
		"verifier never reaches, behind an existence check such as\n"
		"bpf_core_field_exists() (loads, poisoned dead code); or the program\n"
		"fails. Each relocation the kernel does not satisfy is named in\n"
		"source terms (\"struct task_struct.__state missing\"), with its\n"
		"program and the existence check that guards it, if any.\n",
	.opts = check_opts,
	.epilog =
		"With -j, the whole matrix (kernel, object, program, problems) as JSON.\n"
		"\n"
		"Exit status: 0 when every object loads on every kernel (failures\n"
		"--allow lists aside), 1 when one does not or a kernel cannot be\n"
		"read, 2 on a bad command line.\n",
};
