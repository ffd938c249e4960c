import type { StackConfig } from "./config";
import { eksEstimate, EstimateBase, localEstimate } from "./costItems";
import { AtNodeCounts, CostEstimate, CostOptions, dollars, unitPrice } from "./costModel";
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

export type {
    AtNodeCounts,
    CostEstimate,
    CostLineItem,
    CostOptions,
    UpgradePolicy,
} from "./costModel";
export { isDevStack, roundCents } from "./costModel";

/**
 * Estimates the monthly cost of the stack `cfg` describes. Local stacks cost
 * nothing here: they run on your own cluster.
 */
export function estimateMonthlyCost(
    cfg: StackConfig,
    prices: PriceTable = PRICES,
    options: CostOptions = {},
): CostEstimate {
    const base: EstimateBase = {
        stack: cfg.stack,
        platform: cfg.platform,
        currency: "USD",
        hoursPerMonth: prices.hoursPerMonth,
        prices: { retrieved: prices.retrieved, basis: prices.basis },
    };
    const eks = cfg.eks;
    if (cfg.platform !== "eks" || !eks) {
        return localEstimate(base);
    }
    return eksEstimate(base, cfg, eks, prices, options);
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
