// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tg_btf__open() and tg_btf__open_mem() on real inputs (the kernel's BTF, a
 * BPF object, raw BTF written by libbpf, ELF files of other classes and byte
 * orders) and on broken ones, each of which must give its exact error.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "typegen.h"
#include "tg_test.h"

#define SYSFS_VMLINUX "/sys/kernel/btf/vmlinux"

struct fx {
	char *dir;
	char *obj_path;		/* the load_basic.bpf.o fixture */
	void *obj;
	size_t obj_sz;
	void *raw;		/* its .BTF as raw BTF, host byte order */
	size_t raw_sz;
	char *raw_path;
};

static struct fx fx;


static int setup(void **state)
{
	struct btf *btf;
	const void *raw;
	__u32 raw_sz;

	(void)state;
	/* libbpf explains every rejected input on stderr; keep logs clean. */
	tg_test_silence_libbpf();

	fx.obj_path = tg_test_fixture("load_basic.bpf.o");
	fx.obj = tg_test_read_file(fx.obj_path, &fx.obj_sz);
	if (!fx.obj) {
		fprintf(stderr, "%s missing: run `make fixtures` first\n",
			fx.obj_path);
		return -1;
	}
	btf = btf__parse_elf(fx.obj_path, NULL);
	if (!btf)
		return -1;
	raw = btf__raw_data(btf, &raw_sz);
	fx.raw = malloc(raw_sz);
	memcpy(fx.raw, raw, raw_sz);
	fx.raw_sz = raw_sz;
	btf__free(btf);

	fx.dir = tg_test_mkdtemp();
	fx.raw_path = tg_test_path("%s/basic.btf", fx.dir);
	return tg_test_write_file(fx.raw_path, fx.raw, fx.raw_sz);
}

static int teardown(void **state)
{
	(void)state;
	if (fx.dir)
		tg_test_rmtree(fx.dir);
	free(fx.dir);
	free(fx.obj_path);
	free(fx.obj);
	free(fx.raw);
	free(fx.raw_path);
	return 0;
}

/* Write @len bytes of @data to a new file @name in the temp dir. */
static char *tmp_file(const char *name, const void *data, size_t len)
{
	char *path = tg_test_path("%s/%s", fx.dir, name);

	assert_int_equal(tg_test_write_file(path, data, len), 0);
	return path;
}


static void assert_open_fails(const char *path, int want, const char *msg)
{
	struct tg_btf *btf = NULL;

	assert_int_equal(tg_btf__open(path, NULL, &btf), want);
	assert_null(btf);
	tg_test_assert_message(want, msg);
}

static void assert_mem_fails(const void *data, size_t len, int want,
			     const char *msg)
{
	struct tg_btf *btf = NULL;

	assert_int_equal(tg_btf__open_mem(data, len, "mem", NULL, &btf), want);
	assert_null(btf);
	tg_test_assert_message(want, msg);
}

/* Both ways in: as a file and from memory. */
static void assert_fails(const char *name, const void *data, size_t len,
			 int want, const char *msg)
{
	char *path = tmp_file(name, data, len);

	assert_open_fails(path, want, msg);
	assert_mem_fails(data, len, want, msg);
	free(path);
}

static void assert_fixture_types(const struct btf *btf)
{
	const struct btf_type *t;
	__s32 id;

	id = btf__find_by_name_kind(btf, "load_basic_shape", BTF_KIND_STRUCT);
	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	assert_int_equal(t->size, 48);
	assert_int_equal(btf_vlen(t), 3);

	id = btf__find_by_name_kind(btf, "load_basic_point", BTF_KIND_STRUCT);
	assert_true(id > 0);
	assert_int_equal(btf__type_by_id(btf, id)->size, 8);

	assert_true(btf__find_by_name_kind(btf, "load_basic_shape",
					   BTF_KIND_VAR) > 0);
}

static void *dup_mem(const void *data, size_t len)
{
	void *p = malloc(len);

	assert_non_null(p);
	memcpy(p, data, len);
	return p;
}

/* ---- inputs that load ------------------------------------------------ */

static void test_sysfs_vmlinux(void **state)
{
	struct tg_btf *btf = NULL;
	const struct btf *b;

	(void)state;
	if (access(SYSFS_VMLINUX, R_OK)) {
		fprintf(stderr, "skip: this kernel has no %s\n", SYSFS_VMLINUX);
		skip();
	}
	assert_int_equal(tg_btf__open(SYSFS_VMLINUX, NULL, &btf), 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	assert_string_equal(tg_btf__path(btf), SYSFS_VMLINUX);
	b = tg_btf__btf(btf);
	assert_true(btf__type_cnt(b) > 10000);
	assert_true(btf__find_by_name_kind(b, "task_struct",
					   BTF_KIND_STRUCT) > 0);
	assert_int_equal(btf__pointer_size(b), sizeof(void *));
	tg_btf__free(btf);
}

static void test_bpf_object(void **state)
{
	struct tg_btf *btf = NULL;

	(void)state;
	assert_int_equal(tg_btf__open(fx.obj_path, NULL, &btf), 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_ELF);
	assert_string_equal(tg_btf__path(btf), fx.obj_path);
	assert_fixture_types(tg_btf__btf(btf));
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), 8);
	tg_btf__free(btf);
}

static void test_raw_btf_file(void **state)
{
	struct tg_btf *btf = NULL;
	const void *data;
	__u32 size;

	(void)state;
	assert_int_equal(tg_btf__open(fx.raw_path, NULL, &btf), 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	assert_string_equal(tg_btf__path(btf), fx.raw_path);
	assert_fixture_types(tg_btf__btf(btf));
	/* Nothing lost or added on the way. */
	data = btf__raw_data(tg_btf__btf(btf), &size);
	assert_int_equal(size, fx.raw_sz);
	assert_memory_equal(data, fx.raw, size);
	tg_btf__free(btf);
}

static void *swapped_raw_btf(size_t *len)
{
	struct btf *btf = btf__new(fx.raw, fx.raw_sz);
	const void *data;
	__u32 size;
	void *copy;

	assert_non_null(btf);
	assert_int_equal(btf__set_endianness(btf, BTF_BIG_ENDIAN), 0);
	data = btf__raw_data(btf, &size);
	copy = dup_mem(data, size);
	btf__free(btf);
	*len = size;
	return copy;
}

static void test_swapped_raw_btf(void **state)
{
	struct tg_btf *btf = NULL;
	size_t len;
	unsigned char *data = swapped_raw_btf(&len);
	char *path = tmp_file("swapped.btf", data, len);

	(void)state;
	/* The test is only worth something if the bytes really are swapped. */
	assert_int_equal(data[0], 0xeb);
	assert_int_equal(data[1], 0x9f);

	assert_int_equal(tg_btf__open(path, NULL, &btf), 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	assert_fixture_types(tg_btf__btf(btf));
	tg_btf__free(btf);
	free(path);
	free(data);
}

static void test_open_mem(void **state)
{
	struct tg_btf *btf = NULL;
	void *copy;

	(void)state;
	/* Raw BTF; the input is copied, so the caller's buffer may go. */
	copy = dup_mem(fx.raw, fx.raw_sz);
	assert_int_equal(tg_btf__open_mem(copy, fx.raw_sz, "my raw", NULL,
					  &btf), 0);
	memset(copy, 0xff, fx.raw_sz);
	free(copy);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_RAW_BTF);
	assert_string_equal(tg_btf__path(btf), "my raw");
	assert_fixture_types(tg_btf__btf(btf));
	tg_btf__free(btf);

	/* ELF, without a name. */
	copy = dup_mem(fx.obj, fx.obj_sz);
	btf = NULL;
	assert_int_equal(tg_btf__open_mem(copy, fx.obj_sz, NULL, NULL, &btf),
			 0);
	memset(copy, 0, fx.obj_sz);
	free(copy);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_ELF);
	assert_null(tg_btf__path(btf));
	assert_fixture_types(tg_btf__btf(btf));
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), 8);
	tg_btf__free(btf);
}

/*
 * Build an object for another target with llvm-mc, its .BTF section holding
 * the raw BTF in @btf_path. Returns the path of the object.
 */
static char *assemble_btf_object(const char *triple, const char *btf_path,
				 const char *name)
{
	char *asm_src = tg_test_path("\t.section .BTF,\"\",%%progbits\n"
				     "\t.incbin \"%s\"\n", btf_path);
	char *asm_path = tmp_file("btf.s", asm_src, strlen(asm_src));
	char *obj_path = tg_test_path("%s/%s", fx.dir, name);
	char *cmd = tg_test_path("llvm-mc-19 -triple=%s -filetype=obj -o '%s' '%s'",
				 triple, obj_path, asm_path);
	char *err = NULL;
	int rc = tg_test_run(cmd, NULL, &err);

	if (rc)
		fprintf(stderr, "%s failed (%d): %s\n", cmd, rc, err);
	assert_int_equal(rc, 0);
	free(err);
	free(cmd);
	free(asm_path);
	free(asm_src);
	return obj_path;
}

static void test_elf32_pointer_size(void **state)
{
	char *obj = assemble_btf_object("i386-linux-gnu", fx.raw_path,
					"btf32.o");
	struct tg_btf *btf = NULL;
	unsigned char *data;
	size_t len;

	(void)state;
	data = tg_test_read_file(obj, &len);
	assert_int_equal(data[EI_CLASS], ELFCLASS32);
	free(data);

	assert_int_equal(tg_btf__open(obj, NULL, &btf), 0);
	assert_int_equal(tg_btf__format(btf), TG_FORMAT_ELF);
	assert_fixture_types(tg_btf__btf(btf));
	/* The BTF itself has 8-byte pointers: the ELF class decides. */
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), 4);
	tg_btf__free(btf);
	free(obj);
}

static void test_big_endian_elf(void **state)
{
	size_t len;
	void *swapped = swapped_raw_btf(&len);
	char *btf_path = tmp_file("be.btf", swapped, len);
	char *obj = assemble_btf_object("powerpc64-linux-gnu", btf_path,
					"be64.o");
	struct tg_btf *btf = NULL;
	unsigned char *data;

	(void)state;
	data = tg_test_read_file(obj, &len);
	assert_int_equal(data[EI_DATA], ELFDATA2MSB);
	assert_int_equal(data[EI_CLASS], ELFCLASS64);

	assert_int_equal(tg_btf__open(obj, NULL, &btf), 0);
	assert_int_equal(btf__endianness(tg_btf__btf(btf)), BTF_BIG_ENDIAN);
	assert_fixture_types(tg_btf__btf(btf));
	assert_int_equal(btf__pointer_size(tg_btf__btf(btf)), 8);
	tg_btf__free(btf);

	btf = NULL;
	assert_int_equal(tg_btf__open_mem(data, len, NULL, NULL, &btf), 0);
	assert_fixture_types(tg_btf__btf(btf));
	tg_btf__free(btf);
	free(data);
	free(obj);
	free(btf_path);
	free(swapped);
}

/*
 * The architecture comes from the ELF file the BTF is in, whatever the
 * host: one object assembled for each target, the same types inside.
 */
static void test_elf_arch(void **state)
{
	static const struct {
		const char *triple;
		enum tg_arch arch;
		const char *name;
	} targets[] = {
		{ "x86_64-linux-gnu", TG_ARCH_X86_64, "x86_64" },
		{ "i386-linux-gnu", TG_ARCH_I386, "i386" },
		{ "aarch64-linux-gnu", TG_ARCH_ARM64, "arm64" },
		{ "armv7a-linux-gnueabihf", TG_ARCH_ARM, "arm" },
		{ "powerpc64le-linux-gnu", TG_ARCH_PPC64, "ppc64" },
		{ "s390x-linux-gnu", TG_ARCH_S390X, "s390x" },
		{ "riscv64-linux-gnu", TG_ARCH_RISCV64, "riscv64" },
		{ "mips64el-linux-gnuabi64", TG_ARCH_MIPS64, "mips64" },
	};
	struct tg_btf *btf = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		char *obj = assemble_btf_object(targets[i].triple, fx.raw_path,
						"arch.o");

		assert_int_equal(tg_btf__open(obj, NULL, &btf), 0);
		assert_fixture_types(tg_btf__btf(btf));
		if (tg_btf__arch(btf) != targets[i].arch)
			fail_msg("%s: arch %s, expected %s", targets[i].triple,
				 tg_arch__str(tg_btf__arch(btf)),
				 targets[i].name);
		assert_string_equal(tg_arch__str(tg_btf__arch(btf)),
				    targets[i].name);
		tg_btf__free(btf);
		btf = NULL;
		free(obj);
	}

	/* Raw BTF does not say, until the caller does. */
	assert_int_equal(tg_btf__open(fx.raw_path, NULL, &btf), 0);
	assert_int_equal(tg_btf__arch(btf), TG_ARCH_UNKNOWN);
	assert_int_equal(tg_btf__set_arch(btf, TG_ARCH_ARM64), 0);
	assert_int_equal(tg_btf__arch(btf), TG_ARCH_ARM64);
	assert_int_equal(tg_btf__set_arch(btf, __TG_ARCH_CNT), -EINVAL);
	assert_int_equal(tg_btf__arch(btf), TG_ARCH_ARM64);
	tg_btf__free(btf);
}

/* The names users type for an architecture, and libbpf's suffixes. */
static void test_arch_names(void **state)
{
	static const struct {
		const char *name;
		enum tg_arch arch;
	} names[] = {
		{ "amd64", TG_ARCH_X86_64 },	{ "x86_64", TG_ARCH_X86_64 },
		{ "aarch64", TG_ARCH_ARM64 },	{ "arm64", TG_ARCH_ARM64 },
		{ "armhf", TG_ARCH_ARM },	{ "i686", TG_ARCH_I386 },
		{ "ppc64el", TG_ARCH_PPC64 },	{ "s390x", TG_ARCH_S390X },
		{ "loong64", TG_ARCH_LOONGARCH64 },
	};
	enum tg_arch arch;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		arch = TG_ARCH_UNKNOWN;
		assert_int_equal(tg_arch__from_str(names[i].name, &arch), 0);
		assert_int_equal(arch, names[i].arch);
	}
	assert_int_equal(tg_arch__from_str("vax", &arch), -EINVAL);
	assert_int_equal(tg_arch__from_str("unknown", &arch), -EINVAL);
	/* Every known architecture's name reads back as itself. */
	for (i = TG_ARCH_UNKNOWN + 1; i < __TG_ARCH_CNT; i++) {
		assert_int_equal(tg_arch__from_str(tg_arch__str(i), &arch), 0);
		assert_int_equal(arch, i);
		assert_non_null(tg_arch__target(i));
		assert_true(tg_arch__ptr_size(i) == 4 ||
			    tg_arch__ptr_size(i) == 8);
	}
	assert_string_equal(tg_arch__target(TG_ARCH_S390X), "s390");
	assert_string_equal(tg_arch__target(TG_ARCH_I386), "x86");
	assert_int_equal(tg_arch__ptr_size(TG_ARCH_ARM), 4);
	assert_null(tg_arch__target(TG_ARCH_UNKNOWN));
	assert_string_equal(tg_arch__str(__TG_ARCH_CNT), "unknown");
}

/* A FIFO has no size: the loader must read it to the end. */
static void open_through_fifo(const void *data, size_t len,
			      enum tg_format want)
{
	char *fifo = tg_test_path("%s/fifo", fx.dir);
	struct tg_btf *btf = NULL;
	int status, fd;
	pid_t pid;

	unlink(fifo);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Free what the child owns: valgrind checks children too. */
		fd = open(fifo, O_WRONLY);
		free(fifo);
		_exit(fd < 0 || write(fd, data, len) != (ssize_t)len);
	}
	assert_int_equal(tg_btf__open(fifo, NULL, &btf), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(tg_btf__format(btf), want);
	assert_fixture_types(tg_btf__btf(btf));
	tg_btf__free(btf);
	unlink(fifo);
	free(fifo);
}

static void test_fifo(void **state)
{
	(void)state;
	open_through_fifo(fx.raw, fx.raw_sz, TG_FORMAT_RAW_BTF);
	open_through_fifo(fx.obj, fx.obj_sz, TG_FORMAT_ELF);
}

/* ---- inputs that do not ---------------------------------------------- */

static void test_missing_file(void **state)
{
	char *path = tg_test_path("%s/no-such-file", fx.dir);

	(void)state;
	assert_open_fails(path, -ENOENT, "No such file or directory");
	free(path);
}

static void test_directory(void **state)
{
	(void)state;
	assert_open_fails(fx.dir, -EISDIR, "Is a directory");
}

/* The exit status of the child in test_permission_denied. */
static int open_as_nobody(const char *path, const char *readable)
{
	struct tg_btf *btf = NULL;
	int err;

	/* The mode, not the way to the file, must be the reason. */
	err = tg_btf__open(readable, NULL, &btf);
	tg_btf__free(btf);
	if (err)
		return 2;
	btf = NULL;
	err = tg_btf__open(path, NULL, &btf);
	return err == -EACCES && !btf ? 0 : 1;
}

static void test_permission_denied(void **state)
{
	char dir[] = "/tmp/tg-load.XXXXXX";
	char *path, *readable;
	int status, err;
	pid_t pid;

	(void)state;
	/* Under /tmp, so that nobody can reach it if we have to be nobody. */
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	path = tg_test_path("%s/secret.btf", dir);
	readable = tg_test_path("%s/public.btf", dir);
	assert_int_equal(tg_test_write_file(path, fx.raw, fx.raw_sz), 0);
	assert_int_equal(tg_test_write_file(readable, fx.raw, fx.raw_sz), 0);
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(chmod(readable, 0644), 0);

	if (geteuid() != 0) {
		assert_open_fails(path, -EACCES, "Permission denied");
		goto out;
	}
	/* root reads anything: try as nobody, in a child. */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			err = 100;
		else
			err = open_as_nobody(path, readable);
		/* Free what the child owns: valgrind checks children too. */
		free(path);
		free(readable);
		_exit(err);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100) {
		fprintf(stderr, "skip: cannot switch to uid 65534\n");
		unlink(path);
		unlink(readable);
		rmdir(dir);
		free(path);
		free(readable);
		skip();
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	tg_test_assert_message(-EACCES, "Permission denied");
out:
	unlink(path);
	unlink(readable);
	rmdir(dir);
	free(path);
	free(readable);
}

static void test_empty(void **state)
{
	(void)state;
	assert_fails("empty", "", 0, -TG_ERRNO__EMPTY, "file is empty");
}

static void test_too_short_for_magic(void **state)
{
	(void)state;
	/* What is there is the start of a known magic: cut short. */
	assert_fails("three", fx.raw, 3, -TG_ERRNO__TRUNC, "file is truncated");
	assert_fails("one", fx.raw, 1, -TG_ERRNO__TRUNC, "file is truncated");
	assert_fails("elf3", "\177EL", 3, -TG_ERRNO__TRUNC,
		     "file is truncated");
	/* Not the start of any magic. */
	assert_fails("ab", "ab\n", 3, -TG_ERRNO__FORMAT,
		     "not BTF, ELF, a boot image, a tar archive or "
		     "compressed data");
}

static void test_bad_magic(void **state)
{
	static const char text[] =
		"struct task_struct;\n/* this is a C header, not BTF */\n";

	(void)state;
	assert_fails("text.h", text, sizeof(text) - 1, -TG_ERRNO__FORMAT,
		     "not BTF, ELF, a boot image, a tar archive or "
		     "compressed data");
}

static void test_raw_btf_truncated(void **state)
{
	const struct btf_header *hdr = fx.raw;
	size_t type_end = hdr->hdr_len + hdr->type_off + hdr->type_len;
	size_t str_end = hdr->hdr_len + hdr->str_off + hdr->str_len;

	(void)state;
	/* The cuts below land where they are meant to. */
	assert_int_equal(str_end, fx.raw_sz);
	assert_true(type_end < str_end);

	assert_fails("hdr-cut", fx.raw, 10, -TG_ERRNO__TRUNC,
		     "file is truncated");
	assert_fails("hdr-only", fx.raw, hdr->hdr_len, -TG_ERRNO__TRUNC,
		     "file is truncated");
	assert_fails("types-cut", fx.raw, hdr->hdr_len + hdr->type_len / 2,
		     -TG_ERRNO__TRUNC, "file is truncated");
	assert_fails("strings-cut", fx.raw, fx.raw_sz - 1, -TG_ERRNO__TRUNC,
		     "file is truncated");
}

static void test_raw_btf_truncated_swapped(void **state)
{
	size_t len;
	void *data = swapped_raw_btf(&len);

	(void)state;
	assert_fails("swapped-cut", data, len - 1, -TG_ERRNO__TRUNC,
		     "file is truncated");
	free(data);
}

/* A header that fits the data, followed by @types_len bytes of @fill. */
static void *btf_with_types(const void *types, __u32 types_len,
			    __u32 hdr_len, size_t *len)
{
	struct btf_header hdr = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = hdr_len,
		.type_off = 0,
		.type_len = types_len,
		.str_off = types_len,
		.str_len = 1,
	};
	size_t body = hdr_len + types_len + 1;
	char *buf = calloc(1, body);

	assert_non_null(buf);
	memcpy(buf, &hdr, hdr_len < sizeof(hdr) ? hdr_len : sizeof(hdr));
	memcpy(buf + hdr_len, types, types_len);
	*len = body;
	return buf;
}

static void test_garbage_types(void **state)
{
	unsigned char garbage[32];
	size_t len;
	void *data;

	(void)state;
	memset(garbage, 0xff, sizeof(garbage));
	data = btf_with_types(garbage, sizeof(garbage),
			      sizeof(struct btf_header), &len);
	assert_fails("garbage", data, len, -TG_ERRNO__BTF, "invalid BTF data");
	free(data);

	/* A header that claims to be shorter than a BTF header. */
	data = btf_with_types(garbage, sizeof(garbage), 8, &len);
	assert_fails("short-hdr", data, len, -TG_ERRNO__BTF,
		     "invalid BTF data");
	free(data);
}

/*
 * Records libbpf 1.1 takes (each fits its section) that point at nothing:
 * a type id past the last type, a name past the string section.
 */
static void test_dangling_refs(void **state)
{
	const __u32 int_info = BTF_KIND_INT << 24;
	const __u32 enc = 32;	/* BTF_INT_BITS 32, unsigned, offset 0 */
	const struct {
		const char *name;
		__u32 words[10];
		size_t cnt;
	} cases[] = {
		/* int, then a pointer to type 7 */
		{ "ptr-to-nothing", { 0, int_info, 4, enc,
				      0, BTF_KIND_PTR << 24, 7 }, 7 },
		/* an int named at offset 100 of a 1-byte string section */
		{ "name-past-strings", { 100, int_info, 4, enc }, 4 },
		/* a struct whose one member's type is 9 */
		{ "member-of-nothing", { 0, BTF_KIND_STRUCT << 24 | 1, 4,
					 0, 9, 0 }, 6 },
		/* an array of 2 ints indexed by type 5 */
		{ "array-index-nothing", { 0, int_info, 4, enc,
					   0, BTF_KIND_ARRAY << 24, 0,
					   1, 5, 2 }, 10 },
	};
	size_t i, len;
	void *data;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		data = btf_with_types(cases[i].words,
				      cases[i].cnt * sizeof(__u32),
				      sizeof(struct btf_header), &len);
		assert_fails(cases[i].name, data, len, -TG_ERRNO__BTF,
			     "invalid BTF data");
		free(data);
	}
}

static void test_elf_without_btf(void **state)
{
	char *src = tmp_file("plain.c", "int plain(void) { return 1; }\n", 30);
	char *obj = tg_test_path("%s/plain.o", fx.dir);
	char *cmd = tg_test_path("gcc -c -o '%s' '%s'", obj, src);

	(void)state;
	assert_int_equal(tg_test_run(cmd, NULL, NULL), 0);
	assert_open_fails(obj, -TG_ERRNO__NOBTF,
			  "ELF file has no .BTF section");
	assert_open_fails("/bin/true", -TG_ERRNO__NOBTF,
			  "ELF file has no .BTF section");
	free(cmd);
	free(obj);
	free(src);
}

static void test_elf_truncated(void **state)
{
	(void)state;
	/* The section table is at the end of the file. */
	assert_fails("half.o", fx.obj, fx.obj_sz / 2, -TG_ERRNO__TRUNC,
		     "file is truncated");
	assert_fails("table-cut.o", fx.obj, fx.obj_sz - 1, -TG_ERRNO__TRUNC,
		     "file is truncated");
	/* Shorter than an ELF header. */
	assert_fails("ehdr-cut.o", fx.obj, 40, -TG_ERRNO__TRUNC,
		     "file is truncated");
}

/* The section header of .BTF in a copy of the 64-bit LE fixture. */
static Elf64_Shdr *find_btf_shdr(void *obj)
{
	Elf64_Ehdr *eh = obj;
	Elf64_Shdr *sh = (Elf64_Shdr *)((char *)obj + eh->e_shoff);
	const char *names = (char *)obj + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (strcmp(names + sh[i].sh_name, ".BTF") == 0)
			return &sh[i];
	fail_msg("fixture has no .BTF section");
	return NULL;
}

static void test_elf_btf_beyond_eof(void **state)
{
	void *obj = dup_mem(fx.obj, fx.obj_sz);
	Elf64_Shdr *sh = find_btf_shdr(obj);

	(void)state;
	sh->sh_size = fx.obj_sz;
	assert_fails("btf-eof.o", obj, fx.obj_sz, -TG_ERRNO__TRUNC,
		     "file is truncated");
	sh->sh_size = 16;
	sh->sh_offset = fx.obj_sz - 8;
	assert_fails("btf-eof2.o", obj, fx.obj_sz, -TG_ERRNO__TRUNC,
		     "file is truncated");
	free(obj);
}

static void test_elf_btf_nobits(void **state)
{
	void *obj = dup_mem(fx.obj, fx.obj_sz);
	struct tg_btf *btf = NULL;

	(void)state;
	/*
	 * As objcopy --only-keep-debug leaves it in a .debug file: no .BTF,
	 * but the DWARF is there, and the types come from it.
	 */
	find_btf_shdr(obj)->sh_type = SHT_NOBITS;
	assert_int_equal(tg_btf__open_mem(obj, fx.obj_sz, "nobits.o", NULL,
					  &btf), 0);
	assert_true(tg_btf__from_dwarf(btf));
	assert_true(btf__find_by_name_kind(tg_btf__btf(btf),
					   "load_basic_shape",
					   BTF_KIND_STRUCT) > 0);
	tg_btf__free(btf);
	free(obj);
}

static void test_elf_btf_invalid(void **state)
{
	void *obj = dup_mem(fx.obj, fx.obj_sz);
	Elf64_Shdr *sh = find_btf_shdr(obj);

	(void)state;
	memset((char *)obj + sh->sh_offset + sizeof(struct btf_header), 0xff,
	       32);
	assert_fails("bad-btf.o", obj, fx.obj_sz, -TG_ERRNO__BTF,
		     "invalid BTF data");
	free(obj);
}

static void test_elf_corrupt(void **state)
{
	unsigned char *obj = dup_mem(fx.obj, fx.obj_sz);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)obj;

	(void)state;
	obj[EI_CLASS] = 9;
	assert_fails("class.o", obj, fx.obj_sz, -TG_ERRNO__ELF,
		     "invalid ELF file");
	obj[EI_CLASS] = ELFCLASS64;

	obj[EI_DATA] = 7;
	assert_fails("data.o", obj, fx.obj_sz, -TG_ERRNO__ELF,
		     "invalid ELF file");
	obj[EI_DATA] = ELFDATA2LSB;

	eh->e_shstrndx = eh->e_shnum + 5;
	assert_fails("shstrndx.o", obj, fx.obj_sz, -TG_ERRNO__ELF,
		     "invalid ELF file");
	free(obj);
}

/* ---- arguments --------------------------------------------------------- */

struct bigger_open_opts {
	struct tg_open_opts opts;
	char future[8];
};

static void test_opts(void **state)
{
	struct bigger_open_opts big = {
		.opts.sz = sizeof(struct bigger_open_opts),
	};
	struct tg_btf *btf = NULL;
	TG_OPTS(tg_open_opts, opts);
	struct tg_open_opts tiny = { .sz = 4 };

	(void)state;
	assert_int_equal(tg_btf__open(fx.raw_path, &opts, &btf), 0);
	tg_btf__free(btf);

	/* A newer caller's zeroed fields are fine... */
	btf = NULL;
	assert_int_equal(tg_btf__open(fx.raw_path, &big.opts, &btf), 0);
	tg_btf__free(btf);

	/* ...one it set is not silently ignored. */
	big.future[3] = 1;
	btf = NULL;
	assert_int_equal(tg_btf__open(fx.raw_path, &big.opts, &btf), -EINVAL);
	assert_null(btf);
	assert_int_equal(tg_btf__open_mem(fx.raw, fx.raw_sz, NULL, &big.opts,
					  &btf), -EINVAL);
	assert_null(btf);
	assert_int_equal(tg_btf__open(fx.raw_path, &tiny, &btf), -EINVAL);
	assert_null(btf);
}

static void test_bad_arguments(void **state)
{
	struct tg_btf *btf = NULL;

	(void)state;
	assert_int_equal(tg_btf__open(NULL, NULL, &btf), -EINVAL);
	assert_int_equal(tg_btf__open(fx.raw_path, NULL, NULL), -EINVAL);
	assert_int_equal(tg_btf__open_mem(NULL, 10, NULL, NULL, &btf), -EINVAL);
	assert_int_equal(tg_btf__open_mem(fx.raw, fx.raw_sz, NULL, NULL, NULL),
			 -EINVAL);
	assert_null(btf);
	/* Zero bytes at NULL is just an empty input. */
	assert_int_equal(tg_btf__open_mem(NULL, 0, NULL, NULL, &btf),
			 -TG_ERRNO__EMPTY);
	tg_btf__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysfs_vmlinux),
		cmocka_unit_test(test_bpf_object),
		cmocka_unit_test(test_raw_btf_file),
		cmocka_unit_test(test_swapped_raw_btf),
		cmocka_unit_test(test_open_mem),
		cmocka_unit_test(test_elf32_pointer_size),
		cmocka_unit_test(test_big_endian_elf),
		cmocka_unit_test(test_elf_arch),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_permission_denied),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_too_short_for_magic),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_raw_btf_truncated),
		cmocka_unit_test(test_raw_btf_truncated_swapped),
		cmocka_unit_test(test_garbage_types),
		cmocka_unit_test(test_dangling_refs),
		cmocka_unit_test(test_elf_without_btf),
		cmocka_unit_test(test_elf_truncated),
		cmocka_unit_test(test_elf_btf_beyond_eof),
		cmocka_unit_test(test_elf_btf_nobits),
		cmocka_unit_test(test_elf_btf_invalid),
		cmocka_unit_test(test_elf_corrupt),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
