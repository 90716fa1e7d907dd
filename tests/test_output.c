// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tg_write_file_atomic(): the target is either replaced whole or left as it
 * was, no temporary file survives, symlinks are never written through, and
 * the mode follows the umask.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "typegen.h"
#include "tg_test.h"

#define OLD_CONTENT "old content\n"
#define NEW_CONTENT "/* new content */\n"

struct fx {
	char *dir;
	char *target;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	fx->dir = tg_test_mkdtemp();
	fx->target = tg_test_path("%s/vmlinux.h", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	tg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx->target);
	free(fx);
	return 0;
}

/* What the write callbacks do, and what they saw. */
struct job {
	const char *content;
	int ret;		/* what the callback returns */
	int calls;
	const char *dir;	/* if set, look for the temp file there */
	char tmp_name[256];	/* ... and its name */
	bool tmp_is_out;	/* it is the file @out writes to */
};

static int write_content(FILE *out, void *ctx)
{
	struct job *job = ctx;

	job->calls++;
	fputs(job->content, out);
	return job->ret;
}

static int count_entries(const char *dir, char *only, size_t only_sz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (only)
			snprintf(only, only_sz, "%s", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void assert_content(const char *path, const char *want)
{
	size_t len;
	char *data = tg_test_read_file(path, &len);

	assert_non_null(data);
	assert_int_equal(len, strlen(want));
	assert_string_equal(data, want);
	free(data);
}

/* Only @name is in @dir: no temporary file was left behind. */
static void assert_dir_holds_only(const char *dir, const char *name)
{
	char entry[256] = "";

	assert_int_equal(count_entries(dir, entry, sizeof(entry)), name ? 1 : 0);
	if (name)
		assert_string_equal(entry, name);
}

static void write_old(const struct fx *fx)
{
	assert_int_equal(tg_test_write_file(fx->target, OLD_CONTENT,
					    strlen(OLD_CONTENT)), 0);
}

/* ---- success ----------------------------------------------------------- */

static void test_creates(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_int_equal(job.calls, 1);
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_replaces(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *other = tg_test_path("%s/hardlink", fx->dir);

	write_old(fx);
	/* A second name for the old file keeps the old data: the new file
	 * was renamed into place, not written over the old one. */
	assert_int_equal(link(fx->target, other), 0);

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_content(fx->target, NEW_CONTENT);
	assert_content(other, OLD_CONTENT);
	assert_int_equal(unlink(other), 0);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
	free(other);
}

/* Find the temporary file while the callback runs. */
static int inspect_temp(FILE *out, void *ctx)
{
	struct job *job = ctx;
	struct stat out_st, tmp_st;
	char *path;

	job->calls++;
	assert_int_equal(count_entries(job->dir, job->tmp_name,
				       sizeof(job->tmp_name)), 1);
	path = tg_test_path("%s/%s", job->dir, job->tmp_name);
	assert_int_equal(lstat(path, &tmp_st), 0);
	assert_int_equal(fstat(fileno(out), &out_st), 0);
	job->tmp_is_out = S_ISREG(tmp_st.st_mode) &&
			  tmp_st.st_ino == out_st.st_ino &&
			  tmp_st.st_dev == out_st.st_dev;
	free(path);
	fputs(NEW_CONTENT, out);
	return 0;
}

static void test_temp_file_beside_target(void **state)
{
	struct fx *fx = *state;
	struct job job = { .dir = fx->dir };
	const char *suffix;

	assert_int_equal(tg_write_file_atomic(fx->target, inspect_temp, &job),
			 0);
	assert_int_equal(job.calls, 1);
	assert_true(job.tmp_is_out);
	/* ".vmlinux.h.XXXXXX" */
	assert_int_equal(strncmp(job.tmp_name, ".vmlinux.h.", 11), 0);
	suffix = job.tmp_name + 11;
	assert_int_equal(strlen(suffix), 6);
	assert_int_equal(strspn(suffix, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789"), 6);
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_random_temp_names(void **state)
{
	struct fx *fx = *state;
	struct job a = { .dir = fx->dir }, b = { .dir = fx->dir };

	/* Two runs in a row must not pick the same name. */
	assert_int_equal(tg_write_file_atomic(fx->target, inspect_temp, &a), 0);
	assert_int_equal(unlink(fx->target), 0);
	assert_int_equal(tg_write_file_atomic(fx->target, inspect_temp, &b), 0);
	assert_string_not_equal(a.tmp_name, b.tmp_name);
}

static void test_symlink_at_target_replaced(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *victim = tg_test_path("%s/victim", fx->dir);
	struct stat st;

	assert_int_equal(tg_test_write_file(victim, OLD_CONTENT,
					    strlen(OLD_CONTENT)), 0);
	assert_int_equal(symlink(victim, fx->target), 0);

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_int_equal(lstat(fx->target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(fx->target, NEW_CONTENT);
	assert_content(victim, OLD_CONTENT);
	assert_int_equal(count_entries(fx->dir, NULL, 0), 2);
	free(victim);
}

static mode_t mode_with_umask(const struct fx *fx, mode_t mask)
{
	struct job job = { .content = NEW_CONTENT };
	mode_t old = umask(mask);
	struct stat st;
	int err;

	unlink(fx->target);
	err = tg_write_file_atomic(fx->target, write_content, &job);
	umask(old);
	assert_int_equal(err, 0);
	assert_int_equal(stat(fx->target, &st), 0);
	return st.st_mode & 07777;
}

static void test_mode_follows_umask(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mode_with_umask(fx, 027), 0640);
	assert_int_equal(mode_with_umask(fx, 022), 0644);
	assert_int_equal(mode_with_umask(fx, 0), 0666);
}

static void test_relative_path(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->dir), 0);
	job.ret = tg_write_file_atomic("vmlinux.h", write_content, &job);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(job.ret, 0);
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_long_name(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char name[251];
	char *path;

	/* ".NAME.XXXXXX" would exceed NAME_MAX: the temp name is cut. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	path = tg_test_path("%s/%s", fx->dir, name);
	assert_int_equal(tg_write_file_atomic(path, write_content, &job), 0);
	assert_content(path, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, name);
	free(path);
}

static void test_positive_return_is_success(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT, .ret = 42 };

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_content(fx->target, NEW_CONTENT);
}

/* ---- failure ----------------------------------------------------------- */

static void test_fn_error_keeps_old_file(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = "half a hea", .ret = -EPROTO };

	write_old(fx);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 -EPROTO);
	assert_int_equal(job.calls, 1);
	assert_content(fx->target, OLD_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");

	/* Same with no old file: nothing is created. */
	assert_int_equal(unlink(fx->target), 0);
	job.ret = -EIO;
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 -EIO);
	assert_dir_holds_only(fx->dir, NULL);
}

/* Writes more than RLIMIT_FSIZE allows and, carelessly, returns 0. */
static int write_too_much(FILE *out, void *ctx)
{
	static char block[4096];
	int i;

	(void)ctx;
	memset(block, 'x', sizeof(block));
	for (i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), out);
	return 0;
}

static void test_write_error_keeps_old_file(void **state)
{
	struct fx *fx = *state;
	struct rlimit old, small;
	void (*old_handler)(int);
	int err;

	write_old(fx);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 8192;
	/* Past the limit write() fails with EFBIG instead of killing us. */
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	err = tg_write_file_atomic(fx->target, write_too_much, NULL);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	/* EFBIG if the final flush hit it, EIO if an earlier write did. */
	if (err != -EFBIG)
		assert_int_equal(err, -EIO);
	assert_content(fx->target, OLD_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

/* A stream error the callback did not notice: reading a write-only stream. */
static int write_then_misuse(FILE *out, void *ctx)
{
	(void)ctx;
	fputs(NEW_CONTENT, out);
	fgetc(out);
	return 0;
}

static void test_stream_error_keeps_old_file(void **state)
{
	struct fx *fx = *state;

	write_old(fx);
	assert_int_equal(tg_write_file_atomic(fx->target, write_then_misuse,
					      NULL), -EIO);
	assert_content(fx->target, OLD_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_missing_directory(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *path = tg_test_path("%s/no/such/dir/vmlinux.h", fx->dir);

	assert_int_equal(tg_write_file_atomic(path, write_content, &job),
			 -ENOENT);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, NULL);
	free(path);
}

static void test_target_is_directory(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *sub = tg_test_path("%s/sub", fx->dir);
	char *slashed = tg_test_path("%s/new/", fx->dir);

	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(tg_write_file_atomic(sub, write_content, &job),
			 -EISDIR);
	assert_int_equal(tg_write_file_atomic(slashed, write_content, &job),
			 -EISDIR);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, "sub");
	assert_dir_holds_only(sub, NULL);
	free(slashed);
	free(sub);
}

static void test_bad_arguments(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };

	assert_int_equal(tg_write_file_atomic(NULL, write_content, &job),
			 -EINVAL);
	assert_int_equal(tg_write_file_atomic("", write_content, &job),
			 -EINVAL);
	assert_int_equal(tg_write_file_atomic(fx->target, NULL, &job),
			 -EINVAL);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_creates),
		T(test_replaces),
		T(test_temp_file_beside_target),
		T(test_random_temp_names),
		T(test_symlink_at_target_replaced),
		T(test_mode_follows_umask),
		T(test_relative_path),
		T(test_long_name),
		T(test_positive_return_is_success),
		T(test_fn_error_keeps_old_file),
		T(test_write_error_keeps_old_file),
		T(test_stream_error_keeps_old_file),
		T(test_missing_directory),
		T(test_target_is_directory),
		T(test_bad_arguments),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
