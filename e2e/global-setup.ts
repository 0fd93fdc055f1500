import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

// Before the tests: the npm package from the release build in dist/ (packed
// and checked with attw), and the Vite consumer app built from that tarball
// into consumer/dist/, which the second web server serves.
export default function globalSetup() {
  const root = path.join(__dirname, '..');
  for (const script of ['scripts/npm-pack.sh', 'scripts/consumer-build.sh']) {
    execFileSync('bash', [path.join(root, script)], { cwd: root, stdio: 'inherit' });
  }
}
