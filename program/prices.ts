/**
 * The price table behind the stack cost estimate (program/cost.ts): AWS
 * on-demand list prices in USD for us-west-2 (US West, Oregon), as published
 * on the AWS pricing pages named in `source`, compiled on `retrieved`. They
 * exclude tax, discounts (Savings Plans, Reserved Instances, Spot, credits)
 * and the free tier. A month is 730 hours, as in AWS's own pricing calculator.
 *
 * Update it by hand: check each value against its page, change `retrieved`,
 * and run `npm run unit` (test/cost.test.ts recomputes every figure from here).
 */

/** One price and the unit it is charged per. */
export interface UnitPrice {
    readonly usd: number;
    readonly unit: string;
}

/** A usage-based charge the estimate leaves out, with its list price. */
export interface ExcludedCharge {
    readonly name: string;
    readonly price: string;
    readonly why: string;
    /** When it applies: always, with burstable (T3/T3a) nodes, or with control-plane logs on. */
    readonly applies: "always" | "burstableNodes" | "controlPlaneLogs";
}

/** The whole table. */
export interface PriceTable {
    /** The AWS pricing pages each group of values comes from. */
    readonly source: readonly string[];
    /** The date the table was compiled (ISO 8601). */
    readonly retrieved: string;
    /** The region, price kind and currency every value is in. */
    readonly region: string;
    readonly basis: string;
    readonly currency: "USD";
    /** Hours in a billing month. */
    readonly hoursPerMonth: number;
    readonly eks: {
        /** Per cluster-hour while the version is in standard support (upgradePolicy STANDARD). */
        readonly standardSupportPerHour: UnitPrice;
        /** Per cluster-hour for a version in extended support (upgradePolicy EXTENDED): the total, not a surcharge. */
        readonly extendedSupportPerHour: UnitPrice;
    };
    /** EC2 on-demand Linux, shared tenancy, per instance-hour. */
    readonly ec2PerHour: Readonly<Record<string, number>>;
    /** Per NAT gateway-hour; data processing is per GB and excluded (see `excluded`). */
    readonly natGatewayPerHour: UnitPrice;
    /**
     * Per load balancer-hour. A `type: LoadBalancer` Service with no
     * `aws-load-balancer-type` annotation, on a cluster without the AWS Load
     * Balancer Controller (this program installs none), gets a Classic Load
     * Balancer from the AWS cloud provider that EKS runs in its control plane.
     */
    readonly classicLoadBalancerPerHour: UnitPrice;
    /** An NLB's hourly price, for reference: what the annotation `nlb` would cost before NLCUs. */
    readonly networkLoadBalancerPerHour: UnitPrice;
    /** Per public IPv4 address-hour (since February 2024): NAT gateway EIPs, internet-facing load balancer nodes. */
    readonly publicIpv4PerHour: UnitPrice;
    /** EBS gp3 storage per GiB-month (3,000 IOPS and 125 MiB/s included). */
    readonly ebsGp3PerGbMonth: UnitPrice;
    /**
     * One customer-managed KMS key per month. With automatic rotation (EksCluster turns it
     * on), each of the first two yearly rotations adds this much again: $2 in year two,
     * $3 from year three. The estimate uses the first year's price.
     */
    readonly kmsKeyPerMonth: UnitPrice;
    /** Usage-based charges that depend on traffic or volume, so they are not estimated. */
    readonly excluded: readonly ExcludedCharge[];
}

/** AWS list prices for us-west-2, compiled on 2026-11-24. */
export const PRICES: PriceTable = {
    source: [
        "Amazon EKS pricing, https://aws.amazon.com/eks/pricing/",
        "Amazon EC2 On-Demand pricing (Linux, US West (Oregon)), https://aws.amazon.com/ec2/pricing/on-demand/",
        "Amazon VPC pricing (NAT gateway, public IPv4 addresses), https://aws.amazon.com/vpc/pricing/",
        "Elastic Load Balancing pricing (Classic and Network Load Balancer), https://aws.amazon.com/elasticloadbalancing/pricing/",
        "Amazon EBS pricing (gp3), https://aws.amazon.com/ebs/pricing/",
        "AWS KMS pricing, https://aws.amazon.com/kms/pricing/",
        "Amazon CloudWatch pricing (Logs), https://aws.amazon.com/cloudwatch/pricing/",
    ],
    retrieved: "2026-11-24",
    region: "us-west-2",
    basis: "AWS on-demand list prices as published by AWS for us-west-2 (US West, Oregon), before tax, discounts and free tier",
    currency: "USD",
    hoursPerMonth: 730,
    eks: {
        standardSupportPerHour: { usd: 0.1, unit: "cluster-hour" },
        extendedSupportPerHour: { usd: 0.6, unit: "cluster-hour" },
    },
    // Every instance type of components/eks-cluster/capacity.ts's ENI_LIMITS table.
    ec2PerHour: {
        "t3.nano": 0.0052,
        "t3.micro": 0.0104,
        "t3.small": 0.0208,
        "t3.medium": 0.0416,
        "t3.large": 0.0832,
        "t3.xlarge": 0.1664,
        "t3.2xlarge": 0.3328,
        "t3a.small": 0.0188,
        "t3a.medium": 0.0376,
        "t3a.large": 0.0752,
        "m5.large": 0.096,
        "m5.xlarge": 0.192,
        "m5.2xlarge": 0.384,
        "m6i.large": 0.096,
        "m6i.xlarge": 0.192,
        "m7i.large": 0.1008,
        "m7i.xlarge": 0.2016,
        "c5.large": 0.085,
        "c5.xlarge": 0.17,
        "r5.large": 0.126,
        "r5.xlarge": 0.252,
    },
    natGatewayPerHour: { usd: 0.045, unit: "NAT gateway-hour" },
    classicLoadBalancerPerHour: { usd: 0.025, unit: "load balancer-hour" },
    networkLoadBalancerPerHour: { usd: 0.0225, unit: "load balancer-hour" },
    publicIpv4PerHour: { usd: 0.005, unit: "address-hour" },
    ebsGp3PerGbMonth: { usd: 0.08, unit: "GiB-month" },
    kmsKeyPerMonth: { usd: 1, unit: "key-month" },
    excluded: [
        {
            name: "NAT gateway data processing",
            price: "$0.045 per GB",
            why: "depends on traffic from the nodes to the internet (image pulls, outbound calls)",
            applies: "always",
        },
        {
            name: "Classic Load Balancer data processed",
            price: "$0.008 per GB",
            why: "depends on traffic through the load balancer",
            applies: "always",
        },
        {
            name: "data transfer out to the internet and between zones",
            price: "$0.09 per GB out to the internet (first 10 TB, after 100 GB free), $0.01 per GB each way across zones",
            why: "depends on traffic",
            applies: "always",
        },
        {
            name: "CloudWatch Logs (control-plane logs)",
            price: "$0.50 per GB ingested, $0.03 per GB-month stored",
            why: "depends on API server activity; audit logs are the largest",
            applies: "controlPlaneLogs",
        },
        {
            name: "T3 unlimited CPU credits",
            price: "$0.05 per vCPU-hour above the baseline",
            why: "depends on sustained CPU use above the instance's baseline",
            applies: "burstableNodes",
        },
        {
            name: "KMS requests",
            price: "$0.03 per 10,000 requests (20,000 free per month)",
            why: "depends on Secret reads; small for this program",
            applies: "always",
        },
    ],
};
