/**
 * Utilisation peaks as CloudWatch publishes them, shared by the variant and the component judgements
 * (and the usage reads that fill them), so that neither judgement imports the other.
 */

/** Peaks as CloudWatch publishes them (`/aws/sagemaker/Endpoints`): CPU 0–100 × vCPUs, memory 0–100, GPU and GPU memory 0–100 × GPUs. */
interface RawPeaks {
  readonly cpu?: number | undefined;
  readonly memory?: number | undefined;
  readonly gpu?: number | undefined;
  readonly gpuMemory?: number | undefined;
}

export type { RawPeaks };
