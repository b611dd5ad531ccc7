// Shared argument handling of the msir commands: parse, --help, and usage errors (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parsed arguments, or the exit code when parsing failed (2, message + usage on stderr) or --help was asked (0). */
export function parseCommand<T extends ParseArgsConfig>(name: string, usage: string, config: T): ReturnType<typeof parseArgs<T>> | number {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    return usageError(name, usage)(err instanceof Error ? err.message : String(err));
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return 0;
  }
  return parsed;
}

/** `bad(msg)`: prints "msir NAME: msg" and the usage to stderr, returns exit code 2. */
export function usageError(name: string, usage: string): (msg: string) => number {
  return (msg) => {
    process.stderr.write(`msir ${name}: ${msg}\n\n${usage}\n`);
    return 2;
  };
}
