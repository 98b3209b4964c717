/**
 * The Studio audit: what is running and what it costs, and where native idle shutdown is off, so
 * the admin knows where the bot is the only guard. Pure. `LastUserActivityTimestamp` is moved by
 * health checks, so nothing here reads it as an idle signal.
 */
import { notebookHourlyPrice } from './prices.ts';

const AUDITED_APP_TYPES: ReadonlySet<string> = new Set(['JupyterLab', 'CodeEditor', 'KernelGateway']);

interface StudioApp {
  readonly region: string;
  readonly domainId: string;
  readonly owner: string;
  readonly appType: string;
  readonly appName: string;
  readonly instanceType?: string;
  readonly createdAt?: string;
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
}

interface StudioAudit {
  readonly apps: ReadonlyArray<StudioApp & { readonly costPerDay?: number; readonly runningHours?: number }>;
  readonly totalCostPerDay: number;
  readonly unpricedApps: number;
  /** Where idle shutdown is not on for JupyterLab or Code Editor. */
  readonly gaps: ReadonlyArray<IdleCoverage & { readonly missing: readonly string[] }>;
}

function auditStudio(apps: readonly StudioApp[], coverage: readonly IdleCoverage[], now: Date): StudioAudit {
  const running = apps
    .filter((app) => AUDITED_APP_TYPES.has(app.appType))
    .map((app) => {
      const price = app.instanceType ? notebookHourlyPrice(app.region, app.instanceType) : undefined;
      const runningHours = app.createdAt ? Math.floor((now.getTime() - Date.parse(app.createdAt)) / 3_600_000) : undefined;
      return {
        ...app,
        ...(price !== undefined ? { costPerDay: Math.round(price * 24 * 100) / 100 } : {}),
        ...(runningHours !== undefined ? { runningHours } : {}),
      };
    })
    .sort((a, b) => (b.costPerDay ?? 0) - (a.costPerDay ?? 0));
  // A profile that sets nothing inherits the domain's DefaultUserSettings; a space inherits its
  // DefaultSpaceSettings, which is a separate default (SageMaker API Reference, DescribeDomain).
  const defaultsOf = (level: IdleCoverage['level']) =>
    new Map(coverage.filter((entry) => entry.level === level).map((entry) => [`${entry.region}/${entry.domainId}`, entry]));
  const userDefaults = defaultsOf('domain');
  const spaceDefaults = defaultsOf('domain-spaces');
  const gaps = coverage
    .map((entry) => {
      const key = `${entry.region}/${entry.domainId}`;
      const inherited = entry.level === 'user-profile' ? userDefaults.get(key) : entry.level === 'space' ? spaceDefaults.get(key) : undefined;
      const jupyterLab = entry.jupyterLab ?? inherited?.jupyterLab;
      const codeEditor = entry.codeEditor ?? inherited?.codeEditor;
      // DefaultSpaceSettings has JupyterLab settings only: there is no Code Editor default to miss.
      const codeEditorApplies = entry.level !== 'domain-spaces';
      return {
        ...entry,
        missing: [...(jupyterLab !== 'ENABLED' ? ['JupyterLab'] : []), ...(codeEditorApplies && codeEditor !== 'ENABLED' ? ['Code Editor'] : [])],
      };
    })
    .filter((entry) => entry.missing.length > 0);
  return {
    apps: running,
    totalCostPerDay: Math.round(running.reduce((total, app) => total + (app.costPerDay ?? 0), 0) * 100) / 100,
    unpricedApps: running.filter((app) => app.costPerDay === undefined).length,
    gaps,
  };
}

export { auditStudio, AUDITED_APP_TYPES };
export type { StudioApp, IdleCoverage, StudioAudit };
