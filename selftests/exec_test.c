// SPDX-License-Identifier: GPL-2.0
/*
 * exec: running code from a file needs the EXEC right on that file, READ
 * is not enough and not needed: execve of a static binary, of a dynamic
 * one (and of its interpreter, ld.so, which the kernel opens too), ld.so
 * run by hand on a program (it maps the program: PROT_EXEC), scripts and
 * their interpreter, memfd + execveat, O_PATH + execveat, and mmap() and
 * mprotect() with PROT_EXEC (also implied by READ_IMPLIES_EXEC).
 *
 * In the VM busybox is static at /bin/busybox (/bin/sh and the applets
 * are symlinks to it); this program is dynamic, linked against libraries
 * in /lib/x86_64-linux-gnu and run by /lib64/ld-linux-x86-64.so.2.
 *
 *   $ROOT/                 a tmpfs of its own
 *   ├── bin/
 *   │   ├── prog           a copy of this program (exits at once when
 *   │   │                  EXEC_TEST_EXIT is set)
 *   │   └── script         #!/bin/sh, exits 0
 *   └── lib/
 *       └── data           a page of bytes to map
 */
#include "kselftest_harness.h"
#include "isolate_test.h"

#include <elf.h>
#include <linux/userfaultfd.h>
#include <sys/mman.h>
#include <sys/personality.h>

#define BUSYBOX		"/bin/busybox"
#define LDSO		"/lib64/ld-linux-x86-64.so.2"
#define LIBDIR		"/lib/x86_64-linux-gnu"
#define EXIT_ENV	"EXEC_TEST_EXIT"

/* The copy of this program run in a cell leaves before the harness starts. */
static void __attribute__((constructor)) exit_when_asked(void)
{
	const char *v = getenv(EXIT_ENV);

	if (v)
		_exit(atoi(v));
}

/* What a dynamic program needs to start (policy/base.yaml, cell runtime). */
#define RUNTIME \
	"read:" LDSO, "exec:" LDSO, "read:" LIBDIR, "exec:" LIBDIR, "read?:/etc/ld.so.cache"

FIXTURE(exec) {
	struct test_env env;
	char prog[PATH_MAX];
	char script[PATH_MAX];
	char data[PATH_MAX];
};

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out, err = 0;
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			err = -EIO;
			break;
		}
	if (n < 0)
		err = -errno;
	close(in);
	close(out);
	return err;
}

FIXTURE_SETUP(exec)
{
	char page[4096];

	ASSERT_EQ(0, test_env_setup(&self->env, true));
	ASSERT_EQ(0, test_mkdir(&self->env, "bin"));
	ASSERT_EQ(0, test_mkdir(&self->env, "lib"));
	snprintf(self->prog, sizeof(self->prog), "%s/bin/prog", self->env.root);
	snprintf(self->script, sizeof(self->script), "%s/bin/script", self->env.root);
	snprintf(self->data, sizeof(self->data), "%s/lib/data", self->env.root);
	ASSERT_EQ(0, copy_file("/proc/self/exe", self->prog, 0755));
	ASSERT_EQ(0, write_file(self->script, "#!/bin/sh\nexit 0\n"));
	ASSERT_EQ(0, chmod(self->script, 0755));
	memset(page, 0xc3, sizeof(page));	/* ret */
	page[sizeof(page) - 1] = '\0';
	ASSERT_EQ(0, write_file(self->data, page));
}

FIXTURE_TEARDOWN(exec)
{
	EXPECT_EQ(0, test_env_teardown(&self->env));
}

#define CELL(tag, ...) test_env_cell(&self->env, tag, __VA_ARGS__, NULL)

/* execve(path, {argv0, arg1}) with env; its errno, or the program's status. */
static struct exec_args exec_of(const char *path, const char *argv0, const char *arg1)
{
	struct exec_args a = {
		.dirfd = AT_FDCWD,
		.path = path,
		.argv = { argv0, arg1, NULL },
		.envp = { "PATH=/bin", EXIT_ENV "=0", NULL },
	};

	return a;
}

#define RUN_EXEC(cell, path, a) \
	test_run_file(&self->env, (cell), ISOLATE_ACCESS_EXEC, (path), exec_errno, (a))

TEST_F(exec, exec_needs_exec_right)
{
	struct exec_args a = exec_of(BUSYBOX, "true", NULL);
	int exec_only = CELL("x", "exec:" BUSYBOX);
	int read_only = CELL("r", "read:/bin");
	int nothing = CELL("none", "read:%s/lib");

	ASSERT_LE(0, exec_only);
	ASSERT_LE(0, read_only);
	ASSERT_LE(0, nothing);
	EXPECT_EQ(0, RUN_EXEC(exec_only, BUSYBOX, &a));
	/* Through an applet's symlink: the rule is on the binary. */
	a = exec_of("/bin/true", "true", NULL);
	EXPECT_EQ(0, RUN_EXEC(exec_only, "/bin/true", &a));
	EXPECT_EQ(EACCES, RUN_EXEC(read_only, "/bin/true", &a));
	EXPECT_EQ(EACCES, RUN_EXEC(nothing, "/bin/true", &a));
	a = exec_of(BUSYBOX, "true", NULL);
	EXPECT_EQ(EACCES, RUN_EXEC(read_only, BUSYBOX, &a));
	EXPECT_EQ(EACCES, RUN_EXEC(nothing, BUSYBOX, &a));
	/* Outside every cell nothing changes. */
	EXPECT_EQ(0, run_outside(exec_errno, &a));
}

/* A dynamic program: EXEC on it and on its interpreter, READ on neither. */
TEST_F(exec, dynamic_program)
{
	struct exec_args a = exec_of(self->prog, "prog", NULL);
	int rx = CELL("rx", RUNTIME, "read:%s/bin", "exec:%s/bin");
	int x = CELL("x", RUNTIME, "exec:%s/bin");
	int r = CELL("r", RUNTIME, "read:%s/bin");
	int no_ldso = CELL("noldso", "read:" LDSO, "read:" LIBDIR, "exec:" LIBDIR,
			   "exec:%s/bin");

	ASSERT_LE(0, rx);
	ASSERT_LE(0, x);
	ASSERT_LE(0, r);
	ASSERT_LE(0, no_ldso);
	EXPECT_EQ(0, RUN_EXEC(rx, self->prog, &a));
	EXPECT_EQ(0, RUN_EXEC(x, self->prog, &a));
	EXPECT_EQ(EACCES, RUN_EXEC(r, self->prog, &a));
	/*
	 * The kernel opens the interpreter for exec as well: without EXEC on
	 * ld.so the execve fails. explain is asked about ld.so.
	 */
	EXPECT_EQ(EACCES, RUN_EXEC(no_ldso, LDSO, &a));
}

/*
 * ld.so run by hand, with the program as its argument: the kernel execs
 * ld.so only, and ld.so opens the program (READ) and maps it executable
 * (EXEC, checked at mmap). A refusal is ld.so's: it prints the error and
 * exits 127.
 */
TEST_F(exec, exec_through_ldso)
{
	struct exec_args a = exec_of(LDSO, LDSO, self->prog);
	int rx = CELL("rx", RUNTIME, "read:%s/bin", "exec:%s/bin");
	int r = CELL("r", RUNTIME, "read:%s/bin");
	int x = CELL("x", RUNTIME, "exec:%s/bin");
	const struct isolate_event_access *e = NULL;
	struct test_events ev = { 0 };
	struct stat st;
	char out[4096];

	ASSERT_LE(0, rx);
	ASSERT_LE(0, r);
	ASSERT_LE(0, x);
	ASSERT_EQ(0, stat(self->prog, &st));
	EXPECT_EQ(0, run_in_cell_output(self->env.iso, self->env.cells[rx].name, exec_errno,
					&a, out, sizeof(out)));
	EXPECT_STREQ("", out);

	ASSERT_EQ(0, test_events_start(self->env.iso, &ev));
	/*
	 * READ without EXEC: the mapping is refused (ld.so does not print the
	 * errno here; the deny event below carries it).
	 */
	EXPECT_EQ(127, run_in_cell_output(self->env.iso, self->env.cells[r].name, exec_errno,
					  &a, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "failed to map segment")) TH_LOG("ld.so said: %s", out);
	EXPECT_EQ(0, test_explain_file(self->env.cells[r].img, ISOLATE_ACCESS_EXEC, self->prog));
	/* EXEC without READ: ld.so can not even open it. */
	EXPECT_EQ(127, run_in_cell_output(self->env.iso, self->env.cells[x].name, exec_errno,
					  &a, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, strerror(EACCES))) TH_LOG("ld.so said: %s", out);
	EXPECT_EQ(0, test_explain_file(self->env.cells[x].img, ISOLATE_ACCESS_READ, self->prog));

	test_events_drain(&ev);
	EXPECT_LE(1, test_events_count(&ev, ISOLATE_EVENT_DENY, self->env.cells[r].st.cgid,
				       ISOLATE_OP_MAP_EXEC, &e));
	if (e) {
		EXPECT_EQ(st.st_ino, e->file.ino);
		EXPECT_EQ(EACCES, e->error);
	}
	e = NULL;
	EXPECT_LE(1, test_events_count(&ev, ISOLATE_EVENT_DENY, self->env.cells[x].st.cgid,
				       ISOLATE_OP_READ, &e));
	if (e)
		EXPECT_EQ(st.st_ino, e->file.ino);
	test_events_stop(&ev);
}

/* A script runs if it may be executed and read, and its interpreter executed. */
TEST_F(exec, script_and_its_interpreter)
{
	struct exec_args a = exec_of(self->script, "script", NULL);
	int all = CELL("all", "read:%s/bin", "exec:%s/bin", "exec:" BUSYBOX);
	int no_interp = CELL("nointerp", "read:%s/bin", "exec:%s/bin", "read:" BUSYBOX);
	int no_exec = CELL("noexec", "read:%s/bin", "exec:" BUSYBOX);

	ASSERT_LE(0, all);
	ASSERT_LE(0, no_interp);
	ASSERT_LE(0, no_exec);
	EXPECT_EQ(0, RUN_EXEC(all, self->script, &a));
	EXPECT_EQ(EACCES, RUN_EXEC(no_exec, self->script, &a));
	/* explain is asked about the interpreter, which is what is refused. */
	EXPECT_EQ(EACCES, RUN_EXEC(no_interp, "/bin/sh", &a));
	/* Running the interpreter on the script by hand needs only READ on it. */
	a = exec_of("/bin/sh", "sh", self->script);
	EXPECT_EQ(0, RUN_EXEC(all, "/bin/sh", &a));
	EXPECT_EQ(0, RUN_EXEC(no_exec, "/bin/sh", &a));
}

/* A memfd has no path a rule could name: it never runs, whatever it holds. */
TEST_F(exec, memfd_execveat)
{
	int cell = CELL("bb", "exec:" BUSYBOX, "read:" BUSYBOX);
	int fd = memfd_create("busybox", 0);
	struct exec_args a = exec_of("", "true", NULL);
	char proc[64];

	ASSERT_LE(0, cell);
	ASSERT_LE(0, fd);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ASSERT_EQ(0, copy_file(BUSYBOX, proc, 0755));
	a.dirfd = fd;
	a.flags = AT_EMPTY_PATH;
	/* Outside a cell it runs: the cell is what stops it. */
	EXPECT_EQ(0, run_outside(exec_errno, &a));

	/* explain takes paths: a memfd has none, the kernel alone is asked. */
	EXPECT_EQ(EACCES, test_run(&self->env, cell, exec_errno, &a));
	a = exec_of(proc, "true", NULL);
	EXPECT_EQ(EACCES, test_run(&self->env, cell, exec_errno, &a));
	/* The same binary through its path runs. */
	a = exec_of(BUSYBOX, "true", NULL);
	EXPECT_EQ(0, RUN_EXEC(cell, BUSYBOX, &a));
	close(fd);
}

struct map_args {
	const char *path;
	int fd;			/* used instead of opening path when >= 0; -2: anonymous */
	int prot;		/* of the mmap */
	int mprotect;		/* then mprotect to this, when not 0 */
	bool read_implies_exec;
	bool write;		/* write a byte before the mprotect */
};

static int map_errno(void *arg)
{
	const struct map_args *a = arg;
	int fd = a->fd != -1 ? a->fd : open(a->path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd == -1)
		return 100 + errno;
	if (a->read_implies_exec && personality(READ_IMPLIES_EXEC) < 0)
		return 200;
	p = mmap(NULL, 4096, a->prot, MAP_PRIVATE | (fd == -2 ? MAP_ANONYMOUS : 0),
		 fd == -2 ? -1 : fd, 0);
	if (p == MAP_FAILED)
		return errno;
	if (a->write)
		*(volatile char *)p = 0xc3;	/* ret */
	if (a->mprotect && mprotect(p, 4096, a->mprotect))
		return errno;
	return 0;
}

/* O_PATH + execveat(AT_EMPTY_PATH): the object decides, as by its path. */
TEST_F(exec, execveat_of_opath_fd)
{
	int x = CELL("x", "exec:" BUSYBOX);
	int r = CELL("r", "read:" BUSYBOX);
	int fd = open(BUSYBOX, O_PATH | O_CLOEXEC);
	struct exec_args a = exec_of("", "true", NULL);

	ASSERT_LE(0, x);
	ASSERT_LE(0, r);
	ASSERT_LE(0, fd);
	a.dirfd = fd;
	a.flags = AT_EMPTY_PATH;
	/* The fd was opened outside the cell; explain is asked about its path. */
	EXPECT_EQ(0, RUN_EXEC(x, BUSYBOX, &a));
	EXPECT_EQ(EACCES, RUN_EXEC(r, BUSYBOX, &a));
	close(fd);
}

TEST_F(exec, mmap_prot_exec_needs_exec)
{
	int r = CELL("r", "read:%s/lib");
	int rx = CELL("rx", "read:%s/lib", "exec:%s/lib");
	struct map_args a = { .path = self->data, .fd = -1, .prot = PROT_READ };

	ASSERT_LE(0, r);
	ASSERT_LE(0, rx);
	EXPECT_EQ(0, test_run_file(&self->env, r, ISOLATE_ACCESS_READ, self->data,
				   map_errno, &a));
	a.prot = PROT_READ | PROT_EXEC;
	EXPECT_EQ(EACCES, test_run_file(&self->env, r, ISOLATE_ACCESS_EXEC, self->data,
					map_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, rx, ISOLATE_ACCESS_EXEC, self->data,
				   map_errno, &a));
	a.prot = PROT_EXEC;
	EXPECT_EQ(EACCES, test_run_file(&self->env, r, ISOLATE_ACCESS_EXEC, self->data,
					map_errno, &a));
}

TEST_F(exec, mprotect_prot_exec_needs_exec)
{
	int r = CELL("r", "read:%s/lib");
	int rx = CELL("rx", "read:%s/lib", "exec:%s/lib");
	struct map_args a = {
		.path = self->data, .fd = -1, .prot = PROT_READ,
		.mprotect = PROT_READ | PROT_EXEC,
	};

	ASSERT_LE(0, r);
	ASSERT_LE(0, rx);
	EXPECT_EQ(EACCES, test_run_file(&self->env, r, ISOLATE_ACCESS_EXEC, self->data,
					map_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, rx, ISOLATE_ACCESS_EXEC, self->data,
				   map_errno, &a));
	a.mprotect = PROT_READ;
	EXPECT_EQ(0, test_run_file(&self->env, r, ISOLATE_ACCESS_READ, self->data,
				   map_errno, &a));
}

/* personality(READ_IMPLIES_EXEC) makes a PROT_READ mapping executable. */
TEST_F(exec, read_implies_exec_needs_exec)
{
	int r = CELL("r", "read:%s/lib");
	int rx = CELL("rx", "read:%s/lib", "exec:%s/lib");
	struct map_args a = {
		.path = self->data, .fd = -1, .prot = PROT_READ, .read_implies_exec = true,
	};

	ASSERT_LE(0, r);
	ASSERT_LE(0, rx);
	EXPECT_EQ(EACCES, test_run_file(&self->env, r, ISOLATE_ACCESS_EXEC, self->data,
					map_errno, &a));
	EXPECT_EQ(0, test_run_file(&self->env, rx, ISOLATE_ACCESS_EXEC, self->data,
				   map_errno, &a));
}

/*
 * A memfd mapped executable is refused too (no path, no rule), unless the
 * cell is granted exec memory: a JIT's code mapped a second time.
 */
TEST_F(exec, memfd_mappings)
{
	int cell = CELL("r", "read:%s/lib", "exec:%s/lib");
	int jit = CELL("jit", "read:%s/lib", "exec:%s/lib", "allow:exec-memory");
	int fd = memfd_create("code", MFD_CLOEXEC);
	struct map_args a = { .fd = fd, .prot = PROT_READ | PROT_EXEC };

	ASSERT_LE(0, cell);
	ASSERT_LE(0, jit);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4096));
	/* explain takes paths: a memfd has none, the kernel alone is asked. */
	EXPECT_EQ(EACCES, test_run(&self->env, cell, map_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, jit, map_errno, &a));
	a.prot = PROT_READ;
	a.mprotect = PROT_READ | PROT_EXEC;
	EXPECT_EQ(EACCES, test_run(&self->env, cell, map_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, jit, map_errno, &a));
	a.mprotect = 0;
	EXPECT_EQ(0, test_run(&self->env, cell, map_errno, &a));
	close(fd);
}

/*
 * Code that is no file's: anonymous memory, or a private mapping that is
 * or was writable, made executable. Without the allowance a file granted
 * READ alone could be copied in and run; with it (JITs) it may.
 */
TEST_F(exec, exec_memory_needs_the_allowance)
{
	static const struct { struct map_args a; const char *what; } refused[] = {
		{ { .fd = -2, .prot = PROT_READ | PROT_EXEC }, "anonymous r-x" },
		{ { .fd = -2, .prot = PROT_READ | PROT_WRITE | PROT_EXEC }, "anonymous rwx" },
		{ { .fd = -2, .prot = PROT_READ | PROT_WRITE, .write = true,
		    .mprotect = PROT_READ | PROT_EXEC }, "anonymous rw- then r-x" },
		{ { .fd = -1, .prot = PROT_READ | PROT_WRITE | PROT_EXEC }, "private file rwx" },
		{ { .fd = -1, .prot = PROT_READ | PROT_WRITE, .write = true,
		    .mprotect = PROT_READ | PROT_EXEC }, "private file written, then r-x" },
		{ { .fd = -1, .prot = PROT_READ | PROT_WRITE,
		    .mprotect = PROT_READ | PROT_WRITE | PROT_EXEC }, "private file rw- to rwx" },
	};
	int rx = CELL("rx", "read:%s/lib", "exec:%s/lib");
	int jit = CELL("jit", "read:%s/lib", "exec:%s/lib", "allow:exec-memory");
	struct map_args a = { .path = self->data, .fd = -1, .prot = PROT_READ | PROT_EXEC };

	ASSERT_LE(0, rx);
	ASSERT_LE(0, jit);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct map_args m = refused[i].a;

		m.path = self->data;
		EXPECT_EQ(EACCES, test_run(&self->env, rx, map_errno, &m)) {
			TH_LOG("%s", refused[i].what);
		}
		EXPECT_EQ(0, test_run(&self->env, jit, map_errno, &m)) {
			TH_LOG("%s, with exec memory allowed", refused[i].what);
		}
	}
	/* What ld.so does with a library stays as it was. */
	EXPECT_EQ(0, test_run(&self->env, rx, map_errno, &a));
	a.prot = PROT_READ;
	a.mprotect = PROT_READ | PROT_EXEC;
	EXPECT_EQ(0, test_run(&self->env, rx, map_errno, &a));
	/* Outside every cell nothing changes. */
	a = refused[0].a;
	EXPECT_EQ(0, run_outside(map_errno, &a));
}

/*
 * fn fails with err in a cell that may run its libraries but has no exec
 * memory, and passes in one that has it, and outside every cell.
 */
static void expect_exec_memory_needed(struct __test_metadata *_metadata, struct test_env *env,
				      int (*fn)(void *), int err)
{
	int rx = test_env_cell(env, "rx", "read:%s/lib", "exec:%s/lib", NULL);
	int jit = test_env_cell(env, "jit", "read:%s/lib", "exec:%s/lib", "allow:exec-memory",
				NULL);

	ASSERT_LE(0, rx);
	ASSERT_LE(0, jit);
	EXPECT_EQ(err, test_run(env, rx, fn, NULL));
	EXPECT_EQ(0, test_run(env, jit, fn, NULL));
	EXPECT_EQ(0, run_outside(fn, NULL));
}

static int brk_errno(void *arg)
{
	unsigned char *p;

	if (personality(READ_IMPLIES_EXEC) < 0)
		return 200;
	p = sbrk(2 * 4096);
	if (p == (void *)-1)
		return errno;
	/* Grown: the new pages run what is written there (x86 "ret"). */
	p[4096] = 0xc3;
	((void (*)(void))(p + 4096))();
	return 0;
}

/*
 * brk() under READ_IMPLIES_EXEC maps the new heap pages executable (and
 * writable) without any mmap: code that is no file's, only with the
 * allowance.
 */
TEST_F(exec, heap_grown_executable_needs_exec_memory)
{
	expect_exec_memory_needed(_metadata, &self->env, brk_errno, ENOMEM);
}

/* Sets PF_X on the PT_GNU_STACK header of the ELF file at path: 0 or -errno. */
static int ask_for_an_executable_stack(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC), err = -ENOENT;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || eh.e_phentsize != sizeof(ph))
		err = -ENOEXEC;
	for (int i = 0; err == -ENOENT && i < eh.e_phnum; i++) {
		off_t at = (off_t)(eh.e_phoff + (Elf64_Off)i * sizeof(ph));

		if (pread(fd, &ph, sizeof(ph), at) != sizeof(ph))
			err = -EIO;
		else if (ph.p_type == PT_GNU_STACK) {
			ph.p_flags |= PF_X;
			err = pwrite(fd, &ph, sizeof(ph), at) == sizeof(ph) ? 0 : -EIO;
		}
	}
	close(fd);
	return err;
}

/*
 * A program whose ELF asks for an executable stack gets one from execve,
 * asked of no hook: writable, executable memory, so it runs only with the
 * allowance. Without, the execve fails past its point of no return, and
 * the kernel kills the process.
 */
TEST_F(exec, an_executable_stack_needs_exec_memory)
{
	char xstack[PATH_MAX];
	struct exec_args a;
	int rx, jit;

	snprintf(xstack, sizeof(xstack), "%s/bin/xstack", self->env.root);
	ASSERT_EQ(0, copy_file(BUSYBOX, xstack, 0755));
	ASSERT_EQ(0, ask_for_an_executable_stack(xstack));
	rx = CELL("rx", "exec:%s/bin");
	jit = CELL("jit", "exec:%s/bin", "allow:exec-memory");
	ASSERT_LE(0, rx);
	ASSERT_LE(0, jit);
	a = exec_of(xstack, "true", NULL);
	EXPECT_EQ(-1, test_run(&self->env, rx, exec_errno, &a));
	EXPECT_EQ(0, test_run(&self->env, jit, exec_errno, &a));
	EXPECT_EQ(0, run_outside(exec_errno, &a));
	/* The same program as it was built runs without the allowance. */
	a = exec_of(BUSYBOX, "true", NULL);
	EXPECT_EQ(0, test_run(&self->env, CELL("plain", "exec:" BUSYBOX), exec_errno, &a));
}

static int userfaultfd_errno(void *arg)
{
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * A userfaultfd fills missing pages with any bytes, those of a private
 * executable mapping of a tmpfs file too: it needs the allowance.
 */
TEST_F(exec, userfaultfd_needs_the_allowance)
{
	expect_exec_memory_needed(_metadata, &self->env, userfaultfd_errno, EPERM);
}

/*
 * /proc/self/mem opened for writing writes the process's own code (no
 * ptrace check runs for oneself): granted WRITE on /proc is not enough.
 */
TEST_F(exec, writing_own_memory_needs_the_allowance)
{
	int rw = CELL("procrw", "read:/proc", "write:/proc");
	int jit = CELL("procjit", "read:/proc", "write:/proc", "allow:exec-memory");
	struct open_args mem = { "/proc/self/mem", O_RDWR };
	struct open_args task_mem = { "/proc/thread-self/mem", O_RDWR };
	struct open_args mem_ro = { "/proc/self/mem", O_RDONLY };

	ASSERT_LE(0, rw);
	ASSERT_LE(0, jit);
	EXPECT_EQ(EACCES, test_run(&self->env, rw, open_errno, &mem));
	EXPECT_EQ(EACCES, test_run(&self->env, rw, open_errno, &task_mem));
	EXPECT_EQ(0, test_run(&self->env, rw, open_errno, &mem_ro));
	EXPECT_EQ(0, test_run(&self->env, jit, open_errno, &mem));
	EXPECT_EQ(0, test_run(&self->env, jit, open_errno, &task_mem));
	EXPECT_EQ(0, run_outside(open_errno, &mem));
}

TEST_HARNESS_MAIN
