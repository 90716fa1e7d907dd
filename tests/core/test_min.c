// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen min: minimized BTF for CO-RE objects.
 *
 * The objects (the BPF sources in tests/min) are compiled here, against a vmlinux.h
 * that typegen writes from the kernel fixture. The oracle is libbpf itself:
 * each object is loaded into the running kernel with the full types and
 * with the minimized ones as btf_custom_path, and the instructions libbpf
 * relocated are compared one by one (bpf_program__insns() after
 * bpf_object__load(): libbpf keeps the program's final instructions until
 * the object is closed). They must be the same, but for the one thing
 * that cannot be: the type id of a TYPE_ID_TARGET relocation, an index
 * into whichever BTF was given, which must name the same type in both.
 * The programs read through bpf_probe_read_kernel(), so they also load
 * with another kernel's offsets: that is how the second kernel (a fixture
 * with moved members) is checked. Values the library reports are checked
 * against the relocated instructions, and bpftool gen min_core_btf is run
 * on the same inputs: same instructions, output no larger.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "tg_test.h"
#include "inputs.h"
#include "typegen.h"

#define KERNEL "vmlinux-6.18.44.btf"

static char *tmp;		/* scratch directory */
static char *kernel;		/* the kernel fixture, raw BTF */
static char *moved;		/* the second kernel, raw BTF */
static char *core_obj;		/* tests/min/core_reads.bpf.c, compiled */
static char *mod_obj;		/* tests/min/module_reads.bpf.c, compiled */
static char *load_skip;		/* why BPF programs cannot be loaded here */

#define SKIP_IF(cond, why)						\
	do {								\
		if (cond) {						\
			print_message("[  SKIP    ] %s\n", why);	\
			skip();						\
		}							\
	} while (0)

static char *__attribute__((format(printf, 1, 2))) fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

static void compile(const char *src, const char *obj, const char *incdir)
{
	char *err = NULL;
	int rc;

	rc = tg_test_runf(NULL, &err, "%s -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror -I%s -c %s/tests/min/%s -o %s",
		 tg_test_clang(), incdir, tg_test_src_dir(), src, obj);
	if (rc)
		print_error("compiling %s: %s\n", src, err ? err : "");
	free(err);
	assert_int_equal(rc, 0);
}

/* Write the types of @in (any form) as raw BTF at @out. */
static void write_raw(const char *in, const char *out)
{
	struct tg_btf *btf;
	FILE *f;

	assert_int_equal(tg_btf__open(in, NULL, &btf), 0);
	f = fopen(out, "w");
	assert_non_null(f);
	assert_int_equal(tg_btf__write_raw(btf, f, NULL), 0);
	assert_int_equal(fclose(f), 0);
	tg_btf__free(btf);
}

static int setup(void **state)
{
	char *hdr, *rc_err = NULL, *moved_obj;
	struct bpf_object *obj;
	int rc;

	(void)state;
	tg_test_silence_libbpf();
	tmp = tg_test_mkdtemp();
	kernel = tg_test_fixture(KERNEL);
	hdr = fmt("%s/vmlinux.h", tmp);
	rc = tg_test_runf(NULL, &rc_err, "%s/typegen dump -i %s -o %s",
		 tg_test_build_dir(), kernel, hdr);
	if (rc)
		print_error("typegen dump: %s\n", rc_err);
	free(rc_err);
	assert_int_equal(rc, 0);
	core_obj = fmt("%s/core_reads.bpf.o", tmp);
	mod_obj = fmt("%s/module_reads.bpf.o", tmp);
	compile("core_reads.bpf.c", core_obj, tmp);
	compile("module_reads.bpf.c", mod_obj, tmp);
	moved_obj = tg_test_fixture("min_moved.bpf.o");
	moved = fmt("%s/moved.btf", tmp);
	write_raw(moved_obj, moved);
	free(moved_obj);
	free(hdr);

	/* Can this process load BPF programs at all? */
	obj = bpf_object__open_file(core_obj, NULL);
	assert_non_null(obj);
	rc = bpf_object__load(obj);
	if (rc == -EPERM || rc == -EACCES)
		load_skip = "bpf() refuses to load programs here (EPERM)";
	else if (rc && access("/sys/kernel/btf/vmlinux", R_OK))
		load_skip = "the running kernel has no BTF for libbpf";
	bpf_object__close(obj);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tg_test_rmtree(tmp);
	free(tmp);
	free(kernel);
	free(moved);
	free(core_obj);
	free(mod_obj);
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

/* Minimize @objs against @kpath (+ @mods); returns the result. */
static struct tg_min_result *minimize(const char *const *objs, size_t n,
				      struct tg_btf *k, struct tg_btf **mods,
				      size_t mod_cnt, struct tg_min **mp)
{
	struct tg_min_result *res;
	size_t i;

	assert_int_equal(tg_min__new(NULL, mp), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(tg_min__add_object(*mp, objs[i]), 0);
	assert_int_equal(tg_min__run(*mp, k, mods, mod_cnt, &res), 0);
	return res;
}

static void write_result(const struct tg_min_result *res, const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(tg_min_result__write(res, f), 0);
	assert_int_equal(fclose(f), 0);
}

struct loaded {
	struct bpf_insn *insns;
	size_t cnt;
};

/* Load @obj's only program with @btf as btf_custom_path; 0 or error. */
static int load(const char *obj, const char *btf, struct loaded *l)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf);
	struct bpf_object *o = bpf_object__open_file(obj, &opts);
	struct bpf_program *p;
	int err;

	assert_non_null(o);
	err = bpf_object__load(o);
	p = bpf_object__next_program(o, NULL);
	assert_non_null(p);
	l->cnt = bpf_program__insn_cnt(p);
	l->insns = malloc(l->cnt * sizeof(*l->insns));
	assert_non_null(l->insns);
	memcpy(l->insns, bpf_program__insns(p), l->cnt * sizeof(*l->insns));
	bpf_object__close(o);
	return err;
}

static const struct tg_min_relo *relo_at(const struct tg_min_result *res,
					 size_t insn)
{
	size_t i;

	for (i = 0; i < tg_min_result__relo_cnt(res); i++)
		if (tg_min_result__relo(res, i)->insn_idx == insn)
			return tg_min_result__relo(res, i);
	return NULL;
}

static const char *type_name(const char *btf_path, __u32 id, int *kind)
{
	static char buf[256];
	struct btf *btf = btf__parse(btf_path, NULL);
	const struct btf_type *t;

	assert_non_null(btf);
	t = btf__type_by_id(btf, id);
	assert_non_null(t);
	snprintf(buf, sizeof(buf), "%s", btf__name_by_offset(btf, t->name_off));
	*kind = btf_kind(t);
	btf__free(btf);
	return buf;
}

/*
 * @a (with types @abtf) and @b (@bbtf) are the same instructions, but for
 * target type ids, which must name the same type.
 */
static void assert_same_insns(const struct loaded *a, const char *abtf,
			      const struct loaded *b, const char *bbtf,
			      const struct tg_min_result *res)
{
	size_t i;

	assert_int_equal(a->cnt, b->cnt);
	for (i = 0; i < a->cnt; i++) {
		const struct tg_min_relo *r;
		char an[256];
		int ak, bk;

		if (!memcmp(&a->insns[i], &b->insns[i], sizeof(a->insns[i])))
			continue;
		r = relo_at(res, i);
		if (!r || r->kind != TG_RELO_TYPE_ID_TARGET) {
			print_error("insn %zu differs: code %#x off %d imm %d vs code %#x off %d imm %d\n",
				    i, a->insns[i].code, a->insns[i].off,
				    a->insns[i].imm, b->insns[i].code,
				    b->insns[i].off, b->insns[i].imm);
			fail();
		}
		snprintf(an, sizeof(an), "%s",
			 type_name(abtf, a->insns[i].imm, &ak));
		assert_string_equal(an, type_name(bbtf, b->insns[i].imm, &bk));
		assert_int_equal(ak, bk);
	}
}

/* The value an instruction was relocated to, by its class. */
static __u64 insn_value(const struct bpf_insn *in)
{
	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return (__u16)in->off;
	case BPF_LD:
		return (__u32)in[0].imm | ((__u64)(__u32)in[1].imm << 32);
	default:
		return (__u32)in->imm;
	}
}

/* Every value the library reports is what libbpf patched in. */
static void assert_values(const struct loaded *l,
			  const struct tg_min_result *res)
{
	size_t i;

	for (i = 0; i < tg_min_result__relo_cnt(res); i++) {
		const struct tg_min_relo *r = tg_min_result__relo(res, i);
		const struct bpf_insn *in = &l->insns[r->insn_idx];

		assert_true(r->insn_idx < l->cnt);
		if (r->status == TG_RELO_POISON) {
			assert_int_equal(in->code, BPF_JMP | BPF_CALL);
			assert_int_equal(in->imm, 195896080);
			continue;
		}
		assert_int_equal(r->status == TG_RELO_ERROR, 0);
		if (BPF_CLASS(in->code) == BPF_ALU)
			assert_int_equal((__u32)r->value, insn_value(in));
		else
			assert_int_equal(r->value, insn_value(in));
	}
}

/* The relocation of @kind whose spec is @spec. */
static const struct tg_min_relo *find_relo(const struct tg_min_result *res,
					   enum tg_relo_kind kind,
					   const char *spec)
{
	size_t i;

	for (i = 0; i < tg_min_result__relo_cnt(res); i++) {
		const struct tg_min_relo *r = tg_min_result__relo(res, i);

		if (r->kind == kind && !strcmp(r->spec, spec))
			return r;
	}
	print_error("no %s relocation %s\n", tg_relo_kind__str(kind), spec);
	fail();
	return NULL;
}

/* Byte offset of member @m of struct @s in @btf, anonymous ones searched. */
static long member_off(const struct btf *btf, __u32 id, const char *m)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *mm = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, mm++) {
		const char *n = btf__name_by_offset(btf, mm->name_off);
		long off = btf_member_bit_offset(t, i) / 8, sub;

		if (!strcmp(n, m))
			return off;
		if (!*n) {
			sub = member_off(btf, mm->type, m);
			if (sub >= 0)
				return off + sub;
		}
	}
	return -1;
}

static long struct_member_off(const struct btf *btf, const char *s,
			      const char *m)
{
	int id = btf__find_by_name_kind(btf, s, BTF_KIND_STRUCT);

	assert_true(id > 0);
	return member_off(btf, id, m);
}

static long enum_val(const struct btf *btf, const char *e, const char *v)
{
	int id = btf__find_by_name_kind(btf, e, BTF_KIND_ENUM), i;
	const struct btf_type *t;

	assert_true(id > 0);
	t = btf__type_by_id(btf, id);
	for (i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, btf_enum(t)[i].name_off), v))
			return btf_enum(t)[i].val;
	fail();
	return 0;
}

/* The relocations that name @btf's layout resolve to it. */
static void assert_layout(const struct tg_min_result *res,
			  const struct btf *btf)
{
	const struct tg_min_relo *r;
	int id;

	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct.pid");
	assert_int_equal(r->value, struct_member_off(btf, "task_struct", "pid"));
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct.tgid");
	assert_int_equal(r->value, struct_member_off(btf, "task_struct", "tgid"));
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "mm_struct.mmap_base");
	assert_int_equal(r->value,
			 struct_member_off(btf, "mm_struct", "mmap_base"));
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct.comm[3]");
	assert_int_equal(r->value,
			 struct_member_off(btf, "task_struct", "comm") + 3);
	r = find_relo(res, TG_RELO_ENUMVAL_VALUE, "pid_type::PIDTYPE_SID");
	assert_int_equal(r->value, enum_val(btf, "pid_type", "PIDTYPE_SID"));
	id = btf__find_by_name_kind(btf, "mm_struct", BTF_KIND_STRUCT);
	r = find_relo(res, TG_RELO_TYPE_SIZE, "mm_struct");
	assert_int_equal(r->value, btf__resolve_size(btf, id));
}

static void free_loaded(struct loaded *l)
{
	free(l->insns);
	l->insns = NULL;
}

/* ---- tests -------------------------------------------------------------- */

/*
 * The kernel fixture: the object loads with the minimized types, every
 * instruction relocated as with the full ones, every reported value the
 * one libbpf patched in.
 */
static void test_load_kernel(void **state)
{
	const char *objs[] = { core_obj };
	char *out = fmt("%s/core.min.btf", tmp);
	struct loaded full, mini;
	struct tg_min_result *res;
	struct tg_btf *k;
	struct tg_min *m;

	(void)state;
	SKIP_IF(load_skip, load_skip);
	assert_int_equal(tg_btf__open(kernel, NULL, &k), 0);
	res = minimize(objs, 1, k, NULL, 0, &m);
	write_result(res, out);
	assert_int_equal(load(core_obj, kernel, &full), 0);
	assert_int_equal(load(core_obj, out, &mini), 0);
	assert_same_insns(&full, kernel, &mini, out, res);
	assert_values(&full, res);
	assert_layout(res, tg_btf__btf(k));
	/* Only the guarded read of the old "state" cannot be satisfied. */
	assert_int_equal(find_relo(res, TG_RELO_FIELD_BYTE_OFFSET,
				   "task_struct___old.state")->status,
			 TG_RELO_POISON);
	assert_int_equal(find_relo(res, TG_RELO_FIELD_EXISTS,
				   "task_struct___old.state")->status,
			 TG_RELO_ABSENT);
	assert_int_equal(tg_min_result__verdict(res, 0), TG_MIN_LOADS_IF_DEAD);
	/* Kilobytes, not megabytes. */
	assert_true(fx_size(out) < 4096);
	free_loaded(&full);
	free_loaded(&mini);
	tg_min_result__free(res);
	tg_min__free(m);
	tg_btf__free(k);
	free(out);
}

/* The second kernel: the relocations follow its layout, min or full. */
static void test_second_kernel(void **state)
{
	const char *objs[] = { core_obj };
	char *out = fmt("%s/moved.min.btf", tmp);
	struct loaded full, mini;
	struct tg_min_result *res;
	const struct tg_min_relo *r;
	struct tg_btf *k;
	struct tg_min *m;

	(void)state;
	assert_int_equal(tg_btf__open(moved, NULL, &k), 0);
	res = minimize(objs, 1, k, NULL, 0, &m);
	assert_layout(res, tg_btf__btf(k));
	/* An old kernel: "state" is there, "__state" is not. */
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct___old.state");
	assert_int_equal(r->status, TG_RELO_OK);
	assert_int_equal(r->value, 0);
	r = find_relo(res, TG_RELO_FIELD_EXISTS, "task_struct.__state");
	assert_int_equal(r->status, TG_RELO_ABSENT);
	assert_int_equal(r->value, 0);
	assert_int_equal(tg_min_result__verdict(res, 0), TG_MIN_LOADS);
	/* The bitfields moved: in_iowait is now bit 0 of the word at 20. */
	r = find_relo(res, TG_RELO_FIELD_LSHIFT_U64, "task_struct.in_iowait");
	assert_int_equal(r->value, 63);
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct.in_iowait");
	assert_int_equal(r->value, 20);
	write_result(res, out);
	if (!load_skip) {
		assert_int_equal(load(core_obj, moved, &full), 0);
		assert_int_equal(load(core_obj, out, &mini), 0);
		assert_same_insns(&full, moved, &mini, out, res);
		assert_values(&full, res);
		free_loaded(&full);
		free_loaded(&mini);
	}
	tg_min_result__free(res);
	tg_min__free(m);
	tg_btf__free(k);
	free(out);
}

/* bpftool gen min_core_btf on the same inputs: same result, not smaller. */
static void check_bpftool(const char *kpath, const char *name)
{
	const char *objs[] = { core_obj };
	char *ours = fmt("%s/%s.ours.btf", tmp, name);
	char *theirs = fmt("%s/%s.bpftool.btf", tmp, name);
	struct loaded a, b;
	struct tg_min_result *res;
	struct tg_btf *k;
	struct tg_min *m;

	assert_int_equal(tg_test_runf(NULL, NULL, "bpftool gen min_core_btf %s %s %s",
			     kpath, theirs, core_obj), 0);
	assert_int_equal(tg_btf__open(kpath, NULL, &k), 0);
	res = minimize(objs, 1, k, NULL, 0, &m);
	write_result(res, ours);
	print_message("%s: typegen %zu bytes, bpftool %zu bytes\n", name,
		      fx_size(ours), fx_size(theirs));
	assert_true(fx_size(ours) <= fx_size(theirs));
	if (!load_skip) {
		assert_int_equal(load(core_obj, ours, &a), 0);
		assert_int_equal(load(core_obj, theirs, &b), 0);
		assert_same_insns(&a, ours, &b, theirs, res);
		free_loaded(&a);
		free_loaded(&b);
	}
	tg_min_result__free(res);
	tg_min__free(m);
	tg_btf__free(k);
	free(ours);
	free(theirs);
}

static void test_bpftool(void **state)
{
	(void)state;
	SKIP_IF(tg_test_runf(NULL, NULL, "bpftool gen help 2>&1 | grep -q min_core_btf"),
		"bpftool without gen min_core_btf");
	check_bpftool(kernel, "kernel");
	check_bpftool(moved, "moved");
}

/*
 * A module's types (split BTF on the kernel fixture): what the object needs
 * from the module and from vmlinux is in one BTF, which libbpf resolves as
 * it resolves the kernel and module merged.
 */
static void test_module(void **state)
{
	const char *objs[] = { mod_obj };
	char *mod_path = fmt("%s/module_a.btf", tmp);
	char *out = fmt("%s/module.min.btf", tmp);
	char *merged_path = fmt("%s/merged.btf", tmp);
	char *mod_src = tg_test_fixture("module_a.bpf.o");
	TG_OPTS(tg_open_opts, opts);
	struct tg_btf *k, *mod, *merged;
	struct tg_min_result *res;
	const struct tg_min_relo *r;
	const struct btf *mb;
	struct loaded full, mini;
	struct tg_min *m;
	void *raw;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(tg_btf__open(kernel, NULL, &k), 0);
	raw = fx_split_btf(mod_src, tg_btf__btf(k), &len);
	fx_write(mod_path, raw, len);
	free(raw);
	opts.base = k;
	assert_int_equal(tg_btf__open(mod_path, &opts, &mod), 0);
	res = minimize(objs, 1, k, &mod, 1, &m);
	mb = tg_btf__btf(mod);
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "tg_mod_a_dev.pid");
	assert_int_equal(r->status, TG_RELO_OK);
	assert_int_equal(r->value, struct_member_off(mb, "tg_mod_a_dev", "pid"));
	r = find_relo(res, TG_RELO_ENUMVAL_VALUE, "tg_mod_a_state::TG_MOD_A_DEAD");
	assert_int_equal(r->value, 7);
	r = find_relo(res, TG_RELO_FIELD_BYTE_OFFSET, "task_struct.tgid");
	assert_int_equal(r->value, struct_member_off(mb, "task_struct", "tgid"));
	assert_int_equal(tg_min_result__verdict(res, 0), TG_MIN_LOADS);
	assert_true(btf__find_by_name_kind(tg_min_result__btf(res),
					   "tg_mod_a_dev", BTF_KIND_STRUCT) > 0);
	write_result(res, out);

	/* Without the module, its relocations cannot be satisfied. */
	tg_min_result__free(res);
	assert_int_equal(tg_min__run(m, k, NULL, 0, &res), 0);
	assert_int_equal(tg_min_result__verdict(res, 0), TG_MIN_LOADS_IF_DEAD);
	assert_int_equal(find_relo(res, TG_RELO_FIELD_BYTE_OFFSET,
				   "tg_mod_a_dev.pid")->status, TG_RELO_POISON);
	tg_min_result__free(res);

	if (!load_skip) {
		assert_int_equal(tg_btf__merge(k, &mod, 1, NULL, &merged), 0);
		f = fopen(merged_path, "w");
		assert_non_null(f);
		assert_int_equal(tg_btf__write_raw(merged, f, NULL), 0);
		assert_int_equal(fclose(f), 0);
		tg_btf__free(merged);
		assert_int_equal(tg_min__run(m, k, &mod, 1, &res), 0);
		assert_int_equal(load(mod_obj, merged_path, &full), 0);
		assert_int_equal(load(mod_obj, out, &mini), 0);
		assert_same_insns(&full, merged_path, &mini, out, res);
		assert_values(&full, res);
		free_loaded(&full);
		free_loaded(&mini);
		tg_min_result__free(res);
	}
	tg_min__free(m);
	tg_btf__free(mod);
	tg_btf__free(k);
	free(mod_src);
	free(mod_path);
	free(merged_path);
	free(out);
}

static void test_bad_inputs(void **state)
{
	char *notobj = tg_test_fixture(KERNEL);
	struct tg_min_result *res;
	struct tg_btf *k, *mod;
	struct tg_min *m;

	(void)state;
	assert_int_equal(tg_min__new(NULL, &m), 0);
	assert_int_equal(tg_min__add_object(m, "/nonexistent.bpf.o"), -ENOENT);
	assert_int_equal(tg_min__add_object(m, notobj), -TG_ERRNO__ELF);
	assert_int_equal(tg_min__add_object(m, tmp), -EISDIR);
	assert_int_equal(tg_min__object_cnt(m), 0);
	assert_int_equal(tg_min__add_object(m, core_obj), 0);
	/* A kernel that is a module's split BTF is not a kernel. */
	assert_int_equal(tg_btf__open(kernel, NULL, &k), 0);
	mod = NULL;
	assert_int_equal(tg_min__run(m, k, &mod, 1, &res), -EINVAL);
	assert_null(res);
	tg_btf__free(k);
	tg_min__free(m);
	free(notobj);
}

/* ---- the CLI ------------------------------------------------------------ */

static void test_cli_one(void **state)
{
	char *out = fmt("%s/cli.btf", tmp), *o = NULL, *e = NULL;
	int rc;

	(void)state;
	rc = tg_test_runf(&o, &e, "%s/typegen min %s -i %s -o %s", tg_test_build_dir(),
		 core_obj, kernel, out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(o, "byte_off task_struct___old.state: not on this kernel; instruction poisoned"));
	assert_non_null(strstr(o, "program 'core_reads' insn"));
	assert_non_null(strstr(o, "loads if the poisoned instructions are dead code"));
	assert_true(tg_test_file_exists(out));
	free(o);
	free(e);

	rc = tg_test_runf(&o, &e, "%s/typegen min -j %s -i %s -o %s", tg_test_build_dir(),
		 core_obj, moved, out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(o, "\"verdict\":\"loads\""));
	assert_non_null(strstr(o, "\"spec\":\"task_struct.__state\",\"status\":\"absent\""));
	free(o);
	free(e);

	rc = tg_test_runf(&o, &e, "%s/typegen min /nonexistent.o -i %s -o %s",
		 tg_test_build_dir(), kernel, out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(e, "typegen: /nonexistent.o: No such file or directory"));
	free(o);
	free(e);
	rc = tg_test_runf(&o, &e, "%s/typegen min -i %s -o %s", tg_test_build_dir(),
		 kernel, out);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(e, "no BPF object given"));
	free(o);
	free(e);
	free(out);
}

/* A btfhub-like tree: plain, archived, broken; then up to date. */
static void test_cli_batch(void **state)
{
	char *in = fmt("%s/hub", tmp), *outd = fmt("%s/hub.min", tmp);
	char *o = NULL, *e = NULL, *p;
	int rc;

	(void)state;
	assert_int_equal(tg_test_runf(NULL, NULL,
		"mkdir -p %s/ubuntu/22.04/x86_64 %s/fedora/38/x86_64 && "
		"cp %s %s/ubuntu/22.04/x86_64/6.18.44-1.btf && "
		"cp %s %s/fedora/38/x86_64/6.1.0-moved.btf && "
		"cp %s %s/ubuntu/22.04/x86_64/6.18.44-2.btf && "
		"tar -C %s/ubuntu/22.04/x86_64 -cJf %s/ubuntu/22.04/x86_64/6.18.44-2.btf.tar.xz 6.18.44-2.btf && "
		"rm %s/ubuntu/22.04/x86_64/6.18.44-2.btf && "
		"echo junk > %s/fedora/38/x86_64/broken.btf && "
		"echo notes > %s/fedora/38/x86_64/README",
		in, in, kernel, in, moved, in, kernel, in, in, in, in, in, in), 0);

	rc = tg_test_runf(&o, &e, "%s/typegen min %s --batch %s -o %s --jobs 2",
		 tg_test_build_dir(), core_obj, in, outd);
	assert_int_equal(rc, 1);	/* broken.btf failed */
	assert_non_null(strstr(o, "kernels: 3 done, 0 up to date, 1 failed"));
	assert_non_null(strstr(o, "fedora/38/x86_64/broken.btf: failed: "));
	p = fmt("%s/ubuntu/22.04/x86_64/6.18.44-2.btf", outd);
	assert_true(tg_test_file_exists(p));
	free(p);
	p = fmt("%s/fedora/38/x86_64/6.1.0-moved.btf", outd);
	assert_true(tg_test_file_exists(p));
	free(p);
	free(o);
	free(e);

	rc = tg_test_runf(&o, &e, "rm %s/fedora/38/x86_64/broken.btf && %s/typegen -j min %s --batch %s -o %s",
		 in, tg_test_build_dir(), core_obj, in, outd);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(o, "\"done\":0,\"up_to_date\":3,\"failed\":0"));
	free(o);
	free(e);
	rc = tg_test_runf(&o, &e, "%s/typegen min %s --batch %s -o %s --force",
		 tg_test_build_dir(), core_obj, in, outd);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(o, "kernels: 3 done, 0 up to date, 0 failed"));
	free(o);
	free(e);
	free(in);
	free(outd);
}

/*
 * A tree that works against the batch: links to "." and to "/", one
 * kernel as k.btf and k.btf.xz, and -o the input directory or inside it.
 */
static void test_cli_batch_hostile(void **state)
{
	char *in = fmt("%s/hostile", tmp), *outd = fmt("%s/hostile.min", tmp);
	char *o = NULL, *e = NULL, *p;
	int rc;

	(void)state;
	assert_int_equal(tg_test_runf(NULL, NULL,
		"mkdir -p %s/a && cp %s %s/a/k.btf && xz -c %s > %s/a/k.btf.xz && "
		"cp %s %s/one.btf && ln -s . %s/a/x && ln -s . %s/a/y && "
		"ln -s / %s/root",
		in, kernel, in, kernel, in, kernel, in, in, in, in), 0);

	rc = tg_test_runf(&o, &e, "timeout 60 %s/typegen min %s --batch %s -o %s",
		 tg_test_build_dir(), core_obj, in, outd);
	assert_int_equal(rc, 1);	/* the two k.btf failed */
	assert_non_null(strstr(o, "kernels: 1 done, 0 up to date, 2 failed"));
	assert_non_null(strstr(o, "a/k.btf: failed: another input file of the batch has the same output"));
	assert_non_null(strstr(o, "a/k.btf.xz: failed: another input file of the batch has the same output"));
	p = fmt("%s/a/k.btf", outd);
	assert_false(tg_test_file_exists(p));
	free(p);
	free(o);
	free(e);

	rc = tg_test_runf(&o, &e, "%s/typegen min %s --batch %s -o %s",
		 tg_test_build_dir(), core_obj, in, in);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(e, "output directory is the input directory or inside it"));
	free(o);
	free(e);
	rc = tg_test_runf(&o, &e, "%s/typegen min %s --batch %s -o %s/a/new/min",
		 tg_test_build_dir(), core_obj, in, in);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(e, "output directory is the input directory or inside it"));
	free(o);
	free(e);
	free(in);
	free(outd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_kernel),
		cmocka_unit_test(test_second_kernel),
		cmocka_unit_test(test_bpftool),
		cmocka_unit_test(test_module),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_cli_one),
		cmocka_unit_test(test_cli_batch),
		cmocka_unit_test(test_cli_batch_hostile),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
