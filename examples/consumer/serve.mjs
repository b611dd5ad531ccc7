// A static server for this example, with no dependencies: the page, msir's browser modules
// (node_modules/msir/dist/lib → /msir/) and the shipped model (→ /models/msir-default/). msir's modules
// load their worker, wasm and VAD files relative to themselves, so they are served as they are.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

const here = import.meta.dirname;
const msir = path.dirname(createRequire(import.meta.url).resolve('msir/package.json'));
const routes = [
  ['/msir/', path.join(msir, 'dist/lib')],
  ['/models/', path.join(msir, 'public/models')],
  ['/', here],
];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const pathname = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
  const [prefix, dir] = routes.find(([p]) => pathname.startsWith(p));
  const file = path.join(dir, pathname.slice(prefix.length));
  if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    // Cross-origin isolation lets msir's worker use wasm threads (optional: it runs without them).
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  createReadStream(file).pipe(res);
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`msir example at http://127.0.0.1:${port}/`);
});
