// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "typegen.h"
#include "tg_test.h"

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

const char *tg_test_build_dir(void)
{
	return env_or("TG_BUILD", "build");
}

const char *tg_test_src_dir(void)
{
	return env_or("TG_SRCDIR", ".");
}

const char *tg_test_clang(void)
{
	return env_or("CLANG", "clang-19");
}

char *tg_test_path(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return s;
}

char *tg_test_fixture(const char *name)
{
	return tg_test_path("%s/fixtures/%s", tg_test_build_dir(), name);
}

char *tg_test_src_fixture(const char *name)
{
	return tg_test_path("%s/tests/fixtures/%s", tg_test_src_dir(), name);
}

char *tg_test_cli(void)
{
	return tg_test_path("%s/typegen", tg_test_build_dir());
}

char *tg_test_mkdtemp(void)
{
	char *base = tg_test_path("%s/tmp", tg_test_build_dir());
	char *tmpl;

	mkdir(base, 0755);
	tmpl = tg_test_path("%s/t.XXXXXX", base);
	free(base);
	if (!mkdtemp(tmpl))
		abort();
	return tmpl;
}

void tg_test_rmtree(const char *dir)
{
	char *cmd = tg_test_path("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(cmd);
}

static char *slurp_fd(int fd, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		abort();
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
	}
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

int tg_test_run(const char *cmd, char **out, char **err)
{
	char outf[] = "/tmp/tg-out.XXXXXX", errf[] = "/tmp/tg-err.XXXXXX";
	int ofd = mkstemp(outf), efd = mkstemp(errf);
	int status = -1;
	pid_t pid;

	if (ofd < 0 || efd < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		if (WIFEXITED(status))
			status = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			status = 128 + WTERMSIG(status);
	}
	lseek(ofd, 0, SEEK_SET);
	lseek(efd, 0, SEEK_SET);
	if (out)
		*out = slurp_fd(ofd, NULL);
	if (err)
		*err = slurp_fd(efd, NULL);
	close(ofd);
	close(efd);
	unlink(outf);
	unlink(errf);
	return status;
}

int tg_test_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -errno;
	ok = fwrite(data, 1, len, f) == len;
	if (fclose(f) || !ok)
		return -EIO;
	return 0;
}

void *tg_test_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	char *buf;

	if (fd < 0)
		return NULL;
	buf = slurp_fd(fd, len);
	close(fd);
	return buf;
}

int tg_test_file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int tg_test_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n' || !s[1])
			n++;
	return n;
}

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

void tg_test_silence_libbpf(void)
{
	libbpf_set_print(silent_print);
}

void tg_test_assert_message(int err, const char *msg)
{
	char buf[256];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_strerror(err, buf, sizeof(buf)), 0);
	assert_string_equal(buf, msg);
}

int tg_test_runf(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	rc = tg_test_run(cmd, out, err);
	free(cmd);
	return rc;
}

void tg_test_mkdir_parents(const char *path)
{
	char *p = strdup(path), *s;

	for (s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
	free(p);
}
