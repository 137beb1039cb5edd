// What the offline program runner returns: every registered resource and the stack outputs.

export interface OfflineResource {
    readonly type: string;
    readonly name: string;
    /** True for provider-managed (custom) resources, false for components and the stack. */
    readonly custom: boolean;
    /** Parent chain from the root, as `type::name`, nearest parent last. */
    readonly parents: string[];
    /** The provider reference the engine would use (urn::id), when any. */
    readonly provider?: string;
    /** Inputs with secrets unwrapped; `secretPaths` lists which were secret (dotted paths). */
    readonly inputs: Record<string, unknown>;
    readonly secretPaths: string[];
    readonly options: {
        readonly retainOnDelete?: boolean;
        readonly protect?: boolean;
        readonly ignoreChanges?: string[];
        readonly additionalSecretOutputs?: string[];
        readonly dependsOn: string[];
    };
}

export interface OfflineOutput {
    readonly value: unknown;
    readonly secret: boolean;
}

export interface OfflineError {
    readonly name: string;
    readonly message: string;
    /** The config key or environment variable a ConfigError names. */
    readonly key?: string;
}

export interface OfflineResult {
    readonly stack: string;
    readonly resources: OfflineResource[];
    readonly outputs: Record<string, OfflineOutput>;
    /** Function calls the program made (token and inputs), e.g. image lookups. */
    readonly calls: { token: string; inputs: Record<string, unknown> }[];
    readonly error?: OfflineError;
}

export interface OfflineRequest {
    readonly stack: string;
    /** Full key (`fraud-mlops:network`) -> value; string for plain keys, object for sections. */
    readonly config: Record<string, unknown>;
    readonly secretKeys: string[];
    readonly env: Record<string, string>;
    readonly program: string;
    readonly project: string;
}
