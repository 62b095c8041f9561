// SPDX-License-Identifier: GPL-2.0
/* open_loop FILE N: open and close FILE N times (the profiled operation). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n;

	if (argc != 3) {
		fprintf(stderr, "usage: open_loop FILE N\n");
		return 2;
	}
	n = atol(argv[2]);
	for (long i = 0; i < n; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0) {
			perror(argv[1]);
			return 1;
		}
		close(fd);
	}
	return 0;
}
