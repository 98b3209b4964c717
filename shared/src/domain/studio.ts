/**
 * The Studio audit: what is running and what it costs, and where native idle shutdown is off, so
 * the admin knows where the bot is the only guard. Pure. `LastUserActivityTimestamp` is moved by
 * health checks, so nothing here reads it as an idle signal.
 */
import { billsByTheHour } from './mlflow.ts';
import type { SavingsAction } from './savings.ts';
import { canvasSessionPrice, mlStoragePrice, notebookHourlyPrice } from './prices.ts';

const AUDITED_APP_TYPES: ReadonlySet<string> = new Set(['JupyterLab', 'CodeEditor', 'KernelGateway']);

interface StudioApp {
  readonly region: string;
  readonly domainId: string;
  readonly owner: string;
  readonly appType: string;
  readonly appName: string;
  readonly instanceType?: string;
  readonly createdAt?: string;
  /** One of the two: the app's user profile (Canvas, KernelGateway) or its space (JupyterLab, Code Editor). */
  readonly userProfileName?: string | undefined;
  readonly spaceName?: string | undefined;
  /** The app's image (ResourceSpec): its ARN and SemVer alias, where ListApps gives them. */
  readonly image?: { readonly arn?: string | undefined; readonly versionAlias?: string | undefined } | undefined;
}

/**
 * Whether the app's image can shut itself down when idle: SageMaker Distribution 2.0 and later can;
 * 1.x cannot; a custom image needs its own support, which the bot cannot see (SageMaker Developer
 * Guide, "Idle shutdown"). Undefined where ListApps named no image.
 */
function imageIdleSupport(app: StudioApp): { readonly supported: boolean | undefined; readonly image: string } | undefined {
  const arn = app.image?.arn;
  if (!arn) return undefined;
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  if (!/^sagemaker-distribution/.test(name)) return { supported: undefined, image: `custom image ${name}` };
  const major = Number(/^(\d+)\./.exec(app.image?.versionAlias ?? '')?.[1] ?? 'NaN');
  const image = `SageMaker Distribution ${app.image?.versionAlias ?? '(version not named)'}`;
  return { supported: Number.isFinite(major) ? major >= 2 : undefined, image };
}

/** A Studio space as ListSpaces summarises it: its app type, its volume, and whose it is. */
interface StudioSpace {
  readonly region: string;
  readonly domainId: string;
  readonly name: string;
  readonly status: string;
  readonly appType?: string | undefined;
  readonly volumeGb?: number | undefined;
  /** A private space's owner; a shared space has none. */
  readonly ownerProfile?: string | undefined;
}

/** An MLflow tracking server as ListMlflowTrackingServers and (for its size) DescribeMlflowTrackingServer give it. */
interface TrackingServer {
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  readonly status: string;
  readonly createdAt?: string | undefined;
  /** `Small`, `Medium`, `Large`; absent when it was not described. */
  readonly size?: string | undefined;
}

/** Idle-shutdown settings of one domain default, user profile or space, per app type. */
interface IdleCoverage {
  readonly region: string;
  readonly domainId: string;
  /** `domain` is the default user profiles inherit; `domain-spaces` the default spaces inherit. */
  readonly level: 'domain' | 'domain-spaces' | 'user-profile' | 'space';
  readonly name: string;
  /** `ENABLED`, `DISABLED`, or absent (not set at this level). */
  readonly jupyterLab?: string;
  readonly codeEditor?: string;
  /** A space's one app type (ListSpaces' SpaceSettingsSummary.AppType): only its own idle setting applies. */
  readonly appType?: string | undefined;
}

/** Which idle settings can be missing at a level: a space runs one app type; the spaces' domain default has JupyterLab only. */
function idleSettingsThatApply(entry: IdleCoverage): { jupyterLab: boolean; codeEditor: boolean } {
  if (entry.level === 'domain-spaces') return { jupyterLab: true, codeEditor: false };
  if (entry.level === 'space' && entry.appType !== undefined) return { jupyterLab: entry.appType === 'JupyterLab', codeEditor: entry.appType === 'CodeEditor' };
  return { jupyterLab: true, codeEditor: true };
}

interface StudioAudit {
  readonly apps: ReadonlyArray<
    StudioApp & {
      readonly costPerDay?: number;
      readonly runningHours?: number;
      /** JupyterLab and Code Editor: the idle shutdown that applies (space, else its owner's profile, else the domain), and where it is set. */
      readonly idleShutdown?: { readonly on: boolean; readonly from: string } | undefined;
      /** Its image, where it cannot (or may not) shut itself down: a finding even where the setting is on. */
      readonly imageFinding?: string | undefined;
    }
  >;
  readonly totalCostPerDay: number;
  readonly unpricedApps: number;
  /** Where idle shutdown is not on for JupyterLab or Code Editor. */
  readonly gaps: ReadonlyArray<IdleCoverage & { readonly missing: readonly string[] }>;
  /** Canvas sessions running, with what the 15-minute check makes of each (opted in or not). */
  readonly canvas: ReadonlyArray<
    StudioApp & { readonly costPerHour?: number; readonly runningHours?: number; readonly verdict: string; readonly detail: string }
  >;
  /** Tracking servers that bill, whatever their domain (one left by a deleted domain included). */
  readonly servers: ReadonlyArray<TrackingServer & { readonly costPerHour?: number }>;
  /** Spaces with no app running: their volumes keep billing. */
  readonly stoppedSpaces: ReadonlyArray<StudioSpace & { readonly costPerMonth?: number }>;
  readonly canvasCostPerDay: number;
  readonly volumesCostPerMonth: number;
}

/** A Canvas session or an MLflow tracking server as a run judged or changed it. */
interface InteractiveOutcome {
  readonly kind: 'canvas' | 'mlflow' | 'domain';
  readonly region: string;
  /** Canvas: `<domain>/<user profile>` (profile names are unique per domain only); MLflow: the server's name. */
  readonly name: string;
  readonly verdict: string;
  readonly detail: string;
  readonly costPerHour?: number | undefined;
  readonly result: 'planned' | 'done' | 'failed' | 'none';
  readonly error?: string | undefined;
  readonly realized?: { readonly action: SavingsAction; readonly saved: number } | undefined;
}

/** What the Canvas check made of a session, for the audit. */
interface CanvasSeen {
  readonly region: string;
  readonly name: string;
  readonly verdict: string;
  readonly detail: string;
}

interface AuditExtras {
  /** A tracking server's $/hour by region and size (the admin's priceOverrides, else the Price List), when known. */
  readonly serverPrice?: ((region: string, size: string | undefined) => number | undefined) | undefined;
  /** A Studio app's $/hour (the run's price book); the embedded table when absent. */
  readonly appPrice?: ((region: string, instanceType: string) => number | undefined) | undefined;
  /** A Canvas session's $/hour in a region (the run's price book); the embedded table when absent. */
  readonly canvasPrice?: ((region: string) => number | undefined) | undefined;
  readonly spaces?: readonly StudioSpace[];
  readonly servers?: readonly TrackingServer[];
  readonly canvas?: readonly CanvasSeen[];
}

const hoursSince = (createdAt: string | undefined, now: Date) => (createdAt ? Math.floor((now.getTime() - Date.parse(createdAt)) / 3_600_000) : undefined);

function auditStudio(apps: readonly StudioApp[], coverage: readonly IdleCoverage[], now: Date, extras: AuditExtras = {}): StudioAudit {
  // A profile that sets nothing inherits the domain's DefaultUserSettings; a space inherits its
  // DefaultSpaceSettings, which is a separate default (SageMaker API Reference, DescribeDomain).
  const defaultsOf = (level: IdleCoverage['level']) =>
    new Map(coverage.filter((entry) => entry.level === level).map((entry) => [`${entry.region}/${entry.domainId}`, entry]));
  const userDefaults = defaultsOf('domain');
  const spaceDefaults = defaultsOf('domain-spaces');
  const at = (level: IdleCoverage['level'], region: string, domainId: string, name: string | undefined) =>
    name === undefined
      ? undefined
      : coverage.find((entry) => entry.level === level && entry.region === region && entry.domainId === domainId && entry.name === name);
  const spaces = extras.spaces ?? [];
  /** The setting that applies to an app: its space's own, else its owner's profile's, else the domain's default for spaces. */
  const effectiveIdle = (app: StudioApp): { on: boolean; from: string } | undefined => {
    const key = app.appType === 'JupyterLab' ? 'jupyterLab' : app.appType === 'CodeEditor' ? 'codeEditor' : undefined;
    if (!key) return undefined;
    const space = spaces.find((candidate) => candidate.region === app.region && candidate.domainId === app.domainId && candidate.name === app.spaceName);
    const levels: Array<[string, IdleCoverage | undefined]> = [
      [`space ${app.spaceName ?? '?'}`, at('space', app.region, app.domainId, app.spaceName)],
      [`user profile ${space?.ownerProfile ?? '?'}`, at('user-profile', app.region, app.domainId, space?.ownerProfile)],
      ['the domain default', key === 'jupyterLab' ? spaceDefaults.get(`${app.region}/${app.domainId}`) : userDefaults.get(`${app.region}/${app.domainId}`)],
    ];
    for (const [from, entry] of levels) {
      const value = entry?.[key];
      if (value !== undefined) return { on: value === 'ENABLED', from };
    }
    return { on: false, from: 'set nowhere' };
  };
  const running = apps
    .filter((app) => AUDITED_APP_TYPES.has(app.appType))
    .map((app) => {
      const priceOf = extras.appPrice ?? notebookHourlyPrice;
      const price = app.instanceType ? priceOf(app.region, app.instanceType) : undefined;
      const runningHours = hoursSince(app.createdAt, now);
      const idleShutdown = effectiveIdle(app);
      const support = idleShutdown ? imageIdleSupport(app) : undefined;
      const imageFinding =
        support?.supported === false
          ? `${support.image} cannot shut down when idle (2.0 and later can)`
          : support && support.supported === undefined
            ? `${support.image}: idle shutdown only if the image supports it`
            : undefined;
      return {
        ...app,
        ...(imageFinding ? { imageFinding } : {}),
        ...(price !== undefined ? { costPerDay: Math.round(price * 24 * 100) / 100 } : {}),
        ...(runningHours !== undefined ? { runningHours } : {}),
        ...(idleShutdown ? { idleShutdown } : {}),
      };
    })
    .sort((a, b) => (b.costPerDay ?? 0) - (a.costPerDay ?? 0));
  const gaps = coverage
    .map((entry) => {
      const key = `${entry.region}/${entry.domainId}`;
      const inherited = entry.level === 'user-profile' ? userDefaults.get(key) : entry.level === 'space' ? spaceDefaults.get(key) : undefined;
      const jupyterLab = entry.jupyterLab ?? inherited?.jupyterLab;
      const codeEditor = entry.codeEditor ?? inherited?.codeEditor;
      const applies = idleSettingsThatApply(entry);
      return {
        ...entry,
        missing: [
          ...(applies.jupyterLab && jupyterLab !== 'ENABLED' ? ['JupyterLab'] : []),
          ...(applies.codeEditor && codeEditor !== 'ENABLED' ? ['Code Editor'] : []),
        ],
      };
    })
    .filter((entry) => entry.missing.length > 0);
  const canvas = apps
    .filter((app) => app.appType === 'Canvas')
    .map((app) => {
      const seen = (extras.canvas ?? []).find((outcome) => outcome.region === app.region && outcome.name === `${app.domainId}/${app.userProfileName}`);
      const costPerHour = (extras.canvasPrice ?? canvasSessionPrice)(app.region);
      const runningHours = hoursSince(app.createdAt, now);
      return {
        ...app,
        ...(costPerHour !== undefined ? { costPerHour } : {}),
        ...(runningHours !== undefined ? { runningHours } : {}),
        verdict: seen?.verdict ?? 'not-opted-in',
        detail: seen?.detail ?? 'not logged out by the bot: its user profile or domain is not opted in, or it is skipped',
      };
    });
  const busySpaces = new Set(apps.filter((app) => app.spaceName).map((app) => `${app.region}/${app.domainId}/${app.spaceName}`));
  const stoppedSpaces = spaces
    .filter((space) => !busySpaces.has(`${space.region}/${space.domainId}/${space.name}`) && space.status !== 'Deleting')
    .map((space) => {
      const rate = mlStoragePrice(space.region);
      return { ...space, ...(rate !== undefined && space.volumeGb !== undefined ? { costPerMonth: Math.round(space.volumeGb * rate * 100) / 100 } : {}) };
    });
  const roundTotal = (amounts: number[]) => Math.round(amounts.reduce((total, amount) => total + amount, 0) * 100) / 100;
  return {
    apps: running,
    totalCostPerDay: roundTotal(running.map((app) => app.costPerDay ?? 0)),
    unpricedApps: running.filter((app) => app.costPerDay === undefined).length,
    gaps,
    canvas,
    servers: (extras.servers ?? [])
      .filter((server) => billsByTheHour(server.status))
      .map((server) => {
        const costPerHour = extras.serverPrice?.(server.region, server.size);
        return costPerHour !== undefined ? { ...server, costPerHour } : server;
      }),
    stoppedSpaces,
    canvasCostPerDay: roundTotal(canvas.map((app) => (app.costPerHour ?? 0) * 24)),
    volumesCostPerMonth: roundTotal(stoppedSpaces.map((space) => space.costPerMonth ?? 0)),
  };
}

export { auditStudio, imageIdleSupport, AUDITED_APP_TYPES };
export type { StudioApp, StudioSpace, TrackingServer, IdleCoverage, StudioAudit, InteractiveOutcome };
