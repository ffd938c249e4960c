import * as fs from "fs";
import * as path from "path";
import { APP_DEFAULTS } from "../../program/config";
import { exec } from "../proc";
import { dockerArchive, ImageSpec } from "./imageArchive";
import { NGINX_ACCOUNTS, NGINX_CONF, NGINX_ENTRYPOINT } from "./nginxImage";
import { binariesWithLibraries, hostFile, textFile } from "./rootfs";

/**
 * The real node's images, built here from local binaries and tagged with
 * exactly the references the stacks deploy, so a pod finds them without a
 * registry. Each is a single-layer docker-archive (imageArchive.ts).
 */

/** The references the node's images carry. */
export const IMAGES = {
    /** The sandbox image: a static C program that waits for a signal. */
    pause: "orchestration-e2e/pause:1",
    /** podinfo, tagged as the program's default backend image. */
    podinfo: APP_DEFAULTS.backendImage,
    /** The same podinfo, another tag, another colour in its answers: a rollout's target. */
    podinfoNext: "orchestration-e2e/podinfo:next",
    /** An image whose entrypoint does not exist: its containers never start. */
    podinfoBroken: "orchestration-e2e/podinfo:broken",
    /** nginx from Debian, tagged as the program's default proxy image. */
    nginx: APP_DEFAULTS.proxyImage,
    /** The cluster DNS. */
    coredns: "orchestration-e2e/coredns:1.15.0",
} as const;

/** The colour `podinfoNext` answers with (podinfo's `color` field), telling its pods apart. */
export const NEXT_COLOR = "#00a000";

/** The binaries the images are made of. */
export interface ImageInputs {
    /** A static podinfo. */
    podinfo: string;
    /** A static CoreDNS. */
    coredns: string;
    /** A static pause, from {@link buildPause}. */
    pause: string;
    /** Debian's nginx. @default "/usr/sbin/nginx" */
    nginx?: string;
}

const PAUSE_C = `#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void reap(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
static void quit(int s) { (void)s; _exit(0); }
int main(void) {
    signal(SIGINT, quit);
    signal(SIGTERM, quit);
    signal(SIGCHLD, reap);
    for (;;) pause();
}
`;

/** Compiles the pause program statically into `dir`. */
export async function buildPause(dir: string): Promise<string> {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "pause.c"), PAUSE_C);
    const out = path.join(dir, "pause");
    await exec("gcc", ["-static", "-Os", "-s", "-o", out, path.join(dir, "pause.c")]);
    return out;
}

function podinfoSpecs(bin: string): ImageSpec[] {
    const base = {
        workingDir: "/home/app",
        user: "10000:10000",
        files: [
            hostFile(bin, "/home/app/podinfo", 0o755),
            { path: "data", type: "dir" as const, mode: 0o777 },
            { path: "tmp", type: "dir" as const, mode: 0o1777 },
        ],
    };
    return [
        { ...base, references: [IMAGES.podinfo], entrypoint: ["/home/app/podinfo"] },
        {
            ...base,
            references: [IMAGES.podinfoNext],
            entrypoint: ["/home/app/podinfo"],
            env: { PODINFO_UI_COLOR: NEXT_COLOR },
        },
        { ...base, references: [IMAGES.podinfoBroken], entrypoint: ["/home/app/missing"] },
    ];
}

async function nginxSpec(nginx: string): Promise<ImageSpec> {
    const binaries = await binariesWithLibraries([
        [nginx, "/usr/sbin/nginx"],
        ["/usr/bin/dash", "/bin/sh"],
        ["/usr/bin/grep", "/usr/bin/grep"],
        ["/usr/bin/envsubst", "/usr/bin/envsubst"],
    ]);
    return {
        references: [IMAGES.nginx],
        entrypoint: ["/docker-entrypoint.sh"],
        cmd: ["nginx", "-g", "daemon off;"],
        env: { PATH: "/usr/sbin:/usr/bin:/bin" },
        user: "101:101",
        files: [
            ...binaries,
            textFile("/docker-entrypoint.sh", NGINX_ENTRYPOINT, 0o755),
            textFile("/etc/nginx/nginx.conf", NGINX_CONF),
            textFile("/etc/passwd", NGINX_ACCOUNTS.passwd),
            textFile("/etc/group", NGINX_ACCOUNTS.group),
            { path: "etc/nginx/conf.d", type: "dir", mode: 0o777 },
            { path: "etc/nginx/templates", type: "dir" },
            { path: "tmp", type: "dir", mode: 0o1777 },
        ],
    };
}

/** Every image of the node, as specs. */
export async function imageSpecs(inputs: ImageInputs): Promise<ImageSpec[]> {
    return [
        {
            references: [IMAGES.pause],
            entrypoint: ["/pause"],
            files: [hostFile(inputs.pause, "/pause", 0o755)],
        },
        ...podinfoSpecs(inputs.podinfo),
        await nginxSpec(inputs.nginx ?? "/usr/sbin/nginx"),
        {
            references: [IMAGES.coredns],
            entrypoint: ["/coredns"],
            files: [hostFile(inputs.coredns, "/coredns", 0o755)],
        },
    ];
}

/** Writes each image's docker-archive into `dir`; returns the files. */
export async function writeImages(inputs: ImageInputs, dir: string): Promise<string[]> {
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (const spec of await imageSpecs(inputs)) {
        const file = path.join(dir, `${spec.references[0].replace(/[/:]/g, "_")}.tar`);
        fs.writeFileSync(file, dockerArchive(spec).tar);
        files.push(file);
    }
    return files;
}
