/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vigil's command line: the options of a run and of its subcommands
 * (--check, --ipset-export, --ipset-import), parsed once by main. A wrong
 * option ends the process with usage (log_fatal()).
 */
#ifndef VIGIL_PLATFORM_OPTIONS_H
#define VIGIL_PLATFORM_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#define OPTIONS_MAX_LIST 64

/* no progress for this long: the pcap device gave up */

struct options {
	const char *board_path;
	const char *rules[OPTIONS_MAX_LIST];
	unsigned rule_count;
	const char *overrides[OPTIONS_MAX_LIST];
	unsigned override_count;
	const char *pcap;
	const char *out;
	const char *stats_json;
	const char *eve;
	const char *policy;	  /* --policy FILE: beats [rules] policy_file */
	bool check;		  /* --check: load and compile the rules, report, exit */
	bool check_list;	  /* --check-list: also one line per refused rule */
	const char *filter;	  /* --filter FILE (else the board's [filter] file) */
	const char *ipset_export; /* --ipset-export NAME: print that set of the filter file */
	const char *ipset_import; /* --ipset-import FILE: read a set list, print it */
	const char *ipset_format; /* --format aws|text */
	double duration;	  /* seconds, 0: until a signal */
};

/* Print the usage text to out. */
void options_usage(FILE *out);

/* Parse argv into o; ends the process on a wrong option (or prints help and exits). */
void options_parse(int argc, char **argv, struct options *o);

#endif
