// Build contexts of the two images built on the VM (docker compose `build:`). Their Dockerfiles and scripts
// are real files under infra/orchestrator/images/, at the same relative path as in the compose folder
// (linted by hadolint and ruff); the versions reach them as build arguments rendered here from versions.ts.
import * as fs from "fs";
import * as path from "path";
import { FILES } from "./layout";
import { airflowImage, VERSIONS } from "./versions";

const IMAGES_DIR = path.resolve(__dirname, "../images");

/** The full resolution the DAG tests run against (scripts/setup-airflow.sh writes and checks it). */
export const AIRFLOW_CONSTRAINTS_SOURCE = path.resolve(__dirname, "../../../jobs/constraints-airflow.txt");

/** Compose-folder paths (FILES values) whose content is the file of the same path under images/. */
export const IMAGE_SOURCE_FILES: readonly string[] = [
    FILES.airflowDockerfile,
    FILES.airflowAdminPasswordScript,
    FILES.mlflowDockerfile,
    FILES.mlflowMigrateAuthDb,
];

export function imageSourcePath(composeRelativePath: string): string {
    return path.join(IMAGES_DIR, composeRelativePath);
}

/** Every build-context file: [path relative to the compose folder, content], copied verbatim. */
export function buildContextFiles(): [string, string][] {
    return [
        ...IMAGE_SOURCE_FILES.map((file): [string, string] => [file, fs.readFileSync(imageSourcePath(file), "utf8")]),
        [FILES.airflowConstraints, fs.readFileSync(AIRFLOW_CONSTRAINTS_SOURCE, "utf8")],
    ];
}

export interface ImageBuild {
    readonly context: string;
    /** Every ARG of the Dockerfile, no more (services.test.ts checks both ways). */
    readonly args: Readonly<Record<string, string>>;
}

const contextOf = (dockerfile: string): string => `./${path.posix.dirname(dockerfile)}`;

export const AIRFLOW_BUILD: ImageBuild = {
    context: contextOf(FILES.airflowDockerfile),
    args: {
        AIRFLOW_BASE_IMAGE: airflowImage(),
        AIRFLOW_VERSION: VERSIONS.airflow,
        AIRFLOW_PROVIDER_YANDEX_VERSION: VERSIONS.airflowProviderYandex,
    },
};

export const MLFLOW_BUILD: ImageBuild = {
    context: contextOf(FILES.mlflowDockerfile),
    args: {
        MLFLOW_BASE_IMAGE: VERSIONS.mlflowBaseImage,
        MLFLOW_VERSION: VERSIONS.mlflow,
        PSYCOPG2_BINARY_VERSION: VERSIONS.psycopg2Binary,
        BOTO3_VERSION: VERSIONS.boto3,
    },
};
