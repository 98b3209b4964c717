/**
 * Carrying out component plans (domain/weekend-scaling.ts) step by step: save the state, lower or
 * restore the autoscaling bounds, set the copy count, clear the state once it reads back. Shared by
 * the weekend job and the idle action's scale-to-zero, so there is one save-then-act machinery.
 * Each component's steps run strictly in order; the first failure (after in-run retries) stops
 * that component only.
 */
import { describeFailure } from '../errors.ts';
import type { ComponentCopies, InferenceComponentListing } from '../domain/hosting.ts';
import {
  type ComponentOutcome,
  type ComponentPlan,
  type ComponentSnapshot,
  type ExpectedLive,
  type ScalingBounds,
  type Step,
} from '../domain/weekend-scaling.ts';
import { COMPONENT_STATE, isSlotKey, type BotState, type StateSubject } from '../aws/bot-state.ts';
import type { ComponentAccess } from '../aws/inference-components.ts';
import type { ScalingAccess } from '../aws/autoscaling.ts';
import { mapSettled } from '../util/concurrency.ts';
import { OutOfTimeError, type Deadline } from '../util/deadline.ts';
import type { RunLogger } from '../util/logger.ts';

/** Components acted on at once. */
const ACT_CONCURRENCY = 4;

/**
 * How long a refused or throttled change is retried within the run: poll DescribeInferenceComponent
 * until the component leaves `Updating`, then try again. Bounded, and always inside the deadline.
 */
interface SettlePolicy {
  readonly pollMs: number;
  readonly maxPolls: number;
  readonly attempts: number;
}
const SETTLE_BOUNDS = { maxPolls: 30, attempts: 3 } as const;

/** The bounds above with `pollSeconds` between checks. */
function settlePolicy(pollSeconds: number): SettlePolicy {
  return { ...SETTLE_BOUNDS, pollMs: pollSeconds * 1000 };
}

/** What acting on a component needs in its region. */
interface ComponentActor {
  readonly components: ComponentAccess;
  readonly scaling: ScalingAccess;
}

interface StepRunner {
  readonly actorFor: (region: string) => ComponentActor;
  /** Where the saved state is written, read back and cleared (the state table). */
  readonly state: BotState;
  readonly logger: RunLogger;
  readonly settle: SettlePolicy;
  readonly deadline?: Deadline | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/**
 * One component as the rules read it: its live copies, the owner's tags (opt-in, skip), and the
 * bot's state as verified. Read from the component itself (DescribeInferenceComponent, ListTags).
 */
async function readComponentSnapshot(
  region: string,
  listing: InferenceComponentListing,
  access: ComponentAccess,
  state: BotState,
  extra: { readonly autoscaling?: ScalingBounds | undefined; readonly endpointSkipped?: boolean | undefined },
): Promise<ComponentSnapshot> {
  const [copies, tags] = await Promise.all([access.readCopies(listing.name), access.readTags(listing.arn)]);
  return {
    region,
    name: listing.name,
    arn: listing.arn,
    createdAt: copies.createdAt,
    endpointName: listing.endpointName,
    variantName: listing.variantName,
    desiredCopyCount: copies.desiredCopyCount,
    tags: Object.fromEntries(Object.entries(tags).filter(([key]) => !isSlotKey(COMPONENT_STATE, key))),
    state: await state.verify({ arn: listing.arn, createdAt: copies.createdAt }, COMPONENT_STATE, tags),
    endpointSkipped: extra.endpointSkipped,
    autoscaling: extra.autoscaling,
  };
}

/** The component as the journal names it. */
const componentJournal = (plan: ComponentPlan) => ({ name: plan.name, arn: plan.arn, kind: 'inference-component' as const });

/** The component as its state names it. */
const subjectOf = (plan: ComponentPlan): StateSubject => ({ arn: plan.arn, createdAt: plan.createdAt });

function asPlanned(plan: ComponentPlan): ComponentOutcome {
  return { ...plan, result: plan.steps.length > 0 ? 'planned' : 'unchanged', copiesNow: plan.copiesAfter };
}

/** Each component's steps in order; the first failure (after in-run retries) stops that component only. */
async function carryOut(plans: readonly ComponentPlan[], runner: StepRunner): Promise<ComponentOutcome[]> {
  const settled = await mapSettled(
    plans,
    ACT_CONCURRENCY,
    async (plan): Promise<ComponentOutcome> => {
      if (plan.steps.length === 0) return { ...plan, result: 'unchanged', copiesNow: plan.copiesBefore };
      const access = runner.actorFor(plan.region);
      let copiesNow = plan.copiesBefore;
      for (const step of plan.steps) {
        try {
          // Between steps, never past the deadline: work left behind by a run that had to publish
          // must not go on changing things if the container is thawed later.
          if (runner.deadline?.passed()) throw new OutOfTimeError();
          await runStep(access, plan, step, runner);
          if (step.kind === 'set-copy-count') copiesNow = step.copyCount;
          if (step.kind === 'set-copy-count' && step.copyCount === 0) await keepStateAfterZero(runner.state, plan);
        } catch (error) {
          const reason = describeFailure(error);
          runner.logger.error('Weekend scaling step failed', { component: plan.name, region: plan.region, step: step.kind, reason });
          return { ...plan, result: 'failed', copiesNow, failedStep: step.kind, error: reason };
        }
      }
      return { ...plan, result: 'done', copiesNow };
    },
    runner.deadline,
  );
  return settled.map((outcome, index) => {
    if (outcome.ok) return outcome.value;
    const plan = plans[index] as ComponentPlan;
    return { ...plan, result: 'failed', copiesNow: plan.copiesBefore, error: describeFailure(outcome.error) };
  });
}

class StateMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateMismatchError';
  }
}

async function runStep(access: ComponentActor, plan: ComponentPlan, step: Step, runner: StepRunner): Promise<void> {
  switch (step.kind) {
    case 'save-state':
      return runner.state.write(subjectOf(plan), COMPONENT_STATE, step.values);
    case 'set-autoscaling':
      if (plan.saved && !withinSaved(step, plan.saved))
        throw new StateMismatchError(`refused to set bounds ${step.minCapacity}..${step.maxCapacity}: outside the saved range`);
      // Register only once the component is settled: on an active resource Application Auto
      // Scaling moves the current capacity into the new bounds, and the copies must be in place.
      await waitUntilSettled(access, plan.name, runner);
      return runner.state.act({ ...componentJournal(plan), action: 'set autoscaling bounds', after: `${step.minCapacity}..${step.maxCapacity}` }, () =>
        access.scaling.setBounds(plan.name, { minCapacity: step.minCapacity, maxCapacity: step.maxCapacity }),
      );
    case 'set-copy-count':
      // Defence in depth: whatever the plan says, no change goes above what was saved.
      if (plan.saved && step.copyCount > plan.saved.copyCount)
        throw new StateMismatchError(`refused to set ${step.copyCount} copies: only ${plan.saved.copyCount} were saved`);
      return withRetries(access, plan.name, runner, () =>
        runner.state.act(
          {
            ...componentJournal(plan),
            action: 'set copies',
            before: String(plan.copiesBefore),
            after: String(step.copyCount),
            undo:
              step.copyCount === 0
                ? `invoke weekend-scaling with ${JSON.stringify({ action: 'restore', component: plan.name, region: plan.region })}`
                : undefined,
          },
          () => access.components.setCopyCount(plan.name, step.copyCount),
        ),
      );
    case 'clear-state':
      return clearVerified(access, plan, step, runner);
  }
}

/** Bounds the bot may set: the saved ones, or the saved ones with MinCapacity lowered to 0 (a scale-down). */
function withinSaved(step: Extract<Step, { kind: 'set-autoscaling' }>, saved: ExpectedLive): boolean {
  const bounds = saved.autoscaling;
  if (!bounds) return false;
  return step.maxCapacity === bounds.maxCapacity && (step.minCapacity === bounds.minCapacity || step.minCapacity === 0);
}

/** Polls DescribeInferenceComponent until the component is not `Updating`, within the settle bound and the deadline. */
async function waitUntilSettled(access: ComponentActor, name: string, runner: StepRunner): Promise<ComponentCopies> {
  const settle = runner.settle;
  const sleep = runner.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let poll = 0; ; poll += 1) {
    const live = await access.components.readCopies(name);
    if (live.status !== 'Updating') return live;
    if (poll >= settle.maxPolls) throw new StateMismatchError(`still Updating after ${settle.maxPolls} checks`);
    if (runner.deadline?.passed()) throw new OutOfTimeError();
    await sleep(settle.pollMs);
  }
}

/**
 * A change refused while the component is `Updating` (or throttled past the SDK's own retries) is
 * tried again within this run, after the component settles; "retried next run" would mean next week.
 */
async function withRetries(access: ComponentActor, name: string, runner: StepRunner, change: () => Promise<void>): Promise<void> {
  const settle = runner.settle;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await change();
    } catch (error) {
      if (attempt >= settle.attempts || runner.deadline?.passed()) throw error;
      runner.logger.warn('Retrying a refused change once the component settles', { component: name, attempt, reason: describeFailure(error) });
      await waitUntilSettled(access, name, runner);
    }
  }
}

/**
 * Clears saved state only once the live count and bounds read back as saved: a concurrent
 * scale-down, or Application Auto Scaling, may have moved them. After clearing they are read once
 * more: a component moved in between (a scale-down's 0, pushed up to MinCapacity or not) gets its
 * state written back, so there is always a way back to the saved count.
 */
async function clearVerified(access: ComponentActor, plan: ComponentPlan, step: Extract<Step, { kind: 'clear-state' }>, runner: StepRunner): Promise<void> {
  const expect = step.expect;
  if (expect) {
    const found = await differenceFrom(expect, access, plan.name, runner);
    if (found) throw new StateMismatchError(`read back ${found} instead of the saved ${expect.copyCount}: saved state kept for the next restore`);
  }
  await runner.state.clear(subjectOf(plan), COMPONENT_STATE);
  if (!expect) return;
  const moved = await differenceFrom(expect, access, plan.name, runner);
  if (moved) {
    if (plan.saved) await runner.state.write(subjectOf(plan), COMPONENT_STATE, plan.saved.values);
    throw new StateMismatchError(`changed while restoring (now ${moved}): saved state written back for the next restore`);
  }
}

/** What differs between the live component and the saved state, or undefined when they agree. */
async function differenceFrom(expect: ExpectedLive, access: ComponentActor, name: string, runner: StepRunner): Promise<string | undefined> {
  const live = await waitUntilSettled(access, name, runner);
  const bounds = expect.autoscaling ? (await access.scaling.readBounds([name])).get(name) : undefined;
  const boundsDiffer =
    expect.autoscaling !== undefined && (bounds?.minCapacity !== expect.autoscaling.minCapacity || bounds?.maxCapacity !== expect.autoscaling.maxCapacity);
  if (live.desiredCopyCount === expect.copyCount && !boundsDiffer) return undefined;
  return `${live.desiredCopyCount} copies${bounds ? `, bounds ${bounds.minCapacity}..${bounds.maxCapacity}` : ''}`;
}

/**
 * After zeroing, the saved state must still be there and still verify: a restore that ran in
 * between may have cleared it. Written back from this run's own snapshot, so a
 * component at 0 always has its way back.
 */
async function keepStateAfterZero(state: BotState, plan: ComponentPlan): Promise<void> {
  if (!plan.saved) return;
  const found = await state.read(subjectOf(plan), COMPONENT_STATE);
  if (found.status !== 'verified') await state.write(subjectOf(plan), COMPONENT_STATE, plan.saved.values);
}

export { asPlanned, carryOut, settlePolicy, readComponentSnapshot };
export type { ComponentActor, StepRunner, SettlePolicy };
