// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Build-system integration, as a project uses it: `make install` into a
 * temporary root, then a tiny BPF project built from a clean directory
 * with pkg-config, with the Make fragment and with the CMake module, under
 * the vmlinux method (the running kernel's BTF) and the headers method (a
 * kernel's headers in /lib/modules, Debian's linux-headers package); and
 * the examples built under both methods with `typegen cflags`. Every BPF
 * object must open with libbpf, carry BTF, and load into the kernel.
 *
 * Skips, saying why, only where a tool or the kernel headers are absent,
 * or where the kernel refuses bpf().
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tg_test.h"

static char *tmp;		/* scratch directory */
static char *root;		/* DESTDIR of make install */
static char *path_env;		/* PATH=<root>/usr/bin:$PATH */
static char *headers_ver;	/* a release with headers, or NULL */
static const char *install_failed;

#define SKIP_IF(cond, ...)						\
	do {								\
		if (cond) {						\
			print_message("[  SKIP    ] " __VA_ARGS__);	\
			print_message("\n");				\
			skip();						\
		}							\
	} while (0)

static const char *const prog_src =
	"#include <typegen/probe.h>\n"
	"\n"
	"TG_LICENSE(\"GPL\");\n"
	"TG_MAP_ARRAY(seen, __u64, 1);\n"
	"\n"
	"SEC(\"xdp\")\n"
	"int count(struct xdp_md *ctx)\n"
	"{\n"
	"\t__u32 key = 0;\n"
	"\t__u64 *v = bpf_map_lookup_elem(&seen, &key);\n"
	"\n"
	"\tif (v)\n"
	"\t\t__sync_fetch_and_add(v, 1);\n"
	"\treturn ctx->data_end > ctx->data ? XDP_PASS : XDP_DROP;\n"
	"}\n";

static bool have_program(const char *name)
{
	char *cmd = tg_test_path("command -v %s >/dev/null", name);
	int rc = tg_test_run(cmd, NULL, NULL);

	free(cmd);
	return rc == 0;
}

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

/* Run @cmd (printf-style); on failure print its output and fail. */
static void run_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run_ok(const char *fmt, ...)
{
	char *cmd, *out = NULL, *err = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	rc = tg_test_run(cmd, &out, &err);
	if (rc) {
		print_error("command failed (%d): %s\n%s%s\n", rc, cmd,
			    out ? out : "", err ? err : "");
		fail();
	}
	free(cmd);
	free(out);
	free(err);
}

/*
 * The nested make must not join the jobserver of a make that runs this
 * test, and builds what this test was built with (build or build-san).
 */
static void install(void)
{
	const char *build = tg_test_build_dir();
	size_t len = strlen(build);
	bool san = len > 4 && !strcmp(build + len - 4, "-san");
	char *cmd, *out = NULL, *err = NULL;

	root = tg_test_path("%s/root", tmp);
	cmd = tg_test_path("env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "
			   "make -s -C '%s' O='%.*s' %s install "
			   "DESTDIR='%s' PREFIX=/usr",
			   tg_test_src_dir(), (int)(san ? len - 4 : len),
			   build, san ? "SANITIZE=1" : "", root);
	if (tg_test_run(cmd, &out, &err)) {
		fprintf(stderr, "%s\n%s%s\n", cmd, out ? out : "",
			err ? err : "");
		install_failed = "make install failed";
	}
	free(cmd);
	free(out);
	free(err);
	path_env = tg_test_path("PATH='%s/usr/bin':\"$PATH\"", root);
}

static int group_setup(void **state)
{
	char *rel = tg_test_mkdtemp();

	(void)state;
	/* Absolute: the projects' commands run in their own directories. */
	tmp = realpath(rel, NULL);
	free(rel);
	if (!tmp)
		return -1;
	headers_ver = installed_headers();
	install();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmp);
	free(tmp);
	free(root);
	free(path_env);
	free(headers_ver);
	return 0;
}

/* A new clean project directory holding prog.bpf.c. */
static char *new_project(const char *name)
{
	char *dir = tg_test_path("%s/%s", tmp, name);
	char *src = tg_test_path("%s/prog.bpf.c", dir);

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tg_test_write_file(src, prog_src, strlen(prog_src)),
			 0);
	free(src);
	return dir;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * @path is a BPF object with program @prog and BTF, which the kernel
 * loads (unless bpf() is refused: then opening it is all that is checked).
 */
static void assert_bpf_object(const char *path, const char *prog)
{
	struct bpf_object *obj;
	int err;

	libbpf_set_print(quiet);
	obj = bpf_object__open_file(path, NULL);
	if (libbpf_get_error(obj))
		fail_msg("%s: libbpf cannot open it", path);
	assert_non_null(bpf_object__btf(obj));
	assert_non_null(bpf_object__find_program_by_name(obj, prog));
	err = bpf_object__load(obj);
	if (err == -EPERM)
		print_message("note: bpf() refused; %s not loaded\n", path);
	else if (err)
		fail_msg("%s: the kernel does not load it: %s", path,
			 strerror(-err));
	bpf_object__close(obj);
}

#define NEED_INSTALL() SKIP_IF(install_failed, "%s", install_failed)
#define NEED_HEADERS()							\
	SKIP_IF(!headers_ver, "no kernel headers in /lib/modules "	\
		"(Debian: apt-get install linux-headers-amd64)")

/* ---- make install ------------------------------------------------------- */

static void test_install_layout(void **state)
{
	static const char *const files[] = {
		"usr/bin/typegen", "usr/include/typegen.h",
		"usr/include/typegen/probe.h", "usr/lib/libtypegen.a",
		"usr/lib/pkgconfig/typegen.pc",
		"usr/share/typegen/typegen.mk",
		"usr/lib/cmake/typegen/typegenConfig.cmake",
		"usr/share/man/man1/typegen.1",
		"usr/share/man/man3/libtypegen.3",
	};
	char *out = NULL, *cmd, *expect;
	size_t i;

	(void)state;
	NEED_INSTALL();
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = tg_test_path("%s/%s", root, files[i]);

		if (!tg_test_file_exists(p))
			fail_msg("make install did not install %s", p);
		free(p);
	}
	/* The installed typegen finds the installed fragment. */
	cmd = tg_test_path("%s/usr/bin/typegen --makefile-fragment", root);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	expect = tg_test_path("%s/usr/share/typegen/typegen.mk\n", root);
	assert_string_equal(out, expect);
	free(expect);
	free(out);
	free(cmd);
}

/* ---- pkg-config --------------------------------------------------------- */

static const char *const user_src =
	"#include <stdio.h>\n"
	"#include <typegen.h>\n"
	"\n"
	"int main(void)\n"
	"{\n"
	"\tTG_OPTS(tg_select_opts, opts, .method = TG_METHOD_VMLINUX);\n"
	"\tstruct tg_selection *sel;\n"
	"\n"
	"\tif (tg_selection__new(&opts, &sel) || tg_selection__err(sel))\n"
	"\t\treturn 1;\n"
	"\tprintf(\"%s\\n\", tg_method__str(tg_selection__method(sel)));\n"
	"\ttg_selection__free(sel);\n"
	"\treturn 0;\n"
	"}\n";

/* The environment that makes pkg-config read the installed typegen.pc. */
static char *pkg_config_env(void)
{
	return tg_test_path("PKG_CONFIG_PATH='%s/usr/lib/pkgconfig' "
			    "PKG_CONFIG_SYSROOT_DIR='%s'", root, root);
}

static void test_pkg_config(void **state)
{
	char *dir, *src, *pc, *out = NULL, *cmd;

	(void)state;
	NEED_INSTALL();
	SKIP_IF(!have_program("pkg-config"), "pkg-config is not installed");
	SKIP_IF(!tg_test_file_exists("/sys/kernel/btf/vmlinux"),
		"no /sys/kernel/btf/vmlinux");
	dir = new_project("pkgconfig");
	pc = pkg_config_env();

	cmd = tg_test_path("%s pkg-config --cflags --libs typegen", pc);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	free(cmd);
	cmd = tg_test_path("-I%s/usr/include", root);
	if (!strstr(out, cmd) || !strstr(out, "-ltypegen"))
		fail_msg("pkg-config gave: %s", out);
	free(cmd);
	free(out);

	/* A program on the library, linked with what pkg-config says. */
	src = tg_test_path("%s/main.c", dir);
	assert_int_equal(tg_test_write_file(src, user_src, strlen(user_src)),
			 0);
	run_ok("cd '%s' && export %s && cc -o main main.c "
	       "$(pkg-config --cflags --libs typegen)", dir, pc);
	cmd = tg_test_path("LD_LIBRARY_PATH='%s/usr/lib' '%s/main'", root,
			   dir);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	assert_string_equal(out, "vmlinux\n");
	free(out);
	free(cmd);

	/* A BPF program on the probe API pkg-config points at. */
	run_ok("cd '%s' && export %s %s && typegen dump -o vmlinux.h && "
	       "%s -O2 -g -target bpf -D__TARGET_ARCH_x86 -DTYPEGEN_VMLINUX "
	       "-I. $(pkg-config --cflags typegen) -c prog.bpf.c -o prog.bpf.o",
	       dir, path_env, pc, tg_test_clang());
	free(src);
	src = tg_test_path("%s/prog.bpf.o", dir);
	assert_bpf_object(src, "count");
	free(src);
	free(pc);
	free(dir);
}

/*
 * A static link with only what pkg-config --static says: every library
 * libtypegen.a needs (libdw's dwarf_* among them) must be in the list.
 */
static void test_pkg_config_static(void **state)
{
	const char *build = tg_test_build_dir();
	size_t len = strlen(build);
	char *dir, *src, *pc, *out = NULL, *cmd;

	(void)state;
	NEED_INSTALL();
	SKIP_IF(!have_program("pkg-config"), "pkg-config is not installed");
	SKIP_IF(len > 4 && !strcmp(build + len - 4, "-san"),
		"the sanitizers do not link statically");
	SKIP_IF(!tg_test_file_exists("/sys/kernel/btf/vmlinux"),
		"no /sys/kernel/btf/vmlinux");
	dir = new_project("pkgconfig-static");
	pc = pkg_config_env();
	src = tg_test_path("%s/main.c", dir);
	assert_int_equal(tg_test_write_file(src, user_src, strlen(user_src)),
			 0);
	run_ok("cd '%s' && export %s && cc -static -o main main.c "
	       "$(pkg-config --static --cflags --libs typegen)",
	       dir, pc);
	cmd = tg_test_path("'%s/main'", dir);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	assert_string_equal(out, "vmlinux\n");
	free(out);
	free(cmd);
	free(src);
	free(pc);
	free(dir);
}

/* ---- scripts/deps.sh ----------------------------------------------------- */

/*
 * Run scripts/deps.sh build with stand-ins on PATH: id says root,
 * dpkg-query says nothing is installed, apt-get answers "Could not get
 * lock" its first @locked calls. Returns its exit status; *calls: how
 * many times apt-get ran.
 */
static int deps_with_lock(int locked, int timeout, int *calls, char **err)
{
	char *bin = tg_test_path("%s/deps-bin", tmp), *cmd, *out = NULL;
	int rc;

	cmd = tg_test_path(
		"rm -rf '%1$s' && mkdir '%1$s' && cd '%1$s' && "
		"printf '#!/bin/sh\\necho 0\\n' > id && "
		"printf '#!/bin/sh\\nexit 1\\n' > dpkg-query && "
		"printf '#!/bin/sh\\nn=$(cat %1$s/n 2>/dev/null || echo 0)\\n"
		"echo $((n + 1)) > %1$s/n\\n"
		"[ $n -ge %2$d ] && exit 0\\n"
		"echo \"E: Could not get lock /var/lib/dpkg/lock-frontend\" >&2\\n"
		"exit 100\\n' > apt-get && chmod +x id dpkg-query apt-get",
		bin, locked);
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	free(cmd);
	cmd = tg_test_path("PATH='%s':\"$PATH\" DEPS_LOCK_TIMEOUT=%d "
			   "DEPS_LOCK_POLL=1 '%s/scripts/deps.sh' build",
			   bin, timeout, tg_test_src_dir());
	rc = tg_test_run(cmd, &out, err);
	free(cmd);
	free(out);
	cmd = tg_test_path("%s/n", bin);
	out = tg_test_read_file(cmd, NULL);
	*calls = out ? atoi(out) : 0;
	free(out);
	free(cmd);
	free(bin);
	return rc;
}

static void test_deps_waits_for_apt_lock(void **state)
{
	char *err = NULL;
	int calls;

	(void)state;
	/* Locked twice, then free: waited for, and installed. */
	assert_int_equal(deps_with_lock(2, 30, &calls, &err), 0);
	/* update twice locked, update, install. */
	assert_int_equal(calls, 4);
	if (!strstr(err, "waiting"))
		fail_msg("deps.sh said: %s", err);
	free(err);

	/* Locked for good: it gives up once the bound is reached. */
	assert_int_not_equal(deps_with_lock(1000, 2, &calls, &err), 0);
	assert_true(calls >= 2 && calls <= 4);
	if (!strstr(err, "giving up"))
		fail_msg("deps.sh said: %s", err);
	free(err);
}

/* ---- the Make fragment -------------------------------------------------- */

static const char *const makefile =
	"include $(shell typegen --makefile-fragment)\n"
	"all: prog.bpf.o\n";

static void make_project(const char *name, const char *env)
{
	char *dir = new_project(name);
	char *mk = tg_test_path("%s/Makefile", dir);
	char *obj = tg_test_path("%s/prog.bpf.o", dir);
	char *out = NULL, *cmd;
	struct stat st1, st2;

	assert_int_equal(tg_test_write_file(mk, makefile, strlen(makefile)),
			 0);
	cmd = tg_test_path("cd '%s' && export %s && env -u MAKEFLAGS "
			   "-u MFLAGS -u MAKELEVEL %s make TYPEGEN_CLANG=%s",
			   dir, path_env, env, tg_test_clang());
	run_ok("%s", cmd);
	assert_bpf_object(obj, "count");

	/* Again: the types did not change, so nothing is rebuilt. */
	assert_int_equal(stat(obj, &st1), 0);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	assert_int_equal(stat(obj, &st2), 0);
	assert_int_equal(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	assert_int_equal(st1.st_mtim.tv_sec, st2.st_mtim.tv_sec);
	free(out);
	free(cmd);
	free(obj);
	free(mk);
	free(dir);
}

static void test_make_vmlinux(void **state)
{
	(void)state;
	NEED_INSTALL();
	SKIP_IF(!tg_test_file_exists("/sys/kernel/btf/vmlinux"),
		"no /sys/kernel/btf/vmlinux");
	make_project("make-vmlinux", "REDBPF_VMLINUX=system");
}

static void test_make_headers(void **state)
{
	char *env;

	(void)state;
	NEED_INSTALL();
	NEED_HEADERS();
	env = tg_test_path("KERNEL_VERSION=%s", headers_ver);
	make_project("make-headers", env);
	free(env);
}

/* ---- the CMake module --------------------------------------------------- */

static const char *const cmakelists =
	"cmake_minimum_required(VERSION 3.16)\n"
	"project(tiny NONE)\n"
	"find_package(typegen REQUIRED)\n"
	"typegen_add_bpf_object(prog prog.bpf.c)\n";

static void cmake_project(const char *name, const char *env)
{
	char *dir = new_project(name);
	char *txt = tg_test_path("%s/CMakeLists.txt", dir);
	char *obj = tg_test_path("%s/b/prog.bpf.o", dir);
	char *clang = NULL;

	SKIP_IF(!have_program("cmake"), "cmake is not installed");
	assert_int_equal(tg_test_write_file(txt, cmakelists,
					    strlen(cmakelists)), 0);
	assert_int_equal(tg_test_run("command -v ${CLANG:-clang-19}", &clang,
				     NULL), 0);
	clang[strcspn(clang, "\n")] = '\0';
	run_ok("cd '%s' && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL %s "
	       "cmake -S . -B b -DCMAKE_PREFIX_PATH='%s/usr' "
	       "-DTYPEGEN_CLANG='%s' && "
	       "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL cmake --build b",
	       dir, env, root, clang);
	assert_bpf_object(obj, "count");
	free(clang);
	free(obj);
	free(txt);
	free(dir);
}

static void test_cmake_vmlinux(void **state)
{
	(void)state;
	NEED_INSTALL();
	SKIP_IF(!tg_test_file_exists("/sys/kernel/btf/vmlinux"),
		"no /sys/kernel/btf/vmlinux");
	cmake_project("cmake-vmlinux", "REDBPF_VMLINUX=system");
}

static void test_cmake_headers(void **state)
{
	char *env;

	(void)state;
	NEED_INSTALL();
	NEED_HEADERS();
	env = tg_test_path("KERNEL_VERSION=%s", headers_ver);
	cmake_project("cmake-headers", env);
	free(env);
}

/* ---- the examples under both methods ------------------------------------ */

/* Build every example with the flags `typegen cflags` gives under @env. */
static void build_examples(const char *name, const char *env, bool headers)
{
	char *dir = tg_test_path("%s/%s", tmp, name);
	char *exdir = tg_test_path("%s/examples", tg_test_src_dir());
	char *flags = NULL, *cmd, *clang = strdup(tg_test_clang());
	char *llc, *opt, *p;
	struct dirent *de;
	int built = 0;
	DIR *d;

	assert_int_equal(mkdir(dir, 0755), 0);
	cmd = tg_test_path("%s %s/typegen cflags --out-dir '%s'", env,
			   tg_test_build_dir(), dir);
	assert_int_equal(tg_test_run(cmd, &flags, NULL), 0);
	free(cmd);
	flags[strcspn(flags, "\n")] = '\0';
	assert_true(strstr(flags, headers ? "-DTYPEGEN_KERNEL_HEADERS" :
			   "-DTYPEGEN_VMLINUX") != NULL);
	/* clang-19 -> llc-19, opt-19 */
	p = strstr(clang, "clang");
	assert_non_null(p);
	llc = tg_test_path("%.*sllc%s", (int)(p - clang), clang, p + 5);
	opt = tg_test_path("%.*sopt%s", (int)(p - clang), clang, p + 5);

	d = opendir(exdir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char *obj;
		int err;

		if (len < 7 || strcmp(de->d_name + len - 6, ".bpf.c"))
			continue;
		obj = tg_test_path("%s/%.*s.o", dir, (int)len - 2, de->d_name);
		if (headers)
			run_ok("%s %s -Wall -Werror -O2 -g -emit-llvm -Xclang "
			       "-disable-llvm-passes -c '%s/%s' -o '%s.ir' && "
			       "%s -O2 -mtriple=bpf-pc-linux '%s.ir' -o '%s.bc' && "
			       "%s -march=bpf -filetype=obj '%s.bc' -o '%s'",
			       clang, flags, exdir, de->d_name, obj, opt, obj,
			       obj, llc, obj, obj);
		else
			run_ok("%s -target bpf %s -Wall -Werror -O2 -g -c "
			       "'%s/%s' -o '%s'", clang, flags, exdir,
			       de->d_name, obj);
		{
			struct bpf_object *bo;

			libbpf_set_print(quiet);
			bo = bpf_object__open_file(obj, NULL);
			if (libbpf_get_error(bo))
				fail_msg("%s: libbpf cannot open it", obj);
			assert_non_null(bpf_object__btf(bo));
			/* Loaded as a whole: the verifier takes every one. */
			err = bpf_object__load(bo);
			if (err && err != -EPERM)
				fail_msg("%s: the kernel does not load it: %s",
					 obj, strerror(-err));
			bpf_object__close(bo);
		}
		built++;
		free(obj);
	}
	closedir(d);
	assert_true(built >= 5);
	free(llc);
	free(opt);
	free(clang);
	free(flags);
	free(exdir);
	free(dir);
}

static void test_examples_vmlinux(void **state)
{
	(void)state;
	SKIP_IF(!tg_test_file_exists("/sys/kernel/btf/vmlinux"),
		"no /sys/kernel/btf/vmlinux");
	build_examples("examples-vmlinux", "REDBPF_VMLINUX=system", false);
}

static void test_examples_headers(void **state)
{
	char *env;

	(void)state;
	NEED_HEADERS();
	env = tg_test_path("KERNEL_VERSION=%s", headers_ver);
	build_examples("examples-headers", env, true);
	free(env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_install_layout),
		cmocka_unit_test(test_pkg_config),
		cmocka_unit_test(test_pkg_config_static),
		cmocka_unit_test(test_deps_waits_for_apt_lock),
		cmocka_unit_test(test_make_vmlinux),
		cmocka_unit_test(test_make_headers),
		cmocka_unit_test(test_cmake_vmlinux),
		cmocka_unit_test(test_cmake_headers),
		cmocka_unit_test(test_examples_vmlinux),
		cmocka_unit_test(test_examples_headers),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
