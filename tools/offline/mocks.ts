// Pulumi mocks for the Yandex program: plausible computed outputs so every `apply` in the program runs.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** Addresses from TEST-NET-3 / the default subnet: they can never be mistaken for real hosts. */
export const MOCK_PUBLIC_IP = "203.0.113.10";
export const MOCK_INTERNAL_IP = "10.10.0.10";

type State = Record<string, unknown>;

const COMPUTED: Record<string, (name: string, inputs: State) => State> = {
    "yandex:index/iamServiceAccountStaticAccessKey:IamServiceAccountStaticAccessKey": (name) => ({
        accessKey: `mock-access-key-${name}`,
        secretKey: `mock-secret-key-${name}`,
    }),
    "yandex:index/computeInstance:ComputeInstance": (_name, inputs) => ({
        networkInterfaces: ((inputs.networkInterfaces as State[]) ?? []).map((nic) => ({
            ...nic,
            ipAddress: MOCK_INTERNAL_IP,
            natIpAddress: nic.nat ? MOCK_PUBLIC_IP : undefined,
        })),
        fqdn: `${inputs.hostname ?? _name}.ru-central1.internal`,
    }),
    // Generated service secrets (infra/orchestrator/service-files.ts): valid in form, clearly fake.
    "random:index/randomPassword:RandomPassword": (name) => ({ result: `mock-password-${name}` }),
    // The TLS proxy's certificate: a real (public) test certificate, so its fingerprint can be computed.
    "tls:index/privateKey:PrivateKey": (name) => ({ privateKeyPem: `-----BEGIN PRIVATE KEY-----\nmock-key-${name}\n-----END PRIVATE KEY-----\n` }),
    "tls:index/selfSignedCert:SelfSignedCert": () => ({ certPem: fs.readFileSync(path.join(__dirname, "mock-proxy-cert.pem"), "utf8") }),
    "random:index/randomBytes:RandomBytes": (name, inputs) => {
        const bytes = Buffer.alloc(Number(inputs.length ?? 32), `mock-${name}`);
        return { base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    },
};

export function mockState(type: string, name: string, inputs: State): State {
    return { ...inputs, ...(COMPUTED[type]?.(name, inputs) ?? {}) };
}

export function mockCall(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (args.token === "yandex:index/getComputeImage:getComputeImage") {
        return { id: `fd8mock${String(args.inputs.family ?? "image").replace(/[^a-z0-9]/g, "")}`, ...args.inputs };
    }
    return args.inputs;
}
