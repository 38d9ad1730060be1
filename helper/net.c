/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * rtnetlink over libmnl (issue 3, "Network over rtnetlink"). No `ip`
 * command is run and nothing is printed: every function returns 0 or -errno.
 *
 * Safety argument, shared by every privileged step below:
 * - Every request goes to a fresh NETLINK_ROUTE socket of the calling
 *   process, so it acts only on the network namespace the caller is in: the
 *   helper's own on the host side, the container's inside the child. Nothing
 *   here opens another namespace (no /proc/1/ns/net, no setns()).
 * - Links are addressed by a name the caller passed, after util_ifname_ok()
 *   checked it; the only links ever created are the veth pair named by the
 *   caller, and the only links ever deleted are the names the caller gives
 *   (the helper passes only the veth it created). No other interface, address
 *   or route of the host is read for anything but a lookup, or changed.
 * - Every request carries NLM_F_ACK and its own sequence number; libmnl's
 *   mnl_cb_run() checks sequence number and port id of every reply and turns
 *   the nlmsgerr of the ACK into errno. Every receive has a timeout and the
 *   number of receives per request is bounded.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>

#include "net.h"
#include "util.h"

/* Every request built here is a fixed set of small attributes (names of at
 * most 15 bytes, integers, addresses); the largest, the veth creation, is
 * under 200 bytes. 1 KiB leaves room without a heap allocation. */
#define NET_REQ_SIZE 1024
/* Replies: one RTM_NEWLINK (stats are filtered out) and an ACK; 32 KiB is
 * libmnl's recommended dump size and far above either. */
#define NET_RECV_SIZE 32768
/* Upper bound on receives for one request: a reply and an ACK. */
#define NET_MAX_RECV 8
/* The kernel answers rtnetlink synchronously; a silent socket is a bug. */
#define NET_RECV_TIMEOUT_SEC 5

#define NET_CONTAINER_IFNAME "eth0"

static inline void
net_mnl_closep(struct mnl_socket **nl)
{
	if (*nl != NULL)
		(void)mnl_socket_close(*nl);
}
#define _cleanup_mnl_ __attribute__((cleanup(net_mnl_closep)))

struct net_link_info {
	int ifindex;
	bool is_bridge;
};

static int
net_errno(int fallback)
{
	return errno > 0 ? -errno : -fallback;
}

/*
 * The one "send request, wait for its ACK" helper. Opens a socket for this
 * request only (closed on every path), sets NLM_F_ACK and a sequence number,
 * and receives until the ACK: 0 when the kernel acknowledged, the kernel's
 * -errno from the nlmsgerr otherwise. Data replies before the ACK go to cb.
 */
static int
net_request(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	static unsigned int seq_counter;
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	_cleanup_free_ char *buf = NULL;
	struct timeval tv = {.tv_sec = NET_RECV_TIMEOUT_SEC};
	unsigned int seq, portid;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return net_errno(EIO);
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return net_errno(EIO);
	portid = mnl_socket_get_portid(nl);
	buf = malloc(NET_RECV_SIZE);
	if (buf == NULL)
		return -ENOMEM;

	/* Never 0: mnl_cb_run() skips the sequence check for 0. */
	seq = ++seq_counter;
	if (seq == 0)
		seq = ++seq_counter;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return net_errno(EIO);

	for (int i = 0; i < NET_MAX_RECV; i++) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, NET_RECV_SIZE);
		int r;

		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : net_errno(EIO);
		if (n == 0)
			return -EPROTO;
		errno = 0;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r == MNL_CB_STOP)
			return 0;
		if (r == MNL_CB_ERROR)
			return net_errno(EPROTO);
	}
	return -EPROTO;
}

static struct nlmsghdr *
net_msg_new(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

static int
net_linkinfo_cb(const struct nlattr *attr, void *data)
{
	bool *is_bridge = data;

	if (mnl_attr_get_type(attr) != IFLA_INFO_KIND)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	*is_bridge = strcmp(mnl_attr_get_str(attr), "bridge") == 0;
	return MNL_CB_OK;
}

static int
net_link_attr_cb(const struct nlattr *attr, void *data)
{
	struct net_link_info *info = data;

	if (mnl_attr_get_type(attr) != IFLA_LINKINFO)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	return mnl_attr_parse_nested(attr, net_linkinfo_cb, &info->is_bridge);
}

/* Parses the single RTM_NEWLINK that answers an RTM_GETLINK by name. */
static int
net_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct net_link_info *info = data;
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	ifm = mnl_nlmsg_get_payload(nlh);
	if (ifm->ifi_index <= 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	info->ifindex = ifm->ifi_index;
	info->is_bridge = false;
	if (mnl_attr_parse(nlh, sizeof(*ifm), net_link_attr_cb, info) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* Read-only lookup of one link by (validated) name in the caller's netns. */
static int
net_link_query(const char *ifname, struct net_link_info *ret_info)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct net_link_info info = {.ifindex = 0};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	int r;

	if (!util_ifname_ok(ifname))
		return -EINVAL;
	nlh = net_msg_new(buf, RTM_GETLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	/* Keep the reply small: counters are not needed for a lookup. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = net_request(nlh, net_link_cb, &info);
	if (r < 0)
		return r;
	if (info.ifindex <= 0)
		return -EPROTO; /* acknowledged, but no link in the answer */
	*ret_info = info;
	return 0;
}

int
net_bridge_check(const char *bridge)
{
	struct net_link_info info;
	int r;

	r = net_link_query(bridge, &info);
	if (r < 0)
		return r;
	return info.is_bridge ? 0 : -ENOTTY;
}

/*
 * Set flags/master on an existing link found by (validated) name. Touches
 * only that link; master > 0 enslaves it to that ifindex.
 */
static int
net_link_set(const char *ifname, unsigned int flags, unsigned int change, int master)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!util_ifname_ok(ifname))
		return -EINVAL;
	nlh = net_msg_new(buf, RTM_NEWLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = flags;
	ifm->ifi_change = change;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return net_request(nlh, NULL, NULL);
}

int
net_delete_link(const char *ifname)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (!util_ifname_ok(ifname))
		return -EINVAL;
	/* Privileged: deletes exactly the named link in the caller's netns; the
	 * helper only names the veth it created (rollback). */
	nlh = net_msg_new(buf, RTM_DELLINK, 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return net_request(nlh, NULL, NULL);
}

/* An RTM_DELLINK notification of the link data points to (its ifindex): stop. */
static int
net_dellink_cb(const struct nlmsghdr *nlh, void *data)
{
	const int *ifindex = data;
	const struct ifinfomsg *ifm;

	if (nlh->nlmsg_type != RTM_DELLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg))
		return MNL_CB_OK;
	ifm = mnl_nlmsg_get_payload(nlh);
	return ifm->ifi_index == *ifindex ? MNL_CB_STOP : MNL_CB_OK;
}

static long
net_now_ms(void)
{
	struct timespec t;

	(void)clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Read-only: listens to the link notifications of the caller's namespace
 * (RTNLGRP_LINK, which any process may join) and looks ifname up by name;
 * it changes nothing. Subscribed before the lookup, so a deletion between
 * the two is still seen. A lost notification (ENOBUFS: the socket's queue
 * overran) is answered by another lookup.
 */
int
net_await_gone(const char *ifname, int timeout_ms)
{
	_cleanup_mnl_ struct mnl_socket *nl = NULL;
	_cleanup_free_ char *buf = NULL;
	struct net_link_info info;
	long end = net_now_ms() + timeout_ms;
	int r;

	if (!util_ifname_ok(ifname))
		return -EINVAL;
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (nl == NULL)
		return net_errno(EIO);
	if (mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		return net_errno(EIO);
	buf = malloc(NET_RECV_SIZE);
	if (buf == NULL)
		return -ENOMEM;
	for (bool look = true;;) {
		struct pollfd p = {.fd = mnl_socket_get_fd(nl), .events = POLLIN};
		long left = end - net_now_ms();
		ssize_t n;

		if (look) {
			r = net_link_query(ifname, &info);
			if (r == -ENODEV)
				return 0;
			if (r < 0)
				return r;
			look = false;
		}
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		n = mnl_socket_recvfrom(nl, buf, NET_RECV_SIZE);
		if (n < 0 && errno == ENOBUFS)
			look = true;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		/* Notifications carry sequence number and port id 0: nothing to check. */
		else if (n > 0 &&
		    mnl_cb_run(buf, (size_t)n, 0, 0, net_dellink_cb, &info.ifindex) == MNL_CB_STOP)
			return 0;
	}
}

/*
 * One queue each way, asked for: a veth is made with a queue per CPU and,
 * unless told, cut down to one once registered, and each end's cut waits
 * for an expedited RCU grace period under the RTNL lock (0.17 ms a
 * start here, issue 12). The result is the kernel's default, one real
 * queue; only raising it later with ethtool -L is given up.
 */
static void
net_put_one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

/*
 * One RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL creates both ends at once,
 * so there is never a host-side "eth0": the peer is born in the child's
 * namespace. EXCL makes an existing host_ifname -EEXIST instead of reusing
 * (and later deleting) somebody else's link.
 *
 * IFLA_NET_NS_PID rather than IFLA_NET_NS_FD: child_pid is the helper's own
 * child, not yet waited for, so the pid cannot be recycled and names exactly
 * that process (the kernel resolves it in the sender's pid namespace, which
 * is the one clone() returned it in). This holds as long as SIGCHLD is not
 * SIG_IGN (sanitize resets dispositions) and the helper has not reaped it.
 * If the child already died, the kernel refuses (-ESRCH) and nothing is made.
 * No /proc lookup and no extra fd are needed.
 */
static int
net_veth_new(const char *host_ifname, pid_t child_pid)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm, *peer_ifm;
	struct nlattr *linkinfo, *infodata, *peer;

	nlh = net_msg_new(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host_ifname);
	net_put_one_queue(nlh);

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	infodata = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* VETH_INFO_PEER's payload starts with a struct ifinfomsg (zeroed). */
	peer_ifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(peer_ifm, 0, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*peer_ifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, NET_CONTAINER_IFNAME);
	net_put_one_queue(nlh);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)child_pid);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, infodata);
	mnl_attr_nest_end(nlh, linkinfo);
	return net_request(nlh, NULL, NULL);
}

/*
 * Fail closed if child_pid shares our network namespace (a caller that
 * forgot CLONE_NEWNET): the peer "eth0" would otherwise be created on the
 * host side. Only /proc/self and /proc/<our child> are looked at.
 */
static int
net_child_netns_check(pid_t child_pid)
{
	char path[64];
	struct stat self, child;
	int n;

	n = snprintf(path, sizeof(path), "/proc/%ld/ns/net", (long)child_pid);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -EINVAL;
	if (stat("/proc/self/ns/net", &self) < 0)
		return -errno;
	/* ENOENT: no such process, or it already died (a zombie has no netns). */
	if (stat(path, &child) < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	if (self.st_dev == child.st_dev && self.st_ino == child.st_ino)
		return -EINVAL;
	return 0;
}

/*
 * A bridge port needs no address of its own: the bridge holds the host's.
 * With IPv6 on, each host end got a link-local address, its neighbour and
 * multicast traffic, and three routes in the host's table, which the kernel
 * walks on every link event: each start and stop paid for every other
 * running container (issue 12). The container's eth0 keeps its IPv6.
 * Privileged: writes one sysctl, of the link just created, in our own
 * network namespace; ifname passed util_ifname_ok (one path component, not
 * "." or "..") and is not one of the directory's two other entries. Best
 * effort: a host without IPv6 (ENOENT) or with /proc/sys read-only keeps
 * the kernel's default, which is only slower.
 */
static void
net_port_no_ipv6(const char *ifname)
{
	char path[sizeof("/proc/sys/net/ipv6/conf//disable_ipv6") + UTIL_IFNAME_MAX];
	_cleanup_close_ int fd = -1;

	if (strcmp(ifname, "all") == 0 || strcmp(ifname, "default") == 0)
		return;
	(void)snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		(void)util_write_full(fd, "1\n", 2);
}

int
net_create_veth(const char *host_ifname, const char *bridge, pid_t child_pid)
{
	struct net_link_info br;
	int r;

	if (!util_ifname_ok(host_ifname) || !util_ifname_ok(bridge) || child_pid <= 0)
		return -EINVAL;
	/* Look the bridge up before creating anything: a missing or wrong
	 * bridge costs no rollback. */
	r = net_link_query(bridge, &br);
	if (r < 0)
		return r;
	if (!br.is_bridge)
		return -ENOTTY;
	r = net_child_netns_check(child_pid);
	if (r < 0)
		return r;

	/* Privileged: creates only host_ifname here and "eth0" in the child's
	 * fresh netns (see net_veth_new()). */
	r = net_veth_new(host_ifname, child_pid);
	if (r < 0)
		return r;
	/* Before it is up: no address is made, no route added. */
	net_port_no_ipv6(host_ifname);

	/* Privileged: enslaves and ups only the link just created. The bridge
	 * is one the policy allowed; joining it is the point of the request. */
	r = net_link_set(host_ifname, IFF_UP, IFF_UP, br.ifindex);
	if (r < 0)
		goto fail;
	return 0;

fail:
	/* Deleting the host end removes the peer too: nothing is left. */
	(void)net_delete_link(host_ifname);
	return r;
}

/* ---- container side: runs inside the child's new network namespace ---- */

static uint32_t
net_mask(uint8_t prefix)
{
	return prefix == 0 ? 0 : htonl(~(uint32_t)0 << (32 - prefix));
}

static int
net_addr_add(int ifindex, struct in_addr address, uint8_t prefix)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	nlh = net_msg_new(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, address.s_addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, address.s_addr);
	/* /31 and /32 have no broadcast address (RFC 3021). */
	if (prefix <= 30)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, address.s_addr | ~net_mask(prefix));
	return net_request(nlh, NULL, NULL);
}

/* `ip route add default via GATEWAY dev eth0 src ADDRESS` (sh-nspawn's). */
static int
net_default_route_add(int ifindex, struct in_addr address, struct in_addr gateway)
{
	char buf[NET_REQ_SIZE] __attribute__((aligned(NLMSG_ALIGNTO))) = {0};
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	nlh = net_msg_new(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway.s_addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	mnl_attr_put_u32(nlh, RTA_PREFSRC, address.s_addr);
	return net_request(nlh, NULL, NULL);
}

/*
 * Inputs are checked before anything changes, so a bad request leaves the
 * namespace untouched. Prefix 0 is refused (a /0 "subnet" would make every
 * address on-link). The gateway must be on-link, i.e. inside
 * address/prefix and not the address itself: we return -ENETUNREACH rather
 * than adding a link-scope host route to it. The policy requires the
 * gateway to lie in the container's range, so an off-link gateway means a
 * mismatched request, and quietly routing to a host outside the subnet is
 * not something sh-nspawn did either (its `ip route add` fails the same way).
 */
static int
net_container_args_check(struct in_addr address, uint8_t prefix, bool has_gateway,
    struct in_addr gateway)
{
	uint32_t mask = net_mask(prefix);

	if (prefix == 0 || prefix > 32 || address.s_addr == INADDR_ANY)
		return -EINVAL;
	if (!has_gateway)
		return 0;
	if (gateway.s_addr == address.s_addr || gateway.s_addr == INADDR_ANY)
		return -EINVAL;
	if ((gateway.s_addr & mask) != (address.s_addr & mask))
		return -ENETUNREACH;
	return 0;
}

/*
 * Privileged, but only inside the container's own new network namespace
 * (the caller is the cloned child): it changes lo and eth0 there and adds
 * one address and one route there. The host's links are not visible from
 * this namespace, so nothing here can reach them. A failure half-way
 * leaves state only in that namespace, which dies with the child.
 */
int
net_setup_container(struct in_addr address, uint8_t prefix, bool has_gateway,
    struct in_addr gateway)
{
	struct net_link_info eth0;
	int r;

	r = net_container_args_check(address, prefix, has_gateway, gateway);
	if (r < 0)
		return r;
	r = net_link_set("lo", IFF_UP, IFF_UP, 0);
	if (r < 0)
		return r;
	r = net_link_query(NET_CONTAINER_IFNAME, &eth0);
	if (r < 0)
		return r;
	r = net_addr_add(eth0.ifindex, address, prefix);
	if (r < 0)
		return r;
	/* Up before the route: the kernel refuses a route via a down link. */
	r = net_link_set(NET_CONTAINER_IFNAME, IFF_UP, IFF_UP, 0);
	if (r < 0)
		return r;
	if (has_gateway)
		r = net_default_route_add(eth0.ifindex, address, gateway);
	return r;
}
