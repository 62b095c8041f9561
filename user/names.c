// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Names of ABI numbers, as shown in text and JSON output. */
#include "user/internal.h"

const char *isolate_op_name(__u32 op)
{
	static const char *const names[ISOLATE_OP_MAX] = {
		[ISOLATE_OP_NONE] = "none",
		[ISOLATE_OP_READ] = "read",
		[ISOLATE_OP_WRITE] = "write",
		[ISOLATE_OP_EXEC] = "exec",
	};

	return op < ISOLATE_OP_MAX && names[op] ? names[op] : "unknown";
}

const char *isolate_event_class_name(__u32 event_class)
{
	static const char *const names[ISOLATE_EVENT_CLASS_MAX] = {
		[ISOLATE_EVENT_DENY] = "deny",
		[ISOLATE_EVENT_AUDIT] = "audit",
	};

	return event_class < ISOLATE_EVENT_CLASS_MAX && names[event_class] ?
	       names[event_class] : "unknown";
}
