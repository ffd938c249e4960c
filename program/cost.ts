import { CONFIG_NAMESPACE, type Platform, type StackConfig } from "./config";
import { PRICES, type PriceTable } from "./prices";

/**
 * The estimated monthly cost of a stack before it is deployed, from the price
 * table in program/prices.ts. Pure: it reads the resolved stack config and
 * registers nothing, so `pulumi preview`, a summary or a test can call it.
 *
 * It prices what the program creates: the EKS control plane, the nodes (at the
 * node group's min, desired and max size), their gp3 root volumes, the NAT
 * gateways, one Classic Load Balancer per LoadBalancer Service, the public IPv4
 * addresses of both, and the KMS key. Usage-based charges (data processing,
 * data transfer, CloudWatch Logs) are listed in `notes`, not estimated.
 */

/** EKS's support policy. EksCluster always sets STANDARD; EXTENDED is priced for comparison. */
export type UpgradePolicy = "STANDARD" | "EXTENDED";

/** What the stack config doesn't say, and the estimate needs. */
export interface CostOptions {
    /** The cluster's `upgradePolicy.supportType`. @default "STANDARD" (what EksCluster sets) */
    upgradePolicy?: UpgradePolicy;
    /**
     * How many Services of type LoadBalancer the stack runs; each gets its own load balancer.
     * @default 1 when `app.proxyServiceType` is "LoadBalancer" (only the proxy can be one), else 0
     */
    loadBalancerServices?: number;
}

/** A figure at the node group's min, desired and max size (the same three for fixed items). */
export interface AtNodeCounts {
    min: number;
    desired: number;
    max: number;
}

/** One priced item. */
export interface CostLineItem {
    name: string;
    /** How many units a month's price covers: instances, gateways, GiB, keys. */
    quantity: AtNodeCounts;
    /** What `unitPriceUsd` is charged per, for example `instance-hour`. */
    unit: string;
    /** The list price per unit; null when the price table has none. */
    unitPriceUsd: number | null;
    /** Monthly USD, rounded to cents; null when the unit price is unknown. */
    monthlyUsd: AtNodeCounts | null;
    /** How the figure was reached, where that is not obvious. */
    note?: string;
}

/** The estimate: JSON-serializable, so it can be a stack output. */
export interface CostEstimate {
    stack: string;
    platform: Platform;
    currency: "USD";
    /** The region the prices are for, or null for the local platform. */
    region: string | null;
    hoursPerMonth: number;
    /** Where the prices come from. */
    prices: { retrieved: string; basis: string };
    lineItems: CostLineItem[];
    /** Monthly USD at the node group's min, desired and max size, rounded to cents. */
    totals: AtNodeCounts;
    /** False when an item has no price: the totals then leave it out, and a warning says so. */
    complete: boolean;
    /** Expensive or unpriced choices, each naming its config key and value. */
    warnings: string[];
    /** What the estimate leaves out. */
    notes: string[];
}

const key = (name: string) => `${CONFIG_NAMESPACE}:${name}`;

/** Rounds to cents, without binary-fraction surprises such as 1.005 → 1.00. */
export function roundCents(usd: number): number {
    return Math.round((usd + Number.EPSILON) * 100) / 100;
}

/** A unit price with at least two decimals: `$0.10`, `$0.0208`. */
function unitPrice(usd: number): string {
    const decimals = Math.max(2, (String(usd).split(".")[1] ?? "").length);
    return `$${usd.toFixed(decimals)}`;
}

/** Whole dollars for the table, with thousands separators: `$1,234`. */
function dollars(usd: number): string {
    return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** True for a stack named `dev`, or `dev-*`, `*-dev` (and `_`, `.` separators). */
export function isDevStack(stack: string): boolean {
    return /(^|[-_.])dev($|[-_.])/.test(stack);
}

const same = (n: number): AtNodeCounts => ({ min: n, desired: n, max: n });

function item(
    name: string,
    quantity: AtNodeCounts,
    unit: string,
    unitPriceUsd: number | null,
    perUnitMonthlyFactor: number,
    note?: string,
): CostLineItem {
    const monthly = (q: number) => roundCents((unitPriceUsd ?? 0) * perUnitMonthlyFactor * q);
    return {
        name,
        quantity,
        unit,
        unitPriceUsd,
        monthlyUsd:
            unitPriceUsd === null
                ? null
                : {
                      min: monthly(quantity.min),
                      desired: monthly(quantity.desired),
                      max: monthly(quantity.max),
                  },
        ...(note ? { note } : {}),
    };
}

/**
 * Estimates the monthly cost of the stack `cfg` describes. Local stacks cost
 * nothing here: they run on your own cluster.
 */
export function estimateMonthlyCost(
    cfg: StackConfig,
    prices: PriceTable = PRICES,
    options: CostOptions = {},
): CostEstimate {
    const base = {
        stack: cfg.stack,
        platform: cfg.platform,
        currency: "USD" as const,
        hoursPerMonth: prices.hoursPerMonth,
        prices: { retrieved: prices.retrieved, basis: prices.basis },
    };
    const eks = cfg.eks;
    if (cfg.platform !== "eks" || !eks) {
        return {
            ...base,
            region: null,
            lineItems: [],
            totals: same(0),
            complete: true,
            warnings: [],
            notes: [
                "The local platform runs on your own cluster (the kubeconfig context): it creates no AWS resources, so there is nothing to estimate.",
            ],
        };
    }

    const hours = prices.hoursPerMonth;
    const warnings: string[] = [];
    const ng = eks.nodeGroup;
    const nodes: AtNodeCounts = { min: ng.minSize, desired: ng.desiredSize, max: ng.maxSize };
    const lbServices =
        options.loadBalancerServices ?? (cfg.app.proxyServiceType === "LoadBalancer" ? 1 : 0);
    if (!Number.isInteger(lbServices) || lbServices < 0) {
        throw new Error(
            `estimateMonthlyCost: 'loadBalancerServices' (${lbServices}) must be a non-negative integer`,
        );
    }
    const policy = options.upgradePolicy ?? "STANDARD";
    const zones = eks.availabilityZones;
    const natCount = eks.natGateways === "OnePerAz" ? zones : 1;

    if (eks.region !== prices.region) {
        warnings.push(
            `'aws:region' (${JSON.stringify(eks.region)}) differs from the price table's region (${prices.region}): prices vary by region, so the estimate is approximate.`,
        );
    }

    // The control plane.
    const controlPlane =
        policy === "EXTENDED"
            ? prices.eks.extendedSupportPerHour
            : prices.eks.standardSupportPerHour;
    const lineItems: CostLineItem[] = [
        item(
            `EKS control plane (${policy === "EXTENDED" ? "extended" : "standard"} support)`,
            same(1),
            controlPlane.unit,
            controlPlane.usd,
            hours,
            policy === "EXTENDED"
                ? `priced at extended support: what the cluster costs once Kubernetes ${eks.kubernetesVersion} leaves standard support`
                : undefined,
        ),
    ];
    if (policy === "EXTENDED") {
        const extra = roundCents(
            (prices.eks.extendedSupportPerHour.usd - prices.eks.standardSupportPerHour.usd) * hours,
        );
        warnings.push(
            `upgradePolicy ("EXTENDED") keeps Kubernetes ${eks.kubernetesVersion} past its standard support at ${dollars(prices.eks.extendedSupportPerHour.usd * hours)}/month for the control plane instead of ${dollars(prices.eks.standardSupportPerHour.usd * hours)} (+${dollars(extra)}); upgrade on time and keep STANDARD.`,
        );
    }

    // Nodes: the node group may launch any listed type, so price the dearest.
    const types = ng.instanceTypes;
    const unknownTypes = types.filter((t) => prices.ec2PerHour[t] === undefined);
    let nodePrice: number | null = null;
    let priced = types[0];
    if (unknownTypes.length === 0) {
        for (const t of types) {
            if (nodePrice === null || prices.ec2PerHour[t] > nodePrice) {
                nodePrice = prices.ec2PerHour[t];
                priced = t;
            }
        }
    } else {
        warnings.push(
            `'${key("nodeInstanceTypes")}' (${JSON.stringify(types)}): no price for ${unknownTypes.join(", ")} in program/prices.ts, so the node cost is unknown and left out of the totals; add its ${prices.region} on-demand price to PRICES.ec2PerHour.`,
        );
    }
    lineItems.push(
        item(
            `nodes (${types.join(", ")})`,
            nodes,
            "instance-hour",
            nodePrice,
            hours,
            unknownTypes.length > 0
                ? `unknown: no price for ${unknownTypes.join(", ")}`
                : types.length > 1
                  ? `priced at the dearest listed type, ${priced}: the node group may launch any of them`
                  : undefined,
        ),
    );
    lineItems.push(
        item(
            `node root volumes (gp3, ${ng.diskSizeGb} GiB each)`,
            {
                min: nodes.min * ng.diskSizeGb,
                desired: nodes.desired * ng.diskSizeGb,
                max: nodes.max * ng.diskSizeGb,
            },
            prices.ebsGp3PerGbMonth.unit,
            prices.ebsGp3PerGbMonth.usd,
            1,
        ),
    );

    // Network.
    lineItems.push(
        item(
            `NAT gateways (${eks.natGateways})`,
            same(natCount),
            prices.natGatewayPerHour.unit,
            prices.natGatewayPerHour.usd,
            hours,
            "hourly charge only; data processing is per GB (see notes)",
        ),
    );
    if (lbServices > 0) {
        lineItems.push(
            item(
                "Classic Load Balancers (LoadBalancer Services)",
                same(lbServices),
                prices.classicLoadBalancerPerHour.unit,
                prices.classicLoadBalancerPerHour.usd,
                hours,
                "the AWS cloud provider in EKS's control plane creates a Classic Load Balancer for a LoadBalancer Service without annotations",
            ),
        );
    }
    const addresses = natCount + lbServices * zones;
    lineItems.push(
        item(
            "public IPv4 addresses",
            same(addresses),
            prices.publicIpv4PerHour.unit,
            prices.publicIpv4PerHour.usd,
            hours,
            `one Elastic IP per NAT gateway (${natCount}), plus one per zone (${zones}) for each internet-facing load balancer (${lbServices})`,
        ),
    );
    lineItems.push(
        item(
            "KMS key (Secrets encryption)",
            same(1),
            prices.kmsKeyPerMonth.unit,
            prices.kmsKeyPerMonth.usd,
            1,
            "first year; each of the first two yearly rotations adds $1/month",
        ),
    );

    // Warnings about expensive choices.
    if (isDevStack(cfg.stack) && eks.natGateways === "OnePerAz") {
        const perGateway = (prices.natGatewayPerHour.usd + prices.publicIpv4PerHour.usd) * hours;
        warnings.push(
            `'${key("natGateways")}' ("OnePerAz") runs ${natCount} NAT gateways in the dev stack "${cfg.stack}": ${dollars(natCount * perGateway)}/month where "Single" costs ${dollars(perGateway)} (saves ${dollars((natCount - 1) * perGateway)}); dev doesn't need to survive a zone outage.`,
        );
    }
    if (lbServices > 1) {
        const perLb =
            (prices.classicLoadBalancerPerHour.usd + zones * prices.publicIpv4PerHour.usd) * hours;
        warnings.push(
            `${lbServices} LoadBalancer Services each get their own Classic Load Balancer (${dollars(perLb)}/month each with its addresses, ${dollars(lbServices * perLb)} in all): expose one entry point (the proxy) and keep the other Services ClusterIP.`,
        );
    }

    const totalAt = (n: keyof AtNodeCounts) =>
        roundCents(lineItems.reduce((sum, li) => sum + (li.monthlyUsd?.[n] ?? 0), 0));
    const burstable = types.some((t) => /^t\d[a-z]*\./.test(t));
    const notes = prices.excluded
        .filter(
            (e) =>
                e.applies === "always" ||
                (e.applies === "burstableNodes" && burstable) ||
                (e.applies === "controlPlaneLogs" && eks.clusterLogTypes.length > 0),
        )
        .map((e) => `${e.name}: ${e.price}; ${e.why}.`);
    return {
        ...base,
        region: prices.region,
        lineItems,
        totals: { min: totalAt("min"), desired: totalAt("desired"), max: totalAt("max") },
        complete: unknownTypes.length === 0,
        warnings,
        notes,
    };
}

/** Pads the columns of `rows` to equal widths; numbers are right-aligned from column `rightFrom`. */
function alignColumns(rows: string[][], rightFrom: number): string[] {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) =>
        r
            .map((cell, c) => (c >= rightFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
            .join("  ")
            .trimEnd(),
    );
}

/** The estimate as a text table in whole dollars, with its warnings and what it leaves out. */
export function formatCostTable(estimate: CostEstimate): string {
    const title = `Estimated monthly cost of stack "${estimate.stack}"`;
    if (estimate.platform !== "eks") {
        return [`${title}: $0`, ...estimate.notes].join("\n");
    }
    const fmtQty = (q: AtNodeCounts) =>
        q.min === q.max && q.min === q.desired ? `${q.min}` : `${q.min} / ${q.desired} / ${q.max}`;
    const rows: string[][] = [
        ["item", "quantity", "unit price", "at min", "at desired", "at max"],
        ...estimate.lineItems.map((li) => [
            li.name,
            fmtQty(li.quantity),
            li.unitPriceUsd === null ? "unknown" : `${unitPrice(li.unitPriceUsd)} per ${li.unit}`,
            li.monthlyUsd ? dollars(li.monthlyUsd.min) : "unknown",
            li.monthlyUsd ? dollars(li.monthlyUsd.desired) : "unknown",
            li.monthlyUsd ? dollars(li.monthlyUsd.max) : "unknown",
        ]),
        [
            estimate.complete ? "total" : "total (incomplete: unknown items left out)",
            "",
            "",
            dollars(estimate.totals.min),
            dollars(estimate.totals.desired),
            dollars(estimate.totals.max),
        ],
    ];
    const lines = [
        `${title} (${estimate.currency}, ${estimate.region} on-demand list prices of ${estimate.prices.retrieved}, ${estimate.hoursPerMonth} h/month; quantity at min / desired / max nodes)`,
        ...alignColumns(rows, 3),
    ];
    if (estimate.warnings.length > 0) {
        lines.push("warnings:", ...estimate.warnings.map((w) => `  - ${w}`));
    }
    lines.push("not estimated (usage-based):", ...estimate.notes.map((n) => `  - ${n}`));
    return lines.join("\n");
}
