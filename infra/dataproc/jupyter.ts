// JupyterLab on the persistent cluster's master (fraud-mlops:dataproc.jupyterLab): a Data Proc
// initialization action (init/jupyterlab.sh) installs it at cluster creation, bound to 127.0.0.1; admins
// open it through an SSH tunnel over the orchestrator VM (stack output jupyterLabTunnel). Pure, except the
// one read of the script file, so the cluster, the policy rule and the outputs share these constants.
import * as fs from "fs";
import * as path from "path";

/** Jupyter's usual port, on the master's loopback; policy rule jupyter-port-private keeps every group closed to it. */
export const JUPYTER_PORT = 8888;
/** Relative to the repository root. */
export const JUPYTER_INIT_SCRIPT = "infra/dataproc/init/jupyterlab.sh";
/** Where the script goes in the code bucket (the cluster's service account reads that bucket). */
export const JUPYTER_INIT_KEY = "dataproc/init/jupyterlab.sh";
/** Seconds Data Proc gives the action: a venv and about 100 pinned wheels from PyPI, then the server's start. */
export const JUPYTER_INIT_TIMEOUT_SECONDS = 900;

export function jupyterInitScript(): string {
    return fs.readFileSync(path.resolve(__dirname, "..", "..", JUPYTER_INIT_SCRIPT), "utf8");
}

export interface InitializationAction {
    readonly uri: string;
    readonly args: string[];
    readonly timeout: string;
}

/** The cluster's initialization action running the script from `codeBucket`. */
export function jupyterInitAction(codeBucket: string): InitializationAction {
    return { uri: `s3a://${codeBucket}/${JUPYTER_INIT_KEY}`, args: [String(JUPYTER_PORT)], timeout: String(JUPYTER_INIT_TIMEOUT_SECONDS) };
}
