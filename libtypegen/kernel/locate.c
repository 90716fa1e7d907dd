// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Finding the running kernel's BTF with the rules redbpf users know: an
 * explicit path, else REDBPF_VMLINUX, else probing the usual places. When
 * probing for the running kernel, kernel images of another build (a stale
 * /boot/vmlinux) are told apart by their GNU build ID, as pahole does.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "kernel/kernel.h"

#define ENV_VMLINUX "REDBPF_VMLINUX"
#define ENV_SYSTEM "system"

/*
 * Probe paths; %1$s is the kernel release. The order is libbpf's, then
 * the boot image.
 */
#define RUNNING_BTF "/sys/kernel/btf/vmlinux"
static const char *const probe_fmts[] = {
	RUNNING_BTF,
	"/boot/vmlinux-%1$s",
	"/lib/modules/%1$s/vmlinux-%1$s",
	"/lib/modules/%1$s/build/vmlinux",
	"/usr/lib/modules/%1$s/kernel/vmlinux",
	"/usr/lib/debug/boot/vmlinux-%1$s",
	"/usr/lib/debug/boot/vmlinux-%1$s.debug",
	"/usr/lib/debug/lib/modules/%1$s/vmlinux",
	/* A compressed kernel image: costs a decompression, so last. */
	"/boot/vmlinuz-%1$s",
};
#define PROBE_CNT (sizeof(probe_fmts) / sizeof(probe_fmts[0]))

/* Where the running kernel gives its notes, build ID included. */
#define RUNNING_NOTES "/sys/kernel/notes"

struct tg_locator {
	enum tg_request request;
	char *request_path;
	char *release;
	/* Without trailing slashes, except "/" itself. */
	char *sysroot;
	struct tg_probe_step steps[PROBE_CNT];
	size_t step_cnt;
	/* Probing for the running kernel: check build IDs against these. */
	bool check_build_id;
	char *notes_path;	/* NULL: RUNNING_NOTES */
	/* tg_locate_opts.open_opts, without a base. */
	struct tg_open_opts open_opts;
	/* What the last tg_locator__load() returned, if there was one. */
	bool loaded;
	int load_err;
};

static void clear_steps(struct tg_locator *loc)
{
	size_t i;

	for (i = 0; i < loc->step_cnt; i++) {
		free((char *)loc->steps[i].path);
		free((char *)loc->steps[i].resolved);
	}
	loc->step_cnt = 0;
}

void tg_locator__free(struct tg_locator *loc)
{
	if (!loc)
		return;
	clear_steps(loc);
	free(loc->request_path);
	free(loc->release);
	free(loc->sysroot);
	free(loc->notes_path);
	free(loc);
}

static int decide_request(struct tg_locator *loc, const char *path,
			  bool no_env)
{
	const char *env = no_env ? NULL : getenv(ENV_VMLINUX);

	if (path) {
		loc->request = TG_REQUEST_PATH;
	} else if (!env) {
		loc->request = TG_REQUEST_SYSTEM;
	} else if (!*env) {
		loc->request = TG_REQUEST_ENV_EMPTY;
	} else if (strcmp(env, ENV_SYSTEM) == 0) {
		loc->request = TG_REQUEST_ENV_SYSTEM;
	} else {
		loc->request = TG_REQUEST_ENV_PATH;
		path = env;
	}
	if (path) {
		loc->request_path = strdup(path);
		if (!loc->request_path)
			return -ENOMEM;
	}
	return 0;
}

static int decide_release(struct tg_locator *loc, const char *release)
{
	struct utsname uts;

	if (!release) {
		if (uname(&uts))
			return -errno;
		release = uts.release;
	}
	loc->release = strdup(release);
	return loc->release ? 0 : -ENOMEM;
}

/* "/tmp/x//" -> "/tmp/x", so that joining with "/boot/..." is clean. */
static int decide_sysroot(struct tg_locator *loc, const char *sysroot)
{
	size_t len = strlen(sysroot);

	while (len > 1 && sysroot[len - 1] == '/')
		len--;
	loc->sysroot = strndup(sysroot, len);
	return loc->sysroot ? 0 : -ENOMEM;
}

int tg_locator__new(const struct tg_locate_opts *opts,
		    struct tg_locator **locp)
{
	const struct tg_open_opts *open_opts;
	const char *path, *release, *sysroot;
	struct tg_locator *loc;
	bool no_env;
	int err;

	if (!locp || !TG_OPTS_VALID(opts, tg_locate_opts))
		return -EINVAL;
	path = TG_OPTS_GET(opts, path, NULL);
	release = TG_OPTS_GET(opts, release, NULL);
	sysroot = TG_OPTS_GET(opts, sysroot, NULL) ?: "/";
	no_env = TG_OPTS_GET(opts, no_env, false);
	open_opts = TG_OPTS_GET(opts, open_opts, NULL);
	if (!TG_OPTS_VALID(open_opts, tg_open_opts))
		return -EINVAL;
	/* An empty string names no file; a release with '/' escapes paths. */
	if ((path && !*path) || (release && (!*release || strchr(release, '/'))) ||
	    !*sysroot)
		return -EINVAL;

	loc = calloc(1, sizeof(*loc));
	if (!loc)
		return -ENOMEM;
	err = decide_request(loc, path, no_env);
	if (!err)
		err = decide_release(loc, release);
	if (!err)
		err = decide_sysroot(loc, sysroot);
	loc->open_opts.sz = sizeof(loc->open_opts);
	loc->open_opts.max_size = TG_OPTS_GET(open_opts, max_size, 0);
	loc->open_opts.from_dwarf = TG_OPTS_GET(open_opts, from_dwarf, false);
	loc->open_opts.progress = TG_OPTS_GET(open_opts, progress, NULL);
	loc->open_opts.progress_ctx = TG_OPTS_GET(open_opts, progress_ctx, NULL);
	/* Only the running kernel's images can be checked against it. */
	loc->check_build_id = !release && !TG_OPTS_GET(opts, sysroot, NULL);
	if (err) {
		tg_locator__free(loc);
		return err;
	}
	*locp = loc;
	return 0;
}

/* Probe path @idx under the sysroot; *relp: the same under "/". */
static char *probe_path(const struct tg_locator *loc, size_t idx, char **relp)
{
	/* Under "/" the path is used as is, not as "//sys/...". */
	const char *root = strcmp(loc->sysroot, "/") == 0 ? "" : loc->sysroot;
	char *rel, *full;

	if (asprintf(&rel, probe_fmts[idx], loc->release) < 0)
		return NULL;
	if (asprintf(&full, "%s%s", root, rel) < 0) {
		free(rel);
		return NULL;
	}
	*relp = rel;
	return full;
}

int tg_resolve_in_root(const char *root, const char *rel, char **realp)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char link[64], buf[PATH_MAX];
	int rfd, fd, err = 0;
	ssize_t n;

	*realp = NULL;
	rfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return -errno;
	while (*rel == '/')
		rel++;
	fd = syscall(SYS_openat2, rfd, rel, &how, sizeof(how));
	if (fd < 0)
		err = -errno;
	close(rfd);
	if (err)
		return err;
	/* The kernel's own name for what it found: a path on this host. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	*realp = strndup(buf, n);
	return *realp ? 0 : -ENOMEM;
}

/*
 * Where @rel (a probe path under "/") is under a sysroot, its symlinks
 * resolved inside it; a kernel without openat2() (before 5.6) cannot
 * say, so a path that leads out of the root is refused there.
 */
static int resolve_candidate(const struct tg_locator *loc, const char *full,
			     const char *rel, char **realp)
{
	char *real, *host;
	size_t len;
	int err;

	*realp = NULL;
	if (!strcmp(loc->sysroot, "/"))
		return 0;
	err = tg_resolve_in_root(loc->sysroot, rel, &real);
	if (err == -ENOSYS) {
		real = realpath(full, NULL);
		if (!real)
			return errno == ENOENT ? 0 : -errno;
		len = strlen(loc->sysroot);
		if (strncmp(real, loc->sysroot, len) || real[len] != '/') {
			free(real);
			return -TG_ERRNO__OUTSIDE;
		}
	} else if (err) {
		/* ENOENT and the like: the plain path says it as well. */
		return err == -ENOMEM ? err : 0;
	}
	/* Said only where the host would have resolved it otherwise. */
	host = realpath(full, NULL);
	if (host && !strcmp(real, host)) {
		free(real);
		real = NULL;
	}
	free(host);
	*realp = real;
	return 0;
}

/*
 * Only regular files are read: a FIFO would hang the probe, a device
 * (/dev/zero) would never end. /sys files are regular ones.
 */
static int check_regular(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	return S_ISREG(st.st_mode) ? 0 : -TG_ERRNO__NOTFILE;
}

/*
 * /sys/kernel/btf/vmlinux holds the types of the kernel running here: no
 * candidate for another release, nor for a system under a sysroot.
 */
static int running_only(const struct tg_locator *loc)
{
	struct utsname uts;

	if (strcmp(loc->sysroot, "/"))
		return -TG_ERRNO__RUNNING;
	if (uname(&uts) || strcmp(uts.release, loc->release))
		return -TG_ERRNO__RUNNING;
	return 0;
}

size_t tg_notes_build_id(const void *notes, size_t size, bool swap,
			 unsigned char *id, size_t id_max)
{
	const unsigned char *p = notes;
	size_t pos = 0, name_sz, desc_sz, name_end;
	Elf32_Nhdr nh;

	/* Notes: a header, then name and descriptor, each 4-byte aligned. */
	while (size - pos >= sizeof(nh)) {
		memcpy(&nh, p + pos, sizeof(nh));
		if (swap) {
			nh.n_namesz = __builtin_bswap32(nh.n_namesz);
			nh.n_descsz = __builtin_bswap32(nh.n_descsz);
			nh.n_type = __builtin_bswap32(nh.n_type);
		}
		pos += sizeof(nh);
		name_sz = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		desc_sz = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		if (name_sz > size - pos || desc_sz > size - pos - name_sz)
			return 0;
		name_end = pos + name_sz;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(p + pos, "GNU", 4) && nh.n_descsz &&
		    nh.n_descsz <= id_max) {
			memcpy(id, p + name_end, nh.n_descsz);
			return nh.n_descsz;
		}
		pos = name_end + desc_sz;
	}
	return 0;
}

int tg_locator_set_notes(struct tg_locator *loc, const char *path)
{
	char *copy = strdup(path);

	if (!copy)
		return -ENOMEM;
	free(loc->notes_path);
	loc->notes_path = copy;
	loc->check_build_id = true;
	return 0;
}

/* The running kernel's build ID, or 0 bytes if it does not say. */
static size_t running_build_id(const struct tg_locator *loc,
			       unsigned char *id)
{
	unsigned char buf[4096];
	ssize_t n;
	int fd;

	fd = open(loc->notes_path ?: RUNNING_NOTES, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	return tg_notes_build_id(buf, n, false, id, TG_BUILD_ID_MAX);
}

/*
 * Load @path (which the step takes over, with @resolved: what is opened
 * when not NULL) and record the attempt; @err: a reason found before.
 */
static int try_candidate(struct tg_locator *loc, char *path, char *resolved,
			 int err, const unsigned char *want_id,
			 size_t want_sz, struct tg_btf **btfp)
{
	struct tg_probe_step *step = &loc->steps[loc->step_cnt++];
	const char *open_path = resolved ?: path;
	const unsigned char *id;
	size_t id_sz;

	step->path = path;
	step->resolved = resolved;
	step->err = err ?: check_regular(open_path);
	if (!step->err)
		step->err = tg_btf__open(open_path, &loc->open_opts, btfp);
	if (step->err || !want_sz)
		return step->err;
	id = tg_btf__build_id(*btfp, &id_sz);
	if (id && (id_sz != want_sz || memcmp(id, want_id, id_sz))) {
		tg_btf__free(*btfp);
		*btfp = NULL;
		step->err = -TG_ERRNO__STALE;
	}
	return step->err;
}

static int load_one(struct tg_locator *loc, struct tg_btf **btfp)
{
	char *path = strdup(loc->request_path);

	if (!path)
		return -ENOMEM;
	return try_candidate(loc, path, NULL, 0, NULL, 0, btfp);
}

static int probe(struct tg_locator *loc, struct tg_btf **btfp)
{
	unsigned char want[TG_BUILD_ID_MAX];
	size_t i, want_sz = 0;
	char *path, *rel, *real;
	int err;

	if (loc->check_build_id)
		want_sz = running_build_id(loc, want);
	for (i = 0; i < PROBE_CNT; i++) {
		path = probe_path(loc, i, &rel);
		if (!path)
			return -ENOMEM;
		err = strcmp(rel, RUNNING_BTF) ? 0 : running_only(loc);
		real = NULL;
		if (!err)
			err = resolve_candidate(loc, path, rel, &real);
		free(rel);
		if (err == -ENOMEM) {
			free(path);
			return err;
		}
		/*
		 * A candidate's own failure, even ENOMEM (a file too big to
		 * read), rejects that one only: the next may do.
		 */
		if (!try_candidate(loc, path, real, err, want, want_sz, btfp))
			return 0;
	}
	return -TG_ERRNO__NOTFOUND;
}

static int load(struct tg_locator *loc, struct tg_btf **btfp)
{
	switch (loc->request) {
	case TG_REQUEST_PATH:
	case TG_REQUEST_ENV_PATH:
		return load_one(loc, btfp);
	case TG_REQUEST_ENV_SYSTEM:
	case TG_REQUEST_SYSTEM:
		return probe(loc, btfp);
	case TG_REQUEST_ENV_EMPTY:
	default:
		return -TG_ERRNO__ENV_EMPTY;
	}
}

int tg_locator__load(struct tg_locator *loc, struct tg_btf **btfp)
{
	if (!loc || !btfp)
		return -EINVAL;
	clear_steps(loc);
	loc->load_err = load(loc, btfp);
	loc->loaded = true;
	return loc->load_err;
}

int tg_locator_load_err(const struct tg_locator *loc, int *errp)
{
	if (!loc->loaded)
		return -EINVAL;
	*errp = loc->load_err;
	return 0;
}

enum tg_request tg_locator__request(const struct tg_locator *loc)
{
	return loc->request;
}

const char *tg_locator__request_path(const struct tg_locator *loc)
{
	return loc->request_path;
}

const char *tg_locator__release(const struct tg_locator *loc)
{
	return loc->release;
}

const char *tg_locator__sysroot(const struct tg_locator *loc)
{
	return loc->sysroot;
}

size_t tg_locator__step_cnt(const struct tg_locator *loc)
{
	return loc->step_cnt;
}

const struct tg_probe_step *tg_locator__step(const struct tg_locator *loc,
					     size_t idx)
{
	return idx < loc->step_cnt ? &loc->steps[idx] : NULL;
}
