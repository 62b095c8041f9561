// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The seccomp filter the Landlock backend's command runs under, for what
 * a Landlock domain does not see (below). Written for x86-64 and its
 * 32-bit and x32 ABIs; elsewhere there is none, and the report lists what
 * it refuses as not governed.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "user/landlock.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef IPPROTO_SMC
#define IPPROTO_SMC 256
#endif
#ifndef AF_SMC
#define AF_SMC 43
#endif

#if defined(__x86_64__)
#define SECCOMP_ARG_LO(n) (offsetof(struct seccomp_data, args) + (n) * sizeof(__u64))
#define LOAD(what) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (what))
/* Instruction at goes to instruction to when A is k, else on (or to no). */
#define JEQ(at, k, to) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (to) - (at) - 1, 0)
#define JEQ_ELSE(at, k, to, no) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (to) - (at) - 1, (no) - (at) - 1)
#define JSET_ELSE(at, k, to, no) \
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (to) - (at) - 1, (no) - (at) - 1)
/* A = the access mode of the open flags in A. */
#define ACCESS_MODE BPF_STMT(BPF_ALU | BPF_AND | BPF_K, O_ACCMODE)
#define RET(what) BPF_STMT(BPF_RET | BPF_K, (what))
#define X32_SYSCALL_BIT 0x40000000
#define X32_IOCTL 514		/* x32's own ioctl, beside x86-64's */
#define I386_IOCTL 54
#define I386_OPEN 5
#define I386_CREAT 8
#define I386_MKNOD 14
#define I386_CHMOD 15
#define I386_FCHMOD 94
#define I386_OPENAT 295
#define I386_OPEN_BY_HANDLE_AT 342
#define I386_MKNODAT 297
#define I386_FCHMODAT 306
#define I386_SOCKETCALL 102
#define I386_SOCKET 359
#define SOCKETCALL_SOCKET 1	/* SYS_SOCKET of <linux/net.h> */
#define IO_URING_SETUP 425	/* the same number in every ABI */
#define OPENAT2 437		/* the same number in every ABI */
#define FCHMODAT2 452		/* the same number in every ABI */
/* The open flags with which the kernel uses the mode (its WILL_CREATE): O_CREAT, O_TMPFILE's own bit. */
#define OPEN_MAKES (O_CREAT | 020000000)

/* Where refused_calls jumps to (forward only, as classic BPF does). */
enum {
	AT_I386 = 19, AT_SOCKET = 39, AT_SOCKET_PROTO = 43, AT_IOCTL = 46, AT_OPEN = 49,
	AT_OPENAT = 54, AT_BY_HANDLE = 59, AT_MODE_ARG1 = 62, AT_MODE_ARG2 = 64, AT_MODE_ARG3 = 66,
	AT_ENOSYS = 68, AT_EACCES = 69, AT_EPERM = 70, AT_ALLOW = 71,
};

/*
 * What a Landlock domain does not see, refused by a seccomp filter the
 * command runs under, installed after no_new_privs just before the domain:
 * - the TIOCSTI and TIOCLINUX ioctls (EPERM): the command keeps the
 *   caller's terminal, and they would type into its input, run outside.
 *   The kernel reads the command as an unsigned int: the argument's low word.
 * - an open with access mode 3 (O_RDWR|O_WRONLY, EACCES): the kernel gives
 *   such a descriptor ioctls only and Landlock asks it for no right, so any
 *   file or device the command's ids may open would be reached, granted or
 *   not (open, openat, open_by_handle_at; with O_PATH too, where the mode
 *   means nothing: no program asks that).
 * - a mode with S_ISUID or S_ISGID (EPERM), given to chmod(2) and its kin
 *   or to a call that makes a file (open and openat with O_CREAT or
 *   O_TMPFILE, creat, mknod, mknodat): Landlock has no rights on
 *   attributes, and a cell could make a setuid program of any file its
 *   user owns, anywhere. Made empty, a setuid file loses the bit when
 *   written; a setgid one without group exec keeps it, and an ACL (which
 *   no filter can read) then adds group exec. openat2(2) passes its flags
 *   and mode in memory the filter cannot read: ENOSYS, from which libc
 *   falls back to openat.
 * - MPTCP and SMC sockets (EACCES, as Landlock's own refusals): Landlock's
 *   TCP hooks pass MPTCP sockets (not sk_is_tcp), and an SMC socket
 *   connects through a TCP socket of its own that no hook checks.
 * - io_uring (EPERM, as with kernel.io_uring_disabled=2, which programs
 *   fall back from): it makes sockets and opens files where no syscall
 *   filter sees them.
 * The 32-bit ABI's socketcall(SYS_SOCKET) keeps its arguments in memory the
 * filter cannot read: refused (EACCES) whatever they are. x32 shares the
 * x86-64 numbers with a flag bit, masked off. The flags and modes the
 * kernel reads are ints: the arguments' low words.
 */
static struct sock_filter refused_calls[] = {
	/* 0 */ LOAD(offsetof(struct seccomp_data, arch)),
	/* 1 */ JEQ_ELSE(1, AUDIT_ARCH_X86_64, 2, AT_I386),
	/* 2 */ LOAD(offsetof(struct seccomp_data, nr)),
	/* 3 */ BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~(__u32)X32_SYSCALL_BIT),
	/* 4 */ JEQ(4, __NR_socket, AT_SOCKET),
	/* 5 */ JEQ(5, __NR_ioctl, AT_IOCTL),
	/* 6 */ JEQ(6, X32_IOCTL, AT_IOCTL),
	/* 7 */ JEQ(7, __NR_chmod, AT_MODE_ARG1),
	/* 8 */ JEQ(8, __NR_fchmod, AT_MODE_ARG1),
	/* 9 */ JEQ(9, __NR_fchmodat, AT_MODE_ARG2),
	/* 10 */ JEQ(10, FCHMODAT2, AT_MODE_ARG2),
	/* 11 */ JEQ(11, __NR_open, AT_OPEN),
	/* 12 */ JEQ(12, __NR_openat, AT_OPENAT),
	/* 13 */ JEQ(13, __NR_open_by_handle_at, AT_BY_HANDLE),
	/* 14 */ JEQ(14, __NR_creat, AT_MODE_ARG1),
	/* 15 */ JEQ(15, __NR_mknod, AT_MODE_ARG1),
	/* 16 */ JEQ(16, __NR_mknodat, AT_MODE_ARG2),
	/* 17 */ JEQ(17, OPENAT2, AT_ENOSYS),
	/* 18 */ JEQ_ELSE(18, IO_URING_SETUP, AT_EPERM, AT_ALLOW),
	/* Any other arch on an x86-64 kernel is i386; were it not, killed. */
	/* 19 AT_I386 */ JEQ_ELSE(19, AUDIT_ARCH_I386, 21, 20),
	/* 20 */ RET(SECCOMP_RET_KILL_PROCESS),
	/* 21 */ LOAD(offsetof(struct seccomp_data, nr)),
	/* 22 */ JEQ(22, I386_SOCKET, AT_SOCKET),
	/* 23 */ JEQ(23, I386_IOCTL, AT_IOCTL),
	/* 24 */ JEQ(24, I386_CHMOD, AT_MODE_ARG1),
	/* 25 */ JEQ(25, I386_FCHMOD, AT_MODE_ARG1),
	/* 26 */ JEQ(26, I386_FCHMODAT, AT_MODE_ARG2),
	/* 27 */ JEQ(27, FCHMODAT2, AT_MODE_ARG2),
	/* 28 */ JEQ(28, I386_OPEN, AT_OPEN),
	/* 29 */ JEQ(29, I386_OPENAT, AT_OPENAT),
	/* 30 */ JEQ(30, I386_OPEN_BY_HANDLE_AT, AT_BY_HANDLE),
	/* 31 */ JEQ(31, I386_CREAT, AT_MODE_ARG1),
	/* 32 */ JEQ(32, I386_MKNOD, AT_MODE_ARG1),
	/* 33 */ JEQ(33, I386_MKNODAT, AT_MODE_ARG2),
	/* 34 */ JEQ(34, OPENAT2, AT_ENOSYS),
	/* 35 */ JEQ(35, IO_URING_SETUP, AT_EPERM),
	/* 36 */ JEQ_ELSE(36, I386_SOCKETCALL, 37, AT_ALLOW),
	/* 37 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 38 */ JEQ_ELSE(38, SOCKETCALL_SOCKET, AT_EACCES, AT_ALLOW),
	/* 39 AT_SOCKET */ LOAD(SECCOMP_ARG_LO(0)),
	/* 40 */ JEQ(40, AF_SMC, AT_EACCES),
	/* 41 */ JEQ(41, AF_INET, AT_SOCKET_PROTO),
	/* 42 */ JEQ_ELSE(42, AF_INET6, AT_SOCKET_PROTO, AT_ALLOW),
	/* 43 AT_SOCKET_PROTO */ LOAD(SECCOMP_ARG_LO(2)),
	/* 44 */ JEQ(44, IPPROTO_MPTCP, AT_EACCES),
	/* 45 */ JEQ_ELSE(45, IPPROTO_SMC, AT_EACCES, AT_ALLOW),
	/* 46 AT_IOCTL */ LOAD(SECCOMP_ARG_LO(1)),
	/* 47 */ JEQ(47, TIOCSTI, AT_EPERM),
	/* 48 */ JEQ_ELSE(48, TIOCLINUX, AT_EPERM, AT_ALLOW),
	/* open(): access mode 3 refused; the mode counts only when the flags make a file. */
	/* 49 AT_OPEN */ LOAD(SECCOMP_ARG_LO(1)),
	/* 50 */ ACCESS_MODE,
	/* 51 */ JEQ(51, O_ACCMODE, AT_EACCES),
	/* 52 */ LOAD(SECCOMP_ARG_LO(1)),
	/* 53 */ JSET_ELSE(53, OPEN_MAKES, AT_MODE_ARG2, AT_ALLOW),
	/* 54 AT_OPENAT */ LOAD(SECCOMP_ARG_LO(2)),
	/* 55 */ ACCESS_MODE,
	/* 56 */ JEQ(56, O_ACCMODE, AT_EACCES),
	/* 57 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 58 */ JSET_ELSE(58, OPEN_MAKES, AT_MODE_ARG3, AT_ALLOW),
	/* open_by_handle_at() makes no file: its access mode only. */
	/* 59 AT_BY_HANDLE */ LOAD(SECCOMP_ARG_LO(2)),
	/* 60 */ ACCESS_MODE,
	/* 61 */ JEQ_ELSE(61, O_ACCMODE, AT_EACCES, AT_ALLOW),
	/* 62 AT_MODE_ARG1 */ LOAD(SECCOMP_ARG_LO(1)),
	/* 63 */ JSET_ELSE(63, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 64 AT_MODE_ARG2 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 65 */ JSET_ELSE(65, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 66 AT_MODE_ARG3 */ LOAD(SECCOMP_ARG_LO(3)),
	/* 67 */ JSET_ELSE(67, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 68 AT_ENOSYS */ RET(SECCOMP_RET_ERRNO | ENOSYS),
	/* 69 AT_EACCES */ RET(SECCOMP_RET_ERRNO | EACCES),
	/* 70 AT_EPERM */ RET(SECCOMP_RET_ERRNO | EPERM),
	/* 71 AT_ALLOW */ RET(SECCOMP_RET_ALLOW),
};
_Static_assert(sizeof(refused_calls) / sizeof(refused_calls[0]) == AT_ALLOW + 1,
	       "refused_calls ends with AT_ALLOW");
static const struct sock_fprog refusing_filter = {
	.len = sizeof(refused_calls) / sizeof(refused_calls[0]),
	.filter = refused_calls,
};

const struct sock_fprog *landlock_filter(void)
{
	return &refusing_filter;
}
#else
/* None written for this architecture: what it refuses is reported not governed. */
const struct sock_fprog *landlock_filter(void)
{
	return NULL;
}
#endif
