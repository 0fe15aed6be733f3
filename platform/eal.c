/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL start-up from a board. Virtual devices (names starting "net_") are
 * handed to the EAL as --vdev, anything else as a PCI allow-list entry, so
 * the same board format serves the lab, the offline board and bare metal.
 * Port configuration is left to platform/port.c.
 */
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include "dataplane/handoff.h"
#include "platform/eal.h"
#include "platform/log.h"

#define EAL_MAX_ARGS 96

int eal_port_device(const struct board *board, unsigned i, const struct eal_vars *vars, char *out,
		    size_t out_len, char *err, size_t err_len)
{
	char workers[16], missing[64];
	snprintf(workers, sizeof(workers), "%u", board->worker_count);
	const char *table[] = {"workers", workers, "pcap", vars->pcap, "out", vars->out, NULL};
	const struct board_port *port = &board->ports[i];

	int rc = board_expand(port->device, table, out, out_len, missing, sizeof(missing));
	if (rc == -ENOENT) {
		const char *hint = strcmp(missing, "pcap") == 0	 ? " (give --pcap FILE)"
				   : strcmp(missing, "out") == 0 ? " (give --out FILE)"
								 : " (known: workers, pcap, out)";
		snprintf(err, err_len, "%s:%u: error: [port %s] device: ${%s} has no value%s",
			 board->path, port->device_line, port->name, missing, hint);
	} else if (rc < 0) {
		snprintf(err, err_len, "%s:%u: error: [port %s] device: too long once expanded",
			 board->path, port->device_line, port->name);
	}
	return rc;
}

void eal_device_name(const char *device, char *out, size_t out_len)
{
	snprintf(out, out_len, "%.*s", (int)strcspn(device, ","), device);
}

static int eal_push(char **argv, int *argc, char *arg)
{
	if (*argc >= EAL_MAX_ARGS - 1)
		return -E2BIG;
	argv[(*argc)++] = arg;
	return 0;
}

/* Does the board's extra EAL text name --lcores (as its own word)? */
static bool eal_extra_has_lcores(const char *extra)
{
	for (const char *p = strstr(extra, "--lcores"); p; p = strstr(p + 1, "--lcores"))
		if ((p == extra || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[8] == '\0' || p[8] == '=' || p[8] == ' ' || p[8] == '\t'))
			return true;
	return false;
}

int eal_start(const struct board *board, const struct eal_vars *vars, const char *program,
	      char *err, size_t err_len)
{
	static char lcores[512], memory[16], log_level[48], extra[sizeof(board->eal_extra)];
	static char devices[BOARD_MAX_PORTS][BOARD_DEVICE_MAX];
	char *argv[EAL_MAX_ARGS];
	int argc = 0, rc = 0;

	int n = snprintf(lcores, sizeof(lcores), "%u", board->control_lcore);
	for (unsigned i = 0; i < board->worker_count; i++)
		n += snprintf(lcores + n, sizeof(lcores) - n, ",%u", board->worker_lcores[i]);
	snprintf(memory, sizeof(memory), "%u", board->memory_mb);
	snprintf(log_level, sizeof(log_level), "%s", board->log_level);

	rc |= eal_push(argv, &argc, (char *)program);
	/* An --lcores in [eal] extra maps the lcores to CPUs itself (several
	 * lcores on one CPU, in a lab with fewer CPUs than lcores) and replaces
	 * the -l list: given both, the EAL keeps the first and ignores --lcores. */
	if (!eal_extra_has_lcores(board->eal_extra)) {
		rc |= eal_push(argv, &argc, "-l");
		rc |= eal_push(argv, &argc, lcores);
	}
	static char main_lcore[16];
	snprintf(main_lcore, sizeof(main_lcore), "%u", board->control_lcore);
	rc |= eal_push(argv, &argc, "--main-lcore");
	rc |= eal_push(argv, &argc, main_lcore);
	rc |= eal_push(argv, &argc, "--file-prefix");
	rc |= eal_push(argv, &argc, (char *)board->file_prefix);
	rc |= eal_push(argv, &argc, "--log-level");
	rc |= eal_push(argv, &argc, log_level);
	if (board->no_huge)
		rc |= eal_push(argv, &argc, "--no-huge");
	if (!board->telemetry)
		rc |= eal_push(argv, &argc, "--no-telemetry");
	if (board->no_pci)
		rc |= eal_push(argv, &argc, "--no-pci");
	if (board->memory_mb) {
		rc |= eal_push(argv, &argc, "-m");
		rc |= eal_push(argv, &argc, memory);
	}
	for (unsigned i = 0; i < board->port_count; i++) {
		int erc =
		    eal_port_device(board, i, vars, devices[i], sizeof(devices[i]), err, err_len);
		if (erc < 0)
			return erc;
		rc |= eal_push(argv, &argc, strncmp(devices[i], "net_", 4) == 0 ? "--vdev" : "-a");
		rc |= eal_push(argv, &argc, devices[i]);
	}
	snprintf(extra, sizeof(extra), "%s", board->eal_extra);
	for (char *save, *tok = strtok_r(extra, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save))
		rc |= eal_push(argv, &argc, tok);
	if (rc) {
		snprintf(err, err_len, "%s: error: too many EAL arguments", board->path);
		return -E2BIG;
	}
	argv[argc] = NULL;

	/* The queue handoff of a fail-open (dataplane/handoff.h), before the
	 * EAL starts threads: registering a process of one thread is
	 * immediate, one of several waits for an RCU grace period (50 ms). */
	int barrier = handoff_init();
	if (barrier < 0)
		log_warning("no membarrier (%s): workers fence before every burst instead",
			    strerror(-barrier));
	if (rte_eal_init(argc, argv) < 0) {
		snprintf(err, err_len,
			 "%s: error: DPDK EAL start failed: %s (check [eal] and [lcores])",
			 board->path, rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/*
 * The EAL leaves its runtime folder (/var/run/dpdk/PREFIX: config, memory
 * segment lists, a few MB) behind. vigil runs as the only, primary process
 * of its prefix, so once the EAL is down nothing else can be using it.
 */
static void eal_remove_runtime_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_type == DT_REG || e->d_type == DT_SOCK)
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	rmdir(dir);
}

void eal_stop(void)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0])
		eal_remove_runtime_dir(dir);
}
