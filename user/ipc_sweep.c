// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A destroyed cell's System V objects: shared memory, message queues and
 * semaphore sets outlive the processes that made them, holding memory
 * outside any budget and the IPC namespace's ids, which the host shares.
 * ipc_owners says which objects the cell made, but by kernel address: the
 * id, assigned after the hook that records the object, is noted by the
 * kernel when the sweeper (the process the settings name) stats each
 * object of the namespace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "user/internal.h"

struct owned {
	__u64 key;
	struct isolate_ipc_owner owner;
};

/* The entries of ipc_owners made by cgid, into *out (malloc'ed); how many, or -errno. */
static long owned_by(int fd, __u64 cgid, struct owned **out)
{
	size_t n = 0, alloc = 0;
	struct owned *list = NULL;
	__u64 key, next;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		struct isolate_ipc_owner owner;

		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &owner) || owner.cgid != cgid)
			continue;
		if (n == alloc) {
			struct owned *grown = realloc(list, (alloc = alloc ? alloc * 2 : 16) *
							    sizeof(*list));

			if (!grown) {
				free(list);
				return -ENOMEM;
			}
			list = grown;
		}
		list[n++] = (struct owned){ .key = key, .owner = owner };
	}
	*out = list;
	return (long)n;
}

/* IPC_STAT of every object of one kind that /proc/sysvipc/<file> lists. */
static void stat_every(const char *file, int kind)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", file);
	f = fopen(path, "re");
	if (!f)
		return;
	/* "key id perms ...", after a header line. */
	while (fgets(line, sizeof(line), f)) {
		struct shmid_ds shm;
		struct msqid_ds msq;
		struct semid_ds sem;
		long long ipc_key;
		int id;

		if (sscanf(line, "%lld %d", &ipc_key, &id) != 2)
			continue;
		if (kind == ISOLATE_IPC_SHM)
			shmctl(id, IPC_STAT, &shm);
		else if (kind == ISOLATE_IPC_MSG)
			msgctl(id, IPC_STAT, &msq);
		else
			semctl(id, 0, IPC_STAT, &sem);
	}
	fclose(f);
}

/*
 * Whether the namespace has any System V object: where it has none (most
 * hosts), the cell's records are not looked for, a walk of every bucket
 * of ipc_owners (about 0.8 ms, most of a small cell's destroy).
 */
static bool any_object(void)
{
	static const char *const files[] = { "shm", "msg", "sem" };
	bool any = false;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) && !any; i++) {
		char path[64], line[512];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/sysvipc/%s", files[i]);
		f = fopen(path, "re");
		/* Unreadable: not known to have none. */
		any = !f || (fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f));
		if (f)
			fclose(f);
	}
	return any;
}

static int remove_object(const struct isolate_ipc_owner *o)
{
	switch (o->kind) {
	case ISOLATE_IPC_SHM:
		return shmctl(o->id, IPC_RMID, NULL);
	case ISOLATE_IPC_MSG:
		return msgctl(o->id, IPC_RMID, NULL);
	default:
		return semctl(o->id, 0, IPC_RMID);
	}
}

/* Points the sweeper (0: none) at the kernel's IPC_STAT hook. */
static int set_sweeper(struct isolate *iso, __u32 pid)
{
	struct isolate_config cfg;
	int err = read_config(iso, &cfg);

	if (!err) {
		cfg.ipc_sweeper = pid;
		err = write_config(iso, &cfg);
	}
	return err;
}

/*
 * Removes the objects the cell cgid made; its processes are gone, so it
 * makes none meanwhile. Records are not dropped when an object is freed:
 * every id is forgotten first, and only objects alive now, stated by the
 * sweeper, get one back (at their own address), so no record of a freed
 * object names the id of another. One whose record was forgotten (the
 * map is LRU) stays. 0, or the first object that could not be removed.
 */
int ipc_sweep(struct isolate *iso, __u64 cgid)
{
	int fd = iso->map_fd[MAP_IPC_OWNERS], err;
	struct owned *list = NULL;
	long n;

	if (!any_object())
		return 0;
	n = owned_by(fd, cgid, &list);
	if (n <= 0)
		return n < 0 ? set_error((int)n, "out of memory") : 0;
	for (long i = 0; i < n; i++) {
		list[i].owner.id = -1;
		bpf_map_update_elem(fd, &list[i].key, &list[i].owner, BPF_EXIST);
	}
	err = set_sweeper(iso, (__u32)getpid());
	if (!err) {
		stat_every("shm", ISOLATE_IPC_SHM);
		stat_every("msg", ISOLATE_IPC_MSG);
		stat_every("sem", ISOLATE_IPC_SEM);
		err = set_sweeper(iso, 0);
	}
	for (long i = 0; i < n && !err; i++) {
		struct isolate_ipc_owner now;

		if (bpf_map_lookup_elem(fd, &list[i].key, &now) || now.cgid != cgid)
			continue;
		if (now.id >= 0 && remove_object(&now) && errno != EINVAL && errno != EIDRM)
			err = set_error(-errno, "cannot remove System V object %d of the cell: %s",
					now.id, strerror(errno));
		else
			bpf_map_delete_elem(fd, &list[i].key);
	}
	free(list);
	return err;
}
