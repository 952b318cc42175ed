// The README's programme table is the default calendar as it is: a change to functions/domain/default-calendar.ts
// without the table fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programmeTable } from '../support/programme-table.ts';

describe('README', () => {
  it('shows the default programme as default-calendar.ts has it', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const normalise = (text: string) => text.replace(/ +/g, ' ').replace(/-{3,}/g, '---');
    expect(normalise(readme)).toContain(normalise(programmeTable()));
  });
});
