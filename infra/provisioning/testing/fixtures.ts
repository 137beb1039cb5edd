// Stand-in values for the Provisioning tests: secret sentinels searched for in every command input.
export const SENTINELS = {
    accessKeyId: "SENTINEL-ACCESS-KEY-ID-7f3a",
    secretKey: "SENTINEL-S3-SECRET-KEY-9c1e",
    /** What the offline mocks give every generated password (tools/offline/mocks.ts). */
    generatedPassword: "mock-password-",
    sshKeyBody: "SENTINEL-SSH-PRIVATE-KEY-BODY-0b8f",
} as const;

export const TEST_PRIVATE_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${SENTINELS.sshKeyBody}\n-----END OPENSSH PRIVATE KEY-----`;
