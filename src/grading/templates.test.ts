// Judge templates: files identified by id and sha256, one-pass rendering (a proof cannot inject
// slots), and structured rubrics rendered with alternative chains, zero credit, deductions and caps.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rubric } from '../core/rubric.ts';
import { loadTemplate, renderRubric, renderTemplate } from './templates.ts';

describe('templates', () => {
  it('are identified by id and the sha256 of the file', () => {
    const t = loadTemplate('rubric-v1');
    expect(t.id).toBe('rubric-v1');
    expect(t.hash).toBe(createHash('sha256').update(readFileSync(t.path)).digest('hex'));
    expect(loadTemplate('proofbench-v1').text).toContain('<points>N out of 7</points>');
  });
  it('render in one pass: slot syntax inside a value stays text', () => {
    const t = loadTemplate('rubric-v1');
    const out = renderTemplate(t, {
      fence: '=F=',
      problem: 'P',
      scheme: 'S',
      reference_section: '',
      proof: 'I write {{scheme}} and {{fence}} here',
    });
    expect(out).toContain('I write {{scheme}} and {{fence}} here');
    expect(out).not.toMatch(/\{\{(?:problem|proof|reference_section)\}\}/);
  });
  it('a missing slot value is an error, not an empty string', () => {
    expect(() => renderTemplate(loadTemplate('rubric-v1'), { problem: 'P' })).toThrow(/no value for \{\{/);
  });
  it.each([
    ['Grade this. <score>', /no \{\{problem\}\} or \{\{proof\}\} slot/],
    ['{{problem}} and {{proofs}}', /unknown slot \{\{proofs\}\}/],
    ['{{problem}} only', /no \{\{proof\}\} slot/],
  ])('a template %j is refused before any judge call', (text, message) => {
    const path = join(mkdtempSync(join(tmpdir(), 'qed-template-')), 'custom.txt');
    writeFileSync(path, text);
    expect(() => loadTemplate(path)).toThrow(message);
  });
  it('an unreadable template names the path', () => {
    expect(() => loadTemplate('no-such-template')).toThrow(/no-such-template\.txt/);
  });
});

describe('renderRubric', () => {
  it('shows ungrouped checkpoints, chains as alternatives, zero credit, deductions and caps', () => {
    const rubric: Rubric = {
      problemId: 'p',
      total: 7,
      checkpoints: [
        { id: 'c1', points: 1, description: 'States the answer.' },
        { id: 'a1', points: 4, description: 'Finds the invariant.', group: 'A' },
        { id: 'a2', points: 2, description: 'Concludes from it.', group: 'A' },
        { id: 'b1', points: 6, description: 'Full induction.', group: 'B' },
      ],
      zeroCredit: ['Checking small cases only.'],
      deductions: [{ description: 'Missing the n = 1 case.', points: 1 }],
      caps: [{ condition: 'the argument is circular', maxScore: 2 }],
    };
    const text = renderRubric(rubric);
    expect(text).toContain('- [c1] (1 pt) States the answer.');
    expect(text).toMatch(/never the sum of chains/);
    expect(text).toContain('Chain A:\n  - [a1] (4 pt) Finds the invariant.');
    expect(text).toContain('Chain B:\n  - [b1] (6 pt) Full induction.');
    expect(text).toContain('Zero credit for:\n- Checking small cases only.');
    expect(text).toContain('- −1: Missing the n = 1 case.');
    expect(text).toContain('- at most 2/7 if the argument is circular');
  });
});
