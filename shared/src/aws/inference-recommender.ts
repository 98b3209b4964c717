/**
 * Reads completed Inference Recommender jobs: one listing of the region's completed jobs, newest
 * first, and a describe only of the newest job of each model the caller asks about. What comes back
 * is plain data; domain/inference-recommender.ts decides what of it can be cited.
 */
import { DescribeInferenceRecommendationsJobCommand, paginateListInferenceRecommendationsJobs, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { RawRecommendationJob } from '../domain/inference-recommender.ts';

interface RecommendationReader {
  /** The newest completed job of each of `models`, read whole; at most `limit` describes. */
  latestJobs(models: readonly string[], limit: number): Promise<RawRecommendationJob[]>;
}

/** Completed jobs listed before giving up on the models not yet found: old jobs cite old hardware anyway. */
const MAX_LISTED_JOBS = 500;

function createRecommendationReader(client: SageMakerClient): RecommendationReader {
  return {
    async latestJobs(models, limit) {
      const wanted = new Set(models);
      const newest = new Map<string, string>();
      let listed = 0;
      const pages = paginateListInferenceRecommendationsJobs(
        { client, pageSize: 100 },
        { StatusEquals: 'COMPLETED', SortBy: 'CreationTime', SortOrder: 'Descending' },
      );
      for await (const page of pages) {
        for (const job of page.InferenceRecommendationsJobs ?? []) {
          if (job.ModelName && wanted.has(job.ModelName) && !newest.has(job.ModelName) && job.JobName) newest.set(job.ModelName, job.JobName);
        }
        listed += page.InferenceRecommendationsJobs?.length ?? 0;
        if (newest.size === wanted.size || newest.size >= limit || listed >= MAX_LISTED_JOBS) break;
      }
      const jobs: RawRecommendationJob[] = [];
      for (const [modelName, jobName] of [...newest].slice(0, limit)) {
        const job = await client.send(new DescribeInferenceRecommendationsJobCommand({ JobName: jobName }));
        jobs.push({
          jobName,
          modelName,
          completedAt: job.CompletionTime?.toISOString(),
          recommendations: (job.InferenceRecommendations ?? []).map((entry) => ({
            instanceType: entry.EndpointConfiguration?.InstanceType,
            instanceCount: entry.EndpointConfiguration?.InitialInstanceCount,
            serverlessMemoryMb: entry.EndpointConfiguration?.ServerlessConfig?.MemorySizeInMB,
            costPerHour: entry.Metrics?.CostPerHour,
            modelLatencyMs: entry.Metrics?.ModelLatency,
          })),
        });
      }
      return jobs;
    },
  };
}

export { createRecommendationReader };
export type { RecommendationReader };
