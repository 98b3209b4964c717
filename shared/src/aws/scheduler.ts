/**
 * One-time EventBridge Scheduler schedules that start a function again later (an ad hoc restore,
 * a restore deferred past a holiday). The CDK Schedule construct cannot make `at(...)` schedules
 * that delete themselves, so they are made at run time.
 */
import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { ENV } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { regionOfArn } from './clients.ts';

interface OneTimeRun {
  /** Unique within the group; a second request with the same name is the same schedule. */
  readonly name: string;
  /** Local date-time, `YYYY-MM-DDTHH:mm:ss`, read in `timezone`. */
  readonly at: string;
  readonly timezone: string;
  readonly input: Record<string, unknown>;
  readonly description: string;
}

interface OneTimeTarget {
  readonly functionArn: string;
  readonly roleArn: string;
  readonly deadLetterArn: string;
  readonly groupName: string;
}

interface OneTimeScheduler {
  scheduleOnce(run: OneTimeRun): Promise<'created' | 'already-scheduled'>;
}

function createOneTimeScheduler(client: SchedulerClient, target: OneTimeTarget): OneTimeScheduler {
  return {
    async scheduleOnce(run) {
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: run.name,
            GroupName: target.groupName,
            Description: run.description,
            ScheduleExpression: `at(${run.at})`,
            ScheduleExpressionTimezone: run.timezone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            State: 'ENABLED',
            Target: {
              Arn: target.functionArn,
              RoleArn: target.roleArn,
              Input: JSON.stringify(run.input),
              DeadLetterConfig: { Arn: target.deadLetterArn },
              RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
            },
          }),
        );
        return 'created';
      } catch (error) {
        // The name encodes the run time: an existing schedule of that name is this same request.
        if (error instanceof ConflictException) return 'already-scheduled';
        throw error;
      }
    },
  };
}

/**
 * The scheduler for one-time restores that invoke the function itself (`functionArn`, from the
 * Lambda context), made in the function's own region; a ConfigError when the stack did not set
 * where such schedules go.
 */
function oneTimeSchedulerFor(
  settings: Omit<OneTimeTarget, 'functionArn'> | undefined,
  functionArn: string | undefined,
  clientFor: (region: string) => SchedulerClient,
): OneTimeScheduler {
  if (!settings || !functionArn) throw new ConfigError(ENV.schedulerRoleArn, `and ${ENV.schedulerDeadLetterArn} must be set to schedule a one-time restore`);
  return createOneTimeScheduler(clientFor(regionOfArn(functionArn)), { ...settings, functionArn });
}

export { createOneTimeScheduler, oneTimeSchedulerFor };
export type { OneTimeScheduler, OneTimeRun, OneTimeTarget };
