// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The typegen CLI as users meet it: build/typegen run through the shell,
 * its exit status, stdout and stderr checked. Error messages are compared
 * with tg_strerror()'s text, so the tests follow the library's wording.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "tg_test.h"
#include "inputs.h"
#include "typegen.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define RELEASE "6.1.0-99-test"

static char *cli;	/* build/typegen */
static char *tmp;	/* scratch directory for this run */

/* ---- helpers ------------------------------------------------------- */

/* @s quoted for /bin/sh; malloc'ed. */
static char *shell_quote(const char *s)
{
	size_t n = 3;
	const char *p;
	char *q, *r;

	for (p = s; *p; p++)
		n += *p == '\'' ? 4 : 1;
	r = q = malloc(n);
	if (!r)
		abort();
	*q++ = '\'';
	for (p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else {
			*q++ = *p;
		}
	}
	*q++ = '\'';
	*q = '\0';
	return r;
}

static char *msg_of(int err)
{
	char buf[256];

	tg_strerror(err, buf, sizeof(buf));
	return strdup(buf);
}

static bool have_vmlinux(void)
{
	return access(VMLINUX, R_OK) == 0;
}

static bool have_program(const char *name)
{
	return tg_test_runf(NULL, NULL, "command -v %s >/dev/null 2>&1", name) == 0;
}

#define SKIP_IF(cond, why)						\
	do {								\
		if (cond) {						\
			print_message("[  SKIP    ] %s\n", why);	\
			skip();						\
		}							\
	} while (0)

#define NEED_VMLINUX() SKIP_IF(!have_vmlinux(), VMLINUX " is absent: " \
			       "this kernel exposes no BTF")

/* Fail with the text that was not found. */
static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("expected \"%s\" in:\n%s\n", needle, hay);
		fail();
	}
}

/* assert_contains() with a printf-built needle. */
static void __attribute__((format(printf, 2, 3)))
assert_containsf(const char *hay, const char *fmt, ...)
{
	va_list ap;
	char *needle;

	va_start(ap, fmt);
	if (vasprintf(&needle, fmt, ap) < 0)
		abort();
	va_end(ap);
	assert_contains(hay, needle);
	free(needle);
}

/* Exactly one line on stderr: the one-line error promise of typegen(1). */
static void assert_one_line(const char *err)
{
	if (tg_test_count_lines(err) != 1 || err[strlen(err) - 1] != '\n') {
		print_error("expected one line on stderr, got:\n%s\n", err);
		fail();
	}
}

static bool files_equal(const char *a, const char *b)
{
	size_t la, lb;
	char *da = tg_test_read_file(a, &la);
	char *db = tg_test_read_file(b, &lb);
	bool eq = da && db && la == lb && !memcmp(da, db, la);

	free(da);
	free(db);
	return eq;
}

static int count_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void copy_file(const char *from, const char *to, size_t max)
{
	size_t len;
	char *data = tg_test_read_file(from, &len);

	assert_non_null(data);
	if (max && len > max)
		len = max;
	assert_int_equal(tg_test_write_file(to, data, len), 0);
	free(data);
}

/* mkdir -p for @path's directory. */
static void make_parent(const char *path)
{
	char *dir = strdup(path), *slash = strrchr(dir, '/');

	if (slash) {
		*slash = '\0';
		assert_int_equal(tg_test_runf(NULL, NULL, "mkdir -p '%s'", dir), 0);
	}
	free(dir);
}

/* $tmp/ref.h: the header for VMLINUX, made once. */
static const char *reference_header(void)
{
	static char *ref;
	char *err = NULL;

	if (ref)
		return ref;
	ref = tg_test_path("%s/ref.h", tmp);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s > %s", cli, VMLINUX,
			     ref), 0);
	assert_string_equal(err, "");
	free(err);
	return ref;
}

/* ---- help, version, usage ------------------------------------------ */

static void test_help(void **state)
{
	static const char *const args[] = {
		"--help", "-h", "help", "dump --help", "dump -h", "help dump",
		"probe --help", "help probe", "help help", "btf --help",
		"help btf",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		char *out, *err;

		assert_int_equal(tg_test_runf(&out, &err, "%s %s", cli, args[i]), 0);
		assert_contains(out, "Usage: typegen");
		assert_string_equal(err, "");
		free(out);
		free(err);
	}
}

/* Adds every "--name" in @text to @names (space-separated, deduplicated). */
static void collect_long_opts(const char *text, char *names, size_t size)
{
	const char *p = text;

	while ((p = strstr(p, "--"))) {
		char name[64], key[68];
		size_t n = 0;

		p += 2;
		while (n < sizeof(name) - 1 &&
		       (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z') ||
			(p[n] >= '0' && p[n] <= '9')))
			n++;
		if (!n)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		snprintf(key, sizeof(key), " %s ", name);
		if (!strstr(names, key))
			snprintf(names + strlen(names), size - strlen(names),
				 "%s ", name);
		p += n;
	}
}

/* "--module-only" as roff writes it: every '-' escaped, "\-\-module\-only". */
static char *roff_option(const char *name)
{
	char *r = malloc(2 * strlen(name) + 5), *q = r;

	assert_non_null(r);
	q += sprintf(q, "\\-\\-");
	for (; *name; name++) {
		if (*name == '-')
			*q++ = '\\';
		*q++ = *name;
	}
	*q = '\0';
	return r;
}

static void test_help_options_in_man(void **state)
{
	static const char *const args[] = {
		"--help", "dump --help", "probe --help", "btf --help",
	};
	char names[1024] = " ", *man, *p, *save;
	int count = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		char *out;

		assert_int_equal(tg_test_runf(&out, NULL, "%s %s", cli, args[i]), 0);
		collect_long_opts(out, names, sizeof(names));
		free(out);
	}
	p = tg_test_path("%s/man/typegen.1", tg_test_src_dir());
	man = tg_test_read_file(p, NULL);
	assert_non_null(man);
	free(p);

	for (p = strtok_r(names, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		char *roff = roff_option(p);
		char *plain = tg_test_path("--%s", p);

		if (!strstr(man, roff) && !strstr(man, plain)) {
			print_error("--%s is in --help but not in typegen.1\n",
				    p);
			fail();
		}
		count++;
		free(roff);
		free(plain);
	}
	/*
	 * help version json pretty debug input release sysroot output
	 * unsorted base module module-only endian
	 */
	assert_true(count >= 14);
	free(man);
}

/*
 * Every option a command's --help lists under "Options:" is one the
 * command takes: given a value and --help, it is never "unknown".
 */
static void test_help_options_accepted(void **state)
{
	static const char *const cmds[] = {
		"dump", "btf", "list", "show", "probe", "min", "check",
		"cflags",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *out, *line, *global, *save;
		int count = 0;

		assert_int_equal(tg_test_runf(&out, NULL, "%s %s --help", cli,
					      cmds[i]), 0);
		line = strstr(out, "\nOptions:\n");
		global = strstr(out, "Global options (");
		assert_non_null(line);
		assert_non_null(global);
		*global = '\0';
		/* "  -i, --input PATH ..." or "      --base PATH ...". */
		for (line = strtok_r(line, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *err;
			int n = 0;

			if (strncmp(line, "  -", 3) && strncmp(line, "      --", 8))
				continue;
			line = strstr(line, "--");
			while (line[2 + n] && line[2 + n] != ' ')
				n++;
			/* "--x=1": a value for those that take one. */
			tg_test_runf(NULL, &err, "%s %s %.*s=1 --help", cli,
				     cmds[i], n + 2, line);
			if (strstr(err, "unknown option")) {
				print_error("%s --help lists %.*s: %s", cmds[i],
					    n + 2, line, err);
				fail();
			}
			free(err);
			count++;
		}
		free(out);
		assert_true(count >= 3);
	}
}

static void test_version(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(tg_test_runf(&out, &err, "%s --version", cli), 0);
	assert_contains(out, "typegen v");
	assert_contains(out, "libbpf v");
	assert_string_equal(err, "");
	free(out);
	free(err);
	assert_int_equal(tg_test_runf(&out, NULL, "%s -V", cli), 0);
	free(out);
}

static void test_usage_errors(void **state)
{
	static const struct {
		const char *args;
		const char *msg;
	} cases[] = {
		{ "--bogus", "unknown option '--bogus'" },
		{ "-x dump", "unknown option '-x'" },
		{ "dump --bogus", "unknown option '--bogus'" },
		{ "dump -Z", "unknown option '-Z'" },
		{ "probe --bogus=1", "unknown option '--bogus'" },
		{ "dump -i", "option '-i' needs an argument" },
		{ "dump --output", "option '--output' needs an argument" },
		{ "probe --release", "option '--release' needs an argument" },
		{ "frobnicate", "unknown command 'frobnicate'" },
		{ "dump extra", "unexpected argument 'extra'" },
		{ "help frobnicate", "unknown command 'frobnicate'" },
		{ "dump -i ''", "'--input' needs a non-empty argument" },
		{ "dump -o ''", "'--output' needs a non-empty argument" },
		{ "probe --sysroot ''", "'--sysroot' needs a non-empty argument" },
		{ "probe --release ../x", "'--release' takes a kernel release" },
		{ "btf --endian middle", "'--endian' takes little, big or native" },
		{ "btf --base /x", "'--base' is the base of a module" },
		{ "dump --base /x", "'--base' is the base of a module" },
		{ "dump --module-only", "'--module-only' needs a module" },
		{ "dump --module ''", "'--module' needs a non-empty argument" },
		{ "btf -o ''", "'--output' needs a non-empty argument" },
		{ "btf extra", "unexpected argument 'extra'" },
		/* Named, not "-" and getopt's code for it. */
		{ "dump --unsorted=1", "option '--unsorted' takes no argument" },
		{ "min --force=yes", "option '--force' takes no argument" },
		{ "list --json=1", "option '--json' takes no argument" },
		{ "--makefile-fragment=1", "option '--makefile-fragment' takes no argument" },
		/* After "--input=x" (the previous word), -Z is still -Z. */
		{ "dump --input=x -Zq", "unknown option '-Z'" },
		/* JSON where the output is C or BTF: refused, not ignored. */
		{ "dump -j", "option '--json' is not for dump" },
		{ "-p dump", "option '--json' is not for dump" },
		{ "btf --json", "option '--json' is not for btf" },
		/* A slip of the keyboard gets the command it was likely. */
		{ "dupm", "unknown command 'dupm'; did you mean 'dump'?" },
		{ "prbe", "did you mean 'probe'?" },
		{ "cflag", "did you mean 'cflags'?" },
		{ "help lsit", "did you mean 'list'?" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;

		assert_int_equal(tg_test_runf(&out, &err, "%s %s", cli, cases[i].args),
				 2);
		assert_one_line(err);
		assert_contains(err, "typegen: ");
		assert_contains(err, cases[i].msg);
		assert_string_equal(out, "");
		free(out);
		free(err);
	}
}

/*
 * The commands --help says take -j are those that do: each runs with -j,
 * and those it says do not refuse it.
 */
static void test_json_commands(void **state)
{
	static const char *const takes[] = { "list", "show", "probe", "min",
					      "cflags" };
	char *out, *err, *line;
	size_t i;

	(void)state;
	assert_int_equal(tg_test_runf(&out, NULL, "%s --help", cli), 0);
	line = strstr(out, "-j, --json");
	assert_non_null(line);
	for (i = 0; i < sizeof(takes) / sizeof(takes[0]); i++) {
		char *word = tg_test_path("%s%s", takes[i],
					  i + 1 < sizeof(takes) / sizeof(takes[0]) ?
					  "," : ";");
		char *end = strstr(line, "-p, --pretty");

		assert_non_null(end);
		/* Named in the -j entry, before the next option. */
		assert_true(strstr(line, word) && strstr(line, word) < end);
		free(word);
		assert_int_equal(tg_test_runf(NULL, &err, "%s %s -j --help >/dev/null",
					      cli, takes[i]), 0);
		assert_string_equal(err, "");
		free(err);
	}
	free(out);
	assert_int_equal(tg_test_runf(NULL, NULL, "%s dump -j -i %s", cli,
				      VMLINUX), 2);
}

static void test_no_command(void **state)
{
	char *err;

	(void)state;
	assert_int_equal(tg_test_runf(NULL, &err, "%s", cli), 2);
	assert_contains(err, "Usage: typegen");
	free(err);
}

/* ---- dump ------------------------------------------------------------ */

static void test_dump_compiles_for_bpf(void **state)
{
	static const char prog[] =
		"#include \"vmlinux.h\"\n"
		"\n"
		"/* Types every BPF program uses, by value and by size. */\n"
		"int sizes[] = {\n"
		"\tsizeof(struct task_struct),\n"
		"\tsizeof(struct pt_regs),\n"
		"\tsizeof(struct sk_buff),\n"
		"};\n"
		"\n"
		"__attribute__((section(\"tp/sched/sched_switch\")))\n"
		"int prog(struct task_struct *t)\n"
		"{\n"
		"\treturn t->pid;\n"
		"}\n";
	char *dir = tg_test_path("%s/compile", tmp);
	char *src = tg_test_path("%s/prog.c", dir);
	char *out, *err;
	int rc;

	(void)state;
	NEED_VMLINUX();
	SKIP_IF(!have_program(tg_test_clang()), "clang-19 is not installed");
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s > %s/vmlinux.h", cli,
			     VMLINUX, dir), 0);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(tg_test_write_file(src, prog, strlen(prog)), 0);

	rc = tg_test_runf(&out, &err, "%s -target bpf -O2 -g -c %s -o %s/prog.o",
		 tg_test_clang(), src, dir);
	if (rc)
		print_error("clang failed (%d):\n%s\n", rc, err);
	assert_int_equal(rc, 0);
	free(out);
	free(err);
	free(src);
	free(dir);
}

static void test_dump_deterministic(void **state)
{
	char *second = tg_test_path("%s/second.h", tmp);
	size_t len;
	char *data;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(NULL, NULL, "%s dump -i %s > %s", cli, VMLINUX,
			     second), 0);
	data = tg_test_read_file(reference_header(), &len);
	assert_non_null(data);
	/* A header worth the name, not an empty success. */
	assert_true(len > 100000);
	assert_non_null(strstr(data, "struct task_struct {"));
	free(data);
	assert_true(files_equal(reference_header(), second));
	free(second);
}

static void test_dump_output_file(void **state)
{
	char *file = tg_test_path("%s/out.h", tmp);
	char *out, *err;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s -o %s", cli, VMLINUX,
			     file), 0);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
	assert_true(files_equal(reference_header(), file));
	free(out);
	free(err);

	/* An existing file is replaced. */
	assert_int_equal(tg_test_write_file(file, "old\n", 4), 0);
	assert_int_equal(tg_test_runf(NULL, NULL, "%s dump -i %s --output %s", cli,
			     VMLINUX, file), 0);
	assert_true(files_equal(reference_header(), file));
	free(file);
}

/* An output that cannot be written: one line, and the place untouched. */
static void test_dump_output_unwritable(void **state)
{
	char *dir = tg_test_path("%s/out-dir", tmp);
	char *missing = tg_test_path("%s/no-such-dir/vmlinux.h", tmp);
	char *expect, *out, *err;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(mkdir(dir, 0755), 0);
	expect = msg_of(-EISDIR);
	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s -o %s", cli, VMLINUX,
			     dir), 1);
	assert_one_line(err);
	assert_containsf(err, "%s: %s", dir, expect);
	assert_string_equal(out, "");
	assert_int_equal(count_dir_entries(dir), 0);
	free(expect);
	free(out);
	free(err);

	expect = msg_of(-ENOENT);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s -o %s", cli, VMLINUX,
			     missing), 1);
	assert_one_line(err);
	assert_containsf(err, "%s: %s", missing, expect);
	free(expect);
	free(err);
	free(missing);
	free(dir);
}

static void test_dump_unsorted(void **state)
{
	char *file = tg_test_path("%s/unsorted.h", tmp);
	char *out, *err;
	size_t len;
	char *data;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(&out, &err, "%s dump --unsorted -i %s -o %s", cli,
			     VMLINUX, file), 0);
	assert_string_equal(out, "");
	assert_string_equal(err, "");
	data = tg_test_read_file(file, &len);
	assert_non_null(data);
	assert_true(len > 100000);
	assert_non_null(strstr(data, "struct task_struct {"));
	/* Type id order is not name order. */
	assert_false(files_equal(reference_header(), file));
	free(data);
	free(out);
	free(err);
	free(file);
}

static void test_dump_stdout_full(void **state)
{
	char *err;

	(void)state;
	NEED_VMLINUX();
	SKIP_IF(access("/dev/full", W_OK), "/dev/full is missing");
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s > /dev/full", cli,
			     VMLINUX), 1);
	assert_one_line(err);
	/* The write's own error, not a vague "Input/output error". */
	assert_contains(err, "standard output: No space left on device");
	free(err);
}

/*
 * BTF that fails only once the header is being written: a kernel
 * function whose parameter is 300 pointers deep, after a struct. The
 * error comes before the first byte, as typegen(1) promises.
 */
static void test_dump_nothing_before_error(void **state)
{
	char *path = tg_test_path("%s/deep-kfunc.btf", tmp);
	struct btf *b = btf__new_empty();
	int i, p, k, fn;
	const void *raw;
	char *out, *err;
	__u32 sz;

	(void)state;
	i = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(b, "aaa", 4);
	btf__add_field(b, "x", i, 0, 0);
	for (p = i, k = 0; k < 300; k++)
		p = btf__add_ptr(b, p);
	fn = btf__add_func_proto(b, i);
	btf__add_func_param(b, "a", p);
	fn = btf__add_func(b, "kf", BTF_FUNC_GLOBAL, fn);
	assert_true(btf__add_decl_tag(b, "bpf_kfunc", fn, -1) > 0);
	raw = btf__raw_data(b, &sz);
	assert_int_equal(tg_test_write_file(path, raw, sz), 0);
	btf__free(b);

	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s", cli, path), 1);
	assert_one_line(err);
	assert_contains(err, path);
	assert_string_equal(out, "");
	free(out);
	free(err);
	free(path);
}

/*
 * -o never replaces what is not a regular file: a device (made here with
 * mknod, never /dev's own), a FIFO, a link to standard output; a symlink
 * is followed.
 */
static void test_dump_output_not_replaced(void **state)
{
	char *dir = tg_test_path("%s/special-out", tmp);
	char *out, *err, *got;
	struct stat st;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(NULL, NULL, "rm -rf %s && mkdir %s", dir, dir), 0);

	if (!tg_test_runf(NULL, NULL, "mknod %s/null c 1 3", dir)) {
		assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s -o %s/null",
					      cli, VMLINUX, dir), 0);
		assert_string_equal(err, "");
		free(err);
		got = tg_test_path("%s/null", dir);
		assert_int_equal(lstat(got, &st), 0);
		assert_true(S_ISCHR(st.st_mode));
		free(got);
	}

	/* A FIFO: the header comes out of it, and it stays a FIFO. */
	assert_int_equal(tg_test_runf(&out, &err,
		"d=%s && mkfifo $d/fifo && { timeout 20 cat $d/fifo > $d/from-fifo & } && "
		"%s dump -i %s -o $d/fifo && wait && test -p $d/fifo && "
		"cmp -s $d/from-fifo %s && echo same", dir, cli, VMLINUX,
		reference_header()), 0);
	assert_string_equal(out, "same\n");
	free(out);
	free(err);

	/* A symlink: its target replaced, the link kept. */
	assert_int_equal(tg_test_runf(NULL, NULL,
		"d=%s && echo old > $d/real.h && ln -s real.h $d/link.h && "
		"%s dump -i %s -o $d/link.h && test -L $d/link.h && "
		"cmp -s $d/real.h %s",
		dir, cli, VMLINUX, reference_header()), 0);

	/*
	 * A link to standard output, here a pipe, as /dev/stdout is (made
	 * here: were it replaced, /dev's own would be lost).
	 */
	assert_int_equal(tg_test_runf(&out, NULL,
		"d=%s && ln -s /proc/self/fd/1 $d/stdout && "
		"%s dump -i %s -o $d/stdout | cmp - %s && test -L $d/stdout && "
		"echo same", dir, cli, VMLINUX, reference_header()), 0);
	assert_string_equal(out, "same\n");
	free(out);
	free(dir);
}

/* ---- bad input ------------------------------------------------------- */

/*
 * @input must fail with @code: exit 1, one line naming the file and saying
 * what is wrong, nothing on stdout; with -o neither a new output file nor a
 * change to an existing one, and no temporary file left behind.
 */
static void check_bad_input(const char *input, int code)
{
	char *dir = tg_test_path("%s/bad-out", tmp);
	char *file = tg_test_path("%s/vmlinux.h", dir);
	char *expect = msg_of(code);
	char *out, *err;

	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s", cli, input), 1);
	assert_one_line(err);
	assert_contains(err, "typegen: ");
	assert_contains(err, input);
	assert_contains(err, expect);
	assert_string_equal(out, "");
	free(out);
	free(err);

	/* -o FILE that does not exist yet: still does not. */
	assert_int_equal(tg_test_runf(NULL, NULL, "rm -rf %s && mkdir %s", dir, dir), 0);
	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s -o %s", cli, input,
			     file), 1);
	assert_one_line(err);
	assert_contains(err, expect);
	assert_false(tg_test_file_exists(file));
	assert_int_equal(count_dir_entries(dir), 0);
	free(out);
	free(err);

	/* -o FILE that exists: byte for byte as it was. */
	assert_int_equal(tg_test_write_file(file, "precious\n", 9), 0);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -o %s -i %s", cli, file,
			     input), 1);
	assert_one_line(err);
	{
		size_t len;
		char *data = tg_test_read_file(file, &len);

		assert_non_null(data);
		assert_int_equal(len, 9);
		assert_memory_equal(data, "precious\n", 9);
		free(data);
	}
	assert_int_equal(count_dir_entries(dir), 1);
	free(err);
	free(expect);
	free(file);
	free(dir);
}

static void test_bad_missing(void **state)
{
	char *path = tg_test_path("%s/no-such-file", tmp);

	(void)state;
	check_bad_input(path, -ENOENT);
	free(path);
}

static void test_bad_directory(void **state)
{
	char *path = tg_test_path("%s/a-directory", tmp);

	(void)state;
	assert_int_equal(mkdir(path, 0755), 0);
	check_bad_input(path, -EISDIR);
	free(path);
}

static void test_bad_empty(void **state)
{
	char *path = tg_test_path("%s/empty", tmp);
	char *s;

	(void)state;
	assert_int_equal(tg_test_write_file(path, "", 0), 0);
	check_bad_input(path, -TG_ERRNO__EMPTY);
	s = msg_of(-TG_ERRNO__EMPTY);
	assert_contains(s, "file is empty");
	free(s);
	free(path);
}

static void test_bad_text(void **state)
{
	static const char text[] = "this is not BTF\nnor ELF\n";
	char *path = tg_test_path("%s/text.txt", tmp);

	(void)state;
	assert_int_equal(tg_test_write_file(path, text, strlen(text)), 0);
	check_bad_input(path, -TG_ERRNO__FORMAT);
	free(path);
}

static void test_bad_truncated(void **state)
{
	char *path = tg_test_path("%s/truncated.btf", tmp);
	char *s;

	(void)state;
	NEED_VMLINUX();
	copy_file(VMLINUX, path, 100);
	check_bad_input(path, -TG_ERRNO__TRUNC);
	s = msg_of(-TG_ERRNO__TRUNC);
	assert_contains(s, "truncated");
	free(s);
	free(path);
}

static void test_bad_elf_without_btf(void **state)
{
	char *src = tg_test_path("%s/plain.c", tmp);
	char *obj = tg_test_path("%s/plain.o", tmp);
	char *s;

	(void)state;
	SKIP_IF(!have_program("cc"), "no C compiler (cc) to make an ELF file");
	assert_int_equal(tg_test_write_file(src, "int x = 1;\n", 11), 0);
	/* No -g: no debug info, so no .BTF either. */
	assert_int_equal(tg_test_runf(NULL, NULL, "cc -c %s -o %s", src, obj), 0);
	check_bad_input(obj, -TG_ERRNO__NOBTF);
	s = msg_of(-TG_ERRNO__NOBTF);
	assert_contains(s, "no .BTF section");
	free(s);
	free(src);
	free(obj);
}

/* ---- REDBPF_VMLINUX -------------------------------------------------- */

static void test_env_empty(void **state)
{
	char *file = tg_test_path("%s/env-empty.h", tmp);
	char *out, *err;

	(void)state;
	assert_int_equal(tg_test_runf(&out, &err, "REDBPF_VMLINUX= %s dump -o %s", cli,
			     file), 1);
	assert_one_line(err);
	assert_contains(err, "REDBPF_VMLINUX");
	assert_string_equal(out, "");
	assert_false(tg_test_file_exists(file));
	free(out);
	free(err);
	free(file);
}

static void test_env_path_honoured(void **state)
{
	char *empty = tg_test_path("%s/env-is-empty", tmp);
	char *file = tg_test_path("%s/env.h", tmp);
	char *err;

	(void)state;
	/* The error names the file from the environment: it was used. */
	assert_int_equal(tg_test_write_file(empty, "", 0), 0);
	assert_int_equal(tg_test_runf(NULL, &err, "REDBPF_VMLINUX=%s %s dump", empty,
			     cli), 1);
	assert_one_line(err);
	assert_contains(err, empty);
	assert_contains(err, "REDBPF_VMLINUX");
	free(err);

	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(NULL, &err, "REDBPF_VMLINUX=%s %s dump -o %s",
			     VMLINUX, cli, file), 0);
	assert_string_equal(err, "");
	assert_true(files_equal(reference_header(), file));
	free(err);
	free(file);
	free(empty);
}

static void test_input_overrides_env(void **state)
{
	char *out, *err;

	(void)state;
	NEED_VMLINUX();
	assert_int_equal(tg_test_runf(&out, &err,
			     "REDBPF_VMLINUX=%s/no-such-file %s dump -i %s | wc -c",
			     tmp, cli, VMLINUX), 0);
	assert_string_equal(err, "");
	assert_true(atol(out) > 100000);
	free(out);
	free(err);

	/* Even an empty REDBPF_VMLINUX is not looked at. */
	assert_int_equal(tg_test_runf(NULL, &err, "REDBPF_VMLINUX= %s dump -i %s >/dev/null",
			     cli, VMLINUX), 0);
	assert_string_equal(err, "");
	free(err);
}

/* ---- probe ----------------------------------------------------------- */

static const char *const probe_paths[] = {
	"/sys/kernel/btf/vmlinux",
	"/boot/vmlinux-" RELEASE,
	"/lib/modules/" RELEASE "/vmlinux-" RELEASE,
	"/lib/modules/" RELEASE "/build/vmlinux",
	"/usr/lib/modules/" RELEASE "/kernel/vmlinux",
	"/usr/lib/debug/boot/vmlinux-" RELEASE,
	"/usr/lib/debug/boot/vmlinux-" RELEASE ".debug",
	"/usr/lib/debug/lib/modules/" RELEASE "/vmlinux",
	"/boot/vmlinuz-" RELEASE,
};
#define N_PROBE_PATHS (sizeof(probe_paths) / sizeof(probe_paths[0]))

/*
 * A fake root: garbage where the kernel's raw BTF would be, the real types
 * as /boot/vmlinux-RELEASE (the second candidate).
 */
static char *make_sysroot(void)
{
	static const char garbage[] = "garbage, not BTF\n";
	char *root = tg_test_path("%s/root.XXXXXX", tmp);
	char *sys, *boot;

	assert_non_null(mkdtemp(root));
	sys = tg_test_path("%s%s", root, probe_paths[0]);
	boot = tg_test_path("%s%s", root, probe_paths[1]);
	make_parent(sys);
	make_parent(boot);
	assert_int_equal(tg_test_write_file(sys, garbage, strlen(garbage)), 0);
	copy_file(VMLINUX, boot, 0);
	free(sys);
	free(boot);
	return root;
}

/* Where @needle starts in @hay, failing the test if it is not there. */
static size_t position(const char *hay, const char *needle)
{
	assert_contains(hay, needle);
	return strstr(hay, needle) - hay;
}

static void test_probe_chooses_in_order(void **state)
{
	char *root, *sys, *boot, *reason, *line, *chosen, *out, *err;

	(void)state;
	NEED_VMLINUX();
	root = make_sysroot();
	sys = tg_test_path("%s%s", root, probe_paths[0]);
	boot = tg_test_path("%s%s", root, probe_paths[1]);
	/* Under a sysroot, /sys/kernel/btf is not the image's kernel. */
	reason = msg_of(-TG_ERRNO__RUNNING);

	assert_int_equal(tg_test_runf(&out, &err, "%s probe --sysroot %s --release %s",
			     cli, root, RELEASE), 0);
	assert_string_equal(err, "");
	assert_contains(out, "REDBPF_VMLINUX unset");
	assert_contains(out, RELEASE);
	/* The garbage first, rejected with its reason, then the winner. */
	line = tg_test_path("rejected  %s: %s\n", sys, reason);
	chosen = tg_test_path("chosen    %s\n", boot);
	assert_true(position(out, line) < position(out, chosen));
	assert_containsf(out, "result:     %s\n", boot);
	free(chosen);
	/* Nothing after the winner is tried. */
	assert_null(strstr(out, probe_paths[2]));
	free(line);
	free(out);
	free(err);

	/* dump reads the file probe chose. */
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump --sysroot %s --release %s > %s/probed.h",
			     cli, root, RELEASE, tmp), 0);
	assert_string_equal(err, "");
	free(err);
	free(reason);
	free(sys);
	free(boot);
	tg_test_rmtree(root);
	free(root);
}

/* With nothing to find, every candidate is listed, in documented order. */
static void test_probe_lists_all_candidates(void **state)
{
	char *root = tg_test_path("%s/empty-root", tmp);
	char *enoent = msg_of(-ENOENT), *running = msg_of(-TG_ERRNO__RUNNING);
	size_t i, last = 0;
	char *out, *err;

	(void)state;
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(tg_test_runf(&out, &err, "%s probe --sysroot %s --release %s",
			     cli, root, RELEASE), 1);
	assert_string_equal(err, "");
	for (i = 0; i < N_PROBE_PATHS; i++) {
		char *line = tg_test_path("%zu. rejected  %s%s: %s\n", i + 1,
					  root, probe_paths[i],
					  i ? enoent : running);
		size_t pos = position(out, line);

		assert_true(pos >= last);
		last = pos;
		free(line);
	}
	assert_contains(out, "result:     none");
	free(out);
	free(err);

	/* dump fails in one line that names every path and points at probe. */
	assert_int_equal(tg_test_runf(&out, &err, "%s dump --sysroot %s --release %s",
			     cli, root, RELEASE), 1);
	assert_one_line(err);
	assert_contains(err, "typegen probe");
	for (i = 0; i < N_PROBE_PATHS; i++)
		assert_containsf(err, "%s%s", root, probe_paths[i]);
	assert_containsf(err, "%s%s (%s)", root, probe_paths[0], running);
	assert_string_equal(out, "");
	free(out);
	free(err);
	free(running);
	free(enoent);
	free(root);
}

/*
 * --release R is never answered with the running kernel's types: a
 * release not installed fails, naming every path tried; probe shows
 * /sys/kernel/btf/vmlinux rejected, with the reason.
 */
static void test_release_not_running(void **state)
{
	char *running = msg_of(-TG_ERRNO__RUNNING);
	char *out, *err;
	size_t i;

	(void)state;
	assert_int_equal(tg_test_runf(&out, &err, "%s dump --release 9.9.9-bogus",
			     cli), 1);
	assert_one_line(err);
	assert_string_equal(out, "");
	assert_contains(err, "kernel BTF for 9.9.9-bogus");
	assert_containsf(err, "/sys/kernel/btf/vmlinux (%s)", running);
	for (i = 1; i < N_PROBE_PATHS; i++) {
		char *p = tg_test_path("%.*s9.9.9-bogus",
			(int)(strstr(probe_paths[i], RELEASE) - probe_paths[i]),
			probe_paths[i]);

		assert_contains(err, p);
		free(p);
	}
	free(out);
	free(err);

	assert_int_equal(tg_test_runf(&out, NULL, "%s probe --release 9.9.9-bogus",
			     cli), 1);
	assert_containsf(out, "1. rejected  /sys/kernel/btf/vmlinux: %s\n",
			 running);
	assert_contains(out, "result:     none");
	free(out);
	free(running);
}

/* KERNEL_VERSION="" (an unset shell variable): named, never "(null)". */
static void test_kernel_version_empty(void **state)
{
	char *out, *err;

	(void)state;
	assert_int_equal(tg_test_runf(&out, &err, "KERNEL_VERSION= %s cflags", cli), 1);
	assert_one_line(err);
	assert_null(strstr(err, "(null)"));
	assert_contains(err, "KERNEL_VERSION: '' is not a kernel release");
	assert_string_equal(out, "");
	free(out);
	free(err);
}

static void test_probe_explicit_path(void **state)
{
	char *path = tg_test_path("%s/probe-empty", tmp);
	char *expect = msg_of(-TG_ERRNO__EMPTY);
	char *out, *err;

	(void)state;
	assert_int_equal(tg_test_write_file(path, "", 0), 0);
	assert_int_equal(tg_test_runf(&out, &err, "%s probe -i %s", cli, path), 1);
	assert_containsf(out, "explicit path %s", path);
	assert_containsf(out, "rejected  %s: %s", path, expect);
	free(out);
	free(err);

	assert_int_equal(tg_test_runf(&out, &err, "REDBPF_VMLINUX= %s probe", cli), 1);
	assert_contains(out, "REDBPF_VMLINUX=\"\"");
	assert_contains(out, "result:     none");
	free(out);
	free(err);
	free(expect);
	free(path);
}

#define JSON_CHECK \
	"python3 -c 'import json,sys; d=json.load(sys.stdin); " \
	"print(d[\"chosen\"]); " \
	"print(\" \".join(c[\"status\"] for c in d[\"candidates\"])); " \
	"print(d[\"request\"]); print(d[\"sysroot\"])'"

static void test_probe_json(void **state)
{
	char *root, *boot, *expect, *out, *err;

	(void)state;
	NEED_VMLINUX();
	SKIP_IF(!have_program("python3"), "python3 is not installed");
	root = make_sysroot();
	boot = tg_test_path("%s%s", root, probe_paths[1]);

	assert_int_equal(tg_test_runf(NULL, NULL, "%s probe -j --sysroot %s --release %s",
			     cli, root, RELEASE), 0);
	assert_int_equal(tg_test_runf(&out, &err,
			     "%s probe -j --sysroot %s --release %s | " JSON_CHECK,
			     cli, root, RELEASE), 0);
	expect = tg_test_path("%s\nrejected chosen\nsystem\n%s\n", boot, root);
	assert_string_equal(out, expect);
	free(expect);
	free(out);
	free(err);

	/* --pretty is JSON too, and so is -j before the command. */
	assert_int_equal(tg_test_runf(&out, NULL,
			     "%s -p probe --sysroot %s --release %s | " JSON_CHECK,
			     cli, root, RELEASE), 0);
	assert_contains(out, "rejected chosen\n");
	free(out);
	tg_test_rmtree(root);
	free(boot);
	free(root);
}

/* Paths are escaped: quotes, backslashes and control characters. */
static void test_probe_json_escaping(void **state)
{
	char *root = tg_test_path("%s/we\"ird\\ro\tot 'x'", tmp);
	char *qroot = shell_quote(root);
	char *expect, *out;

	(void)state;
	SKIP_IF(!have_program("python3"), "python3 is not installed");
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(tg_test_runf(&out, NULL,
			     "%s probe -j --sysroot %s --release %s | " JSON_CHECK,
			     cli, qroot, RELEASE), 0);
	expect = tg_test_path("None\nrejected rejected rejected rejected "
			      "rejected rejected rejected rejected rejected\n"
			      "system\n%s\n",
			      root);
	assert_string_equal(out, expect);
	free(expect);
	free(out);
	free(qroot);
	free(root);
}

/* ---- other inputs: compressed, archives, boot images, modules --------- */

/* Fixtures for the tests below, made on first use. */
static struct {
	bool made;
	char *kernel;		/* raw kernel BTF */
	char *kernel_xz;	/* the committed .xz of it */
	char *small;		/* standalone BTF (load_basic) */
	char *mod_a;		/* module_a's split BTF on the kernel, raw */
	char *mod_a_ko;		/* ... in an ELF file, zstd'ed */
	char *mod_b;
} in;

static void make_inputs(void)
{
	struct btf *base, *small;
	const void *raw;
	char *obj, *ko;
	size_t len;
	__u32 sz;
	void *data;

	if (in.made)
		return;
	libbpf_set_print(NULL);
	in.kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	in.kernel_xz = tg_test_src_fixture("vmlinux-6.18.44.btf.xz");
	base = btf__parse(in.kernel, NULL);
	assert_non_null(base);

	obj = tg_test_fixture("load_basic.bpf.o");
	small = btf__parse_elf(obj, NULL);
	raw = btf__raw_data(small, &sz);
	in.small = tg_test_path("%s/small.btf", tmp);
	assert_int_equal(tg_test_write_file(in.small, raw, sz), 0);
	btf__free(small);
	free(obj);

	obj = tg_test_fixture("module_a.bpf.o");
	data = fx_split_btf(obj, base, &len);
	in.mod_a = tg_test_path("%s/module_a.btf", tmp);
	assert_int_equal(tg_test_write_file(in.mod_a, data, len), 0);
	free(data);
	free(obj);
	ko = tg_test_path("%s/module_a.ko", tmp);
	fx_elf_with_btf(in.mod_a, ko, NULL);
	in.mod_a_ko = tg_test_path("%s/module_a.ko.zst", tmp);
	fx_filter("zstd -q -c", ko, in.mod_a_ko);
	free(ko);

	obj = tg_test_fixture("module_b.bpf.o");
	data = fx_split_btf(obj, base, &len);
	in.mod_b = tg_test_path("%s/module_b.btf", tmp);
	assert_int_equal(tg_test_write_file(in.mod_b, data, len), 0);
	free(data);
	free(obj);
	btf__free(base);
	in.made = true;
}

static void free_inputs(void)
{
	free(in.kernel);
	free(in.kernel_xz);
	free(in.small);
	free(in.mod_a);
	free(in.mod_a_ko);
	free(in.mod_b);
}

/* clang -target bpf compiles @prog against the header @hdr. */
static void assert_compiles(const char *hdr, const char *prog)
{
	const char *base = strrchr(hdr, '/') ? strrchr(hdr, '/') + 1 : hdr;
	char *src = tg_test_path("%s.prog.c", hdr);
	/* Beside the header: included by its own name. */
	char *text = tg_test_path("#include \"%s\"\n%s", base, prog);
	char *err = NULL;
	int rc;

	assert_int_equal(tg_test_write_file(src, text, strlen(text)), 0);
	rc = tg_test_runf(NULL, &err, "%s -target bpf -O2 -Wall -Werror -c %s -o %s.o",
		 tg_test_clang(), src, src);
	if (rc)
		print_error("clang failed (%d):\n%.3000s\n", rc, err);
	assert_int_equal(rc, 0);
	free(err);
	free(text);
	free(src);
}

static int count_lines_starting(const char *text, const char *prefix)
{
	const char *p = text;
	int n = 0;

	for (; (p = strstr(p, prefix)); p += strlen(prefix))
		if (p == text || p[-1] == '\n')
			n++;
	return n;
}

static void test_btf_raw(void **state)
{
	char *out = tg_test_path("%s/raw.btf", tmp);
	char *be = tg_test_path("%s/raw-be.btf", tmp);
	char *err;

	(void)state;
	make_inputs();
	/* As the kernel gives it, from the compressed copy. */
	assert_int_equal(tg_test_runf(NULL, &err, "%s btf -i %s -o %s", cli,
			     in.kernel_xz, out), 0);
	assert_string_equal(err, "");
	free(err);
	assert_true(files_equal(out, in.kernel));
	/* To standard output when it is not a terminal. */
	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s > %s", cli,
			     in.kernel_xz, out), 0);
	assert_true(files_equal(out, in.kernel));

	/* Big-endian, and back to little: the same bytes. */
	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s --endian big -o %s",
			     cli, in.kernel, be), 0);
	assert_false(files_equal(be, in.kernel));
	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s -o %s", cli, be, out),
			 0);
	assert_true(files_equal(out, be));
	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s --endian little -o %s",
			     cli, be, out), 0);
	assert_true(files_equal(out, in.kernel));
	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s --endian native -o %s",
			     cli, be, out), 0);
	assert_true(files_equal(out, in.kernel));
	/* The header of big-endian BTF is the same header. */
	assert_int_equal(tg_test_runf(NULL, NULL, "%s dump -i %s -o %s.h", cli, be, be),
			 0);
	assert_int_equal(tg_test_runf(NULL, NULL, "%s dump -i %s -o %s.h", cli,
			     in.kernel, out), 0);
	{
		char *h1 = tg_test_path("%s.h", be), *h2 = tg_test_path("%s.h", out);

		assert_true(files_equal(h1, h2));
		free(h1);
		free(h2);
	}
	free(be);
	free(out);
}

static void test_btf_module(void **state)
{
	char *out = tg_test_path("%s/module_a.out.btf", tmp);
	char *err;

	(void)state;
	make_inputs();
	/* A module's BTF comes out split, as /sys/kernel/btf/<module>. */
	assert_int_equal(tg_test_runf(NULL, &err, "%s btf -i %s --base %s -o %s", cli,
			     in.mod_a_ko, in.kernel_xz, out), 0);
	assert_string_equal(err, "");
	free(err);
	assert_true(files_equal(out, in.mod_a));
	/* The base found as the kernel's would be. */
	assert_int_equal(tg_test_runf(NULL, &err, "REDBPF_VMLINUX=%s %s btf -i %s -o %s",
			     in.kernel, cli, in.mod_a_ko, out), 0);
	assert_string_equal(err, "");
	free(err);
	assert_true(files_equal(out, in.mod_a));
	free(out);
}

static void test_dump_modules(void **state)
{
	char *hdr = tg_test_path("%s/modules.h", tmp);
	char *data, *err;
	size_t len;

	(void)state;
	make_inputs();
	SKIP_IF(!have_program(tg_test_clang()), "clang-19 is not installed");
	/* What module_a adds, with what it needs of the kernel's. */
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s --base %s --module-only -o %s",
			     cli, in.mod_a_ko, in.kernel_xz, hdr), 0);
	assert_string_equal(err, "");
	free(err);
	data = tg_test_read_file(hdr, &len);
	assert_int_equal(count_lines_starting(data, "struct tg_mod_a_dev {"), 1);
	assert_int_equal(count_lines_starting(data, "struct callback_head {"), 1);
	assert_int_equal(count_lines_starting(data, "struct task_struct;"), 1);
	assert_int_equal(count_lines_starting(data, "struct task_struct {"), 0);
	assert_true(len < 10000);
	free(data);
	assert_compiles(hdr, "int f(struct tg_mod_a_dev *d) { return d->pid; }\n");

	/* The kernel's types and two modules': names they share, once. */
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump --base %s --module %s --module %s -o %s",
			     cli, in.kernel, in.mod_a, in.mod_b, hdr), 0);
	assert_string_equal(err, "");
	free(err);
	data = tg_test_read_file(hdr, &len);
	assert_int_equal(count_lines_starting(data, "struct tg_shared {"), 1);
	assert_int_equal(count_lines_starting(data, "struct list_head {"), 1);
	assert_int_equal(count_lines_starting(data, "struct task_struct {"), 1);
	assert_int_equal(count_lines_starting(data, "struct tg_mod_b_queue {"), 1);
	free(data);
	assert_compiles(hdr,
			"int f(struct tg_mod_a_dev *d, struct tg_mod_b_queue *q)\n"
			"{ return d->owner->pid + q->depth; }\n");

	/* -i a module, its base found by the rules, another module added. */
	assert_int_equal(tg_test_runf(NULL, &err, "REDBPF_VMLINUX=%s %s dump -i %s --module %s --module-only -o %s",
			     in.kernel_xz, cli, in.mod_a_ko, in.mod_b, hdr), 0);
	assert_string_equal(err, "");
	free(err);
	data = tg_test_read_file(hdr, &len);
	assert_int_equal(count_lines_starting(data, "struct tg_shared {"), 1);
	assert_int_equal(count_lines_starting(data, "struct tg_mod_b_queue {"), 1);
	free(data);
	free(hdr);
}

/*
 * "typegen dump ARGS" and "typegen btf ARGS" fail with @code: exit 1, one
 * line naming @name, and with -o no file at all.
 */
static void check_bad_args(const char *args, const char *name, int code)
{
	static const char *const cmds[] = { "dump", "btf" };
	char *dir = tg_test_path("%s/bad-args", tmp);
	char *file = tg_test_path("%s/out", dir);
	char *expect = msg_of(code);
	char *out, *err;
	size_t i;

	for (i = 0; i < 2; i++) {
		assert_int_equal(tg_test_runf(NULL, NULL, "rm -rf %s && mkdir %s", dir,
				     dir), 0);
		assert_int_equal(tg_test_runf(&out, &err, "%s %s %s -o %s", cli, cmds[i],
				     args, file), 1);
		assert_one_line(err);
		assert_containsf(err, "typegen: %s: %s", name, expect);
		assert_string_equal(out, "");
		assert_false(tg_test_file_exists(file));
		assert_int_equal(count_dir_entries(dir), 0);
		free(out);
		free(err);
	}
	free(expect);
	free(file);
	free(dir);
}

static void test_bad_other_inputs(void **state)
{
	char *cut = tg_test_path("%s/cut.btf.xz", tmp);
	char *crc = tg_test_path("%s/crc.btf.gz", tmp);
	char *readme = tg_test_path("%s/README", tmp);
	char *notar = tg_test_path("%s/readme.tar.xz", tmp);
	char *vmlinuz = tg_test_path("%s/vmlinuz-nothing", tmp);
	char *args;
	unsigned char *data;
	size_t len;

	(void)state;
	make_inputs();
	/* A truncated stream. */
	data = tg_test_read_file(in.kernel_xz, &len);
	assert_int_equal(tg_test_write_file(cut, data, len / 2), 0);
	free(data);
	check_bad_args(args = tg_test_path("-i %s", cut), cut,
		       -TG_ERRNO__ZTRUNC);
	free(args);

	/* A wrong checksum. */
	fx_filter("gzip -c", in.small, crc);
	data = tg_test_read_file(crc, &len);
	data[len - 8] ^= 0x40;
	assert_int_equal(tg_test_write_file(crc, data, len), 0);
	free(data);
	check_bad_args(args = tg_test_path("-i %s", crc), crc,
		       -TG_ERRNO__CHECKSUM);
	free(args);

	/* An archive with no BTF inside. */
	assert_int_equal(tg_test_write_file(readme, "no BTF here\n", 12), 0);
	assert_int_equal(tg_test_runf(NULL, NULL, "tar -C %s -cf - README | xz -c > %s",
			     tmp, notar), 0);
	check_bad_args(args = tg_test_path("-i %s", notar), notar,
		       -TG_ERRNO__NOARCHBTF);
	free(args);

	/* Split BTF whose base does not match. */
	check_bad_args(args = tg_test_path("-i %s --base %s", in.mod_a_ko,
					   in.small),
		       in.mod_a_ko, -TG_ERRNO__BASE);
	free(args);

	/* A boot image with no kernel in it. */
	data = calloc(1, 4096);
	memcpy(data, "MZ", 2);
	data[0x1fe] = 0x55;
	data[0x1ff] = 0xaa;
	memcpy(data + 0x202, "HdrS", 4);
	data[0x206] = 0x0f;
	data[0x207] = 0x02;
	assert_int_equal(tg_test_write_file(vmlinuz, data, 4096), 0);
	free(data);
	check_bad_args(args = tg_test_path("-i %s", vmlinuz), vmlinuz,
		       -TG_ERRNO__KIMAGE);
	free(args);

	/* --base for what is not a module. */
	check_bad_args(args = tg_test_path("-i %s --base %s", in.small,
					   in.kernel),
		       in.small, -TG_ERRNO__NOTSPLIT);
	free(args);

	free(vmlinuz);
	free(notar);
	free(readme);
	free(crc);
	free(cut);
}

static void test_bad_module_args(void **state)
{
	char *out, *err;

	(void)state;
	make_inputs();
	/* --module that is not a module. */
	assert_int_equal(tg_test_runf(&out, &err, "%s dump --base %s --module %s", cli,
			     in.kernel, in.small), 1);
	assert_one_line(err);
	assert_containsf(err, "%s: not a kernel module's BTF", in.small);
	assert_string_equal(out, "");
	free(out);
	free(err);
	/* --module-only with -i that is no module. */
	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s --module-only", cli,
			     in.kernel), 1);
	assert_one_line(err);
	assert_contains(err, "--module-only needs a module");
	free(out);
	free(err);
	/* A module on a base it does not fit: the base is named. */
	assert_int_equal(tg_test_runf(&out, &err, "REDBPF_VMLINUX=%s %s dump -i %s",
			     in.small, cli, in.mod_a), 1);
	assert_one_line(err);
	assert_containsf(err, "%s: ", in.mod_a);
	assert_containsf(err, "base tried: %s, the kernel's types found by the usual rules",
			 in.small);
	free(out);
	free(err);
	assert_int_equal(tg_test_runf(&out, &err, "%s dump --base %s --module %s",
			     cli, in.small, in.mod_a), 1);
	assert_one_line(err);
	assert_containsf(err, "base tried: %s, given with --base", in.small);
	free(out);
	free(err);
	/* A module whose base cannot be found. */
	assert_int_equal(tg_test_runf(&out, &err, "REDBPF_VMLINUX=%s/none %s dump -i %s",
			     tmp, cli, in.mod_a), 1);
	assert_one_line(err);
	assert_containsf(err, "%s/none", tmp);
	free(out);
	free(err);
}

static void test_probe_vmlinuz(void **state)
{
	char *root = tg_test_path("%s/vmlinuz-root", tmp);
	char *boot = tg_test_path("%s/boot", root);
	char *elf = tg_test_path("%s/vmlinux.elf", root);
	char *gz = tg_test_path("%s/payload.gz", root);
	char *vmlinuz = tg_test_path("%s/vmlinuz-" RELEASE, boot);
	char *out, *err;

	(void)state;
	make_inputs();
	assert_int_equal(tg_test_runf(NULL, NULL, "mkdir -p %s", boot), 0);
	fx_elf_with_btf(in.small, elf, NULL);
	fx_filter("gzip -c", elf, gz);
	fx_bzimage(gz, fx_size(elf), 0x020f, vmlinuz);
	assert_int_equal(tg_test_runf(&out, &err, "%s probe --sysroot %s --release %s",
			     cli, root, RELEASE), 0);
	assert_containsf(out, "9. chosen    %s\n", vmlinuz);
	assert_contains(out, "format:     bzImage > gzip > ELF\n");
	free(out);
	free(err);
	if (have_program("python3")) {
		assert_int_equal(tg_test_runf(&out, NULL,
				     "%s probe -j --sysroot %s --release %s | "
				     "python3 -c 'import json,sys; "
				     "print(json.load(sys.stdin)[\"format\"])'",
				     cli, root, RELEASE), 0);
		assert_string_equal(out, "['bzImage', 'gzip', 'ELF']\n");
		free(out);
	}
	free(vmlinuz);
	free(gz);
	free(elf);
	free(boot);
	free(root);
}

/*
 * probe and cflags describe the input's machine, not this one: an arm64
 * Image and an s390x image (big-endian BTF) read on any host. A program
 * compiled with cflags' flags against the s390x header is big-endian BPF.
 */
static void test_probe_cflags_other_arch(void **state)
{
	char *image = tg_test_path("%s/Image-arm64", tmp);
	char *be = tg_test_path("%s/kernel-be.btf", tmp);
	char *kern = tg_test_path("%s/s390-kernel", tmp);
	char *gz = tg_test_path("%s/s390-kernel.gz", tmp);
	char *s390 = tg_test_path("%s/s390-image", tmp);
	char *dir = tg_test_path("%s/s390-out", tmp);
	char *src = tg_test_path("%s/s390-out/prog.bpf.c", tmp);
	char *nobtf = tg_test_path("%s/Image-nobtf", tmp);
	static const char prog[] =
		"#include \"vmlinux.h\"\n"
		"#if !defined(__TARGET_ARCH_s390) || "
		"__BYTE_ORDER__ != __ORDER_BIG_ENDIAN__\n"
		"#error not built for s390x\n"
		"#endif\n"
		"int pid_of(struct task_struct *t) { return t->pid; }\n";
	char *out, *err, *flags, *msg;
	unsigned char *obj;
	size_t len;

	(void)state;
	make_inputs();
	fx_kimage(FX_ARM64, in.kernel, image);
	assert_int_equal(tg_test_runf(&out, &err, "%s probe -i %s", cli, image), 0);
	assert_contains(out, "format:     kernel Image\n");
	assert_contains(out, "arch:       arm64\n");
	free(out);
	free(err);
	assert_int_equal(tg_test_runf(&out, &err, "%s cflags -i %s --out-dir %s/arm64-out",
			     cli, image, tmp), 0);
	assert_contains(out, "-D__TARGET_ARCH_arm64 ");
	assert_null(strstr(out, "-mbig-endian"));
	free(out);
	free(err);

	assert_int_equal(tg_test_runf(NULL, NULL, "%s btf -i %s --endian big -o %s",
			     cli, in.kernel, be), 0);
	fx_kimage(FX_NOHDR, be, kern);
	fx_filter("gzip -1 -c", kern, gz);
	fx_boot_image("s390", gz, 0, s390);
	if (have_program("python3")) {
		assert_int_equal(tg_test_runf(&out, NULL,
				     "%s probe -j -i %s | python3 -c 'import json,sys; "
				     "print(json.load(sys.stdin)[\"selection\"][\"arch\"])'",
				     cli, s390), 0);
		assert_string_equal(out, "s390\n");
		free(out);
	}
	assert_int_equal(tg_test_runf(&flags, &err, "%s cflags -i %s --out-dir %s",
			     cli, s390, dir), 0);
	assert_contains(flags, "-D__TARGET_ARCH_s390 -mbig-endian ");
	flags[strcspn(flags, "\n")] = '\0';
	free(err);
	assert_int_equal(tg_test_write_file(src, prog, sizeof(prog) - 1), 0);
	if (tg_test_runf(NULL, &err, "%s -target bpf -O2 -g %s -c %s -o %s.o",
			 tg_test_clang(), flags, src, src))
		fail_msg("%s", err);
	free(err);
	out = tg_test_path("%s.o", src);
	obj = tg_test_read_file(out, &len);
	assert_true(len > 16);
	assert_int_equal(obj[5], 2);	/* ELFDATA2MSB: bpfeb */
	free(obj);
	free(out);

	/* A kernel built without BTF: one line, and where to look instead. */
	fx_kimage(FX_ARM64, NULL, nobtf);
	assert_int_equal(tg_test_runf(&out, &err, "%s dump -i %s", cli, nobtf), 1);
	assert_one_line(err);
	msg = msg_of(-TG_ERRNO__IMGNOBTF);
	assert_containsf(err, "%s: %s", nobtf, msg);
	assert_contains(err, "/usr/lib/debug/boot/vmlinux-");
	assert_string_equal(out, "");
	free(msg);
	free(out);
	free(err);
	free(flags);
	free(nobtf);
	free(src);
	free(dir);
	free(s390);
	free(gz);
	free(kern);
	free(be);
	free(image);
}

/* ---- manual pages ---------------------------------------------------- */

static void check_man_page(const char *name)
{
	char *out, *err;

	assert_int_equal(tg_test_runf(&out, &err,
			     "MANWIDTH=80 man --warnings -l %s/man/%s",
			     tg_test_src_dir(), name), 0);
	if (*err)
		print_error("%s: warnings:\n%s\n", name, err);
	assert_string_equal(err, "");
	assert_true(strlen(out) > 1000);
	free(out);
	free(err);
}

static void test_man_pages_render(void **state)
{
	(void)state;
	SKIP_IF(!have_program("man"), "man (man-db) is not installed");
	check_man_page("typegen.1");
	check_man_page("libtypegen.3");
}

/* ---- main ------------------------------------------------------------ */

static int setup(void **state)
{
	(void)state;
	cli = tg_test_cli();
	tmp = tg_test_mkdtemp();
	/* The user's own setting must not steer the tests. */
	unsetenv("REDBPF_VMLINUX");
	/* Error messages are compared in English. */
	setenv("LC_ALL", "C", 1);
	if (access(cli, X_OK)) {
		print_error("%s: not built (run make)\n", cli);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free_inputs();
	tg_test_rmtree(tmp);
	free(tmp);
	free(cli);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_options_in_man),
		cmocka_unit_test(test_help_options_accepted),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_json_commands),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_dump_compiles_for_bpf),
		cmocka_unit_test(test_dump_deterministic),
		cmocka_unit_test(test_dump_output_file),
		cmocka_unit_test(test_dump_output_unwritable),
		cmocka_unit_test(test_dump_unsorted),
		cmocka_unit_test(test_dump_stdout_full),
		cmocka_unit_test(test_dump_nothing_before_error),
		cmocka_unit_test(test_dump_output_not_replaced),
		cmocka_unit_test(test_bad_missing),
		cmocka_unit_test(test_bad_directory),
		cmocka_unit_test(test_bad_empty),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_bad_truncated),
		cmocka_unit_test(test_bad_elf_without_btf),
		cmocka_unit_test(test_env_empty),
		cmocka_unit_test(test_env_path_honoured),
		cmocka_unit_test(test_input_overrides_env),
		cmocka_unit_test(test_probe_chooses_in_order),
		cmocka_unit_test(test_probe_lists_all_candidates),
		cmocka_unit_test(test_release_not_running),
		cmocka_unit_test(test_kernel_version_empty),
		cmocka_unit_test(test_probe_explicit_path),
		cmocka_unit_test(test_probe_json),
		cmocka_unit_test(test_probe_json_escaping),
		cmocka_unit_test(test_btf_raw),
		cmocka_unit_test(test_btf_module),
		cmocka_unit_test(test_dump_modules),
		cmocka_unit_test(test_bad_other_inputs),
		cmocka_unit_test(test_bad_module_args),
		cmocka_unit_test(test_probe_vmlinuz),
		cmocka_unit_test(test_probe_cflags_other_arch),
		cmocka_unit_test(test_man_pages_render),
	};

	return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
