/*
 * A minimal hand-written subset of the kernel's types: only the structs and fields bulwark.bpf.c reads. Every
 * kernel-internal struct carries preserve_access_index, so clang records CO-RE relocations and libbpf fixes the
 * offsets against the running kernel's BTF at load (field order and the other fields do not matter). Written by
 * hand because bpftool (which would dump the full vmlinux.h) is not installed on a fresh machine.
 * `struct bpf_sock_addr` is uapi (the verifier rewrites context accesses itself), so it carries no attribute.
 */
#ifndef BULWARK_VMLINUX_H
#define BULWARK_VMLINUX_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int pid_t;
typedef unsigned int dev_t;

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct super_block {
    dev_t s_dev;
};

struct inode {
    unsigned long i_ino;
    struct super_block *i_sb;
};

struct file {
    struct inode *f_inode;
};

struct linux_binprm {
    struct file *file;
    const char *filename;
};

struct mm_struct {
    unsigned long arg_start;
    unsigned long arg_end;
};

struct task_struct {
    pid_t pid;
    pid_t tgid;
    struct task_struct *real_parent;
    struct mm_struct *mm;
};

struct sock {
    __u16 sk_protocol;
};

struct socket {
    short type;
    struct sock *sk;
};

struct sockaddr {
    unsigned short sa_family;
};

struct msghdr {
    void *msg_name;
    int msg_namelen;
};

#pragma clang attribute pop

struct bpf_sock_addr {
    __u32 user_family;
    __u32 user_ip4;
    __u32 user_ip6[4];
    __u32 user_port;
    __u32 family;
    __u32 type;
    __u32 protocol;
    __u32 msg_src_ip4;
    __u32 msg_src_ip6[4];
    union { void *sk; __u64 :64; } __attribute__((aligned(8)));
};

#endif
