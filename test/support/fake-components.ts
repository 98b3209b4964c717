/**
 * An in-memory account of inference components with Application Auto Scaling targets, answering
 * the operations weekend-scaling uses as AWS documents them:
 * - RegisterScalableTarget on an existing target moves an active resource's current capacity into
 *   the new [Min, Max] at once, and leaves a resource that is not active as it is (Application Auto
 *   Scaling API Reference, RegisterScalableTarget).
 * - A copy-count change puts the component in `Updating` for a while (SageMaker API Reference,
 *   InferenceComponentStatus); the settle time here is a number of DescribeInferenceComponent calls.
 * - While `Updating`, UpdateInferenceComponentRuntimeConfig is refused. The docs are silent on
 *   this; the fake takes the harsher reading (a ValidationException, which the SDK does not retry).
 * - A MinCapacity above the copy count pushes a manual 0 back up.
 * Failures can be injected per call.
 */
import { FakeAwsError } from './fake-account.ts';

interface FakeComponent {
  readonly name: string;
  readonly endpointName: string;
  copies: number;
  tags: Record<string, string>;
  autoscaling?: { min: number; max: number };
  /** Describes left before an `Updating` component is InService again; absent or 0 means InService. */
  updatingFor?: number;
}

/** How many DescribeInferenceComponent calls a change takes to settle. */
const SETTLE_DESCRIBES = 2;

interface FakeHost {
  readonly name: string;
  readonly instanceType: string;
  readonly instances: number;
  readonly managedMin?: number;
}

type ComponentOperation =
  | 'ListInferenceComponents'
  | 'DescribeInferenceComponent'
  | 'ListTags'
  | 'AddTags'
  | 'DeleteTags'
  | 'UpdateInferenceComponentRuntimeConfig'
  | 'GetResources'
  | 'DescribeScalableTargets'
  | 'RegisterScalableTarget'
  | 'CreateSchedule'
  | 'DescribeEndpoint'
  | 'DescribeEndpointConfig'
  | 'Publish';

const MUTATING: ReadonlySet<ComponentOperation> = new Set(['AddTags', 'DeleteTags', 'UpdateInferenceComponentRuntimeConfig', 'RegisterScalableTarget', 'CreateSchedule']);
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ARN_PREFIX = 'arn:aws:sagemaker:us-east-1:111122223333:inference-component/';

class FakeComponentAccount {
  readonly components: FakeComponent[];
  readonly hosts: FakeHost[];
  readonly calls: Array<{ operation: ComponentOperation; input: Record<string, unknown> }> = [];
  readonly schedules = new Map<string, Record<string, unknown>>();
  readonly published: Array<Record<string, unknown>> = [];
  /** Copy counts Application Auto Scaling moved by itself at RegisterScalableTarget (components named). */
  readonly movedAtRegistration: string[] = [];
  /** Decides, per call, whether it fails; receives the call's index within the run. */
  failure: (operation: ComponentOperation, input: Record<string, unknown>, index: number) => FakeAwsError | undefined = () => undefined;

  constructor(components: FakeComponent[], hosts: FakeHost[] = []) {
    this.components = components;
    this.hosts = hosts;
  }

  mutatingCalls(): number {
    return this.calls.filter((call) => MUTATING.has(call.operation)).length;
  }

  handle(operation: ComponentOperation, input: Record<string, unknown>): unknown {
    const index = this.calls.length;
    this.calls.push({ operation, input });
    const failure = this.failure(operation, input, index);
    if (failure) throw failure;
    return this[operation](input);
  }

  private component(nameOrArn: unknown): FakeComponent {
    const name = String(nameOrArn).startsWith(ARN_PREFIX) ? String(nameOrArn).slice(ARN_PREFIX.length) : String(nameOrArn);
    const found = this.components.find((component) => component.name === name);
    if (!found) throw new FakeAwsError('ValidationException', `Could not find inference component "${name}".`);
    return found;
  }

  /** Auto Scaling keeps the desired count within the registered bounds; a move is an update too. */
  private enforceBounds(component: FakeComponent): void {
    if (!component.autoscaling) return;
    const bounded = Math.min(Math.max(component.copies, component.autoscaling.min), component.autoscaling.max);
    if (bounded !== component.copies) {
      component.copies = bounded;
      component.updatingFor = SETTLE_DESCRIBES;
    }
  }

  private isUpdating(component: FakeComponent): boolean {
    return (component.updatingFor ?? 0) > 0;
  }

  private ListInferenceComponents(input: Record<string, unknown>) {
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const size = Math.min(Number(input.MaxResults ?? 10), 100);
    const page = this.components.slice(start, start + size);
    return {
      InferenceComponents: page.map((component) => ({
        InferenceComponentName: component.name,
        InferenceComponentArn: `${ARN_PREFIX}${component.name}`,
        EndpointName: component.endpointName,
        EndpointArn: `arn:aws:sagemaker:us-east-1:111122223333:endpoint/${component.endpointName}`,
        VariantName: 'AllTraffic',
        InferenceComponentStatus: 'InService',
        CreationTime: new Date('2026-01-01T00:00:00Z'),
        LastModifiedTime: new Date('2026-01-01T00:00:00Z'),
      })),
      ...(start + size < this.components.length ? { NextToken: String(start + size) } : {}),
    };
  }

  private DescribeInferenceComponent(input: Record<string, unknown>) {
    const component = this.component(input.InferenceComponentName);
    const status = this.isUpdating(component) ? 'Updating' : 'InService';
    if (component.updatingFor) component.updatingFor -= 1;
    return {
      InferenceComponentName: component.name,
      InferenceComponentArn: `${ARN_PREFIX}${component.name}`,
      EndpointName: component.endpointName,
      VariantName: 'AllTraffic',
      InferenceComponentStatus: status,
      RuntimeConfig: { DesiredCopyCount: component.copies, CurrentCopyCount: component.copies },
    };
  }

  private ListTags(input: Record<string, unknown>) {
    return { Tags: Object.entries(this.component(input.ResourceArn).tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  private AddTags(input: Record<string, unknown>) {
    const component = this.component(input.ResourceArn);
    const tags = input.Tags as Array<{ Key: string; Value: string }>;
    for (const tag of tags) {
      if (!TAG_VALUE.test(tag.Value) || tag.Key.length > 128 || tag.Value.length > 256) throw new FakeAwsError('ValidationException', `Invalid tag ${tag.Key}`);
    }
    const merged = { ...component.tags, ...Object.fromEntries(tags.map((tag) => [tag.Key, tag.Value])) };
    if (Object.keys(merged).length > 50) throw new FakeAwsError('ValidationException', 'Too many tags');
    component.tags = merged;
    return { Tags: tags };
  }

  private DeleteTags(input: Record<string, unknown>) {
    const component = this.component(input.ResourceArn);
    for (const key of input.TagKeys as string[]) delete component.tags[key];
    return {};
  }

  private UpdateInferenceComponentRuntimeConfig(input: Record<string, unknown>) {
    const component = this.component(input.InferenceComponentName);
    if (this.isUpdating(component)) {
      throw new FakeAwsError('ValidationException', `Inference component "${component.name}" is in Updating status and cannot be updated until it is InService.`);
    }
    const copies = Number((input.DesiredRuntimeConfig as { CopyCount: number }).CopyCount);
    if (copies !== component.copies) component.updatingFor = SETTLE_DESCRIBES;
    component.copies = copies;
    this.enforceBounds(component);
    return { InferenceComponentArn: `${ARN_PREFIX}${component.name}` };
  }

  private GetResources(input: Record<string, unknown>) {
    const types = (input.ResourceTypeFilters as string[] | undefined) ?? [];
    const tagged = types.includes('sagemaker:inference-component') ? this.components.filter((component) => Object.keys(component.tags).length > 0) : [];
    return {
      ResourceTagMappingList: tagged.map((component) => ({
        ResourceARN: `${ARN_PREFIX}${component.name}`,
        Tags: Object.entries(component.tags).map(([Key, Value]) => ({ Key, Value })),
      })),
      PaginationToken: '',
    };
  }

  private DescribeScalableTargets(input: Record<string, unknown>) {
    const ids = new Set(input.ResourceIds as string[]);
    if (ids.size > 50) throw new FakeAwsError('ValidationException', 'At most 50 ResourceIds');
    return {
      ScalableTargets: this.components
        .filter((component) => component.autoscaling && ids.has(`inference-component/${component.name}`))
        .map((component) => ({
          ServiceNamespace: 'sagemaker',
          ResourceId: `inference-component/${component.name}`,
          ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
          MinCapacity: component.autoscaling?.min,
          MaxCapacity: component.autoscaling?.max,
          RoleARN: 'arn:aws:iam::111122223333:role/aws-service-role/sagemaker',
          CreationTime: new Date('2026-01-01T00:00:00Z'),
        })),
    };
  }

  private RegisterScalableTarget(input: Record<string, unknown>) {
    const component = this.component(String(input.ResourceId).replace('inference-component/', ''));
    const current = component.autoscaling ?? { min: 0, max: 0 };
    component.autoscaling = { min: Number(input.MinCapacity ?? current.min), max: Number(input.MaxCapacity ?? current.max) };
    // Only an active resource has its capacity moved into the new range at registration.
    if (!this.isUpdating(component)) {
      const before = component.copies;
      this.enforceBounds(component);
      if (component.copies !== before) this.movedAtRegistration.push(component.name);
    }
    return {};
  }

  private CreateSchedule(input: Record<string, unknown>) {
    const name = String(input.Name);
    if (this.schedules.has(name)) throw new FakeAwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    this.schedules.set(name, input);
    return { ScheduleArn: `arn:aws:scheduler:us-east-1:111122223333:schedule/default/${name}` };
  }

  private host(name: unknown): FakeHost {
    const found = this.hosts.find((host) => host.name === name);
    if (!found) throw new FakeAwsError('ValidationException', `Could not find endpoint "${String(name)}".`);
    return found;
  }

  private DescribeEndpoint(input: Record<string, unknown>) {
    const host = this.host(input.EndpointName);
    return {
      EndpointName: host.name,
      EndpointConfigName: `${host.name}-config`,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentInstanceCount: host.instances,
          ...(host.managedMin !== undefined ? { ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: host.managedMin, MaxInstanceCount: 4 } } : {}),
        },
      ],
    };
  }

  private DescribeEndpointConfig(input: Record<string, unknown>) {
    const host = this.host(String(input.EndpointConfigName).replace(/-config$/, ''));
    return { EndpointConfigName: input.EndpointConfigName, ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: host.instanceType }] };
  }

  private Publish(input: Record<string, unknown>) {
    this.published.push(input);
    return { MessageId: `message-${this.published.length}` };
  }
}

/** What an admin could see of the components: everything but the fake's settle counters. */
function observable(components: readonly FakeComponent[]): Array<Omit<FakeComponent, 'updatingFor'>> {
  return components.map(({ updatingFor: _settling, ...visible }) => structuredClone(visible));
}

function fakeComponent(name: string, overrides: Partial<FakeComponent> = {}): FakeComponent {
  return { name, endpointName: 'ep-1', copies: 2, tags: { 'ops-bot:weekend-scale-to-zero': 'true' }, ...overrides };
}

export { FakeComponentAccount, fakeComponent, observable, MUTATING, SETTLE_DESCRIBES };
export type { FakeComponent, FakeHost, ComponentOperation };
