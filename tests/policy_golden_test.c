// SPDX-License-Identifier: GPL-2.0
/*
 * Golden errors: each tests/golden/NAME.yaml is an invalid document and
 * tests/golden/NAME.err the one line `policy check` must print for it,
 * "file:line:column: what was expected" (after "#" comment lines). Checking is what the CLI does:
 * load (includes, extends), then compile every cell. One test case per
 * document; the list is generated from the directory at build time.
 * Run from the repository root: the expected lines name files from there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isolate/policy.h>

#include "kselftest_harness.h"

#define GOLDEN_DIR "tests/golden"

FIXTURE(golden) {
};

FIXTURE_VARIANT(golden) {
	const char *name;
};

#define GOLDEN(n) FIXTURE_VARIANT_ADD(golden, n) { .name = #n };
#include "golden_cases.h"
#undef GOLDEN

FIXTURE_SETUP(golden)
{
}

FIXTURE_TEARDOWN(golden)
{
}

/* The first line of path that is not a "#" comment, without its newline. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	do {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
	} while (buf[0] == '#');
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* What `policy check` does. */
static int check(const char *path, struct isolate_diag *diag)
{
	struct isolate_policy *p = NULL;
	int err = isolate_policy_load(path, &p, diag);

	for (size_t i = 0; !err && i < isolate_policy_cell_count(p); i++) {
		struct isolate_image *img = NULL;

		err = isolate_compile(isolate_policy_cell(p, i), &img, diag);
		isolate_image_free(img);
	}
	isolate_policy_free(p);
	return err;
}

TEST_F(golden, refused_with_the_expected_line)
{
	char doc[256], err_file[256], want[512], got[512];
	struct isolate_diag diag = { 0 };

	snprintf(doc, sizeof(doc), GOLDEN_DIR "/%s.yaml", variant->name);
	snprintf(err_file, sizeof(err_file), GOLDEN_DIR "/%s.err", variant->name);
	ASSERT_EQ(0, read_line(err_file, want, sizeof(want))) TH_LOG("no %s", err_file);
	ASSERT_NE(0, check(doc, &diag)) TH_LOG("%s was accepted", doc);
	isolate_diag_format(&diag, got, sizeof(got));
	ASSERT_STREQ(want, got);
}

TEST_HARNESS_MAIN
