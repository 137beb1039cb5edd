// Public API of the orchestrator VM's rendered files. The caller resolves Pulumi Outputs (pulumi.all(...).apply)
// and passes plain values; each function is pure and returns files with absolute VM paths and modes.
import { renderBackupDockerfile, renderBackupScript } from "./backup";
import { renderBootUnit } from "./boot-unit";
import { renderComposeFile } from "./compose";
import { buildContextFiles } from "./images";
import { ServiceSecrets, ServicesInput, validateServicesInput } from "./inputs";
import { FILES } from "./layout";
import { PipelineConfigInput, renderPipelineConfig } from "./pipeline-config";
import { renderPostgresInit } from "./postgres-init";
import { renderCaddyfile } from "./proxy";
import { SECRET_FILE_MODE, secretFileContents } from "./secrets";

export { clusterSpecOf, DataprocClusterSpec, DataprocPlacement, PipelineConfigInput } from "./pipeline-config";
export { ProxyInput, ServiceHostPaths, ServiceSecrets, ServicesInput } from "./inputs";
export { MLFLOW_UI_PREFIX } from "./layout";
export { VERSIONS } from "./versions";

export interface RenderedFile {
    /** Absolute path on the VM. */
    readonly path: string;
    readonly content: string;
    /** File mode, e.g. 0o644; secret files are 0o600. */
    readonly mode: number;
}

const PUBLIC_FILE_MODE = 0o644;
const SCRIPT_MODE = 0o755;

/** Files without secrets: compose file, image build contexts, PostgreSQL init, boot unit, pipeline.json. */
export function renderServiceFiles(rawInput: ServicesInput, pipeline: PipelineConfigInput): RenderedFile[] {
    const input = validateServicesInput(rawInput);
    const contents: [string, string, number][] = [
        [FILES.compose, renderComposeFile(input), PUBLIC_FILE_MODE],
        ...buildContextFiles().map(([file, content]): [string, string, number] => [file, content, PUBLIC_FILE_MODE]),
        [FILES.postgresInit, renderPostgresInit(), SCRIPT_MODE],
        [FILES.bootUnit, renderBootUnit(input.paths.compose), PUBLIC_FILE_MODE],
        [FILES.pipelineConfig, renderPipelineConfig(pipeline), PUBLIC_FILE_MODE],
        [FILES.backupDockerfile, renderBackupDockerfile(), PUBLIC_FILE_MODE],
        [FILES.backupScript, renderBackupScript(), PUBLIC_FILE_MODE],
        ...(input.proxy ? [
            [FILES.proxyConfig, renderCaddyfile(input.proxy), PUBLIC_FILE_MODE],
            [FILES.proxyCertificate, input.proxy.certificatePem, PUBLIC_FILE_MODE],
        ] as [string, string, number][] : []),
    ];
    return contents.map(([file, content, mode]) => ({ path: `${input.paths.compose}/${file}`, content, mode }));
}

/** The only files holding secrets: env files and MLflow's auth config, all mode 0600 in the secrets folder. */
export function renderSecretFiles(input: ServicesInput, secrets: ServiceSecrets): RenderedFile[] {
    return Object.entries(secretFileContents(input, secrets)).map(([file, content]) => ({
        path: `${input.paths.secrets}/${file}`,
        content,
        mode: SECRET_FILE_MODE,
    }));
}
