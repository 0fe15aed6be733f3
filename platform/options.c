/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's command line (see options.h).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "platform/log.h"
#include "platform/options.h"

void options_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: vigil --board FILE [--rules FILE ...] [--policy FILE] [--filter FILE]\n"
	    "             [--pcap IN --out OUT] [--eve FILE] [--set SECTION.KEY=VALUE ...]\n"
	    "             [--stats-json FILE] [--duration SECONDS]\n"
	    "       vigil --rules FILE ... [--policy FILE] --check [--board FILE]\n"
	    "       vigil --filter FILE --check\n"
	    "       vigil --ipset-export NAME --filter FILE [--format aws|text]\n"
	    "       vigil --ipset-import FILE [--format aws|text]\n"
	    "\n"
	    "  --board FILE        the deployment: ports, lcores, mode (board/*.conf)\n"
	    "  --rules FILE ...    Suricata-compatible rule files\n"
	    "  --policy FILE       operator policy: enable/disable, actions, exceptions, rate\n"
	    "                      limits (overrides [rules] policy_file)\n"
	    "  --eve FILE          append EVE JSON alert lines to FILE\n"
	    "  --check             load and compile the rules, report what did not load, exit\n"
	    "  --check-list        the same, and one line per refused rule\n"
	    "  --filter FILE       the filter file: ACL, stateful rules, IP sets, domain lists\n"
	    "                      (SIGHUP re-reads it; a bad file is refused, the old one stays)\n"
	    "  --pcap IN --out OUT offline boards: read IN, write what passes to OUT\n"
	    "  --set S.K=V         override a board setting, e.g. --set board.mode=ids,\n"
	    "                      --set \"port inside.device=net_af_packet0,iface=eth1\"\n"
	    "  --stats-json FILE   write the final counters as JSON\n"
	    "  --duration SECONDS  stop after this long (live boards)\n"
	    "\n"
	    "Stops on SIGINT or SIGTERM (offline boards: at the end of IN) and prints a summary.\n"
	    "SIGUSR1 releases every source blocked by a rate limit.\n");
}

void options_parse(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"board", required_argument, NULL, 'b'},
	    {"rules", required_argument, NULL, 'r'},
	    {"pcap", required_argument, NULL, 'p'},
	    {"out", required_argument, NULL, 'o'},
	    {"set", required_argument, NULL, 's'},
	    {"stats-json", required_argument, NULL, 'j'},
	    {"duration", required_argument, NULL, 'd'},
	    {"eve", required_argument, NULL, 'e'},
	    {"policy", required_argument, NULL, 'P'},
	    {"check", no_argument, NULL, 'c'},
	    {"check-list", no_argument, NULL, 'L'},
	    {"filter", required_argument, NULL, 'f'},
	    {"ipset-export", required_argument, NULL, 'X'},
	    {"ipset-import", required_argument, NULL, 'I'},
	    {"format", required_argument, NULL, 'F'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c, last = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	/* "-" keeps non-option words in place, so "--rules a b c" takes all three. */
	while ((c = getopt_long(argc, argv, "-h", longopts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (last != 'r')
				log_fatal("unexpected argument \"%s\" (see --help)", optarg);
			/* fall through */
		case 'r':
			if (o->rule_count == OPTIONS_MAX_LIST)
				log_fatal("--rules: more than %d files", OPTIONS_MAX_LIST);
			o->rules[o->rule_count++] = optarg;
			c = 'r';
			break;
		case 'b':
			o->board_path = optarg;
			break;
		case 'p':
			o->pcap = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 's':
			if (o->override_count == OPTIONS_MAX_LIST)
				log_fatal("--set: more than %d overrides", OPTIONS_MAX_LIST);
			o->overrides[o->override_count++] = optarg;
			break;
		case 'j':
			o->stats_json = optarg;
			break;
		case 'd':
			o->duration = strtod(optarg, &end);
			if (*end || o->duration <= 0)
				log_fatal("--duration: \"%s\" is not a positive number of seconds",
					  optarg);
			break;
		case 'e':
			o->eve = optarg;
			break;
		case 'P':
			o->policy = optarg;
			break;
		case 'c':
			o->check = true;
			break;
		case 'L':
			o->check = o->check_list = true;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'X':
			o->ipset_export = optarg;
			break;
		case 'I':
			o->ipset_import = optarg;
			break;
		case 'F':
			o->ipset_format = optarg;
			break;
		case 'h':
			options_usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			options_usage(stderr);
			exit(EXIT_FAILURE);
		}
		last = c;
	}
	if (o->ipset_export || o->ipset_import)
		return;
	if (!o->board_path && !o->check)
		log_fatal("--board FILE is required (see --help)");
	if (o->check && o->rule_count == 0 && !o->filter)
		log_fatal("--check needs --rules FILE ... or --filter FILE");
}
