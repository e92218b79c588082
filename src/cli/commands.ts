// The list of CLI commands. Add one import and one entry per command file.
import type { Command } from 'commander';
import { registerRubrics } from './rubrics.ts';
import { registerDistill } from './distill.ts';
import { registerDedup } from './dedup.ts';
import { registerDecontaminate } from './decontaminate.ts';
import { registerRewardServer } from './reward-server.ts';
import { registerExport } from './export.ts';
import { registerData } from './data.ts';
import { registerReport } from './report.ts';
import { registerView } from './view.ts';
import { registerEval } from './eval.ts';
import { registerSchema } from './schema.ts';
import { registerServe } from './serve.ts';
import { registerExportModel } from './export-model.ts';
import { registerGenerate } from './generate.ts';
import { registerMockServer } from './mock-server.ts';
import { registerGrade } from './grade.ts';
import { registerDemo } from './demo.ts';
import { registerSft } from './sft.ts';
import { registerRl } from './rl.ts';

export const commands: Array<(program: Command) => void> = [
  registerRubrics,
  registerDistill,
  registerDedup,
  registerDecontaminate,
  registerRewardServer,
  registerExport,
  registerSchema,
  registerServe,
  registerExportModel,
  registerData,
  registerReport,
  registerView,
  registerEval,
  registerGenerate,
  registerMockServer,
  registerGrade,
  registerDemo,
  registerSft,
  registerRl,
];
