/**
 * How to read a SageMaker usage type, in one place: `<region prefix>-<family>:<detail>`, e.g.
 * `USE1-Host:ml.g5.xlarge`, `EU-Studio:JupyterLab-ml.t3.medium`, `EUC1-Notebk:ml.t3.medium`,
 * `USW2-Canvas:Session-Hrs`. Spellings as AWS bills them: `Host`, `Notebk`, `Train`, `Processing`
 * in the Price List's `usagetype` and Cost Explorer (DESIGN.md, "AWS Price List"); `Canvas:Session-Hrs`
 * (SageMaker Developer Guide, "Canvas pricing": "REGION-Canvas:Session-Hrs"); `Studio:JupyterLab-…`
 * and HyperPod's `Cluster:` in the Price List. A usage type the table does not know is "other",
 * named by its family as billed, never dropped. Cost Explorer does not document REGION as a
 * GetCostAndUsage GroupBy key, so the region is read from the prefix; a usage type without one is
 * us-east-1's (AWS's convention for its first region).
 */

/** AWS's billing region codes, as usage types carry them. */
const REGION_PREFIXES: Readonly<Record<string, string>> = {
  USE1: 'us-east-1',
  USE2: 'us-east-2',
  USW1: 'us-west-1',
  USW2: 'us-west-2',
  CAN1: 'ca-central-1',
  CAN2: 'ca-west-1',
  SAE1: 'sa-east-1',
  EU: 'eu-west-1',
  EUW2: 'eu-west-2',
  EUW3: 'eu-west-3',
  EUC1: 'eu-central-1',
  EUC2: 'eu-central-2',
  EUN1: 'eu-north-1',
  EUS1: 'eu-south-1',
  EUS2: 'eu-south-2',
  APE1: 'ap-east-1',
  APN1: 'ap-northeast-1',
  APN2: 'ap-northeast-2',
  APN3: 'ap-northeast-3',
  APS1: 'ap-southeast-1',
  APS2: 'ap-southeast-2',
  APS3: 'ap-south-1',
  APS4: 'ap-southeast-3',
  APS5: 'ap-south-2',
  APS6: 'ap-southeast-4',
  MES1: 'me-south-1',
  MEC1: 'me-central-1',
  AFS1: 'af-south-1',
  ILC1: 'il-central-1',
  UGW1: 'us-gov-west-1',
  UGE1: 'us-gov-east-1',
};

type FamilyId = 'hosting' | 'notebooks' | 'studio' | 'canvas' | 'mlflow' | 'training' | 'processing' | 'hyperpod' | 'volumes' | 'data-transfer' | 'other';

interface Family {
  readonly id: FamilyId;
  /** What the report calls it. */
  readonly title: string;
  /** The kinds of resource that bill under it: what to look for when it is not explained. */
  readonly kinds: string;
}

/** Every family the report names, in the order it lists them. */
const FAMILIES: readonly Family[] = [
  { id: 'hosting', title: 'Hosting', kinds: 'real-time and asynchronous endpoints (instance variants and inference components)' },
  { id: 'notebooks', title: 'Notebook instances', kinds: 'notebook instances' },
  { id: 'studio', title: 'Studio apps', kinds: 'Studio JupyterLab, Code Editor and KernelGateway apps' },
  { id: 'canvas', title: 'Canvas sessions', kinds: 'Canvas apps of logged-in users (closing the browser does not log out)' },
  { id: 'mlflow', title: 'MLflow', kinds: 'MLflow tracking servers (one left by a deleted domain still bills)' },
  { id: 'training', title: 'Training', kinds: 'training jobs, including managed spot and warm pools' },
  { id: 'processing', title: 'Processing', kinds: 'processing jobs' },
  { id: 'hyperpod', title: 'HyperPod', kinds: 'HyperPod cluster instances' },
  { id: 'volumes', title: 'Storage volumes', kinds: 'ML storage volumes: notebook instances, Studio spaces (kept while stopped), endpoints, training' },
  { id: 'data-transfer', title: 'Data transfer', kinds: 'data transferred in and out of SageMaker' },
  { id: 'other', title: 'Other', kinds: 'other SageMaker features (named by usage type)' },
];

/** The family part as billed (between the region prefix and the colon) → family. */
const FAMILY_OF_PART: Readonly<Record<string, FamilyId>> = {
  Host: 'hosting',
  AsyncInf: 'hosting',
  Notebk: 'notebooks',
  Studio: 'studio',
  Canvas: 'canvas',
  Train: 'training',
  'Train-Spot': 'training',
  Processing: 'processing',
  Cluster: 'hyperpod',
  ReservedCluster: 'hyperpod',
};

interface UsageTypeReading {
  /** The region it was billed in, or undefined when its prefix is not one AWS's list has. */
  readonly region: string | undefined;
  /** The prefix as billed (`USE1`), empty for none. */
  readonly prefix: string;
  readonly family: FamilyId;
  /** The family part as billed (`Host`, `DataWrangler`): names an "other" usage. */
  readonly part: string;
}

function readUsageType(usageType: string): UsageTypeReading {
  const dash = usageType.indexOf('-');
  const colon = usageType.indexOf(':');
  const candidate = dash > 0 && (colon < 0 || dash < colon) ? usageType.slice(0, dash) : '';
  const prefixed = /^[A-Z]{2,4}\d?$/.test(candidate);
  const prefix = prefixed ? candidate : '';
  const rest = prefixed ? usageType.slice(dash + 1) : usageType;
  const region = prefixed ? REGION_PREFIXES[prefix] : 'us-east-1';
  const part = colon >= 0 ? rest.slice(0, rest.indexOf(':')) : rest;
  const detail = colon >= 0 ? rest.slice(rest.indexOf(':') + 1) : '';
  return { region, prefix, family: familyOf(part, detail, rest), part };
}

function familyOf(part: string, detail: string, rest: string): FamilyId {
  // Storage is billed under the family of what it is attached to: `Notebk:VolumeUsage.gp2`.
  if (/^VolumeUsage/i.test(detail)) return 'volumes';
  if (/DataTransfer|-Bytes$|^Bytes/i.test(rest)) return 'data-transfer';
  if (/^mlflow/i.test(part)) return 'mlflow';
  return FAMILY_OF_PART[part] ?? (/^Train/.test(part) ? 'training' : 'other');
}

function familyTitle(id: FamilyId): string {
  return FAMILIES.find((family) => family.id === id)?.title ?? id;
}

function familyKinds(id: FamilyId): string {
  return FAMILIES.find((family) => family.id === id)?.kinds ?? '';
}

export { FAMILIES, REGION_PREFIXES, readUsageType, familyTitle, familyKinds };
export type { FamilyId, Family, UsageTypeReading };
