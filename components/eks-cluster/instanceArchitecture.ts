import type { Check } from "../shared/validation";

/**
 * The processor architecture of an EC2 instance type, read from its name.
 * Pure: nothing here talks to AWS, so a type the nodes' AMI can't run is
 * refused at preview, not at CreateNodegroup.
 *
 * An instance type is `<family>.<size>`. Its family is a series (letters), a
 * generation (digits) and options (letters, sometimes digits or a hyphen):
 * `m7gd` is series `m`, generation 7, options `gd`. AWS Graviton (arm64)
 * families carry a `g` right after the generation (m7g, c7gn, r8g, t4g, x2gd,
 * im4gn, is4gen, hpc7g); `a1` is the first Graviton. Every other family is
 * x86_64 (Intel `i`, AMD `a`, or no processor letter). A `g` that starts the
 * series is not Graviton: g4dn and g5 are NVIDIA GPU families on x86_64.
 */

/** A processor architecture a general-purpose EKS AMI type exists for. */
export type CpuArchitecture = "x86_64" | "arm64";

/** An instance family split into its parts. */
export interface InstanceFamily {
    /** The letters before the generation, such as `m`, `im`, `inf`. */
    series: string;
    /** The generation number. */
    generation: number;
    /** What follows the generation, such as `gd`, `i-flex`, `tb1`. */
    options: string;
}

/** The architecture of an instance type, or why EksCluster refuses it. */
export type InstanceArchitecture =
    | { architecture: CpuArchitecture; refused?: undefined }
    | { architecture?: undefined; refused: string };

/** Series of accelerated families, with what they accelerate with. */
export const ACCELERATED_SERIES: Readonly<Record<string, string>> = {
    g: "GPUs",
    gr: "GPUs",
    p: "GPUs",
    inf: "AWS Inferentia chips",
    trn: "AWS Trainium chips",
    dl: "deep-learning accelerators",
    f: "FPGAs",
    vt: "video transcoding accelerators",
};

/** `series`, an optional hyphen (`u-6tb1`), `generation`, `options`. */
const FAMILY = /^([a-z]+)-?(\d+)([a-z0-9-]*)$/;

/** The family of `instanceType` (the part before the dot), split; undefined if it isn't one. */
export function parseInstanceFamily(instanceType: string): InstanceFamily | undefined {
    const match = FAMILY.exec(instanceType.split(".")[0]);
    if (match === null) {
        return undefined;
    }
    return { series: match[1], generation: Number(match[2]), options: match[3] };
}

/**
 * The processor architecture of `instanceType`, or the reason EksCluster
 * refuses it: an accelerated family (its accelerators need an accelerated AMI
 * type and a device plugin, and ScalableService requests no accelerators), a
 * Mac, or a name whose family can't be read.
 */
export function instanceArchitecture(instanceType: string): InstanceArchitecture {
    const family = parseInstanceFamily(instanceType);
    if (family === undefined) {
        return { refused: "has no instance family EksCluster can read an architecture from" };
    }
    const accelerator = ACCELERATED_SERIES[family.series];
    if (accelerator !== undefined) {
        return {
            refused:
                `is an accelerated family (${accelerator}): EksCluster runs the standard AL2023 AMI types and installs no device plugin, ` +
                "so the accelerators would go unused; pick a general-purpose family (x86_64 such as t3 or m7i, arm64 such as t4g or m7g)",
        };
    }
    if (family.series === "mac") {
        return { refused: "is a Mac instance, which can't be an EKS node" };
    }
    const graviton =
        family.options.startsWith("g") || (family.series === "a" && family.generation === 1);
    return { architecture: graviton ? "arm64" : "x86_64" };
}

/**
 * The one architecture of a node group's instance types (each already a
 * well-formed instance type). Records an issue for each type EksCluster
 * refuses, and one for a list that mixes x86_64 and arm64: a managed node
 * group runs one AMI type. Returns x86_64 when nothing valid is listed.
 */
export function nodeGroupArchitecture(instanceTypes: string[], check: Check): CpuArchitecture {
    const byArchitecture: Record<CpuArchitecture, string[]> = { x86_64: [], arm64: [] };
    instanceTypes.forEach((type, i) => {
        const found = instanceArchitecture(type);
        if (
            check(
                found.refused === undefined,
                `nodeGroup.instanceTypes[${i}]`,
                type,
                found.refused ?? "",
            )
        ) {
            byArchitecture[found.architecture!].push(type);
        }
    });
    const { x86_64: x86, arm64: arm } = byArchitecture;
    check(
        x86.length === 0 || arm.length === 0,
        "nodeGroup.instanceTypes",
        instanceTypes,
        `mix x86_64 and arm64: ${x86.join(", ")} ${x86.length > 1 ? "are" : "is"} x86_64 and ${arm.join(", ")} ${arm.length > 1 ? "are" : "is"} arm64 (AWS Graviton); ` +
            "a managed node group runs one AMI type, so list instance types of one architecture",
    );
    return arm.length > 0 && x86.length === 0 ? "arm64" : "x86_64";
}
