// Writes every rendered file for the sample inputs under OUT_DIR: vm/<absolute VM path> for the service and
// secret files, pipeline-<mode>.json per mode. Used by the compose validation test and by the DAG tests
// (scripts/test.d/30-airflow.sh), so the DAG is tested against exactly what the deployment renders.
// Usage: npx ts-node infra/orchestrator/services/testing/render-samples.ts OUT_DIR
import * as fs from "fs";
import * as path from "path";
import { renderServiceFiles, renderSecretFiles, RenderedFile } from "../index";
import { renderPipelineConfig } from "../pipeline-config";
import { samplePipelineInput, sampleLocalPipelineInput, SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS } from "./samples";

export function writeRendered(root: string, files: readonly RenderedFile[]): void {
    for (const file of files) {
        const target = path.join(root, file.path);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, file.content, { mode: file.mode });
    }
}

export function renderSamples(outDir: string): void {
    writeRendered(path.join(outDir, "vm"), [
        ...renderServiceFiles(SAMPLE_SERVICES_INPUT, samplePipelineInput("persistent")),
        ...renderSecretFiles(SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS),
    ]);
    fs.writeFileSync(path.join(outDir, "pipeline-persistent.json"), renderPipelineConfig(samplePipelineInput("persistent")));
    fs.writeFileSync(path.join(outDir, "pipeline-ephemeral.json"), renderPipelineConfig(samplePipelineInput("ephemeral")));
    // Persistent mode cleaning from HDFS: the DAG's staging step (jobs/tests/dags/test_hdfs_staging.py).
    fs.writeFileSync(path.join(outDir, "pipeline-persistent-hdfs.json"), renderPipelineConfig(samplePipelineInput("persistent", "hdfs")));
    fs.writeFileSync(path.join(outDir, "pipeline-local.json"), renderPipelineConfig(sampleLocalPipelineInput("/srv/fraud-local")));
    fs.writeFileSync(path.join(outDir, "sentinel-secrets.json"), JSON.stringify(SENTINEL_SECRETS, null, 2));
}

if (require.main === module) {
    const outDir = process.argv[2];
    if (!outDir) {
        console.error("usage: render-samples.ts OUT_DIR");
        process.exit(2);
    }
    renderSamples(path.resolve(outDir));
}
