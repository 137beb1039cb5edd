// A valid configuration input (the dev stack file plus the offline defaults) that tests vary one key at a time.
import { ConfigInput } from "../../infra/config";
import { buildRequest, deepMerge } from "../../tools/offline";

const PREFIX = "fraud-mlops:";

/** `overrides` use section names without the namespace, deep-merged like the offline runner does. */
export function configInput(overrides: Record<string, unknown> = {}, env: Record<string, string | undefined> = {}): ConfigInput {
    const request = buildRequest();
    const config = Object.fromEntries(Object.entries(request.config).map(([key, value]) => [key.slice(PREFIX.length), value]));
    return {
        project: "fraud-mlops",
        stack: "dev",
        config: deepMerge(config, overrides),
        env: { ...request.env, ...env },
        fileExists: (path) => path === "/keys/deployer.json",
    };
}
