/**
 * The docs an evaluator reads: the README stays a one-page overview, every relative link (and the
 * heading it points at) exists, and every setting and environment variable the code reads is
 * documented somewhere under docs/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULES, KNOWN_KEYS } from '../infra/deploy-config.ts';
import { ENV } from '@ops-bot/shared/config';

const pages = [
  'README.md',
  'CHANGELOG.md',
  ...readdirSync('docs', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file)),
];
const text = (page: string) => readFileSync(page, 'utf8');
/** Prose only: fenced code is not a link and not a heading. */
const prose = (page: string) => text(page).replace(/```[\s\S]*?```/g, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(page: string): Set<string> {
  return new Set([...prose(page).matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchor(match[1] ?? '')));
}

/** Every relative link of a page as [target file, anchor or ''], external and mail links left out. */
function relativeLinks(page: string): Array<{ link: string; file: string; hash: string }> {
  return [...prose(page).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((link) => !/^[a-z]+:/i.test(link))
    .map((link) => {
      const [path = '', hash = ''] = link.split('#');
      return { link, file: path === '' ? page : join(dirname(page), path), hash };
    });
}

describe('Docs', () => {
  it('keeps the README an overview of under 200 lines', () => {
    expect(text('README.md').split('\n').length).toBeLessThan(200);
  });

  it('has every relative link resolve, to a file and to a heading in it', () => {
    const broken = pages.flatMap((page) =>
      relativeLinks(page).flatMap(({ link, file, hash }) => {
        if (!existsSync(file)) return [`${page}: ${link} (no file ${file})`];
        if (hash && file.endsWith('.md') && !anchorsOf(file).has(hash)) return [`${page}: ${link} (no heading #${hash} in ${file})`];
        return [];
      }),
    );
    expect(broken).toEqual([]);
    // The check reads links: the README alone has more than ten.
    expect(relativeLinks('README.md').length).toBeGreaterThan(10);
  });

  it('documents every config key, schedule and environment variable the code reads', () => {
    const docs = pages
      .filter((page) => page.startsWith('docs'))
      .map(text)
      .join('\n');
    const names = [...KNOWN_KEYS, ...Object.keys(DEFAULT_SCHEDULES).map((name) => `schedules.${name}`), ...Object.values(ENV)];
    expect(names.filter((name) => !docs.includes(`\`${name}\``))).toEqual([]);
  });
});
