// The EKS guardrails policy pack. Run it with:
//   pulumi preview --policy-pack policy
// Configure it with --policy-pack-config (see policy/README.md).
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./rules";

new PolicyPack("eks-guardrails", { policies: POLICIES });
