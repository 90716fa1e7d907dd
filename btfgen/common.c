// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * What the commands share: error reporting, option parsing and help,
 * finding the kernel's types. It sits below every command and main.c,
 * and uses none of them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "main.h"

bool json_output;
bool pretty_output;
bool debug_output;
const char *prog_name = "typegen";

void p_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	/* stdout may hold part of a header: keep the error on its own line. */
	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	if (what)
		fprintf(stderr, "%s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *err_str(int err, char *buf, size_t size)
{
	tg_strerror(err, buf, size);
	return buf;
}

void p_err_code(const char *what, int err)
{
	char msg[256];

	p_err(what, "%s", err_str(err, msg, sizeof(msg)));
}

int usage_extra_arg(const char *cmd_name, const char *arg)
{
	p_err(NULL, "%s: unexpected argument '%s'; try '%s %s --help'",
	      cmd_name, arg, prog_name, cmd_name);
	return EXIT_USAGE;
}

/*
 * Report getopt's '?' (unknown option) or ':' (missing argument). For an
 * unknown long option optopt is 0 and getopt has moved optind past the
 * word; a missing argument can only happen on the last word of argv, so
 * that word is argv[optind - 1] too. A long option given an argument it
 * does not take ("--unsorted=1", "--json=1") is '?' with optopt its code:
 * one of @shorts (getopt's) or a long-only code, never an unknown char.
 */
void report_bad_opt(int c, char **argv, const char *cmd_name,
		    const char *shorts)
{
	const char *where = cmd_name ? cmd_name : "";
	const char *sep = cmd_name ? " " : "";
	const char *word = argv[optind - 1];
	bool extra_arg = c == '?' && optopt > ':' &&
			 (optopt >= LONG_ONLY_CODE || strchr(shorts, optopt));
	char name[64];

	if ((c == '?' && !optopt) || extra_arg ||
	    (c == ':' && !strncmp(word, "--", 2)))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="),
			 word);
	else
		snprintf(name, sizeof(name), "-%c", optopt);

	if (c == ':')
		p_err(NULL, "option '%s' needs an argument; try '%s%s%s --help'",
		      name, prog_name, sep, where);
	else if (extra_arg)
		p_err(NULL, "option '%s' takes no argument; try '%s%s%s --help'",
		      name, prog_name, sep, where);
	else
		p_err(NULL, "unknown option '%s'; try '%s%s%s --help'",
		      name, prog_name, sep, where);
}

/*
 * An empty file name or release is a slip of the shell (an unset variable),
 * not a request: say so instead of passing "" on to fail obscurely.
 */
static enum opt_result check_nonempty(const char *name, const char *arg,
				      const char *cmd_name)
{
	if (*arg)
		return OPT_HANDLED;
	p_err(NULL, "option '--%s' needs a non-empty argument; try '%s %s --help'",
	      name, prog_name, cmd_name);
	return OPT_BAD;
}

enum opt_result opt_release(void *dst, const char *arg, const char *cmd_name)
{
	*(const char **)dst = arg;
	/* The library would only say EINVAL: say what is wrong. */
	if (strchr(arg, '/')) {
		p_err(NULL, "option '--release' takes a kernel release such as 6.1.0-13-amd64, not a path");
		return OPT_BAD;
	}
	return check_nonempty("release", arg, cmd_name);
}

enum opt_result opt_btf_features(void *dst, const char *arg,
				 const char *cmd_name)
{
	(void)cmd_name;
	*(const char **)dst = arg;
	if (tg_btf_features_parse(arg, NULL)) {
		p_err(NULL, "option '--btf-features' takes a list of var, enum64, optimized_func, consistent_func, decl_tag_kfuncs, not '%s'",
		      arg);
		return OPT_BAD;
	}
	return OPT_HANDLED;
}

enum opt_result opt_input_arch(void *dst, const char *arg,
			       const char *cmd_name)
{
	if (tg_arch__from_str(arg, dst)) {
		p_err(NULL, "option '--arch' takes an architecture such as x86_64, i386, arm64, arm, ppc64, s390x or riscv64, not '%s'; try '%s %s --help'",
		      arg, prog_name, cmd_name);
		return OPT_BAD;
	}
	return OPT_HANDLED;
}

enum opt_result opt_jobs(void *dst, const char *arg, const char *cmd_name)
{
	char *end;
	long n = strtol(arg, &end, 10);

	(void)cmd_name;
	if (*end || n < 1 || n > 1024) {
		p_err(NULL, "option '--jobs' takes a number from 1 to 1024, not '%s'",
		      arg);
		return OPT_BAD;
	}
	*(unsigned int *)dst = n;
	return OPT_HANDLED;
}

bool global_opt(int c)
{
	switch (c) {
	case 'j':
		json_output = true;
		return true;
	case 'p':
		json_output = true;
		pretty_output = true;
		return true;
	case 'd':
		debug_output = true;
		setup_libbpf_print();
		return true;
	}
	return false;
}

/* "takes A, B or C, not 'X'", from @o's choices. */
static enum opt_result take_choice(const struct cmd_opt *o, const char *arg,
				   int *dst, const char *cmd_name)
{
	const struct opt_choice *ch;
	char list[256];
	size_t len = 0;

	for (ch = o->choices; ch->name; ch++) {
		if (!strcmp(ch->name, arg)) {
			*dst = ch->value;
			return OPT_HANDLED;
		}
	}
	for (ch = o->choices; ch->name && len < sizeof(list); ch++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				ch == o->choices ? "" : ch[1].name ? ", " : " or ",
				ch->name);
	p_err(NULL, "option '--%s' takes %s, not '%s'; try '%s %s --help'",
	      o->name, list, arg, prog_name, cmd_name);
	return OPT_BAD;
}

/* Option @o of a command's table, with its argument @arg, into @args. */
static enum opt_result take_opt(const struct cmd_opt *o, const char *arg,
				void *args, const char *cmd_name)
{
	void *dst = (char *)args + o->off;
	size_t *cnt = (size_t *)((char *)args + o->cnt_off);
	const char **list;

	switch (o->kind) {
	case OPTK_FLAG:
		*(bool *)dst = true;
		return OPT_HANDLED;
	case OPTK_STR:
		*(const char **)dst = arg;
		return check_nonempty(o->name, arg, cmd_name);
	case OPTK_LIST:
		if (check_nonempty(o->name, arg, cmd_name))
			return OPT_BAD;
		list = realloc(*(const char ***)dst,
			       (*cnt + 1) * sizeof(*list));
		if (!list) {
			p_err_code(NULL, -ENOMEM);
			return OPT_BAD;
		}
		*(const char ***)dst = list;
		list[(*cnt)++] = arg;
		return OPT_HANDLED;
	case OPTK_CHOICE:
		return take_choice(o, arg, dst, cmd_name);
	case OPTK_FN:
		return o->fn(dst, arg, cmd_name);
	}
	return OPT_BAD;
}

/* The getopt_long() tables for @opts (@cnt of them) and the global ones. */
static int make_getopt_tables(const struct cmd_opt *opts, size_t cnt,
			      struct option **longp, char **shortp)
{
	static const struct option global[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "json",	no_argument,	NULL, 'j' },
		{ "pretty",	no_argument,	NULL, 'p' },
		{ "debug",	no_argument,	NULL, 'd' },
	};
	const size_t n_global = sizeof(global) / sizeof(global[0]);
	/* ":": missing arguments are told from unknown options. */
	static const char global_short[] = ":hjpd";
	struct option *lo = calloc(n_global + cnt + 1, sizeof(*lo));
	char *so = malloc(sizeof(global_short) + 2 * cnt), *q;
	size_t i;

	*longp = lo;
	*shortp = so;
	if (!lo || !so)
		return -ENOMEM;
	memcpy(lo, global, sizeof(global));
	q = stpcpy(so, global_short);
	for (i = 0; i < cnt; i++) {
		const struct cmd_opt *o = &opts[i];
		struct option *l = &lo[n_global + i];

		l->name = o->name;
		l->has_arg = o->arg ? required_argument : no_argument;
		l->val = o->short_name ?: LONG_ONLY_CODE + (int)i;
		if (o->short_name) {
			*q++ = o->short_name;
			if (o->arg)
				*q++ = ':';
		}
	}
	*q = '\0';
	return 0;
}

/* The entry of @opts getopt returned @c for, or NULL. */
static const struct cmd_opt *find_opt(const struct cmd_opt *opts, size_t cnt,
				      int c)
{
	size_t i;

	if (c >= LONG_ONLY_CODE)
		return &opts[c - LONG_ONLY_CODE];
	for (i = 0; i < cnt; i++)
		if (opts[i].short_name == c)
			return &opts[i];
	return NULL;
}

int parse_opts(const struct cmd *cmd, int argc, char **argv, void *args)
{
	const struct cmd_opt *o;
	struct option *lo;
	size_t cnt = 0;
	int c, ret = EXIT_OK;
	char *so;

	while (cmd->opts[cnt].name)
		cnt++;
	if (make_getopt_tables(cmd->opts, cnt, &lo, &so)) {
		p_err_code(NULL, -ENOMEM);
		ret = EXIT_ERR;
		goto out;
	}
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		o = find_opt(cmd->opts, cnt, c);
		if (o) {
			if (take_opt(o, optarg, args, cmd->name) == OPT_HANDLED)
				continue;
			ret = EXIT_USAGE;
			break;
		}
		if (c == 'h') {
			print_cmd_help(cmd, stdout);
			ret = PARSE_HELP;
			break;
		}
		if (global_opt(c))
			continue;
		report_bad_opt(c, argv, cmd->name, so);
		ret = EXIT_USAGE;
		break;
	}
	/* JSON where the output is C or BTF is a mistake, not ignored. */
	if (!ret && cmd->not_json && json_output) {
		p_err(NULL, "option '--json' is not for %s, whose output is %s; try '%s %s --help'",
		      cmd->name, cmd->not_json, prog_name, cmd->name);
		ret = EXIT_USAGE;
	}
out:
	free(lo);
	free(so);
	return ret;
}

int write_output_file(const char *path, tg_write_fn fn, void *ctx)
{
	return path ? tg_write_file_atomic(path, fn, ctx) :
		      tg_write_stream(stdout, fn, ctx);
}

/*
 * "typegen: vmlinux: converting DWARF: 42%" on one line, rewritten in
 * place; cleared once done, so that nothing is left when all went well.
 */
static void show_progress(const char *stage, __u64 done, __u64 total,
			  void *ctx)
{
	const char *name = ctx;
	int pct = total ? (int)(done * 100 / total) : 0;

	if (done >= total && !strcmp(stage, "deduplicating")) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	fprintf(stderr, "\r\033[K%s: %s: %s: %d%%", prog_name, name, stage, pct);
	fflush(stderr);
}

/*
 * TYPEGEN_MAX_DECOMPRESSED: the decompression budget, in bytes or with a
 * K, M or G suffix (powers of 1024); unset, empty or unreadable: the
 * library's default (a warning says which it was).
 */
size_t max_decompressed(void)
{
	const char *v = getenv("TYPEGEN_MAX_DECOMPRESSED");
	unsigned long long n;
	char *end;
	int shift = 0;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	switch (*end) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	}
	if (errno || *end || !n || *v == '-' || n > (SIZE_MAX >> shift)) {
		fprintf(stderr, "%s: TYPEGEN_MAX_DECOMPRESSED: '%s' is not a size; the default (1G) is used\n",
			prog_name, v);
		return 0;
	}
	return (size_t)n << shift;
}

void open_opts_for(const struct locate_args *args, const char *name,
		   struct tg_open_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->from_dwarf = args->from_dwarf;
	opts->btf_features = args->btf_features;
	opts->max_size = max_decompressed();
	/* Quiet when stderr is a file or a pipe: no escape codes in logs. */
	if (isatty(STDERR_FILENO)) {
		opts->progress = show_progress;
		opts->progress_ctx = (void *)(name ? name : "kernel types");
	}
}

void note_dwarf_skipped(const struct tg_btf *btf, const char *name)
{
	size_t n = btf ? tg_btf__dwarf_skipped(btf) : 0;

	if (n)
		fprintf(stderr, "%s: %s: note: %zu DWARF entr%s with no C meaning left out (as void)\n",
			prog_name, name ? name : tg_btf__path(btf), n,
			n == 1 ? "y" : "ies");
}

struct tg_locator *new_locator(const struct locate_args *args)
{
	static struct tg_open_opts open_opts;
	TG_OPTS(tg_locate_opts, opts,
		.path = args->path,
		.release = args->release,
		.sysroot = args->sysroot,
		.open_opts = &open_opts);
	struct tg_locator *loc;
	int err;

	open_opts_for(args, args->path, &open_opts);
	err = tg_locator__new(&opts, &loc);
	if (err) {
		p_err_code("locating the kernel's types", err);
		return NULL;
	}
	return loc;
}

/*
 * Nothing found: every path tried, on the one line, with the reason for
 * those that are there but were rejected (a missing file needs none).
 */
static void p_err_not_found(const struct tg_locator *loc, const char *what,
			    const char *msg)
{
	size_t i, n = tg_locator__step_cnt(loc);
	char *list = NULL, reason[256];
	size_t len = 0;
	FILE *f = open_memstream(&list, &len);

	for (i = 0; f && i < n; i++) {
		const struct tg_probe_step *s = tg_locator__step(loc, i);

		fprintf(f, "%s%s", i ? ", " : "", s->path);
		if (s->err != -ENOENT)
			fprintf(f, " (%s)", err_str(s->err, reason,
						    sizeof(reason)));
	}
	if (f)
		fclose(f);
	p_err(what, "%s; tried %s (run '%s probe' with the same options for details)",
	      msg, list ? list : "nothing", prog_name);
	free(list);
}

void p_err_load(const struct tg_locator *loc, int err)
{
	const char *path = tg_locator__request_path(loc);
	const char *sysroot = tg_locator__sysroot(loc);
	char msg[256], what[512];

	err_str(err, msg, sizeof(msg));
	switch (tg_locator__request(loc)) {
	case TG_REQUEST_PATH:
		p_err(path, "%s", msg);
		return;
	case TG_REQUEST_ENV_PATH:
		p_err(path, "%s (from REDBPF_VMLINUX)", msg);
		return;
	case TG_REQUEST_ENV_EMPTY:
		/* The message is about the variable; name it only if not. */
		p_err(strstr(msg, "REDBPF_VMLINUX") ? NULL : "REDBPF_VMLINUX",
		      "%s", msg);
		return;
	case TG_REQUEST_ENV_SYSTEM:
	case TG_REQUEST_SYSTEM:
		break;
	}

	if (sysroot && strcmp(sysroot, "/"))
		snprintf(what, sizeof(what), "kernel BTF for %s under %s",
			 tg_locator__release(loc), sysroot);
	else
		snprintf(what, sizeof(what), "kernel BTF for %s",
			 tg_locator__release(loc));
	if (err == -TG_ERRNO__NOTFOUND)
		p_err_not_found(loc, what, msg);
	else
		p_err(what, "%s", msg);
}

/*
 * A module's BTF that failed on @base: when it does not fit, say which base
 * it was tried on, and whether that base was only found by the rules.
 */
static void p_err_split(const char *path, int err, const struct tg_btf *base,
			bool found)
{
	char msg[256];

	if (!base || (err != -TG_ERRNO__BASE && err != -TG_ERRNO__BTF)) {
		p_err_code(path, err);
		return;
	}
	p_err(path, "%s (base tried: %s, %s)", err_str(err, msg, sizeof(msg)),
	      tg_btf__path(base), found ?
	      "the kernel's types found by the usual rules; give the module's own kernel with --base" :
	      "given with --base or -i");
}

/* The kernel's types by the rules (no -i), as the base of a module. */
static int locate_kernel(const struct input_args *a, struct inputs *in,
			 struct tg_btf **btfp)
{
	struct locate_args la = a->loc;
	int err;

	la.path = NULL;
	in->loc = new_locator(&la);
	if (!in->loc)
		return EXIT_ERR;
	err = tg_locator__load(in->loc, btfp);
	if (err) {
		p_err_load(in->loc, err);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/* -i PATH, on --base or on the kernel's types if it is a module's. */
static int load_path(const struct input_args *a, struct inputs *in)
{
	const char *path = a->loc.path;
	struct tg_open_opts opts;
	int err;

	open_opts_for(&a->loc, path, &opts);
	opts.base = in->base;
	err = tg_btf__open(path, &opts, &in->input);
	if (err == -TG_ERRNO__NEEDBASE && !in->base) {
		if (locate_kernel(a, in, &in->base))
			return EXIT_ERR;
		opts.base = in->base;
		err = tg_btf__open(path, &opts, &in->input);
	}
	if (err) {
		p_err_split(path, err, in->base, !a->base);
		return EXIT_ERR;
	}
	note_dwarf_skipped(in->input, path);
	if (in->base && !tg_btf__base(in->input)) {
		p_err(path, "not a kernel module's BTF (split BTF): --base is only for those");
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/*
 * Open @a's --module files split on @kernel into in->mods (after -i if it
 * is a module's), unmerged; reports and returns EXIT_ERR on failure.
 */
static int load_modules(const struct input_args *a, struct inputs *in,
			const struct tg_btf *kernel)
{
	TG_OPTS(tg_open_opts, opts, .base = kernel,
		.max_size = max_decompressed());
	size_t i;
	int err;

	/* Room for -i too, if it is a module. */
	in->mods = calloc(a->module_cnt + 1, sizeof(*in->mods));
	if (!in->mods) {
		p_err_code(NULL, -ENOMEM);
		return EXIT_ERR;
	}
	if (in->input && tg_btf__base(in->input))
		in->mods[in->mod_cnt++] = in->input;
	for (i = 0; i < a->module_cnt; i++) {
		struct tg_btf **m = &in->mods[in->mod_cnt];

		err = tg_btf__open(a->modules[i], &opts, m);
		if (!err && !tg_btf__base(*m)) {
			tg_btf__free(*m);
			*m = NULL;
			err = -TG_ERRNO__NOTSPLIT;
		}
		if (err) {
			p_err_split(a->modules[i], err, kernel,
				    !a->base && !a->loc.path);
			return EXIT_ERR;
		}
		in->mod_cnt++;
	}
	return EXIT_OK;
}

int load_unmerged(const struct input_args *a, struct inputs *in,
		  const struct tg_btf **kernelp)
{
	if (load_inputs(a, in))
		return EXIT_ERR;
	*kernelp = in->input ? (tg_btf__base(in->input) ?: in->input) :
			       in->base;
	return load_modules(a, in, *kernelp);
}

int add_objects(const char *const *objs, size_t cnt,
		int (*add)(void *obj, const char *path), void *obj)
{
	size_t i;
	int err;

	for (i = 0; i < cnt; i++) {
		err = add(obj, objs[i]);
		if (err) {
			p_err_code(objs[i], err);
			return EXIT_ERR;
		}
	}
	return EXIT_OK;
}

/*
 * The module a failed merge is about: the first that fails on its own,
 * else (only together do they fail) the kernel's name.
 */
static const char *merge_culprit(const struct tg_btf *kernel,
				 const struct inputs *in,
				 const struct tg_merge_opts *mopts)
{
	struct tg_btf *one;
	size_t i;

	for (i = 0; i < in->mod_cnt; i++) {
		one = NULL;
		if (tg_btf__merge(kernel, &in->mods[i], 1, mopts, &one))
			return tg_btf__path(in->mods[i]);
		tg_btf__free(one);
	}
	return in->name;
}

/*
 * --arch: say which machine the types are from where the input could not;
 * where it could, it must be the same machine, or the header's layouts
 * would be another machine's.
 */
static int apply_arch(const struct input_args *a, struct inputs *in)
{
	struct tg_btf *const btfs[] = { in->merged, in->input, in->base };
	size_t i;

	if (a->loc.arch == TG_ARCH_UNKNOWN)
		return EXIT_OK;
	for (i = 0; i < sizeof(btfs) / sizeof(*btfs); i++) {
		enum tg_arch own;

		if (!btfs[i])
			continue;
		own = tg_btf__arch(btfs[i]);
		if (own != TG_ARCH_UNKNOWN && own != a->loc.arch) {
			p_err(in->name, "the types are %s's, not %s's (--arch)",
			      tg_arch__str(own), tg_arch__str(a->loc.arch));
			return EXIT_ERR;
		}
		tg_btf__set_arch(btfs[i], a->loc.arch);
	}
	return EXIT_OK;
}

/* Huge pages for at most this much of the heap (see heap_for()). */
#define HUGE_PAGE (2UL << 20)
#define HUGE_SPAN_MAX (12UL << 20)
/*
 * Inputs up to this size: raw BTF, a vmlinux without DWARF. Converting
 * DWARF (hundreds of MB) makes tables of every size for seconds: glibc's
 * own policy keeps its peak memory lower (155 MB against 171 MB for a
 * 6.1 cloud-amd64 vmlinux with the large tables on the heap).
 */
#define HEAP_INPUT_MAX (64L << 20)

/*
 * The part of the heap that is to hold libbpf's copy of @path's types and
 * the first tables made from them, on huge pages where the kernel gives
 * them on request (transparent huge pages in "madvise" mode; nothing
 * changes with "never"): on a virtual machine each fresh 4 KB page was a
 * fault of about 13 us, and a header of a 5.5 MB vmlinux touches some
 * 12 MB. The span follows the input's size, so that a small input is not
 * given pages it would not fill. Every large table goes on the heap and
 * stays there once freed (a fresh mapping each would be fresh faults, and
 * what the load-time checks free, the header's tables reuse): what comes
 * next takes this part, once the returned block, to be freed after the
 * load, fills the heap up to the first huge page.
 */
static void *heap_for(const char *path)
{
	uintptr_t from, start;
	struct stat st;
	size_t span;
	char *p;

	if (!path || stat(path, &st) || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)HUGE_PAGE || st.st_size > HEAP_INPUT_MAX)
		return NULL;
	mallopt(M_MMAP_THRESHOLD, HEAP_INPUT_MAX);
	mallopt(M_TRIM_THRESHOLD, 4 * HEAP_INPUT_MAX);
	/* the types, and a quarter more for the first tables */
	span = (st.st_size + st.st_size / 4 + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	if (span > HUGE_SPAN_MAX)
		span = HUGE_SPAN_MAX;
	p = malloc(span + HUGE_PAGE);
	if (!p)
		return NULL;
	start = (uintptr_t)p;
	from = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	madvise((void *)from, span, MADV_HUGEPAGE);
	free(p);
	/* less a chunk header: the next block starts at @from or just past */
	return from - start > 64 ? malloc(from - start - 32) : NULL;
}

static int load_all(const struct input_args *a, struct inputs *in)
{
	TG_OPTS(tg_merge_opts, mopts, .module_only = a->module_only);
	const struct tg_btf *kernel;
	int err;

	memset(in, 0, sizeof(*in));
	if (a->base) {
		err = tg_btf__open(a->base, NULL, &in->base);
		if (err) {
			p_err_code(a->base, err);
			return EXIT_ERR;
		}
	}
	if (a->loc.path) {
		if (load_path(a, in))
			return EXIT_ERR;
		kernel = tg_btf__base(in->input) ?: in->input;
		in->name = a->loc.path;
	} else if (in->base) {
		kernel = in->base;
		in->name = a->base;
	} else {
		if (locate_kernel(a, in, &in->input))
			return EXIT_ERR;
		kernel = in->input;
		in->name = tg_btf__path(in->input);
	}
	in->result = in->input ?: kernel;
	if (!a->merge)
		return apply_arch(a, in);

	if (load_modules(a, in, kernel))
		return EXIT_ERR;
	if (!in->mod_cnt) {
		if (a->module_only) {
			p_err(in->name, "not a kernel module's BTF, and no --module given: --module-only needs a module");
			return EXIT_ERR;
		}
		return apply_arch(a, in);
	}
	err = tg_btf__merge(kernel, in->mods, in->mod_cnt, &mopts,
			    &in->merged);
	if (err) {
		p_err_code(merge_culprit(kernel, in, &mopts), err);
		return EXIT_ERR;
	}
	in->result = in->merged;
	return apply_arch(a, in);
}

int load_inputs(const struct input_args *a, struct inputs *in)
{
	/* the kernel's types are the large ones: a module's base first */
	void *pad = heap_for(a->base ?: a->loc.path ?:
			     "/sys/kernel/btf/vmlinux");
	int ret = load_all(a, in);

	free(pad);
	return ret;
}

void free_inputs(struct inputs *in)
{
	size_t i;

	tg_btf__free(in->merged);
	/* Modules before the base they were opened on. */
	for (i = 0; i < in->mod_cnt; i++)
		if (in->mods[i] != in->input)
			tg_btf__free(in->mods[i]);
	free(in->mods);
	tg_btf__free(in->input);
	tg_btf__free(in->base);
	tg_locator__free(in->loc);
	memset(in, 0, sizeof(*in));
}

void batch_progress(const char *path, size_t done, size_t total)
{
	fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, path);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int libbpf_print_all(enum libbpf_print_level level, const char *fmt,
			    va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

static int libbpf_print_none(enum libbpf_print_level level, const char *fmt,
			     va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * libbpf prints its own "libbpf: ..." warnings when it fails to parse a
 * file; the library already turns those failures into error codes, so the
 * lines would only duplicate (and break the one-line error promise).
 */
void setup_libbpf_print(void)
{
	libbpf_set_print(debug_output ? libbpf_print_all : libbpf_print_none);
}

void help_global_options(FILE *out)
{
	fprintf(out,
		"Global options (before or after COMMAND):\n"
		"  -h, --help       show help and exit\n"
		"  -V, --version    show the version and exit\n"
		"  -j, --json       write JSON instead of text (list, show, probe,\n"
		"                   min, cflags; not dump or btf, whose output is\n"
		"                   C or BTF)\n"
		"  -p, --pretty     write indented JSON; implies --json\n"
		"  -d, --debug      show libbpf's own warnings on stderr\n"
		"      --makefile-fragment\n"
		"                   print the path of typegen.mk, for Make's include\n");
}

/* @text, its first line where the cursor is, the others @indent in. */
static void print_lines(FILE *out, const char *text, int indent)
{
	const char *nl;

	for (;;) {
		nl = strchrnul(text, '\n');
		fprintf(out, "%.*s\n", (int)(nl - text), text);
		if (!*nl)
			return;
		text = nl + 1;
		fprintf(out, "%*s", indent, "");
	}
}

/* Where an option's help starts: "  -i, --input PATH   read..." */
#define HELP_COL	21

static void print_opt_help(FILE *out, const struct cmd_opt *o)
{
	int n;

	if (o->short_name)
		n = fprintf(out, "  -%c, --%s", o->short_name, o->name);
	else
		n = fprintf(out, "      --%s", o->name);
	if (o->arg)
		n += fprintf(out, " %s", o->arg);
	fprintf(out, "%*s", n < HELP_COL ? HELP_COL - n : 2, "");
	print_lines(out, o->help, HELP_COL);
}

void print_cmd_help(const struct cmd *cmd, FILE *out)
{
	/* Continued synopses line up after "Usage: typegen NAME ". */
	int indent = strlen("Usage: ") + strlen(prog_name) +
		     strlen(cmd->name) + 2;
	const struct cmd_opt *o;
	size_t i;

	for (i = 0; cmd->usage[i]; i++) {
		fprintf(out, "%s%s %s ", i ? "       " : "Usage: ", prog_name,
			cmd->name);
		print_lines(out, cmd->usage[i], indent);
	}
	fprintf(out, "\n%s", cmd->about);
	if (!cmd->opts)
		return;
	fprintf(out, "\nOptions:\n");
	for (o = cmd->opts; o->name; o++)
		if (o->help)
			print_opt_help(out, o);
	fprintf(out, "\n");
	if (cmd->epilog)
		fprintf(out, "%s\n", cmd->epilog);
	help_global_options(out);
}

/*
 * The directory this typegen was installed under (PREFIX, from
 * PREFIX/bin/typegen), or the source tree of one run from its build
 * directory (build/typegen): the parent of the executable's directory.
 */
static char *prefix_dir(void)
{
	char exe[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int i;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (i = 0; i < 2; i++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
	return strdup(*exe ? exe : "/");
}

char *find_data_file(const char *const *rels, size_t cnt)
{
	char *prefix = prefix_dir(), *path;
	size_t i;

	if (!prefix)
		return NULL;
	for (i = 0; i < cnt; i++) {
		if (asprintf(&path, "%s/%s", strcmp(prefix, "/") ? prefix : "",
			     rels[i]) < 0)
			break;
		if (!access(path, R_OK)) {
			free(prefix);
			return path;
		}
		free(path);
	}
	free(prefix);
	return NULL;
}
