import { ConfigError } from '../config.ts';
import { FlowConfigError } from '../conversation/flow-registry.ts';
import { ProviderError } from '../providers/provider.ts';
import { createProgram } from './program.ts';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof FlowConfigError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(2);
  }
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'EEXIST') {
    process.stderr.write(`chartbot: ${(error as Error).message}: a key file is already there; remove it or pick another --out folder\n`);
    process.exit(1);
  }
  if (error instanceof ProviderError) {
    process.stderr.write(`chartbot: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
