// SPDX-License-Identifier: GPL-2.0
/*
 * What load adopts under the cells cgroup: directories whose names no
 * cell can have are none of its business, and hold back no cell after
 * them. The pinned state is faked (tests/fake_load.h): load adopts it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isolate/isolate.h>

#include "kselftest_harness.h"
#include "fake_load.h"

FIXTURE(adopt) {
	struct fake_env f;
	char odd[PATH_MAX + 16];
};

FIXTURE_SETUP(adopt)
{
	int up = fake_env_up(&self->f);

	self->odd[0] = '\0';
	if (up)
		SKIP(return, "no fake load here: %s", strerror(-up));
	snprintf(self->odd, sizeof(self->odd), "%s/foo.bar", self->f.cells);
	ASSERT_EQ(0, mkdir(self->odd, 0755));
}

FIXTURE_TEARDOWN(adopt)
{
	if (self->odd[0])
		rmdir(self->odd);
	fake_env_down(&self->f);
}

TEST_F(adopt, a_directory_no_cell_could_be_named_is_passed_over)
{
	struct isolate *iso = NULL;

	EXPECT_EQ(0, isolate_load(&iso, NULL)) TH_LOG("%s", isolate_last_error());
	isolate_close(iso);
	EXPECT_EQ(0, access(self->odd, F_OK));
}

TEST_HARNESS_MAIN
