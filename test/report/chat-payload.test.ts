/**
 * The custom notification AWS's chat integration accepts (Amazon Q Developer in chat applications
 * Administrator Guide, "Custom notifications"): `version` "1.0", `source` "custom", `content` with
 * `textType` "client-markdown", `title` and `description`, and nothing else at the top. Pinned for
 * every kind of report the jobs send, so a change to a report cannot break chat delivery unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { CHAT_DESCRIPTION_MAX_CHARS, toPublishInput } from '@ops-bot/shared/report/sns-message';
import { sampleReports } from '../../scripts/samples.ts';

/** SNS refuses a subject of 100 characters or more; chat shows the title as one line. */
const TITLE_MAX_CHARS = 99;

// The demo's replays, read once for the whole file (describe blocks cannot wait).
const samples = await sampleReports();

describe('Chat: the custom notification of every report', () => {
  const reports = Object.entries(samples).filter((entry): entry is [string, NonNullable<(typeof entry)[1]>] => entry[1] !== undefined);

  it('covers every job', () => {
    expect(reports.map(([name]) => name.split(':')[0]).filter((job, index, all) => all.indexOf(job) === index)).toEqual([
      'idle-endpoints',
      'idle-notebooks',
      'weekend-scaling',
      'cost-report',
      'savings-report',
    ]);
  });

  it.each(reports)('%s: has exactly the schema chat accepts, within its limits', (_name, report) => {
    // Act
    const message = JSON.parse(toPublishInput(report, 'OpsBot').Message) as Record<string, string>;
    const payload = JSON.parse(message.https ?? 'null') as {
      version: string;
      source: string;
      content: { textType: string; title: string; description: string };
    };

    // Assess
    expect(Object.keys(payload).sort()).toEqual(['content', 'source', 'version']);
    expect(Object.keys(payload.content).sort()).toEqual(['description', 'textType', 'title']);
    expect(payload).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: report.subject } });
    expect(payload.content.title.length).toBeLessThanOrEqual(TITLE_MAX_CHARS);
    expect(payload.content.title).not.toMatch(/[\r\n]/);
    expect(payload.content.description.length).toBeGreaterThan(0);
    expect(payload.content.description.length).toBeLessThanOrEqual(CHAT_DESCRIPTION_MAX_CHARS + 8);
    expect(Buffer.byteLength(message.https ?? '', 'utf8')).toBeLessThan(8_192);
  });

  it.each(reports)('%s: is the payload pinned here', (_name, report) => {
    const message = JSON.parse(toPublishInput(report, 'OpsBot').Message) as Record<string, string>;
    expect(JSON.parse(message.https ?? 'null')).toMatchSnapshot();
  });
});
