// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* typegen list - the kernel's named types: id, kind, size and name. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "json.h"
#include "main.h"

/* Kinds as users name them: BTF's own names, lowercase. */
static const char *kind_name(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT:	return "int";
	case BTF_KIND_PTR:	return "ptr";
	case BTF_KIND_ARRAY:	return "array";
	case BTF_KIND_STRUCT:	return "struct";
	case BTF_KIND_UNION:	return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:	return "enum";
	case BTF_KIND_FWD:	return "fwd";
	case BTF_KIND_TYPEDEF:	return "typedef";
	case BTF_KIND_VOLATILE:	return "volatile";
	case BTF_KIND_CONST:	return "const";
	case BTF_KIND_RESTRICT:	return "restrict";
	case BTF_KIND_FUNC:	return "func";
	case BTF_KIND_FUNC_PROTO: return "func_proto";
	case BTF_KIND_VAR:	return "var";
	case BTF_KIND_DATASEC:	return "datasec";
	case BTF_KIND_FLOAT:	return "float";
	case BTF_KIND_DECL_TAG:	return "decl_tag";
	case BTF_KIND_TYPE_TAG:	return "type_tag";
	default:		return "unknown";
	}
}

static const char *const kinds[] = {
	"struct", "union", "enum", "typedef", "fwd", "int", "float", "func",
	"var", "datasec", "decl_tag", "kfunc",
};

static bool valid_kind(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i], k))
			return true;
	return false;
}

/* Ids of the functions tagged bpf_kfunc, marked in @is_kfunc. */
static void mark_kfuncs(const struct btf *btf, bool *is_kfunc)
{
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_decl_tag(t) && btf_decl_tag(t)->component_idx == -1 &&
		    t->type < n &&
		    !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc"))
			is_kfunc[t->type] = true;
	}
}

/* Size in bytes, or -1 where the kind has none of its own. */
static long long type_size(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	switch (btf_kind(t)) {
	case BTF_KIND_FUNC:
	case BTF_KIND_FWD:
	case BTF_KIND_DECL_TAG:
		return -1;
	case BTF_KIND_VAR:
		return btf__resolve_size(btf, t->type);
	default:
		return btf__resolve_size(btf, id);
	}
}

struct list_args {
	struct input_args in;
	const char *pattern;
	const char *kind;
};

static bool wanted(const struct btf *btf, __u32 id, const bool *is_kfunc,
		   const struct list_args *a)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name = btf__name_by_offset(btf, t->name_off);

	if (!name || !*name)
		return false;
	if (a->kind) {
		if (!strcmp(a->kind, "kfunc") ? !is_kfunc[id] :
		    strcmp(a->kind, kind_name(t)))
			return false;
	}
	return !a->pattern || !fnmatch(a->pattern, name, 0);
}

static void list_types(const struct btf *btf, const struct list_args *a,
		       bool *is_kfunc)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 id, n = btf__type_cnt(btf);
	struct json_writer w;

	if (json_output) {
		jsonw_init(&w, stdout, pretty_output);
		jsonw_start_array(&w);
	}
	/* a module's own types, not its base's */
	for (id = base ? btf__type_cnt(base) : 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *kind = is_kfunc[id] ? "kfunc" : kind_name(t);
		long long size;

		if (!wanted(btf, id, is_kfunc, a))
			continue;
		size = type_size(btf, id);
		if (!json_output) {
			char sz[24] = "-";

			if (size >= 0)
				snprintf(sz, sizeof(sz), "%lld", size);
			printf("%7u  %-8s %8s  %s\n", id, kind, sz,
			       btf__name_by_offset(btf, t->name_off));
			continue;
		}
		jsonw_start_object(&w);
		jsonw_name(&w, "id");
		jsonw_uint(&w, id);
		jsonw_string_field(&w, "kind", kind);
		jsonw_name(&w, "size");
		if (size >= 0)
			jsonw_uint(&w, size);
		else
			jsonw_null(&w);
		jsonw_string_field(&w, "name",
				   btf__name_by_offset(btf, t->name_off));
		jsonw_end_object(&w);
	}
	if (json_output) {
		jsonw_end_array(&w);
		jsonw_finish(&w);
	}
}

static enum opt_result opt_kind(void *dst, const char *arg,
				const char *cmd_name)
{
	if (!valid_kind(arg)) {
		p_err(NULL, "option '--kind' does not know '%s'; try '%s %s --help'",
		      arg, prog_name, cmd_name);
		return OPT_BAD;
	}
	*(const char **)dst = arg;
	return OPT_HANDLED;
}

static const struct cmd_opt list_opts[] = {
	OPTION_FN("kind", 0, "KIND",
		  "only types of KIND: struct, union, enum (with\n"
		  "enum64), typedef, fwd, int, float, func, var,\n"
		  "datasec, decl_tag, kfunc (functions BPF\n"
		  "programs may call)", struct list_args, kind, opt_kind),
	OPTION_INPUT("read the types from PATH (see dump --help)",
		     struct list_args, in.loc),
	OPTION_FROM_DWARF(HELP_FROM_DWARF, struct list_args, in.loc),
	OPTION_BTF_FEATURES(HELP_BTF_FEATURES, struct list_args, in.loc),
	OPTION_BASE("the kernel's types, for a module's -i",
		    struct list_args, in),
	OPTION_RELEASE("kernel release in the probed paths",
		       struct list_args, in.loc),
	OPTION_SYSROOT("look for the probed paths under DIR",
		       struct list_args, in.loc),
	{ 0 },
};

static int do_list(int argc, char **argv)
{
	struct list_args la = {};
	struct inputs in = {};
	const struct btf *btf;
	bool *is_kfunc;
	int ret = parse_opts(&cmd_list, argc, argv, &la);

	if (ret)
		return ret == PARSE_HELP ? EXIT_OK : ret;
	if (optind < argc)
		la.pattern = argv[optind++];
	if (optind < argc)
		return usage_extra_arg("list", argv[optind]);

	ret = EXIT_ERR;
	if (load_inputs(&la.in, &in))
		goto out;
	btf = tg_btf__btf(in.result);
	is_kfunc = calloc(btf__type_cnt(btf), sizeof(*is_kfunc));
	if (!is_kfunc) {
		p_err_code(NULL, -ENOMEM);
		goto out;
	}
	mark_kfuncs(btf, is_kfunc);
	list_types(btf, &la, is_kfunc);
	free(is_kfunc);
	if (fflush(stdout)) {
		p_err_code("standard output", -errno);
		goto out;
	}
	ret = EXIT_OK;
out:
	free_inputs(&in);
	return ret;
}

const struct cmd cmd_list = {
	.name = "list",
	.summary = "list the kernel's named types: id, kind, size, name",
	.run = do_list,
	.usage = (const char *const []){
		"[PATTERN] [--kind KIND] [-i PATH] [-j|-p]",
		NULL,
	},
	.about =
		"List the kernel's named types, one per line: BTF id, kind, size\n"
		"in bytes ('-' for functions and variables' own) and name, in id\n"
		"order. PATTERN is a shell glob on the name ('sk_*').\n",
	.opts = list_opts,
};
