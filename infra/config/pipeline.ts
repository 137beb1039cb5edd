// Section `fraud-mlops:pipeline`: how the jobs run. Other sections' owners extend this file additively.
import { RawConfig, Section } from "./reader";
import { parsePipelineRun, PipelineRunConfig } from "./pipeline-run";
import { parsePipelineDag, PipelineDagConfig } from "./pipeline-dag";
import { parsePipelineScoring, PipelineScoringConfig } from "./pipeline-scoring";
import { CleanFrom, parseCleanFrom } from "./pipeline-staging";
import { parseDataproc } from "./dataproc";
import { parseRawDataSizeGb } from "./storage";

/**
 * persistent: one long-lived Data Proc cluster declared here;
 * ephemeral: no cluster here, Airflow creates one per run and deletes it (the main cost lever);
 * local: no cluster; jobs run with local Spark.
 */
export const PIPELINE_MODES = ["persistent", "ephemeral", "local"] as const;
export type PipelineMode = (typeof PIPELINE_MODES)[number];

export interface PipelineConfig extends PipelineRunConfig, PipelineDagConfig, PipelineScoringConfig {
    readonly mode: PipelineMode;
    /** Where cleaning reads the raw files; hdfs adds the distcp staging step (persistent mode only). */
    readonly cleanFrom: CleanFrom;
}

export function parsePipeline(config: RawConfig): PipelineConfig {
    const section = Section.of(config, "pipeline");
    const mode = section.oneOf("mode", PIPELINE_MODES, "persistent");
    const cleanFrom = parseCleanFrom(section, mode, parseDataproc(config), parseRawDataSizeGb(config));
    const pipeline: PipelineConfig = {
        mode,
        cleanFrom,
        ...parsePipelineRun(section),
        ...parsePipelineDag(section),
        ...parsePipelineScoring(section),
    };
    section.finish();
    return pipeline;
}

export function needsPersistentCluster(pipeline: PipelineConfig): boolean {
    return pipeline.mode === "persistent";
}
