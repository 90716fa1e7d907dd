// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The types BPF programs use, found with the compiler that builds them.
 *
 * Reading the C source alone cannot tell which types a program needs:
 * BPF_CORE_READ(task, mm, pgd) names no struct mm_struct, yet needs its
 * definition. Each compiler run costs a tenth of a second before it reads
 * a line (clang loads and relocates libLLVM), so runs are what --for
 * spends and it makes as few as it can:
 *
 *  1. The program is preprocessed (its own flags, so libbpf's macros
 *     count) against an empty header. Its own lines give the tags it
 *     names, the typedefs, enumerators and kfuncs it uses, and the member
 *     names it reaches with -> and . (BPF_CORE_READ's chains included).
 *  2. Those are selected, and then, with no compiler, every pointer member
 *     of a defined struct whose name the program uses has its target
 *     defined, until nothing changes: task->mm->exe_file defines mm_struct
 *     and file. Extra definitions cost nothing but lines: a subset of the
 *     whole header that compiles gives the same code.
 *  3. The program is compiled against the selection (-fsyntax-only). That
 *     proves it, and each error about a missing type, typedef, enumerator
 *     or kfunc the kernel has adds it and compiles again (rarely needed).
 *
 * The header is never on disk: it is a memfd, and a clang VFS overlay
 * shows it as vmlinux.h in a directory of its own (first in the include
 * path) and in place of any other vmlinux.h the program would include
 * (#include "vmlinux.h" looks beside the including file first, where the
 * last run's output often is). So an interrupted run leaves nothing behind,
 * and the header proven is the one the program sees.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "emit_c.h"

#define DEFAULT_ROUNDS 16
#define DEFAULT_TIMEOUT 60	/* seconds, per round */
/* Where the include path finds the header: nothing on disk. */
#define HDR_DIR "/.typegen-for"
#define HDR_NAME "vmlinux.h"
/* The child's descriptors for the header and the overlay. */
#define CHILD_HDR_FD 3
#define CHILD_OV_FD 4
/* and for the files the program reads (-MF), in the direct cache's run */
#define CHILD_DEP_FD 5
#define CHILD_DEP_PATH "/dev/fd/5"
/* Preprocessing again for a vmlinux.h found late: at most this often. */
#define MAX_SHADOW_PASSES 4

extern char **environ;

struct src_run {
	const char *path;
	int out_fd, err_fd;	/* memfds: the compiler's stdout and stderr */
	int dep_fd;		/* memfd: its -MF list, or -1 */
	pid_t pid;
	int pidfd;		/* to wait with a timeout; -1 without */
	bool ok;		/* compiled without errors, last round */
};

/* Names as (pointer, length) into a text, in a small hash set. */
struct name_set {
	struct { const char *p; size_t len; } *slots;
	size_t cnt, mask;
};

/* A vmlinux.h the program would include instead of the header. */
struct shadow {
	char *path;		/* absolute */
	const char *src;	/* the program that includes it, or NULL */
};

struct sources {
	struct tg_c_dumper *d;
	const struct tg_src_opts *opts;
	const char *clang;
	int hdr_fd, ov_fd;	/* memfds: the header, the VFS overlay */
	struct shadow *shadows;
	size_t shadow_cnt;
	bool new_shadow;	/* a vmlinux.h not yet overlaid was included */
	struct src_run *runs;
	size_t cnt;
	struct name_set members;	/* used after -> and . */
	char clang_path[PATH_MAX];	/* found in PATH */
	char clang_id[PATH_MAX + 64];	/* its path, size and mtime */
	char *cache;		/* the cache file for these programs, or NULL */
	bool cached;		/* the selection came from it */
	unsigned int timeout;
	bool unknown;		/* a name the kernel lacks was told */
	bool progress;		/* this round selected something new */
	char *direct;		/* the direct cache's file, or NULL */
	char *manifest;		/* what a hit of it must find again */
	FILE *notes;		/* the notes told, for a hit to tell again */
	char *notes_buf;
	size_t notes_len;
};

static void keep_note(struct sources *s, enum tg_src_note_kind kind,
		      const char *src, const char *text);
static int find_clang(struct sources *s);

static void note(struct sources *s, enum tg_src_note_kind kind,
		 const char *src, const char *text)
{
	tg_src_note_fn fn = TG_OPTS_GET(s->opts, note, NULL);

	/* a tag used through pointers only may be missing, and the program
	 * still compiles (bpf_core_type_exists() of a newer kernel's type) */
	if (kind == TG_SRC_NOTE_UNKNOWN_NAME)
		s->unknown = true;
	keep_note(s, kind, src, text);
	if (fn)
		fn(TG_OPTS_GET(s->opts, note_ctx, NULL), kind, src, text);
}

static void notef(struct sources *s, enum tg_src_note_kind kind,
		  const char *src, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void notef(struct sources *s, enum tg_src_note_kind kind,
		  const char *src, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	note(s, kind, src, buf);
}

/* ------------------------------------------------------------------------
 * Names
 */

static __u32 hash_mem(const char *p, size_t len)
{
	__u32 h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

static int set_add(struct name_set *set, const char *p, size_t len)
{
	size_t i;

	if (set->cnt * 2 >= set->mask) {
		struct name_set n = { .mask = set->mask ? set->mask * 2 + 1 : 255 };

		n.slots = calloc(n.mask + 1, sizeof(*n.slots));
		if (!n.slots)
			return -ENOMEM;
		for (i = 0; set->slots && i <= set->mask; i++)
			if (set->slots[i].p && set_add(&n, set->slots[i].p,
						       set->slots[i].len))
				return -ENOMEM;
		free(set->slots);
		*set = n;
	}
	for (i = hash_mem(p, len) & set->mask; set->slots[i].p;
	     i = (i + 1) & set->mask)
		if (set->slots[i].len == len && !memcmp(set->slots[i].p, p, len))
			return 0;
	set->slots[i].p = p;
	set->slots[i].len = len;
	set->cnt++;
	return 0;
}

static bool set_has(const struct name_set *set, const char *name)
{
	size_t len = strlen(name), i;

	if (!set->cnt)
		return false;
	for (i = hash_mem(name, len) & set->mask; set->slots[i].p;
	     i = (i + 1) & set->mask)
		if (set->slots[i].len == len &&
		    !memcmp(set->slots[i].p, name, len))
			return true;
	return false;
}

/* ------------------------------------------------------------------------
 * Memory files
 */

/* A memfd at descriptor 10 or above: the child's 3 and 4 stay free. */
static int mem_file(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC), hi;

	if (fd < 0)
		return -errno;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd);
	return hi < 0 ? -errno : hi;
}

static int mem_reset(int fd)
{
	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}

/* What @fd holds, NUL-terminated (malloc'ed), or NULL with errno set. */
static char *mem_read(int fd)
{
	struct stat st;
	ssize_t n;
	char *buf;

	if (fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	if (!buf)
		return NULL;
	n = pread(fd, buf, st.st_size, 0);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* @mem_fd emptied and opened for writing, on a descriptor of its own. */
static int rewrite_mem(int mem_fd, FILE **fp)
{
	int err, fd;

	if ((err = mem_reset(mem_fd)))
		return err;
	fd = dup(mem_fd);
	if (fd < 0)
		return -errno;
	*fp = fdopen(fd, "w");
	if (!*fp) {
		err = -errno;
		close(fd);
		return err;
	}
	return 0;
}

static int write_header(struct sources *s)
{
	FILE *f;
	int err;

	if ((err = rewrite_mem(s->hdr_fd, &f)))
		return err;
	err = tg_c_dumper__dump(s->d, f);
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

/* @str as a JSON string (the overlay is YAML, of which JSON is a part). */
static void json_str(FILE *f, const char *str)
{
	fputc('"', f);
	for (; *str; str++) {
		if (*str == '"' || *str == '\\')
			fputc('\\', f);
		if ((unsigned char)*str < 0x20)
			fprintf(f, "\\u%04x", *str);
		else
			fputc(*str, f);
	}
	fputc('"', f);
}

static void overlay_dir(FILE *f, const char *dir, size_t len, bool first)
{
	char *d = strndup(dir, len);

	fputs(first ? "\n{\"type\":\"directory\",\"name\":" :
		      ",\n{\"type\":\"directory\",\"name\":", f);
	json_str(f, d ? d : "/");
	fprintf(f, ",\"contents\":[{\"type\":\"file\",\"name\":\"" HDR_NAME
		"\",\"external-contents\":\"/dev/fd/%d\"}]}", CHILD_HDR_FD);
	free(d);
}

/*
 * The overlay: the header as HDR_DIR/vmlinux.h and in place of every
 * vmlinux.h found to shadow it. Names as looked up (not /dev/fd/3) so
 * that line markers and diagnostics say which file was included.
 */
static int write_overlay(struct sources *s)
{
	FILE *f;
	size_t i;
	int err;

	if ((err = rewrite_mem(s->ov_fd, &f)))
		return err;
	fputs("{\"version\":0,\"case-sensitive\":\"true\","
	      "\"use-external-names\":false,\"roots\":[", f);
	overlay_dir(f, HDR_DIR, strlen(HDR_DIR), true);
	for (i = 0; i < s->shadow_cnt; i++)
		overlay_dir(f, s->shadows[i].path,
			    strrchr(s->shadows[i].path, '/') - s->shadows[i].path,
			    false);
	fputs("]}\n", f);
	return fclose(f) ? -EIO : 0;
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

/* clang -target bpf -ivfsoverlay OV -I HDR_DIR FLAGS... @mode... SRC */
static int spawn_clang(struct sources *s, struct src_run *r,
		       const char *const *mode, size_t mode_cnt)
{
	const char *const *f = TG_OPTS_GET(s->opts, cflags, NULL);
	size_t i, n = TG_OPTS_GET(s->opts, cflag_cnt, 0), k = 0;
	char ov[32];
	pid_t parent;
	const char **argv;
	int err;

	if ((err = mem_reset(r->out_fd)) || (err = mem_reset(r->err_fd)) ||
	    (r->dep_fd >= 0 && (err = mem_reset(r->dep_fd))))
		return err;
	argv = calloc(n + mode_cnt + 10, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	snprintf(ov, sizeof(ov), "/dev/fd/%d", CHILD_OV_FD);
	argv[k++] = s->clang;
	if (!has_target(s->opts)) {
		argv[k++] = "-target";
		argv[k++] = "bpf";
	}
	argv[k++] = "-ivfsoverlay";
	argv[k++] = ov;
	/* before the caller's -I: the selection, not a whole vmlinux.h */
	argv[k++] = "-I";
	argv[k++] = HDR_DIR;
	for (i = 0; f && i < n; i++)
		argv[k++] = f[i];
	for (i = 0; i < mode_cnt; i++)
		argv[k++] = mode[i];
	argv[k++] = r->path;
	argv[k] = NULL;

	parent = getpid();
	r->pid = fork();
	if (r->pid < 0) {
		err = -errno;
		r->pid = 0;
		free(argv);
		return err;
	}
	if (!r->pid) {
		int null = open("/dev/null", O_RDONLY);

		/*
		 * Killed with typegen: a compiler blocked on a FIFO is
		 * stopped by the timeout, or by this once typegen is gone.
		 * The memfds are above 9: no dup2() overwrites another's.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent ||
		    null < 0 || dup2(null, 0) < 0 || dup2(r->out_fd, 1) < 0 ||
		    dup2(r->err_fd, 2) < 0 ||
		    dup2(s->hdr_fd, CHILD_HDR_FD) < 0 ||
		    dup2(s->ov_fd, CHILD_OV_FD) < 0 ||
		    (r->dep_fd >= 0 && dup2(r->dep_fd, CHILD_DEP_FD) < 0))
			_exit(126);
		execve(s->clang_path, (char **)argv, environ);
		_exit(127);
	}
	free(argv);
	r->pidfd = syscall(SYS_pidfd_open, r->pid, 0);
	return 0;
}

static long ms_until(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/*
 * Wait for @r until @deadline; a compiler still running then is killed
 * (a FIFO or a device among the files it reads blocks it for ever).
 */
static int wait_run(struct src_run *r, const struct timespec *deadline,
		    int *status)
{
	int err = 0, st;

	if (r->pidfd >= 0) {
		struct pollfd p = { .fd = r->pidfd, .events = POLLIN };
		long ms;
		int n;

		do {
			ms = ms_until(deadline);
			n = poll(&p, 1, ms > 0 ? (ms > INT_MAX ? INT_MAX : ms) : 0);
		} while (n < 0 && errno == EINTR);
		if (n == 0) {
			kill(r->pid, SIGKILL);
			err = -TG_ERRNO__TIMEOUT;
		}
		close(r->pidfd);
		r->pidfd = -1;
	}
	while (waitpid(r->pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	r->pid = 0;
	if (err)
		return err;
	/* the child reports exec failures as exit 127 */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -TG_ERRNO__NOCLANG;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return 0;
}

/* Every program at once, @mode... added: both cores work. */
static int run_all(struct sources *s, const char *const *mode,
		   size_t mode_cnt, int *statuses)
{
	struct timespec deadline;
	int err = 0, werr;
	size_t i;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += s->timeout;
	for (i = 0; i < s->cnt && !err; i++)
		err = spawn_clang(s, &s->runs[i], mode, mode_cnt);
	for (i = 0; i < s->cnt; i++) {
		statuses[i] = -1;
		if (!s->runs[i].pid)
			continue;
		werr = wait_run(&s->runs[i], &deadline, &statuses[i]);
		if (werr == -TG_ERRNO__TIMEOUT)
			notef(s, TG_SRC_NOTE_NOT_KERNEL, s->runs[i].path,
			      "the compiler was stopped after %u s (does the program include a FIFO or a device?)",
			      s->timeout);
		if (!err)
			err = werr;
	}
	return err;
}

/* ------------------------------------------------------------------------
 * What a preprocessed program names
 */

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

/* The file name of a line marker (# LINE "FILE" FLAGS), into @buf. */
static bool marker_file(const char *p, const char *eol, char *buf,
			size_t size)
{
	const char *q = memchr(p, '"', eol - p), *e;

	if (!q || !(e = memchr(q + 1, '"', eol - q - 1)) ||
	    (size_t)(e - q - 1) >= size)
		return false;
	memcpy(buf, q + 1, e - q - 1);
	buf[e - q - 1] = '\0';
	return true;
}

/*
 * Flag 3 of a line marker marks a system header: what libbpf's headers
 * declare for themselves is not the program's use (their macros are, and
 * expand in the program's own lines).
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

/* Add @path (absolute) to the shadows, told as included by @src. */
static int add_shadow(struct sources *s, char *path, const char *src)
{
	struct shadow *n;
	size_t i;

	for (i = 0; i < s->shadow_cnt; i++) {
		if (!strcmp(s->shadows[i].path, path)) {
			if (src && !s->shadows[i].src)
				s->shadows[i].src = src;
			free(path);
			return 0;
		}
	}
	n = realloc(s->shadows, (s->shadow_cnt + 1) * sizeof(*n));
	if (!n) {
		free(path);
		return -ENOMEM;
	}
	s->shadows = n;
	n[s->shadow_cnt].path = path;
	n[s->shadow_cnt++].src = src;
	return 0;
}

/* "DIR/vmlinux.h" with DIR made absolute, or NULL. */
static char *abs_header(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir, *real, *out = NULL;

	dir = slash ? strndup(file, slash - file + (slash == file)) :
		      strdup(".");
	if (!dir)
		return NULL;
	real = realpath(dir, NULL);
	if (real && asprintf(&out, "%s/" HDR_NAME,
			     strcmp(real, "/") ? real : "") < 0)
		out = NULL;
	free(real);
	free(dir);
	return out;
}

/*
 * A line marker: the vmlinux.h included, if it is not the header. What
 * follows is in a vmlinux.h (@in_hdr) or not: another one's types are not
 * the program's use.
 */
static int check_marker(struct sources *s, struct src_run *r, const char *p,
			const char *eol, bool *in_hdr)
{
	char file[PATH_MAX], *abs;
	const char *base;
	size_t i, n;

	*in_hdr = false;
	if (!marker_file(p, eol, file, sizeof(file)))
		return 0;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if (strcmp(base, HDR_NAME))
		return 0;
	*in_hdr = true;
	if (!strcmp(file, HDR_DIR "/" HDR_NAME))
		return 0;
	abs = abs_header(file);
	if (!abs)
		return 0;
	n = s->shadow_cnt;
	for (i = 0; i < n; i++)
		if (!strcmp(s->shadows[i].path, abs))
			break;
	if (i == n)
		s->new_shadow = true;
	return add_shadow(s, abs, r->path);
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

static int fix_ident(struct sources *s, const char *src, const char *name,
		     bool tell);

/* An identifier of the program's own lines: a typedef, enumerator, kfunc? */
static int select_ident(struct sources *s, const char *src, const char *name,
			size_t len)
{
	char buf[256];

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return fix_ident(s, src, buf, false);
}

struct tag_ref {
	const char *name;	/* in the preprocessed text */
	size_t len;
	bool defined;		/* the program defines it: struct foo { */
	bool declared;		/* or declares it: struct foo; */
};

struct tag_list {
	struct tag_ref *refs;
	size_t cnt, cap;
};

static int add_tag(struct tag_list *l, const char *name, size_t len,
		   char next)
{
	bool defined = next == '{', declared = next == ';';
	size_t i;

	for (i = 0; i < l->cnt; i++) {
		if (l->refs[i].len == len && !memcmp(l->refs[i].name, name, len)) {
			l->refs[i].defined |= defined;
			l->refs[i].declared |= declared;
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
	l->refs[l->cnt].declared = declared;
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

enum prev_tok {
	PREV_OTHER,
	PREV_TAG_KW,	/* struct, union, enum */
	PREV_MEMBER_OP,	/* -> or . */
};

static enum prev_tok keyword(const char *p, size_t len)
{
	if ((len == 6 && !memcmp(p, "struct", 6)) ||
	    (len == 5 && !memcmp(p, "union", 5)) ||
	    (len == 4 && !memcmp(p, "enum", 4)))
		return PREV_TAG_KW;
	return PREV_OTHER;
}

/*
 * Go through @r's preprocessed text @text: "struct NAME", "union NAME",
 * "enum NAME" of the program's own lines into @l; member names after ->
 * and . into s->members; other identifiers of its lines selected if the
 * kernel has them (typedefs, enumerators, kfuncs); and every typedef of
 * the kernel's named anywhere, selected: a typedef clang does not know
 * makes it misparse a declaration (libbpf's "static __wsum (* const
 * bpf_csum_diff)(...)" becomes a function returning a function) rather
 * than say which name it missed. Line markers tell which vmlinux.h each
 * program includes.
 */
static int scan_tokens(struct sources *s, struct src_run *r,
		       const char *text, struct tag_list *l)
{
	enum prev_tok prev = PREV_OTHER;
	const char *p = text;
	bool sys = false, bol = true, in_hdr = false;
	int err;

	while (*p) {
		if (bol && *p == '#') {
			const char *eol = strchrnul(p, '\n');

			sys = marker_is_system(p, eol);
			if ((err = check_marker(s, r, p, eol, &in_hdr)))
				return err;
			p = eol;
			prev = PREV_OTHER;
			continue;
		}
		bol = *p == '\n';
		if (*p == '"' || *p == '\'') {
			p = skip_literal(p);
			prev = PREV_OTHER;
		} else if (ident_start(*p)) {
			const char *start = p;
			size_t len;

			while (ident_char(*p))
				p++;
			len = p - start;
			if (in_hdr) {
				err = 0;
			} else if (sys) {
				err = prev == PREV_OTHER ?
				      select_typedef(s, start, len) : 0;
			} else if (prev == PREV_TAG_KW) {
				err = add_tag(l, start, len, *skip_space(p));
			} else if (prev == PREV_MEMBER_OP) {
				err = set_add(&s->members, start, len);
			} else if (keyword(start, len) == PREV_OTHER) {
				err = select_ident(s, r->path, start, len);
			} else {
				err = 0;
			}
			if (err)
				return err;
			prev = keyword(start, len);
		} else if (ident_char(*p)) {
			while (ident_char(*p) || *p == '.')
				p++;	/* a number */
			prev = PREV_OTHER;
		} else if (*p == '-' && p[1] == '>') {
			prev = PREV_MEMBER_OP;
			p += 2;
		} else if (*p == '.' && p[1] != '.') {
			prev = PREV_MEMBER_OP;
			p++;
		} else {
			if (*p != ' ' && *p != '\t' && *p != '\n')
				prev = PREV_OTHER;
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

/* Select every tag @l names that its program does not define itself. */
static int select_named_tags(struct sources *s, struct src_run *r,
			     const struct tag_list *l)
{
	char name[256];
	size_t i;
	int err = 0;

	for (i = 0; i < l->cnt && !err; i++) {
		if (l->refs[i].defined || l->refs[i].len >= sizeof(name))
			continue;
		memcpy(name, l->refs[i].name, l->refs[i].len);
		name[l->refs[i].len] = '\0';
		/*
		 * "struct foo;" declares what the header may define (libbpf's
		 * headers do, for their prototypes), or a tag of the
		 * program's own: missing, it is not worth a word
		 */
		err = select_tag(s, r->path, name, !l->refs[i].declared);
	}
	return err;
}

/* ------------------------------------------------------------------------
 * The cache: an unchanged program costs one preprocessing run
 *
 * The selection depends on the kernel's types, the compiler and its flags,
 * and the programs' preprocessed text (which holds every header they
 * include and every macro): with all of those the same, it is the one
 * proven before. It is kept in @cache_dir under a hash of them all, as the
 * decls and kfuncs selected, and read back only if every entry fits the
 * dumper; a file that does not is ignored (and replaced).
 */

#define CACHE_MAGIC "typegen-for 1\n"

struct hash128 {
	__u64 a, b;
};

static __u64 mix64(__u64 h, __u64 v)
{
	h ^= v * 0x9e3779b97f4a7c15ull;
	h = (h << 31 | h >> 33) * 0xc2b2ae3d27d4eb4full;
	return h ^ (h >> 29);
}

static void hash_bytes(struct hash128 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	__u64 v;

	h->a = mix64(h->a, len);
	h->b = mix64(h->b, ~(__u64)len);
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&v, p, 8);
		h->a = mix64(h->a, v);
		h->b = mix64(h->b ^ 0x165667b19e3779f9ull, v);
	}
	v = 0;
	memcpy(&v, p, len);
	h->a = mix64(h->a, v);
	h->b = mix64(h->b, v + 1);
}

static void hash_btf(struct hash128 *h, const struct btf *btf)
{
	const void *raw;
	__u32 size;

	for (; btf; btf = btf__base_btf(btf)) {
		raw = btf__raw_data(btf, &size);
		if (raw)
			hash_bytes(h, raw, size);
	}
}

/* The cache file for @texts, the programs' preprocessed text. */
static int cache_path(struct sources *s, char **texts)
{
	const char *dir = TG_OPTS_GET(s->opts, cache_dir, NULL);
	const char *const *f = TG_OPTS_GET(s->opts, cflags, NULL);
	size_t i, n = TG_OPTS_GET(s->opts, cflag_cnt, 0);
	struct hash128 h = { 1, 2 };

	if (!dir || !*dir)
		return 0;
	hash_bytes(&h, CACHE_MAGIC, strlen(CACHE_MAGIC));
	hash_btf(&h, s->d->btf);
	hash_bytes(&h, s->clang_id, strlen(s->clang_id));
	for (i = 0; f && i < n; i++)
		hash_bytes(&h, f[i], strlen(f[i]) + 1);
	hash_bytes(&h, &s->d->pointee_full, sizeof(s->d->pointee_full));
	for (i = 0; i < s->cnt; i++)
		hash_bytes(&h, texts[i], strlen(texts[i]));
	if (asprintf(&s->cache, "%s/%016llx%016llx.for", dir,
		     (unsigned long long)h.a, (unsigned long long)h.b) < 0) {
		s->cache = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Add the cached selection, if there is one that fits; 1 if there was. */
static int cache_load(struct sources *s)
{
	struct tg_c_dumper *d = s->d;
	char *text, *p, *eol, kind;
	unsigned long idx, want;
	int fd, err = 0;

	if (!s->cache)
		return 0;
	fd = open(s->cache, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	text = mem_read(fd);
	close(fd);
	if (!text || strncmp(text, CACHE_MAGIC, strlen(CACHE_MAGIC))) {
		free(text);
		return 0;
	}
	/* check it all before selecting anything */
	for (int pass = 0; pass < 2 && !err; pass++) {
		for (p = text + strlen(CACHE_MAGIC); *p && !err; p = eol + 1) {
			eol = strchrnul(p, '\n');
			want = 0;
			if (!*eol || sscanf(p, "%c %lu %lu", &kind, &idx, &want) < 2 ||
			    (kind == 'd' && (idx < 1 || idx > d->decl_cnt ||
					     want < TG_C_WANT_DECLARE ||
					     want > TG_C_WANT_DEF)) ||
			    (kind == 'k' && idx >= d->kfunc_cnt) ||
			    (kind != 'd' && kind != 'k')) {
				err = 1;
				break;
			}
			if (!pass)
				continue;
			err = kind == 'd' ?
			      tg_c_select_id(d, d->decls[idx - 1], want) :
			      tg_c_select_kfunc(d, idx);
		}
	}
	free(text);
	if (err > 0)
		return 0;
	return err ? err : 1;
}

static int write_selection(FILE *f, void *ctx)
{
	struct tg_c_dumper *d = ctx;
	__u32 i;

	fputs(CACHE_MAGIC, f);
	for (i = 1; i <= d->decl_cnt; i++)
		if (d->want[i])
			fprintf(f, "d %u %u\n", i, d->want[i]);
	for (i = 0; i < d->kfunc_cnt; i++)
		if (d->kfunc_want[i])
			fprintf(f, "k %u\n", i);
	return 0;
}

static void make_cache_dir(const char *dir)
{
	if (mkdir(dir, 0700) && errno == ENOENT) {
		char *parent = strdup(dir), *slash;

		/* one level up: $XDG_CACHE_HOME itself may not exist yet */
		if (parent && (slash = strrchr(parent, '/')) && slash != parent) {
			*slash = '\0';
			mkdir(parent, 0700);
			mkdir(dir, 0700);
		}
		free(parent);
	}
}

/* Keep the proven selection; a cache that cannot be written is no error. */
static void cache_store(struct sources *s)
{
	if (!s->cache || s->cached)
		return;
	make_cache_dir(TG_OPTS_GET(s->opts, cache_dir, NULL));
	tg_write_file_atomic(s->cache, write_selection, s->d);
}

/* ------------------------------------------------------------------------
 * The direct cache: an unchanged program costs no compiler run
 *
 * Preprocessing costs a compiler's start and libbpf's headers, loading the
 * kernel's types another while; as ccache's direct mode does, a hit needs
 * neither. The header proven is kept whole, under a hash of what the
 * caller says it depends on (its options, its input files' content), the
 * compiler, the flags, the working directory and the programs' own text,
 * with a manifest: each file the preprocessor read (-MD) with a hash of its
 * content, and for each directory it could search (-v, and each including
 * file's own) whether each name it included is there. A hit finds all of
 * it as it was: a header changed, a new one earlier in the include path,
 * another -D, compiler or kernel, each misses and goes the long way. A
 * vmlinux.h counts by its existence only: it is overlaid by the header.
 * Not seen: a __has_include() of a file that was not there.
 */

#define DIRECT_MAGIC "typegen-for-direct 1\n"

/* Strings, each once. */
struct strs {
	char **v;
	size_t cnt;
	struct name_set set;
};

/* Add @len bytes of @p unless there; 1 if added. */
static int strs_add(struct strs *l, const char *p, size_t len)
{
	char *copy = strndup(p, len), **v;

	if (!copy)
		return -ENOMEM;
	if (set_has(&l->set, copy)) {
		free(copy);
		return 0;
	}
	v = realloc(l->v, (l->cnt + 1) * sizeof(*v));
	if (!v || set_add(&l->set, copy, len)) {
		free(v ?: l->v);
		l->v = NULL;
		l->cnt = 0;
		free(copy);
		return -ENOMEM;
	}
	l->v = v;
	l->v[l->cnt++] = copy;
	return 1;
}

static void strs_free(struct strs *l)
{
	size_t i;

	for (i = 0; i < l->cnt; i++)
		free(l->v[i]);
	free(l->v);
	free(l->set.slots);
}

/*
 * @path's content into @h: 0, -ENOENT, or another error (not a file). It
 * is read, not mapped: the kernel's file is hashed too, and a file cut
 * short under a mapping would kill the process with SIGBUS.
 */
#define HASH_CHUNK (1 << 20)
static int hash_file(struct hash128 *h, const char *path)
{
	struct stat st;
	ssize_t n;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc(HASH_CHUNK);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	/* chunk by chunk, each mixed in with its length; the last is short */
	do {
		n = tg_pread_full(fd, buf, HASH_CHUNK, -1);
		if (n >= 0)
			hash_bytes(h, buf, n);
	} while (n == HASH_CHUNK);
	free(buf);
	close(fd);
	return n < 0 ? n : 0;
}

static void hash_str(struct hash128 *h, const char *str)
{
	str = str ?: "";
	hash_bytes(h, str, strlen(str) + 1);
}

/* s->direct: the entry for @srcs; left NULL if an input cannot be read. */
static int direct_path(struct sources *s, const char *const *srcs, size_t cnt)
{
	const char *const *files = TG_OPTS_GET(s->opts, key_files, NULL);
	const char *const *f = TG_OPTS_GET(s->opts, cflags, NULL);
	size_t i, n = TG_OPTS_GET(s->opts, cflag_cnt, 0);
	struct hash128 h = { 3, 4 };
	char cwd[PATH_MAX];

	hash_str(&h, DIRECT_MAGIC);
	hash_str(&h, TG_OPTS_GET(s->opts, direct_key, NULL));
	for (i = 0; i < TG_OPTS_GET(s->opts, key_file_cnt, 0); i++) {
		hash_str(&h, files[i]);
		if (hash_file(&h, files[i]))
			return 0;
	}
	hash_str(&h, s->clang_id);
	for (i = 0; f && i < n; i++)
		hash_str(&h, f[i]);
	/* where relative paths lead, and the compiler's own search path */
	hash_str(&h, getcwd(cwd, sizeof(cwd)));
	hash_str(&h, getenv("CPATH"));
	hash_str(&h, getenv("C_INCLUDE_PATH"));
	for (i = 0; i < cnt; i++) {
		hash_str(&h, srcs[i]);
		if (hash_file(&h, srcs[i]))
			return 0;
	}
	if (asprintf(&s->direct, "%s/%016llx%016llx.direct",
		     TG_OPTS_GET(s->opts, cache_dir, NULL),
		     (unsigned long long)h.a, (unsigned long long)h.b) < 0) {
		s->direct = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The files of a -MF list (make's syntax: "\ " a space, "$$" a $). */
static int parse_deps(const char *p, struct strs *deps)
{
	char *tok = malloc(strlen(p) + 1);
	bool target = true;
	size_t n;
	int err = 0;

	if (!tok)
		return -ENOMEM;
	while (*p && err >= 0) {
		if (*p == ' ' || *p == '\t' || *p == '\n' ||
		    (*p == '\\' && p[1] == '\n')) {
			p += *p == '\\' ? 2 : 1;
			continue;
		}
		for (n = 0; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
			if (*p == '\\' && (p[1] == ' ' || p[1] == '#'))
				p++;
			else if (*p == '\\' && p[1] == '\n')
				break;
			else if (*p == '$' && p[1] == '$')
				p++;
			tok[n++] = *p;
		}
		/* the first word is the target, "-:" */
		if (!target)
			err = strs_add(deps, tok, n);
		target = false;
	}
	free(tok);
	return err < 0 ? err : 0;
}

/* The directories -v says it searches, or would if they were there. */
static int parse_search(const char *p, struct strs *dirs)
{
	static const char missing[] = "ignoring nonexistent directory \"";
	bool in = false;
	const char *eol, *e;
	int err = 0;

	for (; *p && err >= 0; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		if (!strncmp(p, "#include ", 9) &&
		    memmem(p, eol - p, "search starts here:", 19)) {
			in = true;
		} else if (!strncmp(p, "End of search list.", 19)) {
			in = false;
		} else if (in && *p == ' ' && eol > p + 1) {
			e = memmem(p, eol - p, " (", 2);
			err = strs_add(dirs, p + 1, (e ?: eol) - p - 1);
		} else if (!strncmp(p, missing, strlen(missing)) &&
			   (e = memchr(p + strlen(missing), '"',
				       eol - p - strlen(missing)))) {
			err = strs_add(dirs, p + strlen(missing),
				       e - p - strlen(missing));
		}
	}
	return err < 0 ? err : 0;
}

static bool is_vmlinux_h(const char *path)
{
	const char *base = strrchr(path, '/');

	return !strcmp(base ? base + 1 : path, HDR_NAME);
}

static bool is_output(const char *path, const char *output);

/*
 * A vmlinux.h that is the file the header is written to, which the
 * program may include (it is overlaid, and no shadow), is told as such:
 * "w PATH" holds while it is still the output, written or not (else the
 * first run, writing beside the program, would make the next one miss).
 */
static bool is_written(FILE *f, const char *path, const char *output)
{
	char *abs;
	bool same;

	if (!output || !is_vmlinux_h(path) || !(abs = abs_header(path)))
		return false;
	same = is_output(abs, output);
	if (same)
		fprintf(f, "w %s\n", abs);
	free(abs);
	return same;
}

/* Each dependency as "f HASH PATH" (or "e 0 PATH" if gone); 1 if one can't be. */
static int manifest_files(FILE *f, const struct strs *deps,
			  const char *output)
{
	struct hash128 h;
	size_t i;
	int err;

	for (i = 0; i < deps->cnt; i++) {
		const char *dep = deps->v[i];

		if (strchr(dep, '\n'))
			return 1;
		if (is_written(f, dep, output))
			continue;
		/* the header, whatever the file holds */
		if (is_vmlinux_h(dep)) {
			fprintf(f, "e %d %s\n", !access(dep, F_OK), dep);
			continue;
		}
		h = (struct hash128){ 5, 6 };
		err = hash_file(&h, dep);
		if (err == -ENOENT)
			fprintf(f, "e 0 %s\n", dep);
		else if (err)
			return 1;
		else
			fprintf(f, "f %016llx%016llx %s\n",
				(unsigned long long)h.a,
				(unsigned long long)h.b, dep);
	}
	return 0;
}

/*
 * Whether each name included is in each directory searched: "e 0|1 PATH".
 * Names are the dependencies' paths below a directory searched.
 */
static int manifest_probes(FILE *f, const struct strs *deps,
			   const struct strs *dirs, const char *output)
{
	struct strs rels = {}, probes = {};
	bool unsure = false;
	size_t i, j, len;
	char *path;
	int err = 0;

	for (i = 0; i < deps->cnt && err >= 0; i++) {
		for (j = 0; j < dirs->cnt && err >= 0; j++) {
			len = strlen(dirs->v[j]);
			if (!strncmp(deps->v[i], dirs->v[j], len) &&
			    deps->v[i][len] == '/')
				err = strs_add(&rels, deps->v[i] + len + 1,
					       strlen(deps->v[i] + len + 1));
		}
	}
	for (i = 0; i < dirs->cnt && err >= 0; i++) {
		for (j = 0; j < rels.cnt && err >= 0; j++) {
			if (asprintf(&path, "%s/%s", dirs->v[i], rels.v[j]) < 0) {
				err = -ENOMEM;
				break;
			}
			if (strchr(path, '\n'))
				unsure = true;
			else if (!set_has(&deps->set, path) &&
				 !is_written(f, path, output) &&
				 (err = strs_add(&probes, path, strlen(path))) > 0)
				fprintf(f, "e %d %s\n", !access(path, F_OK), path);
			free(path);
		}
	}
	strs_free(&rels);
	strs_free(&probes);
	return err < 0 ? err : unsure;
}

/*
 * What the preprocessing runs read, from their -MF lists and -v output:
 * into s->manifest, or left NULL if it cannot be told.
 */
static int direct_manifest(struct sources *s)
{
	struct strs deps = {}, dirs = {};
	char *text, *buf = NULL;
	size_t i, j, len;
	int err = 0;
	FILE *f;

	for (i = 0; i < s->cnt && !err; i++) {
		err = strs_add(&deps, s->runs[i].path, strlen(s->runs[i].path));
		if (err < 0)
			break;
		if (!(text = mem_read(s->runs[i].dep_fd)))
			return -errno ?: -EIO;
		err = parse_deps(text, &deps);
		free(text);
		if (err)
			break;
		if (!(text = mem_read(s->runs[i].err_fd)))
			return -errno ?: -EIO;
		err = parse_search(text, &dirs);
		free(text);
	}
	/* "x.h" is looked for beside the file including it first */
	for (j = 0; j < deps.cnt && err >= 0; j++) {
		const char *slash = strrchr(deps.v[j], '/');

		err = slash ? strs_add(&dirs, deps.v[j], slash - deps.v[j]) :
			      strs_add(&dirs, ".", 1);
	}
	if (err >= 0 && (f = open_memstream(&buf, &len))) {
		const char *output = TG_OPTS_GET(s->opts, header, NULL);

		err = manifest_files(f, &deps, output);
		if (!err)
			err = manifest_probes(f, &deps, &dirs, output);
		if (fclose(f) && !err)
			err = -ENOMEM;
		if (!err) {
			s->manifest = buf;
			buf = NULL;
		}
		free(buf);
	} else if (err >= 0) {
		err = -ENOMEM;
	}
	strs_free(&deps);
	strs_free(&dirs);
	return err > 0 ? 0 : err;
}

/* A note, to be told again by a hit: "n KIND PROGRAM TEXT". */
static void keep_note(struct sources *s, enum tg_src_note_kind kind,
		      const char *src, const char *text)
{
	size_t i;

	if (!s->notes)
		return;
	for (i = 0; i < s->cnt && s->runs[i].path != src; i++)
		;
	if (strchr(text, '\n')) {
		/* cannot be kept: no entry */
		fclose(s->notes);
		s->notes = NULL;
		free(s->notes_buf);
		s->notes_buf = NULL;
		return;
	}
	fprintf(s->notes, "n %d %zd %s\n", kind, i < s->cnt ? (ssize_t)i : -1,
		text);
}

struct direct_entry {
	const struct sources *s;
	const char *header;
};

static int write_direct(FILE *f, void *ctx)
{
	const struct direct_entry *e = ctx;

	fputs(DIRECT_MAGIC, f);
	fputs(e->s->manifest, f);
	fwrite(e->s->notes_buf, 1, e->s->notes_len, f);
	fputs("h\n", f);
	fputs(e->header, f);
	return 0;
}

/* Keep the header proven, for a hit to write with no compiler run. */
static void direct_store(struct sources *s)
{
	struct direct_entry e = { .s = s };
	char *header;

	if (!s->direct || !s->manifest || !s->notes || fflush(s->notes) ||
	    write_header(s))
		return;
	header = mem_read(s->hdr_fd);
	if (!header)
		return;
	e.header = header;
	make_cache_dir(TG_OPTS_GET(s->opts, cache_dir, NULL));
	tg_write_file_atomic(s->direct, write_direct, &e);
	free(header);
}

/* Does every line of the manifest @p (up to "h") hold now? */
static bool manifest_holds(const char *p, const char *output,
			   const char **header)
{
	char path[PATH_MAX + 2], want[40];
	struct hash128 h;
	const char *eol;
	int exists;

	for (; *p; p = eol + 1) {
		eol = strchrnul(p, '\n');
		if (!*eol)
			return false;
		if (!strncmp(p, "h\n", 2)) {
			*header = eol + 1;
			return true;
		}
		if (*p == 'n')
			continue;
		if ((size_t)(eol - p) >= sizeof(path))
			return false;
		if (*p == 'w' && sscanf(p, "w %4096[^\n]", path) == 1) {
			if (!output || !is_output(path, output))
				return false;
		} else if (*p == 'e' &&
			   sscanf(p, "e %d %4096[^\n]", &exists, path) == 2) {
			if ((access(path, F_OK) == 0) != (exists != 0))
				return false;
		} else if (*p == 'f' &&
			   sscanf(p, "f %32s %4096[^\n]", want, path) == 2) {
			char got[40];

			h = (struct hash128){ 5, 6 };
			if (hash_file(&h, path))
				return false;
			snprintf(got, sizeof(got), "%016llx%016llx",
				 (unsigned long long)h.a,
				 (unsigned long long)h.b);
			if (strcmp(got, want))
				return false;
		} else {
			return false;
		}
	}
	return false;
}

/* Tell the notes the entry @p kept, as the run that made it told them. */
static void replay_notes(const char *p, const char *end,
			 const char *const *srcs, size_t cnt,
			 const struct tg_src_opts *opts)
{
	tg_src_note_fn fn = TG_OPTS_GET(opts, note, NULL);
	const char *eol;
	char *text;
	int kind, off;
	long idx;

	for (; fn && p < end; p = eol + 1) {
		eol = strchrnul(p, '\n');
		if (*p != 'n' || sscanf(p, "n %d %ld %n", &kind, &idx, &off) != 2 ||
		    p + off > eol || !(text = strndup(p + off, eol - p - off)))
			continue;
		fn(TG_OPTS_GET(opts, note_ctx, NULL), kind,
		   idx >= 0 && (size_t)idx < cnt ? srcs[idx] : NULL, text);
		free(text);
	}
}

int tg_src_cache__lookup(const char *const *srcs, size_t cnt,
			 const struct tg_src_opts *opts, char **header,
			 size_t *len)
{
	struct sources s = { .opts = opts, .hdr_fd = -1, .ov_fd = -1 };
	const char *hdr = NULL;
	char *text = NULL;
	int fd, err;

	if (!srcs || !cnt || !header || !len || !TG_OPTS_VALID(opts, tg_src_opts))
		return -EINVAL;
	*header = NULL;
	*len = 0;
	if (!TG_OPTS_GET(opts, direct_key, NULL) ||
	    !TG_OPTS_GET(opts, cache_dir, NULL) || find_clang(&s))
		return 0;
	err = direct_path(&s, srcs, cnt);
	if (err || !s.direct)
		goto out;
	fd = open(s.direct, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		goto out;
	text = mem_read(fd);
	close(fd);
	if (!text || strncmp(text, DIRECT_MAGIC, strlen(DIRECT_MAGIC)) ||
	    !manifest_holds(text + strlen(DIRECT_MAGIC),
			    TG_OPTS_GET(opts, header, NULL), &hdr))
		goto out;
	*len = strlen(hdr);
	*header = strdup(hdr);
	if (!*header) {
		err = -ENOMEM;
		goto out;
	}
	replay_notes(text + strlen(DIRECT_MAGIC), hdr, srcs, cnt, opts);
	err = 1;
out:
	free(text);
	free(s.direct);
	return err;
}

/* ------------------------------------------------------------------------
 * Member chains, without the compiler
 */

/* The struct or union @id points to (through arrays and pointers), or 0. */
static __u32 pointee_composite(struct tg_c_dumper *d, __u32 id)
{
	const struct btf_type *t;
	bool ptr = false;
	int depth;

	for (depth = 0; depth < TG_C_MAX_DEPTH; depth++) {
		id = tg_c_skip_mods_typedefs(d, id);
		t = tg_c_type(d, id);
		if (!t)
			return 0;
		if (btf_is_ptr(t)) {
			ptr = true;
			id = t->type;
		} else if (btf_is_array(t)) {
			id = btf_array(t)->type;
		} else {
			break;
		}
	}
	if (!ptr || !t)
		return 0;
	if (btf_is_fwd(t))
		id = tg_c_fwd_alias(d, id);
	t = tg_c_type(d, id);
	return t && btf_is_composite(t) && tg_c_decl(d, id) ? id : 0;
}

/*
 * Define what the pointer members of @id that the program names point to;
 * anonymous members are written inline, so theirs too.
 */
static int follow_members(struct sources *s, __u32 id, int depth)
{
	struct tg_c_dumper *d = s->d;
	const struct btf_type *t = tg_c_type(d, id);
	const struct btf_member *m;
	__u32 i, target;
	int err;

	if (!t || !btf_is_composite(t) || depth > TG_C_MAX_DEPTH)
		return 0;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++) {
		const char *name = tg_c_str(d, m[i].name_off);

		if (!name || !*name) {
			__u32 in = tg_c_skip_mods_typedefs(d, m[i].type);
			const struct btf_type *it = tg_c_type(d, in);

			if (it && btf_is_composite(it) && !*tg_c_name(d, it) &&
			    (err = follow_members(s, in, depth + 1)))
				return err;
			continue;
		}
		if (!set_has(&s->members, name))
			continue;
		target = pointee_composite(d, m[i].type);
		if (!target || d->want[tg_c_decl(d, target)] >= TG_C_WANT_DEF)
			continue;
		if ((err = tg_c_select_id(d, target, TG_C_WANT_DEF)))
			return err;
		s->progress = true;
	}
	return 0;
}

/* Follow the named members of every defined struct until nothing is new. */
static int close_members(struct sources *s)
{
	struct tg_c_dumper *d = s->d;
	unsigned int pass;
	__u32 i;
	int err;

	for (pass = 0; pass < TG_C_MAX_DEPTH; pass++) {
		if ((err = tg_c_plan_steps(d)))
			return err;
		s->progress = false;
		for (i = 0; i < d->step_cnt; i++) {
			__u32 id = d->steps[i].id;
			const struct btf_type *t = tg_c_type(d, id);

			if (d->steps[i].fwd)
				continue;
			/* typedef struct { ... } foo_t: its body is inline */
			if (btf_is_typedef(t)) {
				id = tg_c_skip_mods_typedefs(d, id);
				t = tg_c_type(d, id);
				if (!t || *tg_c_name(d, t))
					continue;
			}
			if ((err = follow_members(s, id, 0)))
				return err;
		}
		if (!s->progress)
			return 0;
	}
	return 0;
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
	if (v.kfunc) {
		if (s->d->kfunc_want[v.kfunc - 1])
			return 0;
		s->progress = true;
		return tg_c_select_kfunc(s->d, v.kfunc - 1);
	}
	if (s->d->want[tg_c_decl(s->d, v.id)] >= TG_C_WANT_DEF)
		return 0;
	s->progress = true;
	return tg_c_select_id(s->d, v.id, TG_C_WANT_DEF);
}

enum miss_kind {
	MISS_NONE,	/* an error not about a missing name */
	MISS_NAME,	/* a type, typedef or value */
	MISS_CALL,	/* a function called but not declared */
	MISS_TAG,	/* an incomplete struct, union or enum */
};

static const struct {
	const char *text;
	enum miss_kind kind;
} ident_errors[] = {
	{ "unknown type name '", MISS_NAME },
	{ "use of undeclared identifier '", MISS_NAME },
	{ "call to undeclared function '", MISS_CALL },
	{ "implicit declaration of function '", MISS_CALL },
};

/* What the error on @line misses, its name into @name. */
static enum miss_kind error_kind(const char *line, const char *eol,
				 const char **msg, char *name, size_t size)
{
	size_t i, n;

	*msg = memmem(line, eol - line, "error: ", 7);
	if (!*msg)
		return MISS_NONE;
	*msg += 7;
	if (memmem(*msg, eol - *msg, "incomplete", 10))
		return MISS_TAG;
	for (i = 0; i < sizeof(ident_errors) / sizeof(ident_errors[0]); i++) {
		n = strlen(ident_errors[i].text);
		if ((size_t)(eol - *msg) > n &&
		    !memcmp(*msg, ident_errors[i].text, n) &&
		    quoted(*msg, eol, name, size))
			return ident_errors[i].kind;
	}
	return MISS_NONE;
}

/* Go through @r's diagnostics selecting what the errors miss. */
static int fix_errors(struct sources *s, struct src_run *r)
{
	char *text = mem_read(r->err_fd), *p, *eol, name[256];
	const char *msg;
	int err = 0;

	if (!text)
		return -errno ?: -EIO;
	for (p = text; *p && !err; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		switch (error_kind(p, eol, &msg, name, sizeof(name))) {
		case MISS_TAG:
			err = fix_incomplete(s, r->path, msg, eol, false);
			break;
		case MISS_NAME:
		case MISS_CALL:
			err = fix_ident(s, r->path, name, false);
			break;
		case MISS_NONE:
			break;
		}
	}
	free(text);
	return err;
}

static bool is_libbpf_name(const char *name)
{
	return !strncmp(name, "bpf_", 4) || !strncmp(name, "BPF_", 4);
}

/*
 * @r does not compile and nothing more can be added: tell why. The
 * compiler's first error is shown; when it is about names the kernel
 * lacks, each is told, but when it is not (a macro the installed libbpf
 * headers lack leaves a parse error first, and its parameters then look
 * undeclared) the kernel's types are not blamed.
 */
static int explain_failure(struct sources *s, struct src_run *r)
{
	char *text = mem_read(r->err_fd), *p, *eol, *first = NULL, name[256];
	enum miss_kind first_kind = MISS_NONE, k;
	const char *msg;
	int err = -TG_ERRNO__COMPILE;

	if (!text)
		return -errno ?: -EIO;
	for (p = text; *p; p = *eol ? eol + 1 : eol) {
		eol = strchrnul(p, '\n');
		k = error_kind(p, eol, &msg, name, sizeof(name));
		if (!msg)
			continue;
		if (!first) {
			first = strndup(p, eol - p);
			if (!first) {
				free(text);
				return -ENOMEM;
			}
			note(s, TG_SRC_NOTE_COMPILER, r->path, first);
			first_kind = k;
			if (k == MISS_CALL || (k == MISS_NAME && is_libbpf_name(name))) {
				notef(s, TG_SRC_NOTE_NOT_KERNEL, r->path,
				      "'%s' is neither in the kernel's types nor declared by the headers the program includes%s",
				      name, is_libbpf_name(name) ?
				      ": a libbpf name, are the installed libbpf headers (<bpf/*.h>) older than the program needs?" :
				      " (a function, or a macro, that no header defines)");
				break;
			}
			if (k == MISS_NONE || k == MISS_TAG) {
				note(s, TG_SRC_NOTE_NOT_KERNEL, r->path,
				     "the compiler's first error is not about a kernel type: the program does not compile whatever the header (a macro or declaration the included headers lack?)");
				break;
			}
		}
		/* the first error misses a name: tell each name missed */
		if (k == MISS_NAME)
			fix_ident(s, r->path, name, true);
	}
	if (first_kind == MISS_NAME && s->unknown)
		err = -TG_ERRNO__UNKNOWN;
	free(first);
	free(text);
	return err;
}

/* ------------------------------------------------------------------------
 * The rounds
 */

/* Is the vmlinux.h at @path the file the header is written to? */
static bool is_output(const char *path, const char *output)
{
	struct stat a, b;
	char *o;
	bool same;

	if (!stat(path, &a) && !stat(output, &b))
		return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	/* not written yet: the same name in the same directory */
	o = abs_header(output);
	same = o && !strcmp(strrchr(output, '/') ? strrchr(output, '/') + 1 :
			    output, HDR_NAME) && !strcmp(o, path);
	free(o);
	return same;
}

/*
 * A vmlinux.h the program includes beside itself (or beside a header of
 * its own) hides the one in the include path. The rounds see the selection
 * there anyway (the overlay); the real build sees the file, so it had
 * better be the one written.
 */
static int check_shadows(struct sources *s)
{
	const char *output = TG_OPTS_GET(s->opts, header, NULL);
	int err = 0;
	size_t i;

	for (i = 0; i < s->shadow_cnt; i++) {
		if (!s->shadows[i].src ||
		    (output && is_output(s->shadows[i].path, output)))
			continue;
		note(s, TG_SRC_NOTE_SHADOW, s->shadows[i].src,
		     s->shadows[i].path);
		if (output)
			err = -TG_ERRNO__SHADOW;
	}
	return err;
}

/* A vmlinux.h beside a program: overlaid before the first run. */
static int find_siblings(struct sources *s)
{
	struct stat st;
	size_t i;
	char *h;
	int err;

	for (i = 0; i < s->cnt; i++) {
		h = abs_header(s->runs[i].path);
		if (!h)
			return -ENOMEM;
		if (stat(h, &st)) {
			free(h);
			continue;
		}
		if ((err = add_shadow(s, h, NULL)))
			return err;
	}
	return 0;
}

/*
 * Preprocess every program against an empty header and select what it
 * names; again if it turns out to include a vmlinux.h not yet overlaid.
 */
static int first_round(struct sources *s, int *statuses)
{
	static const char *const mode[] = {
		"-E", "-o", "-", "-v", "-MD", "-MF", CHILD_DEP_PATH,
	};
	unsigned int pass;
	struct tag_list *tags;
	size_t i;
	int err;

	tags = calloc(s->cnt, sizeof(*tags));
	if (!tags)
		return -ENOMEM;
	err = write_header(s);
	for (pass = 0; !err && pass < MAX_SHADOW_PASSES; pass++) {
		char **texts = calloc(s->cnt, sizeof(*texts));

		if (!texts) {
			err = -ENOMEM;
			break;
		}
		s->new_shadow = false;
		err = write_overlay(s);
		if (!err)
			err = run_all(s, mode, s->direct ? 7 : 3, statuses);
		for (i = 0; i < s->cnt && !err; i++) {
			if (statuses[i]) {
				err = explain_failure(s, &s->runs[i]);
				break;
			}
			free(tags[i].refs);
			tags[i] = (struct tag_list){};
			texts[i] = mem_read(s->runs[i].out_fd);
			if (!texts[i])
				err = -errno ?: -EIO;
			else
				err = scan_tokens(s, &s->runs[i], texts[i],
						  &tags[i]);
		}
		/* the tags point into the texts: select before freeing */
		if (!err && !s->new_shadow)
			err = check_shadows(s);
		for (i = 0; i < s->cnt && !err && !s->new_shadow; i++)
			err = select_named_tags(s, &s->runs[i], &tags[i]);
		if (!err && !s->new_shadow)
			err = cache_path(s, texts);
		if (!err && !s->new_shadow && (err = cache_load(s)) == 1) {
			s->cached = true;
			err = 0;
		} else if (!err && !s->new_shadow) {
			err = close_members(s);
		}
		for (i = 0; i < s->cnt; i++)
			free(texts[i]);
		free(texts);
		/* member names pointed into the texts too */
		free(s->members.slots);
		s->members = (struct name_set){};
		if (!s->new_shadow)
			break;
	}
	for (i = 0; i < s->cnt; i++)
		free(tags[i].refs);
	free(tags);
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
		if ((err = fix_errors(s, &s->runs[i])))
			return err;
	}
	if (all_ok)
		return 1;
	if (s->progress)
		return 0;
	/* nothing left to add: the errors are the program's */
	for (i = 0; i < s->cnt; i++) {
		if (s->runs[i].ok)
			continue;
		err = explain_failure(s, &s->runs[i]);
		if (err != -TG_ERRNO__COMPILE && err != -TG_ERRNO__UNKNOWN)
			return err;
	}
	return s->unknown ? -TG_ERRNO__UNKNOWN : -TG_ERRNO__COMPILE;
}

/* Which compiler @buf is, for the cache: another one may select otherwise. */
static void clang_identity(struct sources *s, const char *path)
{
	struct stat st;
	char *real = realpath(path, NULL);

	if (real && !stat(real, &st))
		snprintf(s->clang_id, sizeof(s->clang_id), "%s %lld %lld.%09ld",
			 real, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec);
	else
		snprintf(s->clang_id, sizeof(s->clang_id), "%s", path);
	free(real);
}

/* @name in PATH (or as given, with a slash) into @buf; false if not. */
static bool in_path(const char *name, char *buf, size_t size)
{
	const char *p = getenv("PATH") ?: "/usr/bin:/bin";

	if (strchr(name, '/')) {
		snprintf(buf, size, "%s", name);
		return !access(buf, X_OK);
	}
	while (*p) {
		size_t n = strcspn(p, ":");

		if (snprintf(buf, size, "%.*s/%s", (int)n, p, name) <
		    (int)size && !access(buf, X_OK))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static int find_clang(struct sources *s)
{
	static const char *const names[] = { "clang-19", "clang" };
	char buf[PATH_MAX];
	size_t i;

	s->clang = TG_OPTS_GET(s->opts, clang, NULL);
	for (i = 0; !s->clang && i < sizeof(names) / sizeof(names[0]); i++)
		if (in_path(names[i], buf, sizeof(buf)))
			s->clang = names[i];
	if (!s->clang || !in_path(s->clang, buf, sizeof(buf)))
		return -TG_ERRNO__NOCLANG;
	snprintf(s->clang_path, sizeof(s->clang_path), "%s", buf);
	clang_identity(s, buf);
	return 0;
}

static int setup(struct sources *s, const char *const *srcs, size_t cnt)
{
	struct stat st;
	size_t i;
	int err;

	for (i = 0; i < cnt; i++) {
		if (stat(srcs[i], &st) || access(srcs[i], R_OK))
			return -errno;
		/* a FIFO would block the compiler before it says a word */
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -TG_ERRNO__NOTFILE;
	}
	if ((err = find_clang(s)))
		return err;
	s->timeout = TG_OPTS_GET(s->opts, timeout, 0) ?: DEFAULT_TIMEOUT;
	s->hdr_fd = mem_file("typegen-for-vmlinux.h");
	s->ov_fd = mem_file("typegen-for-overlay");
	if (s->hdr_fd < 0 || s->ov_fd < 0)
		return s->hdr_fd < 0 ? s->hdr_fd : s->ov_fd;
	s->runs = calloc(cnt, sizeof(*s->runs));
	if (!s->runs)
		return -ENOMEM;
	s->cnt = cnt;
	for (i = 0; i < cnt; i++)
		s->runs[i].out_fd = s->runs[i].err_fd = s->runs[i].dep_fd = -1;
	if (TG_OPTS_GET(s->opts, direct_key, NULL) &&
	    TG_OPTS_GET(s->opts, cache_dir, NULL) &&
	    (err = direct_path(s, srcs, cnt)))
		return err;
	if (s->direct && !(s->notes = open_memstream(&s->notes_buf,
						     &s->notes_len)))
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		s->runs[i].path = srcs[i];
		s->runs[i].pidfd = -1;
		s->runs[i].dep_fd = s->direct ? mem_file("typegen-for-deps") : -1;
		if (s->direct && s->runs[i].dep_fd < 0)
			return s->runs[i].dep_fd;
		s->runs[i].out_fd = mem_file("typegen-for-out");
		s->runs[i].err_fd = mem_file("typegen-for-err");
		if (s->runs[i].out_fd < 0)
			return s->runs[i].out_fd;
		if (s->runs[i].err_fd < 0)
			return s->runs[i].err_fd;
	}
	return find_siblings(s);
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

static void cleanup(struct sources *s)
{
	size_t i;

	for (i = 0; s->runs && i < s->cnt; i++) {
		close_fd(s->runs[i].out_fd);
		close_fd(s->runs[i].err_fd);
		close_fd(s->runs[i].dep_fd);
	}
	if (s->notes)
		fclose(s->notes);
	free(s->notes_buf);
	free(s->manifest);
	free(s->direct);
	free(s->runs);
	for (i = 0; i < s->shadow_cnt; i++)
		free(s->shadows[i].path);
	free(s->shadows);
	free(s->members.slots);
	free(s->cache);
	close_fd(s->hdr_fd);
	close_fd(s->ov_fd);
}

int tg_c_dumper__select_sources(struct tg_c_dumper *d,
				const char *const *srcs, size_t cnt,
				const struct tg_src_opts *opts)
{
	struct sources s = { .d = d, .opts = opts, .hdr_fd = -1, .ov_fd = -1 };
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
	if (!err && s.direct)
		err = direct_manifest(&s);
	for (round = 0; !err && !s.cached && round < rounds; round++) {
		err = compile_round(&s, statuses);
		if (err == 1) {
			err = s.unknown ? -TG_ERRNO__UNKNOWN : 0;
			if (!err)
				cache_store(&s);
			break;
		}
	}
	if (!err && !s.cached && round == rounds)
		err = -TG_ERRNO__COMPILE;
	if (!err)
		direct_store(&s);
	free(statuses);
	cleanup(&s);
	return err;
}
