// bench/runtime/loadgen.c — an open-loop (wrk2-style) HTTP load generator for bench/runtime-overhead.
//
// Request i is *intended* to be sent at start + i/rate. Its latency is measured from that intended time,
// not from when a connection was free to send it, so a stall of the server shows up in the latencies of
// every request scheduled during the stall (no coordinated omission). Up to --connections requests are in
// flight at once; a request that finds no free connection waits, and that wait counts.
//
// HTTP/1.1 with keep-alive: a connection is reused until the server answers with `Connection: close` or
// closes it (gunicorn's sync workers close after every response), then it is reopened for the next request.
// One thread, epoll, and a timerfd armed at the next intended send time (CLOCK_MONOTONIC, absolute), so the
// pacing does not spin a core on this 2-core machine.
//
// Written by hand because Debian's wrk is closed-loop (wrk2's pacing is not packaged) and the benchmark
// wants exactly this schedule and per-request records.
//
// Usage: loadgen --port P [--host 127.0.0.1] (--rate R | --closed) --duration S [--warmup S]
//                [--connections N] [--path /predict] [--body JSON] [--out FILE]
//   --closed   closed loop (each connection sends again as soon as it has an answer): measures the
//              saturation throughput, not latency
// Writes one latency in µs per successful request scheduled after the warm-up to FILE (one a line), and a
// one-line summary on stdout as key=value pairs. Exit 1 on setup errors; request errors are counted.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;           // -1: closed, reopened on next use
    int busy;
    int64_t intended; // ns: when the request in flight was meant to be sent
    char buf[16384];
    size_t len;
} conn_t;

static struct sockaddr_in target;
static int epfd;
static char request[4096];
static size_t request_len;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void close_conn(conn_t *c) {
    if (c->fd >= 0) close(c->fd); // closing removes it from the epoll set
    c->fd = -1;
    c->busy = 0;
    c->len = 0;
}

static int open_conn(conn_t *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Blocking connect: on loopback it completes at once (or waits for the accept backlog, which then
    // counts in the latency, as it should); the socket turns non-blocking afterwards.
    if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    c->fd = fd;
    c->len = 0;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) die("epoll_ctl");
    return 0;
}

// 1: a whole response is in c->buf (*status, *close_after set); 0: not yet; -1: malformed.
static int parse_response(conn_t *c, int *status, int *close_after) {
    c->buf[c->len < sizeof c->buf ? c->len : sizeof c->buf - 1] = 0;
    char *end = strstr(c->buf, "\r\n\r\n");
    if (!end) return c->len >= sizeof c->buf - 1 ? -1 : 0;
    if (strncmp(c->buf, "HTTP/1.", 7) != 0) return -1;
    *status = atoi(c->buf + 9);
    long clen = -1;
    *close_after = strncmp(c->buf, "HTTP/1.0", 8) == 0;
    for (char *line = strstr(c->buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) clen = strtol(line + 15, NULL, 10);
        if (strncasecmp(line, "Connection:", 11) == 0) {
            char *v = line + 11;
            while (*v == ' ') v++;
            if (strncasecmp(v, "close", 5) == 0) *close_after = 1;
            if (strncasecmp(v, "keep-alive", 10) == 0) *close_after = 0;
        }
    }
    if (clen < 0) return -1; // the app always sends Content-Length
    size_t total = (size_t)(end + 4 - c->buf) + (size_t)clen;
    if (total > sizeof c->buf - 1) return -1;
    return c->len >= total ? 1 : 0;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t pct(const int64_t *v, size_t n, double p) {
    if (n == 0) return -1;
    size_t i = (size_t)(p / 100.0 * (double)n);
    return v[i >= n ? n - 1 : i];
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *path = "/predict", *out = NULL;
    const char *body = "{\"features\": [[5.1, 3.5, 1.4, 0.2]]}";
    int port = 0, nconn = 8, closed = 0;
    double rate = 0, duration = 10, warmup = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--closed")) { closed = 1; continue; }
        if (!v) { fprintf(stderr, "loadgen: %s needs a value\n", a); return 1; }
        if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--rate")) rate = atof(v);
        else if (!strcmp(a, "--duration")) duration = atof(v);
        else if (!strcmp(a, "--warmup")) warmup = atof(v);
        else if (!strcmp(a, "--connections")) nconn = atoi(v);
        else if (!strcmp(a, "--path")) path = v;
        else if (!strcmp(a, "--body")) body = v;
        else if (!strcmp(a, "--out")) out = v;
        else { fprintf(stderr, "loadgen: unknown argument %s\n", a); return 1; }
        i++;
    }
    if (port <= 0 || port > 65535 || nconn < 1 || duration <= 0 || warmup < 0 || (!closed && rate <= 0)) {
        fprintf(stderr, "loadgen: need --port, --duration > 0, --connections >= 1 and --rate > 0 or --closed\n");
        return 1;
    }
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1) { fprintf(stderr, "loadgen: bad IPv4 %s\n", host); return 1; }
    int n = snprintf(request, sizeof request,
                     "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     path, host, port, strlen(body), body);
    if (n < 0 || (size_t)n >= sizeof request) { fprintf(stderr, "loadgen: body too long\n"); return 1; }
    request_len = (size_t)n;

    epfd = epoll_create1(EPOLL_CLOEXEC);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epfd < 0 || tfd < 0) die("epoll/timerfd");
    struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &tev) != 0) die("epoll_ctl timerfd");

    conn_t *conns = calloc((size_t)nconn, sizeof *conns);
    int *idle = calloc((size_t)nconn, sizeof *idle);
    if (!conns || !idle) die("calloc");
    int nidle = 0;
    for (int i = 0; i < nconn; i++) { conns[i].fd = -1; idle[nidle++] = i; }

    const double interval_ns = closed ? 0 : 1e9 / rate;
    const uint64_t total = closed ? UINT64_MAX : (uint64_t)((warmup + duration) * rate);
    size_t cap = closed ? 1 << 20 : (size_t)total + 16;
    int64_t *lat = malloc(cap * sizeof *lat);
    if (!lat) die("malloc");
    size_t nlat = 0;
    uint64_t dispatched = 0, ok = 0, errors = 0, inflight = 0, measured_sched = 0;
    const int64_t start = now_ns() + 20000000; // 20 ms from now
    const int64_t warm_end = start + (int64_t)(warmup * 1e9);
    const int64_t end = start + (int64_t)((warmup + duration) * 1e9);
    const int64_t drain_deadline = end + 30000000000LL;
    int64_t last_done = start;
    struct epoll_event evs[64];

    for (;;) {
        int64_t now = now_ns();
        // Dispatch every request whose intended time has come, while a connection is free.
        while (nidle > 0 && dispatched < total) {
            int64_t intended = closed ? now : start + (int64_t)((double)dispatched * interval_ns);
            if (closed && (now < start || now >= end)) break;
            if (intended > now) break;
            conn_t *c = &conns[idle[--nidle]];
            if (c->fd < 0 && open_conn(c) != 0) { errors++; dispatched++; idle[nidle++] = (int)(c - conns); continue; }
            ssize_t w = send(c->fd, request, request_len, MSG_NOSIGNAL);
            if (w != (ssize_t)request_len) {
                // A kept-alive connection the server closed meanwhile: retry once on a fresh one.
                close_conn(c);
                if (open_conn(c) != 0 || send(c->fd, request, request_len, MSG_NOSIGNAL) != (ssize_t)request_len) {
                    close_conn(c); errors++; dispatched++; idle[nidle++] = (int)(c - conns); continue;
                }
            }
            c->busy = 1;
            c->intended = intended;
            c->len = 0;
            dispatched++;
            inflight++;
            if (intended >= warm_end) measured_sched++;
        }
        int finished = closed ? (now >= end && inflight == 0) : (dispatched >= total && inflight == 0);
        if (finished || now > drain_deadline) break;
        // Arm the timer for the next intended send when a connection is free for it; otherwise a completion
        // (an epoll event) is what can make progress.
        struct itimerspec its = {0};
        if (nidle > 0 && dispatched < total) {
            int64_t next = closed ? start : start + (int64_t)((double)dispatched * interval_ns);
            if (closed && now >= start) next = end; // closed loop: only to notice the end
            if (next <= now) next = now + 1000;
            its.it_value.tv_sec = next / 1000000000LL;
            its.it_value.tv_nsec = next % 1000000000LL;
        } else if (closed || dispatched >= total) {
            int64_t next = closed && now < end ? end : drain_deadline;
            its.it_value.tv_sec = next / 1000000000LL;
            its.it_value.tv_nsec = next % 1000000000LL;
        }
        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        int ne = epoll_wait(epfd, evs, 64, -1);
        if (ne < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        for (int e = 0; e < ne; e++) {
            conn_t *c = evs[e].data.ptr;
            if (!c) { uint64_t x; (void)!read(tfd, &x, sizeof x); continue; }
            if (c->fd < 0) continue;
            int eof = 0;
            for (;;) {
                ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
                if (r > 0) { c->len += (size_t)r; if (c->len >= sizeof c->buf - 1) break; continue; }
                if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                eof = 1; // EOF or error: the server closed (after its answer, or a kept-alive idle connection)
                break;
            }
            if (!c->busy) {
                if (eof) { close_conn(c); }
                continue;
            }
            {
                int status = 0, close_after = 0;
                int p = parse_response(c, &status, &close_after);
                if (p == 0 && !eof) continue;
                int64_t done = now_ns();
                inflight--;
                if (p == 1 && status == 200) {
                    ok++;
                    last_done = done;
                    if (c->intended >= warm_end && nlat < cap) lat[nlat++] = (done - c->intended) / 1000;
                } else {
                    errors++;
                    close_after = 1;
                }
                c->busy = 0;
                c->len = 0;
                if (close_after || eof) close_conn(c);
                idle[nidle++] = (int)(c - conns);
            }
        }
    }

    if (out) {
        FILE *f = fopen(out, "w");
        if (!f) die(out);
        for (size_t i = 0; i < nlat; i++) fprintf(f, "%lld\n", (long long)lat[i]);
        if (fclose(f) != 0) die(out);
    }
    double elapsed = (double)(last_done - start) / 1e9;
    qsort(lat, nlat, sizeof *lat, cmp64);
    printf("scheduled=%llu measured_scheduled=%llu ok=%llu errors=%llu unfinished=%llu recorded=%zu "
           "throughput=%.1f p50_us=%lld p99_us=%lld p999_us=%lld max_us=%lld\n",
           (unsigned long long)dispatched, (unsigned long long)measured_sched, (unsigned long long)ok,
           (unsigned long long)errors, (unsigned long long)inflight, nlat,
           elapsed > 0 ? (double)ok / elapsed : 0.0, (long long)pct(lat, nlat, 50), (long long)pct(lat, nlat, 99),
           (long long)pct(lat, nlat, 99.9), (long long)(nlat ? lat[nlat - 1] : -1));
    return 0;
}
