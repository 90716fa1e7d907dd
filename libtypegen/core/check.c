// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * typegen check: will a CO-RE object load on a kernel, program by program?
 *
 * min.c resolves every relocation as libbpf does. What libbpf then does
 * with an unsatisfied one is poison its instruction (an invalid helper
 * call), and whether the program loads is the verifier's call: it walks
 * only the branches the known register values allow, so a poisoned
 * instruction behind an existence check relocated to 0 is never seen.
 * The same walk is done here on the object's instructions, with the
 * relocated values patched in: constants through registers, conditional
 * jumps on known values followed one way only, everything else unknown
 * (merged per instruction, so it errs towards "reachable": a verdict of
 * "fails" may be pessimistic, never "loads" optimistic).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <linux/bpf.h>

#include "core_relo.h"
#include "input/input.h"
#include "kernel/kernel_tree.h"
#include "min.h"

#define NO_PROG SIZE_MAX

struct insn_sec {
	size_t obj;
	char *name;
	struct bpf_insn *insns;
	size_t cnt;
};

struct cprog {
	struct tg_check_prog pub;
	size_t sec;		/* index in tg_check.secs */
	size_t start, end;	/* its instructions in the section */
	size_t *relos;		/* its relocations (global indexes) */
	size_t relo_cnt;
	size_t *calls;		/* the functions it calls */
};

/* A relocation, in tg_min_result__relo() order. */
struct crelo {
	size_t obj;
	const struct tg_core_rec *rec;
	size_t prog;		/* or NO_PROG */
};

struct tg_check {
	struct tg_min *m;
	struct insn_sec *secs;
	size_t sec_cnt;
	struct cprog *progs;
	size_t prog_cnt;
	struct crelo *relos;
	size_t relo_cnt;
	/* An object half added (out of memory): nothing can be checked. */
	int err;
};

struct tg_check_result {
	enum tg_check_verdict *prog_v;
	enum tg_check_verdict *obj_v;
	size_t obj_cnt, prog_cnt;
	struct tg_check_problem *probs;
	size_t prob_cnt;
};

const char *tg_check_verdict__str(enum tg_check_verdict v)
{
	switch (v) {
	case TG_CHECK_LOADS:
		return "loads";
	case TG_CHECK_LOADS_DEAD:
		return "loads (poisoned dead code)";
	case TG_CHECK_FAILS:
		return "fails";
	}
	return "?";
}

/* ---- objects ------------------------------------------------------------ */

int tg_check__new(const struct tg_check_opts *opts, struct tg_check **cp)
{
	struct tg_check *c;
	int err;

	*cp = NULL;
	if (!TG_OPTS_VALID(opts, tg_check_opts))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	err = tg_min__new(NULL, &c->m);
	if (err) {
		free(c);
		return err;
	}
	*cp = c;
	return 0;
}

/* Room for element @cnt of an array that doubles from 8; NULL if none. */
static void *grow(void *p, size_t cnt, size_t size)
{
	if (cnt && (cnt < 8 || (cnt & (cnt - 1))))
		return p;
	return realloc(p, (cnt ? 2 * cnt : 8) * size);
}

static int add_sec(struct tg_check *c, size_t oi, const char *name,
		   Elf_Data *d)
{
	struct insn_sec *s = grow(c->secs, c->sec_cnt, sizeof(*s));

	if (!s)
		return -ENOMEM;
	c->secs = s;
	s = &c->secs[c->sec_cnt];
	memset(s, 0, sizeof(*s));
	s->obj = oi;
	s->name = strdup(name);
	s->cnt = d && d->d_buf ? d->d_size / sizeof(struct bpf_insn) : 0;
	s->insns = malloc(s->cnt * sizeof(*s->insns) + 1);
	if (!s->name || !s->insns) {
		free(s->name);
		free(s->insns);
		return -ENOMEM;
	}
	if (s->cnt)
		memcpy(s->insns, d->d_buf, s->cnt * sizeof(*s->insns));
	c->sec_cnt++;
	return 0;
}

static int add_prog(struct tg_check *c, size_t oi, size_t sec,
		    const char *name, const GElf_Sym *sym)
{
	const struct insn_sec *s = &c->secs[sec];
	struct cprog *p = grow(c->progs, c->prog_cnt, sizeof(*p));
	size_t start = sym->st_value / 8, end = (sym->st_value + sym->st_size) / 8;

	if (!p)
		return -ENOMEM;
	c->progs = p;
	if (start >= s->cnt || end > s->cnt || start >= end)
		return 0;	/* not a function we can read: its records stay unattached */
	p = &c->progs[c->prog_cnt];
	memset(p, 0, sizeof(*p));
	p->pub.obj = oi;
	p->pub.name = strdup(name);
	p->pub.section = s->name;
	p->pub.subprog = !strcmp(s->name, ".text");
	p->sec = sec;
	p->start = start;
	p->end = end;
	if (!p->pub.name)
		return -ENOMEM;
	c->prog_cnt++;
	return 0;
}

/* A BPF-to-BPF call whose target an ELF relocation gives. */
struct call_rel {
	size_t sec, insn;	/* the call */
	size_t tsec, tinsn;	/* its target */
};

static bool pseudo_call(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_CALL) &&
	       in->src_reg == BPF_PSEUDO_CALL;
}

/* The calls of SHT_REL section @sh into functions of sections @map. */
static int read_call_rels(const struct tg_check *c, Elf_Scn *scn,
			  const GElf_Shdr *sh, Elf_Data *syms,
			  const size_t *map, size_t shnum,
			  struct call_rel **crp, size_t *cntp)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t i, n = d && d->d_buf ? d->d_size / sizeof(Elf64_Rel) : 0;

	for (i = 0; i < n; i++) {
		const struct insn_sec *s = &c->secs[map[sh->sh_info]];
		struct call_rel *cr;
		GElf_Rel rel;
		GElf_Sym sym;
		size_t k;

		if (!gelf_getrel(d, i, &rel) ||
		    !gelf_getsym(syms, GELF_R_SYM(rel.r_info), &sym))
			continue;
		k = rel.r_offset / 8;
		if (k >= s->cnt || !pseudo_call(&s->insns[k]) ||
		    sym.st_shndx >= shnum || map[sym.st_shndx] == NO_PROG)
			continue;
		cr = realloc(*crp, (*cntp + 1) * sizeof(*cr));
		if (!cr)
			return -ENOMEM;
		*crp = cr;
		cr += (*cntp)++;
		cr->sec = map[sh->sh_info];
		cr->insn = k;
		cr->tsec = map[sym.st_shndx];
		/* libbpf's rule, for section and function symbols alike. */
		cr->tinsn = sym.st_value / 8 + s->insns[k].imm + 1;
	}
	return 0;
}

/* Program @pi's calls: relocated, or within its section by offset. */
static int link_calls(struct tg_check *c, size_t pi, size_t first_prog,
		      const struct call_rel *cr, size_t cr_cnt)
{
	struct cprog *p = &c->progs[pi];
	const struct insn_sec *s = &c->secs[p->sec];
	size_t k, j, q;

	for (k = p->start; k < p->end; k++) {
		size_t tsec = p->sec, tinsn = k + 1 + s->insns[k].imm;
		size_t *l;

		if (!pseudo_call(&s->insns[k]))
			continue;
		for (j = 0; j < cr_cnt; j++)
			if (cr[j].sec == p->sec && cr[j].insn == k) {
				tsec = cr[j].tsec;
				tinsn = cr[j].tinsn;
			}
		for (q = first_prog; q < c->prog_cnt; q++)
			if (c->progs[q].sec == tsec &&
			    c->progs[q].start == tinsn)
				break;
		if (q == c->prog_cnt || q == pi)
			continue;
		l = realloc(p->calls, (p->pub.call_cnt + 1) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		p->calls = l;
		l[p->pub.call_cnt++] = q;
		p->pub.calls = l;
	}
	return 0;
}

/* The executable sections of object @oi and the functions in them. */
static int read_progs(struct tg_check *c, size_t oi, Elf *elf)
{
	size_t shstrndx, shnum, i, *map, first_prog = c->prog_cnt, cr_cnt = 0;
	struct call_rel *cr = NULL;
	Elf_Scn *scn = NULL;
	Elf_Data *syms = NULL;
	size_t syms_link = 0;
	GElf_Shdr sh;
	int err = 0;

	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &shnum))
		return -TG_ERRNO__ELF;
	map = malloc((shnum + 1) * sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (i = 0; i <= shnum; i++)
		map[i] = NO_PROG;
	while (!err && (scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh)) {
			err = -TG_ERRNO__ELF;
			break;
		}
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			syms = elf_getdata(scn, NULL);
			syms_link = sh.sh_link;
		} else if (name && sh.sh_type == SHT_PROGBITS &&
			   (sh.sh_flags & SHF_EXECINSTR) &&
			   elf_ndxscn(scn) < shnum) {
			map[elf_ndxscn(scn)] = c->sec_cnt;
			err = add_sec(c, oi, name, elf_getdata(scn, NULL));
		}
	}
	for (i = 0; !err && syms && i < syms->d_size / sizeof(Elf64_Sym); i++) {
		const char *name;
		GElf_Sym sym;

		if (!gelf_getsym(syms, i, &sym))
			break;
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
		    sym.st_shndx >= shnum || map[sym.st_shndx] == NO_PROG)
			continue;
		name = elf_strptr(elf, syms_link, sym.st_name);
		if (name && *name)
			err = add_prog(c, oi, map[sym.st_shndx], name, &sym);
	}
	while (!err && syms && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh)) {
			err = -TG_ERRNO__ELF;
			break;
		}
		if (sh.sh_type == SHT_REL && sh.sh_info < shnum &&
		    map[sh.sh_info] != NO_PROG)
			err = read_call_rels(c, scn, &sh, syms, map, shnum, &cr,
					     &cr_cnt);
	}
	for (i = first_prog; !err && i < c->prog_cnt; i++)
		err = link_calls(c, i, first_prog, cr, cr_cnt);
	free(cr);
	free(map);
	return err;
}

static size_t find_prog(const struct tg_check *c, size_t oi,
			const struct tg_core_rec *rec)
{
	size_t i, insn = rec->insn_off / 8;

	for (i = 0; i < c->prog_cnt; i++) {
		const struct cprog *p = &c->progs[i];

		if (p->pub.obj == oi && !strcmp(p->pub.section, rec->sec) &&
		    insn >= p->start && insn < p->end)
			return i;
	}
	return NO_PROG;
}

/* Attach each relocation of object @oi to its program. */
static int map_relos(struct tg_check *c, size_t oi)
{
	const struct tg_core_obj *o = tg_min_object(c->m, oi);
	struct crelo *r;
	size_t i;

	r = realloc(c->relos, (c->relo_cnt + o->rec_cnt + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	c->relos = r;
	for (i = 0; i < o->rec_cnt; i++) {
		struct crelo *x = &c->relos[c->relo_cnt];
		struct cprog *p;
		size_t *l;

		x->obj = oi;
		x->rec = &o->recs[i];
		x->prog = find_prog(c, oi, x->rec);
		if (x->prog != NO_PROG) {
			p = &c->progs[x->prog];
			l = realloc(p->relos, (p->relo_cnt + 1) * sizeof(*l));
			if (!l)
				return -ENOMEM;
			p->relos = l;
			l[p->relo_cnt++] = c->relo_cnt;
		}
		c->relo_cnt++;
	}
	return 0;
}

int tg_check__add_object(struct tg_check *c, const char *path)
{
	size_t oi;
	Elf *elf;
	int fd, err;

	if (!c || !path)
		return -EINVAL;
	oi = tg_min__object_cnt(c->m);
	err = tg_min__add_object(c->m, path);
	if (err)
		return err;
	/* tg_min__add_object() read it as ELF already: this cannot fail but
	 * for a file changed in between. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	err = elf ? read_progs(c, oi, elf) : -TG_ERRNO__ELF;
	elf_end(elf);
	close(fd);
	err = err ?: map_relos(c, oi);
	/* tg_min has the object: without its programs the indexes are off. */
	if (err)
		c->err = err;
	return err;
}

size_t tg_check__object_cnt(const struct tg_check *c)
{
	return c ? tg_min__object_cnt(c->m) : 0;
}

const char *tg_check__object_path(const struct tg_check *c, size_t idx)
{
	return c ? tg_min__object_path(c->m, idx) : NULL;
}

size_t tg_check__prog_cnt(const struct tg_check *c)
{
	return c ? c->prog_cnt : 0;
}

const struct tg_check_prog *tg_check__prog(const struct tg_check *c,
					   size_t idx)
{
	return c && idx < c->prog_cnt ? &c->progs[idx].pub : NULL;
}

void tg_check__free(struct tg_check *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->sec_cnt; i++) {
		free(c->secs[i].name);
		free(c->secs[i].insns);
	}
	for (i = 0; i < c->prog_cnt; i++) {
		free((char *)c->progs[i].pub.name);
		free(c->progs[i].relos);
		free(c->progs[i].calls);
	}
	free(c->secs);
	free(c->progs);
	free(c->relos);
	tg_min__free(c->m);
	free(c);
}

/* ---- which instructions the verifier walks ------------------------------ */

struct areg {
	bool known;
	__u64 v;
	long src;		/* relocation the constant came from, or -1 */
};

struct astate {
	bool seen;
	struct areg r[MAX_BPF_REG];
};

/* A program's instructions, with what relocating them did. */
struct walk {
	const struct bpf_insn *insns;
	size_t n;
	long *relo;		/* per instruction: its relocation, or -1 */
	const struct tg_min_result *mr;
	struct astate *st;
	size_t *stack;
	size_t sp;
	bool *queued;
};

static bool alu(__u8 op, bool is64, __u64 a, __u64 b, __u64 *out)
{
	__u64 m = is64 ? 63 : 31;

	if (!is64) {
		a = (__u32)a;
		b = (__u32)b;
	}
	switch (op) {
	case BPF_ADD: *out = a + b; break;
	case BPF_SUB: *out = a - b; break;
	case BPF_MUL: *out = a * b; break;
	case BPF_OR: *out = a | b; break;
	case BPF_AND: *out = a & b; break;
	case BPF_XOR: *out = a ^ b; break;
	case BPF_LSH: *out = a << (b & m); break;
	case BPF_RSH: *out = a >> (b & m); break;
	case BPF_NEG: *out = -a; break;
	case BPF_MOV: *out = b; break;
	case BPF_DIV: *out = b ? a / b : 0; break;
	case BPF_MOD: *out = b ? a % b : a; break;
	case BPF_ARSH:
		*out = is64 ? (__u64)((__s64)a >> (b & m)) :
			      (__u32)((__s32)a >> (b & m));
		break;
	default:
		return false;
	}
	if (!is64)
		*out = (__u32)*out;
	return true;
}

/* 1 or 0 if the jump's condition is known, else -1. */
static int cond(__u8 op, bool is64, __u64 a, __u64 b)
{
	__s64 sa = a, sb = b;

	if (!is64) {
		a = (__u32)a;
		b = (__u32)b;
		sa = (__s32)a;
		sb = (__s32)b;
	}
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	case BPF_JSET: return !!(a & b);
	}
	return -1;
}

static void unknown(struct areg *r)
{
	r->known = false;
	r->src = -1;
}

/* Merge @s into instruction @pc's state; queue it if that changed it. */
static void flow(struct walk *w, size_t pc, const struct astate *s)
{
	struct astate *d;
	bool changed = false;
	int i;

	if (pc >= w->n)
		return;		/* out of the function: the verifier says so */
	d = &w->st[pc];
	if (!d->seen) {
		*d = *s;
		d->seen = true;
		changed = true;
	} else {
		for (i = 0; i < MAX_BPF_REG; i++) {
			if (!d->r[i].known || (s->r[i].known &&
					       s->r[i].v == d->r[i].v))
				continue;
			unknown(&d->r[i]);
			changed = true;
		}
	}
	if (changed && !w->queued[pc]) {
		w->queued[pc] = true;
		w->stack[w->sp++] = pc;
	}
}

static bool relocated(const struct walk *w, size_t pc, __u64 *v)
{
	const struct tg_min_relo *r;

	if (w->relo[pc] < 0)
		return false;
	r = tg_min_result__relo(w->mr, w->relo[pc]);
	if (r->status != TG_RELO_OK && r->status != TG_RELO_ABSENT)
		return false;
	*v = r->value;
	return true;
}

static void step_alu(const struct walk *w, size_t pc, struct astate *s)
{
	const struct bpf_insn *in = &w->insns[pc];
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	struct areg *d = &s->r[in->dst_reg], b = { .src = -1 };
	__u8 op = BPF_OP(in->code);
	__u64 v;

	if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
		return;
	if (BPF_SRC(in->code) == BPF_K) {
		b.known = true;
		b.v = is64 ? (__u64)(__s64)in->imm : (__u32)in->imm;
		if (relocated(w, pc, &v)) {
			b.v = v;
			b.src = w->relo[pc];
		}
	} else {
		b = s->r[in->src_reg];
	}
	/* Sign-extending moves and signed division (off != 0), byte swaps. */
	if (op == BPF_END || in->off) {
		unknown(d);
		return;
	}
	if (op == BPF_MOV) {
		*d = b;
		if (!is64 && d->known)
			d->v = (__u32)d->v;
		return;
	}
	if (!d->known || (op != BPF_NEG && !b.known) ||
	    !alu(op, is64, d->v, b.v, &v)) {
		unknown(d);
		return;
	}
	d->v = v;
	if (d->src < 0)
		d->src = b.src;
}

/* Walk from @pc: the successors of one instruction. */
static void step(struct walk *w, size_t pc)
{
	const struct bpf_insn *in = &w->insns[pc];
	struct astate s = w->st[pc];
	__u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	struct areg *d, b = { .src = -1 };
	int i, t;

	if (in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
		return;
	d = &s.r[in->dst_reg];
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		step_alu(w, pc, &s);
		break;
	case BPF_LD:
		if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			__u64 v;

			unknown(d);
			if (relocated(w, pc, &v)) {
				d->known = true;
				d->v = v;
				d->src = w->relo[pc];
			}
			flow(w, pc + 2, &s);
			return;
		}
		for (i = BPF_REG_0; i <= BPF_REG_5; i++)
			unknown(&s.r[i]);
		break;
	case BPF_LDX:
		unknown(d);
		break;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC) {
			unknown(&s.r[in->src_reg]);
			unknown(&s.r[BPF_REG_0]);
		}
		break;
	case BPF_ST:
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_EXIT)
			return;
		if (op == BPF_CALL) {
			for (i = BPF_REG_0; i <= BPF_REG_5; i++)
				unknown(&s.r[i]);
			break;
		}
		if (op == BPF_JA) {
			flow(w, pc + 1 + (cls == BPF_JMP32 ? in->imm : in->off),
			     &s);
			return;
		}
		if (BPF_SRC(in->code) == BPF_K) {
			b.known = true;
			b.v = (__u64)(__s64)in->imm;
		} else {
			b = s.r[in->src_reg];
		}
		t = d->known && b.known ?
		    cond(op, cls == BPF_JMP, d->v, b.v) : -1;
		if (t != 0)
			flow(w, pc + 1 + in->off, &s);
		if (t != 1)
			flow(w, pc + 1, &s);
		return;
	}
	flow(w, pc + 1, &s);
}

/*
 * The existence check that decided the jump nearest before @q whose
 * untaken side leads to @q: the guard of a dead instruction. -1 if none.
 */
static long deciding_guard(const struct walk *w, size_t q)
{
	size_t pc;

	for (pc = q; pc-- > 0; ) {
		const struct bpf_insn *in = &w->insns[pc];
		const struct astate *s = &w->st[pc];
		__u8 cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		const struct areg *d, *b;
		size_t untaken;
		int t;

		if (!s->seen || (cls != BPF_JMP && cls != BPF_JMP32) ||
		    op == BPF_JA || op == BPF_CALL || op == BPF_EXIT ||
		    in->dst_reg >= MAX_BPF_REG || in->src_reg >= MAX_BPF_REG)
			continue;
		d = &s->r[in->dst_reg];
		b = BPF_SRC(in->code) == BPF_X ? &s->r[in->src_reg] : NULL;
		if (!d->known || (b && !b->known))
			continue;
		t = cond(op, cls == BPF_JMP, d->v,
			 b ? b->v : (__u64)(__s64)in->imm);
		untaken = t ? pc + 1 : pc + 1 + in->off;
		if (untaken > q)
			continue;
		return d->src >= 0 ? d->src : b ? b->src : -1;
	}
	return -1;
}

static int walk_prog(const struct tg_check *c, const struct cprog *p,
		     const struct tg_min_result *mr, struct walk *w)
{
	const struct insn_sec *sec = &c->secs[p->sec];
	struct astate init = { .seen = true };
	size_t i;

	memset(w, 0, sizeof(*w));
	w->insns = sec->insns + p->start;
	w->n = p->end - p->start;
	w->mr = mr;
	w->relo = malloc(w->n * sizeof(*w->relo));
	w->st = calloc(w->n, sizeof(*w->st));
	w->stack = malloc(w->n * sizeof(*w->stack));
	w->queued = calloc(w->n, sizeof(*w->queued));
	if (!w->relo || !w->st || !w->stack || !w->queued)
		return -ENOMEM;
	for (i = 0; i < w->n; i++)
		w->relo[i] = -1;
	for (i = 0; i < p->relo_cnt; i++) {
		size_t at = c->relos[p->relos[i]].rec->insn_off / 8 - p->start;

		w->relo[at] = p->relos[i];
	}
	for (i = 0; i < MAX_BPF_REG; i++)
		unknown(&init.r[i]);
	flow(w, 0, &init);
	while (w->sp) {
		size_t pc = w->stack[--w->sp];
		const struct tg_min_relo *r;

		w->queued[pc] = false;
		/* A poisoned instruction ends the walk: the verifier stops. */
		if (w->relo[pc] >= 0) {
			r = tg_min_result__relo(mr, w->relo[pc]);
			if (r->status == TG_RELO_POISON)
				continue;
		}
		step(w, pc);
	}
	return 0;
}

static void free_walk(struct walk *w)
{
	free(w->relo);
	free(w->st);
	free(w->stack);
	free(w->queued);
}

/* ---- naming what is missing --------------------------------------------- */

static const char *kind_word(const struct btf_type *t)
{
	if (!t)
		return "type";
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return "struct";
	case BTF_KIND_UNION:
		return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum";
	case BTF_KIND_TYPEDEF:
		return "typedef";
	case BTF_KIND_FWD:
		return btf_kflag(t) ? "union" : "struct";
	}
	return "type";
}

struct kernel_view {
	const struct btf *const *btfs;
	size_t cnt;
};

static bool has_member(const struct btf *btf, __u32 id, const char *name,
		       int depth)
{
	const struct btf_type *t = tg_core_skip_mods(btf, id, NULL);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_composite(t) || depth > 32)
		return false;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);

		if (n && !*n ? has_member(btf, m->type, name, depth + 1) :
		    n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* Size of what the last accessor of @s names. */
static __s64 field_size(const struct tg_core_spec *s)
{
	const struct tg_core_acc *a = &s->spec[s->len - 1];
	const struct btf_type *t;

	if (!a->name)
		return btf__resolve_size(s->btf, a->type_id);
	t = btf__type_by_id(s->btf, a->type_id);
	return btf__resolve_size(s->btf, btf_members(t)[a->idx].type);
}

/* The type an accessor's member (or element) has, past modifiers. */
static __u32 acc_type(const struct tg_core_spec *s, int i)
{
	const struct tg_core_acc *a = &s->spec[i];
	const struct btf_type *t = btf__type_by_id(s->btf, a->type_id);

	if (!a->name)
		return a->type_id;
	return btf_members(t)[a->idx].type;
}

static void diagnose_field(const struct kernel_view *k,
			   const struct tg_core_spec *local,
			   const struct tg_tref *cands, size_t n,
			   const char *kw, struct tg_check_problem *p,
			   char *what, size_t size)
{
	struct tg_core_spec part = *local, out;
	char path[512];
	int best = 0, best_c = -1, len;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct btf *tb = k->btfs[cands[i].b];

		if (tg_core_spec_match(local, tb, cands[i].id, &out) > 0) {
			__s64 ls = field_size(local), ts = field_size(&out);

			p->reason = TG_CHECK_FIELD_SIZE;
			tg_core_spec_str(local, path, sizeof(path));
			snprintf(what, size, "%s %s changed size (%lld -> %lld bytes)",
				 kw, path, (long long)ls, (long long)ts);
			return;
		}
		for (len = local->len - 1; len > best; len--) {
			part.len = len;
			if (tg_core_spec_match(&part, tb, cands[i].id, &out) > 0) {
				best = len;
				best_c = i;
				break;
			}
		}
	}
	part.len = best + 1;
	tg_core_spec_str(&part, path, sizeof(path));
	p->reason = TG_CHECK_FIELD_TYPE;
	if (local->spec[best].name && best_c >= 0) {
		const struct btf *tb = k->btfs[cands[best_c].b];

		part.len = best;
		tg_core_spec_match(&part, tb, cands[best_c].id, &out);
		if (!has_member(tb, acc_type(&out, best - 1),
				local->spec[best].name, 0))
			p->reason = TG_CHECK_FIELD_MISSING;
	} else if (local->spec[best].name) {
		p->reason = TG_CHECK_FIELD_MISSING;
	}
	snprintf(what, size, "%s %s %s", kw, path,
		 p->reason == TG_CHECK_FIELD_MISSING ? "missing" :
		 local->spec[best].name ? "changed type" : "index out of range");
}

static void diagnose(const struct kernel_view *k, const struct tg_core_obj *o,
		     const struct tg_core_rec *rec, const struct tg_min_relo *r,
		     const struct tg_core_cands *cands,
		     struct tg_check_problem *p, char *what, size_t size)
{
	const struct btf_type *lt = btf__type_by_id(o->btf, rec->type_id);
	const char *name = lt ? btf__name_by_offset(o->btf, lt->name_off) : NULL;
	const char *kw = kind_word(tg_core_skip_mods(o->btf, rec->type_id, NULL));
	struct tg_core_spec local;
	char msg[128];

	if (r->status == TG_RELO_ERROR) {
		p->reason = r->err == -TG_ERRNO__AMBIGUOUS ? TG_CHECK_AMBIGUOUS :
			    TG_CHECK_INVALID;
		tg_strerror(r->err, msg, sizeof(msg));
		snprintf(what, size, "%s %s: %s", kw, r->spec, msg);
		return;
	}
	/* The candidates libbpf tried: none means no type of that name. */
	if (!cands || !cands->cnt || tg_core_parse_spec(o->btf, rec, &local)) {
		p->reason = TG_CHECK_TYPE_MISSING;
		snprintf(what, size, "%s %.*s missing", kw,
			 name ? (int)tg_core_essential_len(name) : 1,
			 name ? name : "?");
		return;
	}
	if (rec->kind == TG_RELO_ENUMVAL_VALUE ||
	    rec->kind == TG_RELO_ENUMVAL_EXISTS) {
		p->reason = TG_CHECK_ENUMVAL_MISSING;
		snprintf(what, size, "%s %s missing", kw, r->spec);
		return;
	}
	diagnose_field(k, &local, cands->refs, cands->cnt, kw, p, what, size);
}

/* ---- one kernel --------------------------------------------------------- */

static bool is_exists(enum tg_relo_kind k)
{
	return k == TG_RELO_FIELD_EXISTS || k == TG_RELO_TYPE_EXISTS ||
	       k == TG_RELO_ENUMVAL_EXISTS || k == TG_RELO_TYPE_MATCHES;
}

/* The root type name of a spec string, up to '.', ':' or '['. */
static size_t root_len(const char *spec)
{
	return strcspn(spec, ".:[");
}

/*
 * An existence check of program @p that tests what relocation @ri
 * accesses: the same field or enumerator, or its root type.
 */
static long same_test(const struct cprog *p,
		      const struct tg_min_result *mr, size_t ri)
{
	const char *spec = tg_min_result__relo(mr, ri)->spec;
	size_t i, el;
	char root[256];

	snprintf(root, sizeof(root), "%.*s", (int)root_len(spec), spec);
	el = tg_core_essential_len(root);

	for (i = 0; i < p->relo_cnt; i++) {
		const struct tg_min_relo *g = tg_min_result__relo(mr, p->relos[i]);

		if (!is_exists(g->kind) || p->relos[i] == ri)
			continue;
		if (!strcmp(g->spec, spec))
			return p->relos[i];
		if ((g->kind == TG_RELO_TYPE_EXISTS ||
		     g->kind == TG_RELO_TYPE_MATCHES) &&
		    tg_core_essential_len(g->spec) == el &&
		    !strncmp(g->spec, root, el))
			return p->relos[i];
	}
	return -1;
}

static int add_problem(struct tg_check_result *res, const struct tg_check *c,
		       const struct kernel_view *k,
		       const struct tg_min_result *mr, size_t ri, bool dead,
		       long guard)
{
	const struct crelo *cr = &c->relos[ri];
	const struct tg_min_relo *r = tg_min_result__relo(mr, ri);
	struct tg_check_problem *p;
	char what[640], g[512];

	p = grow(res->probs, res->prob_cnt, sizeof(*p));
	if (!p)
		return -ENOMEM;
	res->probs = p;
	p = &res->probs[res->prob_cnt];
	memset(p, 0, sizeof(*p));
	p->obj = cr->obj;
	p->prog = cr->prog;
	p->insn_idx = cr->rec->insn_off / 8;
	p->kind = r->kind;
	p->dead = dead;
	diagnose(k, tg_min_object(c->m, cr->obj), cr->rec, r,
		 tg_min_result_cands(mr, ri), p, what, sizeof(what));
	p->spec = strdup(r->spec);
	p->what = strdup(what);
	if (guard >= 0) {
		const struct tg_min_relo *gr = tg_min_result__relo(mr, guard);

		snprintf(g, sizeof(g), "%s %s", tg_relo_kind__str(gr->kind),
			 gr->spec);
		p->guard = strdup(g);
	}
	res->prob_cnt++;
	if (!p->spec || !p->what || (guard >= 0 && !p->guard))
		return -ENOMEM;
	return 0;
}

static enum tg_check_verdict worst(enum tg_check_verdict a,
				   enum tg_check_verdict b)
{
	return a > b ? a : b;
}

/* The verdict of program @pi, its problems added to @res. */
static int check_prog(const struct tg_check *c, size_t pi,
		      const struct kernel_view *k,
		      const struct tg_min_result *mr,
		      struct tg_check_result *res)
{
	const struct cprog *p = &c->progs[pi];
	enum tg_check_verdict v = TG_CHECK_LOADS;
	bool poisoned = false;
	struct walk w = {};
	size_t i;
	int err = 0;

	for (i = 0; i < p->relo_cnt; i++)
		poisoned |= tg_min_result__relo(mr, p->relos[i])->status ==
			    TG_RELO_POISON;
	if (poisoned)
		err = walk_prog(c, p, mr, &w);
	for (i = 0; !err && i < p->relo_cnt; i++) {
		size_t ri = p->relos[i];
		const struct tg_min_relo *r = tg_min_result__relo(mr, ri);
		size_t at = c->relos[ri].rec->insn_off / 8 - p->start;
		bool dead;
		long g;

		if (r->status == TG_RELO_ERROR) {
			v = TG_CHECK_FAILS;
			err = add_problem(res, c, k, mr, ri, false, -1);
			continue;
		}
		if (r->status != TG_RELO_POISON)
			continue;
		dead = !w.st[at].seen;
		g = dead ? deciding_guard(&w, at) : -1;
		if (g < 0 || !is_exists(tg_min_result__relo(mr, g)->kind))
			g = same_test(p, mr, ri);
		v = worst(v, dead ? TG_CHECK_LOADS_DEAD : TG_CHECK_FAILS);
		err = add_problem(res, c, k, mr, ri, dead, g);
	}
	free_walk(&w);
	res->prog_v[pi] = v;
	res->obj_v[p->pub.obj] = worst(res->obj_v[p->pub.obj], v);
	return err;
}

/* A program fares as its worst callee, through any depth of calls. */
static void add_callees(const struct tg_check *c, struct tg_check_result *res)
{
	bool changed = true;
	size_t i, j, rounds = 0;

	while (changed && rounds++ <= c->prog_cnt) {
		changed = false;
		for (i = 0; i < c->prog_cnt; i++) {
			const struct cprog *p = &c->progs[i];

			for (j = 0; j < p->pub.call_cnt; j++) {
				enum tg_check_verdict v = res->prog_v[p->calls[j]];

				if (v <= res->prog_v[i])
					continue;
				res->prog_v[i] = v;
				res->obj_v[p->pub.obj] = worst(res->obj_v[p->pub.obj], v);
				changed = true;
			}
		}
	}
}

int tg_check__run(const struct tg_check *c, const struct tg_btf *kernel,
		  struct tg_btf *const *mods, size_t mod_cnt,
		  struct tg_check_result **resp)
{
	const struct btf **btfs = NULL;
	struct kernel_view k = {};
	struct tg_check_result *res;
	struct tg_min_result *mr = NULL;
	size_t i;
	int err;

	*resp = NULL;
	if (!c || !kernel)
		return -EINVAL;
	if (c->err)
		return c->err;
	err = tg_min_resolve(c->m, kernel, mods, mod_cnt, false, &mr);
	if (err)
		return err;
	res = calloc(1, sizeof(*res));
	btfs = calloc(mod_cnt + 1, sizeof(*btfs));
	if (!res || !btfs) {
		err = -ENOMEM;
		goto out;
	}
	res->obj_cnt = tg_check__object_cnt(c);
	res->prog_cnt = c->prog_cnt;
	res->obj_v = calloc(res->obj_cnt + 1, sizeof(*res->obj_v));
	res->prog_v = calloc(res->prog_cnt + 1, sizeof(*res->prog_v));
	if (!res->obj_v || !res->prog_v) {
		err = -ENOMEM;
		goto out;
	}
	btfs[0] = tg_btf__btf(kernel);
	for (i = 0; i < mod_cnt; i++)
		btfs[i + 1] = tg_btf__btf(mods[i]);
	k.btfs = btfs;
	k.cnt = mod_cnt + 1;
	for (i = 0; !err && i < c->prog_cnt; i++)
		err = check_prog(c, i, &k, mr, res);
	if (!err)
		add_callees(c, res);
	/* Outside any function: nothing says it is dead. */
	for (i = 0; !err && i < c->relo_cnt; i++) {
		const struct tg_min_relo *r = tg_min_result__relo(mr, i);

		if (c->relos[i].prog != NO_PROG ||
		    (r->status != TG_RELO_POISON && r->status != TG_RELO_ERROR))
			continue;
		res->obj_v[c->relos[i].obj] = TG_CHECK_FAILS;
		err = add_problem(res, c, &k, mr, i, false, -1);
	}
out:
	free(btfs);
	tg_min_result__free(mr);
	if (err)
		tg_check_result__free(res);
	else
		*resp = res;
	return err;
}

enum tg_check_verdict tg_check_result__prog(const struct tg_check_result *res,
					    size_t prog)
{
	return res && prog < res->prog_cnt ? res->prog_v[prog] : TG_CHECK_FAILS;
}

enum tg_check_verdict
tg_check_result__object(const struct tg_check_result *res, size_t obj)
{
	return res && obj < res->obj_cnt ? res->obj_v[obj] : TG_CHECK_FAILS;
}

size_t tg_check_result__problem_cnt(const struct tg_check_result *res)
{
	return res ? res->prob_cnt : 0;
}

const struct tg_check_problem *
tg_check_result__problem(const struct tg_check_result *res, size_t idx)
{
	return res && idx < res->prob_cnt ? &res->probs[idx] : NULL;
}

void tg_check_result__free(struct tg_check_result *res)
{
	size_t i;

	if (!res)
		return;
	for (i = 0; i < res->prob_cnt; i++) {
		free((char *)res->probs[i].spec);
		free((char *)res->probs[i].what);
		free((char *)res->probs[i].guard);
	}
	free(res->probs);
	free(res->obj_v);
	free(res->prog_v);
	free(res);
}

/* ---- a tree of kernels -------------------------------------------------- */

struct tg_check_batch {
	struct tg_check_kernel *k;
	size_t cnt;
};

struct batch_run {
	const struct tg_check *c;
	const char *dir;
	const struct tg_check_batch_opts *opts;
	struct tg_check_batch *b;
};

static int add_kernel(void *ctx, const char *rel, size_t dir_len,
		      size_t name_len)
{
	struct tg_check_batch *b = ctx;
	struct tg_check_kernel *k = grow(b->k, b->cnt, sizeof(*k));

	(void)dir_len;
	(void)name_len;
	if (!k)
		return -ENOMEM;
	b->k = k;
	k = &b->k[b->cnt];
	memset(k, 0, sizeof(*k));
	k->path = strdup(rel);
	if (!k->path)
		return -ENOMEM;
	b->cnt++;
	return 0;
}

static int cmp_kernel(const void *a, const void *b)
{
	return strcmp(((const struct tg_check_kernel *)a)->path,
		      ((const struct tg_check_kernel *)b)->path);
}

static void check_one(void *ctx, size_t idx)
{
	struct batch_run *br = ctx;
	struct tg_check_kernel *k = &br->b->k[idx];
	struct tg_check_result *res = NULL;
	struct tg_btf *btf;
	char *path;

	if (asprintf(&path, "%s/%s", br->dir, k->path) < 0) {
		k->err = -ENOMEM;
		return;
	}
	k->err = tg_btf__open(path, NULL, &btf);
	free(path);
	if (k->err)
		return;
	k->err = tg_check__run(br->c, btf, NULL, 0, &res);
	k->res = res;
	tg_btf__free(btf);
}

static void check_done(void *ctx, size_t idx, size_t done, size_t total)
{
	struct batch_run *br = ctx;
	tg_check_progress_fn fn = TG_OPTS_GET(br->opts, progress, NULL);

	if (fn)
		fn(&br->b->k[idx], done, total, TG_OPTS_GET(br->opts, ctx, NULL));
}

int tg_check__batch(const struct tg_check *c, const char *dir,
		    const struct tg_check_batch_opts *opts,
		    struct tg_check_batch **bp)
{
	struct batch_run br = { .c = c, .dir = dir, .opts = opts };
	int err;

	*bp = NULL;
	if (!c || !dir || !TG_OPTS_VALID(opts, tg_check_batch_opts))
		return -EINVAL;
	if (c->err)
		return c->err;
	br.b = calloc(1, sizeof(*br.b));
	if (!br.b)
		return -ENOMEM;
	err = tg_tree_walk(dir, add_kernel, br.b);
	if (!err) {
		qsort(br.b->k, br.b->cnt, sizeof(*br.b->k), cmp_kernel);
		err = tg_run_jobs(br.b->cnt, TG_OPTS_GET(opts, jobs, 0),
				  check_one, check_done, &br);
	}
	if (err) {
		tg_check_batch__free(br.b);
		return err;
	}
	*bp = br.b;
	return 0;
}

size_t tg_check_batch__cnt(const struct tg_check_batch *b)
{
	return b ? b->cnt : 0;
}

const struct tg_check_kernel *
tg_check_batch__kernel(const struct tg_check_batch *b, size_t idx)
{
	return b && idx < b->cnt ? &b->k[idx] : NULL;
}

void tg_check_batch__free(struct tg_check_batch *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->cnt; i++) {
		free((char *)b->k[i].path);
		tg_check_result__free((struct tg_check_result *)b->k[i].res);
	}
	free(b->k);
	free(b);
}
