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
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
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
#define X32_SENDMSG 518
#define X32_SENDMMSG 538
#define X32_SETSOCKOPT 541
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
#define I386_SENDTO 369
#define I386_SENDMSG 370
#define I386_SENDMMSG 345
#define I386_SETSOCKOPT 366
#define I386_SETPRIORITY 97
#define I386_SCHED_SETPARAM 154
#define I386_SCHED_SETSCHEDULER 156
#define I386_SCHED_SETAFFINITY 241
#define I386_IOPRIO_SET 289
#define I386_PRLIMIT64 340
#define I386_SCHED_SETATTR 351
#define I386_BPF 357
#define IOPRIO_WHO_USER 3	/* <linux/ioprio.h>, not in every libc's headers */
/* SYS_SOCKET, SYS_SENDTO, SYS_SETSOCKOPT, SYS_SENDMSG, SYS_SENDMMSG of <linux/net.h> */
#define SOCKETCALL_SOCKET 1
#define SOCKETCALL_SENDTO 11
#define SOCKETCALL_SETSOCKOPT 14
#define SOCKETCALL_SENDMSG 16
#define SOCKETCALL_SENDMMSG 20
#define IO_URING_SETUP 425	/* the same number in every ABI */
#define OPENAT2 437		/* the same number in every ABI */
#define FCHMODAT2 452		/* the same number in every ABI */
/* The open flags with which the kernel uses the mode (its WILL_CREATE): O_CREAT, O_TMPFILE's own bit. */
#define OPEN_MAKES (O_CREAT | 020000000)

/* Where refused_calls jumps to (forward only, as classic BPF does). */
enum {
	AT_I386 = 34, AT_SOCKET = 70, AT_SOCKET_PROTO = 74, AT_IOCTL = 77, AT_OPEN = 80,
	AT_OPENAT = 85, AT_BY_HANDLE = 90, AT_SEND_FLAGS_ARG2 = 93, AT_SEND_FLAGS_ARG3 = 95,
	AT_SOCKOPT = 97, AT_PID_ARG0 = 101, AT_SETPRIORITY = 103, AT_IOPRIO = 107,
	AT_MODE_ARG1 = 111, AT_MODE_ARG2 = 113, AT_MODE_ARG3 = 115, AT_ENOSYS = 117,
	AT_EACCES = 118, AT_EPERM = 119, AT_ALLOW = 120,
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
 *   connects through a TCP socket of its own that no hook checks. A TCP
 *   socket becomes one by setsockopt(TCP_ULP, "smc") on kernels that have
 *   the SMC upper layer; the filter cannot read the name, so TCP_ULP is
 *   refused whatever it names (kernel TLS too: programs fall back to TLS
 *   of their own).
 * - a send with MSG_FASTOPEN (sendto, sendmsg, sendmmsg; EACCES): it
 *   connects a TCP socket past the connect hook, which Landlock's port
 *   rules check for fast open only since Linux 6.18.54 and 7.2 (and in
 *   backports the ABI number does not tell). Programs fall back to
 *   connect.
 * - io_uring (EPERM, as with kernel.io_uring_disabled=2, which programs
 *   fall back from): it makes sockets and opens files where no syscall
 *   filter sees them.
 * - bpf(2) (EPERM): BPF_OBJ_GET opens a pinned map by its path with no
 *   Landlock check, and writes to it go through the descriptor (isolate's
 *   own rule maps among them, when the BPF backend runs beside).
 * - priorities, scheduling and limits of other processes (EPERM):
 *   prlimit64, sched_setaffinity, sched_setscheduler, sched_setparam and
 *   sched_setattr on a pid other than 0, setpriority and ioprio_set on
 *   any but the caller (who 0, not every process of its user): no LSM
 *   hook of Landlock's sees them, and the command could lower the limits
 *   of the loader that runs it (RLIMIT_CPU kills it, RLIMIT_NOFILE stops
 *   its timeout) or of any process of its user. A program setting its
 *   own by its pid or a thread's id is refused too; by 0 it is not.
 * The 32-bit ABI's socketcall(SYS_SOCKET, SYS_SENDTO, SYS_SETSOCKOPT,
 * SYS_SENDMSG, SYS_SENDMMSG) keeps its arguments in memory the filter cannot read:
 * refused (EACCES) whatever they are; libc uses the calls of their own. x32 shares the
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
	/* 17 */ JEQ(17, __NR_sendto, AT_SEND_FLAGS_ARG3),
	/* 18 */ JEQ(18, __NR_sendmsg, AT_SEND_FLAGS_ARG2),
	/* 19 */ JEQ(19, X32_SENDMSG, AT_SEND_FLAGS_ARG2),
	/* 20 */ JEQ(20, __NR_sendmmsg, AT_SEND_FLAGS_ARG3),
	/* 21 */ JEQ(21, X32_SENDMMSG, AT_SEND_FLAGS_ARG3),
	/* 22 */ JEQ(22, __NR_setsockopt, AT_SOCKOPT),
	/* 23 */ JEQ(23, X32_SETSOCKOPT, AT_SOCKOPT),
	/* 24 */ JEQ(24, OPENAT2, AT_ENOSYS),
	/* 25 */ JEQ(25, IO_URING_SETUP, AT_EPERM),
	/* 26 */ JEQ(26, __NR_bpf, AT_EPERM),
	/* 27 */ JEQ(27, __NR_prlimit64, AT_PID_ARG0),
	/* 28 */ JEQ(28, __NR_sched_setaffinity, AT_PID_ARG0),
	/* 29 */ JEQ(29, __NR_sched_setscheduler, AT_PID_ARG0),
	/* 30 */ JEQ(30, __NR_sched_setparam, AT_PID_ARG0),
	/* 31 */ JEQ(31, __NR_sched_setattr, AT_PID_ARG0),
	/* 32 */ JEQ(32, __NR_setpriority, AT_SETPRIORITY),
	/* 33 */ JEQ_ELSE(33, __NR_ioprio_set, AT_IOPRIO, AT_ALLOW),
	/* Any other arch on an x86-64 kernel is i386; were it not, killed. */
	/* 34 AT_I386 */ JEQ_ELSE(34, AUDIT_ARCH_I386, 36, 35),
	/* 35 */ RET(SECCOMP_RET_KILL_PROCESS),
	/* 36 */ LOAD(offsetof(struct seccomp_data, nr)),
	/* 37 */ JEQ(37, I386_SOCKET, AT_SOCKET),
	/* 38 */ JEQ(38, I386_IOCTL, AT_IOCTL),
	/* 39 */ JEQ(39, I386_CHMOD, AT_MODE_ARG1),
	/* 40 */ JEQ(40, I386_FCHMOD, AT_MODE_ARG1),
	/* 41 */ JEQ(41, I386_FCHMODAT, AT_MODE_ARG2),
	/* 42 */ JEQ(42, FCHMODAT2, AT_MODE_ARG2),
	/* 43 */ JEQ(43, I386_OPEN, AT_OPEN),
	/* 44 */ JEQ(44, I386_OPENAT, AT_OPENAT),
	/* 45 */ JEQ(45, I386_OPEN_BY_HANDLE_AT, AT_BY_HANDLE),
	/* 46 */ JEQ(46, I386_CREAT, AT_MODE_ARG1),
	/* 47 */ JEQ(47, I386_MKNOD, AT_MODE_ARG1),
	/* 48 */ JEQ(48, I386_MKNODAT, AT_MODE_ARG2),
	/* 49 */ JEQ(49, I386_SENDTO, AT_SEND_FLAGS_ARG3),
	/* 50 */ JEQ(50, I386_SENDMSG, AT_SEND_FLAGS_ARG2),
	/* 51 */ JEQ(51, I386_SENDMMSG, AT_SEND_FLAGS_ARG3),
	/* 52 */ JEQ(52, I386_SETSOCKOPT, AT_SOCKOPT),
	/* 53 */ JEQ(53, OPENAT2, AT_ENOSYS),
	/* 54 */ JEQ(54, IO_URING_SETUP, AT_EPERM),
	/* 55 */ JEQ(55, I386_BPF, AT_EPERM),
	/* 56 */ JEQ(56, I386_PRLIMIT64, AT_PID_ARG0),
	/* 57 */ JEQ(57, I386_SCHED_SETAFFINITY, AT_PID_ARG0),
	/* 58 */ JEQ(58, I386_SCHED_SETSCHEDULER, AT_PID_ARG0),
	/* 59 */ JEQ(59, I386_SCHED_SETPARAM, AT_PID_ARG0),
	/* 60 */ JEQ(60, I386_SCHED_SETATTR, AT_PID_ARG0),
	/* 61 */ JEQ(61, I386_SETPRIORITY, AT_SETPRIORITY),
	/* 62 */ JEQ(62, I386_IOPRIO_SET, AT_IOPRIO),
	/* 63 */ JEQ_ELSE(63, I386_SOCKETCALL, 64, AT_ALLOW),
	/* socketcall(): what it passes in memory is unread; the calls refused whatever they ask. */
	/* 64 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 65 */ JEQ(65, SOCKETCALL_SOCKET, AT_EACCES),
	/* 66 */ JEQ(66, SOCKETCALL_SENDTO, AT_EACCES),
	/* 67 */ JEQ(67, SOCKETCALL_SENDMSG, AT_EACCES),
	/* 68 */ JEQ(68, SOCKETCALL_SETSOCKOPT, AT_EACCES),
	/* 69 */ JEQ_ELSE(69, SOCKETCALL_SENDMMSG, AT_EACCES, AT_ALLOW),
	/* socket(): the low words of the arguments are the ints the kernel reads. */
	/* 70 AT_SOCKET */ LOAD(SECCOMP_ARG_LO(0)),
	/* 71 */ JEQ(71, AF_SMC, AT_EACCES),
	/* 72 */ JEQ(72, AF_INET, AT_SOCKET_PROTO),
	/* 73 */ JEQ_ELSE(73, AF_INET6, AT_SOCKET_PROTO, AT_ALLOW),
	/* 74 AT_SOCKET_PROTO */ LOAD(SECCOMP_ARG_LO(2)),
	/* 75 */ JEQ(75, IPPROTO_MPTCP, AT_EACCES),
	/* 76 */ JEQ_ELSE(76, IPPROTO_SMC, AT_EACCES, AT_ALLOW),
	/* 77 AT_IOCTL */ LOAD(SECCOMP_ARG_LO(1)),
	/* 78 */ JEQ(78, TIOCSTI, AT_EPERM),
	/* 79 */ JEQ_ELSE(79, TIOCLINUX, AT_EPERM, AT_ALLOW),
	/* open(): access mode 3 refused; the mode counts only when the flags make a file. */
	/* 80 AT_OPEN */ LOAD(SECCOMP_ARG_LO(1)),
	/* 81 */ ACCESS_MODE,
	/* 82 */ JEQ(82, O_ACCMODE, AT_EACCES),
	/* 83 */ LOAD(SECCOMP_ARG_LO(1)),
	/* 84 */ JSET_ELSE(84, OPEN_MAKES, AT_MODE_ARG2, AT_ALLOW),
	/* 85 AT_OPENAT */ LOAD(SECCOMP_ARG_LO(2)),
	/* 86 */ ACCESS_MODE,
	/* 87 */ JEQ(87, O_ACCMODE, AT_EACCES),
	/* 88 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 89 */ JSET_ELSE(89, OPEN_MAKES, AT_MODE_ARG3, AT_ALLOW),
	/* open_by_handle_at() makes no file: its access mode only. */
	/* 90 AT_BY_HANDLE */ LOAD(SECCOMP_ARG_LO(2)),
	/* 91 */ ACCESS_MODE,
	/* 92 */ JEQ_ELSE(92, O_ACCMODE, AT_EACCES, AT_ALLOW),
	/* A send with MSG_FASTOPEN connects: refused, whatever the socket. */
	/* 93 AT_SEND_FLAGS_ARG2 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 94 */ JSET_ELSE(94, MSG_FASTOPEN, AT_EACCES, AT_ALLOW),
	/* 95 AT_SEND_FLAGS_ARG3 */ LOAD(SECCOMP_ARG_LO(3)),
	/* 96 */ JSET_ELSE(96, MSG_FASTOPEN, AT_EACCES, AT_ALLOW),
	/* setsockopt(): TCP_ULP refused, whatever upper layer it names. */
	/* 97 AT_SOCKOPT */ LOAD(SECCOMP_ARG_LO(1)),
	/* 98 */ JEQ_ELSE(98, IPPROTO_TCP, 99, AT_ALLOW),
	/* 99 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 100 */ JEQ_ELSE(100, TCP_ULP, AT_EACCES, AT_ALLOW),
	/* Priorities, scheduling and limits: of the calling process only. */
	/* 101 AT_PID_ARG0 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 102 */ JEQ_ELSE(102, 0, AT_ALLOW, AT_EPERM),
	/* 103 AT_SETPRIORITY */ LOAD(SECCOMP_ARG_LO(1)),
	/* 104 */ JEQ_ELSE(104, 0, 105, AT_EPERM),
	/* 105 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 106 */ JEQ_ELSE(106, PRIO_USER, AT_EPERM, AT_ALLOW),
	/* 107 AT_IOPRIO */ LOAD(SECCOMP_ARG_LO(1)),
	/* 108 */ JEQ_ELSE(108, 0, 109, AT_EPERM),
	/* 109 */ LOAD(SECCOMP_ARG_LO(0)),
	/* 110 */ JEQ_ELSE(110, IOPRIO_WHO_USER, AT_EPERM, AT_ALLOW),
	/* 111 AT_MODE_ARG1 */ LOAD(SECCOMP_ARG_LO(1)),
	/* 112 */ JSET_ELSE(112, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 113 AT_MODE_ARG2 */ LOAD(SECCOMP_ARG_LO(2)),
	/* 114 */ JSET_ELSE(114, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 115 AT_MODE_ARG3 */ LOAD(SECCOMP_ARG_LO(3)),
	/* 116 */ JSET_ELSE(116, S_ISUID | S_ISGID, AT_EPERM, AT_ALLOW),
	/* 117 AT_ENOSYS */ RET(SECCOMP_RET_ERRNO | ENOSYS),
	/* 118 AT_EACCES */ RET(SECCOMP_RET_ERRNO | EACCES),
	/* 119 AT_EPERM */ RET(SECCOMP_RET_ERRNO | EPERM),
	/* 120 AT_ALLOW */ RET(SECCOMP_RET_ALLOW),
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
