#define _GNU_SOURCE
#include "bulwark_libbpf.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

/* libbpf's own prototypes (libbpf 1.x, stable ABI), declared by hand because libbpf-dev is not installed. */
typedef int (*libbpf_print_fn_t)(int level, const char *format, va_list args);
typedef int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);

static struct {
    libbpf_print_fn_t (*set_print)(libbpf_print_fn_t fn);
    struct bpf_object *(*object_open_mem)(const void *buf, size_t size, const void *opts);
    int (*object_load)(struct bpf_object *object);
    void (*object_close)(struct bpf_object *object);
    struct bpf_program *(*find_program)(const struct bpf_object *object, const char *name);
    struct bpf_map *(*find_map)(const struct bpf_object *object, const char *name);
    int (*program_set_autoload)(struct bpf_program *program, _Bool autoload);
    struct bpf_link *(*program_attach)(const struct bpf_program *program);
    struct bpf_link *(*program_attach_cgroup)(const struct bpf_program *program, int cgroup_fd);
    int (*map_set_pin_path)(struct bpf_map *map, const char *path);
    int (*map_fd)(const struct bpf_map *map);
    struct bpf_link *(*link_open)(const char *path);
    int (*link_pin)(struct bpf_link *link, const char *path);
    int (*link_unpin)(struct bpf_link *link);
    int (*link_detach)(struct bpf_link *link);
    int (*link_destroy)(struct bpf_link *link);
    int (*map_update_elem)(int fd, const void *key, const void *value, unsigned long long flags);
    int (*map_lookup_elem)(int fd, const void *key, void *value);
    int (*map_delete_elem)(int fd, const void *key);
    int (*map_get_next_key)(int fd, const void *key, void *next_key);
    int (*num_possible_cpus)(void);
    struct ring_buffer *(*ring_buffer_new)(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx, const void *opts);
    int (*ring_buffer_poll)(struct ring_buffer *ring, int timeout_ms);
    void (*ring_buffer_free)(struct ring_buffer *ring);
} api;

static pthread_once_t open_once = PTHREAD_ONCE_INIT;
static int open_result = -1;
static char open_error[512];

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char *log_text;
static size_t log_length;
#define LOG_LIMIT (256 * 1024)

/* libbpf's print callback is variadic: format it here, in C, and append to a bounded buffer. */
static int collect_log(int level, const char *format, va_list args) {
    if (level > 1) return 0;  /* LIBBPF_DEBUG is a flood of relocation detail; keep warnings and info */
    char line[4096];
    int n = vsnprintf(line, sizeof(line), format, args);
    if (n <= 0) return 0;
    size_t length = strnlen(line, sizeof(line));
    pthread_mutex_lock(&log_lock);
    if (log_length + length < LOG_LIMIT) {
        char *grown = realloc(log_text, log_length + length + 1);
        if (grown) {
            memcpy(grown + log_length, line, length);
            log_length += length;
            grown[log_length] = 0;
            log_text = grown;
        }
    }
    pthread_mutex_unlock(&log_lock);
    return 0;
}

void bw_libbpf_log_reset(void) {
    pthread_mutex_lock(&log_lock);
    free(log_text);
    log_text = NULL;
    log_length = 0;
    pthread_mutex_unlock(&log_lock);
}

char *bw_libbpf_log_copy(void) {
    pthread_mutex_lock(&log_lock);
    char *copy = strdup(log_text ? log_text : "");
    pthread_mutex_unlock(&log_lock);
    return copy;
}

#define RESOLVE(field, symbol)                                                                         \
    do {                                                                                               \
        *(void **)(&api.field) = dlsym(handle, symbol);                                                \
        if (!api.field) {                                                                              \
            snprintf(open_error, sizeof(open_error), "libbpf.so.1 lacks %s (libbpf 1.0 or later needed)", symbol); \
            return;                                                                                    \
        }                                                                                              \
    } while (0)

static void open_libbpf(void) {
    void *handle = dlopen("libbpf.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        snprintf(open_error, sizeof(open_error), "libbpf.so.1 not found: apt-get install libbpf1 (%s)", why ? why : "dlopen failed");
        return;
    }
    RESOLVE(set_print, "libbpf_set_print");
    RESOLVE(object_open_mem, "bpf_object__open_mem");
    RESOLVE(object_load, "bpf_object__load");
    RESOLVE(object_close, "bpf_object__close");
    RESOLVE(find_program, "bpf_object__find_program_by_name");
    RESOLVE(find_map, "bpf_object__find_map_by_name");
    RESOLVE(program_set_autoload, "bpf_program__set_autoload");
    RESOLVE(program_attach, "bpf_program__attach");
    RESOLVE(program_attach_cgroup, "bpf_program__attach_cgroup");
    RESOLVE(map_set_pin_path, "bpf_map__set_pin_path");
    RESOLVE(map_fd, "bpf_map__fd");
    RESOLVE(link_open, "bpf_link__open");
    RESOLVE(link_pin, "bpf_link__pin");
    RESOLVE(link_unpin, "bpf_link__unpin");
    RESOLVE(link_detach, "bpf_link__detach");
    RESOLVE(link_destroy, "bpf_link__destroy");
    RESOLVE(map_update_elem, "bpf_map_update_elem");
    RESOLVE(map_lookup_elem, "bpf_map_lookup_elem");
    RESOLVE(map_delete_elem, "bpf_map_delete_elem");
    RESOLVE(map_get_next_key, "bpf_map_get_next_key");
    RESOLVE(num_possible_cpus, "libbpf_num_possible_cpus");
    RESOLVE(ring_buffer_new, "ring_buffer__new");
    RESOLVE(ring_buffer_poll, "ring_buffer__poll");
    RESOLVE(ring_buffer_free, "ring_buffer__free");
    api.set_print(collect_log);
    open_result = 0;
}

int bw_libbpf_open(void) {
    pthread_once(&open_once, open_libbpf);
    return open_result;
}

const char *bw_libbpf_error(void) { return open_error; }

/* libbpf 1.x returns -errno (and sets errno) from its object and link functions. */
static int failure(int result) { return result < 0 ? result : 0; }

struct bpf_object *bw_object_open(void) {
    if (bw_libbpf_open() != 0) { errno = ENOSYS; return NULL; }
    return api.object_open_mem(bw_bpf_object, (size_t)bw_bpf_object_len, NULL);
}

void bw_object_close(struct bpf_object *object) {
    if (object && bw_libbpf_open() == 0) api.object_close(object);
}

int bw_object_load(struct bpf_object *object) { return failure(api.object_load(object)); }

int bw_program_set_autoload(struct bpf_object *object, const char *program, int autoload) {
    struct bpf_program *found = api.find_program(object, program);
    if (!found) return -ENOENT;
    return failure(api.program_set_autoload(found, autoload != 0));
}

int bw_map_set_pin_path(struct bpf_object *object, const char *map, const char *path) {
    struct bpf_map *found = api.find_map(object, map);
    if (!found) return -ENOENT;
    return failure(api.map_set_pin_path(found, path));
}

int bw_map_fd(struct bpf_object *object, const char *map) {
    struct bpf_map *found = api.find_map(object, map);
    if (!found) return -ENOENT;
    return api.map_fd(found);
}

struct bpf_link *bw_program_attach(struct bpf_object *object, const char *program) {
    struct bpf_program *found = api.find_program(object, program);
    if (!found) { errno = ENOENT; return NULL; }
    return api.program_attach(found);
}

struct bpf_link *bw_program_attach_cgroup(struct bpf_object *object, const char *program, int cgroup_fd) {
    struct bpf_program *found = api.find_program(object, program);
    if (!found) { errno = ENOENT; return NULL; }
    return api.program_attach_cgroup(found, cgroup_fd);
}

struct bpf_link *bw_link_open(const char *path) {
    if (bw_libbpf_open() != 0) { errno = ENOSYS; return NULL; }
    return api.link_open(path);
}

int bw_link_pin(struct bpf_link *link, const char *path) { return failure(api.link_pin(link, path)); }
int bw_link_unpin(struct bpf_link *link) { return failure(api.link_unpin(link)); }
int bw_link_detach(struct bpf_link *link) { return failure(api.link_detach(link)); }
void bw_link_destroy(struct bpf_link *link) { if (link) api.link_destroy(link); }

int bw_map_update(int fd, const void *key, const void *value, unsigned long long flags) {
    int result = api.map_update_elem(fd, key, value, flags);
    return result < 0 ? -errno : 0;
}

int bw_map_lookup(int fd, const void *key, void *value) {
    int result = api.map_lookup_elem(fd, key, value);
    return result < 0 ? -errno : 0;
}

int bw_map_delete(int fd, const void *key) {
    int result = api.map_delete_elem(fd, key);
    return result < 0 ? -errno : 0;
}

int bw_map_next_key(int fd, const void *key, void *next_key) {
    int result = api.map_get_next_key(fd, key, next_key);
    return result < 0 ? -errno : 0;
}

int bw_num_possible_cpus(void) {
    if (bw_libbpf_open() != 0) return -ENOSYS;
    return api.num_possible_cpus();
}

struct ring_buffer *bw_ring_buffer_new(int map_fd, bw_ring_buffer_sample_fn sample, void *ctx) {
    return api.ring_buffer_new(map_fd, sample, ctx, NULL);
}

int bw_ring_buffer_poll(struct ring_buffer *ring, int timeout_ms) { return api.ring_buffer_poll(ring, timeout_ms); }
void bw_ring_buffer_free(struct ring_buffer *ring) { if (ring) api.ring_buffer_free(ring); }

static const char *const all_programs[] = {
    "bw_connect4", "bw_connect6", "bw_sendmsg4", "bw_sendmsg6", "bw_exec_tp", "bw_exec_tp_inline",
    "bw_lsm_bprm", "bw_lsm_connect", "bw_lsm_sendmsg",
};

int bw_probe_program(const char *program) {
    struct bpf_object *object = bw_object_open();
    if (!object) return -(errno ? errno : EINVAL);
    int found = 0;
    for (size_t i = 0; i < sizeof(all_programs) / sizeof(all_programs[0]); i++) {
        int keep = strcmp(all_programs[i], program) == 0;
        found |= keep;
        bw_program_set_autoload(object, all_programs[i], keep);
    }
    int result = found ? bw_object_load(object) : -ENOENT;
    bw_object_close(object);
    return result;
}

long bw_filesystem_type(const char *path) {
    struct statfs status;
    if (statfs(path, &status) != 0) return -errno;
    return (long)status.f_type;
}
