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
#include "internal.h"

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

/* The split trees of a /lib/modules/<release>-like directory. */
static int modules_dir(struct tg_trail *t, const char *dir, char **srcp,
		       char **buildp)
{
	char *source = join(dir, "source"), *build = join(dir, "build");
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
 * KERNEL_SOURCE: a /lib/modules/<ver>-like directory if it has build/ or
 * source/, else a kernel tree (source and build in one).
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
		return err ?: modules_dir(t, ks, srcp, buildp);
	}
	err = tg_trail_add(t, TG_METHOD_HEADERS,
			   "KERNEL_SOURCE as /lib/modules/<ver>", ks,
			   has_build);
	if (err)
		return err;
	err = check(t, "KERNEL_SOURCE as a kernel tree", ks, SRC_MARK);
	if (err)
		return err < 0 ? err : -TG_ERRNO__NOHEADERS;
	return set_trees(ks, ks, srcp, buildp);
}

int tg_headers_find(struct tg_trail *t, const char *kernel_source,
		    const char *moddir, char **srcp, char **buildp)
{
	int err;

	*srcp = *buildp = NULL;
	if (kernel_source) {
		err = kernel_source_dir(t, kernel_source, srcp, buildp);
	} else {
		err = check(t, "modules directory", moddir, NULL);
		if (!err)
			err = modules_dir(t, moddir, srcp, buildp);
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
