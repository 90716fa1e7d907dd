// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Finding the running kernel's BTF with the rules redbpf users know: an
 * explicit path, else REDBPF_VMLINUX, else probing the usual places.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include "internal.h"

#define ENV_VMLINUX "REDBPF_VMLINUX"
#define ENV_SYSTEM "system"

/* Probe paths; %1$s is the kernel release. The order is libbpf's. */
static const char *const probe_fmts[] = {
	"/sys/kernel/btf/vmlinux",
	"/boot/vmlinux-%1$s",
	"/lib/modules/%1$s/vmlinux-%1$s",
	"/lib/modules/%1$s/build/vmlinux",
	"/usr/lib/modules/%1$s/kernel/vmlinux",
	"/usr/lib/debug/boot/vmlinux-%1$s",
	"/usr/lib/debug/boot/vmlinux-%1$s.debug",
	"/usr/lib/debug/lib/modules/%1$s/vmlinux",
};
#define PROBE_CNT (sizeof(probe_fmts) / sizeof(probe_fmts[0]))

struct tg_locator {
	enum tg_request request;
	char *request_path;
	char *release;
	/* Without trailing slashes, except "/" itself. */
	char *sysroot;
	struct tg_probe_step steps[PROBE_CNT];
	size_t step_cnt;
};

static void clear_steps(struct tg_locator *loc)
{
	size_t i;

	for (i = 0; i < loc->step_cnt; i++)
		free((char *)loc->steps[i].path);
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
	if (err) {
		tg_locator__free(loc);
		return err;
	}
	*locp = loc;
	return 0;
}

static char *probe_path(const struct tg_locator *loc, size_t idx)
{
	/* Under "/" the path is used as is, not as "//sys/...". */
	const char *root = strcmp(loc->sysroot, "/") == 0 ? "" : loc->sysroot;
	char *rel, *full;

	if (asprintf(&rel, probe_fmts[idx], loc->release) < 0)
		return NULL;
	if (asprintf(&full, "%s%s", root, rel) < 0)
		full = NULL;
	free(rel);
	return full;
}

/* Load @path (which the step takes over) and record the attempt. */
static int try_candidate(struct tg_locator *loc, char *path,
			 struct tg_btf **btfp)
{
	struct tg_probe_step *step = &loc->steps[loc->step_cnt++];

	step->path = path;
	step->err = tg_btf__open(path, NULL, btfp);
	return step->err;
}

static int load_one(struct tg_locator *loc, struct tg_btf **btfp)
{
	char *path = strdup(loc->request_path);

	if (!path)
		return -ENOMEM;
	return try_candidate(loc, path, btfp);
}

static int probe(struct tg_locator *loc, struct tg_btf **btfp)
{
	size_t i;
	char *path;
	int err;

	for (i = 0; i < PROBE_CNT; i++) {
		path = probe_path(loc, i);
		if (!path)
			return -ENOMEM;
		err = try_candidate(loc, path, btfp);
		if (!err)
			return 0;
		/* Not a reason to reject the file: the machine is in trouble. */
		if (err == -ENOMEM)
			return err;
	}
	return -TG_ERRNO__NOTFOUND;
}

int tg_locator__load(struct tg_locator *loc, struct tg_btf **btfp)
{
	if (!loc || !btfp)
		return -EINVAL;
	clear_steps(loc);

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
