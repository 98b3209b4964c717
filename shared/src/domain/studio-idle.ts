/**
 * Turning on Studio's own idle shutdown in a domain that opted in (`ops-bot:idle-shutdown = true`):
 * in the three defaults it lives in (the user profiles' JupyterLab and Code Editor, the spaces'
 * JupyterLab; SageMaker API Reference, DescribeDomain), wherever it is not ENABLED. Each default is
 * sent back whole with only its IdleSettings replaced, so an UpdateDomain that replaced the
 * structure would still keep images, lifecycle configs and instance defaults. Pure: it works on the
 * shapes the API returns, without importing the SDK.
 */

interface IdleSettingsLike {
  readonly LifecycleManagement?: string | undefined;
  readonly IdleTimeoutInMinutes?: number | undefined;
  readonly MinIdleTimeoutInMinutes?: number | undefined;
  readonly MaxIdleTimeoutInMinutes?: number | undefined;
}

interface AppSettingsLike {
  readonly AppLifecycleManagement?: { readonly IdleSettings?: IdleSettingsLike | undefined } | undefined;
}

type DefaultKey = 'userJupyterLab' | 'userCodeEditor' | 'spaceJupyterLab';

const DEFAULT_NAMES: Readonly<Record<DefaultKey, string>> = {
  userJupyterLab: 'JupyterLab (user profiles)',
  userCodeEditor: 'Code Editor (user profiles)',
  spaceJupyterLab: 'JupyterLab (spaces)',
};

interface IdleShutdownChanges<S extends AppSettingsLike> {
  /** The defaults to send, whole, with idle shutdown on. */
  readonly changes: Partial<Record<DefaultKey, S>>;
  /** What each replaced: its IdleSettings as read, or null where none was set. */
  readonly replaced: Partial<Record<DefaultKey, IdleSettingsLike | null>>;
}

function idleShutdownChanges<S extends AppSettingsLike>(defaults: Partial<Record<DefaultKey, S | undefined>>, minutes: number): IdleShutdownChanges<S> {
  const changes: Partial<Record<DefaultKey, S>> = {};
  const replaced: Partial<Record<DefaultKey, IdleSettingsLike | null>> = {};
  for (const key of Object.keys(DEFAULT_NAMES) as DefaultKey[]) {
    const settings = defaults[key];
    const idle = settings?.AppLifecycleManagement?.IdleSettings;
    if (idle?.LifecycleManagement === 'ENABLED') continue;
    // Within the bounds the domain set for its users, where it set any.
    const timeout = Math.min(Math.max(minutes, idle?.MinIdleTimeoutInMinutes ?? minutes), idle?.MaxIdleTimeoutInMinutes ?? minutes);
    changes[key] = {
      ...(settings ?? {}),
      AppLifecycleManagement: {
        ...(settings?.AppLifecycleManagement ?? {}),
        IdleSettings: { ...(idle ?? {}), LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: timeout },
      },
    } as S;
    replaced[key] = idle ?? null;
  }
  return { changes, replaced };
}

function describeDefaults(keys: readonly string[]): string {
  return keys.map((key) => DEFAULT_NAMES[key as DefaultKey] ?? key).join(', ');
}

export { idleShutdownChanges, describeDefaults, DEFAULT_NAMES };
export type { AppSettingsLike, DefaultKey, IdleSettingsLike, IdleShutdownChanges };
