// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_reno: Reno as a BPF congestion control, for the struct_ops
 * benchmarks.  Each op is a struct_ops program that only calls the
 * kernel's own Reno function of the same role through its kfunc, so
 * st_bench.ko measuring "bpf_reno" against "reno" gives the cost of the
 * struct_ops path (trampoline, program, kfunc call) on top of the same
 * work, and st_regbench registers it over and over.
 *
 * The programs are found by name: bpf_reno_ssthresh, bpf_reno_cong_avoid
 * and bpf_reno_undo_cwnd.
 *
 * bpf_reno_pure is the same algorithm with ssthresh() written out in BPF
 * instead of calling the kfunc: the struct_ops path without the kfunc
 * call, for the breakdown of where a call's time goes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

extern __u32 tcp_reno_ssthresh(struct sock *sk) __ksym;
extern void tcp_reno_cong_avoid(struct sock *sk, __u32 ack, __u32 acked) __ksym;
extern __u32 tcp_reno_undo_cwnd(struct sock *sk) __ksym;

SEC("struct_ops/bpf_reno_ssthresh")
__u32 BPF_PROG(bpf_reno_ssthresh, struct sock *sk)
{
	return tcp_reno_ssthresh(sk);
}

SEC("struct_ops/bpf_reno_cong_avoid")
void BPF_PROG(bpf_reno_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

SEC("struct_ops/bpf_reno_undo_cwnd")
__u32 BPF_PROG(bpf_reno_undo_cwnd, struct sock *sk)
{
	return tcp_reno_undo_cwnd(sk);
}

SEC("struct_ops/bpf_reno_pure_ssthresh")
__u32 BPF_PROG(bpf_reno_pure_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC(".struct_ops")
struct tcp_congestion_ops bpf_reno_pure = {
	.ssthresh	= (void *)bpf_reno_pure_ssthresh,
	.cong_avoid	= (void *)bpf_reno_cong_avoid,
	.undo_cwnd	= (void *)bpf_reno_undo_cwnd,
	.name		= "bpf_reno_pure",
};

SEC(".struct_ops")
struct tcp_congestion_ops bpf_reno = {
	.ssthresh	= (void *)bpf_reno_ssthresh,
	.cong_avoid	= (void *)bpf_reno_cong_avoid,
	.undo_cwnd	= (void *)bpf_reno_undo_cwnd,
	.name		= "bpf_reno",
};
