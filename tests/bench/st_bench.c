// SPDX-License-Identifier: GPL-2.0
/*
 * st_bench: the per-call cost of a TCP congestion control's ssthresh() and
 * cong_avoid(), called the way the TCP stack calls them: an indirect call
 * through the socket's inet_csk(sk)->icsk_ca_ops.
 *
 * usage: insmod st_bench.ko ca=NAME [iters=N] [rounds=R]; rmmod st_bench
 *
 * Module init creates a kernel TCP socket, selects NAME on it with
 * setsockopt(TCP_CONGESTION) (so a module or a BPF struct_ops algorithm is
 * referenced exactly as for a user socket), and initialises the algorithm
 * as the stack does when a connection is established.  With the socket
 * owned (lock_sock()) it then times three loops, each R rounds of N
 * iterations after one warm-up round, every round with bottom halves off
 * (the ops normally run in softirq context):
 *
 *   loop        the harness alone: the per-iteration state reset and the
 *               load of icsk_ca_ops, no call
 *   ssthresh    the same, plus icsk_ca_ops->ssthresh(sk)
 *   cong_avoid  the same, plus icsk_ca_ops->cong_avoid(sk, snd_una, 1)
 *
 * All three are instances of one always-inlined loop, so they differ only
 * by the call.  The reset puts the socket back in congestion avoidance
 * (cwnd 10 over ssthresh 5, cwnd-limited) before every call, so each call
 * does the same work.  Each measurement prints one line, in ns per call
 * with two decimals (median, min and max over the rounds):
 *
 *   st_bench: ca=cubic op=ssthresh iters=20000 rounds=15 median=1.23 min=...
 *
 * The module also registers an algorithm of its own, st_reno (below), for
 * as long as it is loaded, so that ca=st_reno measures it.  Init returns 0
 * once the socket is released; the module does nothing else and is meant
 * to be removed right away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

static char *ca;
module_param(ca, charp, 0444);
MODULE_PARM_DESC(ca, "name of the congestion control to measure (required)");

static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "calls per round (default 20000)");

static unsigned int rounds = 15;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds per measurement (default 15)");

#define ST_ROUNDS_MAX	10000
#define ST_CA_CWND	10
#define ST_CA_SSTHRESH	5

/*
 * Where each round's sum of ssthresh() results ends up, with a volatile
 * store (WRITE_ONCE()), so the results have a use.
 */
static u32 st_sink;

enum st_op {
	ST_OP_LOOP,
	ST_OP_SSTHRESH,
	ST_OP_CONG_AVOID,
};

/* Done before every call (and in the baseline, instead of it). */
static __always_inline void st_reset(struct tcp_sock *tp)
{
	tcp_snd_cwnd_set(tp, ST_CA_CWND);
	tp->snd_cwnd_cnt = 0;
}

/*
 * One round of @n iterations of @op, in ns.  @op is a constant in each
 * caller below, so the switch disappears and the three loops are the same
 * code but for the call.  In the baseline, an empty asm stands where the
 * call is: it takes the ops pointer and the socket, yields a value the
 * way ssthresh() does, and clobbers memory the way a call does, so the
 * reset's stores stay in the loop and the ops pointer is read each time.
 */
static __always_inline u64 st_round(struct sock *sk, unsigned int n,
				    const enum st_op op)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_congestion_ops *ops;
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int i;
	u32 acc = 0;
	u32 none;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		st_reset(tp);
		ops = READ_ONCE(icsk->icsk_ca_ops);
		switch (op) {
		case ST_OP_LOOP:
			asm volatile("" : "=r" (none) : "r" (ops), "r" (sk) : "memory");
			acc += none;
			break;
		case ST_OP_SSTHRESH:
			acc += ops->ssthresh(sk);
			break;
		case ST_OP_CONG_AVOID:
			ops->cong_avoid(sk, tp->snd_una, 1);
			break;
		}
	}
	t0 = ktime_get_ns() - t0;
	WRITE_ONCE(st_sink, acc);
	return t0;
}

static noinline u64 st_round_loop(struct sock *sk, unsigned int n)
{
	return st_round(sk, n, ST_OP_LOOP);
}

static noinline u64 st_round_ssthresh(struct sock *sk, unsigned int n)
{
	return st_round(sk, n, ST_OP_SSTHRESH);
}

static noinline u64 st_round_cong_avoid(struct sock *sk, unsigned int n)
{
	return st_round(sk, n, ST_OP_CONG_AVOID);
}

static const struct {
	const char *name;
	u64 (*round)(struct sock *sk, unsigned int n);
} st_ops[] = {
	[ST_OP_LOOP]		= { "loop", st_round_loop },
	[ST_OP_SSTHRESH]	= { "ssthresh", st_round_ssthresh },
	[ST_OP_CONG_AVOID]	= { "cong_avoid", st_round_cong_avoid },
};

static int st_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Congestion avoidance: cwnd above ssthresh, limited by cwnd. */
static void st_set_state(struct tcp_sock *tp)
{
	tcp_snd_cwnd_set(tp, ST_CA_CWND);
	tp->snd_ssthresh = ST_CA_SSTHRESH;
	tp->snd_cwnd_clamp = ~0U >> 1;
	tp->snd_cwnd_cnt = 0;
	tp->is_cwnd_limited = 1;
}

/*
 * What tcp_init_congestion_control() (not exported) does when a connection
 * is established, but for ECN marking, which nothing here sends.  The
 * socket is still closed, so setsockopt() did not do it.
 */
static void st_init_ca(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	tcp_sk(sk)->prior_ssthresh = 0;
	if (icsk->icsk_ca_ops->init)
		icsk->icsk_ca_ops->init(sk);
	icsk->icsk_ca_initialized = 1;
}

/* Fixed point: hundredths of a ns per call. */
static u64 st_per_call(u64 ns, unsigned int n)
{
	return div_u64(ns * 100 + n / 2, n);
}

static void st_measure(struct sock *sk, unsigned int which, u64 *res)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 med, ns;
	unsigned int r;

	st_set_state(tp);
	for (r = 0; r <= rounds; r++) {
		local_bh_disable();
		ns = st_ops[which].round(sk, iters);
		local_bh_enable();
		/* Round 0 is the warm-up. */
		if (r)
			res[r - 1] = st_per_call(ns, iters);
		cond_resched();
	}

	sort(res, rounds, sizeof(*res), st_cmp_u64, NULL);
	med = res[rounds / 2];
	if (!(rounds & 1))
		med = (res[rounds / 2 - 1] + med) / 2;
	pr_info("ca=%s op=%s iters=%u rounds=%u median=%llu.%02llu min=%llu.%02llu max=%llu.%02llu ns/call\n",
		ca, st_ops[which].name, iters, rounds,
		med / 100, med % 100, res[0] / 100, res[0] % 100,
		res[rounds - 1] / 100, res[rounds - 1] % 100);
}

/*
 * st_reno: Reno once more, as this module's own algorithm.  Its code is
 * the same on every kernel and lies the same way in module space; it
 * calls the kernel's tcp_slow_start() and tcp_cong_avoid_ai().  Beside
 * the kernel's reno it tells the cost of those helpers apart from where
 * the kernel's own tcp_reno_cong_avoid() happens to be linked, which
 * matters under an emulator that translates code page by page.
 */
static void st_reno_cong_avoid(struct sock *sk, u32 ack, u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tcp_is_cwnd_limited(sk))
		return;
	if (tcp_in_slow_start(tp)) {
		acked = tcp_slow_start(tp, acked);
		if (!acked)
			return;
	}
	tcp_cong_avoid_ai(tp, tcp_snd_cwnd(tp), acked);
}

static struct tcp_congestion_ops st_reno __read_mostly = {
	.ssthresh	= tcp_reno_ssthresh,
	.cong_avoid	= st_reno_cong_avoid,
	.undo_cwnd	= tcp_reno_undo_cwnd,
	.owner		= THIS_MODULE,
	.name		= "st_reno",
};

static int __init st_bench_init(void)
{
	const struct tcp_congestion_ops *ops;
	struct socket *sock;
	unsigned int which;
	struct sock *sk;
	u64 *res;
	int err;

	if (!ca || !*ca) {
		pr_err("ca=NAME is required\n");
		return -EINVAL;
	}
	if (!iters || !rounds || rounds > ST_ROUNDS_MAX) {
		pr_err("iters must be > 0 and rounds in 1..%u\n", ST_ROUNDS_MAX);
		return -EINVAL;
	}

	err = tcp_register_congestion_control(&st_reno);
	if (err) {
		pr_err("registering st_reno: %d\n", err);
		return err;
	}
	res = kmalloc_array(rounds, sizeof(*res), GFP_KERNEL);
	if (!res) {
		err = -ENOMEM;
		goto unregister;
	}

	err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (err) {
		pr_err("creating a TCP socket: %d\n", err);
		goto free_res;
	}
	sk = sock->sk;

	/*
	 * As a user's setsockopt(): finds (or loads) the algorithm, takes a
	 * reference on its module or struct_ops map, drops the default's.
	 * tcp_close() calls release() and drops the reference.
	 */
	err = tcp_setsockopt(sk, SOL_TCP, TCP_CONGESTION, KERNEL_SOCKPTR(ca), strlen(ca));
	ops = READ_ONCE(inet_csk(sk)->icsk_ca_ops);
	if (err || strcmp(ops->name, ca)) {
		pr_err("ca=%s: not available (setsockopt: %d, socket has %s)\n",
		       ca, err, ops->name);
		err = -ENOENT;
		goto release_socket;
	}

	lock_sock(sk);
	st_set_state(tcp_sk(sk));
	st_init_ca(sk);
	for (which = 0; which < ARRAY_SIZE(st_ops); which++) {
		if (which == ST_OP_CONG_AVOID &&
		    !READ_ONCE(inet_csk(sk)->icsk_ca_ops)->cong_avoid) {
			pr_info("ca=%s op=cong_avoid: none (cong_control algorithm), skipped\n",
				ca);
			continue;
		}
		st_measure(sk, which, res);
	}
	release_sock(sk);
	err = 0;

release_socket:
	sock_release(sock);
free_res:
	kfree(res);
	if (!err)
		return 0;
unregister:
	tcp_unregister_congestion_control(&st_reno);
	return err;
}

static void __exit st_bench_exit(void)
{
	tcp_unregister_congestion_control(&st_reno);
}

module_init(st_bench_init);
module_exit(st_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-call cost of a TCP congestion control's ssthresh() and cong_avoid()");
