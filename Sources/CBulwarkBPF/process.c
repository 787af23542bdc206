#define _GNU_SOURCE
#include "bulwark_process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2, 88 bytes); declared here because Debian 12's
 * linux-libc-dev has it, but spelling the layout out keeps the size we pass explicit. */
struct bw_clone_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
};

int bw_spawn_in_cgroup(int cgroup_fd, const char *path, char *const argv[], char *const envp[], int *pidfd_out) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return -errno;

    int pidfd = -1;
    struct bw_clone_args args;
    memset(&args, 0, sizeof(args));
    args.flags = CLONE_INTO_CGROUP | CLONE_PIDFD;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;
    args.cgroup = (uint64_t)cgroup_fd;

    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid < 0) {
        int saved = errno;
        close(report[0]);
        close(report[1]);
        return -saved;
    }
    if (pid == 0) {
        /* Child: only async-signal-safe calls from here on. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
        }
        close(report[0]);
        execve(path, argv, envp);
        int failure = errno;
        ssize_t ignored = write(report[1], &failure, sizeof(failure));
        (void)ignored;
        _exit(127);
    }
    close(report[1]);
    int failure = 0;
    ssize_t got;
    do {
        got = read(report[0], &failure, sizeof(failure));
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof(failure)) {
        /* execve failed: reap the child, which exits 127 at once. */
        int status;
        while (syscall(SYS_wait4, (int)pid, &status, 0, NULL) < 0 && errno == EINTR) {}
        if (pidfd >= 0) close(pidfd);
        return -failure;
    }
    if (pidfd_out) *pidfd_out = pidfd;
    else if (pidfd >= 0) close(pidfd);
    return (int)pid;
}
