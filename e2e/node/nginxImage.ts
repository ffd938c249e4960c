/**
 * The proxy's image, built from Debian's nginx: the same contract as the
 * official unprivileged images that the program relies on (program/proxyConfig.ts).
 * Its entrypoint renders `/etc/nginx/templates/*.template` into
 * `/etc/nginx/conf.d` with envsubst, substituting only the variables
 * `NGINX_ENVSUBST_FILTER` matches, after setting `NGINX_LOCAL_RESOLVERS` to
 * the nameservers of /etc/resolv.conf when `NGINX_ENTRYPOINT_LOCAL_RESOLVERS`
 * is set; then nginx runs in the foreground, as any user, pid and temp files in /tmp.
 */

/** The entrypoint script (POSIX sh: dash, grep and envsubst are in the image). */
export const NGINX_ENTRYPOINT = `#!/bin/sh
set -eu
if [ -n "\${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ]; then
    resolvers=""
    while read -r key value _; do
        [ "$key" = nameserver ] || continue
        case $value in *:*) value="[$value]" ;; esac
        resolvers="\${resolvers:+$resolvers }$value"
    done </etc/resolv.conf
    NGINX_LOCAL_RESOLVERS=$resolvers
    export NGINX_LOCAL_RESOLVERS
fi
filter=\${NGINX_ENVSUBST_FILTER:-}
defined=""
while read -r word assignment; do
    [ "$word" = export ] || continue
    name=\${assignment%%=*}
    if [ -z "$filter" ] || printf '%s\\n' "$name" | grep -Eq -- "$filter"; then
        defined="$defined \\\${$name}"
    fi
done <<END
$(export -p)
END
templates=\${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=\${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
output=\${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
for template in "$templates"/*"$suffix"; do
    [ -f "$template" ] || continue
    name=\${template##*/}
    envsubst "$defined" <"$template" >"$output/\${name%"$suffix"}"
    echo "entrypoint: rendered $output/\${name%"$suffix"}" >&2
done
exec "$@"
`;

/** nginx.conf: one http block including conf.d, everything writable in /tmp. */
export const NGINX_CONF = `worker_processes 1;
error_log stderr notice;
pid /tmp/nginx.pid;
events { worker_connections 1024; }
http {
    client_body_temp_path /tmp/client_temp;
    proxy_temp_path /tmp/proxy_temp;
    fastcgi_temp_path /tmp/fastcgi_temp;
    uwsgi_temp_path /tmp/uwsgi_temp;
    scgi_temp_path /tmp/scgi_temp;
    default_type application/octet-stream;
    access_log /dev/stdout;
    sendfile on;
    keepalive_timeout 65;
    include /etc/nginx/conf.d/*.conf;
}
`;

/** /etc/passwd and /etc/group with nginx's unprivileged user (101) and nobody. */
export const NGINX_ACCOUNTS = {
    passwd: "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/nonexistent:/bin/false\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    group: "root:x:0:\nnginx:x:101:\nnogroup:x:65534:\n",
};
