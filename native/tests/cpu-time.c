/* cpu-time RUNS COMMAND [ARG...]: runs COMMAND RUNS times, one after the other, as a child
 * subreaper, waits for every process each run started (also those its parent did not wait for:
 * orphans are reparented to us), and prints "<user ms> <system ms>" per run, averaged.
 *
 * Used by native/bench.sh for the CPU comparison: hyperfine counts only the CPU of the processes
 * its child waited for, and bubblewrap exits without waiting for its PID 1 (which reaps the
 * command), as nemoclaw-sandbox-exec does once PID 1 has reported - so hyperfine's user/system
 * columns leave most of the work of both out. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: cpu-time RUNS COMMAND [ARG...]\n");
		return 2;
	}
	int runs = atoi(argv[1]);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		perror("cpu-time: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	for (int run = 0; run < runs; run++) {
		pid_t child = fork();
		if (child < 0) {
			perror("cpu-time: fork");
			return 1;
		}
		if (child == 0) {
			execvp(argv[2], argv + 2);
			perror("cpu-time: exec");
			_exit(127);
		}
		int status;
		pid_t reaped;
		while ((reaped = wait(&status)) > 0 || (reaped < 0 && errno == EINTR))
			if (reaped == child && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
				fprintf(stderr, "cpu-time: %s failed (status %d)\n", argv[2], status);
				return 1;
			}
	}
	struct rusage usage;
	getrusage(RUSAGE_CHILDREN, &usage);
	double user = usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3;
	double system = usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
	printf("%.3f %.3f\n", user / runs, system / runs);
	return 0;
}
