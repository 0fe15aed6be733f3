/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule keyword table: one row per keyword, added by the register
 * function of the keyword's family (kw_meta.c, kw_content.c, ...), all
 * called once from rule_keywords_init(). The table is filled before the
 * first rule is parsed and never changes afterwards, so workers read it
 * without locks. What each keyword does is left to its family's file.
 */
#include <stdio.h>
#include <string.h>

#include "rules/lang/keyword.h"

struct rule_keyword rule_keywords[RULE_KEYWORD_MAX];
unsigned rule_keyword_count;

/*
 * Add a row; returns its index, or -1 when the table is full or the name is
 * already taken (a programming error, reported on stderr once at start-up).
 */
int rule_keyword_register(const struct rule_keyword *keyword)
{
	if (rule_keyword_find(keyword->name, NULL)) {
		fprintf(stderr, "rules: keyword \"%s\" registered twice\n", keyword->name);
		return -1;
	}
	if (rule_keyword_count >= RULE_KEYWORD_MAX) {
		fprintf(stderr, "rules: keyword table full at \"%s\"\n", keyword->name);
		return -1;
	}
	rule_keywords[rule_keyword_count] = *keyword;
	return (int)rule_keyword_count++;
}

const struct rule_keyword *rule_keyword_find(const char *name, int *index)
{
	for (unsigned i = 0; i < rule_keyword_count; i++) {
		if (strcmp(rule_keywords[i].name, name) != 0)
			continue;
		if (index)
			*index = (int)i;
		return &rule_keywords[i];
	}
	return NULL;
}

/* Start-up only (control lcore, before workers run): not thread-safe. */
void rule_keywords_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	kw_meta_register();
	kw_buffer_register();
	kw_content_register();
	kw_pcre_register();
	kw_byte_register();
	kw_flow_register();
	kw_xbits_register();
	kw_event_register();
	kw_entropy_register();
	kw_base64_register();
	kw_checksum_register();
	kw_absent_register();
	kw_tag_register();
	kw_asn1_register();
	kw_packet_register();
	kw_threshold_register();
	kw_app_register();
	kw_injection_register();
	kw_dns_register();
	kw_tls_register();
	kw_file_register();
	kw_ftp_register();
	kw_dcerpc_register();
	kw_mqtt_register();
	kw_krb5_register();
	kw_enip_register();
	kw_ldap_register();
	kw_snmp_register();
	kw_nfs_register();
	kw_http2_register();
	kw_frame_register();
	kw_unsupported_register();
}
