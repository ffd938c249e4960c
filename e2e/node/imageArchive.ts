import { createHash } from "crypto";
import { TarEntry, tarball, withParents } from "./tar";

/**
 * A single-layer image in the format `docker save` writes (a docker-archive:
 * `manifest.json`, a config JSON and one `layer.tar`), which `ctr images
 * import` loads. Pure and reproducible: the same spec gives the same bytes,
 * so the same image ID every time.
 */

/** What an image runs and holds. */
export interface ImageSpec {
    /** The references it is tagged with, exactly as a pod spec names it (`repo/name:tag`). */
    references: string[];
    /** The command the container runs. */
    entrypoint: string[];
    /** The entrypoint's default arguments. @default none */
    cmd?: string[];
    /** Environment of the process. @default none */
    env?: Record<string, string>;
    /** `uid[:gid]` the process runs as, unless the pod says otherwise. @default root */
    user?: string;
    /** The process's working directory. @default "/" */
    workingDir?: string;
    /** The files of its one layer; parent directories are added. */
    files: TarEntry[];
}

/** A built archive, with the digests a registry or containerd would show. */
export interface ImageArchive {
    /** The docker-archive tar. */
    tar: Buffer;
    /** `sha256:<hex>` of the config: the image ID. */
    imageId: string;
    /** `sha256:<hex>` of the uncompressed layer (its diff ID). */
    layerDigest: string;
}

function sha256(data: Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function checkSpec(spec: ImageSpec): void {
    if (spec.references.length === 0) {
        throw new Error("an image needs at least one reference in 'references'");
    }
    for (const ref of spec.references) {
        if (!/^[a-z0-9][a-z0-9._/-]*:[\w][\w.-]{0,127}$/.test(ref)) {
            throw new Error(`image reference ${JSON.stringify(ref)} must look like repo/name:tag`);
        }
    }
    if (spec.entrypoint.length === 0) {
        throw new Error(`image ${spec.references[0]}: 'entrypoint' is empty`);
    }
}

/** The image config (OCI/Docker image JSON), with fixed dates. */
function imageConfig(spec: ImageSpec, layerDigest: string): Buffer {
    const config = {
        architecture: "amd64",
        os: "linux",
        created: "1970-01-01T00:00:00Z",
        config: {
            Entrypoint: spec.entrypoint,
            ...(spec.cmd ? { Cmd: spec.cmd } : {}),
            Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
            User: spec.user ?? "",
            WorkingDir: spec.workingDir ?? "/",
        },
        rootfs: { type: "layers", diff_ids: [layerDigest] },
    };
    return Buffer.from(JSON.stringify(config));
}

/** Builds the docker-archive of `spec`. */
export function dockerArchive(spec: ImageSpec): ImageArchive {
    checkSpec(spec);
    const layer = tarball(withParents(spec.files));
    const layerHex = sha256(layer);
    const config = imageConfig(spec, `sha256:${layerHex}`);
    const configHex = sha256(config);
    const manifest = [
        {
            Config: `${configHex}.json`,
            RepoTags: spec.references,
            Layers: [`${layerHex}/layer.tar`],
        },
    ];
    const tar = tarball([
        { path: layerHex, type: "dir" },
        { path: `${layerHex}/layer.tar`, type: "file", content: layer },
        { path: `${configHex}.json`, type: "file", content: config },
        { path: "manifest.json", type: "file", content: Buffer.from(JSON.stringify(manifest)) },
    ]);
    return { tar, imageId: `sha256:${configHex}`, layerDigest: `sha256:${layerHex}` };
}
