import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gsm7Length } from '@ops-bot/shared/report/gsm7';
import { samples } from '../../scripts/samples.ts';

describe('Docs: docs/samples.md', () => {
  it('shows exactly what the demo sends today (regenerate with npm run -s samples > docs/samples.md)', async () => {
    expect(readFileSync('docs/samples.md', 'utf8')).toBe(await samples());
  });

  it('has a sample of every job, each SMS one segment as the phone shows it', async () => {
    // Prepare
    const text = await samples();
    const texts = [...text.matchAll(/\*\*SMS\*\*[^\n]*\n\n```text\n([^\n]*)\n```/g)].map((match) => match[1] ?? '');

    // Assess
    for (const job of ['## idle-endpoints', '## idle-notebooks: idle check', '## idle-notebooks: Studio audit', '## weekend-scaling', '## cost-report'])
      expect(text).toContain(job);
    expect(texts).toHaveLength(7);
    for (const sms of texts) {
      expect(sms.startsWith('OPSBOT> ')).toBe(true);
      expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
    }
  });
});
