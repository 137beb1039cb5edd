// Least-privilege roles per service account, as data. No primitive admin/editor role anywhere.
import { PipelineMode } from "../config/pipeline";

export type Account = "cluster" | "orchestrator" | "storage";

/** Folder roles each account gets, one non-authoritative member resource per role. */
export function folderRoles(mode: PipelineMode): Record<Account, string[]> {
    const createsClusters = mode === "ephemeral";
    return {
        // Data Proc agent; read raw / write cleaned, logs (s3a deletes temp files, so editor not uploader);
        // cluster logs to Cloud Logging.
        cluster: ["dataproc.agent", "storage.editor", "logging.writer"],
        // Airflow submits jobs; in ephemeral mode it also creates/deletes clusters in the subnet and
        // attaches the cluster's service account to them.
        orchestrator: createsClusters
            ? ["dataproc.editor", "vpc.user", "iam.serviceAccounts.user"]
            : ["dataproc.editor"],
        // The static key's account: MLflow artifacts, job-code uploads, S3 API users.
        storage: ["storage.editor"],
    };
}

/** Accounts that read or write bucket objects, hence need the KMS key. */
export const KMS_USERS: readonly Account[] = ["cluster", "storage"];
export const KMS_ROLE = "kms.keys.encrypterDecrypter";
