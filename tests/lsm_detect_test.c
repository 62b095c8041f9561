// SPDX-License-Identifier: GPL-2.0
/*
 * Failing closed on kernels that cannot enforce: the LSM list is parsed
 * exactly, and `isolate-loader load` on a kernel that refuses LSM programs
 * (like the development and CI hosts) exits 3 and says which case it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "common/lsm_list.h"

TEST(lsm_list_parsing)
{
	EXPECT_TRUE(lsm_list_has_bpf("lockdown,capability,landlock,yama,apparmor,bpf"));
	EXPECT_TRUE(lsm_list_has_bpf("bpf"));
	EXPECT_TRUE(lsm_list_has_bpf("bpf,landlock\n"));
	EXPECT_TRUE(lsm_list_has_bpf("capability,bpf\n"));
	EXPECT_FALSE(lsm_list_has_bpf("lockdown,capability,landlock,yama,apparmor"));
	EXPECT_FALSE(lsm_list_has_bpf("bpfx,xbpf,bp,pf"));
	EXPECT_FALSE(lsm_list_has_bpf(""));
	EXPECT_FALSE(lsm_list_has_bpf("\n"));
}

/* Runs cmd, captures its output (stdout+stderr) and exit status. */
static int run_capture(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	size_t n;
	int status;

	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(load_fails_closed_with_the_reason)
{
	const char *loader = getenv("ISOLATE_LOADER") ?: "build/bin/isolate-loader";
	char cmd[512], out[4096];
	int status;

	snprintf(cmd, sizeof(cmd), "%s load 2>&1", loader);
	status = run_capture(cmd, out, sizeof(out));
	if (status == 0) {
		snprintf(cmd, sizeof(cmd), "%s unload >/dev/null 2>&1", loader);
		ASSERT_EQ(0, system(cmd));
		SKIP(return, "this kernel enforces BPF LSM: nothing to refuse here");
	}
	TH_LOG("load said: %s", out);
	ASSERT_EQ(3, status);
	EXPECT_TRUE(strstr(out, "refuses BPF LSM programs") ||
		    strstr(out, "is not an active LSM"));

	/* The JSON form names the case too. */
	snprintf(cmd, sizeof(cmd), "%s -j load 2>/dev/null", loader);
	status = run_capture(cmd, out, sizeof(out));
	ASSERT_EQ(3, status);
	EXPECT_TRUE(strstr(out, "\"kernel_support\":\"lsm-programs-refused\"") ||
		    strstr(out, "\"kernel_support\":\"bpf-lsm-inactive\""));

	/* And nothing was left pinned by the refused attempt. */
	snprintf(cmd, sizeof(cmd), "%s status 2>&1", loader);
	EXPECT_EQ(4, run_capture(cmd, out, sizeof(out)));
}

/* Another kernel's hooks, from its BTF: what `load` would attach there. */
TEST(features_lists_the_program_of_each_hook)
{
	const char *loader = getenv("ISOLATE_LOADER") ?: "build/bin/isolate-loader";
	char cmd[512], out[16384];

	snprintf(cmd, sizeof(cmd), "%s -j features --hooks --btf tests/data/lsm-hooks-6.12.btf 2>&1",
		 loader);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "{\"hook\":\"inode_setattr\",\"program\":\"isolate_inode_setattr_idmap\""));
	snprintf(cmd, sizeof(cmd), "%s features --hooks --btf tests/data/lsm-hooks-6.1.btf 2>&1",
		 loader);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "isolate_perf_event_open "));
	EXPECT_NE(NULL, strstr(out, "(not on this kernel)"));
	/* --btf alone asks nothing about hooks. */
	snprintf(cmd, sizeof(cmd), "%s features --btf tests/data/lsm-hooks-6.1.btf 2>&1", loader);
	EXPECT_EQ(2, run_capture(cmd, out, sizeof(out)));
}

TEST_HARNESS_MAIN
