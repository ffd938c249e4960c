import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BACKEND_SERVICE_PORT, BACKENDS, PROXY } from "../../program/appShape";
import { RESOLVER_VALID_SECONDS, substituteResolvers } from "../../program/proxyConfig";
import { evaluateStack } from "../stacks";
import { requireBinary } from "../tools";
import { LoopbackDns } from "./dnsServer";
import {
    findBinary,
    freePort,
    get,
    PROXY_TOOLS_BIN,
    startNginx,
    startPodinfo,
    Started,
    waitFor,
} from "./loopbackProcesses";

/**
 * The proxy's config as the local stack deploys it, run by a real nginx in
 * front of real podinfo backends, all on loopback. Names resolve through a
 * DNS responder of the test's own, standing in for the cluster DNS.
 *
 * What differs from a pod: the resolver address (what the image's entrypoint
 * substitutes from /etc/resolv.conf), and the ports, so that nothing needs
 * root or a fixed port: nginx listens on 127.0.0.1:<free port> instead of
 * :8080, and the backends' Service port 80 becomes a free port. The test
 * asserts those are the only edits.
 */
const INSTALL = "bash .ci/install-proxy-tools.sh";
const NAMESPACE = "apps";
const fqdn = (service: string) => `${service}.${NAMESPACE}.svc.cluster.local`;
const [USERS, FEED] = BACKENDS;

/** The ConfigMap's template, exactly as the local stack registers it. */
async function deployedTemplate(): Promise<string> {
    const { mocks } = await evaluateStack("local");
    const data = mocks.one("kubernetes:core/v1:ConfigMap").inputs.data;
    return data["default.conf.template"];
}

/** Replaces `from` with `to`, asserting it occurs exactly `times` times. */
function replaceExactly(text: string, from: string, to: string, times: number): string {
    const parts = text.split(from);
    assert.equal(parts.length - 1, times, `expected ${times} × ${JSON.stringify(from)}`);
    return parts.join(to);
}

/** The template as nginx runs it here: the entrypoint's substitution plus the loopback ports. */
function loopbackConfig(template: string, resolver: string, ports: Ports): string {
    let conf = substituteResolvers(template, resolver);
    conf = replaceExactly(conf, `listen ${PROXY.port};`, `listen 127.0.0.1:${ports.proxy};`, 1);
    for (const b of BACKENDS) {
        const occurrences = b === USERS ? 2 : 1; // the users backend also answers /api/health
        const host = fqdn(b.name);
        conf = replaceExactly(
            conf,
            `${host}:${BACKEND_SERVICE_PORT};`,
            `${host}:${ports.backend};`,
            occurrences,
        );
    }
    return conf;
}

interface Ports {
    proxy: number;
    backend: number;
}

describe("the reverse proxy, for real: nginx and podinfo on loopback", function () {
    const dns = new LoopbackDns();
    const started: Started[] = [];
    let dir: string;
    let ports: Ports;
    let podinfo: string;
    let nginx: Started;
    let base: string;

    before(async function () {
        const nginxBin = requireBinary(
            this,
            "nginx",
            findBinary("nginx", ["/usr/sbin/nginx"]),
            INSTALL,
        );
        podinfo = requireBinary(
            this,
            "podinfo",
            findBinary("podinfo", [path.join(PROXY_TOOLS_BIN, "podinfo")]),
            INSTALL,
        );
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-test-"));
        ports = { proxy: await freePort("127.0.0.1"), backend: await freePort("127.0.0.2") };
        const resolver = await dns.start();
        dns.set(fqdn(USERS.name), "127.0.0.2");
        dns.set(fqdn(FEED.name), "127.0.0.3");
        for (const [b, host] of [
            [USERS, "127.0.0.2"],
            [FEED, "127.0.0.3"],
        ] as const) {
            started.push(await startPodinfo(podinfo, podinfoOptions(host, b.message, b.name)));
        }
        const conf = loopbackConfig(await deployedTemplate(), resolver, ports);
        base = `http://127.0.0.1:${ports.proxy}`;
        nginx = await startNginx(nginxBin, path.join(dir, "nginx"), conf, `${base}/healthz`);
        started.push(nginx);
    });

    after(async function () {
        for (const p of started.reverse()) {
            await p.stop();
        }
        await dns.stop();
        if (dir) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    function podinfoOptions(host: string, message: string, name: string) {
        return { host, port: ports.backend, message, dataDir: path.join(dir, name, host) };
    }

    it("answers its own readiness and liveness probes", async () => {
        for (const probe of ["/healthz", "/livez"]) {
            assert.deepEqual(await get(`${base}${probe}`), { status: 200, body: "ok\n" });
        }
    });

    it("answers /api/health from the users backend's /healthz, found through the resolver", async () => {
        const reply = await get(`${base}/api/health`);
        assert.equal(reply.status, 200, reply.body);
        assert.deepEqual(JSON.parse(reply.body), { status: "OK" });
        assert.ok(dns.queries.includes(fqdn(USERS.name)), JSON.stringify(dns.queries));
    });

    it("routes each /api/<name>/ to its backend, with the prefix stripped", async () => {
        for (const b of BACKENDS) {
            const root = await get(`${base}${b.prefix}`);
            assert.equal(root.status, 200, root.body);
            assert.equal(JSON.parse(root.body).message, b.message);
            const version = await get(`${base}${b.prefix}version`);
            assert.equal(version.status, 200, version.body);
            assert.equal(JSON.parse(version.body).version, "6.9.2", "podinfo's /version");
        }
    });

    it("answers 404 for anything else", async () => {
        for (const p of ["/", "/api/", "/api/unknown/", "/users/"]) {
            assert.deepEqual(await get(`${base}${p}`), { status: 404, body: "no route\n" }, p);
        }
    });

    it("follows a backend restarted at a new address, without restarting nginx", async () => {
        const pidFile = path.join(dir, "nginx", "nginx.pid");
        const pid = fs.readFileSync(pidFile, "utf8");
        await started[0].stop(); // the users backend at 127.0.0.2
        const moved = `${USERS.message} (moved)`;
        started.push(await startPodinfo(podinfo, podinfoOptions("127.0.0.4", moved, USERS.name)));
        dns.set(fqdn(USERS.name), "127.0.0.4"); // as a recreated Service gets a new ClusterIP
        const reply = await waitFor(
            `${base}${USERS.prefix}`,
            (r) => r.status === 200 && JSON.parse(r.body).message === moved,
            (RESOLVER_VALID_SECONDS + 10) * 1000,
        );
        assert.equal(JSON.parse(reply.body).message, moved);
        assert.equal((await get(`${base}/api/health`)).status, 200);
        assert.equal(JSON.parse((await get(`${base}${FEED.prefix}`)).body).message, FEED.message);
        assert.equal(nginx.child.exitCode, null, "nginx kept running");
        assert.equal(fs.readFileSync(pidFile, "utf8"), pid, "the same nginx master");
    });
});
