#!/usr/bin/env bash
# Installs what test/integration/proxy.test.ts runs: a real nginx (Debian's package)
# and a real podinfo (built from the Go module proxy). Idempotent: with both present
# it returns in well under a second.
#
#   bash .ci/install-proxy-tools.sh
#
# podinfo goes to $ORCHESTRATION_E2E_CACHE/proxy/bin (default ~/.cache/orchestration-e2e),
# outside the checkout; the test looks there. nginx comes from apt when no nginx is on
# PATH or in /usr/sbin. Debian's package never starts a system nginx in a container
# whose policy-rc.d denies service starts; the test runs its own, on loopback.
set -euo pipefail

# The module path has no /v6, so tagged versions are refused; this pseudo-version is podinfo 6.9.2.
PODINFO_MODULE="github.com/stefanprodan/podinfo/cmd/podinfo"
PODINFO_VERSION="v1.8.1-0.20250910200901-e86405a8674e"

cache="${ORCHESTRATION_E2E_CACHE:-$HOME/.cache/orchestration-e2e}/proxy"
bin="$cache/bin"
mkdir -p "$bin"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "install-proxy-tools: installing nginx (apt)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi

stamp="$bin/podinfo.stamp"
if [ -x "$bin/podinfo" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$PODINFO_MODULE@$PODINFO_VERSION" ]; then
    exit 0
fi
echo "install-proxy-tools: building podinfo $PODINFO_VERSION (about 30 s)"
# -trimpath drops the build info we'd check, so the stamp file records what was built.
GOBIN="$bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 \
    go install -trimpath -ldflags "-s -w" "$PODINFO_MODULE@$PODINFO_VERSION"
echo "$PODINFO_MODULE@$PODINFO_VERSION" >"$stamp"
