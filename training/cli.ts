// msir command line: one small module per command in training/commands/.
import { argv, exit, stderr } from 'node:process';

type CommandModule = { run(args: string[]): Promise<number> };

const commands: Record<string, () => Promise<CommandModule>> = {
  features: () => import('./commands/features.ts'),
  eval: () => import('./commands/eval.ts'),
  models: () => import('./commands/models.ts'),
  train: () => import('./commands/train.ts'),
  detect: () => import('./commands/detect.ts'),
  ensemble: () => import('./commands/ensemble.ts'),
  protocol: () => import('./commands/protocol.ts'),
};

const usage = `usage: msir <command> [options]

commands:
${Object.keys(commands).map((c) => `  ${c}`).join('\n')}

Run "msir <command> --help" for a command's options.`;

async function main(): Promise<number> {
  const [name, ...rest] = argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(usage);
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    stderr.write(`msir: unknown command "${name}"\n\n${usage}\n`);
    return 2;
  }
  const mod = await load();
  return mod.run(rest);
}

main().then(
  (code) => exit(code),
  (err: unknown) => {
    stderr.write(`msir: ${err instanceof Error ? err.message : String(err)}\n`);
    exit(1);
  },
);
