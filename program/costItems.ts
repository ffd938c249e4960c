import { configKey } from "./configReader";
import type { StackConfig } from "./config";
import {
    AtNodeCounts,
    CostEstimate,
    CostLineItem,
    CostOptions,
    dollars,
    isDevStack,
    roundCents,
    UpgradePolicy,
} from "./costModel";
import type { PriceTable } from "./prices";

/**
 * The line items, warnings and notes of an EKS stack's cost estimate, each a
 * small pure step that `estimateMonthlyCost` (program/cost.ts) composes.
 */

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

/** The fields every estimate starts with, local or EKS. */
export type EstimateBase = Pick<
    CostEstimate,
    "stack" | "platform" | "currency" | "hoursPerMonth" | "prices"
>;

/** The resolved cluster settings of a stack on the EKS platform. */
type EksSettings = NonNullable<StackConfig["eks"]>;

/** What the EKS steps of the estimate read: the settings, the prices and the counts they share. */
interface EksCostInputs {
    stack: string;
    eks: EksSettings;
    prices: PriceTable;
    hours: number;
    /** The node group's min, desired and max size. */
    nodes: AtNodeCounts;
    lbServices: number;
    policy: UpgradePolicy;
    zones: number;
    natCount: number;
}

/** The estimate of a local stack: it creates no AWS resources, so nothing is priced. */
export function localEstimate(base: EstimateBase): CostEstimate {
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

/**
 * Resolves the options' defaults and the counts the EKS steps share.
 * @throws Error when `loadBalancerServices` is not a non-negative integer.
 */
function eksCostInputs(
    cfg: StackConfig,
    eks: EksSettings,
    prices: PriceTable,
    options: CostOptions,
): EksCostInputs {
    const ng = eks.nodeGroup;
    const lbServices =
        options.loadBalancerServices ?? (cfg.app.proxyServiceType === "LoadBalancer" ? 1 : 0);
    if (!Number.isInteger(lbServices) || lbServices < 0) {
        throw new Error(
            `estimateMonthlyCost: 'loadBalancerServices' (${lbServices}) must be a non-negative integer`,
        );
    }
    const zones = eks.availabilityZones;
    return {
        stack: cfg.stack,
        eks,
        prices,
        hours: prices.hoursPerMonth,
        nodes: { min: ng.minSize, desired: ng.desiredSize, max: ng.maxSize },
        lbServices,
        policy: options.upgradePolicy ?? "STANDARD",
        zones,
        natCount: eks.natGateways === "OnePerAz" ? zones : 1,
    };
}

/** A warning when the stack's region is not the price table's. */
function regionWarnings({ eks, prices }: EksCostInputs): string[] {
    if (eks.region === prices.region) {
        return [];
    }
    return [
        `'aws:region' (${JSON.stringify(eks.region)}) differs from the price table's region (${prices.region}): prices vary by region, so the estimate is approximate.`,
    ];
}

/** The EKS control plane, at the hourly rate of the upgrade policy. */
function controlPlaneItem({ eks, prices, hours, policy }: EksCostInputs): CostLineItem {
    const rate =
        policy === "EXTENDED"
            ? prices.eks.extendedSupportPerHour
            : prices.eks.standardSupportPerHour;
    return item(
        `EKS control plane (${policy === "EXTENDED" ? "extended" : "standard"} support)`,
        same(1),
        rate.unit,
        rate.usd,
        hours,
        policy === "EXTENDED"
            ? `priced at extended support: what the cluster costs once Kubernetes ${eks.kubernetesVersion} leaves standard support`
            : undefined,
    );
}

/** A warning for EXTENDED support, with what it adds to the control plane each month. */
function extendedSupportWarnings({ eks, prices, hours, policy }: EksCostInputs): string[] {
    if (policy !== "EXTENDED") {
        return [];
    }
    const { extendedSupportPerHour: extended, standardSupportPerHour: standard } = prices.eks;
    const extra = roundCents((extended.usd - standard.usd) * hours);
    return [
        `upgradePolicy ("EXTENDED") keeps Kubernetes ${eks.kubernetesVersion} past its standard support at ${dollars(extended.usd * hours)}/month for the control plane instead of ${dollars(standard.usd * hours)} (+${dollars(extra)}); upgrade on time and keep STANDARD.`,
    ];
}

/** The node group's instance types that the price table has no price for. */
function unpricedTypes({ eks, prices }: EksCostInputs): string[] {
    return eks.nodeGroup.instanceTypes.filter((t) => prices.ec2PerHour[t] === undefined);
}

/** The dearest of `types` (the first of equals) and its hourly price; a null price for none. */
function dearestType(types: string[], prices: PriceTable): { type: string; usd: number | null } {
    let usd: number | null = null;
    let type = types[0];
    for (const t of types) {
        if (usd === null || prices.ec2PerHour[t] > usd) {
            usd = prices.ec2PerHour[t];
            type = t;
        }
    }
    return { type, usd };
}

/**
 * The nodes at the node group's min, desired and max size, priced at the
 * dearest listed type since the group may launch any of them; unknown when a
 * listed type has no price.
 */
function nodesItem(inputs: EksCostInputs, unknownTypes: string[]): CostLineItem {
    const { eks, prices, hours, nodes } = inputs;
    const types = eks.nodeGroup.instanceTypes;
    const dearest =
        unknownTypes.length === 0 ? dearestType(types, prices) : { type: types[0], usd: null };
    return item(
        `nodes (${types.join(", ")})`,
        nodes,
        "instance-hour",
        dearest.usd,
        hours,
        unknownTypes.length > 0
            ? `unknown: no price for ${unknownTypes.join(", ")}`
            : types.length > 1
              ? `priced at the dearest listed type, ${dearest.type}: the node group may launch any of them`
              : undefined,
    );
}

/** A warning naming the node types without a price, which leave the node cost out of the totals. */
function unpricedTypesWarnings({ eks, prices }: EksCostInputs, unknownTypes: string[]): string[] {
    if (unknownTypes.length === 0) {
        return [];
    }
    return [
        `'${configKey("nodeInstanceTypes")}' (${JSON.stringify(eks.nodeGroup.instanceTypes)}): no price for ${unknownTypes.join(", ")} in program/prices.ts, so the node cost is unknown and left out of the totals; add its ${prices.region} on-demand price to PRICES.ec2PerHour.`,
    ];
}

/** The nodes' gp3 root volumes, in GiB at each node count. */
function rootVolumesItem({ eks, prices, nodes }: EksCostInputs): CostLineItem {
    const disk = eks.nodeGroup.diskSizeGb;
    return item(
        `node root volumes (gp3, ${disk} GiB each)`,
        { min: nodes.min * disk, desired: nodes.desired * disk, max: nodes.max * disk },
        prices.ebsGp3PerGbMonth.unit,
        prices.ebsGp3PerGbMonth.usd,
        1,
    );
}

/**
 * The network: the NAT gateways, one Classic Load Balancer per LoadBalancer
 * Service (when there is one), and the public IPv4 addresses of both.
 */
function networkItems(inputs: EksCostInputs): CostLineItem[] {
    const { eks, prices, hours, lbServices, zones, natCount } = inputs;
    const items = [
        item(
            `NAT gateways (${eks.natGateways})`,
            same(natCount),
            prices.natGatewayPerHour.unit,
            prices.natGatewayPerHour.usd,
            hours,
            "hourly charge only; data processing is per GB (see notes)",
        ),
    ];
    if (lbServices > 0) {
        items.push(
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
    items.push(
        item(
            "public IPv4 addresses",
            same(natCount + lbServices * zones),
            prices.publicIpv4PerHour.unit,
            prices.publicIpv4PerHour.usd,
            hours,
            `one Elastic IP per NAT gateway (${natCount}), plus one per zone (${zones}) for each internet-facing load balancer (${lbServices})`,
        ),
    );
    return items;
}

/** The KMS key that encrypts the cluster's Secrets. */
function kmsKeyItem(prices: PriceTable): CostLineItem {
    return item(
        "KMS key (Secrets encryption)",
        same(1),
        prices.kmsKeyPerMonth.unit,
        prices.kmsKeyPerMonth.usd,
        1,
        "first year; each of the first two yearly rotations adds $1/month",
    );
}

/**
 * Warnings about expensive choices: a NAT gateway per zone in a dev stack, and
 * more than one LoadBalancer Service.
 */
function expensiveChoiceWarnings(inputs: EksCostInputs): string[] {
    const { stack, eks, prices, hours, lbServices, zones, natCount } = inputs;
    const warnings: string[] = [];
    if (isDevStack(stack) && eks.natGateways === "OnePerAz") {
        const perGateway = (prices.natGatewayPerHour.usd + prices.publicIpv4PerHour.usd) * hours;
        warnings.push(
            `'${configKey("natGateways")}' ("OnePerAz") runs ${natCount} NAT gateways in the dev stack "${stack}": ${dollars(natCount * perGateway)}/month where "Single" costs ${dollars(perGateway)} (saves ${dollars((natCount - 1) * perGateway)}); dev doesn't need to survive a zone outage.`,
        );
    }
    if (lbServices > 1) {
        const perLb =
            (prices.classicLoadBalancerPerHour.usd + zones * prices.publicIpv4PerHour.usd) * hours;
        warnings.push(
            `${lbServices} LoadBalancer Services each get their own Classic Load Balancer (${dollars(perLb)}/month each with its addresses, ${dollars(lbServices * perLb)} in all): expose one entry point (the proxy) and keep the other Services ClusterIP.`,
        );
    }
    return warnings;
}

/** The usage-based costs the estimate leaves out that apply to this cluster, one note each. */
function excludedCostNotes(eks: EksSettings, prices: PriceTable): string[] {
    const burstable = eks.nodeGroup.instanceTypes.some((t) => /^t\d[a-z]*\./.test(t));
    return prices.excluded
        .filter(
            (e) =>
                e.applies === "always" ||
                (e.applies === "burstableNodes" && burstable) ||
                (e.applies === "controlPlaneLogs" && eks.clusterLogTypes.length > 0),
        )
        .map((e) => `${e.name}: ${e.price}; ${e.why}.`);
}

/** The items' monthly sum at each node count, rounded to cents; unknown items count as 0. */
function totalsOf(lineItems: CostLineItem[]): AtNodeCounts {
    const totalAt = (n: keyof AtNodeCounts) =>
        roundCents(lineItems.reduce((sum, li) => sum + (li.monthlyUsd?.[n] ?? 0), 0));
    return { min: totalAt("min"), desired: totalAt("desired"), max: totalAt("max") };
}

/** The estimate of a stack on the EKS platform: its line items, totals, warnings and notes. */
export function eksEstimate(
    base: EstimateBase,
    cfg: StackConfig,
    eks: EksSettings,
    prices: PriceTable,
    options: CostOptions,
): CostEstimate {
    const inputs = eksCostInputs(cfg, eks, prices, options);
    const unknownTypes = unpricedTypes(inputs);
    const lineItems = [
        controlPlaneItem(inputs),
        nodesItem(inputs, unknownTypes),
        rootVolumesItem(inputs),
        ...networkItems(inputs),
        kmsKeyItem(prices),
    ];
    return {
        ...base,
        region: prices.region,
        lineItems,
        totals: totalsOf(lineItems),
        complete: unknownTypes.length === 0,
        warnings: [
            ...regionWarnings(inputs),
            ...extendedSupportWarnings(inputs),
            ...unpricedTypesWarnings(inputs, unknownTypes),
            ...expensiveChoiceWarnings(inputs),
        ],
        notes: excludedCostNotes(eks, prices),
    };
}
