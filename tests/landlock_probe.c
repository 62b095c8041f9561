// SPDX-License-Identifier: GPL-2.0
/*
 * What the Landlock tests run inside the domain: one attempt, its errno
 * printed ("0" when it worked). Static, so that the domain needs to grant
 * nothing but the probe itself.
 *   landlock-probe read FILE | write FILE | connect PORT | bind PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int attempt(const char *op, const char *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd, ret;

	if (!strcmp(op, "read") || !strcmp(op, "write")) {
		fd = open(arg, !strcmp(op, "read") ? O_RDONLY : O_WRONLY | O_CREAT, 0644);
		ret = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	a.sin_port = htons((unsigned short)atoi(arg));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return errno;
	if (!strcmp(op, "connect"))
		ret = connect(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	else
		ret = bind(fd, (struct sockaddr *)&a, sizeof(a)) ? errno : 0;
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	printf("errno=%d\n", attempt(argv[1], argv[2]));
	return 0;
}
