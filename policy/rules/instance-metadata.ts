// Private keys must never travel in instance metadata or cluster settings: they end up in the state,
// the console and the metadata service, readable by anything on the host.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { inputAt, TYPES } from "../../infra/cost/estimate";

const PRIVATE_KEY_MARKERS = [
    /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/,
    /PuTTY-User-Key-File-\d/,
    /"private_key"\s*:\s*"/, // a service-account authorized key (key.json)
];

/** Paths "a.b[2]" of string values under `value` that contain private key material. */
export function privateKeyPaths(value: unknown, path: string): string[] {
    if (typeof value === "string") {
        return PRIVATE_KEY_MARKERS.some((marker) => marker.test(value)) ? [path] : [];
    }
    if (Array.isArray(value)) {
        return value.flatMap((item, i) => privateKeyPaths(item, `${path}[${i}]`));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, item]) => privateKeyPaths(item, `${path}.${key}`));
    }
    return [];
}

const CHECKED_FIELDS: Record<string, readonly string[]> = {
    [TYPES.instance]: ["metadata"],
    [TYPES.dataproc]: ["clusterConfig.hadoop.sshPublicKeys", "clusterConfig.hadoop.properties"],
};

export const noPrivateKeyInMetadata: ResourceValidationPolicy = {
    name: "no-private-key-in-metadata",
    description: "Instance metadata and Data Proc settings must not carry private key material.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        for (const field of CHECKED_FIELDS[args.type] ?? []) {
            for (const found of privateKeyPaths(inputAt(args.props, field), field)) {
                report(`${args.type.split(":").pop()} "${args.name}": ${found} contains private key material; pass only public keys, and let the VM fetch secrets at boot (Lockbox or the service account)`);
            }
        }
    },
};
