import type { Platform } from "./config";

/**
 * The shapes of a stack's cost estimate (program/cost.ts), and the money
 * arithmetic its items and its table share. Pure.
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

/** Rounds to cents, without binary-fraction surprises such as 1.005 → 1.00. */
export function roundCents(usd: number): number {
    return Math.round((usd + Number.EPSILON) * 100) / 100;
}

/** A unit price with at least two decimals: `$0.10`, `$0.0208`. */
export function unitPrice(usd: number): string {
    const decimals = Math.max(2, (String(usd).split(".")[1] ?? "").length);
    return `$${usd.toFixed(decimals)}`;
}

/** Whole dollars for the table, with thousands separators: `$1,234`. */
export function dollars(usd: number): string {
    return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** True for a stack named `dev`, or `dev-*`, `*-dev` (and `_`, `.` separators). */
export function isDevStack(stack: string): boolean {
    return /(^|[-_.])dev($|[-_.])/.test(stack);
}
