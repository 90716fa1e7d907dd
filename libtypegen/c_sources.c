// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The types BPF programs use, found with the compiler that builds them.
 *
 * Reading the C source alone cannot tell which types a program needs:
 * BPF_CORE_READ(task, mm, pgd) names no struct mm_struct, yet needs its
 * definition. So the compiler decides. First the preprocessed source gives
 * the tags the program names (macros expanded, so libbpf's count); those
 * are selected. Then the program is compiled against the selection
 * (-fsyntax-only, cheap on a small header) and each error about a missing
 * type, typedef, enumerator or function the kernel has adds that, until
 * it compiles. A member chain takes a round per level; programs settle in
 * a few rounds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "emit_c.h"

#define DEFAULT_ROUNDS 16

extern char **environ;

struct src_run {
	const char *path;
	char *log;		/* the compiler's output file */
	pid_t pid;
	bool ok;		/* compiled without errors, last round */
};

struct sources {
	struct tg_c_dumper *d;
	const struct tg_src_opts *opts;
	const char *clang;
	char dir[PATH_MAX];	/* the header's directory, temporary */
	char hdr[PATH_MAX + 16];
	struct src_run *runs;
	size_t cnt;
	bool unknown;		/* a name the kernel lacks was told */
	bool progress;		/* this round selected something new */
};

static void note(struct sources *s, enum tg_src_note_kind kind,
		 const char *src, const char *text)
{
	tg_src_note_fn fn = TG_OPTS_GET(s->opts, note, NULL);

	/* a tag used through pointers only may be missing, and the program
	 * still compiles (bpf_core_type_exists() of a newer kernel's type) */
	if (kind == TG_SRC_NOTE_UNKNOWN_NAME)
		s->unknown = true;
	if (fn)
		fn(TG_OPTS_GET(s->opts, note_ctx, NULL), kind, src, text);
}

/* ------------------------------------------------------------------------
 * Running the compiler
 */

static bool has_target(const struct tg_src_opts *opts)
{
	const char *const *f = TG_OPTS_GET(opts, cflags, NULL);
	size_t i, n = TG_OPTS_GET(opts, cflag_cnt, 0);

	for (i = 0; f && i < n; i++)
		if (!strcmp(f[i], "-target") || !strncmp(f[i], "--target=", 9))
			return true;
	return false;
}

/* clang -target bpf -I DIR FLAGS... @mode... SRC, output to @log. */
static int spawn_clang(struct sources *s, struct src_run *r,
		       const char *const *mode, size_t mode_cnt)
{
	const char *const *f = TG_OPTS_GET(s->opts, cflags, NULL);
	size_t i, n = TG_OPTS_GET(s->opts, cflag_cnt, 0), k = 0;
	posix_spawn_file_actions_t fa;
	const char **argv;
	int err;

	argv = calloc(n + mode_cnt + 8, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	argv[k++] = s->clang;
	if (!has_target(s->opts)) {
		argv[k++] = "-target";
		argv[k++] = "bpf";
	}
	/* before the caller's -I: the selection, not a whole vmlinux.h */
	argv[k++] = "-I";
	argv[k++] = s->dir;
	for (i = 0; f && i < n; i++)
		argv[k++] = f[i];
	for (i = 0; i < mode_cnt; i++)
		argv[k++] = mode[i];
	argv[k++] = r->path;
	argv[k] = NULL;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, r->log,
					 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawnp(&r->pid, s->clang, &fa, NULL, (char **)argv,
			   environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	if (err) {
		r->pid = 0;
		return err == ENOENT ? -TG_ERRNO__NOCLANG : -err;
	}
	return 0;
}

/* Wait for every run started; 0, or the first failure to start or run. */
static int wait_all(struct sources *s, int *statuses)
{
	size_t i;
	int st;

	for (i = 0; i < s->cnt; i++) {
		statuses[i] = -1;
		if (!s->runs[i].pid)
			continue;
		while (waitpid(s->runs[i].pid, &st, 0) < 0)
			if (errno != EINTR)
				return -errno;
		s->runs[i].pid = 0;
		/* posix_spawnp() reports exec failures as exit 127 */
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
			return -TG_ERRNO__NOCLANG;
		statuses[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	}
	return 0;
}

/* Every program at once, @mode... added: both cores work. */
static int run_all(struct sources *s, const char *const *mode,
		   size_t mode_cnt, int *statuses)
{
	size_t i;
	int err = 0, werr;

	for (i = 0; i < s->cnt && !err; i++)
		err = spawn_clang(s, &s->runs[i], mode, mode_cnt);
	werr = wait_all(s, statuses);
	return err ? err : werr;
}

static char *read_all(const char *path)
{
	struct stat st;
	char *buf;
	int fd;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !(buf = malloc(st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------------------
 * The tags a preprocessed program names
 */

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/*
 * A line marker: # LINE "FILE" FLAGS. Flag 3 marks a system header: what
 * libbpf's headers declare for themselves is not the program's use (their
 * macros are, and expand in the program's own lines).
 */
static bool marker_is_system(const char *p, const char *eol)
{
	const char *q = memchr(p, '"', eol - p);

	if (!q || !(q = memchr(q + 1, '"', eol - q - 1)))
		return false;
	for (q++; q < eol; q++)
		if (*q == '3' && (q[-1] == ' ' || q[-1] == '\t'))
			return true;
	return false;
}

struct tag_ref {
	const char *name;	/* in the preprocessed text */
	size_t len;
	bool defined;		/* the program defines it: struct foo { */
};

struct tag_list {
	struct tag_ref *refs;
	size_t cnt, cap;
};

static int add_tag(struct tag_list *l, const char *name, size_t len,
		   bool defined)
{
	size_t i;

	for (i = 0; i < l->cnt; i++) {
		if (l->refs[i].len == len && !memcmp(l->refs[i].name, name, len)) {
			l->refs[i].defined |= defined;
			return 0;
		}
	}
	if (l->cnt == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct tag_ref *r = realloc(l->refs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		l->refs = r;
		l->cap = cap;
	}
	l->refs[l->cnt].name = name;
	l->refs[l->cnt].len = len;
	l->refs[l->cnt].defined = defined;
	l->cnt++;
	return 0;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *skip_literal(const char *p)
{
	char q = *p++;

	while (*p && *p != q && *p != '\n') {
		if (*p == '\\' && p[1])
			p++;
		p++;
	}
	return *p == q ? p + 1 : p;
}

static int select_typedef(struct sources *s, const char *name, size_t len)
{
	struct tg_c_ident v;
	char buf[256];
	int err;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	err = tg_c_lookup(s->d, TG_C_NS_IDENT, buf, &v);
	if (err)
		return err == -ENOENT ? 0 : err;
	if (v.kfunc || !btf_is_typedef(tg_c_type(s->d, v.id)))
		return 0;
	return tg_c_select_id(s->d, v.id, TG_C_WANT_DEF);
}

/*
 * "struct NAME", "union NAME", "enum NAME" in the program's own lines,
 * into @l; and every typedef of the kernel's named anywhere, selected. A
 * typedef clang does not know makes it misparse a declaration (libbpf's
 * "static __wsum (* const bpf_csum_diff)(...)" becomes a function
 * returning a function) rather than say which name it missed.
 */
static int scan_tokens(struct sources *s, const char *text,
		       struct tag_list *l)
{
	const char *p = text, *kw = NULL;
	bool sys = false, bol = true;
	int err;

	while (*p) {
		if (bol && *p == '#') {
			const char *eol = strchr(p, '\n') ?: p + strlen(p);

			sys = marker_is_system(p, eol);
			p = eol;
			kw = NULL;
			continue;
		}
		bol = *p == '\n';
		if (*p == '"' || *p == '\'') {
			p = skip_literal(p);
			kw = NULL;
		} else if (ident_start(*p)) {
			const char *start = p;
			size_t len;

			while (ident_char(*p))
				p++;
			len = p - start;
			if (!kw && (err = select_typedef(s, start, len)))
				return err;
			if (kw && !sys) {
				char next = *skip_space(p);
				/* struct foo { ... } or struct foo; */
				bool def = next == '{' || next == ';';

				if ((err = add_tag(l, start, len, def)))
					return err;
			}
			kw = NULL;
			if ((len == 6 && !memcmp(start, "struct", 6)) ||
			    (len == 5 && !memcmp(start, "union", 5)) ||
			    (len == 4 && !memcmp(start, "enum", 4)))
				kw = start;
		} else if (ident_char(*p)) {
			while (ident_char(*p) || *p == '.')
				p++;	/* a number */
			kw = NULL;
		} else {
			if (*p != ' ' && *p != '\t' && *p != '\n')
				kw = NULL;
			p++;
		}
	}
	return 0;
}

/*
 * Select tag @name. One the kernel lacks is told when @tell: the first
 * round tells those the program names; compiling rounds tell only once
 * nothing more can be added (a missing name early on may be an echo of
 * an error that the next round fixes).
 */
static int select_tag(struct sources *s, const char *src, const char *name,
		      bool tell)
{
	struct tg_c_ident v;
	int err;

	err = tg_c_lookup(s->d, TG_C_NS_TAG, name, &v);
	if (err == -ENOENT) {
		if (tell)
			note(s, TG_SRC_NOTE_UNKNOWN_TAG, src, name);
		return 0;
	}
	if (err)
		return err;
	if (s->d->want && s->d->want[tg_c_decl(s->d, v.id)] >= TG_C_WANT_DEF)
		return 0;
	s->progress = true;
	return tg_c_select_id(s->d, v.id, TG_C_WANT_DEF);
}

/* Select every tag @r's program names and does not define itself. */
static int select_named_tags(struct sources *s, struct src_run *r)
{
	struct tag_list l = {};
	char *text, name[256];
	size_t i;
	int err;

	text = read_all(r->log);
	if (!text)
		return -errno ?: -EIO;
	err = scan_tokens(s, text, &l);
	for (i = 0; i < l.cnt && !err; i++) {
		if (l.refs[i].defined || l.refs[i].len >= sizeof(name))
			continue;
		memcpy(name, l.refs[i].name, l.refs[i].len);
		name[l.refs[i].len] = '\0';
		err = select_tag(s, r->path, name, true);
	}
	free(l.refs);
	free(text);
	return err;
}

/* ------------------------------------------------------------------------
 * What the compiler misses
 */

/* The first 'quoted' word after @p, copied into @buf. */
static bool quoted(const char *p, const char *eol, char *buf, size_t size)
{
	const char *q = memchr(p, '\'', eol - p), *e;

	if (!q || !(e = memchr(q + 1, '\'', eol - q - 1)) ||
	    (size_t)(e - q - 1) >= size)
		return false;
	memcpy(buf, q + 1, e - q - 1);
	buf[e - q - 1] = '\0';
	return true;
}

/* Every 'struct X', 'union X', 'enum X' on an error about incomplete types. */
static int fix_incomplete(struct sources *s, const char *src, const char *p,
			  const char *eol, bool tell)
{
	static const char *const kws[] = { "'struct ", "'union ", "'enum " };
	char name[256];
	size_t i;
	int err;

	for (i = 0; i < sizeof(kws) / sizeof(kws[0]); i++) {
		const char *q = p;

		while ((q = memmem(q, eol - q, kws[i], strlen(kws[i])))) {
			const char *n = q + strlen(kws[i]), *e = n;

			while (e < eol && ident_char(*e))
				e++;
			q = e;
			if (e == n || *e != '\'' || (size_t)(e - n) >= sizeof(name))
				continue;
			memcpy(name, n, e - n);
			name[e - n] = '\0';
			if ((err = select_tag(s, src, name, tell)))
				return err;
		}
	}
	return 0;
}

/* A typedef, enumerator or kfunc the program uses by name. */
static int fix_ident(struct sources *s, const char *src, const char *name,
		     bool tell)
{
	struct tg_c_ident v;
	int err;

	err = tg_c_lookup(s->d, TG_C_NS_IDENT, name, &v);
	if (err == -ENOENT) {
		if (tell)
			note(s, TG_SRC_NOTE_UNKNOWN_NAME, src, name);
		return 0;
	}
	if (err)
		return err;
	s->progress = true;
	if (v.kfunc)
		return tg_c_select_kfunc(s->d, v.kfunc - 1);
	return tg_c_select_id(s->d, v.id, TG_C_WANT_DEF);
}

static const char *const ident_errors[] = {
	"unknown type name '",
	"use of undeclared identifier '",
	"call to undeclared function '",
	"implicit declaration of function '",
};

/*
 * One line of diagnostics: select what an error misses. Returns 1 for an
 * error that is not about the header (the program is wrong whatever the
 * types), 0 for any other line, or a negative error.
 */
static int fix_error(struct sources *s, const char *src, const char *line,
		     const char *eol, bool tell)
{
	const char *msg = memmem(line, eol - line, "error: ", 7);
	char name[256];
	size_t i;

	if (!msg)
		return 0;
	msg += 7;
	if (memmem(msg, eol - msg, "incomplete", 10))
		return fix_incomplete(s, src, msg, eol, tell);
	for (i = 0; i < sizeof(ident_errors) / sizeof(ident_errors[0]); i++) {
		size_t n = strlen(ident_errors[i]);

		if ((size_t)(eol - msg) > n && !memcmp(msg, ident_errors[i], n) &&
		    quoted(msg, eol, name, sizeof(name)))
			return fix_ident(s, src, name, tell);
	}
	return 1;
}

/*
 * Go through @r's diagnostics selecting what the errors miss; when @tell,
 * also tell the names the kernel lacks and the errors not about types.
 */
static int scan_errors(struct sources *s, struct src_run *r, bool tell)
{
	char *text = read_all(r->log), *p, *eol;
	int err = 0;

	if (!text)
		return -errno ?: -EIO;
	for (p = text; *p && err >= 0; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		err = fix_error(s, r->path, p, eol, tell);
		if (err > 0 && tell) {
			char *line = strndup(p, eol - p);

			if (!line) {
				err = -ENOMEM;
				break;
			}
			note(s, TG_SRC_NOTE_COMPILER, r->path, line);
			free(line);
		}
	}
	free(text);
	return err < 0 ? err : 0;
}

/* ------------------------------------------------------------------------
 * The rounds
 */

static int write_header(struct sources *s)
{
	FILE *f = fopen(s->hdr, "we");
	int err;

	if (!f)
		return -errno;
	err = tg_c_dumper__dump(s->d, f);
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

/* Preprocess every program against an empty header; select its tags. */
static int first_round(struct sources *s, int *statuses)
{
	static const char *const mode[] = { "-E", "-o", "-" };
	size_t i;
	int err;

	err = write_header(s);
	if (!err)
		err = run_all(s, mode, 3, statuses);
	for (i = 0; i < s->cnt && !err; i++) {
		if (statuses[i]) {
			/* the compiler's errors are the user's to see */
			err = scan_errors(s, &s->runs[i], true);
			if (!err)
				err = -TG_ERRNO__COMPILE;
			break;
		}
		err = select_named_tags(s, &s->runs[i]);
	}
	return err;
}

/* Compile every program; 1 if all did, 0 to go on, or an error. */
static int compile_round(struct sources *s, int *statuses)
{
	static const char *const mode[] = {
		"-fsyntax-only", "-ferror-limit=0", "-fno-color-diagnostics",
		"-fno-caret-diagnostics", "-fno-diagnostics-fixit-info",
	};
	bool all_ok = true;
	int err;
	size_t i;

	err = write_header(s);
	if (!err)
		err = run_all(s, mode, sizeof(mode) / sizeof(mode[0]),
			      statuses);
	if (err)
		return err;
	s->progress = false;
	for (i = 0; i < s->cnt; i++) {
		s->runs[i].ok = statuses[i] == 0;
		if (s->runs[i].ok)
			continue;
		all_ok = false;
		if ((err = scan_errors(s, &s->runs[i], false)))
			return err;
	}
	if (all_ok)
		return 1;
	if (s->progress)
		return 0;
	/* nothing left to add: the errors are the program's */
	for (i = 0; i < s->cnt; i++)
		if (!s->runs[i].ok && (err = scan_errors(s, &s->runs[i], true)))
			return err;
	return s->unknown ? -TG_ERRNO__UNKNOWN : -TG_ERRNO__COMPILE;
}

static int find_clang(struct sources *s)
{
	static const char *const names[] = { "clang-19", "clang" };
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";
	char buf[4096];
	size_t i;

	s->clang = TG_OPTS_GET(s->opts, clang, NULL);
	if (s->clang)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = path;

		while (*p) {
			size_t n = strcspn(p, ":");

			if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p,
				     names[i]) < (int)sizeof(buf) &&
			    !access(buf, X_OK)) {
				s->clang = names[i];
				return 0;
			}
			p += n + (p[n] == ':');
		}
	}
	return -TG_ERRNO__NOCLANG;
}

static int setup(struct sources *s, const char *const *srcs, size_t cnt)
{
	size_t i;
	int err;

	for (i = 0; i < cnt; i++)
		if (access(srcs[i], R_OK))
			return -errno;
	if ((err = find_clang(s)))
		return err;
	/* what the program sees as vmlinux.h, where temporary files go */
	if (snprintf(s->dir, sizeof(s->dir), "%s/typegen-for.XXXXXX",
		     getenv("TMPDIR") ?: "/tmp") >= (int)sizeof(s->dir))
		return -ENAMETOOLONG;
	if (!mkdtemp(s->dir)) {
		s->dir[0] = '\0';
		return -errno;
	}
	snprintf(s->hdr, sizeof(s->hdr), "%s/vmlinux.h", s->dir);
	s->runs = calloc(cnt, sizeof(*s->runs));
	if (!s->runs)
		return -ENOMEM;
	s->cnt = cnt;
	for (i = 0; i < cnt; i++) {
		s->runs[i].path = srcs[i];
		if (asprintf(&s->runs[i].log, "%s/%zu.log", s->dir, i) < 0) {
			s->runs[i].log = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static void cleanup(struct sources *s)
{
	size_t i;

	for (i = 0; i < s->cnt; i++) {
		if (s->runs[i].log)
			unlink(s->runs[i].log);
		free(s->runs[i].log);
	}
	free(s->runs);
	if (s->dir[0]) {
		unlink(s->hdr);
		rmdir(s->dir);
	}
}

int tg_c_dumper__select_sources(struct tg_c_dumper *d,
				const char *const *srcs, size_t cnt,
				const struct tg_src_opts *opts)
{
	struct sources s = { .d = d, .opts = opts };
	unsigned int round, rounds;
	int *statuses = NULL;
	int err;

	if (!d || !srcs || !cnt || !TG_OPTS_VALID(opts, tg_src_opts))
		return -EINVAL;
	rounds = TG_OPTS_GET(opts, max_rounds, 0) ?: DEFAULT_ROUNDS;
	/* an empty selection is a header of no types, not the whole one */
	err = tg_c_select_start(d);
	if (!err)
		err = setup(&s, srcs, cnt);
	if (!err && !(statuses = calloc(cnt, sizeof(*statuses))))
		err = -ENOMEM;
	if (!err)
		err = first_round(&s, statuses);
	for (round = 0; !err && round < rounds; round++) {
		err = compile_round(&s, statuses);
		if (err == 1) {
			err = s.unknown ? -TG_ERRNO__UNKNOWN : 0;
			break;
		}
	}
	if (!err && round == rounds)
		err = -TG_ERRNO__COMPILE;
	free(statuses);
	cleanup(&s);
	return err;
}
