// Top-level `fraud-mlops:protect`: Pulumi's `protect` (and the provider's deletionProtection where the
// resource has it) on everything whose loss loses data or keys. On by default for stacks named like
// production, which the policy pack's production-deletion-protection rule requires. Pure.
import { RawConfig, topLevelBoolean } from "./reader";

/** Stacks named like production: prod, production, eu-prod, prod-2, ... The policy pack uses this test too. */
export function isProductionStack(stack: string): boolean {
    return /(^|[-_.])prod(uction)?($|[-_.\d])/i.test(stack);
}

export function parseProtect(config: RawConfig, stack: string): boolean {
    return topLevelBoolean(config, "protect", isProductionStack(stack));
}
