import { strict as assert } from "assert";
import { ENI_LIMITS } from "../components/eks-cluster/capacity";
import { loadStackConfig, StackConfig } from "../program/config";
import {
    CostEstimate,
    estimateMonthlyCost,
    formatCostTable,
    isDevStack,
    roundCents,
} from "../program/cost";
import { PRICES } from "../program/prices";
import { OPERATOR_CONFIG, stackConfig } from "./stacks";

/** A lookup over a stack's config as the engine would serialize it (JSON for non-strings). */
function lookup(config: Record<string, unknown>) {
    return (key: string) => {
        const v = config[key];
        return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    };
}

/** The resolved config of a shipped stack, as deployed, with `overrides` on top. */
function config(
    stack: string,
    overrides: Record<string, unknown> = {},
    name: string = stack,
): StackConfig {
    const raw = { ...stackConfig(stack), ...(stack === "local" ? {} : OPERATOR_CONFIG) };
    return loadStackConfig(name, "orchestration", lookup({ ...raw, ...overrides }));
}

const H = PRICES.hoursPerMonth;
const EC2 = PRICES.ec2PerHour;
const same = (n: number) => ({ min: n, desired: n, max: n });

/** Name, quantity, unit price and monthly USD of each line item. */
function rows(estimate: CostEstimate) {
    return estimate.lineItems.map((li) => ({
        name: li.name,
        quantity: li.quantity,
        unitPriceUsd: li.unitPriceUsd,
        monthlyUsd: li.monthlyUsd,
    }));
}

describe("price table (program/prices.ts)", () => {
    it("states its source, date, region and basis: us-west-2 on-demand list prices in USD, 730 h a month", () => {
        assert.equal(PRICES.retrieved, "2026-11-24");
        assert.equal(PRICES.region, "us-west-2");
        assert.equal(PRICES.currency, "USD");
        assert.equal(PRICES.hoursPerMonth, 730);
        assert.match(PRICES.basis, /on-demand list prices as published by AWS for us-west-2/);
        for (const page of ["eks", "ec2", "vpc", "elasticloadbalancing", "ebs", "kms"]) {
            assert.ok(
                PRICES.source.some((s) => s.includes(`https://aws.amazon.com/${page}/pricing/`)),
                `source names the ${page} pricing page`,
            );
        }
    });

    it("prices the EKS control plane at $0.10/h in standard support and $0.60/h in extended support", () => {
        assert.equal(PRICES.eks.standardSupportPerHour.usd, 0.1);
        assert.equal(PRICES.eks.extendedSupportPerHour.usd, 0.6);
    });

    it("has an on-demand price for exactly the instance types of the pod-capacity table", () => {
        assert.deepEqual(Object.keys(EC2).sort(), Object.keys(ENI_LIMITS).sort());
        for (const [type, usd] of Object.entries(EC2)) {
            assert.ok(usd > 0 && usd < 1, `${type}: ${usd}`);
        }
    });
});

describe("estimated monthly cost (pure, from the stack files)", () => {
    it("itemizes dev: 1 / 2 / 3 t3.small nodes, one NAT gateway, one Classic Load Balancer", () => {
        const est = estimateMonthlyCost(config("dev"));
        assert.deepEqual(rows(est), [
            {
                name: "EKS control plane (standard support)",
                quantity: same(1),
                unitPriceUsd: 0.1,
                monthlyUsd: same(73),
            },
            {
                name: "nodes (t3.small)",
                quantity: { min: 1, desired: 2, max: 3 },
                unitPriceUsd: 0.0208,
                monthlyUsd: { min: 15.18, desired: 30.37, max: 45.55 },
            },
            {
                name: "node root volumes (gp3, 20 GiB each)",
                quantity: { min: 20, desired: 40, max: 60 },
                unitPriceUsd: 0.08,
                monthlyUsd: { min: 1.6, desired: 3.2, max: 4.8 },
            },
            {
                name: "NAT gateways (Single)",
                quantity: same(1),
                unitPriceUsd: 0.045,
                monthlyUsd: same(32.85),
            },
            {
                name: "Classic Load Balancers (LoadBalancer Services)",
                quantity: same(1),
                unitPriceUsd: 0.025,
                monthlyUsd: same(18.25),
            },
            {
                name: "public IPv4 addresses",
                quantity: same(3),
                unitPriceUsd: 0.005,
                monthlyUsd: same(10.95),
            },
            {
                name: "KMS key (Secrets encryption)",
                quantity: same(1),
                unitPriceUsd: 1,
                monthlyUsd: same(1),
            },
        ]);
        assert.deepEqual(est.totals, { min: 152.83, desired: 169.62, max: 186.4 });
        assert.equal(est.complete, true);
        assert.deepEqual(est.warnings, []);
        assert.equal(est.region, "us-west-2");
    });

    it("itemizes staging: 2 / 2 / 4 t3.medium nodes", () => {
        const est = estimateMonthlyCost(config("staging"));
        const nodes = est.lineItems[1];
        assert.equal(nodes.name, "nodes (t3.medium)");
        assert.deepEqual(nodes.quantity, { min: 2, desired: 2, max: 4 });
        assert.deepEqual(nodes.monthlyUsd, { min: 60.74, desired: 60.74, max: 121.47 });
        assert.deepEqual(est.lineItems[2].monthlyUsd, { min: 3.2, desired: 3.2, max: 6.4 });
        assert.deepEqual(est.totals, { min: 199.99, desired: 199.99, max: 263.92 });
        assert.deepEqual(est.warnings, []);
    });

    it("itemizes prod: 3 / 3 / 6 m5.large nodes with 50 GiB disks, three NAT gateways", () => {
        const est = estimateMonthlyCost(config("prod"));
        assert.deepEqual(
            rows(est).map((r) => [r.name, r.quantity, r.monthlyUsd]),
            [
                ["EKS control plane (standard support)", same(1), same(73)],
                [
                    "nodes (m5.large)",
                    { min: 3, desired: 3, max: 6 },
                    { min: 210.24, desired: 210.24, max: 420.48 },
                ],
                [
                    "node root volumes (gp3, 50 GiB each)",
                    { min: 150, desired: 150, max: 300 },
                    { min: 12, desired: 12, max: 24 },
                ],
                ["NAT gateways (OnePerAz)", same(3), same(98.55)],
                ["Classic Load Balancers (LoadBalancer Services)", same(1), same(18.25)],
                // Three NAT gateway EIPs, and the load balancer's address in each of three zones.
                ["public IPv4 addresses", same(6), same(21.9)],
                ["KMS key (Secrets encryption)", same(1), same(1)],
            ],
        );
        assert.deepEqual(est.totals, { min: 434.94, desired: 434.94, max: 657.18 });
        assert.deepEqual(est.warnings, [], "OnePerAz is prod's choice, not a dev mistake");
    });

    it("computes every item as unit price × 730 h × quantity (or × quantity for monthly units), and totals as their sum", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const est = estimateMonthlyCost(config(stack));
            for (const li of est.lineItems) {
                const perMonth = li.unit.endsWith("-month") ? 1 : H;
                for (const at of ["min", "desired", "max"] as const) {
                    assert.equal(
                        li.monthlyUsd?.[at],
                        roundCents(li.unitPriceUsd! * perMonth * li.quantity[at]),
                        `${stack} ${li.name} at ${at}`,
                    );
                }
            }
            const nodes = est.lineItems.find((li) => li.name.startsWith("nodes"))!;
            const type = config(stack).eks!.nodeGroup.instanceTypes[0];
            assert.equal(nodes.monthlyUsd!.max, roundCents(EC2[type] * 730 * nodes.quantity.max));
            for (const at of ["min", "desired", "max"] as const) {
                const sum = est.lineItems.reduce((s, li) => s + li.monthlyUsd![at], 0);
                assert.equal(est.totals[at], roundCents(sum), `${stack} total at ${at}`);
            }
        }
    });

    it("makes dev the cheapest EKS stack, and prod >= staging >= dev at every node count", () => {
        const [dev, staging, prod] = ["dev", "staging", "prod"].map(
            (s) => estimateMonthlyCost(config(s)).totals,
        );
        for (const at of ["min", "desired", "max"] as const) {
            assert.ok(dev[at] < staging[at], `dev < staging at ${at}`);
            assert.ok(staging[at] <= prod[at], `staging <= prod at ${at}`);
        }
    });

    it("estimates the local stack at $0: it runs on your own cluster", () => {
        const est = estimateMonthlyCost(config("local"));
        assert.equal(est.platform, "local");
        assert.deepEqual(est.lineItems, []);
        assert.deepEqual(est.totals, same(0));
        assert.equal(est.region, null);
        assert.deepEqual(est.warnings, []);
        assert.match(est.notes[0], /runs on your own cluster/);
        assert.equal(
            formatCostTable(est),
            `Estimated monthly cost of stack "local": $0\n${est.notes[0]}`,
        );
    });

    it("is plain JSON, so it can be a stack output", () => {
        const est = estimateMonthlyCost(config("prod"));
        assert.deepEqual(JSON.parse(JSON.stringify(est)), est);
    });

    it("lists the usage-based charges it leaves out, T3 credits only for burstable nodes and CloudWatch only with logs on", () => {
        const dev = estimateMonthlyCost(config("dev")).notes.join("\n");
        const prod = estimateMonthlyCost(config("prod")).notes.join("\n");
        assert.match(dev, /NAT gateway data processing: \$0\.045 per GB/);
        assert.match(dev, /T3 unlimited CPU credits/);
        assert.doesNotMatch(dev, /CloudWatch/, "dev sends no control-plane logs");
        assert.doesNotMatch(prod, /T3 unlimited/, "prod runs m5.large");
        assert.match(prod, /CloudWatch Logs \(control-plane logs\): \$0\.50 per GB ingested/);
    });
});

describe("cost warnings (crafted configs, both directions)", () => {
    it("warns about extended support, prices the control plane at $0.60/h, and not under STANDARD", () => {
        const cfg = config("dev");
        const extended = estimateMonthlyCost(cfg, PRICES, { upgradePolicy: "EXTENDED" });
        assert.equal(extended.lineItems[0].name, "EKS control plane (extended support)");
        assert.deepEqual(extended.lineItems[0].monthlyUsd, same(438));
        assert.equal(extended.totals.desired, roundCents(169.62 + 365));
        assert.deepEqual(extended.warnings, [
            `upgradePolicy ("EXTENDED") keeps Kubernetes 1.35 past its standard support at $438/month for the control plane instead of $73 (+$365); upgrade on time and keep STANDARD.`,
        ]);
        for (const est of [
            estimateMonthlyCost(cfg),
            estimateMonthlyCost(cfg, PRICES, { upgradePolicy: "STANDARD" }),
        ]) {
            assert.equal(est.lineItems[0].name, "EKS control plane (standard support)");
            assert.deepEqual(est.warnings, []);
        }
    });

    it("warns about one NAT gateway per zone in a dev stack, and not with Single or outside dev", () => {
        const onePerAz = { "orchestration:natGateways": "OnePerAz" };
        const dev = estimateMonthlyCost(config("dev", onePerAz));
        assert.deepEqual(dev.lineItems[3].quantity, same(2));
        assert.deepEqual(dev.warnings, [
            `'orchestration:natGateways' ("OnePerAz") runs 2 NAT gateways in the dev stack "dev": $73/month where "Single" costs $37 (saves $37); dev doesn't need to survive a zone outage.`,
        ]);
        const threeZones = estimateMonthlyCost(
            config("dev", { ...onePerAz, "orchestration:availabilityZones": 3 }, "dev-alice"),
        );
        assert.equal(threeZones.warnings.length, 1);
        assert.match(threeZones.warnings[0], /runs 3 NAT gateways in the dev stack "dev-alice"/);

        assert.deepEqual(estimateMonthlyCost(config("dev")).warnings, [], "dev ships Single");
        assert.deepEqual(
            estimateMonthlyCost(config("staging", onePerAz)).warnings,
            [],
            "staging may choose zone redundancy",
        );
    });

    it("recognizes dev stacks by name", () => {
        for (const name of ["dev", "dev-alice", "alice-dev", "team_dev", "dev.eu"]) {
            assert.equal(isDevStack(name), true, name);
        }
        for (const name of ["devops", "prod", "staging", "development", "undev"]) {
            assert.equal(isDevStack(name), false, name);
        }
    });

    it("warns about more than one LoadBalancer Service, and counts none for a NodePort proxy", () => {
        const cfg = config("staging");
        const three = estimateMonthlyCost(cfg, PRICES, { loadBalancerServices: 3 });
        const lbs = three.lineItems.find((li) => li.name.startsWith("Classic Load Balancers"))!;
        assert.deepEqual(lbs.quantity, same(3));
        assert.deepEqual(lbs.monthlyUsd, same(54.75));
        const ips = three.lineItems.find((li) => li.name === "public IPv4 addresses")!;
        assert.deepEqual(ips.quantity, same(1 + 3 * 2));
        assert.deepEqual(three.warnings, [
            "3 LoadBalancer Services each get their own Classic Load Balancer ($26/month each with its addresses, $77 in all): expose one entry point (the proxy) and keep the other Services ClusterIP.",
        ]);

        assert.deepEqual(estimateMonthlyCost(cfg).warnings, [], "the proxy alone is fine");
        const nodePort = estimateMonthlyCost(
            config("staging", { "orchestration:proxyServiceType": "NodePort" }),
        );
        assert.equal(
            nodePort.lineItems.some((li) => li.name.startsWith("Classic Load Balancers")),
            false,
        );
        const nodePortIps = nodePort.lineItems.find((li) => li.name === "public IPv4 addresses")!;
        assert.deepEqual(nodePortIps.quantity, same(1), "the NAT gateway's only");
        assert.deepEqual(nodePort.warnings, []);
        assert.throws(
            () => estimateMonthlyCost(cfg, PRICES, { loadBalancerServices: -1 }),
            /'loadBalancerServices' \(-1\) must be a non-negative integer/,
        );
    });

    it("warns when the stack's region is not the price table's, and not in us-west-2", () => {
        const est = estimateMonthlyCost(config("dev", { "aws:region": "eu-west-1" }));
        assert.deepEqual(est.warnings, [
            `'aws:region' ("eu-west-1") differs from the price table's region (us-west-2): prices vary by region, so the estimate is approximate.`,
        ]);
        assert.deepEqual(estimateMonthlyCost(config("dev")).warnings, []);
    });

    it("says so, instead of $0, when an instance type has no price, and leaves it out of the totals", () => {
        const cfg = config("dev", {
            "orchestration:nodeInstanceTypes": ["t3.small", "x9.huge"],
            "orchestration:maxPodsPerNode": 11,
        });
        const est = estimateMonthlyCost(cfg);
        const nodes = est.lineItems[1];
        assert.equal(nodes.name, "nodes (t3.small, x9.huge)");
        assert.equal(nodes.unitPriceUsd, null);
        assert.equal(nodes.monthlyUsd, null);
        assert.equal(nodes.note, "unknown: no price for x9.huge");
        assert.equal(est.complete, false);
        assert.deepEqual(est.warnings, [
            `'orchestration:nodeInstanceTypes' (["t3.small","x9.huge"]): no price for x9.huge in program/prices.ts, so the node cost is unknown and left out of the totals; add its us-west-2 on-demand price to PRICES.ec2PerHour.`,
        ]);
        const known = estimateMonthlyCost(config("dev"));
        assert.deepEqual(est.totals, {
            min: roundCents(known.totals.min - 15.18),
            desired: roundCents(known.totals.desired - 30.37),
            max: roundCents(known.totals.max - 45.55),
        });
        const table = formatCostTable(est);
        assert.match(
            table,
            /nodes \(t3\.small, x9\.huge\) +1 \/ 2 \/ 3 +unknown +unknown +unknown +unknown/,
        );
        assert.match(table, /total \(incomplete: unknown items left out\)/);
    });

    it("prices a node group of several types at the dearest, and says why", () => {
        const est = estimateMonthlyCost(
            config("dev", { "orchestration:nodeInstanceTypes": ["t3.medium", "t3.small"] }),
        );
        assert.equal(est.lineItems[1].unitPriceUsd, EC2["t3.medium"]);
        assert.equal(
            est.lineItems[1].note,
            "priced at the dearest listed type, t3.medium: the node group may launch any of them",
        );
    });
});

describe("cost table (text)", () => {
    it("shows each item in whole dollars at min, desired and max nodes, then the totals", () => {
        const table = formatCostTable(estimateMonthlyCost(config("dev"))).split("\n");
        assert.equal(
            table[0],
            `Estimated monthly cost of stack "dev" (USD, us-west-2 on-demand list prices of 2026-11-24, 730 h/month; quantity at min / desired / max nodes)`,
        );
        assert.match(table[1], /^item +quantity +unit price +at min +at desired +at max$/);
        assert.match(
            table[2],
            /^EKS control plane \(standard support\) +1 +\$0\.10 per cluster-hour +\$73 +\$73 +\$73$/,
        );
        assert.match(
            table[3],
            /^nodes \(t3\.small\) +1 \/ 2 \/ 3 +\$0\.0208 per instance-hour +\$15 +\$30 +\$46$/,
        );
        assert.match(table[9], /^total +\$153 +\$170 +\$186$/);
        assert.equal(table[10], "not estimated (usage-based):");
        assert.ok(!table.includes("warnings:"), "no warnings section without warnings");
        // Right-aligned money columns: every row ends at the same column.
        const widths = new Set(table.slice(1, 10).map((l) => l.length));
        assert.equal(widths.size, 1);
    });

    it("lists the warnings under the table", () => {
        const est = estimateMonthlyCost(config("dev"), PRICES, { upgradePolicy: "EXTENDED" });
        const table = formatCostTable(est);
        assert.match(table, /\nwarnings:\n {2}- upgradePolicy \("EXTENDED"\)/);
    });
});
