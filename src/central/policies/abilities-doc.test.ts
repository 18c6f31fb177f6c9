/** docs/central-api.md prints the table of abilities (src/shared/abilities.ts) as it is: this keeps them one. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ABILITIES, ROLES } from '../../shared/abilities.js';

describe('the abilities table of docs/central-api.md', () => {
  it('is src/shared/abilities.ts, row for row', () => {
    const doc = readFileSync(new URL('../../../docs/central-api.md', import.meta.url), 'utf8');
    const section = doc.split('## Accounts, sessions and API keys')[1]!.split('\n## ')[0]!;
    const printed = Object.fromEntries(
      section
        .split('\n')
        .map((line) => /^\| `([a-z_]+\.[a-z_]+)` +\|(.*)\|$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [
          m[1]!,
          m[2]!
            .split('|')
            .map((cell, i) => (cell.trim() === 'yes' ? ROLES[i] : null))
            .filter((r) => r !== null),
        ]),
    );
    expect(printed).toEqual(Object.fromEntries(Object.entries(ABILITIES).map(([a, r]) => [a, [...r]])));
  });
});
