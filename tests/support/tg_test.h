/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Helpers shared by the cmocka tests. Paths come from the environment the
 * Makefile sets (TG_BUILD, TG_SRCDIR, CLANG), so a test binary can also be
 * run by hand from the source root.
 */
#ifndef __TG_TEST_H
#define __TG_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The build directory ("build" unless TG_BUILD says otherwise). */
const char *tg_test_build_dir(void);
/* The source root ("." unless TG_SRCDIR says otherwise). */
const char *tg_test_src_dir(void);
/* The clang that compiles BPF fixtures ($CLANG, default clang-19). */
const char *tg_test_clang(void);

/* printf-style path builders; the result is malloc'ed, never NULL. */
char *tg_test_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* $TG_BUILD/fixtures/NAME: fixtures built by `make fixtures`. */
char *tg_test_fixture(const char *name);
/* $TG_SRCDIR/tests/fixtures/NAME: fixtures committed to the tree. */
char *tg_test_src_fixture(const char *name);
/* $TG_BUILD/typegen */
char *tg_test_cli(void);

/* A fresh empty directory under $TG_BUILD/tmp; remove with tg_test_rmtree. */
char *tg_test_mkdtemp(void);
void tg_test_rmtree(const char *dir);

/*
 * Run @cmd with /bin/sh -c. Its stdout and stderr are captured into
 * malloc'ed NUL-terminated strings (*out, *err; either may be NULL to
 * discard). Returns the exit status, 128+N for death by signal N, or -1.
 */
int tg_test_run(const char *cmd, char **out, char **err);

/* tg_test_run() of a printf-built command. */
int tg_test_runf(char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* mkdir -p of @path's parent directories (not @path itself); fails the test. */
void tg_test_mkdir_parents(const char *path);

/* Whole-file helpers; return 0 / non-NULL on success. */
int tg_test_write_file(const char *path, const void *data, size_t len);
void *tg_test_read_file(const char *path, size_t *len);
int tg_test_file_exists(const char *path);

/*
 * Assert that tg_strerror() knows @err and words it exactly as @msg (the
 * buffer is poisoned first, so a message left unterminated shows).
 */
void tg_test_assert_message(int err, const char *msg);

/* Keep libbpf's own warnings off the test output (bad input is the point). */
void tg_test_silence_libbpf(void);

/* Number of lines in @s (a final line without '\n' counts). */
int tg_test_count_lines(const char *s);

#endif /* __TG_TEST_H */
