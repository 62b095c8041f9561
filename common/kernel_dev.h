/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Device numbers as isolate's BPF programs and events carry them: the
 * kernel's own encoding (a super block's s_dev), not stat(2)'s.
 */
#ifndef ISOLATE_COMMON_KERNEL_DEV_H
#define ISOLATE_COMMON_KERNEL_DEV_H

#include <sys/sysmacros.h>
#include <sys/types.h>

#include <linux/types.h>

/* A device number as the kernel's programs see it (s_dev): major << 20 | minor. */
static inline __u32 kernel_dev(dev_t dev)
{
	return (major(dev) << 20) | minor(dev);
}

#endif
