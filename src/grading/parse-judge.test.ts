// Table of realistic judge replies, well-formed and broken: the parser must read every honest
// score whatever its form and refuse (score null + error) anything missing, contradictory,
// out of range or not an integer.
import { describe, expect, it } from 'vitest';
import { parseErrorList, parseJudgement, type JudgeScheme } from './parse-judge.ts';

type Row = [name: string, scheme: JudgeScheme, reply: string, expected: number | null, errorLike?: RegExp];

const A = '<assessment>Checkpoint 1 (2 pts) earned; checkpoint 2 missing.</assessment>';
const E = '<errors>\n1. The bound in step 3 is not justified.\n2. Case n = 1 omitted.\n</errors>';

const rows: Row[] = [
  // rubric, well-formed
  ['plain', 'rubric', `${A}\n${E}\n<score>5</score>`, 5],
  ['zero', 'rubric', `${A}\n<errors>1. Nothing correct.</errors>\n<score>0</score>`, 0],
  ['seven empty errors', 'rubric', `${A}\n<errors></errors>\n<score>7</score>`, 7],
  ['spaces inside tag', 'rubric', `${A}<score> 3 </score>`, 3],
  ['newlines inside tag', 'rubric', `<score>\n4\n</score>`, 4],
  ['upper case tag', 'rubric', `<SCORE>6</SCORE>`, 6],
  ['mixed case tag', 'rubric', `<Score>2</Score>`, 2],
  ['bold inside', 'rubric', `<score>**5**</score>`, 5],
  ['bold around', 'rubric', `**<score>5</score>**`, 5],
  ['code fence around', 'rubric', '```xml\n<assessment>ok</assessment>\n<score>4</score>\n```', 4],
  ['inline code inside', 'rubric', '<score>`3`</score>', 3],
  ['slash seven', 'rubric', `<score>6/7</score>`, 6],
  ['out of seven', 'rubric', `<score>6 out of 7</score>`, 6],
  ['points word', 'rubric', `<score>4 points</score>`, 4],
  ['word number', 'rubric', `<score>seven</score>`, 7],
  ['trailing period', 'rubric', `<score>1.</score>`, 1],
  ['math dollars', 'rubric', `<score>$5$</score>`, 5],
  ['spaces in brackets', 'rubric', `< score >3</ score >`, 3],
  [
    'stray text before and after',
    'rubric',
    `Let me grade this.\n${A}\n<score>2</score>\nHope this helps!`,
    2,
  ],
  [
    'judge reasoning before think',
    'rubric',
    `<think>maybe <score>7</score>? no.</think>${A}<score>3</score>`,
    3,
  ],
  ['repeated same score', 'rubric', `${A}<score>4</score>\nFinal: <score>4</score>`, 4],
  ['placeholder echo then score', 'rubric', `Format: <score>N</score>\n${A}<score>5</score>`, 5],
  ['truncated closing tag at end', 'rubric', `${A}\n<score>6`, 6],
  ['2.0 is integral', 'rubric', `<score>2.0</score>`, 2],
  // rubric, broken
  ['empty reply', 'rubric', '', null, /no <score>/],
  ['no tag', 'rubric', `${A}\nThe proof deserves 5 points.`, null, /no <score>/],
  ['only points tag', 'rubric', `<points>6 out of 7</points>`, null, /no <score>/],
  ['contradictory', 'rubric', `<score>4</score> on reflection <score>6</score>`, null, /contradictory/],
  ['out of range high', 'rubric', `<score>8</score>`, null, /outside/],
  ['out of range ten', 'rubric', `<score>10</score>`, null, /outside/],
  ['negative', 'rubric', `<score>-1</score>`, null, /outside/],
  ['non-integer', 'rubric', `<score>5.5</score>`, null, /not an integer/],
  ['word out of vocabulary', 'rubric', `<score>eight</score>`, null, /not an integer/],
  ['range', 'rubric', `<score>5-6</score>`, null, /not an integer/],
  ['empty tag', 'rubric', `<score></score>`, null, /not an integer/],
  ['placeholder only', 'rubric', `<score>N</score>`, null, /placeholder/],
  ['template echo only', 'rubric', `<score>an integer from 0 to 7</score>`, null, /placeholder/],
  ['json instead of xml', 'rubric', `{"score": 5}`, null, /no <score>/],
  ['truncated mid assessment', 'rubric', `<assessment>The proof starts well but`, null, /no <score>/],
  ['score in think only', 'rubric', `<think><score>7</score></think>I cannot decide.`, null, /no <score>/],
  ['two values in one tag', 'rubric', `<score>5 or 6</score>`, null, /not an integer/],
  // proofbench
  ['pb seven', 'proofbench', `${A}\n<points>7 out of 7</points>`, 7],
  ['pb six', 'proofbench', `<points>6 out of 7</points>`, 6],
  ['pb one', 'proofbench', `<points>1 out of 7</points>`, 1],
  ['pb zero', 'proofbench', `<points>0 out of 7</points>`, 0],
  ['pb bare number', 'proofbench', `<points>7</points>`, 7],
  ['pb slash', 'proofbench', `<points>6/7</points>`, 6],
  ['pb bold and case', 'proofbench', `**<POINTS> 1 out of 7 </POINTS>**`, 1],
  [
    'pb prompt echo then grade',
    'proofbench',
    `Answer as <points>N out of 7</points>.\n<points>6 out of 7</points>`,
    6,
  ],
  ['pb scale violation 5', 'proofbench', `<points>5 out of 7</points>`, null, /outside the proofbench scale/],
  ['pb scale violation 3', 'proofbench', `<points>3 out of 7</points>`, null, /outside/],
  [
    'pb contradictory',
    'proofbench',
    `<points>7 out of 7</points> ... <points>1 out of 7</points>`,
    null,
    /contradictory/,
  ],
  ['pb score tag instead', 'proofbench', `<score>7</score>`, null, /no <points>/],
  ['pb garbage inside', 'proofbench', `<points>seven-ish</points>`, null, /not an integer/],
];

describe('parseJudgement table', () => {
  it('has at least 40 realistic rows', () => expect(rows.length).toBeGreaterThanOrEqual(40));
  it.each(rows)('%s', (_name, scheme, reply, expected, errorLike) => {
    const r = parseJudgement(reply, scheme);
    expect(r.score).toBe(expected);
    if (expected === null) {
      expect(r.error).toBeDefined();
      if (errorLike) expect(r.error).toMatch(errorLike);
    } else {
      expect(r.error).toBeUndefined();
    }
  });
});

describe('assessment and errors', () => {
  it('keeps the assessment and splits numbered errors', () => {
    const r = parseJudgement(`${A}\n${E}\n<score>5</score>`, 'rubric');
    expect(r.assessment).toContain('Checkpoint 1');
    expect(r.errors).toEqual(['The bound in step 3 is not justified.', 'Case n = 1 omitted.']);
  });
  it('reads "none" and empty lists as no errors, bullets and wrapped lines as items', () => {
    expect(parseErrorList('None')).toEqual([]);
    expect(parseErrorList('')).toEqual([]);
    expect(parseErrorList('- first\n  continues\n- second')).toEqual(['first continues', 'second']);
  });
});
