// SPDX-License-Identifier: GPL-2.0
/* The one definition of every map; the other objects declare them extern. */
#include "isolate.bpf.h"

struct isolate_config_map settings SEC(".maps");
struct isolate_cells_map cells SEC(".maps");
struct isolate_inode_rules_map inode_rules SEC(".maps");
struct isolate_bloom_map inode_bloom SEC(".maps");
struct isolate_net_rules_map net_rules SEC(".maps");
struct isolate_unix_rules_map unix_rules SEC(".maps");
struct isolate_counters_map counters SEC(".maps");
struct isolate_rcu_sync_map rcu_sync SEC(".maps");
struct isolate_seq_map event_seq SEC(".maps");
struct isolate_ipc_owners_map ipc_owners SEC(".maps");
struct isolate_fifo_owners_map fifo_owners SEC(".maps");
struct isolate_fifo_making_map fifo_making SEC(".maps");
struct isolate_event_windows_map event_windows SEC(".maps");
struct isolate_path_scratch_map path_scratch SEC(".maps");
#define RING_DEFINE(C, number, name, bytes) struct isolate_ring_##name ev_##name SEC(".maps");
ISOLATE_EVENT_CLASS_LIST(RING_DEFINE)
