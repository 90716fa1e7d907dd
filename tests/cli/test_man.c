// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The manual pages: both render with man(1) without a warning; every
 * command `typegen help` lists has its own --help, and every long option
 * any help screen prints is in typegen(1); every function typegen.h
 * declares is in libtypegen(3). The commands and options are read from the
 * program itself, so the checks hold as commands are added.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tg_test.h"

static char *man_path(const char *name)
{
	return tg_test_path("%s/man/%s", tg_test_src_dir(), name);
}

static void assert_renders_clean(const char *name)
{
	char *path = man_path(name), *cmd, *err = NULL, *out = NULL;

	/* groff's warnings (bad requests, lines it cannot fit) on stderr. */
	cmd = tg_test_path("MANWIDTH=80 man --warnings -l '%s' 2>&1 >/dev/null",
			   path);
	assert_int_equal(tg_test_run(cmd, &out, &err), 0);
	if (*out)
		fail_msg("%s: man warns:\n%s", name, out);
	free(cmd);
	free(out);
	free(err);
	/* And it says something: the NAME section at least. */
	cmd = tg_test_path("MANWIDTH=80 man -l '%s' 2>/dev/null", path);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "NAME"));
	assert_true(tg_test_count_lines(out) > 50);
	free(cmd);
	free(out);
	free(path);
}

static void test_render_typegen_1(void **state)
{
	(void)state;
	assert_renders_clean("typegen.1");
}

static void test_render_libtypegen_3(void **state)
{
	(void)state;
	assert_renders_clean("libtypegen.3");
}

/* typegen(1) as man renders it, wide enough that no line wraps. */
static char *render_wide(const char *name)
{
	char *path = man_path(name), *out = NULL;
	char *cmd = tg_test_path("MANWIDTH=300 man -l '%s' 2>/dev/null", path);

	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	free(cmd);
	free(path);
	return out;
}

/* The lines of section @sect of rendered @page, from its heading on. */
static char *section(const char *page, const char *sect)
{
	char *head = tg_test_path("\n%s\n", sect), *start, *end;
	char *copy;

	start = strstr(page, head);
	assert_non_null(start);
	/* From the newline that ends the heading: every line starts "\n". */
	start += strlen(head) - 1;
	/* The next heading: a line that starts with a capital letter. */
	for (end = start; (end = strchr(end, '\n')) && end[1] &&
			   !isupper((unsigned char)end[1]); end++)
		;
	copy = end ? strndup(start, end - start) : strdup(start);
	free(head);
	return copy;
}

/*
 * SYNOPSIS: one command form per line. A missing .br runs two together
 * ("... [--force] typegen cflags ...").
 */
static void test_synopsis_one_form_per_line(void **state)
{
	char *page = render_wide("typegen.1"), *syn = section(page, "SYNOPSIS");
	char *line, *save, *p;
	int forms = 0;

	(void)state;
	for (line = strtok_r(syn, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int n = 0;

		for (p = line; (p = strstr(p, "typegen")); p += 7)
			if ((p == line || p[-1] == ' ') &&
			    (p[7] == ' ' || !p[7]))
				n++;
		if (n > 1)
			fail_msg("two commands on one SYNOPSIS line:\n%s", line);
		forms += n;
	}
	assert_true(forms >= 10);
	free(syn);
	free(page);
}

/*
 * ENVIRONMENT: every variable typegen reads (ENV_* names and getenv() in
 * the sources; PATH and TMPDIR are everyone's) is an entry of its own: its
 * name alone on a tag line, not run into the entry before it.
 */
static void test_environment_entries(void **state)
{
	char *page = render_wide("typegen.1"), *env = section(page, "ENVIRONMENT");
	char *cmd = tg_test_path(
		"cd '%s' && grep -rhoE 'getenv\\(\"[A-Z_]+\"\\)|define ENV_[A-Z]+[[:space:]]+\"[A-Z_]+\"' "
		"libtypegen btfgen | grep -oE '\"[A-Z_]+\"' | tr -d '\"' | "
		"grep -vxE 'PATH|TMPDIR' | sort -u", tg_test_src_dir());
	char *names = NULL, *name, *save;
	int n = 0;

	(void)state;
	assert_int_equal(tg_test_run(cmd, &names, NULL), 0);
	for (name = strtok_r(names, "\n", &save); name;
	     name = strtok_r(NULL, "\n", &save)) {
		/* Alone on its line, or beside its text when it fits. */
		char *tag = tg_test_path("\n       %s\n", name);
		char *short_tag = tg_test_path("\n       %s  ", name);

		if (!strstr(env, tag) && !strstr(env, short_tag))
			fail_msg("ENVIRONMENT has no entry of its own for %s:\n%s",
				 name, env);
		free(tag);
		free(short_tag);
		n++;
	}
	assert_true(n >= 4);
	free(names);
	free(cmd);
	free(env);
	free(page);
}

/* The commands `typegen help` lists: "  NAME  summary" under "Commands:". */
static int list_commands(char names[][32], int max)
{
	char *cli = tg_test_cli(), *cmd = tg_test_path("'%s' help", cli);
	char *out = NULL, *line, *save;
	bool in_list = false;
	int n = 0;

	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strcmp(line, "Commands:")) {
			in_list = true;
			continue;
		}
		if (!in_list)
			continue;
		if (strncmp(line, "  ", 2) || !islower((unsigned char)line[2]))
			break;
		assert_true(n < max);
		sscanf(line + 2, "%31s", names[n++]);
	}
	free(out);
	free(cmd);
	free(cli);
	return n;
}

/* "--module-only" as roff writes it: "\-\-module\-only". */
static char *roff_option(const char *name)
{
	char *r = malloc(2 * strlen(name) + 5), *q = r;

	assert_non_null(r);
	q += sprintf(q, "\\-\\-");
	for (; *name; name++) {
		if (*name == '-')
			*q++ = '\\';
		*q++ = *name;
	}
	*q = '\0';
	return r;
}

/* Every "--name" in @help must be in @man; returns how many were seen. */
static int check_options(const char *help, const char *man, const char *who)
{
	const char *p = help;
	int seen = 0;

	while ((p = strstr(p, "--"))) {
		char name[64], *roff;
		size_t n = 0;

		p += 2;
		while (n < sizeof(name) - 1 &&
		       (p[n] == '-' || islower((unsigned char)p[n]) ||
			isdigit((unsigned char)p[n])))
			n++;
		if (!n)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		roff = roff_option(name);
		if (!strstr(man, roff))
			fail_msg("--%s (in %s) is not in typegen.1", name, who);
		free(roff);
		seen++;
	}
	return seen;
}

static void test_help_options_in_man(void **state)
{
	char names[64][32], *cli = tg_test_cli(), *path = man_path("typegen.1");
	char *man = tg_test_read_file(path, NULL), *out = NULL, *cmd;
	int i, n, seen;

	(void)state;
	assert_non_null(man);
	n = list_commands(names, 64);
	assert_true(n >= 4);

	cmd = tg_test_path("'%s' --help", cli);
	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	seen = check_options(out, man, "typegen --help");
	free(out);
	free(cmd);
	for (i = 0; i < n; i++) {
		char *sect = tg_test_path(".B %s\n", names[i]);
		char *sect_r = tg_test_path(".BR %s ", names[i]);

		/* What "NAME --help" prints (help's own --help is a name). */
		cmd = tg_test_path("'%s' help %s", cli, names[i]);
		assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
		if (!strstr(out, "Usage:"))
			fail_msg("typegen help %s prints no usage", names[i]);
		seen += check_options(out, man, names[i]);
		/* Each command is described in COMMANDS. */
		if (!strstr(man, sect) && !strstr(man, sect_r))
			fail_msg("command %s is not in typegen.1", names[i]);
		free(sect);
		free(sect_r);
		free(out);
		free(cmd);
	}
	assert_true(seen > 10);
	free(man);
	free(path);
	free(cli);
}

/* @name as a whole word in @text. */
static bool described(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = text; (p = strstr(p, name)); p += len)
		if ((p == text || !(isalnum((unsigned char)p[-1]) ||
				    p[-1] == '_')) &&
		    !(isalnum((unsigned char)p[len]) || p[len] == '_'))
			return true;
	return false;
}

/* Every TG_API function of typegen.h is described in libtypegen(3). */
static void test_api_in_man(void **state)
{
	char *hpath = tg_test_path("%s/include/typegen.h", tg_test_src_dir());
	char *mpath = man_path("libtypegen.3");
	char *h = tg_test_read_file(hpath, NULL);
	char *man = tg_test_read_file(mpath, NULL);
	const char *p, *funcs;
	int seen = 0;

	(void)state;
	assert_non_null(h);
	assert_non_null(man);
	/* Described, not only in the synopsis. */
	funcs = strstr(man, "\n.SH FUNCTIONS");
	assert_non_null(funcs);
	for (p = h; (p = strstr(p, "TG_API ")); p++) {
		const char *paren = strchr(p, '('), *start;
		char name[96], *entry;

		if (p - h >= 8 && !strncmp(p - 8, "#define ", 8))
			continue;

		assert_non_null(paren);
		/* The function name is the word just before '('. */
		start = paren;
		while (start > p && (isalnum((unsigned char)start[-1]) ||
				     start[-1] == '_'))
			start--;
		if (start == paren || paren - start >= (long)sizeof(name))
			continue;	/* the #define itself */
		memcpy(name, start, paren - start);
		name[paren - start] = '\0';
		entry = tg_test_path(".BR %s ", name);
		if (!described(funcs, name))
			fail_msg("%s is declared in typegen.h but not described "
				 "in libtypegen.3", name);
		free(entry);
		seen++;
	}
	assert_true(seen > 30);
	free(h);
	free(man);
	free(hpath);
	free(mpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_typegen_1),
		cmocka_unit_test(test_render_libtypegen_3),
		cmocka_unit_test(test_synopsis_one_form_per_line),
		cmocka_unit_test(test_environment_entries),
		cmocka_unit_test(test_help_options_in_man),
		cmocka_unit_test(test_api_in_man),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
