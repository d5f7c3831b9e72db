// Starts the demo web app (`npm run demo` runs start.ts, which builds dist/ first when needed). Options: --port <n> (or PORT, default 3000; 0 picks a
// free port), --host <address> (or HOST, default 127.0.0.1), --store sqlite|memory (or
// MFAKIT_DEMO_STORE, default sqlite), --data <file> (or MFAKIT_SQLITE_PATH, default
// .demo-data/demo.sqlite). MFAKIT_PG_URL / MFAKIT_REDIS_URL switch the MFA store to PostgreSQL / Redis.
import { startDemo } from './app.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const portText = option('port') ?? process.env['PORT'] ?? '3000';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Not a port number: ${portText}`);
  process.exit(2);
}

const env = { ...process.env };
const store = option('store');
if (store !== undefined) env['MFAKIT_DEMO_STORE'] = store;
const data = option('data');
if (data !== undefined) env['MFAKIT_SQLITE_PATH'] = data;

try {
  const demo = await startDemo({
    port,
    env,
    host: option('host') ?? process.env['HOST'] ?? '127.0.0.1',
    progress: (step) => console.log(`mfakit demo: ${step}…`),
  });
  console.log(`mfakit demo: ${demo.storeDescription}; SMTP mail catcher on 127.0.0.1:${demo.smtpPort}`);
  console.log(`\nmfakit demo running at ${demo.url}  (open it in a browser; stop with Ctrl+C)\n`);
  const stop = () => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') console.error(`Port ${port} is in use: try --port <another> (or PORT=...).`);
  else console.error(error);
  process.exit(1);
}
