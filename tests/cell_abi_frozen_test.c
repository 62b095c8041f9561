// SPDX-License-Identifier: GPL-2.0
/*
 * The cell ABI is frozen per version: the set of operations, the size of
 * every wire record and how a served call answers. Changing any without
 * bumping ISOLATE_CELL_ABI_VERSION (and adding its row here) fails this
 * test.
 */
#include <string.h>

#include "kselftest_harness.h"
#include <isolate/cell.h>

struct frozen_op {
	const char *name;
	int value;
};

struct frozen_abi {
	int version;
	struct frozen_op ops[ISOLATE_CELL_OP_COUNT + 1];
	size_t log_record, metric_record, request_record, post_record;
	unsigned long prctl_option;
	int served_errno;	/* 0: a served call returned a positive number */
	unsigned long request_id_max;	/* 0: the kernel chose request ids */
};

static const struct frozen_abi frozen[] = {
	{
		.version = 1,
		.ops = {
			{ "exec", 1 }, { "call", 2 }, { "post", 3 }, { "recv", 4 },
			{ "log", 5 }, { "metric", 6 }, { "request", 7 }, { NULL, 0 },
		},
		.log_record = 488,
		.metric_record = 80,
		.request_record = 264,
		.post_record = 1040,
		.prctl_option = 0x4953ce11,
	},
	{
		/* Served calls answer -1/4095: newer kernels range-check LSM returns. */
		.version = 2,
		.ops = {
			{ "exec", 1 }, { "call", 2 }, { "post", 3 }, { "recv", 4 },
			{ "log", 5 }, { "metric", 6 }, { "request", 7 }, { NULL, 0 },
		},
		.log_record = 488,
		.metric_record = 80,
		.request_record = 264,
		.post_record = 1040,
		.prctl_option = 0x4953ce11,
		.served_errno = 4095,
		.request_id_max = 0x7fffffff,
	},
};

static const struct frozen_abi *current_abi(void)
{
	for (size_t i = 0; i < sizeof(frozen) / sizeof(frozen[0]); i++)
		if (frozen[i].version == ISOLATE_CELL_ABI_VERSION)
			return &frozen[i];
	return NULL;
}

/* The operations of the header, by name. */
static const struct frozen_op header_ops[] = {
	{ "exec", ISOLATE_CELL_OP_EXEC }, { "call", ISOLATE_CELL_OP_CALL },
	{ "post", ISOLATE_CELL_OP_POST }, { "recv", ISOLATE_CELL_OP_RECV },
	{ "log", ISOLATE_CELL_OP_LOG }, { "metric", ISOLATE_CELL_OP_METRIC },
	{ "request", ISOLATE_CELL_OP_REQUEST },
};

TEST(version_is_recorded)
{
	ASSERT_NE(NULL, current_abi()) {
		TH_LOG("ISOLATE_CELL_ABI_VERSION %d has no frozen row in this test",
		       ISOLATE_CELL_ABI_VERSION);
	}
}

TEST(operations_are_the_frozen_seven)
{
	const struct frozen_abi *abi = current_abi();
	size_t n = 0;

	ASSERT_NE(NULL, abi);
	while (abi->ops[n].name)
		n++;
	ASSERT_EQ(n, (size_t)ISOLATE_CELL_OP_COUNT);
	ASSERT_EQ(sizeof(header_ops) / sizeof(header_ops[0]), n);
	for (size_t i = 0; i < n; i++) {
		EXPECT_STREQ(abi->ops[i].name, header_ops[i].name);
		EXPECT_EQ(abi->ops[i].value, header_ops[i].value);
	}
}

TEST(wire_records_keep_their_size)
{
	const struct frozen_abi *abi = current_abi();

	ASSERT_NE(NULL, abi);
	EXPECT_EQ(abi->log_record, sizeof(struct isolate_cell_log_record));
	EXPECT_EQ(abi->metric_record, sizeof(struct isolate_cell_metric_record));
	EXPECT_EQ(abi->request_record, sizeof(struct isolate_cell_request_record));
	EXPECT_EQ(abi->post_record, sizeof(struct isolate_cell_post_record));
	EXPECT_EQ(abi->prctl_option, (unsigned long)ISOLATE_PRCTL_OPTION);
}

TEST(served_calls_answer_as_frozen)
{
	const struct frozen_abi *abi = current_abi();

	ASSERT_NE(NULL, abi);
	EXPECT_EQ(abi->served_errno, ISOLATE_CELL_SERVED);
	EXPECT_EQ(abi->request_id_max, (unsigned long)ISOLATE_CELL_REQUEST_ID_MAX);
}

TEST_HARNESS_MAIN
