#!/usr/bin/env bash
# Builds the end-to-end toolchain from the Go module proxy: a Pulumi CLI and its
# Node.js, Python, Go and YAML language hosts, an SDK generator, the Kubernetes
# provider plugin, a Kubernetes control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl), KWOK, metrics-server and helm
# (for the e2e benchmark); a real node's kubelet and kube-proxy, with CoreDNS and
# podinfo for its images (e2e/node); and, from PyPI, a Python venv with the Pulumi SDK for
# the Python consumer. Versions live in versions.json beside this file.
#
#   e2e/toolchain/build.sh           build what is missing or stale, one line per binary
#   e2e/toolchain/build.sh --check   exit 0 if everything is built and current, else 1
#   e2e/toolchain/build.sh --bin-dir print the directory the binaries go to
#
# The cache lives outside the checkout: $ORCHESTRATION_E2E_CACHE, by default
# ~/.cache/orchestration-e2e. Each binary has a recipe stamp beside it (module,
# version, flags), so a second run builds nothing and a version bump rebuilds
# only what it touches. Go's own caches (GOMODCACHE, GOCACHE) are reused.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
versions="$here/versions.json"
cache="${ORCHESTRATION_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orchestration-e2e}"
bin="$cache/bin"
src="$cache/src"
logs="$cache/logs"
# Bump when the build steps below change in a way that changes the binaries.
recipe_rev=1

v() { node -e "const v=require(process.argv[1]);const r=process.argv[2].split('.').reduce((o,k)=>o[k],v);process.stdout.write(Array.isArray(r)?r.join(' '):String(r))" "$versions" "$1"; }

k8s_ver=$(v kubernetes.version)
k8s_staging=$(v kubernetes.stagingVersion)
etcd_ver=$(v etcd.version)
kwok_ver=$(v kwok.version)
ms_ver=$(v metricsServer.version)
pulumi_ver=$(v pulumi.version)
pulumi_replaces=$(v pulumi.replaces)
lang_ver=$(v pulumiLanguageNodejs.version)
prov_ver=$(v pulumiKubernetes.version)
prov_stamp=$(v pulumiKubernetes.stampAs)
yaml_ver=$(v pulumiYaml.version)
go_lang_ver=$(v pulumiLanguageGo.version)
py_requirements=$(v python.requirements)
sdkgen_src="$here/sdkgen/main.go"
helm_ver=$(v helm.version)
podinfo_mod=$(v podinfo.module)
podinfo_ver=$(v podinfo.version)
coredns_ver=$(v coredns.version)
coredns_src="$here/coredns/main.go"

k8s_minor=${k8s_ver#v1.}
k8s_minor=${k8s_minor%%.*}
# A fixed build date keeps the recipe (and so the stamp) reproducible.
k8s_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    k8s_ldflags+=" -X $pkg.gitVersion=$k8s_ver -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor"
    k8s_ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=2026-01-01T00:00:00Z"
done
pulumi_ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_ver"
lang_ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$lang_ver"
go_lang_ldflags="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$go_lang_ver"
prov_ldflags="-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$prov_stamp"
helm_ldflags="-X helm.sh/helm/v3/internal/version.version=$helm_ver"

k8s_staging_modules="api apiextensions-apiserver apimachinery apiserver cli-runtime client-go cloud-provider
 cluster-bootstrap code-generator component-base component-helpers controller-manager cri-api cri-client
 csi-translation-lib dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator
 kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics mount-utils
 pod-security-admission sample-apiserver sample-cli-plugin sample-controller"

# The v3.68.0 host reads Pulumi.yaml's runtime options from flags; the CLI
# (since about v3.100) passes them in the Run request instead, which this host
# doesn't know. Without the flag it runs every program in TypeScript mode, loading
# the compiler and ts-node, even with `typescript: false`. This wrapper finds the
# project's Pulumi.yaml above the program directory (the host's cwd) and passes
# `typescript: false` and `nodeargs` on as flags, as a current host honours them.
host_options_wrapper() {
    cat <<'WRAPPER'
#!/bin/sh
dir=$PWD
while [ "$dir" != / ] && [ ! -f "$dir/Pulumi.yaml" ]; do dir=$(dirname "$dir"); done
nodeargs=$(sed -n 's/^[[:space:]][[:space:]]*nodeargs:[[:space:]]*//p' "$dir/Pulumi.yaml" 2>/dev/null | head -n 1)
case $nodeargs in \"*\" | \'*\') nodeargs=${nodeargs#?}; nodeargs=${nodeargs%?} ;; esac
if [ -n "$nodeargs" ]; then set -- "-nodeargs=$nodeargs" "$@"; fi
if grep -Eqs '^[[:space:]]+typescript:[[:space:]]*false[[:space:]]*$' "$dir/Pulumi.yaml"; then
    set -- -typescript=false "$@"
fi
exec "$0.bin" "$@"
WRAPPER
}

# name|recipe: what decides each binary. A binary whose stamp differs is rebuilt.
recipe() {
    case "$1" in
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) echo "k8s.io/kubernetes@$k8s_ver staging@$k8s_staging $k8s_ldflags" ;;
    etcd) echo "go.etcd.io/etcd/server/v3@$etcd_ver" ;;
    kwok | kwokctl) echo "sigs.k8s.io/kwok@$kwok_ver" ;;
    metrics-server) echo "sigs.k8s.io/metrics-server@$ms_ver" ;;
    pulumi) echo "github.com/pulumi/pulumi/pkg/v3@$pulumi_ver $pulumi_replaces $pulumi_ldflags" ;;
    pulumi-language-nodejs) echo "github.com/pulumi/pulumi/sdk/v3@$lang_ver $lang_ldflags wrapper=$(host_options_wrapper | sha256sum | cut -c1-16)" ;;
    pulumi-language-python) echo "github.com/pulumi/pulumi/sdk/v3@$lang_ver $lang_ldflags" ;;
    pulumi-language-yaml) echo "github.com/pulumi/pulumi-yaml@$yaml_ver" ;;
    pulumi-language-go) echo "github.com/pulumi/pulumi/sdk/v3@$go_lang_ver $go_lang_ldflags" ;;
    pulumi-sdkgen) echo "github.com/pulumi/pulumi/pkg/v3@$pulumi_ver $pulumi_replaces source=$(sha256sum "$sdkgen_src" | cut -c1-16)" ;;
    python-venv) echo "$(python3 --version 2>&1) $py_requirements" ;;
    pulumi-resource-kubernetes) echo "github.com/pulumi/pulumi-kubernetes/provider/v4@$prov_ver generate=$prov_stamp $prov_ldflags" ;;
    helm) echo "helm.sh/helm/v3@$helm_ver $helm_ldflags" ;;
    kubelet | kube-proxy) echo "k8s.io/kubernetes@$k8s_ver staging@$k8s_staging $k8s_ldflags node" ;;
    podinfo) echo "$podinfo_mod@$podinfo_ver" ;;
    coredns) echo "github.com/coredns/coredns@$coredns_ver source=$(sha256sum "$coredns_src" | cut -c1-16)" ;;
    *) return 1 ;;
    esac
}
all_binaries="etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kwokctl metrics-server
 pulumi pulumi-language-nodejs pulumi-language-python pulumi-language-yaml pulumi-language-go pulumi-sdkgen
 pulumi-resource-kubernetes helm python-venv kubelet kube-proxy podinfo coredns"

stamp_of() { echo "rev=$recipe_rev go=$(go env GOVERSION) $(recipe "$1")"; }
# What a binary brings beside it, which must be there too.
companion() {
    case "$1" in
    metrics-server) echo "$bin/metrics-server-manifests/overlays/release" ;;
    pulumi-language-nodejs) echo "$bin/pulumi-resource-pulumi-nodejs" ;;
    pulumi-language-python) echo "$bin/pulumi-language-python-exec" ;;
    python-venv) echo "$bin/python-venv/bin/python" ;;
    *) echo "$bin/$1" ;;
    esac
}
current() {
    [ -x "$bin/$1" ] && [ -e "$(companion "$1")" ] && [ -f "$bin/.$1.stamp" ] &&
        [ "$(cat "$bin/.$1.stamp")" = "$(stamp_of "$1")" ]
}

case "${1:-}" in
--bin-dir)
    echo "$bin"
    exit 0
    ;;
--check)
    missing=""
    command -v go >/dev/null || {
        echo "toolchain: Go is not installed" >&2
        exit 1
    }
    for b in $all_binaries; do current "$b" || missing+=" $b"; done
    if [ -n "$missing" ]; then
        echo "toolchain: missing or stale:$missing (run npm run e2e:toolchain)" >&2
        exit 1
    fi
    exit 0
    ;;
"") ;;
*)
    echo "usage: $0 [--check|--bin-dir]" >&2
    exit 2
    ;;
esac

command -v go >/dev/null || {
    echo "toolchain: Go is not installed; it is needed to build the e2e toolchain" >&2
    exit 1
}
mkdir -p "$bin" "$src" "$logs"
exec 9>"$cache/.lock"
flock 9

export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
build_flags=(-trimpath)

# A throwaway wrapper module that requires the target at its pinned version.
# Most of these main modules carry replace directives, so `go install pkg@v`
# is refused; a wrapper requires them instead, restating the non-local
# replaces, and blank-imports the packages it needs so `go mod tidy` keeps them.
wrapper() { # dir module version "imports..." "path=new@ver..." "extra requires..."
    local dir=$1 module=$2 version=$3 imports=$4 replaces=${5:-} requires=${6:-}
    rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
    go mod init "orchestration.e2e/wrapper" >/dev/null 2>&1
    go mod edit -require="$module@$version"
    for r in $requires; do go mod edit -require="$r"; done
    for r in $replaces; do go mod edit -replace="$r"; done
    {
        echo "//go:build tools"
        echo
        echo "package tools"
        echo
        echo "import ("
        for i in $imports; do echo "	_ \"$i\""; done
        echo ")"
    } >tools.go
    go mod tidy
}

# The module directory of a package in the wrapper's build list. (`go list -m`
# needs the module's .info, which the proxy doesn't serve for every pseudo-version.)
module_dir() { go list -f '{{.Module.Dir}}' "$1"; }

build_kubernetes() {
    local requires="" s
    for s in $k8s_staging_modules; do requires+=" k8s.io/$s@$k8s_staging"; done
    wrapper "$src/kubernetes" k8s.io/kubernetes "$k8s_ver" \
        "k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl" \
        "" "$requires"
    recipe kubectl >.recipe
}
build_k8s_binary() { # name
    # The four share one wrapper module, made once per recipe.
    [ "$(cat "$src/kubernetes/.recipe" 2>/dev/null)" = "$(recipe kubectl)" ] || build_kubernetes
    cd "$src/kubernetes"
    go build "${build_flags[@]}" -ldflags "-s -w $k8s_ldflags" -o "$bin/$1" "k8s.io/kubernetes/cmd/$1"
}

# The node's two: a wrapper of their own (the control plane's go.sum lacks their
# dependencies), at the same versions, so Go's build cache serves most packages.
build_node_binary() { # name
    local dir="$src/kubernetes-node"
    if [ "$(cat "$dir/.recipe" 2>/dev/null)" != "$(recipe kubelet)" ]; then
        local requires="" s
        for s in $k8s_staging_modules; do requires+=" k8s.io/$s@$k8s_staging"; done
        wrapper "$dir" k8s.io/kubernetes "$k8s_ver" \
            "k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy" "" "$requires"
        recipe kubelet >.recipe
    fi
    cd "$dir"
    go build "${build_flags[@]}" -ldflags "-s -w $k8s_ldflags" -o "$bin/$1" "k8s.io/kubernetes/cmd/$1"
}

build_one() { # name
    case "$1" in
    kubelet | kube-proxy) build_node_binary "$1" ;;
    podinfo)
        GOBIN="$bin" go install "${build_flags[@]}" -ldflags "-s -w" "$podinfo_mod/cmd/podinfo@$podinfo_ver"
        ;;
    coredns)
        # Our own main (toolchain/coredns/main.go) over the pinned module: the plugins we use only.
        wrapper "$src/coredns" github.com/coredns/coredns "$coredns_ver" github.com/coredns/coredns/coremain
        rm tools.go && install -m 0644 "$coredns_src" main.go && go mod tidy
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/coredns" .
        ;;
    kube-apiserver | kube-controller-manager | kube-scheduler | kubectl) build_k8s_binary "$1" ;;
    etcd)
        # The module root is the main package; it requires its siblings at the same version.
        wrapper "$src/etcd" go.etcd.io/etcd/server/v3 "$etcd_ver" go.etcd.io/etcd/server/v3
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
        ;;
    kwok | kwokctl)
        wrapper "$src/kwok" sigs.k8s.io/kwok "$kwok_ver" "sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl"
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/$1" "sigs.k8s.io/kwok/cmd/$1"
        ;;
    metrics-server)
        wrapper "$src/metrics-server" sigs.k8s.io/metrics-server "$ms_ver" sigs.k8s.io/metrics-server/cmd/metrics-server
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server
        # Its kustomize manifests (the APIService, RBAC) ship in the module zip.
        rm -rf "$bin/metrics-server-manifests"
        cp -r "$(module_dir sigs.k8s.io/metrics-server/cmd/metrics-server)/manifests" "$bin/metrics-server-manifests"
        chmod -R u+w "$bin/metrics-server-manifests"
        ;;
    pulumi)
        wrapper "$src/pulumi" github.com/pulumi/pulumi/pkg/v3 "$pulumi_ver" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
            "$pulumi_replaces" "github.com/pulumi/pulumi/sdk/v3@$pulumi_ver"
        go build "${build_flags[@]}" -ldflags "-s -w $pulumi_ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
        ;;
    pulumi-language-nodejs)
        # The standalone language-host module is not served; sdk/v3 up to v3.68.0 still holds it.
        wrapper "$src/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3 "$lang_ver" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
        go build "${build_flags[@]}" -ldflags "-s -w $lang_ldflags" -o "$bin/pulumi-language-nodejs.bin" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
        host_options_wrapper >"$bin/pulumi-language-nodejs"
        chmod 0755 "$bin/pulumi-language-nodejs"
        # The shim that runs Node.js providers (and policy packs) ships beside the host.
        local dist
        dist="$(module_dir github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)/nodejs/dist"
        for f in pulumi-resource-pulumi-nodejs pulumi-analyzer-policy; do
            [ -f "$dist/$f" ] && install -m 0755 "$dist/$f" "$bin/$f"
        done
        ;;
    pulumi-language-python)
        wrapper "$src/pulumi-language-python" github.com/pulumi/pulumi/sdk/v3 "$lang_ver" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
        go build "${build_flags[@]}" -ldflags "-s -w $lang_ldflags" -o "$bin/pulumi-language-python" github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
        # The host runs programs through this shim, which ships beside it.
        install -m 0755 "$(module_dir github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python)/python/cmd/pulumi-language-python-exec" "$bin/pulumi-language-python-exec"
        ;;
    pulumi-language-yaml)
        wrapper "$src/pulumi-language-yaml" github.com/pulumi/pulumi-yaml "$yaml_ver" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/pulumi-language-yaml" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
        ;;
    pulumi-language-go)
        wrapper "$src/pulumi-language-go" github.com/pulumi/pulumi/sdk/v3 "$go_lang_ver" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go
        go build "${build_flags[@]}" -ldflags "-s -w $go_lang_ldflags" -o "$bin/pulumi-language-go" github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go
        ;;
    pulumi-sdkgen)
        # Our own small command over pkg/v3's code generators (see sdkgen/main.go).
        local dir="$src/pulumi-sdkgen"
        wrapper "$dir" github.com/pulumi/pulumi/pkg/v3 "$pulumi_ver" github.com/pulumi/pulumi/pkg/v3/codegen/python \
            "$pulumi_replaces" "github.com/pulumi/pulumi/sdk/v3@$pulumi_ver"
        rm tools.go && install -m 0644 "$sdkgen_src" main.go && go mod tidy
        go build "${build_flags[@]}" -ldflags "-s -w" -o "$bin/pulumi-sdkgen" .
        ;;
    python-venv)
        command -v python3 >/dev/null || { echo "python3 is not installed" >&2; return 1; }
        rm -rf "$bin/python-venv"
        python3 -m venv "$bin/python-venv"
        # shellcheck disable=SC2086 # one requirement per word
        "$bin/python-venv/bin/pip" install --quiet --disable-pip-version-check $py_requirements
        ;;
    pulumi-resource-kubernetes)
        # main.go go:embeds schema files that upstream generates and the module
        # zip lacks: copy the command into the wrapper and generate them here.
        local dir="$src/pulumi-resource-kubernetes" cmd
        wrapper "$dir" github.com/pulumi/pulumi-kubernetes/provider/v4 "$prov_ver" github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider
        cmd="$(module_dir github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider)/cmd/pulumi-resource-kubernetes"
        for f in main.go generate.go schema.json terraform-mapping.json; do install -m 0644 "$cmd/$f" "$dir/$f"; done
        go mod tidy
        VERSION="$prov_stamp" go run generate.go
        go build "${build_flags[@]}" -ldflags "-s -w $prov_ldflags" -o "$bin/pulumi-resource-kubernetes" .
        ;;
    helm)
        # Only for the e2e benchmark's `helm install --wait` (bench/e2e).
        wrapper "$src/helm" helm.sh/helm/v3 "$helm_ver" helm.sh/helm/v3/cmd/helm
        go build "${build_flags[@]}" -ldflags "-s -w $helm_ldflags" -o "$bin/helm" helm.sh/helm/v3/cmd/helm
        ;;
    esac
}

total_start=$SECONDS
built=0
for b in $all_binaries; do
    if current "$b"; then
        printf 'toolchain: %-28s up to date\n' "$b"
        continue
    fi
    start=$SECONDS
    log="$logs/$b.log"
    # In the background, not under `if`: bash ignores `set -e` in a subshell whose status is tested.
    rc=0
    (build_one "$b") >"$log" 2>&1 &
    wait $! || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "toolchain: FAILED to build $b from $(recipe "$b" | cut -d' ' -f1); last lines of $log:" >&2
        tail -n 25 "$log" >&2
        exit 1
    fi
    stamp_of "$b" >"$bin/.$b.stamp"
    built=$((built + 1))
    printf 'toolchain: %-28s built in %ds\n' "$b" $((SECONDS - start))
done
printf 'toolchain: %d built, %d up to date, %ds in all; binaries in %s\n' \
    "$built" $(($(echo $all_binaries | wc -w) - built)) $((SECONDS - total_start)) "$bin"
