// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Choosing where a BPF program's kernel types come from, with the rules
 * redbpf users know (see typegen.h): REDBPF_VMLINUX means BTF only,
 * KERNEL_SOURCE or KERNEL_VERSION headers only, and nothing set headers
 * first with BTF as the fallback. Every check lands in the trail, so that a
 * tool can say why the decision came out the way it did.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include "kernel/kernel.h"

#define ENV_VMLINUX	"REDBPF_VMLINUX"
#define ENV_SOURCE	"KERNEL_SOURCE"
#define ENV_VERSION	"KERNEL_VERSION"
#define ENV_SYSTEM	"system"

struct tg_selection {
	enum tg_method method;
	enum tg_select_rule rule;
	int err;
	char *release;
	const char *arch;	/* static: the kernel's name */
	const char *triple;	/* static */
	int byte_order;		/* the types', __ORDER_*_ENDIAN__ */
	char *btf_path;
	const struct tg_btf *btf;
	struct tg_btf *own_btf;		/* btf, unless the caller's */
	char *source;
	char *build;
	struct tg_trail trail;
	struct tg_strv flags;
};

/* What the caller's options and the environment say, resolved once. */
struct select_in {
	enum tg_method method;
	const char *btf_path;
	const char *env_vmlinux;
	const char *kernel_source;
	const char *kernel_version;
	const char *release;
	const char *sysroot;
	/* A search already made (tg_select_opts.locator), or NULL. */
	const struct tg_locator *locator;
	const struct tg_btf *btf;
	int load_err;
};

static void trail_free(struct tg_trail *t)
{
	size_t i;

	for (i = 0; i < t->cnt; i++)
		free((char *)t->steps[i].path);
	free(t->steps);
}

void tg_selection__free(struct tg_selection *sel)
{
	if (!sel)
		return;
	free(sel->release);
	free(sel->btf_path);
	tg_btf__free(sel->own_btf);
	free(sel->source);
	free(sel->build);
	trail_free(&sel->trail);
	tg_strv_free(&sel->flags);
	free(sel);
}

/* The opts field if given, else the environment's (unless no_env). */
static const char *env_value(const char *field, const char *name, bool no_env)
{
	if (field || no_env)
		return field;
	return getenv(name);
}

static int read_opts(const struct tg_select_opts *opts, struct select_in *in,
		     const char **archp)
{
	bool no_env = TG_OPTS_GET(opts, no_env, false);
	const char *rel;

	in->method = TG_OPTS_GET(opts, method, TG_METHOD_AUTO);
	in->btf_path = TG_OPTS_GET(opts, btf_path, NULL);
	in->env_vmlinux = env_value(TG_OPTS_GET(opts, env_vmlinux, NULL),
				    ENV_VMLINUX, no_env);
	in->kernel_source = env_value(TG_OPTS_GET(opts, kernel_source, NULL),
				      ENV_SOURCE, no_env);
	in->kernel_version = env_value(TG_OPTS_GET(opts, kernel_version, NULL),
				       ENV_VERSION, no_env);
	in->release = TG_OPTS_GET(opts, release, NULL);
	in->sysroot = TG_OPTS_GET(opts, sysroot, NULL);
	*archp = TG_OPTS_GET(opts, arch, NULL);
	in->locator = TG_OPTS_GET(opts, locator, NULL);
	in->btf = TG_OPTS_GET(opts, btf, NULL);
	/* The types must be what the locator's load gave. */
	if (in->locator &&
	    (tg_locator_load_err(in->locator, &in->load_err) ||
	     !in->load_err != !!in->btf))
		return -EINVAL;
	if (!in->locator && in->btf)
		return -EINVAL;

	rel = in->release;
	if (in->method > TG_METHOD_HEADERS || (in->btf_path && !*in->btf_path) ||
	    (rel && (!*rel || strchr(rel, '/'))) ||
	    (in->sysroot && !*in->sysroot) || (*archp && !**archp))
		return -EINVAL;
	/* An explicit BTF file is the vmlinux method: no contradiction. */
	if (in->btf_path && in->method == TG_METHOD_HEADERS)
		return -EINVAL;
	return 0;
}

static int set_arch(struct tg_selection *sel, const char *arch)
{
	struct utsname uts;

	if (!arch) {
		if (uname(&uts))
			return -errno;
		sel->arch = tg_arch_kernel(uts.machine, &sel->triple);
		/* A host we have no name for: its uname -m is its name. */
		return sel->arch ? 0 : -EINVAL;
	}
	sel->arch = tg_arch_kernel(arch, &sel->triple);
	return sel->arch ? 0 : -EINVAL;
}

/* The vmlinux method: the locator's rules, its candidates in the trail. */
static int run_vmlinux(struct tg_selection *sel, const struct select_in *in)
{
	const char *env = in->env_vmlinux;
	TG_OPTS(tg_locate_opts, lo, .no_env = true,
		.release = in->release, .sysroot = in->sysroot);
	const struct tg_locator *loc = in->locator;
	struct tg_locator *own = NULL;
	size_t i;
	int err = 0;

	sel->method = TG_METHOD_VMLINUX;
	if (!in->btf_path && env && !*env) {
		sel->err = -TG_ERRNO__ENV_EMPTY;
		return tg_trail_add(&sel->trail, TG_METHOD_VMLINUX,
				    ENV_VMLINUX, "", sel->err);
	}
	if (loc) {
		/* The caller's search: its result, not a second load. */
		sel->err = in->load_err;
		sel->btf = in->btf;
	} else {
		lo.path = in->btf_path;
		if (!lo.path && env && strcmp(env, ENV_SYSTEM))
			lo.path = env;
		err = tg_locator__new(&lo, &own);
		if (err)
			return err;
		sel->err = tg_locator__load(own, &sel->own_btf);
		sel->btf = sel->own_btf;
		loc = own;
	}
	for (i = 0; !err && i < tg_locator__step_cnt(loc); i++) {
		const struct tg_probe_step *s = tg_locator__step(loc, i);

		err = tg_trail_add(&sel->trail, TG_METHOD_VMLINUX, "BTF",
				   s->path, s->err);
		/* Where a symlink in the sysroot led, inside it. */
		if (!err && s->resolved)
			err = tg_trail_add(&sel->trail, TG_METHOD_VMLINUX,
					   "BTF symlink resolved inside the sysroot to",
					   s->resolved, s->err);
		if (!err && !s->err && !sel->err)
			sel->btf_path = strdup(s->resolved ?: s->path);
	}
	if (!err && !sel->release)
		sel->release = strdup(tg_locator__release(loc));
	tg_locator__free(own);
	if (!err && (!sel->release || (!sel->err && !sel->btf_path)))
		err = -ENOMEM;
	/* Out of memory is the caller's error, not the decision's. */
	return sel->err == -ENOMEM ? -ENOMEM : err;
}

static int moddir_path(const struct select_in *in, const char *release,
		       char **pathp)
{
	const char *root = in->sysroot ?: "/";
	size_t len = strlen(root);

	while (len > 0 && root[len - 1] == '/')
		len--;
	return asprintf(pathp, "%.*s/lib/modules/%s", (int)len, root,
			release) < 0 ? -ENOMEM : 0;
}

/* The headers method: the trees, checked; 0 or -TG_ERRNO__NOHEADERS. */
static int run_headers(struct tg_selection *sel, const struct select_in *in)
{
	const char *ver = in->kernel_version;
	struct utsname uts;
	char *moddir = NULL;
	int err;

	sel->method = TG_METHOD_HEADERS;
	if (ver && (!*ver || strchr(ver, '/'))) {
		/* A version that is no directory name: say so, not ENOENT. */
		sel->err = -TG_ERRNO__NOHEADERS;
		return tg_trail_add(&sel->trail, TG_METHOD_HEADERS,
				    ENV_VERSION, ver, -EINVAL);
	}
	if (!ver)
		ver = in->release;
	if (!ver) {
		if (uname(&uts))
			return -errno;
		ver = uts.release;
	}
	free(sel->release);
	sel->release = strdup(ver);
	if (!sel->release)
		return -ENOMEM;
	if (!in->kernel_source && moddir_path(in, ver, &moddir))
		return -ENOMEM;
	err = tg_headers_find(&sel->trail, in->kernel_source, moddir,
			      in->sysroot, &sel->source, &sel->build);
	free(moddir);
	if (err == -ENOMEM)
		return err;
	sel->err = err;
	return 0;
}

static int decide(struct tg_selection *sel, const struct select_in *in)
{
	int err;

	if (in->method != TG_METHOD_AUTO || in->btf_path) {
		sel->rule = TG_SELECT_FORCED;
		return in->method == TG_METHOD_HEADERS ?
		       run_headers(sel, in) : run_vmlinux(sel, in);
	}
	if (in->env_vmlinux) {
		sel->rule = TG_SELECT_ENV_VMLINUX;
		return run_vmlinux(sel, in);
	}
	if (in->kernel_source || in->kernel_version) {
		sel->rule = TG_SELECT_ENV_HEADERS;
		return run_headers(sel, in);
	}
	sel->rule = TG_SELECT_DEFAULT;
	err = run_headers(sel, in);
	if (err || !sel->err)
		return err;
	/* No usable headers (the trail says why): the types from BTF. */
	sel->err = 0;
	return run_vmlinux(sel, in);
}

/*
 * Types read from a file are the file's machine's, not this one's: a
 * kernel image or vmlinux of arm64 or s390x read on x86-64. --arch, if
 * given, still wins.
 */
static void arch_from_types(struct tg_selection *sel, bool asked)
{
	enum tg_arch arch;

	sel->byte_order = __BYTE_ORDER__;
	if (!sel->btf)
		return;
	sel->byte_order = btf__endianness(sel->btf->btf) ==
			  BTF_BIG_ENDIAN ? __ORDER_BIG_ENDIAN__ :
					   __ORDER_LITTLE_ENDIAN__;
	arch = tg_btf__arch(sel->btf);
	if (asked || !tg_arch__target(arch))
		return;
	sel->arch = tg_arch__target(arch);
	sel->triple = tg_arch__triple(arch);
}

static int add_flags(struct tg_selection *sel)
{
	char def[64];
	int err;

	snprintf(def, sizeof(def), "-D__TARGET_ARCH_%s", sel->arch);
	err = tg_strv_add(&sel->flags, def);
	if (err || sel->err)
		return err;
	/* -target bpf is this machine's order; bpfeb and bpfel are not. */
	if (sel->byte_order != __BYTE_ORDER__)
		err = tg_strv_add(&sel->flags,
				  sel->byte_order == __ORDER_BIG_ENDIAN__ ?
				  "-mbig-endian" : "-mlittle-endian");
	if (err)
		return err;
	if (sel->method == TG_METHOD_VMLINUX)
		return tg_strv_add(&sel->flags, "-DTYPEGEN_VMLINUX");
	return tg_headers_flags(&sel->flags, sel->source, sel->build,
				sel->arch, sel->triple);
}

int tg_selection__new(const struct tg_select_opts *opts,
		      struct tg_selection **selp)
{
	struct tg_selection *sel;
	struct select_in in;
	const char *arch;
	int err;

	if (!selp || !TG_OPTS_VALID(opts, tg_select_opts))
		return -EINVAL;
	err = read_opts(opts, &in, &arch);
	if (err)
		return err;
	sel = calloc(1, sizeof(*sel));
	if (!sel)
		return -ENOMEM;
	err = set_arch(sel, arch) ?: decide(sel, &in);
	if (!err)
		arch_from_types(sel, arch != NULL);
	if (!err) {
		err = add_flags(sel);
		/* Flags only for a decision that can be carried out. */
		if (!err && sel->err)
			tg_strv_free(&sel->flags);
	}
	if (err) {
		tg_selection__free(sel);
		return err;
	}
	*selp = sel;
	return 0;
}

/* ---- carrying it out ---------------------------------------------------- */

struct mem_file {
	char *data;
	size_t size;
};

static int write_mem(FILE *out, void *ctx)
{
	struct mem_file *m = ctx;

	return fwrite(m->data, 1, m->size, out) == m->size ? 0 : -EIO;
}

/* The header as it would be written, in memory. */
static int render_header(const struct tg_btf *btf, struct mem_file *m)
{
	struct tg_c_dumper *d;
	FILE *f;
	int err;

	err = tg_c_dumper__new(btf, NULL, &d);
	if (err)
		return err;
	f = open_memstream(&m->data, &m->size);
	if (!f) {
		tg_c_dumper__free(d);
		return -ENOMEM;
	}
	err = tg_c_dumper__dump(d, f);
	if (fclose(f) && !err)
		err = -ENOMEM;
	tg_c_dumper__free(d);
	if (err) {
		free(m->data);
		m->data = NULL;
	}
	return err;
}

/* True if the file at @path holds exactly @m. */
static bool same_content(const char *path, const struct mem_file *m)
{
	struct stat st;
	bool same = false;
	char *buf;
	FILE *f;

	if (stat(path, &st) || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != m->size)
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	buf = malloc(m->size ?: 1);
	if (buf && fread(buf, 1, m->size, f) == m->size)
		same = memcmp(buf, m->data, m->size) == 0;
	free(buf);
	fclose(f);
	return same;
}

/* -I @out_dir first, so that this vmlinux.h wins over any other. */
static int add_out_dir(struct tg_selection *sel, const char *out_dir)
{
	struct tg_strv old = sel->flags;
	size_t i;
	int err;

	if (old.cnt >= 2 && !strcmp(old.v[0], "-I") &&
	    !strcmp(old.v[1], out_dir))
		return 0;
	memset(&sel->flags, 0, sizeof(sel->flags));
	err = tg_strv_add(&sel->flags, "-I") ?:
	      tg_strv_add(&sel->flags, out_dir);
	for (i = 0; !err && i < old.cnt; i++)
		err = tg_strv_add(&sel->flags, old.v[i]);
	if (err) {
		tg_strv_free(&sel->flags);
		sel->flags = old;
		return err;
	}
	tg_strv_free(&old);
	return 0;
}

int tg_selection__apply(struct tg_selection *sel, const char *out_dir)
{
	struct mem_file m = {};
	char *path;
	int err, wrote = 0;

	if (!sel)
		return -EINVAL;
	if (sel->err)
		return sel->err;
	if (sel->method == TG_METHOD_HEADERS)
		return 0;
	if (!out_dir || !*out_dir)
		return -EINVAL;
	if (asprintf(&path, "%s/vmlinux.h", out_dir) < 0)
		return -ENOMEM;
	err = render_header(sel->btf, &m);
	if (!err && !same_content(path, &m)) {
		err = tg_write_file_atomic(path, write_mem, &m);
		wrote = 1;
	}
	free(m.data);
	free(path);
	if (!err)
		err = add_out_dir(sel, out_dir);
	return err ?: wrote;
}

/* ---- accessors ---------------------------------------------------------- */

int tg_selection__err(const struct tg_selection *sel)
{
	return sel->err;
}

enum tg_method tg_selection__method(const struct tg_selection *sel)
{
	return sel->method;
}

enum tg_select_rule tg_selection__rule(const struct tg_selection *sel)
{
	return sel->rule;
}

const char *tg_method__str(enum tg_method method)
{
	switch (method) {
	case TG_METHOD_VMLINUX:	return "vmlinux";
	case TG_METHOD_HEADERS:	return "headers";
	case TG_METHOD_AUTO:	return "auto";
	}
	return "unknown";
}

const char *tg_selection__release(const struct tg_selection *sel)
{
	return sel->release;
}

const char *tg_selection__arch(const struct tg_selection *sel)
{
	return sel->arch;
}

int tg_selection__byte_order(const struct tg_selection *sel)
{
	return sel->byte_order;
}

const char *tg_selection__btf_path(const struct tg_selection *sel)
{
	return sel->btf_path;
}

const struct tg_btf *tg_selection__btf(const struct tg_selection *sel)
{
	return sel->btf;
}

const char *tg_selection__source_dir(const struct tg_selection *sel)
{
	return sel->source;
}

const char *tg_selection__build_dir(const struct tg_selection *sel)
{
	return sel->build;
}

size_t tg_selection__step_cnt(const struct tg_selection *sel)
{
	return sel->trail.cnt;
}

const struct tg_select_step *tg_selection__step(const struct tg_selection *sel,
						size_t idx)
{
	return idx < sel->trail.cnt ? &sel->trail.steps[idx] : NULL;
}

const char *const *tg_selection__flags(const struct tg_selection *sel,
				       size_t *cnt)
{
	static const char *const none[] = { NULL };

	if (cnt)
		*cnt = sel->flags.cnt;
	return sel->flags.v ? (const char *const *)sel->flags.v : none;
}
