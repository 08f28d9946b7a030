import type { Command } from 'commander';

export const DEFAULT_STUDIO_PORT = 4000;

/** The port from `--port`, else `PORT`, else 4000; a clear error for anything else. */
export function studioPort(option: string | undefined, env: Record<string, string | undefined> = process.env): number {
  const raw = option ?? env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_STUDIO_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${option === undefined ? 'PORT' : '--port'} must be a port number (0-65535), got "${raw}"`);
  }
  return port;
}

/**
 * `chartbot dev [flow-file…] [--port N]` (and `npm run dev`): the studio, a local page to talk to
 * the flows and watch their statecharts, on http://127.0.0.1:N/.
 */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('open the studio: chat with your flows and watch their statecharts live, on http://127.0.0.1:4000/ (PORT or --port)')
    .argument('[flows...]', 'flow files or folders (default: FLOWS_DIR or ./flows)')
    .option('--port <n>', 'port on 127.0.0.1 (default: PORT or 4000; 0 picks a free one)')
    .action(async (flows: string[], options: { port?: string }) => {
      let port: number;
      try {
        port = studioPort(options.port);
      } catch (error) {
        process.stderr.write(`chartbot dev: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const paths = flows.length ? flows : [process.env.FLOWS_DIR ?? './flows'];
      let server;
      try {
        // Loaded here, so that other verbs (`chartbot start`) do not load the studio, elkjs and esbuild.
        const { startStudioServer } = await import('./server.ts');
        server = await startStudioServer({ paths, port, ...(process.env.CHARTBOT_FLOW ? { defaultFlow: process.env.CHARTBOT_FLOW } : {}) });
      } catch (error) {
        process.stderr.write(`chartbot dev: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const view = server.studio.view();
      const names = view.flows.map((f) => f.name).join(', ') || 'none loaded yet';
      process.stdout.write(`chartbot studio: ${server.url} (flows: ${names})\n`);
      for (const error of view.loadErrors) process.stderr.write(`chartbot dev: ${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}\n`);
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
