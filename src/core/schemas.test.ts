import { describe, expect, it } from 'vitest';
import { RubricSchema, rubricMaxPoints } from './rubric.ts';
import { jsonSchemaOf } from './schemas.ts';

describe('core schemas', () => {
  it('prints a JSON Schema for every record type and rejects unknown names', () => {
    for (const name of ['problem', 'rubric', 'attempt', 'grade', 'runlog', 'run-log']) {
      expect(jsonSchemaOf(name)).toHaveProperty('type', 'object');
    }
    expect(() => jsonSchemaOf('nope')).toThrow(/unknown schema/);
  });

  it('scores grouped checkpoints as alternatives', () => {
    const rubric = RubricSchema.parse({
      problemId: 'p',
      total: 7,
      checkpoints: [
        { id: 'a1', points: 5, description: 'case analysis', group: 'A' },
        { id: 'b1', points: 3, description: 'factor', group: 'B' },
        { id: 'b2', points: 3, description: 'consecutive', group: 'B' },
        { id: 'c', points: 1, description: 'conclusion' },
      ],
    });
    expect(rubricMaxPoints(rubric)).toBe(7);
    expect(RubricSchema.safeParse({ ...rubric, total: 10 }).success).toBe(false);
  });
});
