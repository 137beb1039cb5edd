// What the deploy step sends to the VM (JSON on stdin of deploy_orchestrator.py) and the run step's
// parameters. Pure: the component resolves Outputs and passes plain values.
import { sha256 } from "./files";

export interface VmFile {
    /** Absolute path on the VM. */
    readonly path: string;
    readonly content: string;
    readonly mode: number;
}

export interface HealthCheck {
    readonly name: string;
    readonly url: string;
}

export interface OrchestratorBundle {
    readonly files: readonly VmFile[];
    readonly secretFiles: readonly VmFile[];
    readonly compose: { readonly file: string; readonly bootUnit?: string };
    readonly health: readonly HealthCheck[];
}

const DAG_FILE_MODE = 0o644;

/** DAG sources (relative path -> content) placed under the VM's DAG folder. */
export function dagFiles(dagsDir: string, sources: Readonly<Record<string, string>>): VmFile[] {
    return Object.keys(sources).sort().map((rel) => ({ path: `${dagsDir}/${rel}`, content: sources[rel], mode: DAG_FILE_MODE }));
}

export function renderBundle(bundle: OrchestratorBundle): string {
    return JSON.stringify(bundle);
}

/**
 * Hash of everything but the secret files' contents (their paths are included): the trigger of the
 * deploy step. A changed secret still re-deploys, because stdin (a secret input) changes.
 */
export function publicBundleHash(bundle: OrchestratorBundle): string {
    const { secretFiles, ...rest } = bundle;
    return sha256(JSON.stringify({ ...rest, secretPaths: secretFiles.map((f) => f.path) }));
}

export function healthChecks(airflowPort: number, mlflowPort: number): HealthCheck[] {
    return [
        { name: "airflow", url: `http://127.0.0.1:${airflowPort}/api/v2/monitor/health` },
        { name: "mlflow", url: `http://127.0.0.1:${mlflowPort}/health` },
    ];
}

/** Run ids are `<prefix>-<attempt>`: one prefix per distinct (code, config, input, window). */
export function runPrefix(triggers: readonly string[]): string {
    return `provision-${sha256(triggers.join("\n")).slice(0, 12)}`;
}
