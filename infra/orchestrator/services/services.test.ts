import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../config/errors";
import { renderSecretFiles, renderServiceFiles, RenderedFile, VERSIONS } from "./index";
import { samplePipelineInput, SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS } from "./testing/samples";
import { matchSnapshot } from "./testing/snapshot";

const serviceFiles = renderServiceFiles(SAMPLE_SERVICES_INPUT, samplePipelineInput("persistent"));
const secretFiles = renderSecretFiles(SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS);

/** Every form a secret may take once rendered: raw, URL-encoded (DB URLs), configparser-escaped, base64url. */
function secretForms(value: string): string[] {
    const forms = [value, encodeURIComponent(value), value.replace(/%/g, "%%"), encodeURIComponent(value).replace(/%/g, "%%")];
    if (value === SENTINEL_SECRETS.airflowFernetKey) forms.push(Buffer.from(value, "base64").toString("base64url"));
    return forms;
}

function holds(file: RenderedFile, secret: string): boolean {
    return secretForms(secret).some((form) => file.content.includes(form));
}

const snapshotName = (file: RenderedFile): string => file.path.replace(/^\/opt\/fraud-mlops\//, "").replace(/\//g, "__");

describe("orchestrator services: rendered files", () => {
    for (const file of [...serviceFiles, ...secretFiles]) {
        // The backup script is shipped as is: compared with its source instead of a copy in the snapshots.
        if (file.path.endsWith("/backup/db_backup.py")) continue;
        it(`matches the snapshot: ${file.path}`, () => matchSnapshot(snapshotName(file), file.content));
    }

    it("ships the backup script unchanged", () => {
        const shipped = serviceFiles.find((file) => file.path.endsWith("/backup/db_backup.py"));
        assert.strictEqual(shipped?.content, fs.readFileSync(path.join(__dirname, "backup", "db_backup.py"), "utf8"));
    });

    it("places every file under the VM's folders with the intended mode", () => {
        for (const file of serviceFiles) {
            assert.ok(file.path.startsWith(`${SAMPLE_SERVICES_INPUT.paths.compose}/`), file.path);
            assert.ok(file.mode === 0o644 || file.mode === 0o755, file.path);
        }
        for (const file of secretFiles) {
            assert.ok(file.path.startsWith(`${SAMPLE_SERVICES_INPUT.paths.secrets}/`), file.path);
            assert.strictEqual(file.mode, 0o600, file.path);
        }
    });

    it("keeps every secret out of every file that is not a secret file", () => {
        for (const file of serviceFiles) {
            for (const [name, value] of Object.entries(SENTINEL_SECRETS)) {
                assert.ok(!holds(file, value), `${name} leaked into ${file.path}`);
            }
            assert.ok(!file.content.includes("SENTINEL"), `a sentinel leaked into ${file.path}`);
        }
    });

    it("puts each secret only in the secret files that need it", () => {
        const where = (value: string) => secretFiles.filter((file) => holds(file, value)).map((file) => path.basename(file.path)).sort();
        const s = SENTINEL_SECRETS;
        assert.deepStrictEqual(where(s.postgresSuperuserPassword), ["postgres.env"]);
        assert.deepStrictEqual(where(s.airflowDbPassword), ["airflow.env", "postgres.env"]);
        assert.deepStrictEqual(where(s.mlflowDbPassword), ["mlflow-auth.ini", "mlflow.env", "postgres.env"]);
        assert.deepStrictEqual(where(s.airflowJwtSecret), ["airflow.env"]);
        assert.deepStrictEqual(where(s.airflowFernetKey), ["airflow.env"]);
        assert.deepStrictEqual(where(s.mlflowAdminPassword), ["airflow.env", "mlflow-auth.ini"]);
        assert.deepStrictEqual(where(s.mlflowS3SecretAccessKey), ["mlflow.env"]);
    });

    it("never uses Airflow's well-known default credentials", () => {
        for (const file of [...serviceFiles, ...secretFiles]) {
            assert.ok(!/airflow:airflow|_AIRFLOW_WWW_USER_PASSWORD|password1234/.test(file.content), file.path);
        }
    });

    it("pins the same Airflow and provider versions as the DAG test environment", () => {
        const requirements = fs.readFileSync(path.resolve(__dirname, "../../../jobs/requirements-airflow.txt"), "utf8");
        assert.match(requirements, new RegExp(`^apache-airflow==${VERSIONS.airflow.replace(/\./g, "\\.")}$`, "m"));
        assert.match(requirements, new RegExp(`^apache-airflow-providers-yandex==${VERSIONS.airflowProviderYandex.replace(/\./g, "\\.")}$`, "m"));
    });

    it("pins the MLflow server to the version of the jobs' clients", () => {
        const requirements = fs.readFileSync(path.resolve(__dirname, "../../../jobs/requirements-dev.txt"), "utf8");
        assert.match(requirements, new RegExp(`^mlflow==${VERSIONS.mlflow.replace(/\./g, "\\.")}$`, "m"));
    });
});

describe("orchestrator services: bad input is refused before anything is rendered", () => {
    const refuses = (thunk: () => unknown, key: RegExp) =>
        assert.throws(thunk, (error: unknown) => error instanceof ConfigError && key.test(error.key) && /Fix:/.test(error.message));

    it("refuses a relative or quoted path", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, paths: { ...SAMPLE_SERVICES_INPUT.paths, dags: "dags" } }, samplePipelineInput("persistent")), /paths\.dags/);
    });

    it("refuses equal ports", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, mlflowPort: 8080 }, samplePipelineInput("persistent")), /mlflowPort/);
    });

    it("refuses a secret with a quote (env files hold values single-quoted)", () => {
        refuses(() => renderSecretFiles(SAMPLE_SERVICES_INPUT, { ...SENTINEL_SECRETS, airflowJwtSecret: "it's-a-secret" }), /airflowJwtSecret/);
    });

    it("refuses a Fernet key that is not 32 bytes", () => {
        refuses(() => renderSecretFiles(SAMPLE_SERVICES_INPUT, { ...SENTINEL_SECRETS, airflowFernetKey: Buffer.alloc(16).toString("base64") }), /airflowFernetKey/);
    });

    it("refuses a bucket given as a URI", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, mlflowBucket: "s3://bucket" }, samplePipelineInput("persistent")), /mlflowBucket/);
    });
});
