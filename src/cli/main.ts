import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { createProgram } from './program.ts';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof FlowConfigError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
