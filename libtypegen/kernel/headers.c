// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The headers method: where a kernel's headers are (the trees redbpf users
 * point KERNEL_SOURCE and KERNEL_VERSION at, or /lib/modules/<release>) and
 * the flags that compile a BPF program against them.
 *
 * Distributions split a kernel's headers in two: the source tree
 * (Debian's linux-headers-<ver>-common, /lib/modules/<ver>/source) and the
 * build tree with the configuration and the generated headers
 * (linux-headers-<ver>-<flavour>, /lib/modules/<ver>/build). A kernel
 * built in place has both in one directory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "kernel/kernel.h"

/* What each tree must hold to count as one. */
#define SRC_MARK	"include/linux/kconfig.h"
#define BUILD_MARK	"include/generated/uapi/linux/version.h"
#define CONFIG_MARK	"include/generated/autoconf.h"

static char *join(const char *dir, const char *rel)
{
	char *p;

	return asprintf(&p, "%s/%s", dir, rel) < 0 ? NULL : p;
}

/* 0 if @dir/@rel exists (@rel may be NULL), else -errno. */
static int probe(const char *dir, const char *rel, char **pathp)
{
	struct stat st;
	char *path = rel ? join(dir, rel) : strdup(dir);

	*pathp = path;
	if (!path)
		return -ENOMEM;
	return stat(path, &st) ? -errno : 0;
}

/*
 * Check @dir/@rel and record the check as @what. Returns 0 if it exists,
 * 1 if not, or -ENOMEM.
 */
static int check(struct tg_trail *t, const char *what, const char *dir,
		 const char *rel)
{
	char *path;
	int err = probe(dir, rel, &path);

	if (err == -ENOMEM)
		return err;
	err = tg_trail_add(t, TG_METHOD_HEADERS, what, path, err);
	free(path);
	if (err)
		return err;
	return t->steps[t->cnt - 1].err ? 1 : 0;
}

static int set_trees(const char *src, const char *build, char **srcp,
		     char **buildp)
{
	*srcp = strdup(src);
	*buildp = strdup(build);
	if (*srcp && *buildp)
		return 0;
	free(*srcp);
	free(*buildp);
	*srcp = *buildp = NULL;
	return -ENOMEM;
}

/*
 * @path (a path under @root), its symlinks resolved inside @root as
 * openat2's RESOLVE_IN_ROOT does: Debian's absolute build -> /usr/src/...
 * names the image's /usr/src, not the host's. Recorded when that is not
 * where the host would have gone. Takes @path over; NULL for -ENOMEM.
 */
static char *in_root(struct tg_trail *t, const char *root, char *path)
{
	size_t len = root ? strlen(root) : 0;
	char *real, *host, *said;
	int err;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (!path || !root || (len == 1 && root[0] == '/') ||
	    strncmp(path, root, len) || path[len] != '/')
		return path;
	/* Not there (or no openat2): the plain path's check says so. */
	if (tg_resolve_in_root(root, path + len, &real))
		return path;
	host = realpath(path, NULL);
	if (host && !strcmp(host, real)) {
		free(host);
		free(real);
		return path;
	}
	free(host);
	err = asprintf(&said, "%s -> %s", path, real) < 0 ? -ENOMEM :
	      tg_trail_add(t, TG_METHOD_HEADERS,
			   "symlink resolved inside the sysroot", said, 0);
	if (err >= 0)
		free(said);
	free(path);
	if (err) {
		free(real);
		return NULL;
	}
	return real;
}

/* The split trees of a /lib/modules/<release>-like directory. */
static int modules_dir(struct tg_trail *t, const char *dir, const char *root,
		       char **srcp, char **buildp)
{
	char *source = in_root(t, root, join(dir, "source"));
	char *build = in_root(t, root, join(dir, "build"));
	const char *src_tree, *build_tree;
	int err = -ENOMEM;

	if (!source || !build)
		goto out;
	/* Generated headers live in build/; the rest may be in source/. */
	err = check(t, "source tree", source, SRC_MARK);
	src_tree = source;
	if (err == 1) {
		err = check(t, "source tree", build, SRC_MARK);
		src_tree = build;
	}
	if (err) {
		err = err < 0 ? err : -TG_ERRNO__NOHEADERS;
		goto out;
	}
	err = check(t, "build tree", build, BUILD_MARK);
	if (err < 0)
		goto out;
	build_tree = err ? src_tree : build;
	err = set_trees(src_tree, build_tree, srcp, buildp);
out:
	free(source);
	free(build);
	return err;
}

/*
 * The source half named by @build's Makefile: Debian's build half holds
 * only "include /usr/src/linux-headers-<ver>-common/Makefile" (a relative
 * path is relative to @build). NULL if it names none.
 */
static char *makefile_include(const char *build)
{
	char *mk = join(build, "Makefile"), *line = NULL, *dir = NULL;
	size_t cap = 0, len;
	ssize_t n;
	FILE *f;
	int i;

	f = mk ? fopen(mk, "re") : NULL;
	free(mk);
	if (!f)
		return NULL;
	/* It comes first; a full kernel Makefile is not read through. */
	for (i = 0; i < 20 && !dir && (n = getline(&line, &cap, f)) > 0; i++) {
		char *p = line;

		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(p, "include", 7) || (p[7] != ' ' && p[7] != '\t'))
			continue;
		p += 7 + strspn(p + 7, " \t");
		len = strlen(p);
		if (len < 9 || strcmp(p + len - 9, "/Makefile"))
			continue;
		len -= 9;
		if (*p == '/')
			dir = strndup(p, len);
		else if (asprintf(&dir, "%s/%.*s", build, (int)len, p) < 0)
			dir = NULL;
	}
	free(line);
	fclose(f);
	return dir;
}

/*
 * The -common sibling of a build half: ".../linux-headers-6.1.0-13-amd64"
 * gives ".../linux-headers-6.1.0-13-common" (Debian); NULL if the name has
 * no flavour to replace.
 */
static char *common_sibling(const char *build)
{
	size_t len = strlen(build);
	const char *dash;
	char *path;

	while (len > 1 && build[len - 1] == '/')
		len--;
	dash = memrchr(build, '-', len);
	if (!dash || memchr(dash, '/', build + len - dash))
		return NULL;
	if (asprintf(&path, "%.*s-common", (int)(dash - build), build) < 0)
		return NULL;
	return path;
}

/*
 * KERNEL_SOURCE is the build half of split headers (generated headers,
 * no kernel sources): the source half, from its Makefile or as the
 * -common sibling, each look recorded. 0, 1 if neither is a source tree,
 * or -ENOMEM.
 */
static int build_half(struct tg_trail *t, const char *ks, char **srcp,
		      char **buildp)
{
	char *cands[2] = { makefile_include(ks), common_sibling(ks) };
	static const char *const whats[2] = {
		"source tree its Makefile includes",
		"source tree, its -common sibling",
	};
	int err = 1, i;

	for (i = 0; i < 2 && err == 1; i++) {
		if (!cands[i])
			continue;
		err = check(t, whats[i], cands[i], SRC_MARK);
		if (!err)
			err = set_trees(cands[i], ks, srcp, buildp);
	}
	free(cands[0]);
	free(cands[1]);
	return err;
}

/*
 * KERNEL_SOURCE: a /lib/modules/<ver>-like directory if it has build/ or
 * source/, else a kernel tree (source and build in one), else the build
 * half of a distribution's split headers.
 */
static int kernel_source_dir(struct tg_trail *t, const char *ks, char **srcp,
			     char **buildp)
{
	char *path;
	int err, has_build, has_source;

	has_build = probe(ks, "build", &path);
	free(path);
	has_source = probe(ks, "source", &path);
	free(path);
	if (has_build == -ENOMEM || has_source == -ENOMEM)
		return -ENOMEM;
	if (!has_build || !has_source) {
		err = tg_trail_add(t, TG_METHOD_HEADERS,
				   "KERNEL_SOURCE as /lib/modules/<ver>", ks, 0);
		return err ?: modules_dir(t, ks, NULL, srcp, buildp);
	}
	err = tg_trail_add(t, TG_METHOD_HEADERS,
			   "KERNEL_SOURCE as /lib/modules/<ver>", ks,
			   has_build);
	if (err)
		return err;
	err = check(t, "KERNEL_SOURCE as a kernel tree", ks, SRC_MARK);
	if (err < 0)
		return err;
	if (!err)
		return set_trees(ks, ks, srcp, buildp);
	err = check(t, "KERNEL_SOURCE as the build half of split headers", ks,
		    BUILD_MARK);
	if (!err)
		err = build_half(t, ks, srcp, buildp);
	return err > 0 ? -TG_ERRNO__NOHEADERS : err;
}

int tg_headers_find(struct tg_trail *t, const char *kernel_source,
		    const char *moddir, const char *root, char **srcp,
		    char **buildp)
{
	int err;

	*srcp = *buildp = NULL;
	if (kernel_source) {
		err = kernel_source_dir(t, kernel_source, srcp, buildp);
	} else {
		err = check(t, "modules directory", moddir, NULL);
		if (!err)
			err = modules_dir(t, moddir, root, srcp, buildp);
		else if (err > 0)
			err = -TG_ERRNO__NOHEADERS;
	}
	if (err)
		return err;
	/* Headers of a tree never configured cannot be compiled against. */
	err = check(t, "configured", *buildp, CONFIG_MARK);
	if (!err)
		return 0;
	free(*srcp);
	free(*buildp);
	*srcp = *buildp = NULL;
	return err < 0 ? err : -TG_ERRNO__NOHEADERS;
}

static int add_dir(struct tg_strv *sv, const char *tree, const char *fmt,
		   const char *karch)
{
	char *rel, *dir;
	int err;

	if (asprintf(&rel, fmt, karch) < 0)
		return -ENOMEM;
	dir = join(tree, rel);
	free(rel);
	if (!dir)
		return -ENOMEM;
	err = tg_strv_add(sv, "-isystem") ?: tg_strv_add(sv, dir);
	free(dir);
	return err;
}

/*
 * The kernel's own order (LINUXINCLUDE in its Makefile): the architecture's
 * headers, then the generic ones, then the UAPI ones; generated headers
 * from the build tree beside each. As -isystem, so that warnings inside
 * kernel headers do not fail a program built with -Werror.
 */
static int add_include_dirs(struct tg_strv *sv, const char *src,
			    const char *build, const char *karch)
{
	bool split = strcmp(src, build) != 0;

	return add_dir(sv, src, "arch/%s/include", karch) ?:
	       add_dir(sv, build, "arch/%s/include/generated", karch) ?:
	       add_dir(sv, src, "include", karch) ?:
	       (split ? add_dir(sv, build, "include", karch) : 0) ?:
	       add_dir(sv, src, "arch/%s/include/uapi", karch) ?:
	       add_dir(sv, build, "arch/%s/include/generated/uapi", karch) ?:
	       add_dir(sv, src, "include/uapi", karch) ?:
	       add_dir(sv, build, "include/generated/uapi", karch);
}

int tg_headers_flags(struct tg_strv *sv, const char *src, const char *build,
		     const char *karch, const char *triple)
{
	/*
	 * What kernel headers expect of every file that includes them. The
	 * warnings turned off are those clang gives for the kernel's macros
	 * once expanded in the program's own code.
	 */
	static const char *const defines[] = {
		"-include", "linux/kconfig.h",
		"-D__KERNEL__",
		"-D__BPF_TRACING__",
		"-DKBUILD_MODNAME=\"typegen\"",
		"-DTYPEGEN_KERNEL_HEADERS",
		"-fno-stack-protector",
		"-Wno-address-of-packed-member",
		"-Wno-gnu-variable-sized-type-not-at-end",
		"-Wno-pointer-sign",
		"-Wno-compare-distinct-pointer-types",
	};
	char *s;
	size_t i;
	int err;

	if (asprintf(&s, "--target=%s", triple) < 0)
		return -ENOMEM;
	err = tg_strv_add(sv, s);
	free(s);
	if (!err)
		err = add_include_dirs(sv, src, build, karch);
	for (i = 0; !err && i < sizeof(defines) / sizeof(defines[0]); i++)
		err = tg_strv_add(sv, defines[i]);
	return err;
}
