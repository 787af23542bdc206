/*
 * netprobe: one syscall the kernel enforcer judges, and its result as one line (`ok` or `errno=N`), exit status 0,
 * so tests assert the syscall's result rather than a tool's exit code. Compiled at test time with `cc` (see
 * KernelTestSupport.swift); the attack-simulation tests reuse it.
 *
 *   netprobe [-o FILE] tcp HOST PORT     connect(2) a TCP socket
 *   netprobe [-o FILE] udp HOST PORT     sendto(2) one datagram on an unconnected UDP socket
 *   netprobe [-o FILE] uring HOST PORT   IORING_OP_CONNECT through raw io_uring syscalls (no liburing)
 *   netprobe [-o FILE] exec PATH [ARGS]  execv(2); only prints when the exec fails
 *   netprobe [-o FILE] sleep SECONDS     prints ok, then sleeps (a process to look at)
 *
 * HOST is numeric IPv4 or IPv6 (`::ffff:127.0.0.2` stays an AF_INET6 socket). `-o FILE` writes the line to FILE
 * instead of stdout (the tests start netprobe with clone3 and cannot redirect its stdout).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static FILE *out;

static int report(int result) {
    if (result == 0) fprintf(out, "ok\n");
    else fprintf(out, "errno=%d\n", result);
    fflush(out);
    return 0;
}

static int address(const char *host, const char *port, struct sockaddr_storage *storage, socklen_t *length) {
    memset(storage, 0, sizeof(*storage));
    int number = atoi(port);
    struct sockaddr_in *v4 = (struct sockaddr_in *)storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)storage;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)number);
        *length = sizeof(*v4);
        return AF_INET;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)number);
        *length = sizeof(*v6);
        return AF_INET6;
    }
    return -1;
}

static int tcp(struct sockaddr_storage *to, socklen_t length) {
    int fd = socket(to->ss_family, SOCK_STREAM, 0);
    if (fd < 0) return errno;
    int result = connect(fd, (struct sockaddr *)to, length) == 0 ? 0 : errno;
    close(fd);
    return result;
}

static int udp(struct sockaddr_storage *to, socklen_t length) {
    int fd = socket(to->ss_family, SOCK_DGRAM, 0);
    if (fd < 0) return errno;
    int result = sendto(fd, "x", 1, 0, (struct sockaddr *)to, length) == 1 ? 0 : errno;
    close(fd);
    return result;
}

static int uring(struct sockaddr_storage *to, socklen_t length) {
    int fd = socket(to->ss_family, SOCK_STREAM, 0);
    if (fd < 0) return errno;
    struct io_uring_params params;
    memset(&params, 0, sizeof(params));
    int ring = (int)syscall(__NR_io_uring_setup, 4, &params);
    if (ring < 0) return errno;
    size_t sq_size = params.sq_off.array + params.sq_entries * sizeof(unsigned);
    size_t cq_size = params.cq_off.cqes + params.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cq_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(NULL, params.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                                     MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) return errno;

    unsigned *sq_tail = (unsigned *)(sq + params.sq_off.tail);
    unsigned *sq_mask = (unsigned *)(sq + params.sq_off.ring_mask);
    unsigned *sq_array = (unsigned *)(sq + params.sq_off.array);
    unsigned tail = *sq_tail;
    unsigned index = tail & *sq_mask;
    struct io_uring_sqe *sqe = &sqes[index];
    memset(sqe, 0, sizeof(*sqe));
    sqe->opcode = IORING_OP_CONNECT;
    sqe->fd = fd;
    sqe->addr = (unsigned long)to;
    sqe->off = length;  /* IORING_OP_CONNECT: addrlen travels in `off` */
    sq_array[index] = index;
    __atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);

    if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) return errno;
    unsigned *cq_head = (unsigned *)(cq + params.cq_off.head);
    unsigned *cq_mask = (unsigned *)(cq + params.cq_off.ring_mask);
    struct io_uring_cqe *cqes = (struct io_uring_cqe *)(cq + params.cq_off.cqes);
    unsigned head = __atomic_load_n(cq_head, __ATOMIC_ACQUIRE);
    int res = cqes[head & *cq_mask].res;
    __atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
    close(ring);
    close(fd);
    return res < 0 ? -res : 0;
}

int main(int argc, char **argv) {
    out = stdout;
    int at = 1;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        out = fopen(argv[2], "w");
        if (!out) { perror(argv[2]); return 2; }
        at = 3;
    }
    if (argc - at < 2) {
        fprintf(stderr, "usage: netprobe [-o FILE] tcp|udp|uring HOST PORT | exec PATH [ARGS] | sleep SECONDS\n");
        return 2;
    }
    const char *command = argv[at];
    if (strcmp(command, "exec") == 0) {
        execv(argv[at + 1], &argv[at + 1]);
        return report(errno);
    }
    if (strcmp(command, "sleep") == 0) {
        report(0);
        sleep((unsigned)atoi(argv[at + 1]));
        return 0;
    }
    if (argc - at < 3) { fprintf(stderr, "%s needs HOST PORT\n", command); return 2; }
    struct sockaddr_storage to;
    socklen_t length;
    if (address(argv[at + 1], argv[at + 2], &to, &length) < 0) { fprintf(stderr, "bad host %s\n", argv[at + 1]); return 2; }
    if (strcmp(command, "tcp") == 0) return report(tcp(&to, length));
    if (strcmp(command, "udp") == 0) return report(udp(&to, length));
    if (strcmp(command, "uring") == 0) return report(uring(&to, length));
    fprintf(stderr, "unknown command %s\n", command);
    return 2;
}
