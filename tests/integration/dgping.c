/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dgping ADDR: one ICMP echo through an ICMP datagram socket (what iputils
 * ping uses when net.ipv4.ping_group_range allows it, needing no privilege),
 * waiting up to 3 s for the reply. Exit 0 on a reply. Built static by
 * 80-userns.sh and run inside a userns container, whose root has no
 * CAP_NET_RAW over the network namespace (busybox 1.35 ping needs a raw socket).
 */
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	struct icmphdr req = {.type = ICMP_ECHO}, rep;
	struct pollfd p;
	int fd;

	if (argc != 2 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: dgping IPV4ADDR\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		perror("dgping: socket");
		return 1;
	}
	req.un.echo.sequence = htons(1);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("dgping: sendto");
		return 1;
	}
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	if (poll(&p, 1, 3000) != 1 || recv(fd, &rep, sizeof(rep), 0) < (ssize_t)sizeof(rep) ||
	    rep.type != ICMP_ECHOREPLY) {
		fprintf(stderr, "dgping: no reply from %s\n", argv[1]);
		return 1;
	}
	printf("reply from %s\n", argv[1]);
	return 0;
}
