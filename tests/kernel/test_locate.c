// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The locator: which file it picks and why, under fake sysroots that hold
 * valid BTF at some of the eight probe paths and junk at others, and how
 * REDBPF_VMLINUX and explicit paths change the request.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "typegen.h"
#include "kernel/kernel.h"
#include "tg_test.h"
#include "inputs.h"

#define RELEASE "6.1.0-99-test"
#define PROBE_CNT 9
#define ENV "REDBPF_VMLINUX"

/* The probe list as the documentation spells it, with R = @rel. */
static char *candidate(const char *root, int idx, const char *rel)
{
	switch (idx) {
	case 0: return tg_test_path("%s/sys/kernel/btf/vmlinux", root);
	case 1: return tg_test_path("%s/boot/vmlinux-%s", root, rel);
	case 2: return tg_test_path("%s/lib/modules/%s/vmlinux-%s", root, rel, rel);
	case 3: return tg_test_path("%s/lib/modules/%s/build/vmlinux", root, rel);
	case 4: return tg_test_path("%s/usr/lib/modules/%s/kernel/vmlinux", root, rel);
	case 5: return tg_test_path("%s/usr/lib/debug/boot/vmlinux-%s", root, rel);
	case 6: return tg_test_path("%s/usr/lib/debug/boot/vmlinux-%s.debug", root, rel);
	case 7: return tg_test_path("%s/usr/lib/debug/lib/modules/%s/vmlinux", root, rel);
	case 8: return tg_test_path("%s/boot/vmlinuz-%s", root, rel);
	}
	fail_msg("no candidate %d", idx);
	return NULL;
}

/* What to put at a candidate path. */
enum plant {
	PLANT_BTF,	/* valid raw BTF with a struct named after the slot */
	PLANT_TEXT,
	PLANT_EMPTY,
	PLANT_CUT,	/* the first 10 bytes of valid BTF */
	PLANT_DIR,
	PLANT_ELF_NO_BTF,
};

struct fx {
	char *root;
};


static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	tg_test_silence_libbpf();
	/* Each test states the environment it wants. */
	unsetenv(ENV);
	fx->root = tg_test_mkdtemp();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	unsetenv(ENV);
	tg_test_rmtree(fx->root);
	free(fx->root);
	free(fx);
	return 0;
}

/* Raw BTF holding one struct called @marker, to tell the files apart. */
static void *marked_btf(const char *marker, size_t *len)
{
	struct btf *btf = btf__new_empty();
	const void *raw;
	__u32 size;
	void *copy;

	assert_non_null(btf);
	assert_int_equal(btf__add_int(btf, "int", 4, BTF_INT_SIGNED), 1);
	assert_true(btf__add_struct(btf, marker, 4) > 0);
	assert_int_equal(btf__add_field(btf, "x", 1, 0, 0), 0);
	raw = btf__raw_data(btf, &size);
	copy = malloc(size);
	memcpy(copy, raw, size);
	btf__free(btf);
	*len = size;
	return copy;
}

static char *marker_for(int idx)
{
	return tg_test_path("candidate_%d", idx);
}

static void plant_at(const char *path, enum plant what, const char *marker)
{
	static const char text[] = "not BTF at all\n";
	void *data, *elf;
	size_t len;

	tg_test_mkdir_parents(path);
	switch (what) {
	case PLANT_BTF:
	case PLANT_CUT:
		data = marked_btf(marker, &len);
		assert_int_equal(tg_test_write_file(path, data,
					what == PLANT_CUT ? 10 : len), 0);
		free(data);
		break;
	case PLANT_TEXT:
		assert_int_equal(tg_test_write_file(path, text,
						    sizeof(text) - 1), 0);
		break;
	case PLANT_EMPTY:
		assert_int_equal(tg_test_write_file(path, "", 0), 0);
		break;
	case PLANT_DIR:
		assert_int_equal(mkdir(path, 0755), 0);
		break;
	case PLANT_ELF_NO_BTF:
		elf = tg_test_read_file("/bin/true", &len);
		assert_non_null(elf);
		assert_int_equal(tg_test_write_file(path, elf, len), 0);
		free(elf);
		break;
	}
}

static void plant(const char *root, int idx, enum plant what)
{
	char *path = candidate(root, idx, RELEASE);
	char *marker = marker_for(idx);

	plant_at(path, what, marker);
	free(marker);
	free(path);
}

static struct tg_locator *new_locator(const char *root, bool no_env)
{
	TG_OPTS(tg_locate_opts, opts, .release = RELEASE, .sysroot = root,
		.no_env = no_env);
	struct tg_locator *loc = NULL;

	assert_int_equal(tg_locator__new(&opts, &loc), 0);
	assert_non_null(loc);
	return loc;
}

static void assert_step(const struct tg_locator *loc, size_t idx,
			const char *path, int err)
{
	const struct tg_probe_step *step = tg_locator__step(loc, idx);

	assert_non_null(step);
	assert_string_equal(step->path, path);
	assert_int_equal(step->err, err);
}

/*
 * Why an empty slot is rejected: missing, but /sys/kernel/btf/vmlinux is
 * never a candidate under a sysroot (the running kernel's types).
 */
static int missing(int idx)
{
	return idx == 0 ? -TG_ERRNO__RUNNING : -ENOENT;
}

static void assert_candidate_step(const struct tg_locator *loc,
				  const char *root, int idx, int err)
{
	char *path = candidate(root, idx, RELEASE);

	assert_step(loc, idx, path, err);
	free(path);
}

/* The path of candidate @idx, in a static buffer (for unlink). */
static const char *candidate_path_free(const char *root, int idx)
{
	static char buf[4096];
	char *p = candidate(root, idx, RELEASE);

	snprintf(buf, sizeof(buf), "%s", p);
	free(p);
	return buf;
}

static void assert_has_struct(const struct tg_btf *btf, const char *name)
{
	assert_true(btf__find_by_name_kind(tg_btf__btf(btf), name,
					   BTF_KIND_STRUCT) > 0);
}


/* ---- probing ----------------------------------------------------------- */

static void test_each_candidate_alone(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc;
	struct tg_btf *btf;
	char *marker;
	int i, j;

	/* 0, /sys/kernel/btf/vmlinux, is test_running_btf_only_here's. */
	for (i = 1; i < PROBE_CNT; i++) {
		char *root = tg_test_path("%s/only-%d", fx->root, i);

		assert_int_equal(mkdir(root, 0755), 0);
		plant(root, i, PLANT_BTF);
		loc = new_locator(root, true);
		btf = NULL;
		assert_int_equal(tg_locator__load(loc, &btf), 0);

		/* Everything before it was tried, and was missing. */
		assert_int_equal(tg_locator__step_cnt(loc), i + 1);
		for (j = 0; j < i; j++)
			assert_candidate_step(loc, root, j, missing(j));
		assert_candidate_step(loc, root, i, 0);
		assert_null(tg_locator__step(loc, i + 1));

		assert_string_equal(tg_btf__path(btf),
				    tg_locator__step(loc, i)->path);
		marker = marker_for(i);
		assert_has_struct(btf, marker);
		free(marker);
		tg_btf__free(btf);
		tg_locator__free(loc);
		free(root);
	}
}

static void test_first_loadable_wins(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = new_locator(fx->root, false);
	struct tg_btf *btf = NULL;

	/* Junk of every kind before the first good one; another good after. */
	plant(fx->root, 0, PLANT_BTF);
	plant(fx->root, 1, PLANT_TEXT);
	plant(fx->root, 2, PLANT_EMPTY);
	plant(fx->root, 3, PLANT_CUT);
	plant(fx->root, 4, PLANT_ELF_NO_BTF);
	plant(fx->root, 6, PLANT_BTF);
	plant(fx->root, 7, PLANT_BTF);

	assert_int_equal(tg_locator__request(loc), TG_REQUEST_SYSTEM);
	assert_null(tg_locator__request_path(loc));
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 7);
	assert_candidate_step(loc, fx->root, 0, -TG_ERRNO__RUNNING);
	assert_candidate_step(loc, fx->root, 1, -TG_ERRNO__FORMAT);
	assert_candidate_step(loc, fx->root, 2, -TG_ERRNO__EMPTY);
	assert_candidate_step(loc, fx->root, 3, -TG_ERRNO__TRUNC);
	assert_candidate_step(loc, fx->root, 4, -TG_ERRNO__NOBTF);
	assert_candidate_step(loc, fx->root, 5, -ENOENT);
	assert_candidate_step(loc, fx->root, 6, 0);
	assert_has_struct(btf, "candidate_6");
	tg_btf__free(btf);
	tg_locator__free(loc);
}

static void test_nothing_found(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = new_locator(fx->root, false);
	struct tg_btf *btf = NULL;
	int i;

	plant(fx->root, 1, PLANT_TEXT);
	assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__NOTFOUND);
	assert_null(btf);
	assert_int_equal(tg_locator__step_cnt(loc), PROBE_CNT);
	for (i = 0; i < PROBE_CNT; i++)
		assert_candidate_step(loc, fx->root, i,
				      i == 1 ? -TG_ERRNO__FORMAT : missing(i));
	assert_null(tg_locator__step(loc, PROBE_CNT));
	tg_test_assert_message(-TG_ERRNO__NOTFOUND, "no kernel BTF found");
	tg_locator__free(loc);
}

/*
 * /sys/kernel/btf/vmlinux is the running kernel's: under a sysroot, or for
 * another release, it is rejected with that reason, never chosen.
 */
static void test_running_btf_only_here(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = new_locator(fx->root, true);
	struct tg_btf *btf = NULL;
	struct utsname uts;

	plant(fx->root, 0, PLANT_BTF);
	assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__NOTFOUND);
	assert_candidate_step(loc, fx->root, 0, -TG_ERRNO__RUNNING);
	tg_locator__free(loc);
	tg_test_assert_message(-TG_ERRNO__RUNNING,
		"the running kernel's types, not those of the release or sysroot asked for");

	/* On this machine, for a release that is not running here. */
	{
		TG_OPTS(tg_locate_opts, opts, .release = "9.9.9-bogus",
			.no_env = true);

		assert_int_equal(tg_locator__new(&opts, &loc), 0);
		assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__NOTFOUND);
		assert_null(btf);
		assert_step(loc, 0, "/sys/kernel/btf/vmlinux",
			    -TG_ERRNO__RUNNING);
		tg_locator__free(loc);
	}

	/* The running release, asked for by name: still a candidate. */
	assert_int_equal(uname(&uts), 0);
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0) {
		TG_OPTS(tg_locate_opts, opts, .release = uts.release,
			.no_env = true);

		assert_int_equal(tg_locator__new(&opts, &loc), 0);
		assert_int_equal(tg_locator__load(loc, &btf), 0);
		assert_step(loc, 0, "/sys/kernel/btf/vmlinux", 0);
		tg_btf__free(btf);
		tg_locator__free(loc);
	}
}

/*
 * Symlinks in a sysroot are resolved inside it, as openat2's
 * RESOLVE_IN_ROOT does: an absolute link names a file of the image, and
 * "../.." stops at its root. The step says where the link led.
 */
static void test_sysroot_links_stay_inside(void **state)
{
	struct fx *fx = *state;
	char *inside = tg_test_path("%s/opt/kernel.btf", fx->root);
	char *boot = candidate(fx->root, 1, RELEASE);
	char *modvm = candidate(fx->root, 2, RELEASE);
	char *outside = tg_test_path("%s-outside.btf", fx->root);
	char *real_root = realpath(fx->root, NULL);
	char *want = tg_test_path("%s/opt/kernel.btf", real_root);
	const struct tg_probe_step *step;
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;

	/* Outside the root, at the host path the links name: never read. */
	plant_at(outside, PLANT_BTF, "host_file");
	plant_at(inside, PLANT_BTF, "image_file");
	tg_test_mkdir_parents(boot);
	tg_test_mkdir_parents(modvm);
	/* ../../../.. climbs out on the host; inside the root it stops. */
	{
		char *escape = tg_test_path("../../../../../../../../../..%s",
					    outside);

		assert_int_equal(symlink(escape, boot), 0);
		free(escape);
	}
	assert_int_equal(symlink("/opt/kernel.btf", modvm), 0);

	loc = new_locator(fx->root, true);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	/* The escape finds nothing inside the root. */
	step = tg_locator__step(loc, 1);
	assert_int_equal(step->err, -ENOENT);
	/* The absolute link is the image's /opt/kernel.btf. */
	step = tg_locator__step(loc, 2);
	assert_int_equal(step->err, 0);
	assert_non_null(step->resolved);
	assert_string_equal(step->resolved, want);
	assert_has_struct(btf, "image_file");
	tg_btf__free(btf);
	tg_locator__free(loc);
	unlink(outside);
	free(inside);
	free(boot);
	free(modvm);
	free(outside);
	free(real_root);
	free(want);
}

/*
 * A FIFO would hang the probe and a device never end: each is rejected
 * with a reason, and the next candidate is tried.
 */
static void test_special_files_skipped(void **state)
{
	struct fx *fx = *state;
	char *fifo = candidate(fx->root, 1, RELEASE);
	char *zero = candidate(fx->root, 2, RELEASE);
	char *dev = tg_test_path("%s/zero", fx->root);
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;
	bool have_dev;

	tg_test_mkdir_parents(fifo);
	tg_test_mkdir_parents(zero);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* A zero device of our own, never /dev's; mknod needs CAP_MKNOD. */
	have_dev = mknod(dev, S_IFCHR | 0666, makedev(1, 5)) == 0;
	if (have_dev)
		assert_int_equal(symlink("/zero", zero), 0);
	plant(fx->root, 3, PLANT_BTF);

	loc = new_locator(fx->root, true);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_candidate_step(loc, fx->root, 1, -TG_ERRNO__NOTFILE);
	if (have_dev)
		assert_candidate_step(loc, fx->root, 2, -TG_ERRNO__NOTFILE);
	assert_candidate_step(loc, fx->root, 3, 0);
	assert_has_struct(btf, "candidate_3");
	tg_btf__free(btf);
	tg_locator__free(loc);
	free(fifo);
	free(zero);
	free(dev);
}

static void test_load_again_replaces_steps(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = new_locator(fx->root, false);
	struct tg_btf *btf = NULL;
	char *path = candidate(fx->root, 2, RELEASE);

	plant(fx->root, 2, PLANT_BTF);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 3);
	tg_btf__free(btf);

	/* Same answer: the steps are not appended to the old ones. */
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 3);
	assert_candidate_step(loc, fx->root, 2, 0);
	tg_btf__free(btf);

	/* The file went away: probing really happens again. */
	assert_int_equal(unlink(path), 0);
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__NOTFOUND);
	assert_int_equal(tg_locator__step_cnt(loc), PROBE_CNT);
	assert_candidate_step(loc, fx->root, 2, -ENOENT);
	free(path);
	tg_locator__free(loc);
}

static void test_release(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = NULL;
	struct tg_btf *btf = NULL;
	struct utsname uts;
	char *path;

	(void)fx;
	/* Default: the running kernel's. */
	assert_int_equal(uname(&uts), 0);
	assert_int_equal(tg_locator__new(NULL, &loc), 0);
	assert_string_equal(tg_locator__release(loc), uts.release);
	assert_string_equal(tg_locator__sysroot(loc), "/");
	tg_locator__free(loc);

	/* An override goes into every path that has R in it. */
	loc = new_locator(fx->root, true);
	assert_string_equal(tg_locator__release(loc), RELEASE);
	assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__NOTFOUND);
	assert_step(loc, 0, (path = tg_test_path("%s/sys/kernel/btf/vmlinux",
						 fx->root)), -TG_ERRNO__RUNNING);
	free(path);
	assert_step(loc, 2, (path = tg_test_path("%s/lib/modules/" RELEASE
						 "/vmlinux-" RELEASE,
						 fx->root)), -ENOENT);
	free(path);
	tg_locator__free(loc);
}

static void test_sysroot_joining(void **state)
{
	struct fx *fx = *state;
	char *slashed = tg_test_path("%s///", fx->root);
	struct tg_locator *loc = new_locator(slashed, true);
	struct tg_btf *btf = NULL;
	char *want;

	plant(fx->root, 1, PLANT_BTF);
	assert_string_equal(tg_locator__sysroot(loc), fx->root);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	/* "/tmp/x" + "/boot/vmlinux-R", with no doubled slash. */
	want = tg_test_path("%s/boot/vmlinux-" RELEASE, fx->root);
	assert_step(loc, 1, want, 0);
	assert_string_equal(tg_btf__path(btf), want);
	assert_null(strstr(tg_locator__step(loc, 0)->path, "//"));
	free(want);
	tg_btf__free(btf);
	tg_locator__free(loc);

	/* "/" (and "//") mean the real root: paths are not prefixed. */
	{
		TG_OPTS(tg_locate_opts, opts, .release = RELEASE,
			.sysroot = "//", .no_env = true);

		assert_int_equal(tg_locator__new(&opts, &loc), 0);
		assert_string_equal(tg_locator__sysroot(loc), "/");
		btf = NULL;
		tg_locator__load(loc, &btf);
		tg_btf__free(btf);
		assert_step(loc, 0, "/sys/kernel/btf/vmlinux",
			    tg_locator__step(loc, 0)->err);
		tg_locator__free(loc);
	}
	free(slashed);
}

static void test_real_system(void **state)
{
	TG_OPTS(tg_locate_opts, opts, .no_env = true);
	struct tg_locator *loc = NULL;
	struct tg_btf *btf = NULL;

	(void)state;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "skip: this kernel has no /sys/kernel/btf/vmlinux\n");
		skip();
	}
	assert_int_equal(tg_locator__new(&opts, &loc), 0);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_SYSTEM);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 1);
	assert_step(loc, 0, "/sys/kernel/btf/vmlinux", 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	assert_true(btf__find_by_name_kind(tg_btf__btf(btf), "task_struct",
					   BTF_KIND_STRUCT) > 0);
	tg_btf__free(btf);
	tg_locator__free(loc);
}

/* ---- the boot image and build IDs -------------------------------------- */

#define ID_RUNNING "00112233445566778899aabbccddeeff00112233"
#define ID_STALE "ffeeddccbbaa99887766554433221100ffeeddcc"

/* An ELF file with .BTF (marked @marker) and build ID @id at @path. */
static void plant_elf(const char *path, const char *marker, const char *id)
{
	char *btf = tg_test_path("%s.btf", path);
	size_t len;
	void *data = marked_btf(marker, &len);

	tg_test_mkdir_parents(path);
	fx_write(btf, data, len);
	fx_elf_with_btf(btf, path, id);
	unlink(btf);
	free(btf);
	free(data);
}

/* A vmlinuz: the ELF at @elf, gzip'ed, in an x86 boot image. */
static void plant_vmlinuz(const char *path, const char *elf)
{
	char *gz = tg_test_path("%s.gz", elf);

	tg_test_mkdir_parents(path);
	fx_filter("gzip -c", elf, gz);
	fx_bzimage(gz, fx_size(elf), 0x020f, path);
	unlink(gz);
	free(gz);
}

/* /sys/kernel/notes-like notes: a Xen note, then the build ID @hex. */
static char *notes_file(const char *dir, const char *hex)
{
	unsigned char buf[64] = {
		4, 0, 0, 0, 4, 0, 0, 0, 0x12, 0, 0, 0, 'X', 'e', 'n', 0,
		1, 2, 3, 4,
		4, 0, 0, 0, 20, 0, 0, 0, NT_GNU_BUILD_ID, 0, 0, 0,
		'G', 'N', 'U', 0,
	};
	char *path = tg_test_path("%s/notes", dir);
	unsigned int i, byte;

	for (i = 0; i < 20; i++) {
		sscanf(hex + 2 * i, "%2x", &byte);
		buf[36 + i] = byte;
	}
	fx_write(path, buf, 56);
	return path;
}

static void test_vmlinuz_last(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc = new_locator(fx->root, true);
	char *elf = tg_test_path("%s/kernel.elf", fx->root);
	char *path = candidate(fx->root, PROBE_CNT - 1, RELEASE);
	struct tg_btf *btf = NULL;

	plant_elf(elf, "from_vmlinuz", NULL);
	plant_vmlinuz(path, elf);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), PROBE_CNT);
	assert_candidate_step(loc, fx->root, PROBE_CNT - 1, 0);
	assert_has_struct(btf, "from_vmlinuz");
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_BZIMAGE);
	tg_btf__free(btf);

	/* Any other candidate that loads comes first. */
	plant(fx->root, 5, PLANT_BTF);
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 6);
	assert_has_struct(btf, "candidate_5");
	tg_btf__free(btf);
	tg_locator__free(loc);
	free(path);
	free(elf);
}

static void test_notes_build_id(void **state)
{
	struct fx *fx = *state;
	char *path = notes_file(fx->root, ID_RUNNING);
	unsigned char id[TG_BUILD_ID_MAX];
	size_t len, n;
	void *data = tg_test_read_file(path, &len);

	assert_int_equal(tg_notes_build_id(data, len, false, id, sizeof(id)),
			 20);
	assert_int_equal(id[0], 0x00);
	assert_int_equal(id[19], 0x33);
	/* Cut inside the build ID note, or too long for the buffer. */
	assert_int_equal(tg_notes_build_id(data, 50, false, id, sizeof(id)),
			 0);
	assert_int_equal(tg_notes_build_id(data, len, false, id, 19), 0);
	free(data);
	free(path);

	/* The running kernel's own, if it gives one. */
	data = tg_test_read_file("/sys/kernel/notes", &len);
	if (data) {
		n = tg_notes_build_id(data, len, false, id, sizeof(id));
		printf("running kernel's build ID: %zu bytes\n", n);
		free(data);
	}
}

/*
 * Probing for the running kernel: a vmlinux of another build is stale and
 * skipped, with the reason recorded; the vmlinuz of this one is chosen.
 */
static void test_stale_build_id(void **state)
{
	struct fx *fx = *state;
	char *vmlinux = candidate(fx->root, 1, RELEASE);
	char *vmlinuz = candidate(fx->root, PROBE_CNT - 1, RELEASE);
	char *elf = tg_test_path("%s/running.elf", fx->root);
	char *notes = notes_file(fx->root, ID_RUNNING);
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;
	int i;

	plant_elf(vmlinux, "stale", ID_STALE);
	plant_elf(elf, "running", ID_RUNNING);
	plant_vmlinuz(vmlinuz, elf);

	loc = new_locator(fx->root, true);
	assert_int_equal(tg_locator_set_notes(loc, notes), 0);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), PROBE_CNT);
	assert_candidate_step(loc, fx->root, 1, -TG_ERRNO__STALE);
	for (i = 2; i < PROBE_CNT - 1; i++)
		assert_candidate_step(loc, fx->root, i, -ENOENT);
	assert_candidate_step(loc, fx->root, PROBE_CNT - 1, 0);
	assert_has_struct(btf, "running");
	tg_test_assert_message(-TG_ERRNO__STALE,
		       "build ID does not match the running kernel's");
	tg_btf__free(btf);

	/* Raw BTF has no build ID: not checked. */
	plant(fx->root, 2, PLANT_BTF);
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_has_struct(btf, "candidate_2");
	tg_btf__free(btf);
	tg_locator__free(loc);

	/* With a sysroot nothing is the running kernel: no check. */
	unlink(candidate_path_free(fx->root, 2));
	loc = new_locator(fx->root, true);
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_has_struct(btf, "stale");
	tg_btf__free(btf);
	tg_locator__free(loc);
	free(notes);
	free(elf);
	free(vmlinuz);
	free(vmlinux);
}

/* ---- REDBPF_VMLINUX and explicit paths ---------------------------------- */

static void test_env_path(void **state)
{
	struct fx *fx = *state;
	char *file = tg_test_path("%s/my.btf", fx->root);
	char *missing = tg_test_path("%s/missing.btf", fx->root);
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;

	plant_at(file, PLANT_BTF, "from_env");
	/* A good file in the probe list must not matter. */
	plant(fx->root, 0, PLANT_BTF);

	setenv(ENV, file, 1);
	loc = new_locator(fx->root, false);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_ENV_PATH);
	assert_string_equal(tg_locator__request_path(loc), file);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 1);
	assert_step(loc, 0, file, 0);
	assert_has_struct(btf, "from_env");
	tg_btf__free(btf);
	tg_locator__free(loc);

	/* The named file's own error, not NOTFOUND, and no probing. */
	setenv(ENV, missing, 1);
	loc = new_locator(fx->root, false);
	btf = NULL;
	assert_int_equal(tg_locator__load(loc, &btf), -ENOENT);
	assert_null(btf);
	assert_int_equal(tg_locator__step_cnt(loc), 1);
	assert_step(loc, 0, missing, -ENOENT);
	tg_locator__free(loc);

	/* The environment is read when the locator is made. */
	unsetenv(ENV);
	loc = new_locator(fx->root, false);
	setenv(ENV, file, 1);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_SYSTEM);
	tg_locator__free(loc);

	free(missing);
	free(file);
}

static void test_env_system(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;

	plant(fx->root, 3, PLANT_BTF);
	setenv(ENV, "system", 1);
	loc = new_locator(fx->root, false);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_ENV_SYSTEM);
	assert_null(tg_locator__request_path(loc));
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_int_equal(tg_locator__step_cnt(loc), 4);
	assert_candidate_step(loc, fx->root, 3, 0);
	assert_has_struct(btf, "candidate_3");
	tg_btf__free(btf);
	tg_locator__free(loc);
}

static void test_env_empty(void **state)
{
	struct fx *fx = *state;
	struct tg_locator *loc;
	struct tg_btf *btf = NULL;

	/* Even with a loadable file to find, "" is an error. */
	plant(fx->root, 1, PLANT_BTF);
	setenv(ENV, "", 1);
	loc = new_locator(fx->root, false);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_ENV_EMPTY);
	assert_null(tg_locator__request_path(loc));
	assert_int_equal(tg_locator__load(loc, &btf), -TG_ERRNO__ENV_EMPTY);
	assert_null(btf);
	assert_int_equal(tg_locator__step_cnt(loc), 0);
	assert_null(tg_locator__step(loc, 0));
	tg_test_assert_message(-TG_ERRNO__ENV_EMPTY,
		       "REDBPF_VMLINUX is set but empty (unset it, or set it "
		       "to a path or to \"system\")");
	tg_locator__free(loc);

	/* no_env: as if it were unset. */
	loc = new_locator(fx->root, true);
	assert_int_equal(tg_locator__request(loc), TG_REQUEST_SYSTEM);
	assert_int_equal(tg_locator__load(loc, &btf), 0);
	assert_has_struct(btf, "candidate_1");
	tg_btf__free(btf);
	tg_locator__free(loc);
}

static void test_explicit_path_wins(void **state)
{
	struct fx *fx = *state;
	char *file = tg_test_path("%s/explicit.btf", fx->root);
	char *other = tg_test_path("%s/other.btf", fx->root);
	const char *envs[] = { "", "system", other };
	struct tg_locator *loc;
	struct tg_btf *btf;
	size_t i;

	plant_at(file, PLANT_BTF, "explicit");
	plant_at(other, PLANT_BTF, "other");
	plant(fx->root, 0, PLANT_BTF);

	for (i = 0; i < sizeof(envs) / sizeof(envs[0]); i++) {
		TG_OPTS(tg_locate_opts, opts, .path = file,
			.sysroot = fx->root);

		setenv(ENV, envs[i], 1);
		loc = NULL;
		assert_int_equal(tg_locator__new(&opts, &loc), 0);
		assert_int_equal(tg_locator__request(loc), TG_REQUEST_PATH);
		assert_string_equal(tg_locator__request_path(loc), file);
		btf = NULL;
		assert_int_equal(tg_locator__load(loc, &btf), 0);
		/* Taken as given: the sysroot only applies to probing. */
		assert_int_equal(tg_locator__step_cnt(loc), 1);
		assert_step(loc, 0, file, 0);
		assert_has_struct(btf, "explicit");
		tg_btf__free(btf);
		tg_locator__free(loc);
	}

	/* A bad explicit path is reported as such. */
	{
		TG_OPTS(tg_locate_opts, opts, .path = fx->root);

		unsetenv(ENV);
		assert_int_equal(tg_locator__new(&opts, &loc), 0);
		btf = NULL;
		assert_int_equal(tg_locator__load(loc, &btf), -EISDIR);
		assert_step(loc, 0, fx->root, -EISDIR);
		tg_locator__free(loc);
	}
	free(other);
	free(file);
}

/* ---- arguments ----------------------------------------------------------- */

struct bigger_locate_opts {
	struct tg_locate_opts opts;
	long future;
};

static void test_bad_opts(void **state)
{
	struct bigger_locate_opts big = {
		.opts.sz = sizeof(struct bigger_locate_opts),
	};
	struct tg_locator *loc = NULL;

	(void)state;
	assert_int_equal(tg_locator__new(&big.opts, &loc), 0);
	tg_locator__free(loc);
	loc = NULL;
	big.future = 1;
	assert_int_equal(tg_locator__new(&big.opts, &loc), -EINVAL);
	assert_null(loc);

	{
		TG_OPTS(tg_locate_opts, opts, .path = "");
		assert_int_equal(tg_locator__new(&opts, &loc), -EINVAL);
	}
	{
		TG_OPTS(tg_locate_opts, opts, .release = "");
		assert_int_equal(tg_locator__new(&opts, &loc), -EINVAL);
	}
	{
		TG_OPTS(tg_locate_opts, opts, .release = "../../etc");
		assert_int_equal(tg_locator__new(&opts, &loc), -EINVAL);
	}
	{
		TG_OPTS(tg_locate_opts, opts, .sysroot = "");
		assert_int_equal(tg_locator__new(&opts, &loc), -EINVAL);
	}
	assert_null(loc);
	assert_int_equal(tg_locator__new(NULL, NULL), -EINVAL);
	assert_int_equal(tg_locator__load(NULL, NULL), -EINVAL);
	tg_locator__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_candidate_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_loadable_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_again_replaces_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysroot_joining, setup, teardown),
		cmocka_unit_test_setup_teardown(test_running_btf_only_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysroot_links_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_special_files_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_system, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmlinuz_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes_build_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_build_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_system, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_path_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_opts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
