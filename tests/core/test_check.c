// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen check: will a CO-RE object load on a kernel?
 *
 * tests/check/reads.bpf.c has one socket filter per CO-RE outcome; the
 * kernels are tests/check/kernel.c compiled at test time once per variant
 * (a field renamed, moved, resized or gone, an enumerator gone, a type
 * gone), their BTF written raw by typegen. The oracle is libbpf: each
 * program is loaded alone (the others' autoload off) with the variant as
 * btf_custom_path, and loads exactly when typegen says it does. Then a
 * btfhub-shaped tree of 24 such kernels, raw and .btf.tar.xz, and a
 * broken one: grouping, what breaks most, JSON, --allow and the exit
 * status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "inputs.h"
#include "tg_test.h"
#include "typegen.h"

static char *tmp;
static char *obj;		/* reads.bpf.c, compiled */
static const char *load_skip;	/* why programs cannot be loaded here */

/* The fixture kernels: name, -D flags. */
static const struct variant {
	const char *name, *flags;
} variants[] = {
	{ "base", "" },
	{ "old", "-DOLD_STATE" },
	{ "moved", "-DMOVED" },
	{ "big", "-DBIG_FLAGS" },
	{ "nolog", "-DNO_LOGINUID" },
	{ "notgid", "-DNO_TGID" },
	{ "nomm", "-DNO_MM" },
	{ "worst", "-DOLD_STATE -DNO_LOGINUID -DNO_TGID -DNO_MM -DBIG_FLAGS" },
};
#define NVAR (sizeof(variants) / sizeof(variants[0]))

static char *kpath(const char *name)
{
	return tg_test_path("%s/k_%s.btf", tmp, name);
}

/* Load program @prog of @obj alone, with @btf as btf_custom_path. */
static int libbpf_load(const char *btf, const char *prog)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf);
	struct bpf_object *o = bpf_object__open_file(obj, &opts);
	struct bpf_program *p;
	int err;

	assert_non_null(o);
	bpf_object__for_each_program(p, o)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	err = bpf_object__load(o);
	bpf_object__close(o);
	return err;
}

static int setup(void **state)
{
	char *err = NULL, *k;
	size_t i;
	int rc;

	(void)state;
	tg_test_silence_libbpf();
	tmp = tg_test_mkdtemp();
	obj = tg_test_path("%s/reads.bpf.o", tmp);
	rc = tg_test_runf(NULL, &err, "%s -g -O2 -target bpf -Wall -Werror -c %s/tests/check/reads.bpf.c -o %s",
			  tg_test_clang(), tg_test_src_dir(), obj);
	if (rc)
		print_error("compiling reads.bpf.c: %s\n", err);
	free(err);
	assert_int_equal(rc, 0);
	for (i = 0; i < NVAR; i++) {
		k = kpath(variants[i].name);
		rc = tg_test_runf(NULL, &err, "%s -g -target bpf %s -c %s/tests/check/kernel.c -o %s.o && %s/typegen btf -i %s.o -o %s",
				  tg_test_clang(), variants[i].flags,
				  tg_test_src_dir(), k, tg_test_build_dir(), k, k);
		if (rc)
			print_error("kernel %s: %s\n", variants[i].name, err);
		free(err);
		free(k);
		assert_int_equal(rc, 0);
	}
	/* Can this process load BPF programs at all? */
	k = kpath("base");
	rc = libbpf_load(k, "present");
	free(k);
	if (rc == -EPERM)
		load_skip = "bpf() refuses to load programs here (EPERM)";
	else if (rc)
		load_skip = "the running kernel does not load socket filters";
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmp);
	free(tmp);
	free(obj);
	return 0;
}

static struct tg_check *new_check(void)
{
	struct tg_check *c;

	assert_int_equal(tg_check__new(NULL, &c), 0);
	assert_int_equal(tg_check__add_object(c, obj), 0);
	return c;
}

static struct tg_check_result *run(const struct tg_check *c, const char *name)
{
	struct tg_check_result *res;
	struct tg_btf *btf;
	char *k = kpath(name);

	assert_int_equal(tg_btf__open(k, NULL, &btf), 0);
	assert_int_equal(tg_check__run(c, btf, NULL, 0, &res), 0);
	tg_btf__free(btf);
	free(k);
	return res;
}

static size_t prog_idx(const struct tg_check *c, const char *name)
{
	size_t i;

	for (i = 0; i < tg_check__prog_cnt(c); i++)
		if (!strcmp(tg_check__prog(c, i)->name, name))
			return i;
	fail_msg("no program %s", name);
	return 0;
}

static enum tg_check_verdict verdict(const struct tg_check *c,
				     const struct tg_check_result *res,
				     const char *prog)
{
	return tg_check_result__prog(res, prog_idx(c, prog));
}

/* The problem of program @prog, which must have exactly one. */
static const struct tg_check_problem *
problem(const struct tg_check *c, const struct tg_check_result *res,
	const char *prog)
{
	const struct tg_check_problem *found = NULL;
	size_t i, pi = prog_idx(c, prog);

	for (i = 0; i < tg_check_result__problem_cnt(res); i++) {
		const struct tg_check_problem *p = tg_check_result__problem(res, i);

		if (p->prog != pi)
			continue;
		assert_null(found);
		found = p;
	}
	assert_non_null(found);
	return found;
}

static void assert_problem(const struct tg_check *c,
			   const struct tg_check_result *res, const char *prog,
			   enum tg_check_reason reason, const char *what,
			   bool dead, const char *guard)
{
	const struct tg_check_problem *p = problem(c, res, prog);

	assert_int_equal(p->reason, reason);
	assert_string_equal(p->what, what);
	assert_int_equal(p->dead, dead);
	if (guard)
		assert_string_equal(p->guard, guard);
	else
		assert_null(p->guard);
}

/* ---- each outcome, and libbpf's word on it ----------------------------- */

static void test_outcomes(void **state)
{
	struct tg_check *c = new_check();
	struct tg_check_result *r;

	(void)state;
	assert_int_equal(tg_check__prog_cnt(c), 11);

	/* Everything there; the pre-5.14 flavor is dead code. */
	r = run(c, "base");
	assert_int_equal(verdict(c, r, "present"), TG_CHECK_LOADS);
	assert_int_equal(verdict(c, r, "missing"), TG_CHECK_LOADS);
	assert_int_equal(verdict(c, r, "flavor"), TG_CHECK_LOADS_DEAD);
	assert_problem(c, r, "flavor", TG_CHECK_FIELD_MISSING,
		       "struct task_struct___old.state missing", true,
		       "field_exists task_struct.__state");
	assert_int_equal(tg_check_result__problem_cnt(r), 1);
	assert_int_equal(tg_check_result__object(r, 0), TG_CHECK_LOADS_DEAD);
	tg_check_result__free(r);

	/* The ___old flavor is the one that resolves. */
	r = run(c, "old");
	assert_problem(c, r, "flavor", TG_CHECK_FIELD_MISSING,
		       "struct task_struct.__state missing", true,
		       "field_exists task_struct.__state");
	tg_check_result__free(r);

	r = run(c, "moved");
	assert_int_equal(verdict(c, r, "present"), TG_CHECK_LOADS);
	tg_check_result__free(r);

	r = run(c, "big");
	assert_int_equal(verdict(c, r, "resized"), TG_CHECK_FAILS);
	assert_problem(c, r, "resized", TG_CHECK_FIELD_SIZE,
		       "struct bio.bi_flags changed size (4 -> 8 bytes)",
		       false, NULL);
	assert_int_equal(tg_check_result__object(r, 0), TG_CHECK_FAILS);
	tg_check_result__free(r);

	r = run(c, "nolog");
	assert_int_equal(verdict(c, r, "missing"), TG_CHECK_FAILS);
	assert_problem(c, r, "missing", TG_CHECK_FIELD_MISSING,
		       "struct task_struct.loginuid missing", false, NULL);
	assert_int_equal(verdict(c, r, "missing_guarded"), TG_CHECK_LOADS_DEAD);
	assert_problem(c, r, "missing_guarded", TG_CHECK_FIELD_MISSING,
		       "struct task_struct.loginuid missing", true,
		       "field_exists task_struct.loginuid");
	/* The subprogram's problem is its caller's verdict too. */
	assert_problem(c, r, "read_loginuid", TG_CHECK_FIELD_MISSING,
		       "struct task_struct.loginuid missing", false, NULL);
	assert_true(tg_check__prog(c, prog_idx(c, "read_loginuid"))->subprog);
	assert_int_equal(verdict(c, r, "via_subprog"), TG_CHECK_FAILS);
	tg_check_result__free(r);

	r = run(c, "notgid");
	assert_problem(c, r, "enum_gone", TG_CHECK_ENUMVAL_MISSING,
		       "enum pid_type::PIDTYPE_TGID missing", false, NULL);
	assert_problem(c, r, "enum_guarded", TG_CHECK_ENUMVAL_MISSING,
		       "enum pid_type::PIDTYPE_TGID missing", true,
		       "enumval_exists pid_type::PIDTYPE_TGID");
	tg_check_result__free(r);

	r = run(c, "nomm");
	assert_problem(c, r, "type_gone", TG_CHECK_TYPE_MISSING,
		       "struct mm_struct missing", false, NULL);
	assert_problem(c, r, "type_guarded", TG_CHECK_TYPE_MISSING,
		       "struct mm_struct missing", true, "type_exists mm_struct");
	tg_check_result__free(r);
	tg_check__free(c);
}

/* Every program on every kernel: typegen's verdict is libbpf's. */
static void test_against_libbpf(void **state)
{
	struct tg_check *c = new_check();
	size_t v, i, fails = 0, dead = 0;

	(void)state;
	if (load_skip) {
		print_message("[  SKIP    ] %s\n", load_skip);
		tg_check__free(c);
		skip();
	}
	for (v = 0; v < NVAR; v++) {
		struct tg_check_result *r = run(c, variants[v].name);
		char *k = kpath(variants[v].name);

		for (i = 0; i < tg_check__prog_cnt(c); i++) {
			const char *name = tg_check__prog(c, i)->name;
			enum tg_check_verdict tv = tg_check_result__prog(r, i);
			int err;

			/* libbpf loads subprograms only with their callers. */
			if (tg_check__prog(c, i)->subprog)
				continue;
			err = libbpf_load(k, name);

			if ((err == 0) != (tv != TG_CHECK_FAILS))
				fail_msg("%s on %s: typegen says %s, libbpf %d",
					 name, variants[v].name,
					 tg_check_verdict__str(tv), err);
			fails += tv == TG_CHECK_FAILS;
			dead += tv == TG_CHECK_LOADS_DEAD;
		}
		free(k);
		tg_check_result__free(r);
	}
	/* Both sides of the oracle were exercised. */
	assert_true(fails >= 8);
	assert_true(dead >= 8);
	tg_check__free(c);
}

/* ---- a tree of kernels --------------------------------------------------- */

/* Copy kernel @name to @dir/@rel (.btf), or archive it (.btf.tar.xz). */
static void place(const char *dir, const char *rel, const char *name)
{
	char *k = kpath(name), *dst = tg_test_path("%s/%s", dir, rel);
	const char *tar = strstr(dst, ".tar.xz");

	tg_test_mkdir_parents(dst);
	if (tar) {
		char *base = strndup(dst, tar - dst), *slash = strrchr(base, '/');

		*slash = '\0';
		assert_int_equal(tg_test_runf(NULL, NULL,
			"cp %s %s/%s && tar -C %s -cJf %s %s && rm %s/%s",
			k, base, slash + 1, base, dst, slash + 1, base,
			slash + 1), 0);
		free(base);
	} else {
		assert_int_equal(tg_test_runf(NULL, NULL, "cp %s %s", k, dst), 0);
	}
	free(k);
	free(dst);
}

static char *make_tree(void)
{
	char *dir = tg_test_path("%s/hub", tmp), *rel;
	int i;

	for (i = 1; i <= 4; i++) {
		rel = tg_test_path("ubuntu/20.04/x86_64/5.4.0-%d-generic.btf", i);
		place(dir, rel, "base");
		free(rel);
		rel = tg_test_path("ubuntu/20.04/arm64/5.4.0-%d-generic.btf.tar.xz", i);
		place(dir, rel, "base");
		free(rel);
		rel = tg_test_path("centos/7/x86_64/3.10.0-%d.el7.btf.tar.xz", i);
		place(dir, rel, "old");
		free(rel);
		rel = tg_test_path("ubuntu/22.04/x86_64/5.15.0-%d-generic.btf", i);
		place(dir, rel, "nolog");
		free(rel);
		rel = tg_test_path("fedora/%d/x86_64/6.%d.0-100.fc.btf", 36 + i % 2, i);
		place(dir, rel, "notgid");
		free(rel);
		rel = tg_test_path("debian/11/x86_64/5.10.0-%d-amd64.btf", 10 + i);
		place(dir, rel, i == 4 ? "worst" : "big");
		free(rel);
	}
	assert_int_equal(tg_test_runf(NULL, NULL,
		"echo junk > %s/debian/11/x86_64/5.10.0-99-amd64.btf && echo notes > %s/README",
		dir, dir), 0);
	return dir;
}

static void test_batch(void **state)
{
	char *dir = make_tree(), *out = NULL, *err = NULL, *allow, *p, *q;
	int rc;

	(void)state;
	rc = tg_test_runf(&out, &err, "%s/typegen check %s --batch %s --jobs 2",
			  tg_test_build_dir(), obj, dir);
	assert_int_equal(rc, 1);
	/* 25 kernel files: 12 load with dead code only, 12 fail, 1 broken. */
	assert_non_null(strstr(out, "1 object, 25 kernels: 0 load, 12 load with poisoned dead code, 12 fail, 1 unreadable\n"));
	/* loginuid and resized on 4 kernels each, the worst kernel adds one. */
	p = strstr(out, "What breaks, most kernels first:\n");
	assert_non_null(p);
	assert_non_null(strstr(p, "\n      5 kernels  reads.bpf.o missing: struct task_struct.loginuid missing\n"));
	assert_non_null(strstr(p, "\n      4 kernels  reads.bpf.o resized: struct bio.bi_flags changed size (4 -> 8 bytes)\n"));
	assert_non_null(strstr(p, "\n      5 kernels  reads.bpf.o read_loginuid: struct task_struct.loginuid missing\n"));
	assert_non_null(strstr(p, "\n      1 kernel   reads.bpf.o type_gone: struct mm_struct missing\n"));
	q = strstr(p, "type_gone");
	assert_true(q > strstr(p, "loginuid missing"));
	/* x86_64 and arm64 Ubuntu 20.04 share one group, by release range. */
	p = strstr(out, "Kernels by verdict:\n");
	assert_non_null(p);
	assert_non_null(strstr(p, "    ubuntu 20.04 arm64: 5.4.0-1-generic .. 5.4.0-4-generic (4)\n"
				  "    ubuntu 20.04 x86_64: 5.4.0-1-generic .. 5.4.0-4-generic (4)\n"));
	assert_non_null(strstr(p, "    centos 7 x86_64: 3.10.0-1.el7 .. 3.10.0-4.el7 (4)\n"));
	assert_non_null(strstr(p, "    fedora 36 x86_64: 6.2.0-100.fc .. 6.4.0-100.fc (2)\n"
				  "    fedora 37 x86_64: 6.1.0-100.fc .. 6.3.0-100.fc (2)\n"));
	assert_non_null(strstr(p, "    debian 11 x86_64: 5.10.0-11-amd64 .. 5.10.0-13-amd64 (3)\n"));
	assert_non_null(strstr(p, "    debian 11 x86_64: 5.10.0-14-amd64\n"));
	assert_non_null(strstr(p, "    debian 11 x86_64: 5.10.0-99-amd64\n"));
	/* Failures first, then the unreadable, then the largest groups. */
	assert_non_null(strstr(p, "  group 1: 4 kernels: fails\n"));
	assert_non_null(strstr(p, "  group 4: 1 kernel: fails\n"));
	assert_non_null(strstr(p, "  group 5: 1 kernel: "));
	assert_non_null(strstr(p, "  group 6: 8 kernels: loads (poisoned dead code)\n"));
	assert_non_null(strstr(p, "  group 7: 4 kernels: loads (poisoned dead code)\n"));
	assert_null(strstr(p, "group 8: "));
	free(out);
	free(err);

	/* The whole matrix. */
	rc = tg_test_runf(&out, &err, "%s/typegen -j check %s --batch %s",
			  tg_test_build_dir(), obj, dir);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "\"summary\":{\"kernels\":25,\"loads\":0,\"loads_dead\":12,\"fails\":12,\"fails_allowed\":0,\"unreadable\":1,\"groups\":7}"));
	assert_non_null(strstr(out, "{\"path\":\"centos/7/x86_64/3.10.0-2.el7.btf.tar.xz\",\"distro\":\"centos\",\"version\":\"7\",\"arch\":\"x86_64\",\"release\":\"3.10.0-2.el7\",\"group\":"));
	assert_non_null(strstr(out, "\"programs\":{\"read_loginuid\":\"loads\",\"present\":\"loads\",\"flavor\":\"loads (poisoned dead code)\",\"resized\":\"fails\","));
	assert_non_null(strstr(out, "{\"object\":\"" ));
	assert_non_null(strstr(out, "\"program\":\"enum_gone\",\"insn\":"));
	assert_non_null(strstr(out, "\"reason\":\"enumval_missing\",\"what\":\"enum pid_type::PIDTYPE_TGID missing\",\"dead\":false,\"guard\":null}"));
	assert_non_null(strstr(out, "\"reason\":\"field_missing\",\"what\":\"struct task_struct.loginuid missing\",\"dead\":true,\"guard\":\"field_exists task_struct.loginuid\"}"));
	assert_non_null(strstr(out, "\"path\":\"debian/11/x86_64/5.10.0-99-amd64.btf\",\"distro\":\"debian\",\"version\":\"11\",\"arch\":\"x86_64\",\"release\":\"5.10.0-99-amd64\",\"group\":"));
	free(out);
	free(err);

	/* Known gaps: all but the broken kernel allowed, then that gone too. */
	allow = tg_test_path("%s/allow", tmp);
	assert_int_equal(tg_test_write_file(allow,
		"# known gaps\nmissing: *loginuid missing\nread_loginuid: *\nresized: *\n"
		"enum_gone: enum pid_type::PIDTYPE_TGID missing\ntype_gone: *\n",
		strlen("# known gaps\nmissing: *loginuid missing\nread_loginuid: *\nresized: *\n"
		       "enum_gone: enum pid_type::PIDTYPE_TGID missing\ntype_gone: *\n")), 0);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s --batch %s --allow %s",
			  tg_test_build_dir(), obj, dir, allow);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "12 fail (12 only by known gaps), 1 unreadable"));
	assert_non_null(strstr(out, "struct task_struct.loginuid missing (allowed)"));
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "rm %s/debian/11/x86_64/5.10.0-99-amd64.btf && %s/typegen check %s --batch %s --allow %s",
			  dir, tg_test_build_dir(), obj, dir, allow);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
	free(allow);
	free(dir);
}

/* One kernel from the command line; exit status and bad input. */
static void test_cli(void **state)
{
	char *k = kpath("nolog"), *b = kpath("base"), *out = NULL, *err = NULL;
	int rc;

	(void)state;
	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s",
			  tg_test_build_dir(), obj, b);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "  flavor (socket): loads (poisoned dead code)\n"
		"    struct task_struct___old.state missing (byte_off, insn 23): dead code, guarded by field_exists task_struct.__state\n"));
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen -j check %s -i %s",
			  tg_test_build_dir(), obj, b);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "{\"summary\":{\"kernels\":1,\"loads\":0,\"loads_dead\":1,\"fails\":0,"));
	assert_non_null(strstr(out, "\"what\":\"struct task_struct___old.state missing\",\"dead\":true,\"guard\":\"field_exists task_struct.__state\"}"));
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s",
			  tg_test_build_dir(), obj, k);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, ": fails\n"));
	assert_non_null(strstr(out, "  missing (socket): fails\n"
		"    struct task_struct.loginuid missing (byte_off, insn 58): reachable, no existence check guards it\n"));
	free(out);
	free(err);

	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s",
			  tg_test_build_dir(), k, k);
	assert_int_equal(rc, 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	assert_non_null(strstr(err, k));
	assert_string_equal(out, "");
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s --batch %s/nowhere",
			  tg_test_build_dir(), obj, tmp);
	assert_int_equal(rc, 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen check --batch %s -i %s",
			  tg_test_build_dir(), tmp, k);
	assert_int_equal(rc, 2);
	free(out);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s --allow %s/none",
			  tg_test_build_dir(), obj, k, tmp);
	assert_int_equal(rc, 1);
	assert_int_equal(tg_test_count_lines(err), 1);
	free(out);
	free(err);
	free(k);
	free(b);
}

/* A type vmlinux lacks, from a module's split BTF; kernels from DWARF. */
static void test_inputs(void **state)
{
	char *src = tg_test_path("%s/mod.c", tmp), *mo = tg_test_path("%s/mod.o", tmp);
	char *mb = tg_test_path("%s/mod.btf", tmp), *k = kpath("nomm");
	char *dw = tg_test_path("%s/k_dwarf.o", tmp), *out = NULL, *err = NULL;
	static const char mod[] =
		"struct mm_struct { unsigned long start_stack; };\n"
		"struct mm_struct *mod_mm;\n";
	TG_OPTS(tg_open_opts, opts);
	struct tg_check_result *r;
	struct tg_btf *kb, *m;
	struct tg_check *c = new_check();
	void *raw;
	size_t len;
	int rc;

	(void)state;
	assert_int_equal(tg_test_write_file(src, mod, strlen(mod)), 0);
	assert_int_equal(tg_test_runf(NULL, NULL, "%s -g -target bpf -c %s -o %s",
				      tg_test_clang(), src, mo), 0);
	assert_int_equal(tg_btf__open(k, NULL, &kb), 0);
	raw = fx_split_btf(mo, tg_btf__btf(kb), &len);
	fx_write(mb, raw, len);
	free(raw);
	opts.base = kb;
	assert_int_equal(tg_btf__open(mb, &opts, &m), 0);
	assert_int_equal(tg_check__run(c, kb, &m, 1, &r), 0);
	assert_int_equal(verdict(c, r, "type_gone"), TG_CHECK_LOADS);
	assert_int_equal(verdict(c, r, "type_guarded"), TG_CHECK_LOADS);
	tg_check_result__free(r);
	tg_btf__free(m);
	tg_btf__free(kb);
	tg_check__free(c);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s --module %s",
			  tg_test_build_dir(), obj, k, mb);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "  type_gone (socket): loads\n"));
	free(out);
	free(err);

	/* The same kernel types from a host compiler's DWARF. */
	assert_int_equal(tg_test_runf(NULL, &err, "cc -g -DNO_LOGINUID -c %s/tests/check/kernel.c -o %s",
				      tg_test_src_dir(), dw), 0);
	free(err);
	rc = tg_test_runf(&out, &err, "%s/typegen check %s -i %s --from-dwarf",
			  tg_test_build_dir(), obj, dw);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "  missing (socket): fails\n"
		"    struct task_struct.loginuid missing (byte_off, insn 58)"));
	assert_non_null(strstr(out, "  missing_guarded (socket): loads (poisoned dead code)\n"));
	free(out);
	free(err);
	free(src);
	free(mo);
	free(mb);
	free(k);
	free(dw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_against_libbpf),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
