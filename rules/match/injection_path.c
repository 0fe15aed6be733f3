/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The path-traversal and file-access detector behind the traversal;
 * keyword (injection.h). It reads a decoded value (the rule puts
 * web_decode before it) as a file API would: '\' is a separator as on
 * Windows, runs of separators and "./" segments collapse, a NUL ends a
 * name, case is ignored. It fires on
 *   - dot-dot steps that climb: three or more in a row ("../../../"), two
 *     at the start of a value or a path segment ("=../../x", "/../../x"),
 *     or any that lead into a system directory ("../etc/", "..\windows\");
 *     "....//" and Tomcat's "..;/" count as steps;
 *   - a sensitive file or directory named directly (the list below: Unix
 *     system files, /proc and /sys, Windows system files, web server,
 *     application and tool configuration, logs, keys, cloud metadata
 *     paths). Entries marked ROOTED (generic directories such as "var/www/")
 *     count only at a file-system root: at the start of a value, after a
 *     drive letter, a scheme ("file:///") or a dot-dot step; the others
 *     anywhere a path segment starts; entries marked STEPS (generic
 *     directories such as "tmp/" or "windows/") only where dot-dot steps
 *     lead. A directory marked ROOTED or STEPS needs a name after it.
 * The list is ours, written from the files servers and applications keep
 * secrets in; it is not copied from any rule set.
 *
 * Per-packet path: no allocation, no global mutable state; time is linear
 * in len times the list's length at the points where a path segment starts.
 */
#include <stddef.h>
#include <string.h>

#include "rules/match/injection.h"

enum path_entry_flags {
	PATH_ROOTED = 1u << 0, /* only at a file-system root */
	PATH_PREFIX = 1u << 1, /* a directory: whatever follows it */
	PATH_STEPS = 1u << 2,  /* a generic directory: only where dot-dot steps lead */
};

#define R  PATH_ROOTED
#define D  PATH_PREFIX
#define RD (PATH_ROOTED | PATH_PREFIX)
#define SD (PATH_STEPS | PATH_PREFIX)

/* One entry of the list: lower case, '/' as the separator; a trailing '/'
 * marks a directory (D). */
struct path_entry {
	const char *path;
	unsigned flags;
};

/*
 * The list, one array per first character (path_bucket() finds it), so a
 * path segment is compared with the entries that start like it only: a
 * JSON body starts a segment at every key and value. Unix system files,
 * /proc and /sys, Windows system files (a drive letter is a root:
 * c:\windows\win.ini), web servers', applications' and tools'
 * configuration, logs and keys, and cloud instance metadata paths.
 */
static const struct path_entry path_dollar[] = {
    {"$recycle.bin", 0},
};

static const struct path_entry path_dot[] = {
    {".htaccess", 0},
    {".htpasswd", 0},
    {".htdigest", 0},
    {".env", 0},
    {".git/", D},
    {".svn/", D},
    {".hg/", D},
    {".bzr/", D},
    {".ssh/", D},
    {".aws/", D},
    {".azure/", D},
    {".gcloud/", D},
    {".config/gcloud/", D},
    {".docker/", D},
    {".kube/", D},
    {".npmrc", 0},
    {".pypirc", 0},
    {".pgpass", 0},
    {".my.cnf", 0},
    {".netrc", 0},
    {".bash_history", 0},
    {".zsh_history", 0},
    {".mysql_history", 0},
    {".psql_history", 0},
    {".sh_history", 0},
    {".bashrc", 0},
    {".bash_profile", 0},
    {".bash_logout", 0},
    {".zshrc", 0},
    {".profile", 0},
    {".viminfo", 0},
    {".gitconfig", 0},
    {".git-credentials", 0},
    {".gnupg/", D},
    {".dockerenv", 0},
    {".boto", 0},
    {".s3cfg", 0},
    {".vault-token", 0},
    {".user.ini", 0},
};

static const struct path_entry path_a[] = {
    {"autoexec.bat", 0},      {"apache/conf/", D},	     {"apache2/conf/", D},
    {"apache24/conf/", D},    {"apache/logs/", D},	     {"appdata/", D},
    {"authorized_keys", 0},   {"apache2.conf", 0},	     {"access.log", 0},
    {"access_log", 0},	      {"applicationhost.config", 0}, {"app/etc/env.php", 0},
    {"app/etc/local.xml", 0}, {"appsettings.json", 0},	     {"auth.log", 0},
};

static const struct path_entry path_b[] = {
    {"boot/grub", D},
    {"boot/", SD},
    {"bin/", RD},
    {"boot.ini", 0},
};

static const struct path_entry path_c[] = {
    {"config.sys", R},	       {"catalina.out", 0},	   {"config.inc.php", 0},
    {"credentials.json", 0},   {"config/database.php", 0}, {"config/master.key", 0},
    {"config/credentials", D}, {"computemetadata/", D},
};

static const struct path_entry path_d[] = {
    {"dev/tcp/", RD},
    {"dev/udp/", RD},
    {"dev/fd/", RD},
    {"dev/mem", R},
    {"dev/kmem", R},
    {"dev/shm/", RD},
    {"dev/stdin", R},
    {"dev/stdout", R},
    {"dev/zero", R},
    {"dev/random", R},
    {"dev/urandom", R},
    {"dev/null", R},
    {"dev/tty", R},
    {"dev/sda", R},
    {"documents and settings/", D},
    {"database.yml", 0},
    {"docker-compose.yml", 0},
    {"debug.log", 0},
};

static const struct path_entry path_e[] = {
    {"etc/passwd", 0},	       {"etc/shadow", 0},
    {"etc/group", 0},	       {"etc/gshadow", 0},
    {"etc/hosts", 0},	       {"etc/hostname", 0},
    {"etc/issue", 0},	       {"etc/motd", 0},
    {"etc/master.passwd", 0},  {"etc/sudoers", 0},
    {"etc/crontab", 0},	       {"etc/fstab", 0},
    {"etc/mtab", 0},	       {"etc/resolv.conf", 0},
    {"etc/networks", 0},       {"etc/network/", D},
    {"etc/profile", 0},	       {"etc/bashrc", 0},
    {"etc/bash.bashrc", 0},    {"etc/environment", 0},
    {"etc/inittab", 0},	       {"etc/security/", D},
    {"etc/ssh/", D},	       {"etc/ssl/", D},
    {"etc/pki/", D},	       {"etc/mysql/", D},
    {"etc/my.cnf", 0},	       {"etc/php", D},
    {"etc/httpd/", D},	       {"etc/apache/", D},
    {"etc/apache2/", D},       {"etc/nginx/", D},
    {"etc/lighttpd/", D},      {"etc/tomcat", D},
    {"etc/postgresql/", D},    {"etc/redis", D},
    {"etc/mongod.conf", 0},    {"etc/samba/", D},
    {"etc/vsftpd", D},	       {"etc/proftpd", D},
    {"etc/exports", 0},	       {"etc/aliases", 0},
    {"etc/sysconfig/", D},     {"etc/init.d/", D},
    {"etc/rc.d/", D},	       {"etc/cron", D},
    {"etc/ld.so.", D},	       {"etc/os-release", 0},
    {"etc/lsb-release", 0},    {"etc/redhat-release", 0},
    {"etc/debian_version", 0}, {"etc/shells", 0},
    {"etc/login.defs", 0},     {"etc/pam.d/", D},
    {"etc/krb5", D},	       {"etc/openvpn/", D},
    {"etc/wireguard/", D},     {"etc/docker/", D},
    {"etc/kubernetes/", D},    {"etc/rancher/", D},
    {"etc/passwd-", 0},	       {"etc/sudoers.d/", D},
    {"etc/httpd.conf", 0},     {"etc/named.conf", 0},
    {"etc/bind/", D},	       {"etc/postfix/", D},
    {"etc/dovecot/", D},       {"etc/squid/", D},
    {"etc/haproxy/", D},       {"etc/ftpusers", 0},
    {"etc/netplan/", D},       {"etc/systemd/", D},
    {"etc/default/", D},       {"etc/apt/", D},
    {"etc/yum.repos.d/", D},   {"etc/timezone", 0},
    {"etc/machine-id", 0},     {"etc/ldap", D},
    {"etc/openldap/", D},      {"etc/sssd/", D},
    {"etc/vmware", D},	       {"etc/x11/", D},
    {"etc/hosts.allow", 0},    {"etc/hosts.deny", 0},
    {"etc/nsswitch.conf", 0},  {"etc/sysctl.conf", 0},
    {"etc/rc.local", 0},       {"etc/anacrontab", 0},
    {"etc/at.allow", 0},       {"etc/mail/", D},
    {"etc/elasticsearch/", D}, {"etc/grafana/", D},
    {"etc/gitlab/", D},	       {"etc/jenkins", D},
    {"error.log", 0},	       {"error_log", 0},
};

static const struct path_entry path_f[] = {
    {"ftp.log", 0},
};

static const struct path_entry path_h[] = {
    {"home/", SD},
    {"hiberfil.sys", 0},
    {"httpd.conf", 0},
    {"httpd-vhosts.conf", 0},
};

static const struct path_entry path_i[] = {
    {"inetpub/", RD}, {"inetpub/wwwroot/", D}, {"inetpub/logs/", D}, {"id_rsa", 0},
    {"id_dsa", 0},    {"id_ecdsa", 0},	       {"id_ed25519", 0},
};

static const struct path_entry path_k[] = {
    {"known_hosts", 0},
};

static const struct path_entry path_l[] = {
    {"library/preferences/", D}, {"lighttpd.conf", 0},	  {"laravel.log", 0},
    {"localsettings.php", 0},	 {"latest/meta-data", D}, {"latest/user-data", D},
    {"latest/api/token", 0},	 {"latest/dynamic/", D},
};

static const struct path_entry path_m[] = {
    {"mnt/", SD},
    {"mysql/my.ini", 0},
    {"mysql/data/", D},
    {"my.cnf", 0},
    {"my.ini", 0},
    {"meta-inf/", D},
    {"machine.config", 0},
    {"mongod.conf", 0},
    {"messages.log", 0},
    {"mysql.log", 0},
    {"mysql-bin.", D},
    {"metadata/instance", D},
    {"metadata/identity", D},
    {"metadata/v1", D},
};

static const struct path_entry path_n[] = {
    {"ntuser.dat", 0},
    {"nginx.conf", 0},
};

static const struct path_entry path_o[] = {
    {"opt/lampp/", D}, {"opt/xampp/", D}, {"opt/tomcat/", D}, {"opt/", SD}, {"openstack/latest", D},
};

static const struct path_entry path_p[] = {
    {"proc/", RD},
    {"proc/self/", D},
    {"proc/thread-self/", D},
    {"private/etc/", D},
    {"private/var/", D},
    {"pagefile.sys", 0},
    {"program files/", SD},
    {"program files (x86)/", SD},
    {"progra~1/", SD},
    {"programdata/", SD},
    {"php/php.ini", 0},
    {"php.ini", 0},
    {"php-fpm.conf", 0},
    {"php_errors.log", 0},
    {"php_error.log", 0},
    {"parameters.yml", 0},
    {"pg_hba.conf", 0},
    {"postgresql.conf", 0},
    {"php5.ini", 0},
    {"privkey.pem", 0},
    {"private.key", 0},
    {"passwd.bak", 0},
    {"proftpd.conf", 0},
};

static const struct path_entry path_r[] = {
    {"run/secrets/", RD},
    {"run/docker.sock", R},
    {"root/", RD},
    {"redis.conf", 0},
};

static const struct path_entry path_s[] = {
    {"sys/class/", RD},
    {"sys/kernel/", RD},
    {"sys/devices/", RD},
    {"sys/module/", RD},
    {"sys/firmware/", RD},
    {"sys/power/", RD},
    {"sys/fs/", RD},
    {"srv/www/", SD},
    {"sbin/", RD},
    {"system32/config/", D},
    {"system32/drivers/etc/", D},
    {"system32/inetsrv/", D},
    {"system32/logfiles/", D},
    {"system.ini", 0},
    {"system volume information", 0},
    {"sysprep.inf", 0},
    {"sysprep/", D},
    {"ssl_error_log", 0},
    {"ssl_access_log", 0},
    {"secrets.yml", 0},
    {"sites/default/settings.php", 0},
    {"storage/logs/", D},
    {"server.key", 0},
    {"service-account.json", 0},
    {"shadow.bak", 0},
    {"secure.log", 0},
};

static const struct path_entry path_t[] = {
    {"tmp/", SD},
    {"tomcat/conf/", D},
    {"tomcat-users.xml", 0},
    {"terraform.tfstate", 0},
};

static const struct path_entry path_u[] = {
    {"usr/local/etc/", D},
    {"usr/local/apache", D},
    {"usr/local/nginx/", D},
    {"usr/local/lib/php.ini", 0},
    {"usr/local/tomcat/", D},
    {"usr/local/", SD},
    {"usr/pkg/etc/", D},
    {"usr/share/tomcat", D},
    {"usr/bin/", RD},
    {"usr/sbin/", RD},
    {"usr/lib/", SD},
    {"usr/share/", SD},
    {"users/administrator/", D},
    {"users/default/", D},
    {"users/public/", SD},
    {"unattend.xml", 0},
};

static const struct path_entry path_v[] = {
    {"var/log/", D},	       {"var/run/secrets/", D}, {"var/run/docker.sock", 0},
    {"var/lib/mysql/", D},     {"var/lib/php", D},	{"var/lib/pgsql", D},
    {"var/lib/postgresql", D}, {"var/lib/docker/", D},	{"var/lib/redis", D},
    {"var/lib/mongodb", D},    {"var/mail/", D},	{"var/spool/", D},
    {"var/www/", RD},	       {"var/backups/", D},	{"var/cache/", SD},
    {"var/db/", SD},	       {"var/adm/", D},		{"var/tmp/", SD},
    {"var/lib/", SD},	       {"var/opt/", SD},	{"vsftpd.log", 0},
    {"vsftpd.conf", 0},
};

static const struct path_entry path_w[] = {
    {"windows/", SD},
    {"winnt/", SD},
    {"windows/win.ini", 0},
    {"windows/system.ini", 0},
    {"windows/repair/", D},
    {"windows/panther/", D},
    {"windows/debug/", D},
    {"windows/temp/", D},
    {"windows/windowsupdate.log", 0},
    {"windows/iis", D},
    {"windows/php.ini", 0},
    {"windows/my.ini", 0},
    {"win.ini", 0},
    {"wamp/", SD},
    {"wamp64/", SD},
    {"web.config", 0},
    {"wp-config.php", 0},
    {"web-inf/", D},
    {"wp-content/debug.log", 0},
};

static const struct path_entry path_x[] = {
    {"xampp/", RD},	      {"xampp/apache/", D},   {"xampp/php/", D}, {"xampp/mysql/", D},
    {"xampp/phpmyadmin/", D}, {"xampp/security/", D}, {"xferlog", 0},
};

struct path_bucket {
	const struct path_entry *entries;
	unsigned count;
};

#define PATH_BUCKET(c, name) [c] = {name, sizeof(name) / sizeof(name[0])}
static const struct path_bucket path_buckets[128] = {
    PATH_BUCKET('$', path_dollar), PATH_BUCKET('.', path_dot), PATH_BUCKET('a', path_a),
    PATH_BUCKET('b', path_b),	   PATH_BUCKET('c', path_c),   PATH_BUCKET('d', path_d),
    PATH_BUCKET('e', path_e),	   PATH_BUCKET('f', path_f),   PATH_BUCKET('h', path_h),
    PATH_BUCKET('i', path_i),	   PATH_BUCKET('k', path_k),   PATH_BUCKET('l', path_l),
    PATH_BUCKET('m', path_m),	   PATH_BUCKET('n', path_n),   PATH_BUCKET('o', path_o),
    PATH_BUCKET('p', path_p),	   PATH_BUCKET('r', path_r),   PATH_BUCKET('s', path_s),
    PATH_BUCKET('t', path_t),	   PATH_BUCKET('u', path_u),   PATH_BUCKET('v', path_v),
    PATH_BUCKET('w', path_w),	   PATH_BUCKET('x', path_x),
};
#undef PATH_BUCKET

#undef R
#undef D
#undef RD
#undef SD

static uint8_t path_lower(uint8_t c)
{
	if (c == '\\')
		return '/';
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* A byte that may be part of a file name (the ones that make "a..b" or "my_id_rsa" one name). */
static bool path_name_byte(uint8_t c)
{
	c = path_lower(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.' || c == '~' || c == '$' || c >= 0x80;
}

/* Past a run of separators and "./" segments from i. */
static uint32_t path_skip_separators(const uint8_t *d, uint32_t len, uint32_t i)
{
	for (;;) {
		while (i < len && path_lower(d[i]) == '/')
			i++;
		if (i + 1 < len && d[i] == '.' && path_lower(d[i + 1]) == '/')
			i += 2;
		else
			return i;
	}
}

/*
 * A name's template suffix at d[i] (".example", ".sample", ".dist",
 * ".template"): ".env.example" and "config.inc.php.dist" ship with the
 * application to be copied and hold no secret.
 */
static bool path_template_suffix(const uint8_t *d, uint32_t len, uint32_t i)
{
	static const char *const suffixes[] = {".example", ".sample", ".dist", ".template"};
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		size_t n = strlen(suffixes[k]);
		if (len - i < n)
			continue;
		size_t j = 0;
		while (j < n && path_lower(d[i + j]) == (uint8_t)suffixes[k][j])
			j++;
		if (j == n && (i + n == len || !path_name_byte(d[i + n]) || d[i + n] == '.'))
			return true;
	}
	return false;
}

/* True when entry matches d[i..): separators collapse, case is ignored, a directory may end the name. */
static bool path_entry_at(const uint8_t *d, uint32_t len, uint32_t i,
			  const struct path_entry *entry)
{
	const char *p = entry->path;
	for (; *p; p++) {
		if (*p == '/') {
			if (i >= len || path_lower(d[i]) != '/')
				return p[1] == '\0' && (i >= len || !path_name_byte(d[i])) &&
				       !(entry->flags & (PATH_ROOTED | PATH_STEPS));
			i = path_skip_separators(d, len, i);
			continue;
		}
		if (i >= len || path_lower(d[i]) != (uint8_t)*p)
			return false;
		i++;
	}
	if (entry->flags & PATH_PREFIX)
		return !(entry->flags & (PATH_ROOTED | PATH_STEPS)) ||
		       (i < len && path_name_byte(d[i]));
	if (i >= len)
		return true;
	uint8_t c = path_lower(d[i]);
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
		return false;
	return !path_template_suffix(d, len, i);
}

/*
 * Whether d[i] starts a path at a file-system root: what precedes the
 * separator run before it is no name (a '=', a quote, a drive's or a
 * scheme's ':') or is a dot-dot step. A run at the buffer's start is not
 * (http.uri's path starts there, and the web root is no file-system root).
 */
static bool path_rooted(const uint8_t *d, uint32_t i)
{
	if (i == 0 || path_lower(d[i - 1]) != '/')
		return false;
	uint32_t r = i - 1;
	while (r > 0 && (path_lower(d[r]) == '/' || (d[r] == '.' && path_lower(d[r + 1]) == '/' &&
						     path_lower(d[r - 1]) == '/')))
		r--;
	if (path_lower(d[r]) == '/')
		return false; /* the buffer's own leading '/': a URI path is rooted at the web root */
	if (d[r] == '.')
		return r > 0 && d[r - 1] == '.';
	if (r >= 1 && d[r] == ':' && path_lower(d[r - 1]) >= 'a' && path_lower(d[r - 1]) <= 'z')
		return true; /* c:\ and file:/// alike */
	return !path_name_byte(d[r]);
}

/* A sensitive entry at d[i] (a path segment starts there), honouring PATH_ROOTED. */
static bool path_sensitive_at(const uint8_t *d, uint32_t len, uint32_t i, bool after_steps)
{
	uint8_t first = path_lower(d[i]);
	int rooted = -1; /* not computed yet */
	if (first >= 128)
		return false;
	const struct path_bucket *bucket = &path_buckets[first];
	for (unsigned e = 0; e < bucket->count; e++) {
		const struct path_entry *entry = &bucket->entries[e];
		if (!path_entry_at(d, len, i, entry))
			continue;
		if (after_steps || !(entry->flags & (PATH_ROOTED | PATH_STEPS)))
			return true;
		if (entry->flags & PATH_STEPS)
			continue;
		if (rooted < 0)
			rooted = path_rooted(d, i);
		if (rooted)
			return true;
	}
	return false;
}

/* A segment may start after these (and at the start of the buffer). */
static bool path_segment_start(const uint8_t *d, uint32_t i)
{
	if (i == 0)
		return true;
	uint8_t c = path_lower(d[i - 1]);
	return c == '/' || c == '=' || c == '"' || c == '\'' || c == ':' || c == '`' || c == 0 ||
	       c == '(' || c == ',';
}

/*
 * The dot-dot step starting at d[i] ("..", "....", then '/', '\', ";/"):
 * the index just past its separators, or 0 when there is none.
 */
static uint32_t path_step(const uint8_t *d, uint32_t len, uint32_t i)
{
	uint32_t j = i;
	while (j < len && d[j] == '.')
		j++;
	if (j - i < 2 || (i > 0 && path_name_byte(d[i - 1]) && d[i - 1] != '.'))
		return 0;
	if (j < len && d[j] == ';' && j + 1 < len && path_lower(d[j + 1]) == '/')
		j++;
	if (j >= len || path_lower(d[j]) != '/')
		return 0;
	return path_skip_separators(d, len, j);
}

/* Steps in a row from d[i]; *end: where the run ends. */
static unsigned path_steps(const uint8_t *d, uint32_t len, uint32_t i, uint32_t *end)
{
	unsigned n = 0;
	uint32_t next;
	while (i < len && (next = path_step(d, len, i)) != 0) {
		n++;
		i = next;
	}
	*end = i;
	return n;
}

bool injection_traversal(const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		if (c == '.' && i + 1 < len && data[i + 1] == '.') {
			uint32_t end;
			unsigned steps = path_steps(data, len, i, &end);
			if (steps == 0) {
				/* Past the whole run: a long run of dots must cost its length once. */
				while (i + 1 < len && data[i + 1] == '.')
					i++;
				continue;
			}
			uint8_t before = i ? path_lower(data[i - 1]) : '=';
			if (steps >= 3 || (steps >= 2 && (before == '/' || before == '=')))
				return true;
			if (end < len && path_sensitive_at(data, len, end, true))
				return true;
			i = end - 1;
			continue;
		}
		if (path_segment_start(data, i) && path_sensitive_at(data, len, i, false))
			return true;
	}
	return false;
}
