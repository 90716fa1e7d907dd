// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen dump --for: the minimal header for a BPF program. The proof is
 * the compiler's: every BPF program of the tree (tests/for, the probe-API
 * examples and test programs) is compiled against the whole header of the
 * committed 6.18 kernel and against the header --for makes for it, and
 * the two objects must carry the same instructions, relocations, maps and
 * symbols byte for byte, and the same CO-RE relocations and functions.
 *
 * .BTF itself may differ: clang describes in it the definitions of what
 * pointers point to when the header has them, and only a forward when it
 * does not. Type ids move with that, so .BTF.ext is compared by what its
 * records mean (section, instruction, type name and kind, access string,
 * relocation kind), not by bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "tg_test.h"
#include "typegen.h"

static char *tmpdir;
static char *full_dir;	/* holds the whole header, as vmlinux.h */
static char *kernel;	/* the committed kernel's BTF */
static char *cli;	/* the typegen program */
static char *cache_dir;	/* TYPEGEN_CACHE_DIR */

static const char *bpf_arch(void)
{
	static struct utsname u;

	uname(&u);
	if (!strcmp(u.machine, "aarch64"))
		return "arm64";
	if (!strncmp(u.machine, "s390", 4))
		return "s390";
	return "x86";
}

static char *cflags(void)
{
	/* TYPEGEN_VMLINUX: the probe API takes its types from vmlinux.h */
	return tg_test_path("-O2 -g -target bpf -D__TARGET_ARCH_%s -DTYPEGEN_VMLINUX -Wall -Werror -Wno-unused-parameter -I%s/include",
			    bpf_arch(), tg_test_src_dir());
}

static void abs_path(char **path)
{
	char *real = realpath(*path, NULL);

	if (real) {
		free(*path);
		*path = real;
	}
}

static int setup(void **state)
{
	char *cmd, *err = NULL;
	int rc;

	(void)state;
	tmpdir = tg_test_mkdtemp();
	cli = tg_test_cli();
	/* absolute: some tests run typegen from the program's directory */
	abs_path(&tmpdir);
	abs_path(&cli);
	/* proven selections are kept here, not in the user's cache */
	cache_dir = tg_test_path("%s/cache", tmpdir);
	setenv("TYPEGEN_CACHE_DIR", cache_dir, 1);
	kernel = tg_test_fixture("vmlinux-6.18.44.btf");
	abs_path(&kernel);
	full_dir = tg_test_path("%s/full", tmpdir);
	cmd = tg_test_path("mkdir -p %s && %s dump -i %s -o %s/vmlinux.h",
			   full_dir, cli, kernel, full_dir);
	rc = tg_test_run(cmd, NULL, &err);
	if (rc)
		fprintf(stderr, "%s\n", err ? err : "");
	free(cmd);
	free(err);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmpdir);
	free(tmpdir);
	free(full_dir);
	free(kernel);
	free(cli);
	free(cache_dir);
	return 0;
}

/* ------------------------------------------------------------------------
 * Comparing two BPF objects
 */

static bool skipped_section(const char *name)
{
	return !strncmp(name, ".debug", 6) || !strncmp(name, ".rel.debug", 10) ||
	       !strcmp(name, ".BTF") || !strcmp(name, ".rel.BTF") ||
	       !strcmp(name, ".BTF.ext") || !strcmp(name, ".rel.BTF.ext");
}

/* "name:type:flags:bytes-hash" of every section compared, one per line. */
static char *section_digest(const char *path)
{
	size_t shstrndx, len = 0, cap = 4096;
	char *out = malloc(cap);
	Elf_Scn *scn = NULL;
	Elf *elf;
	int fd;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	out[0] = '\0';
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *data = elf_getdata(scn, NULL);
		__u64 h = 1469598103934665603ull;
		const char *name;
		GElf_Shdr sh;
		size_t i;

		gelf_getshdr(scn, &sh);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || skipped_section(name))
			continue;
		for (i = 0; data && sh.sh_type != SHT_NOBITS && i < data->d_size; i++)
			h = (h ^ ((unsigned char *)data->d_buf)[i]) * 1099511628211ull;
		while (len + strlen(name) + 64 > cap)
			out = realloc(out, cap *= 2);
		len += sprintf(out + len, "%s:%u:%llx:%zu:%llx\n", name,
			       sh.sh_type, (unsigned long long)sh.sh_flags,
			       data ? data->d_size : 0, (unsigned long long)h);
	}
	elf_end(elf);
	close(fd);
	return out;
}

struct ext_hdr {
	__u16 magic;
	__u8 version, flags;
	__u32 hdr_len;
	__u32 func_info_off, func_info_len;
	__u32 line_info_off, line_info_len;
	__u32 core_relo_off, core_relo_len;
};

/* A type described by what it is, not by its id in this object. */
static void describe_type(const struct btf *btf, __u32 id, char *buf,
			  size_t size)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	if (!t) {
		snprintf(buf, size, "#%u?", id);
		return;
	}
	snprintf(buf, size, "%s:%s:%u", btf_kind(t) == BTF_KIND_STRUCT ? "struct" :
		 btf_kind(t) == BTF_KIND_UNION ? "union" :
		 btf_kind(t) == BTF_KIND_TYPEDEF ? "typedef" :
		 btf_is_any_enum(t) ? "enum" : "other",
		 btf__name_by_offset(btf, t->name_off),
		 btf_is_composite(t) || btf_is_any_enum(t) ? t->size : 0);
}

/*
 * One line per record of .BTF.ext section @off/@len with records of
 * @what: "func" (insn_off, function name) or "core" (insn_off, type,
 * access string, kind).
 */
static void describe_records(const struct btf *btf, const __u8 *base,
			     __u32 off, __u32 len, bool core, char **out,
			     size_t *olen, size_t *ocap, int *count)
{
	const __u8 *p = base + off, *end = p + len;
	__u32 rec_size;

	if (len < 4)
		return;
	rec_size = *(const __u32 *)p;
	p += 4;
	while (p + 8 <= end) {
		const char *sec = btf__name_by_offset(btf, ((const __u32 *)p)[0]);
		__u32 n = ((const __u32 *)p)[1], i;

		p += 8;
		for (i = 0; i < n && p + rec_size <= end; i++, p += rec_size) {
			const __u32 *r = (const __u32 *)p;
			char type[256], line[1024];

			describe_type(btf, r[1], type, sizeof(type));
			if (core)
				snprintf(line, sizeof(line), "%s+%u %s [%s] kind %u\n",
					 sec, r[0], type,
					 btf__name_by_offset(btf, r[2]), r[3]);
			else
				snprintf(line, sizeof(line), "%s+%u %s\n", sec,
					 r[0], type);
			while (*olen + strlen(line) + 1 > *ocap)
				*out = realloc(*out, *ocap *= 2);
			*olen += sprintf(*out + *olen, "%s", line);
			(*count)++;
		}
	}
}

/* The functions and CO-RE relocations of @path, as text. */
static char *ext_digest(const char *path, int *core_cnt)
{
	struct btf_ext *ext = NULL;
	const struct ext_hdr *h;
	size_t len = 0, cap = 4096;
	char *out = calloc(1, cap);
	const __u8 *raw;
	struct btf *btf;
	__u32 size;
	int funcs = 0;

	btf = btf__parse_elf(path, &ext);
	assert_non_null(btf);
	assert_non_null(ext);
	/* btf_ext__raw_data() is newer than Debian 12's libbpf */
	raw = btf_ext__get_raw_data(ext, &size);
	h = (const struct ext_hdr *)raw;
	assert_int_equal(h->magic, BTF_MAGIC);
	describe_records(btf, raw + h->hdr_len, h->func_info_off,
			 h->func_info_len, false, &out, &len, &cap, &funcs);
	*core_cnt = 0;
	if (h->hdr_len >= sizeof(*h))
		describe_records(btf, raw + h->hdr_len, h->core_relo_off,
				 h->core_relo_len, true, &out, &len, &cap,
				 core_cnt);
	btf_ext__free(ext);
	btf__free(btf);
	return out;
}

/* ------------------------------------------------------------------------
 * The proof, per program
 */

static int compile(const char *src, const char *hdr_dir, const char *obj)
{
	char *flags = cflags(), *err = NULL;
	char *cmd = tg_test_path("%s %s -I%s -c %s -o %s", tg_test_clang(),
				 flags, hdr_dir, src, obj);
	int rc = tg_test_run(cmd, NULL, &err);

	if (rc)
		fprintf(stderr, "%s\n%s\n", cmd, err ? err : "");
	free(cmd);
	free(flags);
	free(err);
	return rc;
}

struct prog_result {
	int core_relos;
	long min_lines, full_lines;
};

static void check_program(const char *src, struct prog_result *res)
{
	char *min_dir = tg_test_path("%s/min", tmpdir);
	char *min_obj = tg_test_path("%s/min.o", tmpdir);
	char *full_obj = tg_test_path("%s/full.o", tmpdir);
	char *flags = cflags(), *err = NULL, *out = NULL;
	char *cmd, *a, *b, *hdr;
	int core_a, core_b;
	size_t hlen;

	cmd = tg_test_path("mkdir -p %s && %s dump -i %s --for %s -o %s/vmlinux.h -- %s",
			   min_dir, cli, kernel, src, min_dir, flags);
	if (tg_test_run(cmd, &out, &err))
		fail_msg("%s: %s", cmd, err ? err : "");
	/* a program of the tree names no type the kernel lacks */
	assert_string_equal(err, "");
	free(cmd);
	free(out);
	free(err);

	assert_int_equal(compile(src, min_dir, min_obj), 0);
	assert_int_equal(compile(src, full_dir, full_obj), 0);

	a = section_digest(min_obj);
	b = section_digest(full_obj);
	if (strcmp(a, b))
		fail_msg("%s: sections differ:\n-- minimal header:\n%s-- whole header:\n%s",
			 src, a, b);
	free(a);
	free(b);
	a = ext_digest(min_obj, &core_a);
	b = ext_digest(full_obj, &core_b);
	if (strcmp(a, b))
		fail_msg("%s: functions or CO-RE relocations differ:\n-- minimal header:\n%s-- whole header:\n%s",
			 src, a, b);
	free(a);
	free(b);

	res->core_relos = core_a;
	hdr = tg_test_path("%s/vmlinux.h", min_dir);
	a = tg_test_read_file(hdr, &hlen);
	res->min_lines = tg_test_count_lines(a);
	free(a);
	free(hdr);
	free(min_dir);
	free(min_obj);
	free(full_obj);
	free(flags);
}

static void check_dir(const char *dir, int *programs, int *core_total)
{
	char *cmd = tg_test_path("ls %s/%s/*.bpf.c", tg_test_src_dir(), dir);
	char *list = NULL, *line, *save = NULL;

	assert_int_equal(tg_test_run(cmd, &list, NULL), 0);
	for (line = strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct prog_result r = {};

		check_program(line, &r);
		printf("  %-40s %5ld header lines, %3d CO-RE relocations: same code\n",
		       strrchr(line, '/') + 1, r.min_lines, r.core_relos);
		(*programs)++;
		*core_total += r.core_relos;
	}
	free(list);
	free(cmd);
}

/* The test-suite's own varied set: kprobe CO-RE chains, tracepoints, ... */
static void test_for_programs(void **state)
{
	int programs = 0, core = 0;

	(void)state;
	check_dir("tests/for", &programs, &core);
	assert_int_equal(programs, 5);
	/* BPF_CORE_READ chains, field exists, enum value, bitfields */
	assert_true(core >= 10);
}

/* The probe API's examples and test programs. */
static void test_for_probe_api_programs(void **state)
{
	int programs = 0, core = 0;

	(void)state;
	check_dir("examples", &programs, &core);
	check_dir("tests/probe", &programs, &core);
	assert_true(programs >= 15);
}

/* ------------------------------------------------------------------------
 * What is in the minimal header, and what is not
 */

static char *write_prog(const char *name, const char *text)
{
	char *path = tg_test_path("%s/%s", tmpdir, name);

	assert_int_equal(tg_test_write_file(path, text, strlen(text)), 0);
	return path;
}

static int run_for(const char *src, const char *extra, char **out,
		   char **err)
{
	char *flags = cflags();
	char *cmd = tg_test_path("%s dump -i %s --for %s %s -- %s",
				 cli, kernel, src, extra, flags);
	int rc = tg_test_run(cmd, out, err);

	free(cmd);
	free(flags);
	return rc;
}

/* A member chain through pointers: each level's type comes defined. */
static void test_for_pulls_chain(void **state)
{
	char *src = write_prog("chain.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"#include <bpf/bpf_core_read.h>\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	struct task_struct *t = (void *)bpf_get_current_task();\n"
		"	return BPF_CORE_READ(t, mm, exe_file, f_inode, i_ino);\n"
		"}\n");
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(run_for(src, "", &out, &err), 0);
	assert_string_equal(err, "");
	assert_non_null(strstr(out, "\nstruct task_struct {"));
	assert_non_null(strstr(out, "\nstruct mm_struct {"));
	assert_non_null(strstr(out, "\nstruct file {"));
	assert_non_null(strstr(out, "\nstruct inode {"));
	/* what nothing reaches by value stays a forward declaration */
	assert_null(strstr(out, "\nstruct sk_buff {"));
	assert_null(strstr(out, "\nstruct net_device {"));
	/* only the kfuncs a program calls: none here */
	assert_null(strstr(out, "__ksym"));
	free(out);
	free(err);
	free(src);
}

/* kfuncs the program calls, and enumerators it uses, and no others. */
static void test_for_kfuncs_and_enumerators(void **state)
{
	char *src = write_prog("kf.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"SEC(\"syscall\") int f(void *ctx)\n"
		"{\n"
		"	bpf_rcu_read_lock();\n"
		"	bpf_rcu_read_unlock();\n"
		"	return BPF_MAP_TYPE_ARENA + TCP_CA_Loss;\n"
		"}\n");
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(run_for(src, "", &out, &err), 0);
	assert_non_null(strstr(out, "extern void bpf_rcu_read_lock(void) __weak __ksym;\n"
				    "extern void bpf_rcu_read_unlock(void) __weak __ksym;\n"));
	assert_int_equal(tg_test_count_lines(strstr(out, "#ifndef BPF_NO_KFUNC_PROTOTYPES")) -
			 tg_test_count_lines(strstr(out, "extern void bpf_rcu_read_unlock")), 2);
	assert_non_null(strstr(out, "\tBPF_MAP_TYPE_ARENA = "));
	assert_non_null(strstr(out, "enum tcp_ca_state {"));
	assert_null(strstr(out, "bpf_task_acquire"));
	free(out);
	free(err);
	free(src);
}

/* A type the kernel lacks, named by the program: a warning, not an error. */
static void test_for_unknown_tag_warns(void **state)
{
	char *src = write_prog("tag.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"#include <bpf/bpf_core_read.h>\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	return bpf_core_type_exists(struct not_in_this_kernel);\n"
		"}\n");
	char *out = NULL, *err = NULL;

	(void)state;
	assert_int_equal(run_for(src, "", &out, &err), 0);
	assert_non_null(strstr(err, "tag.bpf.c: warning: not_in_this_kernel is named but not in the kernel's types"));
	assert_int_equal(tg_test_count_lines(err), 1);
	free(out);
	free(err);
	free(src);
}

/* A name nobody has: an error naming it, and no output file. */
static void test_for_unknown_name_fails(void **state)
{
	char *src = write_prog("name.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	no_such_type_t x = 0;\n"
		"	return x + NO_SUCH_VALUE;\n"
		"}\n");
	char *outf = tg_test_path("%s/name.h", tmpdir);
	char *extra = tg_test_path("-o %s", outf);
	char *err = NULL;

	(void)state;
	assert_int_equal(run_for(src, extra, NULL, &err), 1);
	assert_non_null(strstr(err, "name.bpf.c: 'no_such_type_t' is not in the kernel's types\n"));
	assert_non_null(strstr(err, "name.bpf.c: 'NO_SUCH_VALUE' is not in the kernel's types\n"));
	assert_non_null(strstr(err, "name.bpf.c: uses names that are not in the kernel's types\n"));
	assert_false(tg_test_file_exists(outf));
	free(err);
	free(src);
	free(outf);
	free(extra);
}

/* A program wrong whatever the types: the compiler's errors, exit 1. */
static void test_for_compile_error(void **state)
{
	char *src = write_prog("bad.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"SEC(\"raw_tp\") int f(struct task_struct *t)\n"
		"{\n"
		"	return t->no_such_member;\n"
		"}\n");
	char *err = NULL;

	(void)state;
	assert_int_equal(run_for(src, "", NULL, &err), 1);
	assert_non_null(strstr(err, "bad.bpf.c:5:12: error: no member named 'no_such_member' in 'struct task_struct'"));
	assert_non_null(strstr(err, "typegen: "));
	assert_non_null(strstr(err, "bad.bpf.c: does not compile\n"));
	free(err);
	free(src);
}

static void test_for_missing_source(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(run_for("/nonexistent/prog.bpf.c", "", NULL, &err), 1);
	assert_string_equal(err, "typegen: /nonexistent/prog.bpf.c: No such file or directory\n");
	free(err);
}

/* ------------------------------------------------------------------------
 * What the program sees, and what typegen leaves behind
 */

/* A program in a directory of its own, with a vmlinux.h beside it or not. */
static char *prog_dir(const char *name, const char *stale)
{
	char *dir = tg_test_path("%s/%s", tmpdir, name);
	char *hdr = tg_test_path("%s/vmlinux.h", dir);
	char *src = tg_test_path("%s/prog.bpf.c", dir);
	const char *text =
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"#include <bpf/bpf_core_read.h>\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	struct task_struct *t = (void *)bpf_get_current_task();\n"
		"	return BPF_CORE_READ(t, mm, exe_file, f_inode, i_ino);\n"
		"}\n";

	tg_test_mkdir_parents(src);
	assert_int_equal(tg_test_write_file(src, text, strlen(text)), 0);
	if (stale)
		assert_int_equal(tg_test_write_file(hdr, stale, strlen(stale)), 0);
	free(hdr);
	free(src);
	return dir;
}

/* An old header the program cannot compile against, where -o writes. */
static const char stale_header[] =
	"#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n"
	"struct task_struct { int old_field; };\n"
	"typedef unsigned long long __u64;\n#endif\n";

/*
 * README's way: the header written beside the program, over the last
 * one. The selection is proven as the program sees it (#include
 * "vmlinux.h" finds the file beside it before any -I), then compiles.
 */
static void test_for_stale_header_beside(void **state)
{
	char *dir = prog_dir("beside", stale_header), *flags = cflags();
	char *out = NULL, *err = NULL, *hdr;
	size_t len;

	(void)state;
	if (tg_test_runf(&out, &err, "cd %s && %s dump -i %s --for prog.bpf.c -o vmlinux.h -- %s",
			 dir, cli, kernel, flags))
		fail_msg("%s", err ? err : "");
	assert_string_equal(err, "");
	hdr = tg_test_path("%s/vmlinux.h", dir);
	free(out);
	out = tg_test_read_file(hdr, &len);
	assert_non_null(strstr(out, "\nstruct mm_struct {"));
	assert_non_null(strstr(out, "\nstruct inode {"));
	assert_null(strstr(out, "old_field"));
	free(out);
	free(err);
	/* the program builds against what was written, with no -I for it */
	assert_int_equal(tg_test_runf(NULL, &err, "cd %s && %s %s -c prog.bpf.c -o prog.o",
				      dir, tg_test_clang(), flags), 0);
	free(err);
	free(hdr);
	free(flags);
	free(dir);
}

/* The header written elsewhere, but the program sees the one beside it. */
static void test_for_stale_header_conflict(void **state)
{
	char *dir = prog_dir("conflict", stale_header), *flags = cflags();
	char *err = NULL, *outf = tg_test_path("%s/conflict-out/vmlinux.h", tmpdir);
	char *expect;

	(void)state;
	tg_test_mkdir_parents(outf);
	assert_int_equal(tg_test_runf(NULL, &err, "%s dump -i %s --for %s/prog.bpf.c -o %s -- %s",
				      cli, kernel, dir, outf, flags), 1);
	expect = tg_test_path("typegen: %s/prog.bpf.c: includes %s/vmlinux.h, not the header written to %s",
			      dir, dir, outf);
	if (!strstr(err, expect))
		fail_msg("expected '%s' in:\n%s", expect, err);
	assert_false(tg_test_file_exists(outf));
	free(expect);
	free(err);
	free(outf);
	free(flags);
	free(dir);
}

/*
 * Macros of a libbpf newer than the installed headers: the first error is
 * the compiler's, said to be no kernel type's; the macro's parameters are
 * not called missing kernel types.
 */
static void test_for_missing_libbpf_macro(void **state)
{
	char *macro = write_prog("macro.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"SEC(\"uprobe\") int BPF_TYPEGEN_NO_SUCH_UPROBE(handle, struct pt_regs *regs, int len)\n"
		"{\n"
		"	return len + (int)ctx;\n"
		"}\n");
	char *call = write_prog("call.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"extern int no_such_ksym __ksym __weak;\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	return bpf_typegen_no_such_ksym_exists(no_such_ksym);\n"
		"}\n");
	char *err = NULL;

	(void)state;
	assert_int_equal(run_for(macro, "", NULL, &err), 1);
	assert_non_null(strstr(err, "macro.bpf.c:3:"));
	assert_non_null(strstr(err, ": error: "));
	assert_non_null(strstr(err, "macro.bpf.c: the compiler's first error is not about a kernel type"));
	assert_null(strstr(err, "is not in the kernel's types"));
	assert_non_null(strstr(err, "macro.bpf.c: does not compile\n"));
	free(err);
	err = NULL;
	assert_int_equal(run_for(call, "", NULL, &err), 1);
	assert_non_null(strstr(err, "call.bpf.c:6:9: error: call to undeclared function 'bpf_typegen_no_such_ksym_exists'"));
	assert_non_null(strstr(err, "'bpf_typegen_no_such_ksym_exists' is neither in the kernel's types nor declared by the headers the program includes: a libbpf name"));
	assert_null(strstr(err, "is not in the kernel's types"));
	free(err);
	free(macro);
	free(call);
}

/* Nothing in TMPDIR during or after a run, even one killed by SIGTERM. */
static void test_for_leaves_nothing(void **state)
{
	char *tmp = tg_test_path("%s/tmp-for", tmpdir);
	char *fifo = tg_test_path("%s/never.h", tmpdir);
	char *src = write_prog("blocked.bpf.c",
		"#include \"vmlinux.h\"\n#include \"never.h\"\n");
	char *flags = cflags(), *cmd, *ls = NULL;
	int st, i, fd;
	pid_t pid;

	(void)state;
	assert_int_equal(mkdir(tmp, 0700), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	cmd = tg_test_path("exec %s dump -i %s --for %s -- %s >/dev/null 2>&1",
			   cli, kernel, src, flags);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		setenv("TMPDIR", tmp, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* the compiler blocks on the FIFO: typegen is mid-run */
	usleep(1500 * 1000);
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(tg_test_runf(&ls, NULL, "ls -A %s", tmp), 0);
	assert_string_equal(ls, "");
	/* and the compiler went with it: no reader is left on the FIFO */
	for (i = 0; i < 50; i++) {
		fd = open(fifo, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			break;
		close(fd);	/* a reader still there: this lets it go */
		usleep(100 * 1000);
	}
	assert_int_equal(i, 0);
	assert_int_equal(errno, ENXIO);
	free(ls);
	free(cmd);
	free(flags);
	free(src);
	free(fifo);
	free(tmp);
}

/* A FIFO among the files read: the compiler is stopped, not waited for. */
static void test_for_fifo_bounded(void **state)
{
	char *fifo = tg_test_path("%s/never.h", tmpdir);
	char *src = write_prog("fifo.bpf.c",
		"#include \"vmlinux.h\"\n#include \"never.h\"\n");
	char *err = NULL;
	struct timespec a, b;

	(void)state;
	if (!tg_test_file_exists(fifo))
		assert_int_equal(mkfifo(fifo, 0600), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(run_for(src, "--timeout 2", NULL, &err), 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 30);
	assert_non_null(strstr(err, "fifo.bpf.c: the compiler was stopped after 2 s"));
	assert_non_null(strstr(err, "fifo.bpf.c: the compiler did not finish in time\n"));
	free(err);
	err = NULL;
	/* the source itself a FIFO: refused before any compiler runs */
	assert_int_equal(run_for(fifo, "", NULL, &err), 1);
	assert_non_null(strstr(err, "never.h: not a regular file (a FIFO, device or socket): not read\n"));
	free(err);
	free(src);
	free(fifo);
}

/* How often the wrapper of @log ran the compiler. */
static int clang_runs(const char *log)
{
	char *runs = NULL;
	int n;

	if (access(log, F_OK))
		return 0;
	assert_int_equal(tg_test_runf(&runs, NULL, "wc -l < %s", log), 0);
	n = atoi(runs);
	free(runs);
	return n;
}

/* A compiler that logs each run to @log, as @path. */
static void write_wrapper(const char *path, const char *log)
{
	char *script = tg_test_path("#!/bin/sh\necho run >> %s\nexec %s \"$@\"\n",
				    log, tg_test_clang());

	assert_int_equal(tg_test_write_file(path, script, strlen(script)), 0);
	assert_int_equal(chmod(path, 0755), 0);
	free(script);
}

/*
 * A program unchanged since it was proven: the same header, with no
 * compiler run (the direct cache), or from one preprocessing run when
 * only the selection is kept (the compiler's runs counted by a wrapper).
 */
static void test_for_cache(void **state)
{
	char *log = tg_test_path("%s/clang-runs", tmpdir);
	char *wrapper = tg_test_path("%s/clang-wrapper", tmpdir);
	char *src = write_prog("cached.bpf.c",
		"#include \"vmlinux.h\"\n"
		"#include <bpf/bpf_helpers.h>\n"
		"#include <bpf/bpf_core_read.h>\n"
		"SEC(\"raw_tp\") int f(void *ctx)\n"
		"{\n"
		"	struct task_struct *t = (void *)bpf_get_current_task();\n"
		"	return BPF_CORE_READ(t, real_parent, files, fdt, max_fds);\n"
		"}\n");
	char *flags = cflags(), *out[3] = {};
	int i;

	(void)state;
	write_wrapper(wrapper, log);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tg_test_runf(&out[i], NULL, "CLANG=%s %s dump -i %s --for %s %s -- %s",
					      wrapper, cli, kernel, src,
					      i == 2 ? "--no-cache" : "", flags), 0);
		/* preprocess and prove; then nothing; then both */
		assert_int_equal(clang_runs(log), i == 0 ? 2 : i == 1 ? 2 : 4);
	}
	assert_non_null(strstr(out[0], "\nstruct files_struct {"));
	assert_string_equal(out[0], out[1]);
	assert_string_equal(out[0], out[2]);
	free(out[1]);
	/* without the whole header kept: the selection, one preprocessing */
	assert_int_equal(tg_test_runf(NULL, NULL, "rm %s/*.direct", cache_dir), 0);
	assert_int_equal(tg_test_runf(&out[1], NULL, "CLANG=%s %s dump -i %s --for %s -- %s",
				      wrapper, cli, kernel, src, flags), 0);
	assert_string_equal(out[0], out[1]);
	assert_int_equal(clang_runs(log), 5);
	free(out[1]);
	/* a cache entry that does not fit this kernel is ignored, and redone */
	assert_int_equal(tg_test_runf(NULL, NULL, "rm %s/*.direct; for f in %s/*.for; do printf 'typegen-for 1\\nd 4000000000 2\\n' > $f; done",
				      cache_dir, cache_dir), 0);
	assert_int_equal(tg_test_runf(&out[1], NULL, "CLANG=%s %s dump -i %s --for %s -- %s",
				      wrapper, cli, kernel, src, flags), 0);
	assert_string_equal(out[0], out[1]);
	assert_int_equal(clang_runs(log), 7);
	/* a direct entry torn short is a miss, not a header */
	assert_int_equal(tg_test_runf(NULL, NULL, "for f in %s/*.direct; do head -c 100 $f > $f.t && mv $f.t $f; done",
				      cache_dir), 0);
	free(out[1]);
	assert_int_equal(tg_test_runf(&out[1], NULL, "CLANG=%s %s dump -i %s --for %s -- %s",
				      wrapper, cli, kernel, src, flags), 0);
	assert_string_equal(out[0], out[1]);
	assert_int_equal(clang_runs(log), 8);
	for (i = 0; i < 3; i++)
		free(out[i]);
	free(flags);
	free(src);
	free(wrapper);
	free(log);
}

/* dump --for in @dir, the compiler logging to @log; the header written. */
static char *direct_run(const char *dir, const char *input, const char *extra)
{
	char *out = NULL, *err = NULL;
	int rc = tg_test_runf(&out, &err, "cd %s && CLANG=%s/clang %s dump -i %s --for prog.bpf.c -o vmlinux.h -- -O2 -g -target bpf -Iinc1 -Iinc2 %s && cat vmlinux.h",
			      dir, dir, cli, input, extra);

	if (rc)
		fprintf(stderr, "%s\n", err ? err : "");
	assert_int_equal(rc, 0);
	free(err);
	return out;
}

/*
 * Two runs in @dir: the first misses (the compiler runs), the second hits
 * (it does not) and writes the same header, which is returned.
 */
static char *miss_then_hit(const char *dir, const char *input,
			   const char *extra)
{
	char *log = tg_test_path("%s/runs", dir), *out, *again;
	int runs = clang_runs(log);

	out = direct_run(dir, input, extra);
	assert_true(clang_runs(log) > runs);
	runs = clang_runs(log);
	again = direct_run(dir, input, extra);
	assert_int_equal(clang_runs(log), runs);
	assert_string_equal(out, again);
	free(again);
	free(log);
	return out;
}

/*
 * Whatever the direct cache's header depends on, changed, misses: an
 * included header's content, a -D, a new header earlier in the include
 * path, the compiler, the kernel's file (same path, other types). Each is
 * seen in the header written, and in the compiler's runs.
 */
static void test_for_direct_cache_misses(void **state)
{
	char *dir = tg_test_path("%s/direct", tmpdir);
	char *log = tg_test_path("%s/runs", dir);
	char *wrapper = tg_test_path("%s/clang", dir);
	char *k = tg_test_path("%s/kernel.o", dir);
	char *out;
	int i, runs;

	(void)state;
	assert_int_equal(tg_test_runf(NULL, NULL, "mkdir -p %s/inc1 %s/inc2", dir, dir), 0);
	write_wrapper(wrapper, log);
	assert_int_equal(tg_test_runf(NULL, NULL,
		"cd %s && printf '#include \"vmlinux.h\"\\n#include <fields.h>\\nint f(struct task_struct *t) { return t->FIELD; }\\n' > prog.bpf.c && "
		"echo '#define FIELD pid' > inc2/fields.h && "
		"printf 'struct task_struct { int pid; int tgid; };\\nstruct task_struct t;\\n' > k.c && %s -g -target bpf -c k.c -o kernel.o",
		dir, tg_test_clang()), 0);
	/* proven (written beside the program, which includes it), then a hit */
	out = miss_then_hit(dir, kernel, "");
	assert_non_null(strstr(out, "struct task_struct {"));
	free(out);

	/* an included header changed: it names another member */
	assert_int_equal(tg_test_runf(NULL, NULL, "printf '#define FIELD tgid\\n#ifdef MM\\n#undef FIELD\\n#define FIELD mm->pgd ? 1 : 0\\n#endif\\n' > %s/inc2/fields.h", dir), 0);
	out = miss_then_hit(dir, kernel, "");
	assert_null(strstr(out, "struct mm_struct {"));
	free(out);

	/* a macro given by -D: FIELD reaches another struct then */
	out = miss_then_hit(dir, kernel, "-DMM");
	assert_non_null(strstr(out, "struct mm_struct {"));
	free(out);

	/* a header earlier in the include path that was not there */
	assert_int_equal(tg_test_runf(NULL, NULL, "cp %s/inc2/fields.h %s/inc1/fields.h && echo '#define FIELD tgid' >> %s/inc1/fields.h",
				      dir, dir, dir), 0);
	out = miss_then_hit(dir, kernel, "-DMM");
	assert_null(strstr(out, "struct mm_struct {"));
	free(out);

	/* another compiler (the wrapper changed) */
	assert_int_equal(tg_test_runf(NULL, NULL, "echo '# another' >> %s", wrapper), 0);
	free(miss_then_hit(dir, kernel, "-DMM"));

	/* another kernel in the same file: its types are in the header */
	out = miss_then_hit(dir, k, "");
	assert_non_null(strstr(out, "\tint tgid;\n"));
	assert_null(strstr(out, "\tint comm;\n"));
	free(out);
	assert_int_equal(tg_test_runf(NULL, NULL, "cd %s && printf 'struct task_struct { int pid; int tgid; int comm; };\\nstruct task_struct t;\\n' > k.c && %s -g -target bpf -c k.c -o kernel.o",
				      dir, tg_test_clang()), 0);
	out = miss_then_hit(dir, k, "");
	assert_non_null(strstr(out, "\tint comm;\n"));
	free(out);

	/*
	 * To standard output, redirected to the vmlinux.h the program
	 * includes: a hit while it is that file; another is a shadow
	 */
	for (i = 0; i < 3; i++) {
		char *err = NULL;
		int rc;

		runs = clang_runs(log);
		rc = tg_test_runf(NULL, &err, "cd %s && CLANG=%s %s dump -i %s --for prog.bpf.c -- -O2 -g -target bpf -Iinc1 -Iinc2 > %s",
				  dir, wrapper, cli, kernel,
				  i < 2 ? "vmlinux.h" : "other.h");
		assert_int_equal(rc, i < 2 ? 0 : 1);
		if (i == 1)
			assert_int_equal(clang_runs(log), runs);
		if (i == 2)
			assert_non_null(strstr(err, "includes"));
		free(err);
	}

	free(k);
	free(wrapper);
	free(log);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_for_programs),
		cmocka_unit_test(test_for_probe_api_programs),
		cmocka_unit_test(test_for_pulls_chain),
		cmocka_unit_test(test_for_kfuncs_and_enumerators),
		cmocka_unit_test(test_for_unknown_tag_warns),
		cmocka_unit_test(test_for_unknown_name_fails),
		cmocka_unit_test(test_for_compile_error),
		cmocka_unit_test(test_for_missing_source),
		cmocka_unit_test(test_for_stale_header_beside),
		cmocka_unit_test(test_for_stale_header_conflict),
		cmocka_unit_test(test_for_missing_libbpf_macro),
		cmocka_unit_test(test_for_leaves_nothing),
		cmocka_unit_test(test_for_fifo_bounded),
		cmocka_unit_test(test_for_cache),
		cmocka_unit_test(test_for_direct_cache_misses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
