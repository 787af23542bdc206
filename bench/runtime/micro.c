// bench/runtime/micro.c — the microbenchmarks of bench/runtime-overhead: the syscalls runtime enforcement
// hooks, timed in a loop, in whatever cgroup the caller started this program in.
//
//   micro tcp  PORT N   N × (socket, connect to 127.0.0.1:PORT, accept, close both); the listener is this
//                       process's own socket (accept is not hooked, connect is). The client closes with
//                       SO_LINGER 0 so no TIME_WAIT piles up and the ephemeral ports do not run out.
//   micro udp  PORT N   N × connect() of one UDP socket to 127.0.0.1:PORT (no datagram is sent: a connect
//                       is what the cgroup connect4 hook and the LSM socket_connect hook judge).
//   micro exec N        N × fork + execve("/bin/true") + waitpid.
//   micro all PORT NTCP NUDP NEXEC   the three above, in that order (one process per enforced run).
//   micro hold SECONDS PIDFILE       writes its pid, then sleeps: a process that keeps an enforced cgroup
//                                    alive while processes outside it are measured.
//
// Prints one line per kind: `<kind> calls=N total_ns=T ns_per_call=X cpu_ns_per_call=Y` (wall and CPU time;
// rusage has µs resolution, plenty over thousands of calls). Exit 1 when any call fails (a denied connect
// or exec means the policy is wrong, not that the benchmark is slow).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// CPU time (user + system) of this process and its waited-for children, ns. Less sensitive than wall time to
// other jobs on a shared machine, but blind to time spent blocked (a user-space exec verdict: fanotify).
static int64_t cpu_ns(void) {
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    int64_t us = 0;
    us += (int64_t)self.ru_utime.tv_sec * 1000000 + self.ru_utime.tv_usec;
    us += (int64_t)self.ru_stime.tv_sec * 1000000 + self.ru_stime.tv_usec;
    us += (int64_t)kids.ru_utime.tv_sec * 1000000 + kids.ru_utime.tv_usec;
    us += (int64_t)kids.ru_stime.tv_sec * 1000000 + kids.ru_stime.tv_usec;
    return us * 1000;
}

static void fail(const char *what) {
    fprintf(stderr, "micro: %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int64_t bench_tcp(int port, long n) {
    struct sockaddr_in a = loopback(port);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (ls < 0) fail("socket");
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0) fail("bind");
    if (listen(ls, 1024) != 0) fail("listen");
    struct linger lg = {1, 0};
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) fail("socket");
        if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) fail("tcp connect");
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) fail("accept");
        setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(s);
        close(c);
    }
    int64_t t = now_ns() - t0;
    close(ls);
    return t;
}

static int64_t bench_udp(int port, long n) {
    struct sockaddr_in a = loopback(port);
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) fail("socket");
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++)
        if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) fail("udp connect");
    int64_t t = now_ns() - t0;
    close(s);
    return t;
}

static int64_t bench_exec(long n) {
    char *argv[] = {"true", NULL};
    int64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) fail("fork");
        if (p == 0) {
            execve("/bin/true", argv, environ);
            _exit(127);
        }
        int st = 0;
        if (waitpid(p, &st, 0) != p) fail("waitpid");
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "micro: /bin/true ended with status 0x%x (denied or killed?)\n", st);
            exit(1);
        }
    }
    return now_ns() - t0;
}

static int64_t cpu_start;

static void report(const char *kind, long n, int64_t total) {
    int64_t cpu = cpu_ns() - cpu_start;
    printf("%s calls=%ld total_ns=%lld ns_per_call=%.1f cpu_ns_per_call=%.1f\n", kind, n, (long long)total,
           (double)total / (double)n, (double)cpu / (double)n);
    fflush(stdout);
    cpu_start = cpu_ns();
}

static int usage(void) {
    fprintf(stderr, "usage: micro tcp|udp PORT N | micro exec N | micro all PORT NTCP NUDP NEXEC | "
                    "micro hold SECONDS PIDFILE\n");
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    const char *kind = argv[1];
    cpu_start = cpu_ns();
    if (!strcmp(kind, "exec")) {
        long n = atol(argv[2]);
        if (n < 1) return usage();
        report("exec", n, bench_exec(n));
    } else if ((!strcmp(kind, "tcp") || !strcmp(kind, "udp")) && argc >= 4) {
        int port = atoi(argv[2]);
        long n = atol(argv[3]);
        if (port < 1 || port > 65535 || n < 1) return usage();
        report(kind, n, !strcmp(kind, "tcp") ? bench_tcp(port, n) : bench_udp(port, n));
    } else if (!strcmp(kind, "all") && argc >= 6) {
        int port = atoi(argv[2]);
        long nt = atol(argv[3]), nu = atol(argv[4]), ne = atol(argv[5]);
        if (port < 1 || port > 65535 || nt < 1 || nu < 1 || ne < 1) return usage();
        report("tcp", nt, bench_tcp(port, nt));
        report("udp", nu, bench_udp(port, nu));
        report("exec", ne, bench_exec(ne));
    } else if (!strcmp(kind, "hold") && argc >= 4) {
        FILE *f = fopen(argv[3], "w");
        if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) fail(argv[3]);
        struct timespec ts = {atol(argv[2]), 0};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    } else {
        return usage();
    }
    return 0;
}
