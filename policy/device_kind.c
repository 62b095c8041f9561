// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Which devices BPF LSM treats apart, told from their numbers as
 * kern/file.bpf.c tells them: the harmless few any rule opens, and those
 * that pass disk commands, which no rule opens.
 */
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <isolate/abi.h>

#include "device_kind.h"

/*
 * Whether the kernel's programs find the table of character majors
 * (kern/file.bpf.c, chrdevs): /proc/kallsyms shows its address.
 */
static bool chrdevs_listed(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[256];
	unsigned long long addr;
	bool listed = false;

	while (f && !listed && fgets(line, sizeof(line), f)) {
		const char *name = strrchr(line, ' ');

		listed = name && !strcmp(name, " chrdevs\n") &&
			 sscanf(line, "%llx", &addr) == 1 && addr;
	}
	if (f)
		fclose(f);
	return listed;
}

/*
 * Whether the character device rdev is of a driver that passes READ and
 * WRITE commands to a disk, by the name its major is registered under:
 * the names kern/file.bpf.c (disk_driver_name) knows; where the kernel's
 * table is not listed, as there, the majors handed out at boot too.
 */
bool device_passes_disk_commands(dev_t rdev)
{
	static const char *const exact[] = { "sg", "bsg", "nvme", "nvme-generic", "mtd" };
	unsigned int major_no = major(rdev);
	FILE *f;
	char line[128], name[64];
	bool chars = false, found = false;

	if (((major_no >= 234 && major_no <= 254) || (major_no >= 384 && major_no <= 511)) &&
	    !chrdevs_listed())
		return true;
	f = fopen("/proc/devices", "re");
	while (f && !found && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Character devices:", 18))
			chars = true;
		else if (!strncmp(line, "Block devices:", 14))
			chars = false;
		else if (chars && sscanf(line, "%u %63s", &major_no, name) == 2 &&
			 major_no == major(rdev)) {
			found = !strncmp(name, "ubi", 3);
			for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
				found |= !strcmp(name, exact[i]);
		}
	}
	if (f)
		fclose(f);
	return found;
}

bool device_harmless_char(dev_t rdev)
{
	unsigned int ma = major(rdev), mi = minor(rdev);

	if (ma == ISOLATE_HARMLESS_MEM_MAJOR)
		return mi < 32 && ((ISOLATE_HARMLESS_MEM_MINORS >> mi) & 1);
	if (ma == ISOLATE_HARMLESS_TTYAUX_MAJOR)
		return mi < 32 && ((ISOLATE_HARMLESS_TTYAUX_MINORS >> mi) & 1);
	return ma >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && ma <= ISOLATE_PTY_SLAVE_MAJOR_LAST;
}

bool device_is_service_node(const struct stat *st)
{
	unsigned int ma = major(st->st_rdev);

	/* A FIFO or a socket a cell made is the tree's, but at compile time none is. */
	if (S_ISSOCK(st->st_mode) || S_ISFIFO(st->st_mode))
		return true;
	/* A pty is harmless only when it is the cell's own, which no rule can name. */
	return S_ISCHR(st->st_mode) &&
	       (!device_harmless_char(st->st_rdev) ||
		(ma >= ISOLATE_PTY_SLAVE_MAJOR_FIRST && ma <= ISOLATE_PTY_SLAVE_MAJOR_LAST));
}
