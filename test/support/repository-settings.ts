// The repository variables and secrets the workflows read (`vars.X`, `secrets.X`), each with a fake of
// the right form for the tests that run the workflows' steps. .github/README.md lists the same names for
// a team to create; a test keeps the three (workflows, this table, the README) in step.

export interface RepositorySetting {
    readonly kind: "variable" | "secret";
    /** Valid in form (what the program and the steps check), clearly not real. */
    readonly fake: string;
}

export const REPOSITORY_SETTINGS: Readonly<Record<string, RepositorySetting>> = {
    PULUMI_STATE_BUCKET: { kind: "variable", fake: "fraud-mlops-state-fake" },
    SSH_PUBLIC_KEY: { kind: "variable", fake: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeTeamKeyForTheWorkflowTestsOnly00000000 team@ci" },
    // Comma and space separated, as the README allows.
    ADMIN_CIDRS: { kind: "variable", fake: "203.0.113.0/24, 198.51.100.7/32" },
    SSH_PRIVATE_KEY: { kind: "secret", fake: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAFakeKeyForTheWorkflowTestsOnly\n-----END OPENSSH PRIVATE KEY-----" },
    PULUMI_CONFIG_PASSPHRASE: { kind: "secret", fake: "fake-passphrase-for-tests" },
    PULUMI_STATE_ACCESS_KEY_ID: { kind: "secret", fake: "YCAJEfakeAccessKeyId0" },
    PULUMI_STATE_SECRET_ACCESS_KEY: { kind: "secret", fake: "YCfakeSecretAccessKeyForTheWorkflowTests00" },
    YC_SERVICE_ACCOUNT_KEY: {
        kind: "secret",
        fake: JSON.stringify({ id: "ajefakekeyid00000000", service_account_id: "ajefakeserviceacc000", private_key: "-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----\n" }),
    },
    YC_CLOUD_ID: { kind: "secret", fake: "b1gfakecloud00000000" },
    YC_FOLDER_ID: { kind: "secret", fake: "b1gfakefolder0000000" },
};
