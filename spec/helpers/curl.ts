import { execFileSync } from 'node:child_process';

/** Whether curl can be run here: the specs that paste the README's curl lines need it. */
export function hasCurl(): boolean {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
