// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The method selection (tg_selection__*): which of vmlinux.h and the kernel headers the
 * rules pick, under fake sysroots holding kernel header trees (split as
 * distributions ship them, or in one) and BTF, for each setting of
 * REDBPF_VMLINUX, KERNEL_SOURCE and KERNEL_VERSION; the trail that
 * explains it; the flags; and vmlinux.h written by carrying it out. The
 * headers of a real kernel (Debian's linux-headers package) are checked
 * too when they are installed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "typegen.h"
#include "tg_test.h"

#define REL "6.1.0-99-test"

struct fx {
	char *root;	/* the sysroot */
	char *moddir;	/* root/lib/modules/REL */
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	tg_test_silence_libbpf();
	unsetenv("REDBPF_VMLINUX");
	unsetenv("KERNEL_SOURCE");
	unsetenv("KERNEL_VERSION");
	fx->root = tg_test_mkdtemp();
	fx->moddir = tg_test_path("%s/lib/modules/%s", fx->root, REL);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	unsetenv("KERNEL_VERSION");
	tg_test_rmtree(fx->root);
	free(fx->root);
	free(fx->moddir);
	free(fx);
	return 0;
}

static void touch(const char *dir, const char *rel)
{
	char *path = tg_test_path("%s/%s", dir, rel);

	tg_test_mkdir_parents(path);
	assert_int_equal(tg_test_write_file(path, "/* */\n", 6), 0);
	free(path);
}

/* A source tree: the generic headers, no generated ones. */
static void make_source_tree(const char *dir)
{
	touch(dir, "include/linux/kconfig.h");
	touch(dir, "arch/x86/include/asm/ptrace.h");
}

/* A build tree: configured, with the generated headers. */
static void make_build_tree(const char *dir)
{
	touch(dir, "include/generated/uapi/linux/version.h");
	touch(dir, "include/generated/autoconf.h");
	touch(dir, "arch/x86/include/generated/asm/cpufeaturemasks.h");
}

/* Raw BTF with one struct called @marker, at @root/@rel. */
static void plant_btf(const char *root, const char *rel, const char *marker)
{
	struct btf *btf = btf__new_empty();
	char *path = tg_test_path("%s/%s", root, rel);
	const void *raw;
	__u32 size;

	assert_non_null(btf);
	assert_int_equal(btf__add_int(btf, "int", 4, BTF_INT_SIGNED), 1);
	assert_true(btf__add_struct(btf, marker, 4) > 0);
	assert_int_equal(btf__add_field(btf, "x", 1, 0, 0), 0);
	raw = btf__raw_data(btf, &size);
	tg_test_mkdir_parents(path);
	assert_int_equal(tg_test_write_file(path, raw, size), 0);
	btf__free(btf);
	free(path);
}

/* Release REL and x86_64 unless the test says otherwise. */
static void fx_defaults(struct tg_select_opts *opts)
{
	if (!opts->release)
		opts->release = REL;
	if (!opts->arch)
		opts->arch = "x86_64";
}

/* Options for the fake root, the environment left out. */
#define FX_OPTS(name, fx, ...)						\
	TG_OPTS(tg_select_opts, name, .no_env = true,			\
		.sysroot = (fx)->root, __VA_ARGS__);			\
	fx_defaults(&name)

static struct tg_selection *select_ok(const struct tg_select_opts *opts)
{
	struct tg_selection *sel = NULL;

	assert_int_equal(tg_selection__new(opts, &sel), 0);
	assert_non_null(sel);
	return sel;
}

/* Index of @flag among the flags, or -1. */
static int flag_index(const struct tg_selection *sel, const char *flag)
{
	const char *const *v;
	size_t i, n;

	v = tg_selection__flags(sel, &n);
	for (i = 0; i < n; i++)
		if (!strcmp(v[i], flag))
			return i;
	assert_null(v[n]);
	return -1;
}

/* "-isystem @dir" is among the flags; returns its position. */
static int assert_isystem(const struct tg_selection *sel, const char *dir)
{
	const char *const *v;
	size_t i, n;

	v = tg_selection__flags(sel, &n);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i], dir) && !strcmp(v[i - 1], "-isystem"))
			return i;
	fail_msg("no -isystem %s", dir);
	return -1;
}

/* Step @idx looked at @path for @method and found @err. */
static void assert_step(const struct tg_selection *sel, size_t idx,
			enum tg_method method, const char *what,
			const char *path, int err)
{
	const struct tg_select_step *s = tg_selection__step(sel, idx);

	assert_non_null(s);
	assert_int_equal(s->method, method);
	assert_string_equal(s->what, what);
	assert_string_equal(s->path, path);
	assert_int_equal(s->err, err);
}

/* ---- the rules ---------------------------------------------------------- */

/* Nothing set, no headers: BTF, and the trail says why not the headers. */
static void test_default_falls_back(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *btf;

	plant_btf(fx->root, "sys/kernel/btf/vmlinux", "from_sysfs");
	plant_btf(fx->root, "boot/vmlinux-" REL, "from_boot");
	FX_OPTS(opts, fx);
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_DEFAULT);
	assert_step(sel, 0, TG_METHOD_HEADERS, "modules directory",
		    fx->moddir, -ENOENT);
	/* Under a sysroot /sys/kernel/btf is not the image's kernel. */
	btf = tg_test_path("%s/sys/kernel/btf/vmlinux", fx->root);
	assert_step(sel, 1, TG_METHOD_VMLINUX, "BTF", btf,
		    -TG_ERRNO__RUNNING);
	free(btf);
	btf = tg_test_path("%s/boot/vmlinux-" REL, fx->root);
	assert_step(sel, 2, TG_METHOD_VMLINUX, "BTF", btf, 0);
	assert_int_equal(tg_selection__step_cnt(sel), 3);
	assert_string_equal(tg_selection__btf_path(sel), btf);
	assert_non_null(tg_selection__btf(sel));
	assert_null(tg_selection__source_dir(sel));
	assert_string_equal(tg_selection__release(sel), REL);
	assert_true(flag_index(sel, "-D__TARGET_ARCH_x86") >= 0);
	assert_true(flag_index(sel, "-DTYPEGEN_VMLINUX") >= 0);
	assert_int_equal(flag_index(sel, "-D__KERNEL__"), -1);
	free(btf);
	tg_selection__free(sel);
}

/* Nothing set, split headers in /lib/modules/R: the headers, first. */
static void test_default_prefers_headers(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *src = tg_test_path("%s/source", fx->moddir);
	char *build = tg_test_path("%s/build", fx->moddir);
	char *p;
	int a, b;

	make_source_tree(src);
	make_build_tree(build);
	plant_btf(fx->root, "sys/kernel/btf/vmlinux", "from_sysfs");
	FX_OPTS(opts, fx);
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_DEFAULT);
	assert_string_equal(tg_selection__source_dir(sel), src);
	assert_string_equal(tg_selection__build_dir(sel), build);
	assert_null(tg_selection__btf(sel));
	assert_null(tg_selection__btf_path(sel));
	/* No BTF step: the headers were usable. */
	assert_int_equal(tg_selection__step_cnt(sel), 4);
	assert_step(sel, 0, TG_METHOD_HEADERS, "modules directory",
		    fx->moddir, 0);
	p = tg_test_path("%s/include/linux/kconfig.h", src);
	assert_step(sel, 1, TG_METHOD_HEADERS, "source tree", p, 0);
	free(p);
	p = tg_test_path("%s/include/generated/uapi/linux/version.h", build);
	assert_step(sel, 2, TG_METHOD_HEADERS, "build tree", p, 0);
	free(p);

	/* The kernel's order: arch, generic, uapi; generated from build/. */
	assert_true(flag_index(sel, "--target=x86_64-linux-gnu") >= 0);
	p = tg_test_path("%s/arch/x86/include", src);
	a = assert_isystem(sel, p);
	free(p);
	p = tg_test_path("%s/arch/x86/include/generated", build);
	b = assert_isystem(sel, p);
	assert_true(a < b);
	free(p);
	p = tg_test_path("%s/include/generated/uapi", build);
	a = assert_isystem(sel, p);
	assert_true(b < a);
	free(p);
	p = tg_test_path("%s/include/uapi", src);
	assert_isystem(sel, p);
	free(p);
	a = flag_index(sel, "-include");
	assert_true(a > 0);
	assert_string_equal(tg_selection__flags(sel, NULL)[a + 1],
			    "linux/kconfig.h");
	assert_true(flag_index(sel, "-D__KERNEL__") > 0);
	assert_true(flag_index(sel, "-D__BPF_TRACING__") > 0);
	assert_true(flag_index(sel, "-DTYPEGEN_KERNEL_HEADERS") > 0);
	assert_true(flag_index(sel, "-D__TARGET_ARCH_x86") >= 0);
	assert_int_equal(flag_index(sel, "-DTYPEGEN_VMLINUX"), -1);
	/* Nothing to write for the headers method. */
	assert_int_equal(tg_selection__apply(sel, NULL), 0);
	tg_selection__free(sel);
	free(src);
	free(build);
}

/* Only build/ (a kernel built in place, or one package): both trees. */
static void test_build_only(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *build = tg_test_path("%s/build", fx->moddir);
	char *src = tg_test_path("%s/source", fx->moddir);
	char *p;

	make_source_tree(build);
	make_build_tree(build);
	FX_OPTS(opts, fx, .arch = "aarch64");
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	assert_string_equal(tg_selection__source_dir(sel), build);
	assert_string_equal(tg_selection__build_dir(sel), build);
	p = tg_test_path("%s/include/linux/kconfig.h", src);
	assert_step(sel, 1, TG_METHOD_HEADERS, "source tree", p, -ENOENT);
	free(p);
	p = tg_test_path("%s/include/linux/kconfig.h", build);
	assert_step(sel, 2, TG_METHOD_HEADERS, "source tree", p, 0);
	free(p);
	/* arm64: its directories and its triple. */
	assert_string_equal(tg_selection__arch(sel), "arm64");
	assert_true(flag_index(sel, "--target=aarch64-linux-gnu") >= 0);
	assert_true(flag_index(sel, "-D__TARGET_ARCH_arm64") >= 0);
	p = tg_test_path("%s/arch/arm64/include/generated/uapi", build);
	assert_isystem(sel, p);
	free(p);
	/* One tree: its include/ once. */
	p = tg_test_path("%s/include", build);
	assert_isystem(sel, p);
	{
		const char *const *v;
		size_t i, n, seen = 0;

		v = tg_selection__flags(sel, &n);
		for (i = 0; i < n; i++)
			seen += !strcmp(v[i], p);
		assert_int_equal(seen, 1);
	}
	free(p);
	tg_selection__free(sel);
	free(build);
	free(src);
}

/* A source tree that was never configured cannot be compiled against. */
static void test_unconfigured_falls_back(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *build = tg_test_path("%s/build", fx->moddir);
	char *p;

	make_source_tree(build);
	plant_btf(fx->root, "boot/vmlinux-" REL, "from_boot");
	FX_OPTS(opts, fx);
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	assert_int_equal(tg_selection__err(sel), 0);
	/* No version.h: build = source; then no autoconf.h. */
	p = tg_test_path("%s/include/generated/autoconf.h", build);
	assert_step(sel, 4, TG_METHOD_HEADERS, "configured", p, -ENOENT);
	free(p);
	assert_int_equal(tg_selection__step(sel, 5)->method, TG_METHOD_VMLINUX);
	p = tg_test_path("%s/boot/vmlinux-%s", fx->root, REL);
	assert_string_equal(tg_selection__btf_path(sel), p);
	free(p);
	tg_selection__free(sel);
	free(build);
}

/* REDBPF_VMLINUX wins over headers that are there. */
static void test_env_vmlinux_wins(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *p = tg_test_path("%s/my.btf", fx->root);

	make_source_tree(fx->moddir);
	make_build_tree(fx->moddir);
	plant_btf(fx->root, "my.btf", "mine");
	{
		FX_OPTS(opts, fx, .env_vmlinux = p, .kernel_version = REL);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_ENV_VMLINUX);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_int_equal(tg_selection__step_cnt(sel), 1);
	assert_step(sel, 0, TG_METHOD_VMLINUX, "BTF", p, 0);
	tg_selection__free(sel);

	/* "system" probes; nothing there is an error, with no fallback. */
	{
		FX_OPTS(opts, fx, .env_vmlinux = "system");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOTFOUND);
	assert_int_equal(tg_selection__step_cnt(sel), 9);
	assert_null(tg_selection__flags(sel, NULL)[0]);
	assert_int_equal(tg_selection__apply(sel, fx->root),
			 -TG_ERRNO__NOTFOUND);
	tg_selection__free(sel);

	/* Set but empty: an error, never a silent probe. */
	{
		FX_OPTS(opts, fx, .env_vmlinux = "");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__ENV_EMPTY);
	assert_step(sel, 0, TG_METHOD_VMLINUX, "REDBPF_VMLINUX", "",
		    -TG_ERRNO__ENV_EMPTY);
	tg_selection__free(sel);
	free(p);
}

/* KERNEL_VERSION: headers only, even when BTF is at hand. */
static void test_kernel_version_headers_only(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *other = tg_test_path("%s/lib/modules/5.10.0-1", fx->root);
	char *build = tg_test_path("%s/build", other);

	plant_btf(fx->root, "sys/kernel/btf/vmlinux", "from_sysfs");
	{
		FX_OPTS(opts, fx, .kernel_version = "5.10.0-1");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_ENV_HEADERS);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOHEADERS);
	assert_int_equal(tg_selection__step_cnt(sel), 1);
	assert_step(sel, 0, TG_METHOD_HEADERS, "modules directory", other,
		    -ENOENT);
	assert_int_equal(tg_selection__apply(sel, NULL), -TG_ERRNO__NOHEADERS);
	tg_selection__free(sel);

	/* Its headers, not the release's. */
	make_source_tree(build);
	make_build_tree(build);
	{
		FX_OPTS(opts, fx, .kernel_version = "5.10.0-1");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__release(sel), "5.10.0-1");
	assert_string_equal(tg_selection__build_dir(sel), build);
	tg_selection__free(sel);

	/* Read from the environment unless no_env. */
	setenv("KERNEL_VERSION", "5.10.0-1", 1);
	{
		TG_OPTS(tg_select_opts, opts, .release = REL,
			.sysroot = fx->root, .arch = "x86_64");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_ENV_HEADERS);
	assert_string_equal(tg_selection__build_dir(sel), build);
	tg_selection__free(sel);
	{
		FX_OPTS(opts, fx);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_DEFAULT);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	tg_selection__free(sel);

	/* A version that names no directory. */
	{
		FX_OPTS(opts, fx, .kernel_version = "../x");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOHEADERS);
	assert_step(sel, 0, TG_METHOD_HEADERS, "KERNEL_VERSION", "../x",
		    -EINVAL);
	tg_selection__free(sel);
	free(other);
	free(build);
}

/* KERNEL_SOURCE: a /lib/modules/<ver>-like directory, or a kernel tree. */
static void test_kernel_source(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *tree = tg_test_path("%s/linux", fx->root);
	char *mods = tg_test_path("%s/mods", fx->root);
	char *src = tg_test_path("%s/source", mods);
	char *build = tg_test_path("%s/build", mods);
	char *p;

	make_source_tree(tree);
	make_build_tree(tree);
	{
		FX_OPTS(opts, fx, .kernel_source = tree);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_ENV_HEADERS);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__source_dir(sel), tree);
	assert_string_equal(tg_selection__build_dir(sel), tree);
	assert_step(sel, 0, TG_METHOD_HEADERS,
		    "KERNEL_SOURCE as /lib/modules/<ver>", tree, -ENOENT);
	p = tg_test_path("%s/include/linux/kconfig.h", tree);
	assert_step(sel, 1, TG_METHOD_HEADERS,
		    "KERNEL_SOURCE as a kernel tree", p, 0);
	free(p);
	tg_selection__free(sel);

	make_source_tree(src);
	make_build_tree(build);
	{
		FX_OPTS(opts, fx, .kernel_source = mods);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), 0);
	assert_step(sel, 0, TG_METHOD_HEADERS,
		    "KERNEL_SOURCE as /lib/modules/<ver>", mods, 0);
	assert_string_equal(tg_selection__source_dir(sel), src);
	assert_string_equal(tg_selection__build_dir(sel), build);
	tg_selection__free(sel);

	/* Neither: no headers, and no fallback to BTF. */
	plant_btf(fx->root, "sys/kernel/btf/vmlinux", "from_sysfs");
	{
		FX_OPTS(opts, fx, .kernel_source = fx->moddir);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOHEADERS);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	/* As /lib/modules/<ver>, as a kernel tree, as a build half. */
	assert_int_equal(tg_selection__step_cnt(sel), 3);
	tg_selection__free(sel);
	free(tree);
	free(mods);
	free(src);
	free(build);
}

/*
 * A search already made (typegen probe's) is taken, not made again: the
 * file is replaced with garbage after the locator loaded it, so a second
 * load could only fail.
 */
static void test_reuses_search(void **state)
{
	struct fx *fx = *state;
	TG_OPTS(tg_locate_opts, lo, .no_env = true, .release = REL,
		.sysroot = fx->root);
	char *boot = tg_test_path("%s/boot/vmlinux-%s", fx->root, REL);
	const struct tg_select_step *s;
	struct tg_selection *sel;
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;

	plant_btf(fx->root, "boot/vmlinux-" REL, "loaded_once");
	assert_int_equal(tg_locator__new(&lo, &loc), 0);
	{
		/* Not loaded yet: nothing to take. */
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX, .locator = loc);
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_test_write_file(boot, "garbage", 7), 0);
	{
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX, .locator = loc,
			.btf = btf);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), 0);
	assert_ptr_equal(tg_selection__btf(sel), btf);
	assert_string_equal(tg_selection__btf_path(sel), boot);
	/* The locator's trail: the running kernel's BTF refused, then boot. */
	assert_int_equal(tg_selection__step_cnt(sel), 2);
	s = tg_selection__step(sel, 1);
	assert_string_equal(s->path, boot);
	assert_int_equal(s->err, 0);
	tg_selection__free(sel);
	/* The types are still the caller's. */
	assert_true(btf__find_by_name(tg_btf__btf(btf), "loaded_once") > 0);
	{
		/* A search of its own reads the file again: now garbage. */
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX);
		sel = select_ok(&opts);
	}
	assert_int_not_equal(tg_selection__err(sel), 0);
	tg_selection__free(sel);
	{
		/* Types with no search, or not the search's result. */
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX, .btf = btf);
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	tg_btf__free(btf);
	btf = NULL;
	assert_int_not_equal(tg_locator__load(loc, &btf), 0);
	{
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX, .locator = loc);
		sel = select_ok(&opts);
		assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOTFOUND);
		tg_selection__free(sel);
	}
	tg_locator__free(loc);
	free(boot);
}

/* An explicit method or BTF file overrides the environment. */
static void test_forced(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *p = tg_test_path("%s/my.btf", fx->root);
	char *build = tg_test_path("%s/build", fx->moddir);

	make_source_tree(build);
	make_build_tree(build);
	plant_btf(fx->root, "my.btf", "mine");
	plant_btf(fx->root, "sys/kernel/btf/vmlinux", "from_sysfs");
	{
		FX_OPTS(opts, fx, .btf_path = p, .env_vmlinux = "system");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__rule(sel), TG_SELECT_FORCED);
	assert_string_equal(tg_selection__btf_path(sel), p);
	tg_selection__free(sel);
	{
		FX_OPTS(opts, fx, .method = TG_METHOD_VMLINUX);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__method(sel), TG_METHOD_VMLINUX);
	assert_int_equal(tg_selection__step(sel, 0)->method,
			 TG_METHOD_VMLINUX);
	tg_selection__free(sel);
	{
		FX_OPTS(opts, fx, .method = TG_METHOD_HEADERS,
			.env_vmlinux = "system");
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__source_dir(sel), build);
	tg_selection__free(sel);
	free(build);
	free(p);
}

/* ---- carrying it out ---------------------------------------------------- */

static void test_apply_writes_when_changed(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel;
	char *out = tg_test_path("%s/out", fx->root);
	char *hdr = tg_test_path("%s/vmlinux.h", out);
	struct stat st1, st2;
	const char *const *v;
	size_t n, len;
	char *text;

	mkdir(out, 0755);
	plant_btf(fx->root, "boot/vmlinux-" REL, "marker_one");
	FX_OPTS(opts, fx);
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__apply(sel, NULL), -EINVAL);
	assert_int_equal(tg_selection__apply(sel, out), 1);
	text = tg_test_read_file(hdr, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "#ifndef __VMLINUX_H__"));
	assert_non_null(strstr(text, "struct marker_one {"));
	free(text);
	v = tg_selection__flags(sel, &n);
	assert_true(n >= 4);
	assert_string_equal(v[0], "-I");
	assert_string_equal(v[1], out);
	assert_int_equal(flag_index(sel, "-DTYPEGEN_VMLINUX"), 3);

	/* The same types again: left alone, and -I not added twice. */
	assert_int_equal(stat(hdr, &st1), 0);
	assert_int_equal(tg_selection__apply(sel, out), 0);
	assert_int_equal(stat(hdr, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino);
	tg_selection__flags(sel, &n);
	assert_int_equal(n, 4);
	tg_selection__free(sel);

	/* Other types: replaced. */
	plant_btf(fx->root, "boot/vmlinux-" REL, "marker_two");
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__apply(sel, out), 1);
	text = tg_test_read_file(hdr, &len);
	assert_non_null(strstr(text, "struct marker_two {"));
	assert_null(strstr(text, "marker_one"));
	free(text);
	tg_selection__free(sel);

	/* A directory that is not there: an error, nothing written. */
	sel = select_ok(&opts);
	assert_int_equal(tg_selection__apply(sel, hdr), -ENOTDIR);
	tg_selection__free(sel);
	free(out);
	free(hdr);
}

static void test_bad_opts(void **state)
{
	struct fx *fx = *state;
	struct tg_selection *sel = NULL;
	struct {
		struct tg_select_opts opts;
		long future;
	} big = { .opts.sz = sizeof(big), .opts.no_env = true,
		  .opts.sysroot = fx->root, .opts.release = REL };

	assert_int_equal(tg_selection__new(&big.opts, &sel), 0);
	tg_selection__free(sel);
	sel = NULL;
	big.future = 1;
	assert_int_equal(tg_selection__new(&big.opts, &sel), -EINVAL);
	{
		FX_OPTS(opts, fx, .arch = "vax");
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	{
		FX_OPTS(opts, fx, .release = "");
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	{
		FX_OPTS(opts, fx, .btf_path = "x",
			.method = TG_METHOD_HEADERS);
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	{
		FX_OPTS(opts, fx, .method = 7);
		assert_int_equal(tg_selection__new(&opts, &sel), -EINVAL);
	}
	assert_null(sel);
	assert_int_equal(tg_selection__new(NULL, NULL), -EINVAL);
	assert_int_equal(tg_selection__apply(NULL, "x"), -EINVAL);
	tg_selection__free(NULL);
	assert_string_equal(tg_method__str(TG_METHOD_HEADERS), "headers");
	assert_string_equal(tg_method__str(TG_METHOD_VMLINUX), "vmlinux");
}

/* ---- a distribution's split headers ------------------------------------- */

/* The decision for KERNEL_SOURCE=@ks: the headers method, carried out. */
static struct tg_selection *select_source(const char *ks)
{
	TG_OPTS(tg_select_opts, opts, .no_env = true, .kernel_source = ks);

	return select_ok(&opts);
}

/*
 * KERNEL_SOURCE=/usr/src/linux-headers-R-amd64, Debian's build half: its
 * Makefile includes the -common source half. Found, and the trail says
 * where.
 */
static void test_split_headers_build_half(void **state)
{
	struct fx *fx = *state;
	/* Absolute, as Debian's include is. */
	char *root = realpath(fx->root, NULL);
	char *src = tg_test_path("%s/usr/src/linux-headers-" REL "-common",
				 root);
	char *build = tg_test_path("%s/usr/src/linux-headers-" REL "-amd64",
				   root);
	char *mk = tg_test_path("%s/Makefile", build);
	char *line, *kconfig = tg_test_path("%s/include/linux/kconfig.h", src);
	struct tg_selection *sel;
	size_t i;
	bool said = false;

	make_source_tree(src);
	make_build_tree(build);
	/* The absolute include Debian writes. */
	line = tg_test_path("include %s/Makefile\n", src);
	assert_int_equal(tg_test_write_file(mk, line, strlen(line)), 0);
	free(line);
	sel = select_source(build);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__source_dir(sel), src);
	assert_string_equal(tg_selection__build_dir(sel), build);
	line = tg_test_path("%s/include", src);
	assert_isystem(sel, line);
	free(line);
	for (i = 0; i < tg_selection__step_cnt(sel); i++) {
		const struct tg_select_step *st = tg_selection__step(sel, i);

		if (!strcmp(st->what, "source tree its Makefile includes") &&
		    !strcmp(st->path, kconfig) && !st->err)
			said = true;
	}
	assert_true(said);
	tg_selection__free(sel);

	/* A relative include (Ubuntu's style), then no include at all. */
	line = tg_test_path("include ../linux-headers-" REL "-common/Makefile\n");
	assert_int_equal(tg_test_write_file(mk, line, strlen(line)), 0);
	free(line);
	sel = select_source(build);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_non_null(strstr(tg_selection__source_dir(sel), "-common"));
	tg_selection__free(sel);

	assert_int_equal(unlink(mk), 0);
	sel = select_source(build);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__source_dir(sel), src);
	assert_string_equal(tg_selection__step(sel,
		tg_selection__step_cnt(sel) - 2)->what,
		"source tree, its -common sibling");
	tg_selection__free(sel);

	/* No source half anywhere: refused, with every place looked at. */
	tg_test_rmtree(src);
	sel = select_source(build);
	assert_int_equal(tg_selection__err(sel), -TG_ERRNO__NOHEADERS);
	assert_string_equal(tg_selection__step(sel,
		tg_selection__step_cnt(sel) - 1)->what,
		"source tree, its -common sibling");
	tg_selection__free(sel);
	free(kconfig);
	free(mk);
	free(src);
	free(build);
	free(root);
}

/*
 * Under a sysroot, Debian's absolute links (build -> /usr/src/...) name
 * the image's trees, not the host's; the trail says where they led.
 */
static void test_sysroot_links_inside(void **state)
{
	struct fx *fx = *state;
	char *src = tg_test_path("%s/usr/src/linux-headers-" REL "-common",
				 fx->root);
	char *build = tg_test_path("%s/usr/src/linux-headers-" REL "-amd64",
				   fx->root);
	char *link = tg_test_path("%s/build", fx->moddir);
	struct tg_selection *sel;
	char *real_src, *real_build;
	size_t i;
	int said = 0;

	make_source_tree(src);
	make_build_tree(build);
	tg_test_mkdir_parents(link);
	assert_int_equal(symlink("/usr/src/linux-headers-" REL "-amd64", link),
			 0);
	free(link);
	link = tg_test_path("%s/source", fx->moddir);
	assert_int_equal(symlink("/usr/src/linux-headers-" REL "-common", link),
			 0);
	{
		FX_OPTS(opts, fx);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), 0);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	real_src = realpath(src, NULL);
	real_build = realpath(build, NULL);
	assert_string_equal(tg_selection__source_dir(sel), real_src);
	assert_string_equal(tg_selection__build_dir(sel), real_build);
	for (i = 0; i < tg_selection__step_cnt(sel); i++)
		if (!strcmp(tg_selection__step(sel, i)->what,
			    "symlink resolved inside the sysroot"))
			said++;
	assert_int_equal(said, 2);
	tg_selection__free(sel);
	free(real_src);
	free(real_build);
	free(link);
	free(src);
	free(build);
}

/* The real thing, if Debian's linux-headers-*-amd64 is installed. */
static void test_split_headers_installed(void **state)
{
	struct tg_selection *sel;
	char *out = NULL;

	(void)state;
	if (tg_test_run("ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | head -1",
			&out, NULL) || !*out) {
		free(out);
		print_message("[  SKIP    ] no /usr/src/linux-headers-*-amd64\n");
		skip();
	}
	out[strcspn(out, "\n")] = '\0';
	sel = select_source(out);
	assert_int_equal(tg_selection__err(sel), 0);
	assert_string_equal(tg_selection__build_dir(sel), out);
	assert_non_null(strstr(tg_selection__source_dir(sel), "-common"));
	tg_selection__free(sel);
	free(out);
}

/* ---- a real kernel's headers -------------------------------------------- */

/* A release in /lib/modules with a configured build tree, or NULL. */
static char *installed_headers(void)
{
	struct dirent *de;
	char *found = NULL;
	DIR *d = opendir("/lib/modules");

	if (!d)
		return NULL;
	while (!found && (de = readdir(d))) {
		char *p = tg_test_path("/lib/modules/%s/build/include/"
				       "generated/autoconf.h", de->d_name);

		if (de->d_name[0] != '.' && tg_test_file_exists(p))
			found = strdup(de->d_name);
		free(p);
	}
	closedir(d);
	return found;
}

static void test_installed_headers(void **state)
{
	struct tg_selection *sel;
	char *ver = installed_headers(), *p;

	(void)state;
	if (!ver) {
		print_message("[  SKIP    ] no kernel headers in /lib/modules "
			      "(Debian: apt-get install linux-headers-amd64)\n");
		skip();
	}
	{
		TG_OPTS(tg_select_opts, opts, .no_env = true,
			.kernel_version = ver);
		sel = select_ok(&opts);
	}
	assert_int_equal(tg_selection__err(sel), 0);
	assert_int_equal(tg_selection__method(sel), TG_METHOD_HEADERS);
	p = tg_test_path("%s/include/linux/kconfig.h",
			 tg_selection__source_dir(sel));
	assert_true(tg_test_file_exists(p));
	free(p);
	p = tg_test_path("%s/include/generated/uapi/linux/version.h",
			 tg_selection__build_dir(sel));
	assert_true(tg_test_file_exists(p));
	free(p);
	tg_selection__free(sel);
	free(ver);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_prefers_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unconfigured_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_vmlinux_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_version_headers_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_headers_build_half, setup, teardown),
		cmocka_unit_test(test_split_headers_installed),
		cmocka_unit_test_setup_teardown(test_sysroot_links_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reuses_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_writes_when_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_opts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_installed_headers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
