import * as assert from "assert";
import { ConfigError } from "../../config/errors";
import { DATAPROC_DEFAULTS, parseDataproc } from "../../config/dataproc";
import { PipelineConfigInput, renderPipelineConfig } from "./pipeline-config";
import { samplePipelineInput, sampleLocalPipelineInput } from "./testing/samples";
import { matchSnapshot } from "./testing/snapshot";
import { CLUSTER_PYTHON, clusterProperties, DATAPROC_SERVICES } from "../../dataproc/spec";

describe("orchestrator services: pipeline.json for the DAG", () => {
    it("matches the snapshots of the three modes", () => {
        matchSnapshot("pipeline-persistent.json", renderPipelineConfig(samplePipelineInput("persistent")));
        matchSnapshot("pipeline-ephemeral.json", renderPipelineConfig(samplePipelineInput("ephemeral")));
        matchSnapshot("pipeline-local.json", renderPipelineConfig(sampleLocalPipelineInput("/srv/fraud-local")));
    });

    it("mirrors the persistent cluster's sizes, services and properties in the ephemeral cluster spec", () => {
        const spec = JSON.parse(renderPipelineConfig(samplePipelineInput("ephemeral"))).dataproc.spec;
        assert.deepStrictEqual(spec.master, DATAPROC_DEFAULTS.master);
        assert.deepStrictEqual(spec.data, DATAPROC_DEFAULTS.data);
        assert.strictEqual(spec.imageVersion, DATAPROC_DEFAULTS.imageVersion);
        assert.deepStrictEqual(spec.services, [...DATAPROC_SERVICES]);
        assert.deepStrictEqual(spec.properties, clusterProperties(parseDataproc({})));
        assert.strictEqual(spec.properties["pip:mlflow-skinny"], "2.17.2");
        assert.deepStrictEqual([spec.properties["pip:xgboost-cpu"], spec.properties["pip:scikit-learn"]], ["2.1.4", "0.24.1"]);
        assert.strictEqual(spec.properties["spark:spark.pyspark.python"], CLUSTER_PYTHON);
    });

    const refuses = (input: PipelineConfigInput, key: RegExp) =>
        assert.throws(() => renderPipelineConfig(input), (error: unknown) => error instanceof ConfigError && key.test(error.key) && /Fix:/.test(error.message));

    it("refuses a persistent config without the cluster id", () => {
        const input = samplePipelineInput("persistent");
        refuses({ ...input, dataproc: { spec: input.dataproc!.spec, jobProperties: input.dataproc!.jobProperties } }, /dataproc\.clusterId/);
    });

    it("refuses an ephemeral config that names a cluster", () => {
        const input = samplePipelineInput("ephemeral");
        refuses({ ...input, dataproc: { ...input.dataproc!, clusterId: "c9q" } }, /dataproc\.clusterId/);
    });

    it("refuses local paths in a cloud mode and URIs in local mode", () => {
        const cloud = samplePipelineInput("persistent");
        refuses({ ...cloud, data: { ...cloud.data, rawPrefix: "/data/raw" } }, /data\.rawPrefix/);
        const local = sampleLocalPipelineInput("/srv/x");
        refuses({ ...local, jobs: { ...local.jobs, cleanJob: "s3a://code/clean_job.py" } }, /jobs\.cleanJob/);
    });

    it("needs the MLflow credentials location in the cloud modes and refuses it in local mode", () => {
        const cloud = samplePipelineInput("ephemeral");
        refuses({ ...cloud, mlflow: { trackingUri: cloud.mlflow.trackingUri, uiUrl: cloud.mlflow.uiUrl } }, /mlflow\.credentialsUri/);
        refuses({ ...cloud, mlflow: { ...cloud.mlflow, credentialsUri: "/secrets/mlflow-client.json" } }, /mlflow\.credentialsUri/);
        const local = sampleLocalPipelineInput("/srv/x");
        refuses({ ...local, mlflow: { ...local.mlflow, credentialsUri: cloud.mlflow.credentialsUri } }, /mlflow\.credentialsUri/);
    });

    it("refuses a bad schedule, date and retry count", () => {
        const input = samplePipelineInput("ephemeral");
        refuses({ ...input, schedule: "every day" }, /schedule/);
        refuses({ ...input, training: { ...input.training, trainStart: "01.09.2019" } }, /training\.trainStart/);
        refuses({ ...input, retries: -1 }, /retries/);
    });
});
