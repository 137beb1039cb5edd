// The policy pack `pulumi preview --policy-pack policy` loads. Constructing PolicyPack starts the
// analyzer's gRPC server, so this file only wires the policies; tests import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { RESOURCE_POLICIES, STACK_POLICIES } from "./policies";

new PolicyPack("fraud-mlops-guardrails", {
    policies: [...RESOURCE_POLICIES, ...STACK_POLICIES],
});
