// SPDX-License-Identifier: GPL-2.0
/*
 * The command line refuses what it cannot take exactly: ids that wrap or
 * mean "no change" (-1), timeouts that are not a number of seconds, an
 * endless restore input, or one that is no regular file; and "--" ends the options of every command, so
 * that a cell named "-rf" can be named. The supervisor's files, where a
 * cell may write too, are not reached through a link. Run on the host, where nothing is
 * loaded: a command that got past its arguments fails later (run with
 * --backend bpf: 125, isolate not loaded).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "loader_run.h"

/* The loader's exit status, its stdout and stderr in out. */
static int loader(const char *args, char *out, size_t len)
{
	char both[1024];

	snprintf(both, sizeof(both), "%s 2>&1", args);
	return loader_run(both, out, len);
}

TEST(user_ids_are_exact)
{
	static const char *const refused[] = {
		"-1", "4294967295", "65534:-1", "-1:65534", "99999999999", "+1", "0x10",
		"1:", ":1", "1:2:3", "1 ", "65534:4294967295",
	};
	char out[1024], args[128];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(args, sizeof(args), "run --user '%s' -- true", refused[i]);
		EXPECT_EQ(2, loader(args, out, sizeof(out))) {
			TH_LOG("--user %s: %s", refused[i], out);
		}
	}
	/* Exact ids pass the arguments, and fail later: nothing is loaded. */
	EXPECT_EQ(125, loader("run --backend bpf --user 65534:65534 -- true", out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_NE(NULL, strstr(out, "not loaded"));
	EXPECT_EQ(125, loader("run --backend bpf --user 4294967294 -- true", out, sizeof(out)));
}

/* Every option of seconds takes them alike: run's, supervise's and events'. */
TEST(timeouts_are_seconds)
{
	static const char *const refused[] = {
		"nan", "inf", "-inf", "1e400", "1e9", "0", "-1", "31536001", "3.5x", "", "0x10p2",
		"0x10", " 1", "+1", "1..5",
	};
	static const char *const options[][2] = {
		{ "run", "--timeout" }, { "supervise", "--timeout" }, { "events", "--timeout" },
		{ "events", "--since" },
	};
	char out[1024], args[128], expected[128];

	for (size_t o = 0; o < sizeof(options) / sizeof(options[0]); o++) {
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			snprintf(args, sizeof(args), "%s %s '%s'%s", options[o][0], options[o][1],
				 refused[i], strcmp(options[o][0], "run") ? "" : " -- true");
			snprintf(expected, sizeof(expected),
				 "isolate-loader: %s: %s %s: expected seconds, 0.001 to 31536000\n",
				 options[o][0], options[o][1], refused[i]);
			EXPECT_EQ(2, loader(args, out, sizeof(out))) {
				TH_LOG("%s: %s", args, out);
			}
			EXPECT_STREQ(expected, out);
		}
	}
	EXPECT_EQ(125, loader("run --backend bpf --timeout 2592000 -- true", out, sizeof(out)));
	EXPECT_EQ(125, loader("run --backend bpf --timeout 0.5 -- true", out, sizeof(out)));
	/* Well formed: past the arguments, to isolate not loaded. */
	EXPECT_EQ(4, loader("supervise --timeout 31536000", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(4, loader("events --timeout 0.001", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(4, loader("events --since 31536000", out, sizeof(out))) TH_LOG("%s", out);
}

/*
 * Every integer option takes a whole number alike, refused when out of
 * range rather than cut to one (strtol made 99999999999999999999 the
 * largest long): events' and supervise's --count.
 */
TEST(counts_are_whole_numbers)
{
	static const char *const refused[] = {
		"0", "-1", "+1", " 1", "1 ", "0x10", "1e3", "1.5", "", "1000000001",
		"9223372036854775807", "99999999999999999999",
	};
	static const char *const commands[] = { "events", "supervise" };
	char out[1024], args[128], expected[160];

	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
			snprintf(args, sizeof(args), "%s --count '%s'", commands[c], refused[i]);
			snprintf(expected, sizeof(expected),
				 "isolate-loader: %s: --count %s: expected a whole number, 1 to 1000000000\n",
				 commands[c], refused[i]);
			EXPECT_EQ(2, loader(args, out, sizeof(out))) {
				TH_LOG("%s: %s", args, out);
			}
			EXPECT_STREQ(expected, out);
		}
		/* Well formed: past the arguments, to isolate not loaded. */
		snprintf(args, sizeof(args), "%s --count 1000000000", commands[c]);
		EXPECT_EQ(4, loader(args, out, sizeof(out))) TH_LOG("%s", out);
	}
}

/* supervise --out-rate: a whole number of records a second, 0 (no limit) included. */
TEST(out_rate_is_a_whole_number_up_to_a_million)
{
	static const char *const refused[] = { "-1", "+1", "1.5", "", "0x10", "1000001" };
	static const char *const taken[] = { "0", "1", "1000000" };
	char out[1024], args[128], expected[160];

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		snprintf(args, sizeof(args), "supervise --out-rate '%s'", refused[i]);
		snprintf(expected, sizeof(expected),
			 "isolate-loader: supervise: --out-rate %s: expected a whole number, 0 (no limit) to 1000000\n",
			 refused[i]);
		EXPECT_EQ(2, loader(args, out, sizeof(out))) TH_LOG("%s: %s", args, out);
		EXPECT_STREQ(expected, out);
	}
	/* Well formed: past the arguments, to isolate not loaded. */
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++) {
		snprintf(args, sizeof(args), "supervise --out-rate %s", taken[i]);
		EXPECT_EQ(4, loader(args, out, sizeof(out))) TH_LOG("%s: %s", args, out);
	}
}

/* An ExecStop= of `unload` must not fail when nothing is loaded. */
TEST(unload_of_nothing_succeeds)
{
	char out[1024];

	ASSERT_EQ(4, loader("status", out, sizeof(out))) {
		TH_LOG("isolate is loaded here; this test needs a host without it: %s", out);
	}
	EXPECT_EQ(0, loader("unload", out, sizeof(out)));
	EXPECT_STREQ("not loaded: nothing to unload\n", out);
	EXPECT_EQ(0, loader("-j unload", out, sizeof(out)));
	EXPECT_STREQ("{\"unloaded\":false,\"was_loaded\":false}\n", out);
}

/* run --cap: the capability text of grant, checked before anything runs. */
TEST(run_caps_are_checked_first)
{
	char out[2048];

	EXPECT_EQ(2, loader("run --cap raed:/srv -- true", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--cap raed:/srv: expected a capability")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(did you mean 'read:'?)")) TH_LOG("%s", out);
	EXPECT_EQ(2, loader("run --cap connect:tcp:10.0.0.0/8:70000 -- true", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--cap connect:tcp:10.0.0.0/8:70000: ")) TH_LOG("%s", out);
	EXPECT_EQ(2, loader("run --cap read:relative -- true", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(2, loader("run --cap read:/srv --policy policy/default.yaml -- true", out,
			    sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--cap makes the policy: not with --policy")) TH_LOG("%s", out);
	EXPECT_EQ(2, loader("run --cap read:/srv --cell x -- true", out, sizeof(out)));
	EXPECT_EQ(2, loader("run --cap read:/srv --base nothing -- true", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "--base nothing: expected runtime or none")) TH_LOG("%s", out);
	/* cell create takes them too, instead of --policy. */
	EXPECT_EQ(2, loader("cell create x --cap raed:/srv", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "(did you mean 'read:'?)")) TH_LOG("%s", out);
	EXPECT_EQ(2, loader("cell create x --cap read:/srv --policy policy/default.yaml", out,
			    sizeof(out)));
	EXPECT_EQ(4, loader("cell create x --cap read:/srv", out, sizeof(out))) TH_LOG("%s", out);
	/* Well formed: past the arguments, to the missing BPF backend. */
	EXPECT_EQ(125, loader("run --backend bpf --cap read:/srv --base none -- true", out,
			      sizeof(out))) TH_LOG("%s", out);
}

TEST(restore_input_is_bounded)
{
	char out[1024];

	EXPECT_EQ(1, loader("restore - < /dev/zero", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "at most 16 MiB")) {
		TH_LOG("%s", out);
	}
}

/*
 * restore FILE reads as root reads what a cell can touch: a regular file,
 * not through a link, a FIFO not waited for. Refused before isolate is
 * looked for (exit 1, not 4 for "not loaded"). Should the FIFO be waited
 * for, a writer comes by after a while to end the wait and fail the test.
 */
TEST(restore_reads_only_a_regular_file)
{
	char dir[] = "/tmp/isolate-cli-args.XXXXXX", fifo[64], link[64], args[256], out[1024];
	pid_t writer;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/snapshot.fifo", dir);
	ASSERT_EQ(0, mkfifo(fifo, 0600));
	writer = fork();
	ASSERT_LE(0, writer);
	if (!writer) {
		int fd;

		sleep(5);
		fd = open(fifo, O_WRONLY | O_NONBLOCK);
		if (fd >= 0)
			close(fd);
		_exit(0);
	}
	snprintf(args, sizeof(args), "restore %s", fifo);
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	snprintf(args, sizeof(args), "isolate-loader: restore: expected a regular file, got %s\n",
		 fifo);
	EXPECT_STREQ(args, out);

	EXPECT_EQ(1, loader("restore /dev/zero", out, sizeof(out)));
	EXPECT_STREQ("isolate-loader: restore: expected a regular file, got /dev/zero\n", out);

	snprintf(link, sizeof(link), "%s/snapshot.json", dir);
	ASSERT_EQ(0, symlink("/etc/passwd", link));
	snprintf(args, sizeof(args), "restore %s", link);
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "a symbolic link is not followed")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, unlink(link));
	EXPECT_EQ(0, unlink(fifo));
	EXPECT_EQ(0, rmdir(dir));
}

/* A cell name that looks like an option, after "--". */
TEST(double_dash_ends_options)
{
	static const char *const named[] = {
		"cell show -- -rf", "cell destroy -- -rf", "grant -- -rf read:/tmp",
		"revoke -- -rf read:/tmp", "recycle -- -rf", "rebind -- -rf", "snapshot -- -rf",
	};
	char out[1024];

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		EXPECT_EQ(4, loader(named[i], out, sizeof(out))) {
			TH_LOG("%s: %s", named[i], out);
		}
	}
}

/*
 * A name no cell can have is a bad command line for every command that
 * takes one (exit 2, the same message), found before isolate is looked
 * for: not 4 here where nothing is loaded, nor 1 (or run's 125) where it is.
 */
TEST(an_invalid_cell_name_is_a_usage_error_everywhere)
{
	static const char *const named[][2] = {
		{ "cell create %s --cap read:/tmp", "cell create" },
		{ "cell show %s", "cell show" },
		{ "cell destroy %s", "cell destroy" },
		{ "grant %s read:/tmp", "grant" },
		{ "revoke %s read:/tmp", "revoke" },
		{ "snapshot %s", "snapshot" },
		{ "restore /dev/null --name %s", "restore" },
		{ "recycle %s", "recycle" },
		{ "rebind %s", "rebind" },
		{ "run --backend bpf --cell %s -- true", "run: --cell" },
		{ "events --cell %s", "events: --cell" },
		{ "policy suggest --from-events /dev/null --cell %s", "policy suggest: --cell" },
	};
	static const char *const names[] = {
		"bad/name", "a.b", "''",
		"x123456789012345678901234567890123456789012345678901234567890123",
	};
	char out[1024], args[256], expected[256], shown[80];

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			snprintf(args, sizeof(args), named[i][0], names[n]);
			snprintf(shown, sizeof(shown), "%s", strcmp(names[n], "''") ? names[n] : "");
			snprintf(expected, sizeof(expected),
				 "isolate-loader: %s: invalid cell name \"%s\": expected 1 to 63 letters, digits, '_' or '-'\n",
				 named[i][1], shown);
			EXPECT_EQ(2, loader(args, out, sizeof(out))) {
				TH_LOG("%s: %s", args, out);
			}
			EXPECT_STREQ(expected, out);
		}
	}
}

/*
 * A link at --out is not followed, nor one in the path of --out,
 * --metrics-file or --metrics-socket; nothing but a socket at
 * --metrics-socket is removed, and --metrics-file's directory must be
 * there to be opened: refused before isolate is looked for (exit 1, not 4
 * for "not loaded").
 */
TEST(supervise_follows_no_link)
{
	char dir[] = "/tmp/isolate-cli-args.XXXXXX", path[64], target[64], args[256], out[1024];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(target, sizeof(target), "%s/through-the-link", dir);
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	ASSERT_EQ(0, symlink(target, path));
	snprintf(args, sizeof(args), "supervise --out %s --timeout 1", path);
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "events.jsonl: a symbolic link in its path (none is followed)")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(-1, access(target, F_OK));
	EXPECT_EQ(0, unlink(path));

	/* A directory of the path a link, to a directory holding a file of the name. */
	ASSERT_EQ(0, mkdir(target, 0755));
	snprintf(path, sizeof(path), "%s/linked", dir);
	ASSERT_EQ(0, symlink(target, path));
	for (const char *o = "--out\0--metrics-file\0--metrics-socket\0"; *o; o += strlen(o) + 1) {
		char expected[160];

		snprintf(args, sizeof(args), "supervise %s %s/m --timeout 1", o, path);
		snprintf(expected, sizeof(expected), "isolate-loader: supervise: cannot %s %s/m: a symbolic link in its path (none is followed)\n",
			 strcmp(o, "--metrics-socket") ? "write" : "listen on", path);
		EXPECT_EQ(1, loader(args, out, sizeof(out)));
		EXPECT_STREQ(expected, out);
	}
	EXPECT_EQ(0, rmdir(target));
	EXPECT_EQ(0, unlink(path));

	snprintf(path, sizeof(path), "%s/metrics.sock", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	snprintf(args, sizeof(args), "supervise --metrics-socket %s --timeout 1", path);
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "metrics.sock: it exists and is not a socket")) {
		TH_LOG("%s", out);
	}
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0, unlink(path));

	ASSERT_EQ(0, symlink(target, path));
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode));
	EXPECT_EQ(0, unlink(path));

	/* An earlier supervisor's socket is taken over. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sa, sizeof(sa)));
	close(fd);
	EXPECT_EQ(4, loader(args, out, sizeof(out))) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, unlink(path));

	/* The metrics file's directory is opened at the start, once. */
	snprintf(args, sizeof(args), "supervise --metrics-file %s/missing/m.prom --timeout 1", dir);
	EXPECT_EQ(1, loader(args, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "m.prom: No such file or directory")) {
		TH_LOG("%s", out);
	}
	EXPECT_EQ(0, rmdir(dir));
}

/*
 * What the loader prints is one line with no control character in it,
 * whatever it quotes: a word from the command line here, a file name a
 * cell made in a reason from libisolate elsewhere (same p_err, p_info).
 */
TEST(messages_quote_no_control_characters)
{
	char out[1024];

	EXPECT_EQ(2, loader("\"$(printf 'x\\nisolate-loader: forged\\033]0;x\\007\\302\\233')\"",
			    out, sizeof(out)));
	EXPECT_STREQ("isolate-loader: unknown command \"x\\x0aisolate-loader: forged\\x1b]0;x\\x07"
		     "\\xc2\\x9b\" (try --help)\n", out);
}

TEST_HARNESS_MAIN
