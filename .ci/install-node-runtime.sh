#!/usr/bin/env bash
# Installs what the e2e suite's real node runs on (test/e2e/realnode.test.ts,
# e2e/node/): containerd, runc and the CNI plugins, and the netfilter tools the
# egress guard, kube-proxy and the teardown use. Debian's packages, installed
# without recommends; Debian's policy-rc.d keeps the package's containerd
# service from starting, and the suite starts its own. Idempotent: with every
# package present it returns in well under a second.
#
#   bash .ci/install-node-runtime.sh
set -euo pipefail

packages="containerd runc containernetworking-plugins iptables nftables conntrack"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=" $p"
done
[ -z "$missing" ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-node-runtime: installing$missing (apt)"
$sudo apt-get update -qq
# shellcheck disable=SC2086 # one package per word
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
