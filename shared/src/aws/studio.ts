/**
 * Studio reads for the audit: running apps across every domain, and the idle-shutdown settings of
 * each domain's defaults, user profiles and spaces. Describes run a few at a time.
 */
import {
  DeleteAppCommand,
  DescribeDomainCommand,
  DescribeMlflowTrackingServerCommand,
  DescribeSpaceCommand,
  DescribeUserProfileCommand,
  paginateListApps,
  paginateListDomains,
  paginateListMlflowTrackingServers,
  paginateListSpaces,
  paginateListUserProfiles,
  StartMlflowTrackingServerCommand,
  StopMlflowTrackingServerCommand,
  UpdateDomainCommand,
  type CodeEditorAppSettings,
  type JupyterLabAppSettings,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { IdleCoverage, StudioApp, StudioSpace, TrackingServer } from '../domain/studio.ts';
import { mapSettled } from '../util/concurrency.ts';

interface StudioAccess {
  listRunningApps(): Promise<StudioApp[]>;
  /** Coverage per entity, every space with its volume, and the entities whose settings could not be read. */
  readIdleCoverage(concurrency: number): Promise<{ coverage: IdleCoverage[]; spaces: StudioSpace[]; failures: Array<{ name: string; reason: unknown }> }>;
  /**
   * When a user profile was created (DescribeUserProfile's CreationTime): a profile deleted and
   * recreated under its name is another user's, and the bot's record of the first must not speak for it.
   */
  profileCreatedAt(domainId: string, userProfileName: string): Promise<string | undefined>;
  /** Logs a Canvas user out: DeleteApp of their Canvas app (SageMaker Developer Guide, "Logging out of Amazon SageMaker Canvas"). */
  deleteCanvasApp(app: { readonly domainId: string; readonly userProfileName: string; readonly appName: string }): Promise<void>;
  /** Every tracking server of the region (one list), with the size of those that bill (one describe each). */
  listTrackingServers(concurrency: number, bills: (status: string) => boolean): Promise<TrackingServer[]>;
  stopTrackingServer(name: string): Promise<void>;
  startTrackingServer(name: string): Promise<void>;
  /** A domain's JupyterLab and Code Editor defaults as DescribeDomain gives them, whole. */
  readDomainDefaults(domainId: string): Promise<DomainAppDefaults>;
  /** UpdateDomain with these app settings, each sent whole (everything else in it as read) so nothing but idle shutdown changes. */
  updateDomainDefaults(domainId: string, settings: DomainAppDefaults): Promise<void>;
}

/** The three defaults idle shutdown lives in: the user profiles' JupyterLab and Code Editor, the spaces' JupyterLab. */
interface DomainAppDefaults {
  readonly userJupyterLab?: JupyterLabAppSettings | undefined;
  readonly userCodeEditor?: CodeEditorAppSettings | undefined;
  readonly spaceJupyterLab?: JupyterLabAppSettings | undefined;
}

type LifecycleSettings = { AppLifecycleManagement?: { IdleSettings?: { LifecycleManagement?: string; IdleTimeoutInMinutes?: number } } } | undefined;

function lifecycle(settings: LifecycleSettings): string | undefined {
  const idle = settings?.AppLifecycleManagement?.IdleSettings;
  if (!idle) return undefined;
  // Spaces carry only a timeout; a timeout set there means idle shutdown applies to the space.
  return idle.LifecycleManagement ?? (idle.IdleTimeoutInMinutes ? 'ENABLED' : undefined);
}

function createStudioAccess(client: SageMakerClient, region: string): StudioAccess {
  return {
    async listRunningApps() {
      const apps: StudioApp[] = [];
      for await (const page of paginateListApps({ client, pageSize: 100 }, {})) {
        for (const app of page.Apps ?? []) {
          if (app.Status !== 'InService' || !app.DomainId || !app.AppType || !app.AppName) continue;
          apps.push({
            region,
            domainId: app.DomainId,
            owner: app.SpaceName ? `space ${app.SpaceName}` : `user ${app.UserProfileName ?? '?'}`,
            appType: app.AppType,
            appName: app.AppName,
            ...(app.ResourceSpec?.InstanceType ? { instanceType: app.ResourceSpec.InstanceType } : {}),
            ...(app.CreationTime ? { createdAt: app.CreationTime.toISOString() } : {}),
            ...(app.SpaceName ? { spaceName: app.SpaceName } : { userProfileName: app.UserProfileName }),
            ...(app.ResourceSpec?.SageMakerImageArn
              ? { image: { arn: app.ResourceSpec.SageMakerImageArn, versionAlias: app.ResourceSpec.SageMakerImageVersionAlias } }
              : {}),
          });
        }
      }
      return apps;
    },

    async readIdleCoverage(concurrency) {
      const domainIds: string[] = [];
      for await (const page of paginateListDomains({ client, pageSize: 100 }, {})) {
        for (const domain of page.Domains ?? []) if (domain.DomainId) domainIds.push(domain.DomainId);
      }
      const profiles: Array<{ domainId: string; name: string }> = [];
      const spaces: StudioSpace[] = [];
      for (const domainId of domainIds) {
        for await (const page of paginateListUserProfiles({ client, pageSize: 100 }, { DomainIdEquals: domainId })) {
          for (const profile of page.UserProfiles ?? []) if (profile.UserProfileName) profiles.push({ domainId, name: profile.UserProfileName });
        }
        // The list's summary has the app type, the volume and the owner: no describe is needed for them.
        for await (const page of paginateListSpaces({ client, pageSize: 100 }, { DomainIdEquals: domainId })) {
          for (const space of page.Spaces ?? []) {
            if (!space.SpaceName) continue;
            spaces.push({
              region,
              domainId,
              name: space.SpaceName,
              status: space.Status ?? 'Unknown',
              appType: space.SpaceSettingsSummary?.AppType,
              volumeGb: space.SpaceSettingsSummary?.SpaceStorageSettings?.EbsStorageSettings?.EbsVolumeSizeInGb,
              ownerProfile: space.OwnershipSettingsSummary?.OwnerUserProfileName,
            });
          }
        }
      }
      type Task = { level: 'domain' | 'user-profile' | 'space'; domainId: string; name: string; appType?: string | undefined };
      const tasks: Task[] = [
        ...domainIds.map((domainId) => ({ level: 'domain' as const, domainId, name: domainId })),
        ...profiles.map((profile) => ({ level: 'user-profile' as const, ...profile })),
        ...spaces.map((space) => ({ level: 'space' as const, ...space })),
      ];
      const read = await mapSettled(tasks, concurrency, async (task): Promise<IdleCoverage[]> => {
        const entry = (
          level: IdleCoverage['level'],
          settings: { JupyterLabAppSettings?: LifecycleSettings; CodeEditorAppSettings?: LifecycleSettings } | undefined,
        ): IdleCoverage => {
          const jupyterLab = lifecycle(settings?.JupyterLabAppSettings);
          const codeEditor = lifecycle(settings?.CodeEditorAppSettings);
          return { region, domainId: task.domainId, level, name: task.name, ...(jupyterLab ? { jupyterLab } : {}), ...(codeEditor ? { codeEditor } : {}) };
        };
        if (task.level === 'domain') {
          // One describe gives both defaults: user profiles inherit DefaultUserSettings, spaces
          // inherit DefaultSpaceSettings (SageMaker API Reference, DescribeDomain).
          const domain = await client.send(new DescribeDomainCommand({ DomainId: task.domainId }));
          return [entry('domain', domain.DefaultUserSettings), entry('domain-spaces', domain.DefaultSpaceSettings)];
        }
        if (task.level === 'user-profile') {
          return [
            entry('user-profile', (await client.send(new DescribeUserProfileCommand({ DomainId: task.domainId, UserProfileName: task.name }))).UserSettings),
          ];
        }
        const space = entry('space', (await client.send(new DescribeSpaceCommand({ DomainId: task.domainId, SpaceName: task.name }))).SpaceSettings);
        return [task.appType ? { ...space, appType: task.appType } : space];
      });
      const coverage: IdleCoverage[] = [];
      const failures: Array<{ name: string; reason: unknown }> = [];
      read.forEach((outcome, index) => {
        if (outcome.ok) coverage.push(...outcome.value);
        else failures.push({ name: `${tasks[index]?.level} ${tasks[index]?.name}`, reason: outcome.error });
      });
      return { coverage, spaces, failures };
    },

    async profileCreatedAt(domainId, userProfileName) {
      const profile = await client.send(new DescribeUserProfileCommand({ DomainId: domainId, UserProfileName: userProfileName }));
      return profile.CreationTime?.toISOString();
    },

    async deleteCanvasApp(app) {
      await client.send(new DeleteAppCommand({ DomainId: app.domainId, UserProfileName: app.userProfileName, AppType: 'Canvas', AppName: app.appName }));
    },

    async listTrackingServers(concurrency, bills) {
      const listed: TrackingServer[] = [];
      for await (const page of paginateListMlflowTrackingServers({ client, pageSize: 100 }, {})) {
        for (const server of page.TrackingServerSummaries ?? []) {
          if (!server.TrackingServerName || !server.TrackingServerArn) continue;
          listed.push({
            region,
            name: server.TrackingServerName,
            arn: server.TrackingServerArn,
            status: server.TrackingServerStatus ?? 'Unknown',
            createdAt: server.CreationTime?.toISOString(),
          });
        }
      }
      // The summary has no size: only the servers that bill are described for it.
      const described = await mapSettled(listed, concurrency, async (server) =>
        bills(server.status)
          ? { ...server, size: (await client.send(new DescribeMlflowTrackingServerCommand({ TrackingServerName: server.name }))).TrackingServerSize }
          : server,
      );
      return described.map((outcome, index) => (outcome.ok ? outcome.value : (listed[index] as TrackingServer)));
    },

    async stopTrackingServer(name) {
      await client.send(new StopMlflowTrackingServerCommand({ TrackingServerName: name }));
    },

    async startTrackingServer(name) {
      await client.send(new StartMlflowTrackingServerCommand({ TrackingServerName: name }));
    },

    async readDomainDefaults(domainId) {
      const domain = await client.send(new DescribeDomainCommand({ DomainId: domainId }));
      return {
        userJupyterLab: domain.DefaultUserSettings?.JupyterLabAppSettings,
        userCodeEditor: domain.DefaultUserSettings?.CodeEditorAppSettings,
        spaceJupyterLab: domain.DefaultSpaceSettings?.JupyterLabAppSettings,
      };
    },

    async updateDomainDefaults(domainId, settings) {
      const user = {
        ...(settings.userJupyterLab ? { JupyterLabAppSettings: settings.userJupyterLab } : {}),
        ...(settings.userCodeEditor ? { CodeEditorAppSettings: settings.userCodeEditor } : {}),
      };
      await client.send(
        new UpdateDomainCommand({
          DomainId: domainId,
          ...(Object.keys(user).length > 0 ? { DefaultUserSettings: user } : {}),
          ...(settings.spaceJupyterLab ? { DefaultSpaceSettings: { JupyterLabAppSettings: settings.spaceJupyterLab } } : {}),
        }),
      );
    },
  };
}

export { createStudioAccess };
export type { StudioAccess, DomainAppDefaults };
