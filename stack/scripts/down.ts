// `npm run stack:down`: stops and removes every container and network of the stack (the load
// profile included), and with `-- --volumes` its named volumes too; then says what is left.
import { parseArgs } from 'node:util';
import { compose, docker } from './docker.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { volumes: { type: 'boolean', default: false } } });
  const project = (
    JSON.parse(await compose(['config', '--format', 'json'], { timeoutMs: 60_000 })) as {
      name: string;
    }
  ).name;
  await compose(
    ['--profile', 'load', 'down', '--remove-orphans', ...(values.volumes ? ['--volumes'] : [])],
    {
      timeoutMs: 300_000,
      echo: '  down | ',
    },
  );
  const left = (
    await docker([
      'ps',
      '--all',
      '--filter',
      `label=com.docker.compose.project=${project}`,
      '--format',
      '{{.Names}}',
    ])
  )
    .split('\n')
    .filter(Boolean);
  if (left.length > 0) {
    console.error(
      `stack:down: containers of project "${project}" are still there: ${left.join(', ')}`,
    );
    return 1;
  }
  console.log(
    `stack: project "${project}" is down${values.volumes ? ', its volumes deleted' : ' (volumes kept: `npm run stack:down -- --volumes` deletes them)'}`,
  );
  return 0;
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`stack:down: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
