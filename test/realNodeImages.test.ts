import { strict as assert } from "assert";
import { createHash } from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerArchive, ImageSpec } from "../e2e/node/imageArchive";
import { IMAGES } from "../e2e/node/images";
import { NGINX_ENTRYPOINT } from "../e2e/node/nginxImage";
import { lddLibraries } from "../e2e/node/rootfs";
import { splitPath, tarball, withParents } from "../e2e/node/tar";
import { APP_DEFAULTS } from "../program/config";
import { PROXY_TEMPLATE, renderProxyConfig, substituteResolvers } from "../program/proxyConfig";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Lists a tar with the system's tar: `mode uid/gid size date time path`. */
function listTar(tar: Buffer): string[] {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tar-test-")), "t.tar");
    fs.writeFileSync(file, tar);
    const out = execFileSync("tar", ["--numeric-owner", "--utc", "-tvf", file], {
        encoding: "utf8",
    });
    return out.trim().split("\n");
}

const SPEC: ImageSpec = {
    references: ["example/app:1"],
    entrypoint: ["/bin/app"],
    env: { A: "1" },
    files: [{ path: "bin/app", type: "file", mode: 0o755, content: Buffer.from("#!/bin/sh\n") }],
};

/** The real node's images, made here without a registry (e2e/node): pure builders. */
describe("real node images (pure)", () => {
    it("writes a tar that the system's tar reads, owned by 0:0 at the epoch", () => {
        const tar = tarball(
            withParents([{ path: "a/b/c.txt", type: "file", content: Buffer.from("hi") }]),
        );
        const lines = listTar(tar);
        assert.equal(lines.length, 3);
        for (const line of lines) assert.match(line, / 0\/0 .* 1970-01-01 00:00 /);
        assert.match(lines[2], /^-rw-r--r-- 0\/0 +2 1970-01-01 00:00 a\/b\/c\.txt$/);
    });

    it("gives the same bytes for the same files, whatever their order", () => {
        const files = [
            { path: "x/1", type: "file" as const, content: Buffer.from("1") },
            { path: "y", type: "symlink" as const, target: "x/1" },
        ];
        assert.deepEqual(tarball(withParents(files)), tarball(withParents([...files].reverse())));
    });

    it("splits a long path into ustar's prefix and name, and refuses one too long", () => {
        const long = `${"d".repeat(120)}/file`;
        assert.deepEqual(splitPath(long), { prefix: "d".repeat(120), name: "file" });
        assert.ok(listTar(tarball([{ path: long, type: "file" }]))[0].endsWith(long));
        assert.throws(() => splitPath("e".repeat(300)), /"e{300}" is too long/);
        assert.throws(() => tarball([{ path: "/abs", type: "file" }]), /"\/abs" must be relative/);
    });

    it("builds a docker-archive: the manifest tags the references, the config names the layer by digest", () => {
        const archive = dockerArchive(SPEC);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "archive-test-"));
        fs.writeFileSync(path.join(dir, "a.tar"), archive.tar);
        execFileSync("tar", ["-xf", "a.tar"], { cwd: dir });
        const [manifest] = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
        assert.deepEqual(manifest.RepoTags, ["example/app:1"]);
        const config = fs.readFileSync(path.join(dir, manifest.Config));
        const layer = fs.readFileSync(path.join(dir, manifest.Layers[0]));
        assert.equal(archive.imageId, `sha256:${sha(config)}`);
        assert.equal(archive.layerDigest, `sha256:${sha(layer)}`);
        const parsed = JSON.parse(config.toString());
        assert.deepEqual(parsed.rootfs.diff_ids, [archive.layerDigest]);
        assert.deepEqual(parsed.config.Entrypoint, ["/bin/app"]);
        assert.deepEqual(parsed.config.Env, ["A=1"]);
        assert.equal(dockerArchive(SPEC).imageId, archive.imageId, "reproducible");
    });

    it("refuses a reference that is not repo/name:tag, and an empty entrypoint", () => {
        assert.throws(
            () => dockerArchive({ ...SPEC, references: ["Bad Name"] }),
            /"Bad Name" must look like/,
        );
        assert.throws(
            () => dockerArchive({ ...SPEC, entrypoint: [] }),
            /example\/app:1: 'entrypoint' is empty/,
        );
    });

    it("tags podinfo and nginx with exactly the images the program deploys by default", () => {
        assert.equal(IMAGES.podinfo, APP_DEFAULTS.backendImage);
        assert.equal(IMAGES.nginx, APP_DEFAULTS.proxyImage);
    });

    it("reads the libraries and the loader from ldd's output, not the vDSO", () => {
        const out = [
            "\tlinux-vdso.so.1 (0x00007ffd)",
            "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1d)",
            "\t/lib64/ld-linux-x86-64.so.2 (0x00007f1e)",
        ].join("\n");
        assert.deepEqual(lddLibraries(out), [
            "/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/ld-linux-x86-64.so.2",
        ]);
    });

    it("nginx's entrypoint renders the program's template with the resolv.conf nameservers, and nothing else", function () {
        if (!fs.existsSync("/bin/sh") || !fs.existsSync("/usr/bin/envsubst")) this.skip();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entrypoint-test-"));
        fs.mkdirSync(path.join(dir, "templates"));
        fs.mkdirSync(path.join(dir, "out"));
        const template = renderProxyConfig(8080, "apps", [
            { prefix: "/api/users/", serviceName: "u", servicePort: 80 },
        ]);
        fs.writeFileSync(path.join(dir, "templates", PROXY_TEMPLATE.fileName), template);
        fs.writeFileSync(path.join(dir, "entrypoint.sh"), NGINX_ENTRYPOINT, { mode: 0o755 });
        execFileSync("/bin/sh", [path.join(dir, "entrypoint.sh"), "true"], {
            env: {
                PATH: process.env.PATH,
                ...PROXY_TEMPLATE.env,
                NGINX_ENVSUBST_TEMPLATE_DIR: path.join(dir, "templates"),
                NGINX_ENVSUBST_OUTPUT_DIR: path.join(dir, "out"),
                host: "must-not-be-substituted",
            },
            stdio: "pipe",
        });
        const nameservers = fs
            .readFileSync("/etc/resolv.conf", "utf8")
            .split("\n")
            .map((l) => /^nameserver\s+(\S+)/.exec(l)?.[1])
            .filter((x): x is string => !!x);
        const rendered = fs.readFileSync(path.join(dir, "out", "default.conf"), "utf8");
        assert.equal(rendered, substituteResolvers(template, nameservers.join(" ")));
        assert.match(rendered, /proxy_set_header Host \$host;/);
    });
});
