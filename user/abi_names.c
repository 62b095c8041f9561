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
		[ISOLATE_OP_MAP_EXEC] = "map-exec",
		[ISOLATE_OP_CREATE] = "create",
		[ISOLATE_OP_REMOVE] = "remove",
		[ISOLATE_OP_RENAME] = "rename",
		[ISOLATE_OP_LINK] = "link",
		[ISOLATE_OP_TRUNCATE] = "truncate",
		[ISOLATE_OP_SETATTR] = "setattr",
		[ISOLATE_OP_CONNECT] = "connect",
		[ISOLATE_OP_BIND] = "bind",
		[ISOLATE_OP_LISTEN] = "listen",
		[ISOLATE_OP_PTRACE] = "ptrace",
		[ISOLATE_OP_SIGNAL] = "signal",
		[ISOLATE_OP_SETSCHED] = "setsched",
		[ISOLATE_OP_MOUNT] = "mount",
		[ISOLATE_OP_BPF] = "bpf",
		[ISOLATE_OP_NAMESPACE] = "namespace",
		[ISOLATE_OP_KEYRING] = "keyring",
		[ISOLATE_OP_MODULE] = "module",
		[ISOLATE_OP_CGROUP] = "cgroup",
		[ISOLATE_OP_PERF] = "perf",
		[ISOLATE_OP_CAPABILITY] = "capability",
		[ISOLATE_OP_SOCKET] = "socket",
		[ISOLATE_OP_EXEC_MEMORY] = "exec-memory",
		[ISOLATE_OP_SYSTEM_FILE] = "system-file",
		[ISOLATE_OP_IPC] = "ipc",
	};

	return op < ISOLATE_OP_MAX && names[op] ? names[op] : "unknown";
}

const char *isolate_event_class_name(__u32 event_class)
{
	static const char *const names[ISOLATE_EVENT_CLASS_MAX] = {
#define CLASS_NAME(C, number, name, bytes) [ISOLATE_EVENT_##C] = #name,
		ISOLATE_EVENT_CLASS_LIST(CLASS_NAME)
#undef CLASS_NAME
	};

	return event_class < ISOLATE_EVENT_CLASS_MAX && names[event_class] ?
	       names[event_class] : "unknown";
}
